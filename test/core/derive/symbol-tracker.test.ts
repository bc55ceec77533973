import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quoteFromFrame } from '../../../core/derive/quotes.ts';
import {
  CONFIRM_AFTER_MS,
  emptyCounters,
  type FrameSource,
  SymbolTracker,
} from '../../../core/derive/symbol-tracker.ts';
import type { QuoteRow, TradeRow } from '../../../core/derive/types.ts';
import { parseFrame } from '../../../core/iboard/parse-frame.ts';
import type { StockFrame } from '../../../core/iboard/types.ts';
import { tradeSortKey } from '../../../core/tables.ts';
import { stockFrame, T0 } from '../../support/frames.ts';

type Fed = { frame: StockFrame; source?: Partial<FrameSource> };

function run(frames: (StockFrame | Fed)[], previous?: QuoteRow) {
  const tracker = new SymbolTracker('FPT', previous);
  const counters = emptyCounters();
  for (const [i, item] of frames.entries()) {
    const { frame, source } = 'frame' in item ? item : { frame: item, source: undefined };
    tracker.apply(frame, { receivedAt: T0 + 5_000_000, connectionId: 'c1', ...source }, i, counters);
  }
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
const on = (connectionId: string, frame: StockFrame): Fed => ({ frame, source: { connectionId } });

const sum = (rows: readonly TradeRow[]) => rows.reduce((total, r) => total + r.quantity, 0);
const valueSum = (rows: readonly TradeRow[]) => rows.reduce((total, r) => total + (r.value ?? 0), 0);
const kinds = (rows: readonly TradeRow[]) => rows.map((r) => [r.kind, r.quantity]);

/** The real FPT frame of 2026-04-14 (the spec's example; session.jsonl fixture), seen mid-session. */
const REAL_FPT =
  'MAIN|S#FPT|76300|11800|||||||||||||||||||76400|61200|||||||||||||||||||76400|1000|77200|hose|76200|76679.65|81543|6246588100|1375466|105425698200|400|0.53|3733300|286268130000||||81300|70700|76000||||276457777|s|N|||||1703507121|||77000|||||||||||||||||||||77000|93100|1000|1.32|1776132899614|1776148328137';

describe('SymbolTracker: rows add up to the exchange total', () => {
  it('accounts a mid-session start as the opening auction plus pre-existing volume (the real FPT frame)', () => {
    const frame = parseFrame(REAL_FPT);
    assert.equal(frame.kind, 'stock');
    const { tracker, counters } = run([frame as StockFrame]);
    const [opening, before] = tracker.trades;
    assert.deepEqual(kinds(tracker.trades), [
      ['opening', 93_100],
      ['pre-existing', 3_733_300 - 93_100],
    ]);
    assert.equal(opening.time, 1776132899614, 'the auction time, field 100');
    assert.equal(opening.price, 77_000);
    assert.equal(opening.value, 77_000 * 93_100);
    assert.equal(before.time, 1776148328137);
    assert.equal(sum(tracker.trades), 3_733_300);
    assert.equal(valueSum(tracker.trades), 286_268_130_000);
    assert.ok(
      before.price! > 76_200 && before.price! < 77_200,
      `average ${before.price} within the day range`,
    );
    assert.ok(opening.sk < before.sk);
    assert.equal(counters['first-seen'], 1);
    assert.deepEqual(tracker.quote()?.checkpoint?.volume, 3_733_300);
  });

  it('makes the opening row from the first growth when it saw the session before the auction', () => {
    const auction = {
      openingAuctionVolume: 90_000,
      openingAuctionPrice: 77_000,
      openingAuctionTime: T0 - 100,
    };
    const { tracker } = run([
      f(-900_000, 0),
      f(1000, 90_000, { ...auction, totalValue: 90_000 * 77_000 }),
      f(2000, 90_500, { ...auction, lastPrice: 77_100, totalValue: 90_000 * 77_000 + 500 * 77_100 }),
    ]);
    assert.deepEqual(kinds(tracker.trades), [
      ['opening', 90_000],
      ['trade', 500],
    ]);
    assert.equal(tracker.trades[1].price, 77_100);
    assert.equal(tracker.trades[1].value, 500 * 77_100);
  });

  it("takes no opening row from a frame that still carries another day's auction", () => {
    const yesterday = {
      openingAuctionVolume: 50_000,
      openingAuctionPrice: 75_000,
      openingAuctionTime: T0 - 86_400_000,
    };
    const { tracker } = run([f(0, 60_000, yesterday)]);
    assert.deepEqual(kinds(tracker.trades), [['pre-existing', 60_000]]);
  });

  it('makes one trade per growth between consecutive frames of one connection', () => {
    const { tracker } = run([
      f(0, 1000),
      f(1000, 1000, { bids: [] }),
      f(2000, 1500, { lastPrice: 76_500, totalValue: 1000 * 76_000 + 500 * 76_500 }),
      f(3000, 1700, { lastPrice: 76_300, totalValue: 1000 * 76_000 + 500 * 76_500 + 200 * 76_300 }),
    ]);
    assert.deepEqual(
      tracker.trades.map((t) => [t.kind, t.time - T0, t.quantity, t.price, t.value, t.cumVolume, t.sk]),
      [
        ['pre-existing', 0, 1000, 76_000, 1000 * 76_000, 1000, tradeSortKey(T0, 1000)],
        ['trade', 2000, 500, 76_500, 500 * 76_500, 1500, tradeSortKey(T0 + 2000, 1500)],
        ['trade', 3000, 200, 76_300, 200 * 76_300, 1700, tradeSortKey(T0 + 3000, 1700)],
      ],
    );
    assert.equal(tracker.trades[1].tradingDate, '2026-04-14');
  });

  it('names growth across a reconnect a gap, with the time of the frame before it', () => {
    const { tracker, counters } = run([
      on('c1', f(0, 1000)),
      on('c1', f(1000, 1100)),
      on('c2', f(300_000, 401_100, { totalValue: 401_100 * 76_000 })),
      on('c2', f(301_000, 401_200)),
    ]);
    assert.deepEqual(kinds(tracker.trades), [
      ['pre-existing', 1000],
      ['trade', 100],
      ['gap', 400_000],
      ['trade', 100],
    ]);
    assert.equal(tracker.trades[2].gapStart, T0 + 1000);
    assert.equal(counters.gap, 1);
    assert.equal(sum(tracker.trades), 401_200);
  });

  it('names growth after a lost frame a gap, and after a polled snapshot', () => {
    const lost = new SymbolTracker('FPT');
    const counters = emptyCounters();
    const source = { receivedAt: T0, connectionId: 'c1' };
    lost.apply(f(0, 1000), source, 0, counters);
    lost.markLost('c2', 1); // another connection's loss: nothing to c1
    lost.apply(f(500, 1200), source, 1, counters);
    lost.markLost('c1', 1);
    lost.apply(f(1000, 1500), source, 1, counters);
    lost.apply(f(2000, 1600), source, 2, counters);
    assert.deepEqual(kinds(lost.trades), [
      ['pre-existing', 1000],
      ['trade', 200],
      ['gap', 300],
      ['trade', 100],
    ]);
    const { tracker } = run([f(0, 1000, { polled: true }), f(5000, 1200, { polled: true })]);
    assert.deepEqual(kinds(tracker.trades), [
      ['pre-existing', 1000],
      ['gap', 200],
    ]);
  });

  it('ignores a late frame of an overlapping connection whose clock runs 2 s ahead', () => {
    // c2 is the old task's connection during a deploy: its frames arrive late, stamped by a server 2 s ahead.
    const { tracker, counters } = run([
      on('c1', f(0, 1000)),
      on('c1', f(1000, 1500)),
      on('c2', f(2500, 1200)), // sent before c1's 1500 (real time 0.5 s), clock +2 s
      on('c1', f(1500, 1600)), // c1 goes on, its clock behind c2's
      on('c2', f(3200, 1550)), // c2 again, still behind in volume
      on('c1', f(2000, 1700)),
    ]);
    assert.deepEqual(kinds(tracker.trades), [
      ['pre-existing', 1000],
      ['trade', 500],
      ['trade', 100],
      ['trade', 100],
    ]);
    assert.equal(counters['correction-confirmed'], 0);
    assert.equal(sum(tracker.trades), 1700);
  });

  it('keeps the trades of each of two overlapping connections, the other clock 1.5 s ahead', () => {
    // A deploy: connection b joins with a server clock ahead; each connection sees every frame.
    const { tracker } = run([
      on('a', f(0, 1000)),
      on('b', f(1500, 1000)), // b's first frame: the same volume, a book update
      on('a', f(1000, 1100)), // a saw 1000 then 1100: a trade
      on('b', f(2500, 1100)), // b too, nothing new
      on('b', f(3500, 1300)), // b first sees the next growth: b saw 1100 just before, a trade
      on('a', f(2000, 1300)), // stale for a, but what a saw
      on('a', f(3000, 1350)), // a saw 1300 then 1350: a trade
    ]);
    assert.deepEqual(kinds(tracker.trades), [
      ['pre-existing', 1000],
      ['trade', 100],
      ['trade', 200],
      ['trade', 50],
    ]);
  });

  it('counts growth on a connection that had not shown the total as a gap, never twice', () => {
    const { tracker } = run([
      on('c1', f(0, 1000)),
      on('c2', f(1800, 1200)), // c2 clock 2 s ahead, real news
      on('c1', f(100, 1200)), // the same shares seen on c1: nothing new
      on('c1', f(1000, 1300)),
    ]);
    assert.equal(sum(tracker.trades), 1300);
    assert.deepEqual(
      tracker.trades.map((t) => t.kind),
      ['pre-existing', 'gap', 'trade'],
      'c2 had not shown 1000; c1 showed 1200 (a stale frame, but what it saw) just before 1300',
    );
  });

  it('stores a confirmed lower volume as a negative correction (1000, 1500, 1200, 1300 nets 1300)', () => {
    const { tracker, counters } = run([
      f(0, 1000),
      f(1000, 1500),
      f(2000, 1200),
      f(2000 + CONFIRM_AFTER_MS, 1300),
    ]);
    assert.deepEqual(kinds(tracker.trades), [
      ['pre-existing', 1000],
      ['trade', 500],
      ['correction', -300],
      ['gap', 100],
    ]);
    assert.equal(counters['correction-confirmed'], 1);
    assert.equal(sum(tracker.trades), 1300);
    assert.equal(valueSum(tracker.trades), 1300 * 76_000);
    const keys = tracker.trades.map((t) => t.sk);
    assert.deepEqual([...keys].sort(), keys, 'sort keys keep increasing');
  });

  it('drops an unconfirmed lower volume when a later frame is back at or above the total', () => {
    const { tracker, counters } = run([f(0, 1000), f(1000, 1500), on('c2', f(2000, 1200)), f(3000, 1600)]);
    assert.deepEqual(kinds(tracker.trades), [
      ['pre-existing', 1000],
      ['trade', 500],
      ['trade', 100],
    ]);
    assert.equal(counters['correction-dropped'], 1);
    // On the same connection, 1500 → 1200 → 1600 is no clean growth from 1500: a gap.
    const same = run([f(0, 1000), f(1000, 1500), f(2000, 1200), f(3000, 1600)]).tracker;
    assert.deepEqual(kinds(same.trades).at(-1), ['gap', 100]);
  });

  it('keeps a pending lower volume across batches through the stored checkpoint', () => {
    const first = run([f(0, 1000), f(1000, 1500), f(2000, 1200)]);
    const quote = first.tracker.quote()!;
    assert.equal(quote.checkpoint?.pendingVolume, 1200);
    assert.equal(quote.totalVolume, 1500, 'the quote still shows the last applied frame');
    const second = run([f(2000 + CONFIRM_AFTER_MS, 1250)], quote);
    assert.deepEqual(kinds(second.tracker.trades), [
      ['correction', -300],
      ['gap', 50],
    ]);
  });

  it('gives the same rows whatever the batch split, with field 54 empty at the boundary', () => {
    const frames = [f(0, 1000), f(1000, 1200), f(2000, undefined), f(3000, 1300), f(4000, 1450)];
    const whole = run(frames).tracker.trades;
    for (let cut = 1; cut < frames.length; cut++) {
      const first = run(frames.slice(0, cut));
      const second = run(frames.slice(cut), first.tracker.quote());
      assert.deepEqual([...first.tracker.trades, ...second.tracker.trades], whole, `split at ${cut}`);
    }
    assert.deepEqual(kinds(whole), [
      ['pre-existing', 1000],
      ['trade', 200],
      ['trade', 100],
      ['trade', 150],
    ]);
  });

  it('carries the day volume forward on the quote of a frame without field 54', () => {
    const { tracker } = run([f(0, 1000), f(1000, undefined)]);
    const quote = tracker.quote()!;
    assert.equal(quote.time, T0 + 1000);
    assert.equal(quote.totalVolume, 1000);
    assert.equal(quote.checkpoint?.volume, 1000);
  });

  it('starts a new trading day with its own pre-existing row rather than measuring against yesterday', () => {
    const yesterday = run([f(-86_400_000, 5_000_000)]).tracker.quote();
    const { tracker, counters } = run([f(0, 6_000_000), f(1000, 6_000_100)], yesterday);
    assert.deepEqual(kinds(tracker.trades), [
      ['pre-existing', 6_000_000],
      ['trade', 100],
    ]);
    assert.equal(counters['new-day'], 1);
    assert.equal(tracker.trades[0].tradingDate, '2026-04-14');
  });

  it('skips frames already applied (a replay) and makes no rows from them', () => {
    const once = run([f(0, 1000), f(1000, 1200), f(2000, 1500)]);
    const again = run([f(0, 1000), f(1000, 1200), f(2000, 1500), f(3000, 1600)], once.tracker.quote());
    assert.equal(again.counters.stale, 2);
    assert.equal(
      again.tracker.firstRecord,
      2,
      'the frame equal to the checkpoint is applied again (harmless)',
    );
    assert.deepEqual(kinds(again.tracker.trades), [['trade', 100]]);
  });

  it('marks where a retry must start when only a stale frame changed what a connection saw', () => {
    const previous = run([f(2000, 1500)]).tracker.quote();
    const { tracker, counters } = run([f(0, 900), on('c2', f(1500, 1500))], previous);
    assert.equal(counters.stale, 2);
    assert.equal(tracker.firstRecord, 1, "c2's frame: nothing new, but c2 now showed the total");
    assert.deepEqual(tracker.quote()?.checkpoint?.seen?.c2, { volume: 1500, time: T0 + 1500 });
  });

  it('returns no quote when every frame was stale', () => {
    const previous = run([f(20_000, 1500)]).tracker.quote();
    const { tracker } = run([f(0, 1000)], previous);
    assert.equal(tracker.quote(), undefined);
    assert.equal(tracker.firstRecord, -1);
  });

  it('does not let a frame without a server time make later frames stale', () => {
    const { tracker } = run([
      f(0, 1000),
      { frame: f(0, 1100, { serverTime: undefined }), source: { receivedAt: T0 + 60_000 } },
      f(1000, 1200),
    ]);
    assert.deepEqual(kinds(tracker.trades), [
      ['pre-existing', 1000],
      ['trade', 100],
      ['trade', 100],
    ]);
    assert.equal(tracker.trades[1].time, T0 + 60_000, 'dated by its receive time');
    assert.equal(tracker.trades[2].time, T0 + 60_000, 'never before the previous row');
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
      tracker.trades.slice(1).map((t) => t.flags),
      [['off-tick'], ['above-ceiling'], ['no-price'], undefined],
    );
    assert.equal(counters['flagged-price'], 3);
  });

  it('keeps a falling cumulative value in the row (the sum stays exact) and flags it', () => {
    const { tracker } = run([f(0, 1000), f(1000, 1100, { totalValue: 1 })]);
    assert.equal(tracker.trades[1].value, 1 - 1000 * 76_000);
    assert.deepEqual(tracker.trades[1].flags, ['value-decreased']);
    assert.equal(valueSum(tracker.trades), 1);
  });

  it('puts the day high/low on a trade when they moved between two frames of the minute', () => {
    const { tracker } = run([
      f(0, 1000, { high: 77_000, low: 76_000 }),
      f(10_000, 1100, { high: 77_500, low: 76_000 }),
      f(20_000, 1200, { high: 77_500, low: 75_800 }),
      f(25_000, 1300, { high: 90_000, low: 75_800 }), // above the ceiling: not taken
    ]);
    assert.deepEqual(
      tracker.trades.map((t) => [t.dayHigh, t.dayLow]),
      [
        [undefined, undefined],
        [77_500, undefined],
        [undefined, 75_800],
        [undefined, undefined],
      ],
    );
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
  });

  it('continues from a quote stored before checkpoints existed (its connection unknown: a gap)', () => {
    const legacy = quoteFromFrame(f(-1000, 800), T0 - 1000, T0 - 700);
    const { tracker } = run([f(0, 1000)], legacy);
    assert.deepEqual(kinds(tracker.trades), [['gap', 200]]);
  });

  it('derives a VN30 futures contract like a stock (the real frame of the spec, then a trade)', () => {
    const raw =
      'MAIN|S#41I1F8000|1717.9|1|1717.8|55|1717.7|10|1717.6|9|1717.5|23|1717.4|15|1717.3|27|1717.2|13|1717.1|37|1717|84|1718.1|2|1718.3|7|1718.4|5|1718.5|55|1718.6|11|1718.8|15|1718.9|31|1719|33|1719.2|61|1719.3|18|1718|1|1732.2|vnf|1710|1719.91|3264|561391850000|3490|600494840000|-1.5|-0.09|172480|29665063450000|16931|8494|56214|1839.8|1599.2|1719.5|21/08/2025||||f|N|20250821||VN30|0||||1722|||||||||||||||||||||1722|1687|2.5|0.15|1754531999939|1754547232540';
    const first = parseFrame(raw) as StockFrame;
    const next = {
      ...first,
      serverTime: first.serverTime! + 1000,
      totalVolume: 172_490,
      totalValue: 29_665_080_630_000,
      lastPrice: 1718,
    };
    const tracker = new SymbolTracker('41I1F8000');
    const counters = emptyCounters();
    tracker.apply(first, { receivedAt: first.serverTime!, connectionId: 'c1' }, 0, counters);
    tracker.apply(next, { receivedAt: next.serverTime!, connectionId: 'c1' }, 1, counters);
    assert.deepEqual(kinds(tracker.trades), [
      ['opening', 1687],
      ['pre-existing', 172_480 - 1687],
      ['trade', 10],
    ]);
    assert.equal(tracker.trades[2].price, 1718);
    assert.equal(tracker.trades[2].flags, undefined, 'index points are not checked against stock ticks');
    assert.equal(sum(tracker.trades), 172_490);
  });
});
