/**
 * The read API and the live stream over HTTP, against dynalite filled by the real
 * transform from the synthetic market (see market-fixture.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { dayPartition } from '../../../core/tables.ts';
import { quoteFromItem } from '../../../functions/transform/sinks/dynamodb-items.ts';
import { type Dashboard, startDashboard } from '../../../local/dashboard/server.ts';
import { type MarketFixture, startMarketFixture } from '../../support/dashboard-market.ts';
import { openSse } from '../../support/sse-client.ts';

/** Tuesday 14 April 2026, 10:00 ICT: continuous trading on every exchange. */
const START = Date.parse('2026-04-14T03:00:00Z');

let market: MarketFixture;
let dashboard: Dashboard;

async function get(
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(new URL(path, dashboard.url), init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function storedQuote(symbol: string) {
  const out = await market.client.send(
    new GetItemCommand({ TableName: market.tables.quotes, Key: { pk: { S: symbol } } }),
  );
  assert.ok(out.Item, `no stored quote for ${symbol}`);
  return quoteFromItem(out.Item);
}

describe('dashboard read API', { timeout: 120_000 }, () => {
  before(async () => {
    market = await startMarketFixture({ symbols: 20, start: START, stepMs: 250 });
    await market.pump(2_000);
    dashboard = await startDashboard({
      port: 0,
      client: market.client,
      tables: market.tables,
      now: market.now,
      stream: { pollMs: 100, overviewEveryMs: 300 },
    });
  });

  after(async () => {
    await dashboard?.stop();
    await market?.stop();
  });

  it('returns the stored quote of a symbol', async () => {
    const { status, body } = await get('/api/quote/fpt');
    assert.equal(status, 200);
    const stored = await storedQuote('FPT');
    const quote = body.quote as Record<string, unknown>;
    assert.equal(body.symbol, 'FPT');
    assert.equal(body.exchange, 'hose');
    assert.equal(quote.lastPrice, stored.lastPrice);
    assert.equal(quote.totalVolume, stored.totalVolume);
    assert.equal(quote.time, stored.time);
    assert.equal((quote.bids as unknown[]).length, 3);
  });

  it('answers a listed symbol without a quote with quote null', async () => {
    const { status, body } = await get('/api/quote/AAA');
    assert.equal(status, 200);
    assert.equal(body.quote, null);
  });

  it('returns the bars of a minute range, in order, matching the stored trades', async () => {
    const all = await get('/api/bars/FPT');
    const bars = all.body.bars as { minute: string; volume: number; trades: number }[];
    assert.equal(all.body.date, '2026-04-14');
    assert.ok(bars.length >= 5, `expected several minutes of bars, got ${bars.length}`);
    assert.deepEqual(
      bars.map((b) => b.minute),
      bars.map((b) => b.minute).sort(),
    );
    const trades = await market.client.send(
      new QueryCommand({
        TableName: market.tables.trades,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: dayPartition('FPT', START) } },
      }),
    );
    const tradedVolume = (trades.Items ?? []).reduce((sum, item) => sum + Number(item.quantity.N), 0);
    assert.equal(
      bars.reduce((sum, b) => sum + b.volume, 0),
      tradedVolume,
    );

    const from = bars[1].minute;
    const to = bars[3].minute;
    const some = await get(`/api/bars/FPT?date=2026-04-14&from=${from}&to=${to}`);
    assert.deepEqual(
      (some.body.bars as { minute: string }[]).map((b) => b.minute),
      bars.slice(1, 4).map((b) => b.minute),
    );
    const otherDay = await get('/api/bars/FPT?date=2026-04-13');
    assert.deepEqual(otherDay.body.bars, []);
  });

  it('returns the newest trades first, as many as asked', async () => {
    const { body } = await get('/api/trades/FPT?limit=5');
    const trades = body.trades as { time: number; cumVolume: number }[];
    assert.equal(trades.length, 5);
    for (let i = 1; i < trades.length; i++) assert.ok(trades[i - 1].cumVolume > trades[i].cumVolume);
    const stored = await storedQuote('FPT');
    assert.equal(trades[0].cumVolume, stored.totalVolume);
  });

  it('returns every major index with its latest value and a per-minute series', async () => {
    const { body } = await get('/api/indices');
    const indices = body.indices as {
      id: string;
      latest: { value: number } | null;
      series: { time: number }[];
    }[];
    assert.deepEqual(
      indices.map((i) => i.id),
      ['VNINDEX', 'VN30', 'HNXIndex', 'HNX30', 'HNXUpcomIndex', 'VNXALL'],
    );
    const vnindex = indices[0];
    assert.ok(vnindex.latest && vnindex.latest.value > 0);
    const minutes = vnindex.series.map((p) => Math.floor(p.time / 60_000));
    assert.equal(new Set(minutes).size, minutes.length);
    assert.ok(minutes.length >= 5);
  });

  it('computes the overview from the quotes table', async () => {
    const { body } = await get('/api/overview?top=3');
    const gainers = body.gainers as { symbol: string; changePercent: number }[];
    assert.equal(body.symbols, 20);
    assert.ok(gainers.length <= 3);
    for (let i = 1; i < gainers.length; i++)
      assert.ok(gainers[i - 1].changePercent >= gainers[i].changePercent);
    for (const g of gainers) {
      assert.equal((await storedQuote(g.symbol)).changePercent, g.changePercent);
    }
    const traded = body.mostTraded as { totalValue: number }[];
    assert.ok(traded.length > 0);
  });

  it('reports the market open and the feed live on the simulated clock', async () => {
    const { body } = await get('/api/status');
    assert.equal(body.trading, true);
    assert.equal(body.feed, 'live');
    assert.equal(body.level, 'ok');
  });

  it('searches the symbol list', async () => {
    const { body } = await get('/api/symbols?q=vc&limit=3');
    const symbols = body.symbols as { symbol: string }[];
    assert.equal(symbols.length, 3);
    assert.ok(symbols.every((s) => s.symbol.startsWith('VC')));
  });

  it('answers bad input with 400 and a reason', async () => {
    const cases: [string, string, RegExp][] = [
      ['/api/quote/FTP', 'UNKNOWN_SYMBOL', /did you mean FPT/],
      ['/api/bars/F%20T', 'BAD_SYMBOL', /letters or digits/],
      ['/api/bars/FPT?date=2026-02-30', 'BAD_DATE', /not a real/],
      ['/api/bars/FPT?from=9:00', 'BAD_TIME', /HH:MM/],
      ['/api/bars/FPT?from=11:00&to=10:00', 'BAD_RANGE', /after/],
      ['/api/trades/FPT?limit=0', 'BAD_LIMIT', /1 to 1000/],
      ['/api/trades/FPT?limit=5000', 'BAD_LIMIT', /1 to 1000/],
      ['/api/overview?top=x', 'BAD_LIMIT', /^top/],
      ['/api/symbols?q=%3Cscript%3E', 'BAD_QUERY', /letters or digits/],
      ['/api/stream?symbol=NOPE1', 'UNKNOWN_SYMBOL', /unknown symbol NOPE1/],
    ];
    for (const [path, code, reason] of cases) {
      const { status, body } = await get(path);
      assert.equal(status, 400, path);
      assert.equal(body.error, code, path);
      assert.match(String(body.reason), reason, path);
    }
    const unknown = await get('/api/quote/FTP');
    assert.ok((unknown.body.suggestions as string[]).includes('FPT'));
  });

  it('answers unknown routes with 404 and other methods with 405', async () => {
    assert.equal((await get('/api/nothing')).status, 404);
    assert.equal((await get('/api/quote/FPT/extra')).status, 404);
    const post = await get('/api/quote/FPT', { method: 'POST' });
    assert.equal(post.status, 405);
    assert.equal(post.body.error, 'METHOD_NOT_ALLOWED');
  });

  it('serves the page, its scripts and lightweight-charts, and nothing else from disk', async () => {
    const page = await fetch(new URL('/', dashboard.url));
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), /src="\/vendor\/lightweight-charts.js"/);
    const charts = await fetch(new URL('/vendor/lightweight-charts.js', dashboard.url));
    assert.equal(charts.status, 200);
    assert.match(await charts.text(), /LightweightCharts/);
    for (const name of ['app.js', 'panels.js', 'charts.js', 'picker.js', 'format.js', 'style.css']) {
      assert.equal((await fetch(new URL(`/${name}`, dashboard.url))).status, 200, name);
    }
    for (const path of ['/../server.ts', '/%2e%2e/server.ts', '/server.ts', '/.env', '/static/app.js']) {
      assert.equal((await fetch(new URL(path, dashboard.url))).status, 404, path);
    }
  });

  it('pushes new quotes and bars to every watcher from one shared poll', async () => {
    const streamUrl = new URL('/api/stream?symbol=FPT', dashboard.url).href;
    const [a, b] = await Promise.all([openSse(streamUrl), openSse(streamUrl)]);
    try {
      assert.equal(a.status, 200);
      assert.match(a.contentType, /text\/event-stream/);
      await a.waitFor((m) => m.event === 'hello');
      await a.waitFor((m) => m.event === 'quote');
      await b.waitFor((m) => m.event === 'quote');
      assert.deepEqual(dashboard.hub.watchedSymbols(), ['FPT']);

      // One quote read per poll round, not one per client.
      const reader = dashboard.api.reader;
      const original = reader.quote.bind(reader);
      let reads = 0;
      reader.quote = (symbol: string) => {
        reads++;
        return original(symbol);
      };
      const ticksBefore = dashboard.hub.ticks;
      await new Promise((resolve) => setTimeout(resolve, 600));
      const rounds = dashboard.hub.ticks - ticksBefore;
      reader.quote = original;
      assert.ok(rounds >= 2, `expected several poll rounds, got ${rounds}`);
      assert.ok(reads <= rounds + 1, `${reads} quote reads in ${rounds} rounds for 2 clients`);

      const before = (await storedQuote('FPT')).totalVolume ?? 0;
      const seen = a.messages.length;
      await market.pump(600);
      const after = await storedQuote('FPT');
      assert.ok((after.totalVolume ?? 0) > before, 'FPT traded during the pump');
      const pushed = await a.waitFor(
        (m) =>
          m.event === 'quote' &&
          (m.data as { quote: { totalVolume: number } }).quote.totalVolume === after.totalVolume,
      );
      assert.equal((pushed.data as { quote: { lastPrice: number } }).quote.lastPrice, after.lastPrice);
      await a.waitFor((m) => a.messages.indexOf(m) >= seen && m.event === 'bars');
      await b.waitFor(
        (m) =>
          m.event === 'quote' &&
          (m.data as { quote: { totalVolume: number } }).quote.totalVolume === after.totalVolume,
      );
      await a.waitFor((m) => m.event === 'index');
      await a.waitFor((m) => m.event === 'status');
    } finally {
      a.close();
      b.close();
    }
    const deadline = Date.now() + 2_000;
    while (dashboard.hub.clientCount > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(dashboard.hub.clientCount, 0);
    assert.deepEqual(dashboard.hub.watchedSymbols(), []);
  });

  it('answers 503 with a reason when DynamoDB cannot be reached', async () => {
    const down = await startDashboard({
      port: 0,
      dynamoEndpoint: 'http://127.0.0.1:9',
      tables: market.tables,
    });
    try {
      const res = await fetch(new URL('/api/quote/FPT', down.url));
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(res.status, 503);
      assert.equal(body.error, 'STORE_UNAVAILABLE');
      assert.match(String(body.reason), /cannot reach DynamoDB/);
    } finally {
      await down.stop();
    }
  });

  it('fails to start with a clear error when the port is taken', async () => {
    const port = new URL(dashboard.url).port;
    await assert.rejects(
      startDashboard({ port: Number(port), client: market.client, tables: market.tables }),
      /already in use/,
    );
  });
});
