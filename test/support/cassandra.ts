/**
 * A Cassandra client configured as the transform configures it (`SINK=keyspaces`,
 * `CASSANDRA_CONTACT_POINTS` and friends from the environment), for the CQL tests.
 * `keyspaces` tells whether the contact point is Amazon Keyspaces (schema made by the stack).
 */
import type { Client } from 'cassandra-driver';
import { loadTransformConfig } from '../../functions/transform/config.ts';
import { createCassandraClient } from '../../functions/transform/sinks/cassandra-client.ts';

export async function cassandraForTests(keyspace: string): Promise<{ client: Client; keyspaces: boolean }> {
  const config = loadTransformConfig({
    ...process.env,
    SINK: 'keyspaces',
    REJECTS_TABLE: 'unused',
    KEYSPACE_NAME: keyspace,
  });
  return { client: await createCassandraClient(config.cassandra!), keyspaces: config.cassandra!.keyspaces };
}
