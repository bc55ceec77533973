/**
 * The CQL side of the chaos run (`npm run chaos -- --sink both`): the keyspace is made
 * empty before the session, and read back after it in the shape of the DynamoDB evidence
 * (`pk` / `sk` as DynamoDB keys them), so the same checks judge both stores, and a last
 * check compares them row for row. The rejects exist only in DynamoDB in every mode.
 */
import cassandra from 'cassandra-driver';
import { CQL_TABLES } from '../../core/cql/schema.ts';
import { dayPartition, indexSortKey } from '../../core/tables.ts';
import {
  barFromCql,
  type CqlRow,
  indexFromCql,
  quoteFromCql,
  tradeFromCql,
} from '../../functions/transform/sinks/cql-rows.ts';
import { ensureCqlSchema } from '../../functions/transform/sinks/cql-setup.ts';
import type { CqlSinkOptions } from '../runtime/cql-keyspace.ts';
import { type Check, check } from './checks.ts';
import type { Row, TableRows } from './evidence.ts';

function clientOf(options: CqlSinkOptions) {
  return new cassandra.Client({
    contactPoints: options.contactPoints.split(',').map((p) => p.trim()),
    localDataCenter: options.localDataCenter,
  });
}

/** Creates the keyspace's tables if needed and empties them: the checks need fresh tables. */
export async function emptyCqlKeyspace(options: CqlSinkOptions): Promise<void> {
  const client = clientOf(options);
  try {
    await ensureCqlSchema(client, options.keyspace);
    for (const table of CQL_TABLES) await client.execute(`TRUNCATE ${options.keyspace}.${table.name}`);
  } finally {
    await client.shutdown();
  }
}

/** Every CQL row, keyed as DynamoDB keys it; quotes: the latest of each symbol (DynamoDB keeps one). */
export async function readCqlTables(options: CqlSinkOptions, rejects: readonly Row[]): Promise<TableRows> {
  const client = clientOf(options);
  const all = async (table: string): Promise<CqlRow[]> => {
    const rows: CqlRow[] = [];
    let pageState: string | undefined;
    do {
      const page = await client.execute(`SELECT * FROM ${options.keyspace}.${table}`, [], {
        fetchSize: 5000,
        pageState,
      });
      rows.push(...(page.rows as CqlRow[]));
      pageState = page.pageState ?? undefined;
    } while (pageState);
    return rows;
  };
  try {
    const trades = (await all('trades')).map(tradeFromCql);
    const latest = new Map<string, Row>();
    for (const quote of (await all('quotes')).map(quoteFromCql)) {
      const held = latest.get(quote.symbol);
      if (!held || Number(held.time) < quote.time) latest.set(quote.symbol, { pk: quote.symbol, ...quote });
    }
    return {
      trades: trades.map((t) => ({ pk: dayPartition(t.symbol, t.time), ...t })),
      quotes: [...latest.values()],
      bars: (await all('bars'))
        .map(barFromCql)
        .map((b) => ({ pk: dayPartition(b.symbol, b.start), sk: b.minute, ...b })),
      indices: (await all('indices'))
        .map(indexFromCql)
        .map((i) => ({ pk: dayPartition(i.indexId, i.time), sk: indexSortKey(i.time), ...i })),
      rejects,
    };
  } finally {
    await client.shutdown();
  }
}

/** The CQL tables hold exactly the DynamoDB rows: same keys, same fields. */
export function cqlEqualsDynamo(dynamo: TableRows, cql: TableRows): Check {
  const violations: string[] = [];
  const counts: string[] = [];
  for (const table of ['trades', 'quotes', 'bars', 'indices'] as const) {
    const key = (r: Row) => `${r.pk}|${r.sk ?? ''}`;
    const theirs = new Map(cql[table].map((r) => [key(r), r]));
    for (const row of dynamo[table]) {
      const other = theirs.get(key(row));
      if (!other) violations.push(`${table} ${key(row)}: in DynamoDB, not in CQL`);
      else if (canonical(row) !== canonical(other))
        violations.push(`${table} ${key(row)}: DynamoDB ${canonical(row)} ≠ CQL ${canonical(other)}`);
      theirs.delete(key(row));
    }
    for (const k of theirs.keys()) violations.push(`${table} ${k}: in CQL, not in DynamoDB`);
    counts.push(`${table} ${dynamo[table].length.toLocaleString('en-US')}`);
  }
  return check(
    'CQL tables = DynamoDB tables',
    violations,
    `row for row, field for field: ${counts.join(', ')}`,
  );
}

/** JSON with sorted keys and without absent fields, so two stores' rows compare as text. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .filter((k) => v[k] !== undefined && v[k] !== null)
            .map((k) => [k, v[k]]),
        )
      : v,
  );
}
