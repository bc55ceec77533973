import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { groupByBar, mergeBar, minuteStart } from '../../../core/derive/bars.ts';
import type { BarRow, TradeRow } from '../../../core/derive/types.ts';
import { tradeSortKey } from '../../../core/tables.ts';
import { T0 } from '../../support/frames.ts';

function trade(time: number, cumVolume: number, quantity: number, price?: number, value?: number): TradeRow {
  return {
    symbol: 'FPT',
    tradingDate: '2026-04-14',
    time,
    kind: 'trade',
    quantity,
    cumVolume,
    sk: tradeSortKey(time, cumVolume),
    ...(price === undefined ? {} : { price }),
    ...(value === undefined ? {} : { value }),
  };
}

/** Trades of one symbol in increasing sort-key order over a few minutes. */
const tradesArb = fc
  .array(
    fc.record({
      gap: fc.integer({ min: 0, max: 40_000 }),
      quantity: fc.integer({ min: 1, max: 50 }).map((n) => n * 100),
      price: fc.option(
        fc.integer({ min: 700, max: 810 }).map((n) => n * 100),
        { nil: undefined },
      ),
    }),
    { minLength: 1, maxLength: 60 },
  )
  .map((steps) => {
    let time = T0;
    let cum = 1000;
    return steps.map((s) => {
      time += s.gap;
      cum += s.quantity;
      return trade(time, cum, s.quantity, s.price, s.price === undefined ? undefined : s.quantity * s.price);
    });
  });

function mergeAll(trades: readonly TradeRow[], chunks: readonly number[]): Map<string, BarRow> {
  const bars = new Map<string, BarRow>();
  let at = 0;
  for (const size of [...chunks, trades.length]) {
    const chunk = trades.slice(at, at + size);
    at += chunk.length;
    for (const group of groupByBar(chunk)) {
      const merged = mergeBar(bars.get(group.id), group.key, group.trades);
      if (merged) bars.set(group.id, merged);
    }
    if (at >= trades.length) break;
  }
  return bars;
}

describe('bars', () => {
  it('computes OHLCV, value and trade count of a minute', () => {
    const trades = [
      trade(T0 + 1_000, 1100, 100, 76_400, 7_640_000),
      trade(T0 + 2_000, 1300, 200, 76_800, 15_360_000),
      trade(T0 + 3_000, 1400, 100, 76_100, 7_610_000),
      trade(T0 + 4_000, 1500, 100, 76_200, 7_620_000),
      trade(T0 + 61_000, 1600, 100, 76_300, 7_630_000),
    ];
    const groups = groupByBar(trades);
    assert.deepEqual(
      groups.map((g) => [g.key.minute, g.trades.length]),
      [
        ['09:30', 4],
        ['09:31', 1],
      ],
    );
    const bar = mergeBar(undefined, groups[0].key, groups[0].trades);
    assert.deepEqual(bar, {
      symbol: 'FPT',
      tradingDate: '2026-04-14',
      minute: '09:30',
      start: minuteStart(T0 + 1_000),
      open: 76_400,
      high: 76_800,
      low: 76_100,
      close: 76_200,
      volume: 500,
      value: 38_230_000,
      trades: 4,
      lastTrade: trades[3].sk,
    });
  });

  it('ignores trades already folded in (same trades twice is a no-op)', () => {
    const trades = [trade(T0 + 1_000, 1100, 100, 76_400), trade(T0 + 2_000, 1300, 200, 76_800)];
    const [group] = groupByBar(trades);
    const once = mergeBar(undefined, group.key, group.trades)!;
    assert.equal(mergeBar(once, group.key, group.trades), undefined);
  });

  it('gives the same bars for any split of the trades into batches, with any prefix replayed', () => {
    fc.assert(
      fc.property(
        tradesArb,
        fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 8 }),
        fc.nat(),
        (trades, chunks, replay) => {
          const whole = mergeAll(trades, []);
          assert.deepEqual(mergeAll(trades, chunks), whole);
          // Re-apply a prefix of the trades to the finished bars: nothing changes.
          const replayed = new Map(whole);
          for (const group of groupByBar(trades.slice(0, replay % (trades.length + 1)))) {
            assert.equal(mergeBar(replayed.get(group.id), group.key, group.trades), undefined);
          }
          // Volume is conserved across the bars.
          const volume = [...whole.values()].reduce((sum, bar) => sum + bar.volume, 0);
          assert.equal(
            volume,
            trades.reduce((sum, t) => sum + t.quantity, 0),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('takes OHLC from trade and opening rows with unflagged prices, other kinds into otherVolume', () => {
    const rows: TradeRow[] = [
      { ...trade(T0 + 500, 1000, 1000, 76_000, 76_000_000), kind: 'pre-existing' },
      trade(T0 + 1_000, 1100, 100, 76_400, 7_640_000),
      { ...trade(T0 + 2_000, 1200, 100, 90_000, 9_000_000), flags: ['above-ceiling'] },
      { ...trade(T0 + 3_000, 1300, 100, 76_500, 7_650_000), dayHigh: 77_000, dayLow: 75_900 },
      { ...trade(T0 + 4_000, 1800, 500, 76_300, 38_150_000), kind: 'gap', gapStart: T0 + 3_000 },
      { ...trade(T0 + 5_000, 1700, -100, undefined, -7_630_000), kind: 'correction' },
    ];
    const [group] = groupByBar(rows);
    const bar = mergeBar(undefined, group.key, group.trades)!;
    assert.deepEqual(
      [bar.open, bar.high, bar.low, bar.close],
      [76_400, 77_000, 75_900, 76_500],
      'the flagged 90,000 is left out; the day high/low between two frames widen the bar',
    );
    assert.equal(bar.volume, 300, 'trade rows, the flagged one included');
    assert.equal(bar.trades, 3);
    assert.equal(bar.otherVolume, 1000 + 500 - 100);
    assert.equal(
      bar.volume + (bar.otherVolume ?? 0),
      rows.reduce((n, r) => n + r.quantity, 0),
      'the bar adds up to the rows',
    );
  });

  it('counts an opening row as a trade of its minute', () => {
    const opening = {
      ...trade(T0 - 900_000, 90_000, 90_000, 77_000, 6_930_000_000),
      kind: 'opening' as const,
    };
    const [group] = groupByBar([opening]);
    const bar = mergeBar(undefined, group.key, group.trades)!;
    assert.deepEqual(
      [bar.minute, bar.open, bar.close, bar.volume, bar.trades],
      ['09:15', 77_000, 77_000, 90_000, 1],
    );
    assert.equal(bar.otherVolume, undefined);
  });
});
