import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import cassandra from 'cassandra-driver';
import { loadTransformConfig } from '../../../../functions/transform/config.ts';
import { cassandraClientOptions } from '../../../../functions/transform/sinks/cassandra-client.ts';

const config = (env: Record<string, string>) =>
  loadTransformConfig({ REJECTS_TABLE: 'r', SINK: 'keyspaces', ...env }).cassandra!;

describe('cassandraClientOptions (what differs between Amazon Keyspaces and Cassandra)', () => {
  it('talks to Keyspaces over TLS on 9142 with SigV4 from the role, the region as data centre', async () => {
    const options = await cassandraClientOptions(
      config({
        AWS_REGION: 'ap-southeast-1',
        CASSANDRA_CONTACT_POINTS: 'cassandra.ap-southeast-1.amazonaws.com',
      }),
    );
    assert.equal(options.protocolOptions?.port, 9142);
    assert.deepEqual(options.sslOptions, {
      servername: 'cassandra.ap-southeast-1.amazonaws.com',
      rejectUnauthorized: true,
    });
    assert.equal(options.authProvider?.constructor.name, 'SigV4AuthProvider');
    assert.equal(options.localDataCenter, 'ap-southeast-1');
    // Keyspaces accepts writes only at LOCAL_QUORUM.
    assert.equal(options.queryOptions?.consistency, cassandra.types.consistencies.localQuorum);
  });

  it('talks to a plain Cassandra on 9042 without TLS, with plain auth only when a user is set', async () => {
    const open = await cassandraClientOptions(config({ CASSANDRA_CONTACT_POINTS: '127.0.0.1' }));
    assert.equal(open.protocolOptions?.port, 9042);
    assert.equal(open.sslOptions, undefined);
    assert.equal(open.authProvider, undefined);
    assert.equal(open.localDataCenter, 'datacenter1');
    const withUser = await cassandraClientOptions(
      config({ CASSANDRA_CONTACT_POINTS: '10.0.0.1', CASSANDRA_USERNAME: 'u', CASSANDRA_PASSWORD: 'p' }),
    );
    assert.ok(withUser.authProvider instanceof cassandra.auth.PlainTextAuthProvider);
  });
});
