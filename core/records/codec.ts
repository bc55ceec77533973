/**
 * The Kinesis record codec: many envelopes per record, compressed.
 *
 * Format, version 1 (all integers little-endian):
 *
 * ```
 * byte 0      format version (1)
 * bytes 1..4  CRC-32 of the uncompressed payload (u32)
 * bytes 5..   zlib stream (RFC 1950: deflate + Adler-32 checksum) of the payload:
 *   u32       envelope count N
 *   u16       connection-id count C, then C times: u16 byte length + UTF-8 bytes
 *   N times:  u16 connection index (into the C ids)
 *             f64 receivedAt (epoch ms)
 *             f64 seq
 *             u32 raw byte length + UTF-8 bytes of the frame
 * ```
 *
 * The version byte comes first and uncompressed so the format can change: a reader
 * sees the version before it decompresses anything. The CRC-32 catches corruption
 * (zlib's own Adler-32 alone let a two-bit flip through under fuzzing: it is weak on
 * short inputs); the length fields catch truncation; the payload must be consumed
 * exactly. `decodeRecord` returns every envelope or throws `RecordDecodeError`:
 * it never returns part of a record.
 *
 * @example
 * const bytes = encodeRecord([{ raw: 'MAIN|S#FPT|...', receivedAt: 1776148328337, connectionId: 'c1', seq: 0 }]);
 * const [envelope] = decodeRecord(bytes);
 */

import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { FunctionError } from '../errors.ts';
import type { Envelope } from './envelope.ts';

export const RECORD_FORMAT_VERSION = 1;

/** Kinesis' hard limit on one record: data plus partition key, 1 MiB. */
export const KINESIS_MAX_RECORD_BYTES = 1024 * 1024;

/** Version byte + CRC-32. */
const HEADER_BYTES = 5;

/** Refuse to inflate more than this: a record's payload is bounded well below it. */
const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

/** zlib level 6 (the default): ~8x on iboard frames; level 1 is faster but ~25% larger. */
const COMPRESSION_LEVEL = 6;

export const RECORD_DECODE_ERROR_CODES = {
  EMPTY: 'RECORD_EMPTY',
  UNKNOWN_VERSION: 'RECORD_UNKNOWN_VERSION',
  CORRUPT: 'RECORD_CORRUPT',
  TRUNCATED: 'RECORD_TRUNCATED',
  MALFORMED: 'RECORD_MALFORMED',
} as const;
export type RecordDecodeErrorCode =
  (typeof RECORD_DECODE_ERROR_CODES)[keyof typeof RECORD_DECODE_ERROR_CODES];

export class RecordDecodeError extends FunctionError {
  constructor(
    readonly code: RecordDecodeErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'RecordDecodeError';
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes envelopes into one compressed record (version byte + zlib payload). */
export function encodeRecord(envelopes: readonly Envelope[]): Uint8Array {
  const connectionIndex = new Map<string, number>();
  const connectionBytes: Uint8Array[] = [];
  const rawBytes: Uint8Array[] = new Array(envelopes.length);
  let size = 4 + 2;
  for (let i = 0; i < envelopes.length; i++) {
    const envelope = envelopes[i];
    if (!connectionIndex.has(envelope.connectionId)) {
      const bytes = encoder.encode(envelope.connectionId);
      connectionIndex.set(envelope.connectionId, connectionBytes.length);
      connectionBytes.push(bytes);
      size += 2 + bytes.length;
    }
    rawBytes[i] = encoder.encode(envelope.raw);
    size += 2 + 8 + 8 + 4 + rawBytes[i].length;
  }
  if (connectionBytes.length > 0xffff) throw new RangeError('too many connection ids in one record');

  const payload = Buffer.allocUnsafe(size);
  let offset = payload.writeUInt32LE(envelopes.length, 0);
  offset = payload.writeUInt16LE(connectionBytes.length, offset);
  for (const bytes of connectionBytes) {
    offset = payload.writeUInt16LE(bytes.length, offset);
    payload.set(bytes, offset);
    offset += bytes.length;
  }
  for (let i = 0; i < envelopes.length; i++) {
    const envelope = envelopes[i];
    offset = payload.writeUInt16LE(connectionIndex.get(envelope.connectionId) as number, offset);
    offset = payload.writeDoubleLE(envelope.receivedAt, offset);
    offset = payload.writeDoubleLE(envelope.seq, offset);
    offset = payload.writeUInt32LE(rawBytes[i].length, offset);
    payload.set(rawBytes[i], offset);
    offset += rawBytes[i].length;
  }

  const compressed = deflateSync(payload, { level: COMPRESSION_LEVEL });
  const record = new Uint8Array(HEADER_BYTES + compressed.length);
  record[0] = RECORD_FORMAT_VERSION;
  new DataView(record.buffer).setUint32(1, crc32(payload), true);
  record.set(compressed, HEADER_BYTES);
  return record;
}

/** Decodes a record made by `encodeRecord`; throws `RecordDecodeError` on anything else. */
export function decodeRecord(data: Uint8Array): Envelope[] {
  if (data.length === 0) throw new RecordDecodeError('RECORD_EMPTY', 'record is empty');
  if (data[0] !== RECORD_FORMAT_VERSION) {
    throw new RecordDecodeError(
      'RECORD_UNKNOWN_VERSION',
      `record format version ${data[0]} is not supported (expected ${RECORD_FORMAT_VERSION})`,
    );
  }
  if (data.length < HEADER_BYTES) {
    throw new RecordDecodeError('RECORD_TRUNCATED', `record of ${data.length} bytes ends inside its header`);
  }
  const expectedCrc = new DataView(data.buffer, data.byteOffset, data.length).getUint32(1, true);
  let payload: Buffer;
  try {
    payload = inflateSync(data.subarray(HEADER_BYTES), { maxOutputLength: MAX_PAYLOAD_BYTES });
  } catch (error) {
    const truncated = (error as { code?: string }).code === 'Z_BUF_ERROR';
    throw new RecordDecodeError(
      truncated ? 'RECORD_TRUNCATED' : 'RECORD_CORRUPT',
      `record payload cannot be decompressed: ${(error as Error).message}`,
      { cause: error },
    );
  }
  if (crc32(payload) !== expectedCrc) {
    throw new RecordDecodeError('RECORD_CORRUPT', 'record payload does not match its CRC-32');
  }
  return readPayload(payload);
}

function readPayload(payload: Buffer): Envelope[] {
  const reader = new PayloadReader(payload);
  const count = reader.u32('envelope count');
  const connectionCount = reader.u16('connection count');
  const connectionIds: string[] = [];
  for (let i = 0; i < connectionCount; i++)
    connectionIds.push(reader.text(reader.u16('connection id length')));
  // Each envelope takes at least 22 bytes: refuse a count the payload cannot hold.
  if (count * 22 > reader.remaining()) {
    throw new RecordDecodeError('RECORD_MALFORMED', `envelope count ${count} exceeds the payload size`);
  }
  const envelopes: Envelope[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const index = reader.u16('connection index');
    if (index >= connectionIds.length) {
      throw new RecordDecodeError(
        'RECORD_MALFORMED',
        `envelope ${i} names connection ${index} of ${connectionIds.length}`,
      );
    }
    const receivedAt = reader.f64('receivedAt');
    const seq = reader.f64('seq');
    const raw = reader.text(reader.u32('frame length'));
    envelopes[i] = { raw, receivedAt, connectionId: connectionIds[index], seq };
  }
  if (reader.remaining() !== 0) {
    throw new RecordDecodeError(
      'RECORD_MALFORMED',
      `${reader.remaining()} bytes left after the last envelope`,
    );
  }
  return envelopes;
}

class PayloadReader {
  private offset = 0;
  constructor(private readonly buffer: Buffer) {}

  remaining(): number {
    return this.buffer.length - this.offset;
  }

  u16(what: string): number {
    this.need(2, what);
    const value = this.buffer.readUInt16LE(this.offset);
    this.offset += 2;
    return value;
  }

  u32(what: string): number {
    this.need(4, what);
    const value = this.buffer.readUInt32LE(this.offset);
    this.offset += 4;
    return value;
  }

  f64(what: string): number {
    this.need(8, what);
    const value = this.buffer.readDoubleLE(this.offset);
    this.offset += 8;
    return value;
  }

  text(length: number): string {
    this.need(length, 'text');
    const start = this.offset;
    this.offset += length;
    const text = this.buffer.toString('utf8', start, this.offset);
    // Invalid UTF-8 decodes to U+FFFD here; only then is the strict (slower) decoder asked.
    if (!text.includes('\uFFFD')) return text;
    try {
      return decoder.decode(this.buffer.subarray(start, this.offset));
    } catch (error) {
      throw new RecordDecodeError('RECORD_MALFORMED', `invalid UTF-8 at payload offset ${start}`, {
        cause: error,
      });
    }
  }

  private need(bytes: number, what: string): void {
    if (this.offset + bytes > this.buffer.length) {
      throw new RecordDecodeError(
        'RECORD_TRUNCATED',
        `payload ends at byte ${this.buffer.length} while reading ${what} at ${this.offset}`,
      );
    }
  }
}
