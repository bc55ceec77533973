/**
 * Checks the embedded runtime's tables against the simulator's ledger (ground truth):
 * every trade once, volume conservation, quotes equal the last frame delivered, bars
 * equal their trades. Shared by the end-to-end tests; returns what it checked so a test
 * can assert it checked enough. Also the waits those tests share: `until` a probe answers,
 * and `settled`, the running pipeline having processed everything.
 */
import assert from 'node:assert/strict';
import {
  type AttributeValue,
  type DynamoDBClient,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { parseFrame } from '../../core/iboard/parse-frame.ts';
import type { StockFrame } from '../../core/iboard/types.ts';
import { ictMinute } from '../../core/market/ict-time.ts';
import type { Clock } from '../../local/runtime/clock.ts';
import type { Runtime } from '../../local/runtime/start-runtime.ts';
import type { Ledger } from '../../local/simulator/ledger.ts';

/** Polls `probe` every 250 ms until it answers (not undefined, not false); fails naming `what` after `ms`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 90_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

type IngestMetrics = { frames: { forwarded: number; put: number }; buffer: { depth: number } };

/**
 * Waits until the clock is past `quietFrom` (the market quiet), the ingest task holds
 * nothing, and the event source mapping has read everything.
 */
export async function settled(runtime: Runtime, clock: Clock, quietFrom: number): Promise<void> {
  await until('the market to be quiet', () => clock.now() > quietFrom || undefined);
  let stableFor = 0;
  let previous = -1;
  await until('the pipeline to settle', async () => {
    const m = await runtime.ingest.metrics<IngestMetrics>();
    if (!m || m.buffer.depth > 0 || m.frames.put !== m.frames.forwarded) return undefined;
    const records = runtime.eventSources.reduce((n, es) => n + es.stats.records, 0);
    const idle = runtime.eventSources.every((es) => es.caughtUp);
    stableFor = idle && records === previous ? stableFor + 1 : 0;
    previous = records;
    // Idle for a few polls in a row: no record was on its way from the ingest task.
    return stableFor >= 4 || undefined;
  });
}

type Item = Record<string, AttributeValue>;
type Row = Record<string, unknown>;

export function plain(item: Item): Row {
  const row: Row = {};
  for (const [key, value] of Object.entries(item)) {
    if (value.N !== undefined) row[key] = Number(value.N);
    else if (value.S !== undefined) row[key] = value.S;
    else if (value.BOOL !== undefined) row[key] = value.BOOL;
    else if (value.L !== undefined) row[key] = value.L.map((v) => plain({ v }).v);
    else if (value.M !== undefined) row[key] = plain(value.M);
  }
  return row;
}

function defined(value: object): Row {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

export async function queryAll(client: DynamoDBClient, table: string, pk: string): Promise<Row[]> {
  const rows: Row[] = [];
  let start: Item | undefined;
  do {
    const out = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk } },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    rows.push(...(out.Items ?? []).map(plain));
    start = out.LastEvaluatedKey;
  } while (start);
  return rows;
}

export async function scanAll(client: DynamoDBClient, table: string): Promise<Row[]> {
  const rows: Row[] = [];
  let start: Item | undefined;
  do {
    const out = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    rows.push(...(out.Items ?? []).map(plain));
    start = out.LastEvaluatedKey;
  } while (start);
  return rows;
}

export type LedgerCheck = { symbols: number; trades: number; quotes: number; bars: number };

/**
 * For each symbol the market traded, under the exchange-true rule: the rows (every kind)
 * add up to the ledger's final volume; each `trade` row is exactly one of the ledger's
 * trades (cumulative volume, quantity, price, time); every ledger trade after the first
 * row is either a `trade` row or inside the range of a row of another kind (a gap across
 * a reconnect or restart); no cumulative volume twice; the bars hold the `trade`/`opening`
 * rows with the other kinds in `otherVolume`.
 */
export async function checkAgainstLedger(
  client: DynamoDBClient,
  tables: Readonly<Record<string, string>>,
  ledger: Ledger,
  clientIds: readonly number[],
): Promise<LedgerCheck> {
  const result: LedgerCheck = { symbols: 0, trades: 0, quotes: 0, bars: 0 };
  for (const symbol of ledger.tradedSymbols()) {
    const expected = ledger.trades(symbol);
    const date = expected[0].date;
    const rows = (await queryAll(client, tables.trades, `${symbol}#${date}`)).sort((a, b) =>
      String(a.sk).localeCompare(String(b.sk)),
    );
    if (!rows.length) continue;
    result.symbols++;
    assert.equal(new Set(rows.map((r) => r.cumVolume)).size, rows.length, `${symbol}: a row stored twice`);
    const stored = rows.reduce((sum, r) => sum + (r.quantity as number), 0);
    assert.equal(stored, ledger.totals(symbol).volume, `${symbol}: rows do not add up to the exchange total`);
    const byVolume = new Map(expected.map((t) => [t.cumulativeVolume, t]));
    const trades = rows.filter((r) => r.kind === 'trade');
    for (const row of trades) {
      const t = byVolume.get(row.cumVolume as number);
      assert.deepEqual(
        [row.cumVolume, row.quantity, row.price, row.time],
        t ? [t.cumulativeVolume, t.quantity, t.price, t.time] : ['no ledger trade'],
        `${symbol}: a trade row that is not the ledger's trade`,
      );
    }
    const others = rows.filter((r) => r.kind !== 'trade');
    const baseline = (rows[0].cumVolume as number) - (rows[0].quantity as number);
    for (const t of expected.filter((e) => e.cumulativeVolume > baseline)) {
      const asTrade = trades.some((r) => r.cumVolume === t.cumulativeVolume);
      const inOther = others.some(
        (r) =>
          t.cumulativeVolume > (r.cumVolume as number) - (r.quantity as number) &&
          t.cumulativeVolume <= (r.cumVolume as number),
      );
      assert.ok(asTrade || inOther, `${symbol}: the ledger's trade at ${t.cumulativeVolume} is in no row`);
    }
    result.trades += trades.length;

    const bars = await queryAll(client, tables.bars, `${symbol}#${date}`);
    const byMinute = new Map<string, Row[]>();
    for (const r of rows) {
      const minute = ictMinute(r.time as number);
      byMinute.set(minute, [...(byMinute.get(minute) ?? []), r]);
    }
    assert.deepEqual(bars.map((b) => b.sk).sort(), [...byMinute.keys()].sort(), `${symbol}: bar minutes`);
    for (const bar of bars) {
      const inMinute = byMinute.get(bar.sk as string) ?? [];
      const seen = inMinute.filter((t) => t.kind === 'trade' || t.kind === 'opening');
      const prices = seen.filter((t) => t.flags === undefined).map((t) => t.price as number);
      const sum = (list: Row[]) => list.reduce((s, t) => s + (t.quantity as number), 0);
      assert.equal(bar.volume, sum(seen), `${symbol} ${bar.sk}: bar volume`);
      assert.equal(bar.otherVolume ?? 0, sum(inMinute) - sum(seen), `${symbol} ${bar.sk}: bar other volume`);
      assert.equal(bar.trades, seen.length, `${symbol} ${bar.sk}: bar trade count`);
      if (prices.length === 0) continue;
      assert.equal(bar.open, prices[0], `${symbol} ${bar.sk}: open`);
      assert.equal(bar.close, prices.at(-1), `${symbol} ${bar.sk}: close`);
      assert.ok((bar.high as number) >= Math.max(...prices), `${symbol} ${bar.sk}: high`);
      assert.ok((bar.low as number) <= Math.min(...prices), `${symbol} ${bar.sk}: low`);
      result.bars++;
    }
  }

  // Quotes: the latest frame delivered to the (last) ingest connection, per symbol.
  const lastFrames = new Map<string, string>();
  for (const id of clientIds) for (const [symbol, raw] of ledger.lastFrames(id)) lastFrames.set(symbol, raw);
  for (const [symbol, raw] of lastFrames) {
    const frame = parseFrame(raw) as StockFrame;
    const out = await queryAll(client, tables.quotes, symbol);
    assert.equal(out.length, 1, `${symbol}: no quote row`);
    const quote = out[0];
    assert.equal(quote.totalVolume, frame.totalVolume, `${symbol}: quote volume`);
    assert.equal(quote.totalValue, frame.totalValue, `${symbol}: quote value`);
    assert.equal(quote.lastPrice, frame.lastPrice, `${symbol}: quote last price`);
    assert.deepEqual((quote.bids as Row[])[0], defined(frame.bids[0]), `${symbol}: best bid`);
    assert.deepEqual((quote.offers as Row[])[0], defined(frame.offers[0]), `${symbol}: best offer`);
    result.quotes++;
  }
  return result;
}
