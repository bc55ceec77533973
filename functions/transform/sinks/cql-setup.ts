/**
 * Creates the keyspace and tables of `core/cql/schema.ts` on a Cassandra that is not
 * Amazon Keyspaces (where the stack creates them, asynchronously), and adds the columns
 * a table created by an older version lacks. For the local runtime, the tests and the
 * benchmark: a Lambda never creates schema.
 *
 * @example
 * await ensureCqlSchema(client, 'vn_stock');
 */
import type { Client } from 'cassandra-driver';
import { CQL_TABLES, cqlAddMissingColumns, cqlDdl } from '../../../core/cql/schema.ts';

export async function ensureCqlSchema(client: Client, keyspace: string): Promise<void> {
  for (const statement of cqlDdl(keyspace)) await client.execute(statement);
  for (const table of CQL_TABLES) {
    const existing = await client.execute(
      'SELECT column_name FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?',
      [keyspace, table.name],
      { prepare: true },
    );
    const names = new Set(existing.rows.map((r) => String(r.get('column_name'))));
    for (const statement of cqlAddMissingColumns(keyspace, table, names)) await client.execute(statement);
  }
}
