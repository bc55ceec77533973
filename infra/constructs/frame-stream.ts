/**
 * The Kinesis Data Stream that carries the ingest task's records (many compressed
 * frames per record, partition key = symbol) to the transform.
 *
 * Encryption: the AWS-managed key `aws/kinesis`. The data is public market data; a
 * customer-managed key would add $1/month, KMS request charges on every producer and
 * consumer data-key refresh, and a key policy to maintain, and protect nothing more.
 *
 * @example
 * const { stream } = new FrameStream(this, 'Frames', { streamName: 'vn-stock-frames', mode: 'provisioned', shardCount: 1 });
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Stream, StreamEncryption, StreamMode } from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import type { StreamModeName } from '../context.ts';
import { STREAM_MODES } from '../context.ts';

export type FrameStreamProps = {
  readonly streamName: string;
  /** @default 'provisioned' */
  readonly mode?: StreamModeName;
  /** Shards when provisioned. @default 1 */
  readonly shardCount?: number;
  /**
   * What `cdk destroy` does to the stream (the stack's `dataRemoval`). A retained stream
   * keeps its name, so the next deploy under the same name fails until it is deleted.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
};

/**
 * 24 h, the included (free) retention: it bounds how long the transform's on-failure
 * pointers in the DLQ can be replayed, and a day is enough to fix and redeploy.
 */
export const STREAM_RETENTION = Duration.hours(24);

/** The stream's physical name, shared with the deploy script's check for a retained stream. */
export function streamName(namePrefix: string): string {
  return `${namePrefix}-frames`;
}

export class FrameStream extends Construct {
  public readonly stream: Stream;

  constructor(scope: Construct, id: string, props: FrameStreamProps) {
    super(scope, id);
    const onDemand = props.mode === STREAM_MODES.ON_DEMAND;
    this.stream = new Stream(this, 'Stream', {
      streamName: props.streamName,
      streamMode: onDemand ? StreamMode.ON_DEMAND : StreamMode.PROVISIONED,
      ...(onDemand ? {} : { shardCount: props.shardCount ?? 1 }),
      encryption: StreamEncryption.MANAGED,
      retentionPeriod: STREAM_RETENTION,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
