/**
 * The transform handler as the integration tests drive it: on DynamoDB with a short
 * backoff (the tests wait for real retries, not for production pacing) and silent logs,
 * fed a Kinesis event shaped from what kinesalite actually returns for the records put.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { _Record, KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import type { ArchiveStore } from '../../core/archive/store.ts';
import { kinesisEventFrom } from '../../functions/transform/kinesis-event.ts';
import { DynamoSink } from '../../functions/transform/sinks/dynamodb-sink.ts';
import { exponentialBackoff } from '../../functions/transform/sinks/transient.ts';
import { createTransformHandler, TRANSFORM_NAMESPACE } from '../../functions/transform.ts';
import { roundTrip, type TableNames } from './aws.ts';
import { createStream } from './stream.ts';

export function transformHandlerOn(client: DynamoDBClient, tables: TableNames, archive?: ArchiveStore) {
  return createTransformHandler({
    sink: new DynamoSink({ client, tables, backoff: exponentialBackoff(1, 5, 3) }),
    logger: new Logger({ serviceName: 'transform', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: TRANSFORM_NAMESPACE, serviceName: 'transform' }),
    archive,
  });
}

/**
 * Puts `datas` into a fresh one-shard stream `name`, reads them back, and returns the
 * records with the event the event source mapping would deliver (of `records` by default).
 */
export async function streamedEvent(client: KinesisClient, name: string, datas: readonly Uint8Array[]) {
  const arn = await createStream(client, name);
  const { records, shardId } = await roundTrip(client, name, datas);
  const event = (rs: readonly _Record[] = records): KinesisStreamEvent => kinesisEventFrom(rs, shardId, arn);
  return { records, shardId, event };
}
