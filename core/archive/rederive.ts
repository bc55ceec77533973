/**
 * Re-derivation of one trading date from the archive: every shard's records, in stream
 * order, through the transform's own code (`transformBatch`, the function the Lambda
 * runs), in batches, into the given sink (wrapped by {@link rederiveSink}).
 *
 * Idempotent like the transform: rows are keyed by what they are, quotes only move forward
 * and frames not newer than a symbol's stored checkpoint of the day are skipped. A batch
 * that cannot be stored in full is retried whole (with a pause), so counts stay exact.
 *
 * @example
 * const summary = await rederiveDay({ store, sink, date: '2026-04-14', onProgress: console.log });
 * summary.rows.trades;
 */

import { emptyCounts, type FrameCounts } from '../derive/derive-batch.ts';
import type { TransformSink } from '../derive/sink.ts';
import { type PerTable, transformBatch } from '../derive/transform-batch.ts';
import { ArchiveError } from '../errors.ts';
import type { ArchivedRecord } from './format.ts';
import { archivedShards, readArchivedShard, type ShardReadStats } from './read-archive.ts';
import { rederiveSink } from './rederive-sink.ts';
import { type ArchiveStore, assertTradingDate } from './store.ts';

/** Records per batch: ~25k frames of 50-frame records, well inside the transform's measured memory. */
export const REDERIVE_BATCH_RECORDS = 500;
/** Attempts per batch before the run stops (transient store failures). */
export const REDERIVE_MAX_ATTEMPTS = 8;

export type RederiveProgress = {
  readonly shardId: string;
  readonly records: number;
  readonly frames: number;
  readonly rows: Readonly<PerTable>;
  readonly elapsedMs: number;
};

export type RederiveSummary = RederiveProgress & {
  readonly date: string;
  readonly shards: readonly string[];
  readonly archive: Readonly<ShardReadStats>;
  readonly counts: Readonly<FrameCounts>;
  readonly retries: number;
  /** Sort keys of the rejects rows the run wrote (a stored one not among them now parses). */
  readonly rejectKeys: ReadonlySet<string>;
};

export type RederiveOptions = {
  readonly store: ArchiveStore;
  readonly sink: TransformSink;
  readonly date: string;
  /** Only these instruments' rows are written. @default all */
  readonly symbols?: ReadonlySet<string>;
  /** @default REDERIVE_BATCH_RECORDS */
  readonly batchRecords?: number;
  readonly onProgress?: (progress: RederiveProgress) => void;
  /** Pause before retrying a batch. @default 200 ms × attempt */
  readonly pause?: (attempt: number) => Promise<void>;
  readonly now?: () => number;
};

export class RederiveError extends ArchiveError {
  readonly code = 'REDERIVE_BATCH_FAILED';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'RederiveError';
  }
}

export async function rederiveDay(options: RederiveOptions): Promise<RederiveSummary> {
  const { store, date, onProgress, now = Date.now } = options;
  assertTradingDate(date);
  const batchRecords = options.batchRecords ?? REDERIVE_BATCH_RECORDS;
  const pause = options.pause ?? ((attempt) => new Promise<void>((r) => setTimeout(r, 200 * attempt)));
  const sink = rederiveSink(options.sink, { date, symbols: options.symbols });
  const started = now();
  const archive: ShardReadStats = { objects: 0, records: 0, duplicates: 0, bytes: 0 };
  const counts = emptyCounts({ records: [], rejects: [] });
  let retries = 0;
  let shardId = '';
  const progress = (): RederiveProgress => ({
    shardId,
    records: counts.records,
    frames: counts.frames,
    rows: { ...sink.rows },
    elapsedMs: now() - started,
  });

  const runBatch = async (batch: ArchivedRecord[]) => {
    for (let attempt = 1; ; attempt++) {
      const outcome = await transformBatch(batch, shardId, sink);
      if (outcome.failedRecord === undefined) {
        for (const key of Object.keys(counts) as (keyof FrameCounts)[]) counts[key] += outcome.counts[key];
        onProgress?.(progress());
        return;
      }
      if (attempt >= REDERIVE_MAX_ATTEMPTS) {
        throw new RederiveError(
          `${shardId}: batch from ${batch[0].sequenceNumber} not stored after ${attempt} attempts`,
          { cause: outcome.errors[0] },
        );
      }
      retries++;
      await pause(attempt);
    }
  };

  const shards = await archivedShards(store, date);
  for (shardId of shards) {
    let batch: ArchivedRecord[] = [];
    for await (const record of readArchivedShard(store, date, shardId, archive)) {
      batch.push(record);
      if (batch.length >= batchRecords) {
        await runBatch(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await runBatch(batch);
  }
  return { ...progress(), date, shards, archive, counts, retries, rejectKeys: sink.rejectKeys };
}
