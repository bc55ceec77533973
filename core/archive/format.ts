/**
 * The archive object format: the records of one transform batch (one shard, one trading
 * date), each exactly as it was put to the stream, framed so the binary records can be
 * split again. The record data is the ingest task's compressed record, untouched
 * (`core/records/codec.ts`, which carries its own version byte and CRC-32).
 *
 * Format, version 1 (integers little-endian):
 *
 * ```
 * bytes 0..3  magic "VNSA"
 * byte 4      format version (1)
 * bytes 5..8  record count N (u32)
 * N times:    u16 sequence-number length + ASCII sequence number
 *             f64 approximate arrival time in the stream (epoch ms)
 *             u16 partition-key length + UTF-8 partition key
 *             u32 data length + the record's data
 * ```
 *
 * Length prefixes rather than a delimiter because the data is binary (any byte may occur).
 * The reader must consume the object exactly, so a truncated or padded object is refused
 * with {@link ArchiveFormatError} rather than read in part.
 *
 * @example
 * const bytes = encodeArchiveObject([{ sequenceNumber: '4959...', arrivalMs: 1776148328337, partitionKey: 'b03', data }]);
 * decodeArchiveObject(bytes)[0].data; // the same bytes as put to the stream
 */
import { ArchiveError } from '../errors.ts';

/** One stream record as archived. */
export type ArchivedRecord = {
  readonly sequenceNumber: string;
  /** Approximate arrival time in the stream, epoch ms. */
  readonly arrivalMs: number;
  readonly partitionKey: string;
  readonly data: Uint8Array;
};

export const ARCHIVE_FORMAT_VERSION = 1;

/**
 * Bytes the framing adds per record, beside its data: u16 + a 56-digit Kinesis sequence
 * number, f64 arrival, u16 + a 3-character partition key (`b03`), u32 data length.
 */
export const ARCHIVE_RECORD_OVERHEAD_BYTES = 2 + 56 + 8 + 2 + 3 + 4;
/** Bytes of an object's header (magic, version, count). */
export const ARCHIVE_OBJECT_HEADER_BYTES = 4 + 1 + 4;
const MAGIC = 'VNSA';
const HEADER_BYTES = ARCHIVE_OBJECT_HEADER_BYTES;

export class ArchiveFormatError extends ArchiveError {
  readonly code = 'ARCHIVE_OBJECT_INVALID';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ArchiveFormatError';
  }
}

/** Frames records into one archive object. */
export function encodeArchiveObject(records: readonly ArchivedRecord[]): Uint8Array {
  const keys = records.map((r) => Buffer.from(r.partitionKey, 'utf8'));
  let size = HEADER_BYTES;
  for (let i = 0; i < records.length; i++) {
    size += 2 + records[i].sequenceNumber.length + 8 + 2 + keys[i].length + 4 + records[i].data.length;
  }
  const out = Buffer.alloc(size);
  let offset = out.write(MAGIC, 0, 'latin1');
  offset = out.writeUInt8(ARCHIVE_FORMAT_VERSION, offset);
  offset = out.writeUInt32LE(records.length, offset);
  for (let i = 0; i < records.length; i++) {
    const { sequenceNumber, arrivalMs, data } = records[i];
    offset = out.writeUInt16LE(sequenceNumber.length, offset);
    offset += out.write(sequenceNumber, offset, 'latin1');
    offset = out.writeDoubleLE(arrivalMs, offset);
    offset = out.writeUInt16LE(keys[i].length, offset);
    out.set(keys[i], offset);
    offset += keys[i].length;
    offset = out.writeUInt32LE(data.length, offset);
    out.set(data, offset);
    offset += data.length;
  }
  return out;
}

/** Splits an archive object into its records; throws {@link ArchiveFormatError} on anything else. */
export function decodeArchiveObject(bytes: Uint8Array): ArchivedRecord[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < HEADER_BYTES || buffer.toString('latin1', 0, 4) !== MAGIC)
    throw new ArchiveFormatError('not an archive object (no VNSA header)');
  if (buffer[4] !== ARCHIVE_FORMAT_VERSION)
    throw new ArchiveFormatError(`archive format version ${buffer[4]} is not supported`);
  const count = buffer.readUInt32LE(5);
  let offset = HEADER_BYTES;
  const need = (n: number, what: string) => {
    if (offset + n > buffer.length)
      throw new ArchiveFormatError(`object ends at byte ${buffer.length} while reading ${what} at ${offset}`);
  };
  const records: ArchivedRecord[] = [];
  for (let i = 0; i < count; i++) {
    need(2, 'a sequence number length');
    const seqLength = buffer.readUInt16LE(offset);
    offset += 2;
    need(seqLength + 8 + 2, 'a sequence number');
    const sequenceNumber = buffer.toString('latin1', offset, offset + seqLength);
    offset += seqLength;
    const arrivalMs = buffer.readDoubleLE(offset);
    offset += 8;
    const keyLength = buffer.readUInt16LE(offset);
    offset += 2;
    need(keyLength + 4, 'a partition key');
    const partitionKey = buffer.toString('utf8', offset, offset + keyLength);
    offset += keyLength;
    const dataLength = buffer.readUInt32LE(offset);
    offset += 4;
    need(dataLength, 'record data');
    // A copy, so a record does not pin the whole object in memory.
    const data = new Uint8Array(buffer.subarray(offset, offset + dataLength));
    offset += dataLength;
    records.push({ sequenceNumber, arrivalMs, partitionKey, data });
  }
  if (offset !== buffer.length)
    throw new ArchiveFormatError(`${buffer.length - offset} bytes left after record ${count}`);
  return records;
}
