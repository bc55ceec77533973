/**
 * Builds the sink selected by the configuration (see `combined-sink.ts` for the table of
 * modes). The CQL client is created only when `SINK` names Keyspaces.
 *
 * @example
 * const sink = await createSink(loadTransformConfig(process.env), new DynamoDBClient({}));
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TransformSink } from '../../../core/derive/sink.ts';
import { SINKS, type TransformConfig } from '../config.ts';
import { createCassandraClient } from './cassandra-client.ts';
import { combineSinks } from './combined-sink.ts';
import { DynamoSink } from './dynamodb-sink.ts';
import { KeyspacesSink } from './keyspaces-sink.ts';

export async function createSink(config: TransformConfig, dynamo: DynamoDBClient): Promise<TransformSink> {
  const dynamoSink = new DynamoSink({ client: dynamo, tables: config.tables });
  if (config.sink === SINKS.DYNAMODB || !config.cassandra) return dynamoSink;
  const client = await createCassandraClient(config.cassandra);
  const keyspaces = new KeyspacesSink({ client, keyspace: config.cassandra.keyspace });
  const close = () => keyspaces.close();
  if (config.sink === SINKS.KEYSPACES) {
    return combineSinks({
      name: 'keyspaces',
      reader: keyspaces,
      writers: [keyspaces],
      rejects: dynamoSink,
      close,
    });
  }
  return combineSinks({
    name: 'both',
    reader: dynamoSink,
    writers: [dynamoSink, keyspaces],
    rejects: dynamoSink,
    close,
  });
}
