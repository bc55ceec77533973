import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quoteFromFrame } from '../../../core/derive/quotes.ts';
import { emptyCounters, SymbolTracker } from '../../../core/derive/symbol-tracker.ts';
import type { StockFrame } from '../../../core/iboard/types.ts';
import { tradeSortKey } from '../../../core/tables.ts';
import { stockFrame, T0 } from '../../support/frames.ts';

function run(frames: StockFrame[], previous?: ReturnType<typeof quoteFromFrame>) {
  const tracker = new SymbolTracker('FPT', previous);
  const counters = emptyCounters();
  for (const [i, frame] of frames.entries()) tracker.apply(frame, T0 + 5_000_000, i, counters);
  return { tracker, counters };
}

const f = (t: number, totalVolume: number | undefined, extra: Partial<StockFrame> = {}) =>
  stockFrame({
    symbol: 'FPT',
    serverTime: T0 + t,
    totalVolume,
    totalValue: totalVolume === undefined ? undefined : totalVolume * 76_000,
    ...extra,
  });

describe('SymbolTracker', () => {
  it('makes no trade from the first frame when there is no previous state', () => {
    const { tracker, counters } = run([f(0, 1000)]);
    assert.deepEqual(tracker.trades, []);
    assert.equal(counters['first-seen'], 1);
    assert.equal(tracker.quote()?.totalVolume, 1000);
  });

  it('makes one trade per growth of the cumulative volume, with its quantity, price, value and key', () => {
    const { tracker } = run([
      f(0, 1000),
      f(1000, 1000, { bids: [] }),
      f(2000, 1500, { lastPrice: 76_500, totalValue: 1000 * 76_000 + 500 * 76_500 }),
      f(3000, 1700, { lastPrice: 76_300, totalValue: 1000 * 76_000 + 500 * 76_500 + 200 * 76_300 }),
    ]);
    assert.deepEqual(
      tracker.trades.map((t) => [t.time - T0, t.quantity, t.price, t.value, t.cumVolume, t.sk]),
      [
        [2000, 500, 76_500, 500 * 76_500, 1500, tradeSortKey(T0 + 2000, 1500)],
        [3000, 200, 76_300, 200 * 76_300, 1700, tradeSortKey(T0 + 3000, 1700)],
      ],
    );
    assert.equal(tracker.trades[0].tradingDate, '2026-04-14');
    assert.equal(tracker.firstRecord, 0);
  });

  it('measures the first frame against the previous state', () => {
    const previous = quoteFromFrame(f(-1000, 800), T0 - 1000, T0 - 700);
    const { tracker } = run([f(0, 1000)], previous);
    assert.deepEqual(
      tracker.trades.map((t) => t.quantity),
      [200],
    );
  });

  it('starts over without a negative trade when the volume goes down, and counts it', () => {
    const { tracker, counters } = run([f(0, 1000), f(1000, 300), f(2000, 400)]);
    assert.deepEqual(
      tracker.trades.map((t) => t.quantity),
      [100],
    );
    assert.equal(counters['volume-decreased'], 1);
  });

  it('starts over on a new trading date instead of measuring against yesterday', () => {
    const yesterday = quoteFromFrame(f(-86_400_000, 5_000_000), T0 - 86_400_000, T0 - 86_400_000);
    const { tracker, counters } = run([f(0, 6_000_000), f(1000, 6_000_100)], yesterday);
    assert.deepEqual(
      tracker.trades.map((t) => t.quantity),
      [100],
    );
    assert.equal(counters['new-day'], 1);
  });

  it('skips frames not newer than the state as stale (a replay)', () => {
    const previous = quoteFromFrame(f(2000, 1500), T0 + 2000, T0 + 2300);
    const { tracker, counters } = run([f(0, 1000), f(1000, 1200), f(2000, 1500), f(3000, 1600)], previous);
    assert.equal(counters.stale, 2);
    assert.equal(tracker.firstRecord, 2, 'the first applied frame is the equal-version one');
    assert.deepEqual(
      tracker.trades.map((t) => t.quantity),
      [100],
    );
  });

  it('returns no quote when every frame was stale', () => {
    const previous = quoteFromFrame(f(5000, 1500), T0 + 5000, T0 + 5300);
    const { tracker } = run([f(0, 1000)], previous);
    assert.equal(tracker.quote(), undefined);
    assert.equal(tracker.firstRecord, -1);
  });

  it('flags impossible prices on the trade without dropping it', () => {
    const { tracker, counters } = run([
      f(0, 1000),
      f(1000, 1100, { lastPrice: 76_450 }),
      f(2000, 1200, { lastPrice: 90_000 }),
      f(3000, 1300, { lastPrice: undefined }),
      f(4000, 1400, { lastPrice: 76_400 }),
    ]);
    assert.deepEqual(
      tracker.trades.map((t) => t.flags),
      [['off-tick'], ['above-ceiling'], ['no-price'], undefined],
    );
    assert.equal(counters['flagged-price'], 3);
  });

  it('leaves the value out and flags it when the cumulative value goes down', () => {
    const { tracker } = run([f(0, 1000), f(1000, 1100, { totalValue: 1 })]);
    assert.equal(tracker.trades[0].value, undefined);
    assert.deepEqual(tracker.trades[0].flags, ['value-decreased']);
  });

  it('takes the quote from the last applied frame, field for field', () => {
    const last = f(3000, 1700, { lastPrice: 76_300, high: 77_200, foreignRoom: 276_457_777 });
    const { tracker } = run([f(0, 1000), last]);
    const quote = tracker.quote()!;
    assert.equal(quote.time, T0 + 3000);
    assert.equal(quote.lastPrice, 76_300);
    assert.equal(quote.high, 77_200);
    assert.equal(quote.foreignRoom, 276_457_777);
    assert.deepEqual(quote.bids, last.bids.slice(0, 3));
    assert.equal(quote.bids.length, 3);
  });

  it('uses the receive time for frames without a server time', () => {
    const tracker = new SymbolTracker('FPT');
    const counters = emptyCounters();
    tracker.apply(f(0, 1000, { serverTime: undefined }), T0 + 10, 0, counters);
    tracker.apply(f(0, 1100, { serverTime: undefined }), T0 + 20, 0, counters);
    assert.equal(tracker.trades[0].time, T0 + 20);
  });
});
