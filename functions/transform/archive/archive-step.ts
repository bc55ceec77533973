/**
 * The transform's first step: archive the batch's records exactly as they came off the
 * stream (`core/archive`), before anything is derived from them.
 *
 * A failed archive write fails the whole batch (its first record in `batchItemFailures`):
 * nothing of it is derived, the event source mapping retries it (with backoff, bisecting,
 * up to `retryAttempts`, then the on-failure destination records the shard and sequence
 * range while the stream still holds the records for 24 h). So no record is ever in the
 * tables without being in the archive, and an archive outage delays the tables rather than
 * losing anything; once the store is back, the retry writes the same keys.
 *
 * @example
 * const failure = await archiveStep({ store, shardId, records, partitionKeys, logger, metrics });
 * if (failure) return failure;
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { KinesisStreamBatchResponse } from 'aws-lambda';
import { archiveBatch } from '../../../core/archive/archive-batch.ts';
import type { ArchiveStore } from '../../../core/archive/store.ts';
import type { BatchRecord } from '../../../core/derive/decode-batch.ts';

/** The archive step's metrics (beside the transform's, same namespace). */
export const ARCHIVE_METRICS = {
  objects: 'ArchiveObjects',
  bytes: 'ArchiveBytes',
  failures: 'ArchiveWriteFailures',
} as const;

export type ArchiveStepInput = {
  readonly store: ArchiveStore;
  readonly shardId: string;
  readonly records: readonly BatchRecord[];
  /** The records' partition keys, same order. */
  readonly partitionKeys: readonly string[];
  readonly logger: Logger;
  readonly metrics: Metrics;
};

/** Undefined when the batch is archived; else the response that makes Lambda retry the whole batch. */
export async function archiveStep(input: ArchiveStepInput): Promise<KinesisStreamBatchResponse | undefined> {
  const { store, shardId, records, partitionKeys, logger, metrics } = input;
  const archived = records.map((r, i) => ({ ...r, partitionKey: partitionKeys[i] ?? '' }));
  try {
    const written = await archiveBatch(store, shardId, archived);
    metrics.addMetric(ARCHIVE_METRICS.objects, MetricUnit.Count, written.objects);
    metrics.addMetric(ARCHIVE_METRICS.bytes, MetricUnit.Bytes, written.bytes);
    return undefined;
  } catch (error) {
    metrics.addMetric(ARCHIVE_METRICS.failures, MetricUnit.Count, 1);
    logger.warn('archive write failed, retrying the batch', {
      shardId,
      location: store.location,
      firstSequenceNumber: records[0]?.sequenceNumber,
      records: records.length,
      error: { name: (error as Error)?.name, message: (error as Error)?.message },
    });
    return { batchItemFailures: [{ itemIdentifier: records[0].sequenceNumber }] };
  }
}
