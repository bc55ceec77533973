/**
 * Creates the CQL client of the Keyspaces sink, loading `cassandra-driver` (and, for
 * Amazon Keyspaces, the SigV4 plugin) with a dynamic import, so the DynamoDB-only path
 * never loads them.
 *
 * Amazon Keyspaces (`*.amazonaws.com` contact points): TLS on port 9142 (Node's bundled
 * CA list includes the Amazon roots that sign the endpoint), SigV4 from the function's
 * role, local data centre = the region. Elsewhere: port 9042 unless given as
 * `host:port`, plain-text auth when a username is configured.
 *
 * @example
 * const client = await createCassandraClient(config.cassandra);
 */
import type { Client, ClientOptions } from 'cassandra-driver';
import type { CassandraConfig } from '../config.ts';

/** Keyspaces listens for CQL over TLS on 9142; Cassandra's default native port is 9042. */
const KEYSPACES_PORT = 9142;
const CASSANDRA_PORT = 9042;

export async function createCassandraClient(config: CassandraConfig): Promise<Client> {
  const cassandra = (await import('cassandra-driver')).default;
  const client = new cassandra.Client(await cassandraClientOptions(config));
  await client.connect();
  return client;
}

/** The driver options of {@link createCassandraClient}, without connecting (unit-tested). */
export async function cassandraClientOptions(config: CassandraConfig): Promise<ClientOptions> {
  const cassandra = (await import('cassandra-driver')).default;
  const options: ClientOptions = {
    contactPoints: [...config.contactPoints],
    localDataCenter: config.localDataCenter,
    protocolOptions: { port: config.keyspaces ? KEYSPACES_PORT : CASSANDRA_PORT },
    queryOptions: { consistency: cassandra.types.consistencies.localQuorum, prepare: true },
  };
  if (config.keyspaces) {
    // CommonJS module: its exports arrive as the default export (types: ./aws-sigv4-auth-cassandra-plugin.d.ts).
    const sigv4 = (await import('aws-sigv4-auth-cassandra-plugin')).default;
    options.authProvider = new sigv4.SigV4AuthProvider({ region: config.region });
    options.sslOptions = { servername: config.contactPoints[0].split(':')[0], rejectUnauthorized: true };
  } else if (config.username) {
    options.authProvider = new cassandra.auth.PlainTextAuthProvider(config.username, config.password ?? '');
  }
  return options;
}
