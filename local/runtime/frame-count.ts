/**
 * How many frames a Kinesis record carries, for the status line, without decoding it:
 * the record format (core/records/codec.ts, version 1) starts its zlib payload with the
 * envelope count (u32 LE), so inflating the first few hundred bytes is enough. Falls
 * back to a full decode when the head does not yield the count.
 */
import { constants, inflateSync } from 'node:zlib';
import { decodeRecord, RECORD_FORMAT_VERSION } from '../../core/records/index.ts';

/** Enough compressed bytes for a deflate block header plus the first output bytes. */
const HEAD_BYTES = 512;

export function countFrames(data: Uint8Array): number {
  if (data.length > 1 && data[0] === RECORD_FORMAT_VERSION) {
    try {
      const head = inflateSync(data.subarray(1, 1 + HEAD_BYTES), { finishFlush: constants.Z_SYNC_FLUSH });
      if (head.length >= 4) return head.readUInt32LE(0);
    } catch {
      // Fall through to the full decode, which reports what is wrong.
    }
  }
  return decodeRecord(data).length;
}
