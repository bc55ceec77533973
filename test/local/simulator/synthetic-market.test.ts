import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFrame } from '../../../core/iboard/parse-frame.ts';
import type { IndexFrame, StockFrame } from '../../../core/iboard/types.ts';
import { BOARD_LOT, validatePrice } from '../../../core/market/price-rules.ts';
import { SyntheticMarket } from '../../../local/simulator/synthetic-market.ts';
import { VN30 } from '../../../local/simulator/universe.ts';

/** A clock that moves 1 ms per reading from a fixed instant: frames become fully reproducible. */
function steppingClock(startIso: string): () => number {
  let t = Date.parse(startIso);
  return () => t++;
}

function stock(raw: string): StockFrame {
  const frame = parseFrame(raw);
  assert.equal(frame.kind, 'stock', `not a stock frame: ${raw.slice(0, 200)}`);
  return frame as StockFrame;
}

describe('SyntheticMarket determinism', () => {
  it('produces the same frames for the same seed and clock', () => {
    const draw = (seed: number) => {
      const market = new SyntheticMarket({
        seed,
        symbols: 200,
        clock: steppingClock('2026-04-14T03:00:00Z'),
      });
      return Array.from({ length: 3000 }, () => market.nextFrame()?.raw);
    };
    assert.deepEqual(draw(7), draw(7));
    assert.notDeepEqual(draw(7), draw(8));
  });

  it('chooses the same instruments for the same seed', () => {
    const a = new SyntheticMarket({ seed: 'x', symbols: 100 }).instruments.map(
      (i) => `${i.symbol}:${i.basePrice}`,
    );
    const b = new SyntheticMarket({ seed: 'x', symbols: 100 }).instruments.map(
      (i) => `${i.symbol}:${i.basePrice}`,
    );
    assert.deepEqual(a, b);
  });
});

describe('SyntheticMarket invariants over 100k frames (whole market, continuous trading)', () => {
  const market = new SyntheticMarket({ seed: 42 });
  const previous = new Map<string, StockFrame>();
  const frameCounts = new Map<string, number>();
  let trades = 0;
  const failures: string[] = [];
  const fail = (message: string) => failures.length < 10 && failures.push(message);
  const FRAMES = 100_000;
  for (let n = 0; n < FRAMES; n++) {
    const generated = market.nextFrame();
    assert.ok(generated);
    const f = stock(generated.raw);
    frameCounts.set(f.symbol, (frameCounts.get(f.symbol) ?? 0) + 1);
    const exchange = f.exchange as 'hose' | 'hnx' | 'upcom';
    const limits = { exchange, ceiling: f.ceiling, floor: f.floor };
    const prices = [
      f.lastPrice,
      f.high,
      f.low,
      f.openPrice,
      ...f.bids.map((l) => l.price),
      ...f.offers.map((l) => l.price),
    ];
    for (const price of prices) {
      if (price === undefined) continue;
      const reason = validatePrice(price, limits);
      if (reason) fail(`${f.symbol} price ${price} ${reason} (${f.floor}..${f.ceiling})`);
    }
    const bid = f.bids[0].price;
    const offer = f.offers[0].price;
    if (bid !== undefined && offer !== undefined && !(bid < offer))
      fail(`${f.symbol} crossed book ${bid} >= ${offer}`);
    if (f.fieldCount !== 102 || f.serverTime === undefined) fail(`${f.symbol} not a full V2 snapshot`);
    const before = previous.get(f.symbol);
    const volumeBefore = before?.totalVolume ?? 0;
    const valueBefore = before?.totalValue ?? 0;
    const grew = (f.totalVolume ?? 0) - volumeBefore;
    if (grew < 0 || (f.totalValue ?? 0) < valueBefore) fail(`${f.symbol} cumulative volume/value went down`);
    if (grew > 0) {
      trades++;
      if (!generated.traded) fail(`${f.symbol} volume grew on a frame not flagged as a trade`);
      if (grew !== f.lastVolume) fail(`${f.symbol} volume grew by ${grew}, last volume ${f.lastVolume}`);
      if (grew % BOARD_LOT !== 0) fail(`${f.symbol} quantity ${grew} is not whole lots`);
      const valueGrew = (f.totalValue ?? 0) - valueBefore;
      if (valueGrew !== grew * (f.lastPrice ?? 0))
        fail(`${f.symbol} value grew by ${valueGrew} != ${grew} x ${f.lastPrice}`);
    } else if (generated.traded) {
      fail(`${f.symbol} flagged as trade without volume`);
    }
    if (f.lastPrice !== undefined && f.change !== f.lastPrice - (f.reference ?? 0))
      fail(`${f.symbol} change mismatch`);
    previous.set(f.symbol, f);
  }

  it('keeps prices on the tick grid inside ceiling/floor and bid < offer', () => {
    assert.deepEqual(failures, []);
  });

  it('has cumulative volume and value only growing, by quantity x price, in whole lots', () => {
    assert.deepEqual(failures, []);
    assert.ok(trades > 0);
  });

  it('sends mostly book-only frames and a minority of trades', () => {
    const share = trades / FRAMES;
    assert.ok(share > 0.1 && share < 0.3, `trade share ${share}`);
  });

  it('concentrates activity in a few large caps', () => {
    const counts = [...frameCounts.entries()].sort((a, b) => b[1] - a[1]);
    const top = counts
      .slice(0, Math.ceil(market.instruments.length * 0.05))
      .reduce((sum, [, c]) => sum + c, 0);
    assert.ok(top / FRAMES > 0.4, `top 5% of symbols carry ${top / FRAMES}`);
    assert.ok(VN30.includes(counts[0][0]), `most active is ${counts[0][0]}`);
    assert.ok(market.instruments.length > 1600, 'whole market by default');
  });

  it('agrees with its ledger: every trade, final cumulative volume and value', () => {
    let ledgerTrades = 0;
    for (const [symbol, last] of previous) {
      const totals = market.ledger.totals(symbol);
      assert.equal(totals.volume, last.totalVolume ?? 0, symbol);
      assert.equal(totals.value, last.totalValue ?? 0, symbol);
      const list = market.ledger.trades(symbol);
      ledgerTrades += list.length;
      assert.equal(
        list.reduce((sum, t) => sum + t.quantity, 0),
        totals.volume,
      );
      if (list.length > 0) assert.equal(list.at(-1)?.cumulativeVolume, last.totalVolume);
    }
    assert.equal(ledgerTrades, trades);
    assert.equal(market.ledger.framesGenerated, FRAMES);
  });

  it('moves index values with their constituents', () => {
    const frames = market.indexFrames().map((f) => parseFrame(f.raw) as IndexFrame);
    const vn30 = frames.find((f) => f.indexId === 'VN30');
    assert.ok(vn30 && vn30.kind === 'index');
    const members = market.instruments.filter((i) => i.exchange === 'hose' && VN30.includes(i.symbol));
    let capNow = 0;
    let capRef = 0;
    for (const i of members) {
      const f = previous.get(i.symbol);
      assert.ok(f, i.symbol);
      capNow += i.listedShares * (f.lastPrice ?? f.reference ?? 0);
      capRef += i.listedShares * (f.reference ?? 0);
    }
    const expectedChangePercent = (capNow / capRef - 1) * 100;
    assert.ok(
      Math.abs((vn30.changePercent ?? 0) - expectedChangePercent) < 0.011,
      `${vn30.changePercent} vs ${expectedChangePercent}`,
    );
    assert.equal(vn30.advances! + vn30.declines! + vn30.unchanged!, members.length);
    assert.deepEqual(frames.map((f) => f.indexId).sort(), [
      'HNX30',
      'HNXIndex',
      'HNXUpcomIndex',
      'VN30',
      'VNINDEX',
      'VNXALL',
    ]);
  });
});

describe('SyntheticMarket driven by a clock', () => {
  const ict = (date: string, time: string) => Date.parse(`${date}T${time}+07:00`);

  function marketAt(start: number) {
    let now = start;
    const market = new SyntheticMarket({ seed: 3, symbols: 120, clock: () => now });
    return { market, set: (t: number) => (now = t) };
  }

  function drain(market: SyntheticMarket, n: number): StockFrame[] {
    const out: StockFrame[] = [];
    for (let i = 0; i < n; i++) {
      const frame = market.nextFrame();
      if (!frame) break;
      out.push(stock(frame.raw));
    }
    return out;
  }

  it('sends nothing before the open, at lunch, after the close and on weekends', () => {
    const { market, set } = marketAt(ict('2026-04-14', '08:30:00'));
    assert.equal(market.nextFrame(), undefined);
    set(ict('2026-04-14', '12:00:00'));
    assert.equal(market.nextFrame(), undefined);
    set(ict('2026-04-14', '15:30:00'));
    assert.equal(market.nextFrame(), undefined);
    set(ict('2026-04-18', '10:00:00'));
    assert.equal(market.nextFrame(), undefined);
    assert.equal(market.isActive(), false);
  });

  it('runs ATO on HOSE without trades, then one opening match per HOSE stock', () => {
    const { market, set } = marketAt(ict('2026-04-14', '09:05:00'));
    assert.equal(market.phase('hose'), 'ATO');
    const ato = drain(market, 2000);
    const hoseDuringAto = ato.filter((f) => f.exchange === 'hose');
    assert.ok(hoseDuringAto.length > 0);
    assert.ok(
      hoseDuringAto.every((f) => f.totalVolume === 0 && f.lastPrice === undefined),
      'no trade during ATO',
    );
    assert.ok(
      hoseDuringAto.some((f) => (f.bids[0].price ?? 0) >= (f.offers[0].price ?? Infinity)),
      'book may cross',
    );
    assert.ok(
      ato.some((f) => f.exchange !== 'hose' && (f.totalVolume ?? 0) > 0),
      'HNX/UPCoM trade continuously',
    );
    set(ict('2026-04-14', '09:15:00'));
    const hoseCount = market.instruments.filter((i) => i.exchange === 'hose').length;
    const opening = drain(market, hoseCount);
    assert.ok(
      opening.every(
        (f) => f.exchange === 'hose' && f.openingAuctionPrice === f.lastPrice && (f.totalVolume ?? 0) > 0,
      ),
    );
    assert.equal(new Set(opening.map((f) => f.symbol)).size, hoseCount);
    assert.ok(
      opening.every((f) => (f.bids[0].price ?? 0) < (f.offers[0].price ?? Infinity)),
      'uncrossed after the match',
    );
  });

  it('closes with ATC matches and rolls the day over to a new reference', () => {
    const { market, set } = marketAt(ict('2026-04-14', '14:00:00'));
    drain(market, 3000);
    set(ict('2026-04-14', '14:35:00'));
    const atc = drain(market, 1000).filter((f) => f.exchange === 'hose' || f.exchange === 'hnx');
    const volumes = new Map(atc.map((f) => [f.symbol, f.totalVolume]));
    set(ict('2026-04-14', '14:45:00'));
    const closing = drain(market, 10_000);
    const matched = closing.filter((f) => (f.totalVolume ?? 0) > (volumes.get(f.symbol) ?? Infinity));
    assert.ok(matched.length > 0, 'closing matches');
    const closes = new Map<string, number>();
    for (const f of closing) if (f.lastPrice !== undefined) closes.set(f.symbol, f.lastPrice);
    set(ict('2026-04-15', '10:00:00'));
    const next = drain(market, 5000);
    const first = next.find((f) => closes.has(f.symbol));
    assert.ok(first);
    assert.equal(first.reference, closes.get(first.symbol));
    assert.ok((first.totalVolume ?? 0) <= (first.lastVolume ?? 0), 'totals restart each day');
    assert.deepEqual(
      market.takeSessionChanges().map((c) => `${c.exchange}:${c.phase}`),
      ['hose:ATC', 'hnx:ATC', 'hose:put-through', 'hnx:put-through', 'hose:continuous', 'hnx:continuous'],
    );
  });

  it('writes V1 frames with stock ids when asked', () => {
    const market = new SyntheticMarket({ seed: 1, symbols: 10, generation: 'v1' });
    const f = stock(market.nextFrame()!.raw);
    assert.equal(f.generation, 'v1');
    assert.match(f.stockId ?? '', /^(hose|hnx|upcom):\d+$/);
    assert.equal(f.serverTime, undefined);
  });
});

describe('SyntheticMarket.correct', () => {
  it('lowers a symbol cumulative volume and value once, keeps them lowered, and tells the ledger', () => {
    const market = new SyntheticMarket({
      seed: 3,
      symbols: ['VCB', 'FPT'],
      clock: steppingClock('2026-04-14T03:00:00Z'),
    });
    for (let i = 0; i < 2000; i++) market.nextFrame();
    const before = market.ledger.totals('FPT');
    const correction = market.correct('FPT', 0.5);
    assert.ok(correction, 'FPT has traded');
    assert.equal(correction.fromVolume, before.volume);
    assert.equal(correction.toVolume % BOARD_LOT, 0);
    assert.ok(correction.toVolume < before.volume && correction.toVolume >= before.volume / 2 - BOARD_LOT);
    assert.ok(correction.toValue < before.value && correction.toValue > 0);
    assert.deepEqual(market.ledger.corrections, [correction]);
    assert.equal(market.ledger.totals('FPT').volume, correction.toVolume);
    let next: StockFrame | undefined;
    while (!next) {
      const frame = market.nextFrame();
      if (frame?.symbol === 'FPT') next = stock(frame.raw);
    }
    assert.ok(
      (next.totalVolume ?? 0) >= correction.toVolume && (next.totalVolume ?? 0) < correction.fromVolume,
    );
    for (let i = 0; i < 2000; i++) market.nextFrame();
    const after = market.ledger.totals('FPT');
    assert.ok(after.volume >= correction.toVolume, 'trades add to the lowered total');
    while (market.ledger.totals('FPT').volume < correction.fromVolume) market.nextFrame();
    assert.ok(
      correction.overtakenAt !== undefined && correction.overtakenAt > correction.time,
      'the market notes when new trades took the volume back to where it was',
    );
    assert.equal(market.correct('NOPE', 0.5), undefined);
    assert.throws(() => market.correct('FPT', 1), /fraction must be within/);
  });
});
