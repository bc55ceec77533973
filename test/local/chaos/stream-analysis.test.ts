import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyCounters, SymbolTracker } from '../../../core/derive/symbol-tracker.ts';
import { formatStockFrame } from '../../../core/iboard/format-frame.ts';
import { parseFrame, stockSymbolOf } from '../../../core/iboard/parse-frame.ts';
import { createRandom } from '../../../core/random.ts';
import { type Envelope, encodeRecord } from '../../../core/records/index.ts';
import { quotesMatchLedger } from '../../../local/chaos/checks.ts';
import type { TableRows } from '../../../local/chaos/evidence.ts';
import type { LedgerSummary } from '../../../local/chaos/ledger-summary.ts';
import { StreamAnalysis } from '../../../local/chaos/stream-analysis.ts';
import { withExtraField, withJunkField } from '../../../local/simulator/altered.ts';

const T0 = Date.parse('2026-04-14T02:30:00Z');
const PK = 'FPT#2026-04-14';

function stock(totalVolume: number, serverTime: number, symbol = 'FPT'): string {
  return formatStockFrame({
    kind: 'stock',
    generation: 'v2',
    boardId: 'MAIN',
    symbol,
    bids: [{ price: 10_000, volume: 100 }],
    offers: [{ price: 10_100, volume: 200 }],
    lastPrice: 10_050,
    totalVolume,
    serverTime,
    fieldCount: 102,
  });
}

type Sent = { raw: string; connection: string };

/** Frames as one record each, in the order given (stream order). */
function analyse(sent: readonly Sent[]): StreamAnalysis {
  const analysis = new StreamAnalysis({ lastFrames: new Map(), clientOfRaw: new Map() });
  for (const [i, { raw, connection }] of sent.entries()) {
    const envelope: Envelope = { raw, receivedAt: T0 + i, connectionId: connection, seq: i };
    analysis.addRecord({ shardId: 'shardId-0', sequenceNumber: String(i), data: encodeRecord([envelope]) });
  }
  return analysis;
}

const emptyLedger = (): LedgerSummary => ({
  clients: [],
  framesWithoutClients: 0,
  framesGenerated: 0,
  upgradesRejected: {},
  lastFrames: new Map(),
  finalVolumes: new Map(),
  clientOfRaw: new Map(),
  corrections: [],
});

const on = (connection: string, ...frames: [number, number][]): Sent[] =>
  frames.map(([dt, volume]) => ({ raw: stock(volume, T0 + dt), connection }));
const key = (dt: number, cumVolume: number) =>
  `${PK}|${String(T0 + dt).padStart(13, '0')}#${String(cumVolume).padStart(15, '0')}`;

describe('StreamAnalysis: the rows the frames imply', () => {
  it('holds a lower volume pending and confirms it 10 s later as a correction, then a gap', () => {
    const a = analyse(
      on('a', [0, 1000], [1000, 1500], [2000, 1200], [5000, 1250], [12_000, 1300], [13_000, 1400]),
    );
    const fpt = a.symbols.get('FPT');
    assert.deepEqual([...(fpt?.corrections ?? [])], [[key(12_000, 1200), -300]]);
    assert.deepEqual(
      [...(fpt?.trades ?? [])],
      [
        [key(1000, 1500), 500],
        [key(13_000, 1400), 100],
      ],
    );
    assert.equal(fpt?.volume, 1400);
    assert.equal(fpt?.pending, undefined);
  });

  it('drops a pending lower volume when a frame at or above the sum comes before the confirmation', () => {
    const a = analyse(on('a', [0, 1000], [1000, 1500], [2000, 1200], [3000, 1500], [12_500, 1600]));
    const fpt = a.symbols.get('FPT');
    assert.equal(fpt?.corrections.size, 0);
    assert.equal(fpt?.pendingDropped, 1);
    assert.deepEqual([...(fpt?.trades.values() ?? [])], [500, 100]);
  });

  it('keeps a lower volume pending when nothing 10 s later confirms it (the end of a run)', () => {
    const a = analyse(on('a', [0, 1000], [1000, 1500], [2000, 1200], [11_000, 1250]));
    assert.deepEqual(a.symbols.get('FPT')?.pending, { time: T0 + 2000, volume: 1200 });
    assert.equal(a.symbols.get('FPT')?.lastFrameTime, T0 + 11_000);
  });

  it('applies a higher volume up to 5 s behind the clock, as a gap on another connection; older is stale', () => {
    const within = analyse([
      ...on('a', [10_000, 1000]),
      ...on('b', [5500, 1200]),
      ...on('a', [11_000, 1300]),
    ]);
    assert.equal(within.symbols.get('FPT')?.volume, 1300);
    assert.equal(within.symbols.get('FPT')?.trades.size, 0, 'growth after a switch of connection is a gap');
    const beyond = analyse([
      ...on('a', [10_000, 1000]),
      ...on('b', [4000, 1200]),
      ...on('a', [11_000, 1300]),
    ]);
    assert.equal(beyond.symbols.get('FPT')?.stale, 1);
    assert.deepEqual([...(beyond.symbols.get('FPT')?.trades.values() ?? [])], [300]);
  });

  it('applies a frame at the clock with the same volume (a book update), not one before it', () => {
    const same = analyse([...on('a', [0, 1000]), ...on('b', [0, 1000]), ...on('a', [1000, 1100])]);
    assert.equal(same.symbols.get('FPT')?.stale, 0, "b's frame at the clock is applied");
    assert.equal(same.symbols.get('FPT')?.trades.size, 1, 'a showed the sum just before: a trade');
    const older = analyse([...on('a', [0, 1000]), ...on('b', [-1, 1000]), ...on('a', [1000, 1100])]);
    assert.equal(older.symbols.get('FPT')?.stale, 1, "b's frame before the clock is stale");
    assert.equal(older.symbols.get('FPT')?.trades.size, 1);
    const fresh = analyse([...on('a', [0, 1000]), ...on('b', [1000, 1100])]);
    assert.equal(fresh.symbols.get('FPT')?.trades.size, 0, 'b had shown nothing before: a gap');
  });

  it('compares the quote with the last frame applied when the last one sent was stale by the rule', () => {
    const sent = [...on('a', [0, 1000]), ...on('b', [1500, 1000]), ...on('a', [1000, 1000])];
    const analysis = new StreamAnalysis({
      lastFrames: new Map([['FPT', sent[2].raw]]),
      clientOfRaw: new Map(),
    });
    for (const [i, { raw, connection }] of sent.entries()) {
      const envelope: Envelope = { raw, receivedAt: T0 + i, connectionId: connection, seq: i };
      analysis.addRecord({ shardId: 'shardId-0', sequenceNumber: String(i), data: encodeRecord([envelope]) });
    }
    assert.deepEqual([...analysis.lastFramesSkipped], ['FPT']);
    assert.equal(analysis.lastApplied.get('FPT'), sent[1].raw);
    const ledger = { ...emptyLedger(), lastFrames: new Map([['FPT', sent[2].raw]]) };
    const quote = (serverTime: number): TableRows['quotes'][number] => ({
      pk: 'FPT',
      lastPrice: 10_050,
      totalVolume: 1000,
      serverTime,
      bids: [{ price: 10_000, volume: 100 }, {}, {}],
      offers: [{ price: 10_100, volume: 200 }, {}, {}],
    });
    const tables = (q: TableRows['quotes'][number]): TableRows => ({
      trades: [],
      quotes: [q],
      bars: [],
      indices: [],
      rejects: [],
    });
    const ok = quotesMatchLedger(analysis, tables(quote(T0 + 1500)), ledger);
    assert.equal(ok.ok, true, ok.violations.join('; '));
    assert.match(ok.summary, /1 with the last frame applied/);
    assert.deepEqual(quotesMatchLedger(analysis, tables(quote(T0 + 1000)), ledger).violations, [
      `FPT: serverTime ${T0 + 1000} ≠ ${T0 + 1500}`,
    ]);
  });

  it('counts altered frames and takes them as data', () => {
    const a = analyse([
      { raw: stock(1000, T0), connection: 'a' },
      { raw: withExtraField(stock(1100, T0 + 1000)), connection: 'a' },
      { raw: withJunkField(stock(1200, T0 + 2000), 0), connection: 'a' },
      { raw: withJunkField(stock(1300, T0 + 3000), 1), connection: 'a' },
    ]);
    assert.deepEqual(a.altered, { 'extra-field': 1, 'junk-field': 2 });
    assert.deepEqual(a.alteredRefused, []);
    assert.deepEqual([...(a.symbols.get('FPT')?.trades.values() ?? [])], [100, 100, 100]);
  });

  it('agrees with the derivation on overlapping connections, skewed clocks, corrections and refused frames', () => {
    const seen = { trades: 0, corrections: 0, stale: 0, dropped: 0 };
    for (let seed = 1; seed <= 40; seed++) {
      const random = createRandom(seed);
      const sent = randomStream(random);
      const analysis = analyse(sent);
      const tracker = new SymbolTracker('FPT');
      const counters = emptyCounters();
      for (const [i, { raw, connection }] of sent.entries()) {
        const frame = parseFrame(raw);
        if (frame.kind === 'stock')
          tracker.apply(frame, { receivedAt: T0 + i, connectionId: connection }, i, counters);
        else if (stockSymbolOf(raw) !== undefined) tracker.markLost(connection, i);
      }
      const rows = (kind: string) =>
        tracker.trades.filter((r) => r.kind === kind).map((r) => [`${PK}|${r.sk}`, r.quantity]);
      const fpt = analysis.symbols.get('FPT');
      assert.deepEqual([...(fpt?.trades ?? [])], rows('trade'), `seed ${seed}: trade rows`);
      assert.deepEqual([...(fpt?.corrections ?? [])], rows('correction'), `seed ${seed}: correction rows`);
      const sum = tracker.trades.reduce((n, r) => n + r.quantity, 0);
      const quote = tracker.quote();
      const shown = parseFrame(analysis.lastApplied.get('FPT') ?? '');
      assert.ok(shown.kind === 'stock' && quote, `seed ${seed}: a quote`);
      assert.deepEqual(
        [quote.serverTime, quote.totalVolume],
        [shown.serverTime, shown.totalVolume],
        `seed ${seed}: the quote shows the last frame applied`,
      );
      assert.equal(fpt?.volume, sum, `seed ${seed}: the analysis's sum is the rows' sum`);
      seen.trades += fpt?.trades.size ?? 0;
      seen.corrections += fpt?.corrections.size ?? 0;
      seen.stale += fpt?.stale ?? 0;
      seen.dropped += fpt?.pendingDropped ?? 0;
    }
    // The sequences reach every branch: trades, confirmed corrections, stale and dropped frames.
    for (const [what, n] of Object.entries(seen)) assert.ok(n >= 10, `${what}: ${n}`);
  });
});

/**
 * One symbol's market (volume up, one correction) seen by two connections whose server
 * clocks differ by up to 2 s, each putting runs of frames late and in its own batches;
 * now and then a refused frame.
 */
function randomStream(random: ReturnType<typeof createRandom>): Sent[] {
  const market: { time: number; volume: number }[] = [];
  let volume = 1000;
  const correctAt = random.int(20, 60);
  for (let i = 0, time = 0; i < 90; i++) {
    time += random.int(100, 1500);
    if (i === correctAt) volume = Math.max(0, volume - random.int(1, 30) * 100);
    else if (random.chance(0.4)) volume += random.int(1, 10) * 100;
    market.push({ time, volume });
  }
  const skew = random.int(-2000, 2000);
  const queues = [
    market.map((m) => ({ raw: stock(m.volume, T0 + m.time), connection: 'a' })),
    market
      .slice(random.int(0, 30), random.int(40, 90))
      .map((m) => ({ raw: stock(m.volume, T0 + m.time + skew), connection: 'b' })),
  ];
  const out: Sent[] = [];
  while (queues.some((q) => q.length > 0)) {
    const q = queues[random.int(0, 1)];
    for (const frame of q.splice(0, random.int(1, 8))) {
      out.push(random.chance(0.03) ? { raw: 'MAIN|S#FPT|x', connection: frame.connection } : frame);
    }
  }
  return out;
}
