/**
 * First step of a batch: decode every record (`core/records`) and parse every frame
 * (`core/iboard`), keeping stream order. Poison input becomes reject rows here and the
 * rest of the batch goes on: a record that cannot be decoded (corrupt, truncated, unknown
 * format version) is one `record` reject; a frame the parser rejects or does not
 * recognise is one `frame` reject. Control frames (acks, subscriptions) and `L#` trade
 * frames (trades are derived from the cumulative volume instead) are counted and skipped.
 *
 * @example
 * const prepared = prepareBatch([{ data, sequenceNumber: '4959...', arrivalMs: Date.now() }], 'shardId-000000000000');
 * prepared.frames; // stock and index frames, in order, with their origin
 */
import { parseFrame } from '../iboard/parse-frame.ts';
import type { IndexFrame, StockFrame } from '../iboard/types.ts';
import { decodeRecord, RecordDecodeError } from '../records/index.ts';
import { frameReject, recordReject } from './rejects.ts';
import type { RejectRow } from './types.ts';

/** A Kinesis record as the transform sees it. */
export type BatchRecord = {
  readonly data: Uint8Array;
  readonly sequenceNumber: string;
  /** Approximate arrival time in the stream, epoch ms. */
  readonly arrivalMs: number;
};

/** A stock or index frame with its receive time and where it sits in the batch. */
export type FrameInput = {
  readonly frame: StockFrame | IndexFrame;
  readonly receivedAt: number;
  /** Index of its record in the batch. */
  readonly record: number;
};

/** A reject row with the index of the record it came from. */
export type PlacedReject = { readonly row: RejectRow; readonly record: number };

export type FrameCounts = {
  records: number;
  undecodableRecords: number;
  frames: number;
  stock: number;
  index: number;
  trade: number;
  control: number;
  unknown: number;
  rejected: number;
};

export type PreparedBatch = {
  readonly frames: FrameInput[];
  readonly rejects: PlacedReject[];
  readonly counts: FrameCounts;
};

/** Decodes and parses a batch; never throws on bad input. */
export function prepareBatch(records: readonly BatchRecord[], shardId: string): PreparedBatch {
  const frames: FrameInput[] = [];
  const rejects: PlacedReject[] = [];
  const counts: FrameCounts = {
    records: records.length,
    undecodableRecords: 0,
    frames: 0,
    stock: 0,
    index: 0,
    trade: 0,
    control: 0,
    unknown: 0,
    rejected: 0,
  };
  for (let record = 0; record < records.length; record++) {
    const { data, sequenceNumber, arrivalMs } = records[record];
    const place = { shardId, sequenceNumber, arrivalMs };
    let envelopes: ReturnType<typeof decodeRecord>;
    try {
      envelopes = decodeRecord(data);
    } catch (error) {
      if (!(error instanceof RecordDecodeError)) throw error;
      counts.undecodableRecords++;
      const raw = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
      rejects.push({ row: recordReject(place, error.code, error.message, raw), record });
      continue;
    }
    counts.frames += envelopes.length;
    for (let i = 0; i < envelopes.length; i++) {
      const { raw, receivedAt } = envelopes[i];
      const frame = parseFrame(raw);
      switch (frame.kind) {
        case 'stock':
        case 'index':
          counts[frame.kind]++;
          frames.push({ frame, receivedAt, record });
          break;
        case 'trade':
        case 'control':
          counts[frame.kind]++;
          break;
        case 'unknown':
          counts.unknown++;
          rejects.push({ row: frameReject(place, i, receivedAt, 'unknown frame type', raw), record });
          break;
        case 'rejected':
          counts.rejected++;
          rejects.push({ row: frameReject(place, i, receivedAt, frame.reason, raw, frame.field), record });
          break;
      }
    }
  }
  return { frames, rejects, counts };
}
