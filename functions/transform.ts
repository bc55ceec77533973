/**
 * Lambda: Kinesis batches of iboard frames → trades, quotes, bars and indices rows
 * (DynamoDB and/or Keyspaces). A thin adapter over `core/derive` (`transformBatch`):
 *
 * - turns the Kinesis event into records (base64 data, sequence numbers, arrival times);
 * - archives them first (`archive/archive-step.ts`, when an archive store is configured):
 *   a failed archive write fails the whole batch, so nothing is derived unarchived;
 * - runs the batch against the sink chosen by `SINK` (config read once, when the module
 *   loads; a missing or bad variable fails every invocation with the variable's name);
 * - answers with `batchItemFailures` (ReportBatchItemFailures): empty when everything is
 *   stored, else the sequence number of the first record not fully processed, so the
 *   event source mapping retries from there; poison input never fails the batch (it is
 *   in the rejects table); an unexpected error fails the invocation (whole batch retried);
 * - logs one structured line per batch with the shard and sequence range, and publishes
 *   EMF metrics (`transform-metrics.ts`) under {@link TRANSFORM_NAMESPACE}.
 *
 * @example
 * // as the event source mapping calls it
 * const { batchItemFailures } = await handler(kinesisEventFrom(records, shardId, streamArn));
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { ArchiveStore } from '../core/archive/store.ts';
import { readAtInit } from '../core/config.ts';
import type { BatchRecord } from '../core/derive/decode-batch.ts';
import type { TransformSink } from '../core/derive/sink.ts';
import { type BatchOutcome, transformBatch } from '../core/derive/transform-batch.ts';
import { METRIC_NAMESPACE, METRIC_SERVICES } from '../core/metric-names.ts';
import { archiveStep } from './transform/archive/archive-step.ts';
import { createArchiveStore } from './transform/archive/create-archive-store.ts';
import { loadTransformConfig } from './transform/config.ts';
import { TRANSFORM_METRICS as M } from './transform/metrics.ts';
import { createSink } from './transform/sinks/create-sink.ts';

/** CloudWatch namespace of the transform's metrics (the pipeline's shared one). */
export const TRANSFORM_NAMESPACE = METRIC_NAMESPACE;

/** SDK attempts per DynamoDB request (throttling, 5xx, timeouts) before a row counts as failed. */
const DYNAMO_MAX_ATTEMPTS = 4;

export type TransformDeps = {
  readonly sink: TransformSink;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now?: () => number;
  /** Where every batch is archived before it is derived. @default none */
  readonly archive?: ArchiveStore;
};

export type TransformHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

/** A handler over `deps`, or over deps built once on the first call (a failed build is retried next call). */
export function createTransformHandler(
  deps: TransformDeps | (() => Promise<TransformDeps>),
): TransformHandler {
  let ready: Promise<TransformDeps> | undefined;
  const init = () => {
    if (typeof deps !== 'function') return Promise.resolve(deps);
    ready ??= deps().catch((error) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
  return async (event) => {
    const { sink, logger, metrics, now = Date.now, archive } = await init();
    const records = event.Records.map(toBatchRecord);
    if (records.length === 0) return { batchItemFailures: [] };
    const shardId = event.Records[0].eventID.split(':')[0];
    const range = {
      shardId,
      firstSequenceNumber: records[0].sequenceNumber,
      lastSequenceNumber: records[records.length - 1].sequenceNumber,
      records: records.length,
    };
    const started = now();
    if (archive) {
      const partitionKeys = event.Records.map((r) => r.kinesis.partitionKey);
      const failure = await archiveStep({ store: archive, shardId, records, partitionKeys, logger, metrics });
      if (failure) {
        metrics.publishStoredMetrics();
        return failure;
      }
    }
    try {
      const outcome = await transformBatch(records, shardId, sink);
      const failed = outcome.failedRecord === undefined ? undefined : records[outcome.failedRecord];
      report(metrics, outcome, records, started);
      const summary = {
        ...range,
        sink: sink.name,
        frames: outcome.counts,
        trades: outcome.trades,
        volumeByKind: outcome.volumeByKind,
        derive: outcome.derive,
        written: outcome.written,
        writeUnits: outcome.writeUnits,
        retries: outcome.retries,
        durationMs: now() - started,
      };
      if (outcome.malformed.length > 0) {
        // Sampled: one line per batch names the first value set aside, with the batch's count.
        const [first] = outcome.malformed;
        logger.warn('malformed field values left out', { ...first, inBatch: outcome.malformed.length });
      }
      if (!failed) {
        logger.info('batch stored', summary);
        return { batchItemFailures: [] };
      }
      logger.warn('batch partly stored, retrying from a record', {
        ...summary,
        failed: outcome.failed,
        retryFromSequenceNumber: failed.sequenceNumber,
        retryRecords: records.length - (outcome.failedRecord as number),
        errors: outcome.errors.map(describeError),
      });
      return { batchItemFailures: [{ itemIdentifier: failed.sequenceNumber }] };
    } catch (error) {
      logger.error('batch failed', { ...range, error: describeError(error) });
      throw error;
    } finally {
      metrics.publishStoredMetrics();
    }
  };
}

function toBatchRecord(record: KinesisStreamEvent['Records'][number]): BatchRecord {
  return {
    data: Buffer.from(record.kinesis.data, 'base64'),
    sequenceNumber: record.kinesis.sequenceNumber,
    // Lambda gives seconds with a fraction.
    arrivalMs: Math.round(record.kinesis.approximateArrivalTimestamp * 1000),
  };
}

function report(
  metrics: Metrics,
  outcome: BatchOutcome,
  records: readonly BatchRecord[],
  started: number,
): void {
  const count = (name: string, value: number) => metrics.addMetric(name, MetricUnit.Count, value);
  const { counts, written, derive } = outcome;
  count(M.framesStock, counts.stock);
  count(M.framesIndex, counts.index);
  count(M.framesTrade, counts.trade);
  count(M.framesControl, counts.control);
  count(M.framesUnknown, counts.unknown);
  count(M.framesRejected, counts.rejected);
  count(M.recordsUndecodable, counts.undecodableRecords);
  count(M.trades, outcome.trades);
  count(M.staleFrames, derive.stale);
  count(M.volumeDecreases, derive['volume-decreased']);
  count(M.corrections, derive['correction-confirmed']);
  count(M.framesTotal, counts.frames + counts.undecodableRecords);
  count(M.framesExtraFields, counts.extraFields);
  count(M.malformedFields, counts.malformedFields);
  const volume = outcome.volumeByKind;
  count(M.volumeTrade, volume.trade);
  count(M.volumeOpening, volume.opening);
  count(M.volumePreExisting, volume['pre-existing']);
  count(M.volumeGap, volume.gap);
  count(M.volumeCorrection, volume.correction);
  count(M.rowsTrades, written.trades);
  count(M.rowsQuotes, written.quotes);
  count(M.rowsBars, written.bars);
  count(M.rowsIndices, written.indices);
  count(M.rowsWritten, written.trades + written.quotes + written.bars + written.indices);
  count(M.rejects, written.rejects);
  count(M.writeRetries, outcome.retries);
  count(M.writeUnits, outcome.writeUnits);
  count(M.recordsRetried, outcome.failedRecord === undefined ? 0 : records.length - outcome.failedRecord);
  let oldest = Number.POSITIVE_INFINITY;
  for (const record of records) oldest = Math.min(oldest, record.arrivalMs);
  metrics.addMetric(M.oldestRecordAge, MetricUnit.Milliseconds, Math.max(0, started - oldest));
}

function describeError(error: unknown) {
  const e = error as {
    name?: string;
    message?: string;
    code?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  return { name: e?.name, message: e?.message, code: e?.code, status: e?.$metadata?.httpStatusCode };
}

/** The deployed function's configuration, read and checked at init. */
const deployedConfig = readAtInit(() => loadTransformConfig(process.env));

/** The deployed handler: DynamoDB client and sink built on the first invocation. */
export const handler: TransformHandler = createTransformHandler(async () => {
  const config = deployedConfig();
  const dynamo = new DynamoDBClient({ maxAttempts: DYNAMO_MAX_ATTEMPTS });
  return {
    sink: await createSink(config, dynamo),
    logger: new Logger({ serviceName: METRIC_SERVICES.transform }),
    metrics: new Metrics({ namespace: TRANSFORM_NAMESPACE, serviceName: METRIC_SERVICES.transform }),
    archive: createArchiveStore(config.archive),
  };
});
