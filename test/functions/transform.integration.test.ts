/**
 * The transform handler against dynalite with the real SDK, driven by real Kinesis
 * events: records encoded with `core/records`, put into kinesalite, read back with
 * GetRecords and shaped by `kinesisEventFrom`. Faults are injected by an HTTP proxy in
 * front of dynalite, never by mocking the SDK.
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KinesisStreamEvent } from 'aws-lambda';
import { formatStockFrame } from '../../core/iboard/format-frame.ts';
import { parseFrame } from '../../core/iboard/parse-frame.ts';
import type { StockFrame } from '../../core/iboard/types.ts';
import { encodeRecord } from '../../core/records/index.ts';
import { startAwsFaultProxy } from '../../local/emulators/fault-proxy.ts';
import { SyntheticMarket } from '../../local/simulator/synthetic-market.ts';
import { iboardListing } from '../../local/simulator/universe.ts';
import { FPT_V1, FPT_V2, HNX_INDEX } from '../core/iboard/fixtures.ts';
import { createTables, dynamoClient, emulatorsForFile, scanTable, type TableNames } from '../support/aws.ts';
import { indexRaw, T0, tradingStory } from '../support/frames.ts';
import { streamedEvent, transformHandlerOn } from '../support/transform.ts';

const SYMBOLS = ['FPT', 'VCB', 'HPG', 'SSI', 'MWG'];
const FRAMES_PER_RECORD = 7;

const aws = emulatorsForFile();
let counter = 0;

/** Fresh tables and stream; `raws` grouped into records, put and read back as one event. */
async function setUp(groups: readonly (readonly string[])[]) {
  const name = `t${++counter}`;
  const tables = await createTables(aws.dynamo, name);
  const datas = groups.map((group, r) =>
    group.length === 0
      ? Uint8Array.of(7, 7, 7) // not a record of ours: a poison record
      : encodeRecord(
          group.map((raw, i) => ({
            raw,
            receivedAt: T0 + 600_000 + r * 10 + i,
            connectionId: 'c1',
            seq: r * 100 + i,
          })),
        ),
  );
  const { records, event } = await streamedEvent(aws.kinesis, name, datas);
  assert.equal(records.length, groups.length);
  return { tables, records, event };
}

function groupsOf(raws: readonly string[], size = FRAMES_PER_RECORD): string[][] {
  const groups: string[][] = [];
  for (let i = 0; i < raws.length; i += size) groups.push(raws.slice(i, i + size));
  return groups;
}

/** Index of the first record carrying a frame of `symbol`. */
const firstRecordOf = (groups: readonly (readonly string[])[]) => (symbol: string) =>
  groups.findIndex((g) => g.some((raw) => raw.startsWith(`MAIN|S#${symbol}|`)));

/** Story frames where HPG only starts trading (and being sent) at its 10th frame. */
function story() {
  const { frames, trades } = tradingStory(SYMBOLS, 30, 11);
  const kept = frames.filter((f) => f.symbol !== 'HPG' || (f.serverTime as number) >= T0 + 10_000);
  const raws = kept.map(formatStockFrame);
  raws.splice(20, 0, indexRaw({ indexId: 'VN30', timeMs: T0 + 5_000 }));
  raws.splice(60, 0, indexRaw({ indexId: 'VN30', timeMs: T0 + 15_000, value: 1291.25 }));
  const hpgTrades = trades.get('HPG')!.filter((t) => t.time > T0 + 10_000);
  trades.set('HPG', hpgTrades);
  return { frames: kept, trades, raws };
}

async function snapshot(tables: TableNames) {
  const [trades, quotes, bars, indices, rejects] = await Promise.all(
    (['trades', 'quotes', 'bars', 'indices', 'rejects'] as const).map((t) =>
      scanTable(aws.dynamo, tables[t]),
    ),
  );
  // The checkpoint's version counts the quote's writes (it depends on the batching): left out.
  for (const quote of quotes) delete (quote.checkpoint as { version?: number } | undefined)?.version;
  return { trades, quotes, bars, indices, rejects };
}

async function runOk(handler: ReturnType<typeof transformHandlerOn>, event: KinesisStreamEvent) {
  assert.deepEqual(await handler(event), { batchItemFailures: [] });
}

describe('transform handler on dynalite with real Kinesis events', () => {
  it('stores every trade, the last quote per symbol, bars equal to the trades and the index rows', async () => {
    const { frames, trades, raws } = story();
    const { tables, event } = await setUp(groupsOf(raws));
    await runOk(transformHandlerOn(aws.dynamo, tables), event());
    const stored = await snapshot(tables);
    for (const symbol of SYMBOLS) {
      const own = frames.filter((f: StockFrame) => f.symbol === symbol);
      const rows = stored.trades.filter((t) => t.symbol === symbol);
      const mine = rows.filter((t) => t.kind === 'trade');
      assert.deepEqual(
        mine.map((t) => [t.time, t.quantity, t.price, t.value]),
        trades.get(symbol)!.map((t) => [t.time, t.quantity, t.price, t.value]),
        `${symbol} trades`,
      );
      assert.deepEqual(
        rows.filter((t) => t.kind !== 'trade').map((t) => [t.kind, t.quantity]),
        [['pre-existing', own[0].totalVolume]],
        `${symbol}: the volume before its first frame, named`,
      );
      assert.ok(rows.every((t) => t.pk === `${symbol}#2026-04-14`));
      const sum = rows.reduce((s, t) => s + (t.quantity as number), 0);
      assert.equal(sum, own.at(-1)!.totalVolume!, `${symbol} conservation against the exchange total`);
      const quote = stored.quotes.find((q) => q.pk === symbol)!;
      const last = own.at(-1)!;
      assert.equal(quote.time, last.serverTime);
      assert.equal(quote.totalVolume, last.totalVolume);
      assert.equal(quote.totalValue, last.totalValue);
      assert.equal(quote.lastPrice, last.lastPrice);
      assert.deepEqual(quote.bids, last.bids.slice(0, 3));
      assert.deepEqual(quote.offers, last.offers.slice(0, 3));
      const bars = stored.bars.filter((b) => b.symbol === symbol);
      for (const bar of bars) {
        const inBar = mine.filter(
          (t) =>
            (t.time as number) >= (bar.start as number) &&
            (t.time as number) < (bar.start as number) + 60_000,
        );
        assert.equal(
          bar.volume,
          inBar.reduce((s, t) => s + (t.quantity as number), 0),
        );
        assert.equal(bar.trades, inBar.length);
        if (inBar.length === 0) continue;
        assert.equal(bar.open, inBar[0].price);
        assert.equal(bar.close, inBar.at(-1)!.price);
        assert.equal(bar.high, Math.max(...inBar.map((t) => t.price as number)));
        assert.equal(bar.low, Math.min(...inBar.map((t) => t.price as number)));
        assert.equal(
          bar.value,
          inBar.reduce((s, t) => s + (t.value as number), 0),
        );
      }
      assert.equal(
        bars.reduce((s, b) => s + (b.trades as number), 0),
        mine.length,
      );
      assert.equal(
        bars.reduce((s, b) => s + (b.volume as number) + ((b.otherVolume as number | undefined) ?? 0), 0),
        sum,
        `${symbol}: the bars add up to the exchange total too`,
      );
    }
    assert.deepEqual(
      stored.indices.map((i) => [i.pk, i.value]),
      [
        ['VN30#2026-04-14', 1290.5],
        ['VN30#2026-04-14', 1291.25],
      ],
    );
    assert.equal(stored.rejects.length, 0);
  });

  it("matches the simulator's ledger trade for trade, with volume conserved per symbol", async () => {
    // 09:30 ICT, continuous trading; the clock moves 37 ms per reading (~2 minutes in all).
    let now = Date.parse('2026-04-14T02:30:00Z');
    const market = new SyntheticMarket({
      seed: 5,
      symbols: 30,
      listed: iboardListing(),
      clock: () => (now += 37),
    });
    const raws: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const frame = market.nextFrame();
      if (frame) raws.push(frame.raw);
      if (i % 500 === 0) raws.push(...market.indexFrames().map((f) => f.raw));
    }
    const { tables, event } = await setUp(groupsOf(raws, 25));
    await runOk(transformHandlerOn(aws.dynamo, tables), event());
    const stored = await snapshot(tables);
    const firstVolume = new Map<string, number>();
    const lastVolume = new Map<string, number>();
    for (const raw of raws) {
      const frame = parseFrame(raw);
      if (frame.kind !== 'stock') continue;
      if (!firstVolume.has(frame.symbol)) firstVolume.set(frame.symbol, frame.totalVolume ?? 0);
      lastVolume.set(frame.symbol, frame.totalVolume ?? 0);
    }
    let compared = 0;
    for (const [symbol, first] of firstVolume) {
      const ledger = market.ledger.trades(symbol).filter((t) => t.cumulativeVolume > first);
      const rows = stored.trades.filter((t) => t.symbol === symbol);
      const mine = rows.filter((t) => t.kind === 'trade');
      assert.deepEqual(
        mine.map((t) => [t.time, t.quantity, t.price, t.cumVolume, t.cumValue]),
        ledger.map((t) => [t.time, t.quantity, t.price, t.cumulativeVolume, t.cumulativeValue]),
        symbol,
      );
      const sum = rows.reduce((s, t) => s + (t.quantity as number), 0);
      assert.equal(sum, lastVolume.get(symbol), `${symbol} conservation against the exchange total`);
      assert.equal(
        sum - first,
        mine.reduce((s, t) => s + (t.quantity as number), 0),
      );
      const barVolume = stored.bars
        .filter((b) => b.symbol === symbol)
        .reduce((s, b) => s + (b.volume as number) + ((b.otherVolume as number | undefined) ?? 0), 0);
      assert.equal(barVolume, sum, `${symbol} bars`);
      const quote = stored.quotes.find((q) => q.pk === symbol);
      assert.equal(quote?.totalVolume, lastVolume.get(symbol));
      compared += mine.length;
    }
    assert.ok(compared > 100, `only ${compared} trades compared`);
    assert.ok(stored.indices.length > 0);
  });

  it('stores the spec frames: V1 and V2 FPT quotes and the HNXIndex row', async () => {
    const { tables, event } = await setUp([[FPT_V1], [FPT_V2, HNX_INDEX]]);
    await runOk(transformHandlerOn(aws.dynamo, tables), event());
    const stored = await snapshot(tables);
    assert.equal(stored.quotes.length, 1);
    const quote = stored.quotes[0];
    assert.equal(
      quote.time,
      1776148328137,
      'the V2 frame is newer (server time) than the V1 one (receive time)',
    );
    assert.equal(quote.totalValue, 286_268_130_000);
    assert.equal(quote.foreignRoom, 276_457_777);
    assert.deepEqual(
      stored.trades.map((t) => [t.kind, t.quantity]),
      [['pre-existing', 3_733_300]],
      'the V1 frame (no auction fields) accounts the day so far; the V2 one, same volume, adds nothing',
    );
    assert.deepEqual(
      stored.indices.map((i) => [i.pk, i.sk, i.value, i.advances, i.change]),
      [['HNXIndex#2023-04-19', '1681900960757', 207.63, 54, -0.62]],
    );
  });

  it('leaves identical tables for the same batch twice and for the batch split differently', async () => {
    const { raws } = story();
    const reference = await setUp(groupsOf(raws));
    await runOk(transformHandlerOn(aws.dynamo, reference.tables), reference.event());
    const expected = await snapshot(reference.tables);

    const twice = await setUp(groupsOf(raws));
    const twiceHandler = transformHandlerOn(aws.dynamo, twice.tables);
    await runOk(twiceHandler, twice.event());
    await runOk(twiceHandler, twice.event());
    assert.deepEqual(await snapshot(twice.tables), expected);

    const split = await setUp(groupsOf(raws));
    const splitHandler = transformHandlerOn(aws.dynamo, split.tables);
    for (const [from, to] of [
      [0, 3],
      [3, 4],
      [4, 11],
      [11, split.records.length],
    ]) {
      await runOk(splitHandler, split.event(split.records.slice(from, to)));
    }
    assert.deepEqual(await snapshot(split.tables), expected);
  });

  it('reports a DynamoDB failure mid-batch from the first record not fully stored, and a redelivery completes the tables', async () => {
    const { raws } = story();
    const groups = groupsOf(raws);
    const firstHpg = firstRecordOf(groups)('HPG');
    assert.ok(firstHpg > 0);
    const reference = await setUp(groups);
    await runOk(transformHandlerOn(aws.dynamo, reference.tables), reference.event());
    const expected = await snapshot(reference.tables);

    const proxy = await startAwsFaultProxy(aws.dynamoEndpoint, { keepRequests: true });
    const client = dynamoClient(proxy.endpoint);
    try {
      const cases = [
        { operation: 'BatchWriteItem', error: 'throttle', mark: '"HPG#' },
        { operation: 'PutItem', error: 'internal', mark: '"S":"HPG"' },
      ] as const;
      for (const { operation, error, mark } of cases) {
        const run = await setUp(groups);
        const handler = transformHandlerOn(client, run.tables);
        proxy.fail({ operation, error, when: (body) => body.includes(mark) });
        const seen = proxy.requests.length;
        const response = await handler(run.event());
        // A failed request may carry other symbols' rows too (25 items per BatchWriteItem):
        // the batch must retry from the first record of any symbol it could not store.
        const faulted = proxy.requests.slice(seen).filter((r) => r.faulted);
        assert.ok(faulted.length > 0 && faulted.every((r) => r.operation === operation));
        const hit = SYMBOLS.filter((s) =>
          faulted.some((r) => r.body.includes(`"${s}#`) || r.body.includes(`"S":"${s}"`)),
        );
        assert.ok(hit.includes('HPG'));
        const expectedRecord = Math.min(...hit.map(firstRecordOf(groups)));
        if (operation === 'PutItem') assert.equal(expectedRecord, firstHpg);
        assert.deepEqual(
          response,
          { batchItemFailures: [{ itemIdentifier: run.records[expectedRecord].SequenceNumber }] },
          operation,
        );
        proxy.clear();
        // The event source mapping retries from the reported record.
        await runOk(handler, run.event(run.records.slice(expectedRecord)));
        assert.deepEqual(await snapshot(run.tables), expected, operation);
      }
    } finally {
      client.destroy();
      await proxy.stop();
    }
  });

  it('retries from the first record when the previous state cannot be read', async () => {
    const proxy = await startAwsFaultProxy(aws.dynamoEndpoint);
    const client = dynamoClient(proxy.endpoint);
    try {
      const run = await setUp(groupsOf(story().raws));
      proxy.fail({ operation: 'BatchGetItem', error: 'unavailable' });
      const response = await transformHandlerOn(client, run.tables)(run.event());
      assert.deepEqual(response, { batchItemFailures: [{ itemIdentifier: run.records[0].SequenceNumber }] });
      assert.equal((await snapshot(run.tables)).trades.length, 0);
    } finally {
      client.destroy();
      await proxy.stop();
    }
  });

  it('sends poison records and frames to the rejects table with their reasons and stores the rest', async () => {
    const { tables, records, event } = await setUp([
      [],
      ['MAIN|S#FPT|1|2', 'garbage text', FPT_V2],
      [HNX_INDEX],
    ]);
    await runOk(transformHandlerOn(aws.dynamo, tables), event());
    const stored = await snapshot(tables);
    const [shard] = (event().Records[0].eventID ?? '').split(':');
    assert.deepEqual(
      stored.rejects.map((r) => [r.kind, r.sk, r.code ?? r.reason]),
      [
        ['record', `${shard}#${records[0].SequenceNumber}#record`, 'RECORD_UNKNOWN_VERSION'],
        ['frame', `${shard}#${records[1].SequenceNumber}#000000`, stored.rejects[1].reason],
        ['frame', `${shard}#${records[1].SequenceNumber}#000001`, 'unknown frame type'],
      ],
    );
    assert.match(String(stored.rejects[1].reason), /field count/);
    assert.equal(stored.rejects[1].raw, 'MAIN|S#FPT|1|2');
    assert.equal(stored.rejects[0].raw, Buffer.of(7, 7, 7).toString('base64'));
    for (const reject of stored.rejects) {
      assert.equal(typeof reject.expiresAt, 'number');
      assert.equal(
        reject.pk,
        new Date((records[0].ApproximateArrivalTimestamp as Date).getTime() + 7 * 3600_000)
          .toISOString()
          .slice(0, 10),
      );
    }
    assert.equal(stored.quotes.length, 1);
    assert.equal(stored.indices.length, 1);
  });
});
