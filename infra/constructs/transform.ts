/**
 * The transform function and its Kinesis event source mapping: batches of records in,
 * rows in the tables out, failed batches (after retries) to an SQS on-failure
 * destination that holds the shard and sequence range of each, for replay.
 *
 * @example
 * const transform = new Transform(this, 'Transform', { stream, tables: tables.byName, parallelizationFactor: 1 });
 * transform.deadLetterQueue.queueUrl;
 */
import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../core/settings.ts';
import type { TableName } from '../../core/tables.ts';
import { FUNCTION_ENTRIES } from '../paths.ts';
import { PipelineFunction } from './pipeline-function.ts';

export type TransformProps = {
  readonly stream: IStream;
  readonly tables: Readonly<Record<TableName, Table>>;
  /** Concurrent batches per shard (1..10). @default 1 */
  readonly parallelizationFactor?: number;
  /** Extra environment (the Keyspaces sink settings). @default {} */
  readonly environment?: Record<string, string>;
  /** The handler module. @default FUNCTION_ENTRIES.transform */
  readonly entry?: string;
  /**
   * Bundle the Cassandra driver and its SigV4 plugin (the Keyspaces sink). Without
   * them the bundle is ~0.6 MB instead of ~10 MB (the plugin pulls in AWS SDK v2);
   * the sink imports them lazily, so a DynamoDB-only function never needs them.
   * @default false
   */
  readonly withKeyspaces?: boolean;
};

/** Loaded only by the Keyspaces sink (functions/sinks/cassandra-client.ts). */
const CASSANDRA_MODULES = ['cassandra-driver', 'aws-sigv4-auth-cassandra-plugin'];

/**
 * Event source settings, each with its reason (figures: bench/results/ingest.json and
 * transform.json, measured on the development machine):
 * - batchSize 500 records: at the market's peak (~2,000 frames/s) a record holds only
 *   ~50 frames (8 partition buckets x 200 ms linger), so the 1 s window closes a batch
 *   of ~1,000 frames per shard long before 500 records; after a slowdown the backlog is
 *   read in batches of up to 500 records (~25k frames), which coalesce many frames per
 *   symbol into one quote write and so catch up. With batchSize 10 the embedded runtime
 *   fell behind above ~300 frames/s (p50 receipt-to-row 58 s at 2,000 frames/s); with
 *   500 it held 3,000 frames/s, p50 4.2 s / p99 17 s at 2,000
 *   (`npm run bench:e2e -- --rate 2000 --minutes 10 --batch-size 500`). Lambda's 6 MB
 *   invocation payload bounds the worst case (~100k frames of full records; the
 *   transform needs ~130 MB per 10k frames, hence 1,536 MB; an out-of-memory error is
 *   bisected like any other).
 * - maxBatchingWindow 1 s: at most one second added to the frame-to-row latency.
 * - retryAttempts 10 with bisectBatchOnError: 9 halvings isolate one bad record of 500
 *   (splitting a batch does not count against the retry quota);
 *   the other attempts ride out throttling (each failure is retried from the first
 *   failed record through ReportBatchItemFailures).
 * - maxRecordAge 6 h: a longer outage sends the batch to the DLQ with 18 of the
 *   stream's 24 h retention left to replay it.
 */
export const TRANSFORM_EVENT_SOURCE = {
  batchSize: 500,
  maxBatchingWindow: Duration.seconds(1),
  retryAttempts: 10,
  maxRecordAge: Duration.hours(6),
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
  startingPosition: StartingPosition.TRIM_HORIZON,
} as const;

/** 14 days, SQS's maximum: an on-failure pointer is kept long after anyone could miss it. */
export const DLQ_RETENTION = Duration.days(14);

/**
 * Exactly the DynamoDB calls `functions/sinks/dynamodb-sink.ts` makes, per table:
 * append-only batches for trades, indices and rejects; for quotes and bars a batched
 * read of the previous state, then conditional PutItem (newer-only / optimistic).
 * A new call in the sink needs its action here (AccessDenied on AWS otherwise).
 */
export const TRANSFORM_TABLE_ACTIONS = {
  trades: ['dynamodb:BatchWriteItem'],
  indices: ['dynamodb:BatchWriteItem'],
  rejects: ['dynamodb:BatchWriteItem'],
  quotes: ['dynamodb:BatchGetItem', 'dynamodb:PutItem'],
  bars: ['dynamodb:BatchGetItem', 'dynamodb:PutItem'],
} as const satisfies Partial<Record<TableName, readonly string[]>>;

export class Transform extends Construct {
  public readonly fn: PipelineFunction;
  public readonly deadLetterQueue: Queue;

  constructor(scope: Construct, id: string, props: TransformProps) {
    super(scope, id);
    const { tables } = props;
    this.deadLetterQueue = new Queue(this, 'Dlq', {
      encryption: QueueEncryption.SQS_MANAGED,
      retentionPeriod: DLQ_RETENTION,
      enforceSSL: true,
    });
    this.fn = new PipelineFunction(this, 'Function', {
      entry: props.entry ?? FUNCTION_ENTRIES.transform,
      description: 'Kinesis frames to trades, quotes, bars and indices rows',
      externalModules: props.withKeyspaces ? [] : CASSANDRA_MODULES,
      // Holds the worst-case 45k-frame batch (~750 MB) with room; Lambda's CPU grows
      // with memory (1,536 MB is ~0.9 vCPU) and parsing and derivation are CPU-bound.
      memorySize: 1536,
      // A typical batch (8.5k frames) took ~5 s at the emulator's write rate (1,632
      // frames/s); a timeout is retried, and bisected, like any error.
      timeout: Duration.seconds(60),
      environment: {
        [ENV.TRADES_TABLE]: tables.trades.tableName,
        [ENV.QUOTES_TABLE]: tables.quotes.tableName,
        [ENV.BARS_TABLE]: tables.bars.tableName,
        [ENV.INDICES_TABLE]: tables.indices.tableName,
        [ENV.REJECTS_TABLE]: tables.rejects.tableName,
        ...props.environment,
      },
    });
    for (const [name, actions] of Object.entries(TRANSFORM_TABLE_ACTIONS)) {
      tables[name as keyof typeof TRANSFORM_TABLE_ACTIONS].grant(this.fn, ...actions);
    }
    this.fn.addEventSource(
      new KinesisEventSource(props.stream, {
        ...TRANSFORM_EVENT_SOURCE,
        parallelizationFactor: props.parallelizationFactor ?? 1,
        onFailure: new SqsDlq(this.deadLetterQueue),
      }),
    );
  }
}
