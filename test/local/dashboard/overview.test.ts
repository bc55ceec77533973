import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { quoteFromFrame } from '../../../core/derive/quotes.ts';
import type { StockFrame } from '../../../core/iboard/types.ts';
import { quoteItem } from '../../../functions/transform/sinks/dynamodb-items.ts';
import { perMinute } from '../../../local/dashboard/api.ts';
import { computeOverview } from '../../../local/dashboard/overview.ts';
import { bidShare, type Quote, toQuote } from '../../../local/dashboard/rows.ts';

const DAY = '2026-04-14';
const T0 = Date.parse('2026-04-14T03:00:00Z');

/** A quote as the API returns it, with only what the overview reads set. */
function quote(symbol: string, fields: Partial<Quote> = {}): Quote {
  return {
    ...toQuote({ pk: symbol, symbol, tradingDate: DAY, time: T0, receivedAt: T0 + 300 }),
    ...fields,
  };
}

function mover(symbol: string, changePercent: number, totalValue: number, extra: Partial<Quote> = {}): Quote {
  return quote(symbol, {
    lastPrice: 10_000,
    change: changePercent * 100,
    changePercent,
    totalValue,
    ...extra,
  });
}

describe('computeOverview', () => {
  it('ranks gainers, losers and the most traded, keeping each list to `top`', () => {
    const quotes = [
      mover('AAA', 6.9, 5e9),
      mover('BBB', 2.1, 9e9),
      mover('CCC', -1.5, 1e9),
      mover('DDD', -6.8, 3e9),
      mover('EEE', 0, 7e9),
      mover('FFF', 4.0, 2e9),
    ];
    const overview = computeOverview(quotes, { top: 2 });
    assert.deepEqual(
      overview.gainers.map((r) => r.symbol),
      ['AAA', 'FFF'],
    );
    assert.deepEqual(
      overview.losers.map((r) => r.symbol),
      ['DDD', 'CCC'],
    );
    assert.deepEqual(
      overview.mostTraded.map((r) => r.symbol),
      ['BBB', 'EEE'],
    );
    assert.equal(overview.advances, 3);
    assert.equal(overview.declines, 2);
    assert.equal(overview.unchanged, 1);
    assert.equal(overview.totalValue, 27e9);
    assert.equal(overview.symbols, 6);
    assert.equal(overview.date, DAY);
  });

  it('breaks ties in change % by traded value, then by symbol', () => {
    const overview = computeOverview([mover('ZZZ', 7, 1e9), mover('AAA', 7, 1e9), mover('MMM', 7, 5e9)]);
    assert.deepEqual(
      overview.gainers.map((r) => r.symbol),
      ['MMM', 'AAA', 'ZZZ'],
    );
  });

  it('counts only the latest trading date present', () => {
    const stale = mover('OLD', 9.9, 99e9, { date: '2026-04-13', receivedAt: T0 - 86_400_000 });
    const overview = computeOverview([stale, mover('NEW', 1, 1e9)]);
    assert.equal(overview.date, DAY);
    assert.equal(overview.symbols, 1);
    assert.deepEqual(
      overview.gainers.map((r) => r.symbol),
      ['NEW'],
    );
    assert.deepEqual(
      overview.mostTraded.map((r) => r.symbol),
      ['NEW'],
    );
  });

  it('leaves out of the movers a symbol without a price or change, and of the most traded one without value', () => {
    const untraded = quote('NOP', { changePercent: null, lastPrice: null, totalValue: null });
    const overview = computeOverview([untraded, mover('YES', -2, 0)]);
    assert.deepEqual(overview.gainers, []);
    assert.deepEqual(
      overview.losers.map((r) => r.symbol),
      ['YES'],
    );
    assert.deepEqual(overview.mostTraded, []);
    assert.equal(overview.symbols, 2);
    assert.equal(overview.advances + overview.declines + overview.unchanged, 1);
  });

  it('reports the newest receipt time as the feed heartbeat', () => {
    const overview = computeOverview([
      mover('A', 1, 1, { receivedAt: T0 + 5_000 }),
      mover('B', 1, 1, { receivedAt: null, time: T0 + 9_000 }),
      mover('C', 1, 1, { receivedAt: T0 + 1_000 }),
    ]);
    assert.equal(overview.lastUpdate, T0 + 9_000);
  });

  it('is empty, not failing, on an empty table', () => {
    const overview = computeOverview([]);
    assert.equal(overview.date, null);
    assert.equal(overview.lastUpdate, null);
    assert.deepEqual([overview.gainers, overview.losers, overview.mostTraded], [[], [], []]);
  });
});

describe('toQuote', () => {
  it('maps a quotes item written by the transform, book and bid share included', () => {
    const frame: StockFrame = {
      kind: 'stock',
      generation: 'v2',
      symbol: 'FPT',
      fieldCount: 102,
      bids: [{ price: 76300, volume: 11800 }, { price: 76200, volume: 4000 }, {}],
      offers: [{ price: 76400, volume: 61200 }, { price: 76500, volume: 3000 }, { price: 76600 }],
      lastPrice: 76400,
      change: 400,
      changePercent: 0.53,
      totalVolume: 3733300,
      totalValue: 286268130000,
      ceiling: 81300,
      floor: 70700,
      reference: 76000,
      exchange: 'hose',
      serverTime: 1776148328137,
    };
    const row = quoteFromFrame(frame, 1776148328137, 1776148328400);
    const quote = toQuote(unmarshall(quoteItem(row)));
    assert.equal(quote.symbol, 'FPT');
    assert.equal(quote.date, '2026-04-14');
    assert.equal(quote.lastPrice, 76400);
    assert.equal(quote.totalValue, 286268130000);
    assert.equal(quote.receivedAt, 1776148328400);
    assert.deepEqual(quote.bids, [
      { price: 76300, volume: 11800 },
      { price: 76200, volume: 4000 },
      { price: null, volume: null },
    ]);
    assert.deepEqual(quote.offers[2], { price: 76600, volume: null });
    assert.equal(quote.bidShare, 15800 / (15800 + 64200));
    assert.equal(quote.open, null);
  });
});

describe('bidShare', () => {
  it('is null for an empty book and 1 for a book of bids only', () => {
    const empty = { price: null, volume: null };
    assert.equal(bidShare([empty], [empty]), null);
    assert.equal(bidShare([{ price: 1, volume: 100 }], [empty]), 1);
    assert.equal(bidShare([{ price: 1, volume: 100 }], [{ price: 2, volume: 300 }]), 0.25);
  });
});

describe('perMinute', () => {
  it('keeps the last value of each minute and skips rows without a value', () => {
    const row = (time: number, value: number | null) => ({ ...toIndexValueOf(time), value });
    const points = perMinute([
      row(T0, 1),
      row(T0 + 30_000, 2),
      row(T0 + 61_000, null),
      row(T0 + 65_000, 3),
      row(T0 + 170_000, 4),
    ]);
    assert.deepEqual(points, [
      { time: T0 + 30_000, value: 2 },
      { time: T0 + 65_000, value: 3 },
      { time: T0 + 170_000, value: 4 },
    ]);
  });
});

function toIndexValueOf(time: number) {
  return {
    time,
    value: null,
    change: null,
    changePercent: null,
    totalVolume: null,
    totalValue: null,
    advances: null,
    declines: null,
    unchanged: null,
  };
}
