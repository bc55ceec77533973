/**
 * Packs envelopes into Kinesis records: one open record per partition key, closed
 * when it reaches a frame count or a byte bound, or when the caller flushes it
 * (the ingest task flushes on a linger timer).
 *
 * The byte bound applies to the uncompressed frames, so a record can never exceed
 * Kinesis' 1 MiB limit however badly its frames compress (zlib adds at most ~0.03%
 * plus a few bytes to incompressible input).
 *
 * @example
 * const packer = new RecordPacker({ buckets: 8 });
 * const ready = packer.add(envelope);      // records closed by the bounds, usually []
 * const rest = packer.flush();             // every open record, e.g. on the linger timer
 */
import { encodeRecord, KINESIS_MAX_RECORD_BYTES } from './codec.ts';
import type { Envelope } from './envelope.ts';
import { partitionKeyOf } from './partition-key.ts';

export type PackerOptions = {
  /** Close a record at this many frames. @default 2000 */
  readonly maxFramesPerRecord?: number;
  /** Close a record when its frames' UTF-8 bytes reach this. @default 256 KiB */
  readonly maxRecordBytes?: number;
  /** Number of partition-key buckets instruments are hashed into. @default 8 */
  readonly buckets?: number;
};

export type PackedRecord = {
  readonly partitionKey: string;
  readonly data: Uint8Array;
  readonly frames: number;
  /** Receive time of the record's first (oldest) frame. */
  readonly firstReceivedAt: number;
  /** Receive time of every frame, for receipt-to-acknowledgement latency. */
  readonly receivedAts: readonly number[];
};

type OpenRecord = { envelopes: Envelope[]; bytes: number };

/** Leaves room under 1 MiB for the partition key and per-envelope framing. */
const MAX_ALLOWED_RECORD_BYTES = KINESIS_MAX_RECORD_BYTES - 64 * 1024;

export class RecordPacker {
  readonly maxFramesPerRecord: number;
  readonly maxRecordBytes: number;
  readonly buckets: number;
  private readonly open = new Map<string, OpenRecord>();
  private pendingFrames = 0;

  constructor(options: PackerOptions = {}) {
    this.maxFramesPerRecord = checkInteger(
      'maxFramesPerRecord',
      options.maxFramesPerRecord ?? 2000,
      1,
      100_000,
    );
    this.maxRecordBytes = checkInteger(
      'maxRecordBytes',
      options.maxRecordBytes ?? 256 * 1024,
      1024,
      MAX_ALLOWED_RECORD_BYTES,
    );
    this.buckets = checkInteger('buckets', options.buckets ?? 8, 1, 100);
  }

  /** Frames added and not yet returned in a record. */
  get pending(): number {
    return this.pendingFrames;
  }

  /** Adds one envelope; returns the records this closed (at most two). */
  add(envelope: Envelope): PackedRecord[] {
    const key = partitionKeyOf(envelope.raw, this.buckets);
    const bytes = Buffer.byteLength(envelope.raw);
    const closed: PackedRecord[] = [];
    let record = this.open.get(key);
    if (record && record.bytes + bytes > this.maxRecordBytes) {
      closed.push(this.close(key, record));
      record = undefined;
    }
    if (!record) {
      record = { envelopes: [], bytes: 0 };
      this.open.set(key, record);
    }
    record.envelopes.push(envelope);
    record.bytes += bytes;
    this.pendingFrames++;
    if (record.envelopes.length >= this.maxFramesPerRecord || record.bytes >= this.maxRecordBytes) {
      closed.push(this.close(key, record));
    }
    return closed;
  }

  /** Closes and returns every open record. */
  flush(): PackedRecord[] {
    const closed: PackedRecord[] = [];
    for (const [key, record] of this.open) closed.push(this.close(key, record));
    return closed;
  }

  private close(key: string, record: OpenRecord): PackedRecord {
    this.open.delete(key);
    this.pendingFrames -= record.envelopes.length;
    return {
      partitionKey: key,
      data: encodeRecord(record.envelopes),
      frames: record.envelopes.length,
      firstReceivedAt: record.envelopes[0].receivedAt,
      receivedAts: record.envelopes.map((e) => e.receivedAt),
    };
  }
}

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}
