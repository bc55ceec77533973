/**
 * First step of a batch: decode every record (`core/records`), keeping stream order. A
 * record that cannot be decoded (corrupt, truncated, unknown format version) becomes one
 * `record` reject row and the rest of the batch goes on. Frames stay text here: they are
 * parsed one at a time by `deriveBatch`, which keeps only what it needs of each (holding a
 * whole batch of parsed frames costs more in garbage collection than the parsing itself).
 *
 * @example
 * const decoded = decodeBatch([{ data, sequenceNumber: '4959...', arrivalMs: Date.now() }], 'shardId-000000000000');
 * decoded.records[0].envelopes[0].raw; // 'MAIN|S#FPT|...'
 */
import { decodeRecord, type Envelope, RecordDecodeError } from '../records/index.ts';
import { type RejectPlace, recordReject } from './rejects.ts';
import type { RejectRow } from './types.ts';

/** A Kinesis record as the transform sees it. */
export type BatchRecord = {
  readonly data: Uint8Array;
  readonly sequenceNumber: string;
  /** Approximate arrival time in the stream, epoch ms. */
  readonly arrivalMs: number;
};

/** A record that decoded: its position in the batch, its place in the stream, its frames. */
export type DecodedRecord = {
  readonly index: number;
  readonly place: RejectPlace;
  readonly envelopes: readonly Envelope[];
};

/** A reject row with the index of the record it came from. */
export type PlacedReject = { readonly row: RejectRow; readonly record: number };

export type DecodedBatch = {
  /** The records that decoded. */
  readonly records: DecodedRecord[];
  /** One per record that could not be decoded. */
  readonly rejects: PlacedReject[];
};

/** Decodes a batch; never throws on bad input. */
export function decodeBatch(records: readonly BatchRecord[], shardId: string): DecodedBatch {
  const decoded: DecodedRecord[] = [];
  const rejects: PlacedReject[] = [];
  for (let index = 0; index < records.length; index++) {
    const { data, sequenceNumber, arrivalMs } = records[index];
    const place = { shardId, sequenceNumber, arrivalMs };
    try {
      decoded.push({ index, place, envelopes: decodeRecord(data) });
    } catch (error) {
      if (!(error instanceof RecordDecodeError)) throw error;
      const raw = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
      rejects.push({ row: recordReject(place, error.code, error.message, raw), record: index });
    }
  }
  return { records: decoded, rejects };
}
