import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadTransformConfig } from '../../../functions/transform/config.ts';
import { handler } from '../../../functions/transform.ts';

const TABLES = {
  TRADES_TABLE: 'p-trades',
  QUOTES_TABLE: 'p-quotes',
  BARS_TABLE: 'p-bars',
  INDICES_TABLE: 'p-indices',
  REJECTS_TABLE: 'p-rejects',
};

describe('loadTransformConfig', () => {
  it('reads the DynamoDB tables and defaults the sink to dynamodb', () => {
    const config = loadTransformConfig(TABLES);
    assert.equal(config.sink, 'dynamodb');
    assert.deepEqual(config.tables, {
      trades: 'p-trades',
      quotes: 'p-quotes',
      bars: 'p-bars',
      indices: 'p-indices',
      rejects: 'p-rejects',
    });
    assert.equal(config.cassandra, undefined);
  });

  it('fails naming the missing variable', () => {
    const { BARS_TABLE: _, ...missing } = TABLES;
    assert.throws(() => loadTransformConfig(missing), {
      name: 'TransformConfigError',
      code: 'TRANSFORM_CONFIG',
      variable: 'BARS_TABLE',
      message: /^BARS_TABLE: is required/,
    });
    assert.throws(() => loadTransformConfig({ ...TABLES, SINK: 'kafka' }), { variable: 'SINK' });
    assert.throws(() => loadTransformConfig({ ...TABLES, SINK: 'both' }), {
      variable: 'CASSANDRA_CONTACT_POINTS',
    });
    assert.throws(
      () => loadTransformConfig({ ...TABLES, SINK: 'both', AWS_REGION: 'x', KEYSPACE_NAME: 'a-b' }),
      {
        variable: 'KEYSPACE_NAME',
      },
    );
  });

  it('uses Amazon Keyspaces (TLS + SigV4, region as data centre) for an amazonaws.com contact point', () => {
    const config = loadTransformConfig({
      ...TABLES,
      SINK: 'both',
      AWS_REGION: 'ap-southeast-1',
      CASSANDRA_CONTACT_POINTS: 'cassandra.ap-southeast-1.amazonaws.com',
      KEYSPACE_NAME: 'vn_stock_prod',
    });
    assert.deepEqual(config.cassandra, {
      contactPoints: ['cassandra.ap-southeast-1.amazonaws.com'],
      localDataCenter: 'ap-southeast-1',
      keyspace: 'vn_stock_prod',
      keyspaces: true,
      region: 'ap-southeast-1',
      username: undefined,
      password: undefined,
    });
    assert.deepEqual(
      loadTransformConfig({ ...TABLES, SINK: 'keyspaces', AWS_REGION: 'us-east-1' }).cassandra?.contactPoints,
      ['cassandra.us-east-1.amazonaws.com'],
    );
  });

  it('uses a plain Cassandra with plain auth elsewhere; keyspaces-only needs only the rejects table', () => {
    const config = loadTransformConfig({
      REJECTS_TABLE: 'p-rejects',
      SINK: 'keyspaces',
      CASSANDRA_CONTACT_POINTS: '10.0.0.1:9042, 10.0.0.2',
      CASSANDRA_USERNAME: 'u',
      CASSANDRA_PASSWORD: 'p',
    });
    assert.equal(config.cassandra?.keyspaces, false);
    assert.deepEqual(config.cassandra?.contactPoints, ['10.0.0.1:9042', '10.0.0.2']);
    assert.equal(config.cassandra?.localDataCenter, 'datacenter1');
    assert.equal(config.cassandra?.keyspace, 'vn_stock');
    assert.equal(config.cassandra?.username, 'u');
  });

  it('makes the deployed handler fail on its first call, naming the missing variable', async () => {
    for (const name of Object.keys(TABLES)) delete process.env[name];
    delete process.env.SINK;
    await assert.rejects(handler({ Records: [] }), {
      name: 'TransformConfigError',
      variable: 'TRADES_TABLE',
    });
  });
});
