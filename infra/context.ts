/**
 * The CDK context switches of the pipeline stack, read and validated in one place.
 * Defaults live here (and are mirrored in `cdk.json`); precedence is the CDK's own:
 * `-c key=value` on the command line > `cdk.json` > the defaults below.
 *
 * @example
 * npx cdk synth -c ingestHost=external -c shardCount=1
 */

import type { Node } from 'constructs';
import { ConfigurationError } from '../core/errors.ts';

export const INGEST_HOSTS = { FARGATE: 'fargate', EXTERNAL: 'external' } as const;
export type IngestHost = (typeof INGEST_HOSTS)[keyof typeof INGEST_HOSTS];

export const STREAM_MODES = { PROVISIONED: 'provisioned', ON_DEMAND: 'on-demand' } as const;
export type StreamModeName = (typeof STREAM_MODES)[keyof typeof STREAM_MODES];

export const DATA_REMOVAL = { RETAIN: 'retain', DESTROY: 'destroy' } as const;
export type DataRemoval = (typeof DATA_REMOVAL)[keyof typeof DATA_REMOVAL];

export type PipelineSettings = {
  /** Where the ingest task runs: an ECS Fargate service, or elsewhere (compose, embedded runtime). */
  readonly ingestHost: IngestHost;
  /** Whether to create the Amazon Keyspaces keyspace and tables (and let the transform write them). */
  readonly keyspaces: boolean;
  /** Kinesis capacity mode. */
  readonly streamMode: StreamModeName;
  /** Shards of a provisioned stream. */
  readonly shardCount: number;
  /** Concurrent batches per shard in the transform's event source mapping (1..10). */
  readonly parallelizationFactor: number;
  /**
   * The transform's maximum batching window, seconds (1..300): how long the event source
   * gathers records before invoking. Longer = more frames per symbol per batch = fewer
   * DynamoDB writes per frame, and that much more latency.
   */
  readonly batchWindowSeconds: number;
  /**
   * Most records per transform batch (1..10,000). Lambda on AWS also caps a batch at its
   * 6 MB invocation payload; LocalStack's poller does not, so the LocalStack deploy
   * lowers this (see scripts/deploy-localstack.ts).
   */
  readonly batchSize: number;
  /** Prefix of every physical name (tables, stream, keyspace), so several stacks can share an account. */
  readonly namePrefix: string;
  /** What `cdk destroy` does to the data tables. */
  readonly dataRemoval: DataRemoval;
  /** Optional SNS topic ARN that the alarms notify. */
  readonly alarmTopicArn?: string;
};

export const DEFAULT_SETTINGS: PipelineSettings = {
  ingestHost: INGEST_HOSTS.FARGATE,
  keyspaces: false,
  streamMode: STREAM_MODES.PROVISIONED,
  // One shard takes 1 MiB/s and 1,000 records/s in. The ingest task packs the frames of
  // each 200 ms into one compressed record per partition bucket (bench/results/ingest.json:
  // ~59 KB per 1,000 frames), so the whole market at its ~2,000 frames/s peak is ~40
  // records/s and ~120 KB/s: 12% of one shard, and one shard carries ~14,000 frames/s at
  // 80%. One shard also makes the transform's batches as large as they can be for a given
  // window (a second shard halves them and so doubles the quote and bar writes per frame).
  // If one transform cannot keep up, raise parallelizationFactor first (order per
  // partition key, i.e. per symbol, is kept). Cost: $0.015 per shard-hour (~$11/month).
  shardCount: 1,
  // 1 keeps strict per-shard order of batches; raise it only if iterator age grows.
  parallelizationFactor: 1,
  // The write cost of the tables is about one quote write per symbol per batch, plus one
  // bar write per symbol-minute per batch, plus one write per trade: the longer the window,
  // the fewer quote and bar writes per frame. At the ~2,000 frames/s peak on one shard,
  // 20 s gathers ~40,000 frames per batch: 11.6x fewer write units than one write per frame
  // and table, against 4.6x with a 1 s window (`npm run bench:transform`). Rows then appear
  // up to ~20 s after their frame; choose 1 for a live view at ~2.5x the write cost.
  batchWindowSeconds: 20,
  // The window, not the count, should close a batch at the peak: see TRANSFORM_EVENT_SOURCE.
  batchSize: 2000,
  namePrefix: 'vn-stock',
  dataRemoval: DATA_REMOVAL.RETAIN,
};

/** Thrown when a context value is not one the stack understands. */
export class InfraContextError extends ConfigurationError {
  readonly code = 'INFRA_CONTEXT_INVALID';
  readonly key: string;
  constructor(key: string, message: string, options?: ErrorOptions) {
    super(key, `context ${key}: ${message}`, options);
    this.name = 'InfraContextError';
    this.key = key;
  }
}

function oneOf<T extends string>(key: string, value: unknown, allowed: Record<string, T>): T {
  const values = Object.values(allowed) as string[];
  if (typeof value !== 'string' || !values.includes(value)) {
    throw new InfraContextError(key, `expected ${values.join('|')}, got ${String(value)}`);
  }
  return value as T;
}

function integer(key: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new InfraContextError(key, `expected an integer in ${min}..${max}, got ${String(value)}`);
  }
  return n;
}

function bool(key: string, value: unknown): boolean {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new InfraContextError(key, `expected true|false, got ${String(value)}`);
}

/** Reads the settings from a construct node's context (values from `-c` arrive as strings). */
export function readSettings(node: Node): PipelineSettings {
  const get = <K extends keyof PipelineSettings>(key: K): unknown =>
    node.tryGetContext(key) ?? DEFAULT_SETTINGS[key];
  const namePrefix = get('namePrefix');
  if (typeof namePrefix !== 'string' || !/^[a-z][a-z0-9-]{0,20}$/.test(namePrefix)) {
    throw new InfraContextError(
      'namePrefix',
      `expected lowercase letters, digits and '-', got ${String(namePrefix)}`,
    );
  }
  const alarmTopicArn = get('alarmTopicArn');
  if (
    alarmTopicArn !== undefined &&
    (typeof alarmTopicArn !== 'string' || !alarmTopicArn.startsWith('arn:'))
  ) {
    throw new InfraContextError('alarmTopicArn', `expected an SNS topic ARN, got ${String(alarmTopicArn)}`);
  }
  return {
    ingestHost: oneOf('ingestHost', get('ingestHost'), INGEST_HOSTS),
    keyspaces: bool('keyspaces', get('keyspaces')),
    streamMode: oneOf('streamMode', get('streamMode'), STREAM_MODES),
    // 1..500: the default per-account, per-region shard quota.
    shardCount: integer('shardCount', get('shardCount'), 1, 500),
    // Lambda allows 1..10 concurrent batches per shard.
    parallelizationFactor: integer('parallelizationFactor', get('parallelizationFactor'), 1, 10),
    // Lambda's MaximumBatchingWindowInSeconds is 0..300, and at least 1 with a batch size
    // above 10 (ours is 2,000).
    batchWindowSeconds: integer('batchWindowSeconds', get('batchWindowSeconds'), 1, 300),
    // Lambda's BatchSize for a Kinesis source is 1..10,000.
    batchSize: integer('batchSize', get('batchSize'), 1, 10_000),
    namePrefix,
    dataRemoval: oneOf('dataRemoval', get('dataRemoval'), DATA_REMOVAL),
    ...(alarmTopicArn ? { alarmTopicArn: alarmTopicArn as string } : {}),
  };
}
