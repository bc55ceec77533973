/**
 * The README's CQL queries (between `<!-- cql-queries -->` markers), run by `cqlsh` from
 * PyPI (`scripts/cqlsh.sh`'s virtualenv, installed by `.ci/run`) against the local
 * Cassandra loaded with a trading story, in a keyspace of their own. Each query's rows
 * are checked against the same data read with the driver. Skipped without
 * `CASSANDRA_CONTACT_POINTS` or without the cqlsh virtualenv.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Client } from 'cassandra-driver';
import { CQL_TABLES } from '../../core/cql/schema.ts';
import type { BatchRecord } from '../../core/derive/decode-batch.ts';
import { transformBatch } from '../../core/derive/transform-batch.ts';
import { formatStockFrame } from '../../core/iboard/format-frame.ts';
import { encodeRecord } from '../../core/records/index.ts';
import { combineSinks } from '../../functions/transform/sinks/combined-sink.ts';
import { barFromCql, quoteFromCql, tradeFromCql } from '../../functions/transform/sinks/cql-rows.ts';
import { ensureCqlSchema } from '../../functions/transform/sinks/cql-setup.ts';
import { KeyspacesSink } from '../../functions/transform/sinks/keyspaces-sink.ts';
import { cassandraForTests } from '../support/cassandra.ts';
import { T0, tradingStory } from '../support/frames.ts';
import { MemorySink } from '../support/memory-sink.ts';

const CQLSH = join(
  process.env.XDG_CACHE_HOME || join(homedir(), '.cache'),
  'vn-stock-stream/cqlsh-6.2.2/bin/cqlsh',
);
const CONTACT_POINTS = process.env.CASSANDRA_CONTACT_POINTS;
const skip = !CONTACT_POINTS
  ? 'CASSANDRA_CONTACT_POINTS not set (npm run cassandra -- start)'
  : !existsSync(CQLSH)
    ? `cqlsh not installed (bash scripts/cqlsh.sh --version installs it into ${CQLSH})`
    : false;
const KEYSPACE = 'vn_stock_readme';

/** The README's queries, one per statement, in the test's keyspace. */
function readmeQueries(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = readme.split('<!-- cql-queries -->')[1]?.split('<!-- /cql-queries -->')[0];
  assert.ok(block, 'README has a cql-queries block');
  const sql = block.replace(/^```sql\n|```\s*$/gm, '').replace(/^--.*$/gm, '');
  return sql
    .split(';')
    .map((q) => q.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .map((q) => q.replaceAll('vn_stock.', `${KEYSPACE}.`));
}

/** Runs one statement with cqlsh and returns its rows as arrays of trimmed cells. */
function cqlsh(statement: string): string[][] {
  const [host, port = '9042'] = (CONTACT_POINTS ?? '').split(',')[0].split(':');
  const out = execFileSync(CQLSH, [host, port, '--no-color', '-e', statement], {
    encoding: 'utf8',
    env: { ...process.env, CQLSH_NO_BUNDLED: 'TRUE' },
  });
  const lines = out.split('\n');
  const rule = lines.findIndex((l) => /^-+\+/.test(l) || /^-{3,}$/.test(l.trim()));
  assert.notEqual(rule, -1, `cqlsh printed a table:\n${out}`);
  const rows: string[][] = [];
  for (const line of lines.slice(rule + 1)) {
    if (line.trim() === '' || /^\(\d+ rows\)$/.test(line.trim())) break;
    rows.push(line.split('|').map((c) => c.trim()));
  }
  const count = Number(/\((\d+) rows\)/.exec(out)?.[1]);
  assert.equal(rows.length, count, 'every row parsed');
  return rows;
}

let client: Client;

before(async () => {
  if (skip) return;
  ({ client } = await cassandraForTests(KEYSPACE));
  await ensureCqlSchema(client, KEYSPACE);
  for (const table of CQL_TABLES) await client.execute(`TRUNCATE ${KEYSPACE}.${table.name}`);
  const sink = new KeyspacesSink({ client, keyspace: KEYSPACE });
  const { frames } = tradingStory(['FPT', 'VCB'], 150, 5);
  const raws = frames.map(formatStockFrame);
  const records: BatchRecord[] = [];
  for (let i = 0; i < raws.length; i += 10) {
    const group = raws
      .slice(i, i + 10)
      .map((raw, j) => ({ raw, receivedAt: T0 + 900_000 + i + j, connectionId: 'c', seq: i + j }));
    records.push({ data: encodeRecord(group), sequenceNumber: String(i), arrivalMs: T0 + 900_000 });
  }
  const combined = combineSinks({
    name: 'keyspaces',
    reader: sink,
    writers: [sink],
    rejects: new MemorySink(),
  });
  assert.equal((await transformBatch(records, 'shardId-000000000000', combined)).failedRecord, undefined);
});

after(async () => {
  await client?.shutdown();
});

describe("the README's cqlsh queries", { skip }, () => {
  it('answer like the original pipeline: last trades, latest quote, a day of 1-minute bars', async () => {
    const [tradesQuery, quoteQuery, barsQuery] = readmeQueries();
    const partition = ['FPT', '2026-04-14'];
    const select = async (table: string) =>
      (
        await client.execute(
          `SELECT * FROM ${KEYSPACE}.${table} WHERE symbol = ? AND trading_date = ?`,
          partition,
          { prepare: true },
        )
      ).rows;

    const trades = (await select('trades')).map(tradeFromCql);
    assert.ok(trades.length > 20, 'more trades stored than the query asks for');
    const newest = trades.slice(-20).reverse();
    const tradeRows = cqlsh(tradesQuery);
    assert.deepEqual(
      tradeRows.map((r) => [r[1], Number(r[2]), Number(r[3]), Number(r[4])]),
      newest.map((t) => [t.kind, t.price, t.quantity, t.cumVolume]),
    );

    const [quote] = (await select('quotes')).map(quoteFromCql);
    const [quoteRow] = cqlsh(quoteQuery);
    assert.equal(quoteRow[0], 'FPT');
    assert.equal(Number(quoteRow[2]), quote.lastPrice);
    assert.equal(Number(quoteRow[4]), quote.totalVolume);

    const bars = (await select('bars')).map(barFromCql);
    const barRows = cqlsh(barsQuery);
    assert.ok(bars.length > 0);
    assert.deepEqual(
      barRows.map((r) => [r[0], Number(r[4]), Number(r[5])]),
      bars
        .filter((b) => b.minute >= '09:15' && b.minute <= '10:00')
        .map((b) => [b.minute, b.close, b.volume]),
    );
  });
});
