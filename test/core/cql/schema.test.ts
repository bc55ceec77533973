import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CQL_TABLE_NAMES, CQL_TABLES, cqlDdl, DEFAULT_KEYSPACE } from '../../../core/cql/schema.ts';

describe('CQL schema', () => {
  it('partitions every table by (symbol or index, trading_date) and clusters series by time', () => {
    assert.deepEqual(
      CQL_TABLES.map((t) => t.name),
      [...CQL_TABLE_NAMES],
    );
    for (const table of CQL_TABLES) {
      assert.deepEqual(
        table.partitionKey.map((c) => c.name),
        [table.name === 'indices' ? 'index_id' : 'symbol', 'trading_date'],
      );
      const names = [...table.partitionKey, ...table.clustering, ...table.columns].map((c) => c.name);
      assert.equal(new Set(names).size, names.length, `${table.name}: duplicate column`);
    }
    assert.deepEqual(
      CQL_TABLES.find((t) => t.name === 'trades')?.clustering.map((c) => c.name),
      ['trade_time', 'cum_volume'],
    );
  });

  it('generates the DDL: keyspace, then one CREATE TABLE per table', () => {
    const ddl = cqlDdl(DEFAULT_KEYSPACE);
    assert.equal(ddl.length, 1 + CQL_TABLES.length);
    assert.match(
      ddl[0],
      /^CREATE KEYSPACE IF NOT EXISTS vn_stock WITH replication = \{'class': 'SimpleStrategy'/,
    );
    assert.match(ddl[1], /PRIMARY KEY \(\(symbol, trading_date\), trade_time, cum_volume\)/);
    assert.match(ddl[1], /WITH CLUSTERING ORDER BY \(trade_time ASC, cum_volume ASC\)/);
    assert.match(ddl[1], /\n {2}value bigint,/);
    assert.doesNotMatch(ddl.join('\n'), /CUSTOM_PROPERTIES/);
    const keyspaces = cqlDdl('vn_stock', { replication: 'keyspaces' });
    assert.match(keyspaces[0], /SingleRegionStrategy/);
    assert.match(keyspaces[2], /client_side_timestamps/, 'quotes are written USING TIMESTAMP');
    assert.throws(() => cqlDdl('drop table x;'), {
      name: 'InvalidKeyspaceNameError',
      code: 'INVALID_KEYSPACE_NAME',
    });
  });
});
