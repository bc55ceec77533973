/** Settings, options and counters of the local Kinesis event source mapping (`event-source.ts`). */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { CheckpointStore } from './checkpoint-store.ts';
import type { BatchFailure } from './deliver-batch.ts';
import type { FunctionIdentity, KinesisHandler } from './invocation.ts';

/** The template's `AWS::Lambda::EventSourceMapping` settings, AWS defaults filled in. */
export type MappingSettings = {
  readonly batchSize: number;
  readonly maxBatchingWindowMs: number;
  readonly reportBatchItemFailures: boolean;
  readonly bisectOnError: boolean;
  readonly maxRetryAttempts: number;
  readonly maxRecordAgeMs: number;
  readonly parallelizationFactor: number;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
};

export type EventSourceOptions = {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly streamArn: string;
  readonly roleArn: string;
  readonly fn: FunctionIdentity;
  readonly handler: KinesisHandler;
  readonly settings: MappingSettings;
  readonly checkpoints: CheckpointStore;
  readonly onFailure: (failure: BatchFailure, shardId: string, requestId: string) => Promise<void>;
  /** Largest invocation event, bytes. @default LAMBDA_PAYLOAD_LIMIT_BYTES (6 MB) */
  readonly payloadLimitBytes?: number;
  /** Wait between empty polls of a shard (Lambda polls each shard about once a second). @default 1000 */
  readonly idlePollMs?: number;
  /** How often the shard list is read again to find new shards. @default 10000 */
  readonly shardRefreshMs?: number;
  readonly backoff?: (attempt: number) => Promise<void>;
  /** Count the frames in one record's data, for the status line. */
  readonly countFrames?: (data: Uint8Array) => number;
  readonly onError?: (error: Error, shardId: string) => void;
};

export type EventSourceStats = {
  batches: number;
  invocations: number;
  records: number;
  frames: number;
  failedRecords: number;
  /** Largest per-shard iterator age: now − arrival of the last record finished; 0 once a shard is read to its end. */
  iteratorAgeMs: number;
  /** Latest MillisBehindLatest that GetRecords reported (kinesalite reports 0 for open shards). */
  millisBehindLatest: number;
  /** Records read but not finished yet. */
  inFlight: number;
  shards: number;
  /** Largest invocation event so far, bytes (Lambda's limit is 6 MB). */
  largestPayloadBytes: number;
};

export function emptyStats(): EventSourceStats {
  return {
    batches: 0,
    invocations: 0,
    records: 0,
    frames: 0,
    failedRecords: 0,
    iteratorAgeMs: 0,
    millisBehindLatest: 0,
    inFlight: 0,
    shards: 0,
    largestPayloadBytes: 0,
  };
}
