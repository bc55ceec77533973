/**
 * The dashboard page in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core), over tables the real transform handler filled from the synthetic
 * market (see market-fixture.ts). Saves `test-artifacts/dashboard.png`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { QuoteRow } from '../../../core/derive/types.ts';
import { quoteFromItem } from '../../../functions/transform/sinks/dynamodb-items.ts';
import { type Dashboard, startDashboard } from '../../../local/dashboard/server.ts';
import { type MarketFixture, startMarketFixture } from '../../support/dashboard-market.ts';

const CHROMIUM = '/usr/bin/chromium';
const SKIP = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (apt-get install -y chromium)`;
const ARTIFACT = 'test-artifacts/dashboard.png';
/** Tuesday 14 April 2026, 10:00 ICT: continuous trading on every exchange. */
const START = Date.parse('2026-04-14T03:00:00Z');
const STREAM = { pollMs: 250, overviewEveryMs: 1_000, retryMs: 500 } as const;

let market: MarketFixture;
let dashboard: Dashboard;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

const vnd = (n: number | undefined) => (n === undefined ? '—' : new Intl.NumberFormat('en-US').format(n));

async function storedQuote(symbol: string): Promise<QuoteRow> {
  const out = await market.client.send(
    new GetItemCommand({ TableName: market.tables.quotes, Key: { pk: { S: symbol } } }),
  );
  assert.ok(out.Item, `no stored quote for ${symbol}`);
  return quoteFromItem(out.Item);
}

const text = (selector: string) =>
  page
    .locator(selector)
    .textContent()
    .then((t) => t ?? '');

/** What every symbol panel shows, to compare before and after picking another symbol. */
async function panels() {
  return page.evaluate(() => {
    const ids = [
      'quote-panel',
      'candles-panel',
      'price-panel',
      'volume-panel',
      'book-panel',
      'gauge-panel',
      'trades-panel',
    ];
    const d = (window as unknown as { dashboard: { chartPoints(): Record<string, unknown> } }).dashboard;
    return {
      symbols: ids.map((id) => document.getElementById(id)?.dataset.symbol),
      quote: document.getElementById('quote-panel')?.textContent,
      book: document.getElementById('book-panel')?.textContent,
      gauge: document.getElementById('gauge-panel')?.dataset.value,
      trades: document.getElementById('trades-panel')?.textContent,
      charts: d.chartPoints(),
    };
  });
}

describe('dashboard page in Chromium', { skip: SKIP, timeout: 180_000 }, () => {
  before(async () => {
    market = await startMarketFixture({ symbols: 45, start: START, stepMs: 250 });
    await market.pump(3_000); // ~12.5 simulated minutes
    dashboard = await startDashboard({
      port: 0,
      client: market.client,
      tables: market.tables,
      now: market.now,
      stream: STREAM,
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await browser?.close();
    await dashboard?.stop();
    await market?.stop();
  });

  it('loads the symbol of the URL with the quotes table’s last price and charts with points', async () => {
    await page.goto(`${dashboard.url}?symbol=FPT`);
    await page.waitForFunction(() => document.getElementById('last-price')?.dataset.value !== undefined);
    await page.waitForFunction(() => document.getElementById('quote-panel')?.dataset.symbol === 'FPT');
    const stored = await storedQuote('FPT');
    assert.equal(await text('#q-symbol'), 'FPT');
    assert.equal(await page.locator('#last-price').getAttribute('data-value'), String(stored.lastPrice));
    assert.equal(await text('#last-price'), vnd(stored.lastPrice));
    assert.equal(await text('#q-volume'), vnd(stored.totalVolume));
    const charts = (await panels()).charts as { candles: number; price: number; volume: number };
    assert.ok(charts.candles >= 5, `candles: ${charts.candles}`);
    assert.ok(charts.price >= 5, `price points: ${charts.price}`);
    assert.ok(charts.volume >= 5, `volume points: ${charts.volume}`);
    assert.equal((await page.locator('#candles-chart canvas').count()) > 0, true);
    // Market-wide panels.
    assert.equal(await page.locator('#indices .index-card').count(), 6);
    assert.notEqual(await text('[data-index="VNINDEX"] .index-value'), '—');
    assert.ok(
      (await page.locator('#gainers tr.mover').count()) + (await page.locator('#losers tr.mover').count()) >
        0,
    );
    assert.ok((await page.locator('#most-traded tr.mover').count()) > 0);
    await page.waitForFunction(() => document.getElementById('status')?.dataset.feed === 'live');
    assert.match(await text('#status-text'), /Market open/);
    assert.match(await text('#clock-time'), /^10:\d\d:\d\d ICT$/);
  });

  it('shows a live update without reloading', async () => {
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
    });
    const before = await storedQuote('FPT');
    const quoteEvents = await page.evaluate(
      () =>
        (window as unknown as { dashboard: { state: { events: Record<string, number> } } }).dashboard.state
          .events.quote ?? 0,
    );
    await market.pump(800);
    const after = await storedQuote('FPT');
    assert.ok((after.totalVolume ?? 0) > (before.totalVolume ?? 0), 'FPT traded during the pump');
    await page.waitForFunction(
      (expected) => document.getElementById('q-volume')?.textContent === expected,
      vnd(after.totalVolume),
      { timeout: 5_000 },
    );
    assert.equal(await page.locator('#last-price').getAttribute('data-value'), String(after.lastPrice));
    const state = await page.evaluate(() => ({
      marker: (window as unknown as { marker?: number }).marker,
      quotes: (window as unknown as { dashboard: { state: { events: Record<string, number> } } }).dashboard
        .state.events.quote,
    }));
    assert.equal(state.marker, 42, 'the page was not reloaded');
    assert.ok(state.quotes > quoteEvents);
  });

  it('changes every symbol panel when another symbol is picked', async () => {
    const fpt = await panels();
    await page.locator('#symbol-input').fill('vcb');
    await page.locator('#symbol-results li[data-symbol="VCB"]').click();
    await page.waitForFunction(() => document.getElementById('trades-panel')?.dataset.symbol === 'VCB');
    const vcb = await panels();
    assert.deepEqual(vcb.symbols, Array(7).fill('VCB'));
    assert.notEqual(vcb.quote, fpt.quote);
    assert.notEqual(vcb.book, fpt.book);
    assert.notEqual(vcb.trades, fpt.trades);
    assert.notDeepEqual(vcb.charts, fpt.charts);
    assert.match(page.url(), /\?symbol=VCB$/);
    const stored = await storedQuote('VCB');
    assert.equal(await text('#q-symbol'), 'VCB');
    assert.equal(await page.locator('#last-price').getAttribute('data-value'), String(stored.lastPrice));
    const bids = stored.bids.map((l) => l.volume ?? 0).reduce((a, b) => a + b, 0);
    const offers = stored.offers.map((l) => l.volume ?? 0).reduce((a, b) => a + b, 0);
    assert.equal(Number(vcb.gauge), bids / (bids + offers));
    const firstBid = await page.locator('#book-body tr.book-bid').first().textContent();
    assert.match(firstBid ?? '', new RegExp(`Bid 1${vnd(stored.bids[0].price)}`));
  });

  it('names close matches for an unknown symbol and keeps the current one', async () => {
    await page.locator('#symbol-input').fill('VCBB');
    await page.locator('#symbol-input').press('Enter');
    await page.waitForFunction(() => !document.getElementById('notice')?.hidden);
    assert.match(await text('#notice'), /unknown symbol VCBB; did you mean VCB,/);
    assert.equal(await text('#q-symbol'), 'VCB');
  });

  it('keeps working across a restart of the server and re-fetches the state', async () => {
    const port = dashboard.port;
    await dashboard.stop();
    await page.waitForFunction(() => /lost/.test(document.getElementById('status-text')?.textContent ?? ''));
    await market.pump(800); // data moves on while the page is disconnected
    const moved = await storedQuote('VCB');
    dashboard = await startDashboard({
      port,
      client: market.client,
      tables: market.tables,
      now: market.now,
      stream: STREAM,
    });
    await page.waitForFunction(
      (expected) => document.getElementById('q-volume')?.textContent === expected,
      vnd(moved.totalVolume),
      { timeout: 10_000 },
    );
    await page.waitForFunction(() => document.getElementById('status')?.dataset.feed === 'live');
    assert.doesNotMatch(await text('#status-text'), /lost/);
  });

  it('renders without page errors and saves a screenshot', async () => {
    mkdirSync('test-artifacts', { recursive: true });
    await page.goto(`${dashboard.url}?symbol=FPT`); // a shared link shows its symbol
    await page.waitForFunction(() => document.getElementById('trades-panel')?.dataset.symbol === 'FPT');
    await page.waitForFunction(() => document.getElementById('status')?.dataset.feed === 'live');
    await page.waitForTimeout(300);
    assert.match((await text('#clock-time')) ?? '', /^10:\d\d:\d\d ICT$/);
    assert.match((await text('#status-age')) ?? '', /last update \d+ s ago/);
    await page.screenshot({ path: ARTIFACT, fullPage: true });
    assert.ok(existsSync(ARTIFACT));
    assert.deepEqual(pageErrors, []);
  });
});
