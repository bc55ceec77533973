import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLOCK_TOLERANCE_MS } from '../../../core/derive/symbol-tracker.ts';
import { formatStockFrame } from '../../../core/iboard/format-frame.ts';
import { type Envelope, encodeRecord } from '../../../core/records/index.ts';
import { dayPartition, tradeSortKey } from '../../../core/tables.ts';
import {
  noDuplicateRows,
  quotesMatchLedger,
  rejectsComplete,
  tradesMatchStream,
  volumeConservation,
} from '../../../local/chaos/checks.ts';
import { framesInTransit, reconnects } from '../../../local/chaos/connection-checks.ts';
import type { Row, TableRows } from '../../../local/chaos/evidence.ts';
import type { FaultEvent } from '../../../local/chaos/fault-actions.ts';
import type { LedgerSummary } from '../../../local/chaos/ledger-summary.ts';
import { chaosPlan } from '../../../local/chaos/plan.ts';
import { StreamAnalysis } from '../../../local/chaos/stream-analysis.ts';

const T0 = Date.parse('2026-04-14T02:30:00Z');

function frame(symbol: string, totalVolume: number, serverTime: number): string {
  const empty = Array.from({ length: 10 }, () => ({}));
  return formatStockFrame({
    kind: 'stock',
    generation: 'v2',
    boardId: 'MAIN',
    symbol,
    bids: [{ price: 10_000, volume: 100 }, ...empty.slice(1)],
    offers: [{ price: 10_100, volume: 200 }, ...empty.slice(1)],
    lastPrice: 10_050,
    totalVolume,
    serverTime,
    fieldCount: 102,
  });
}

function ledgerOf(frames: Map<string, string>, sent: number[], malformed = 0): LedgerSummary {
  const clientOfRaw = new Map([...frames.values()].map((raw) => [raw, 1]));
  return {
    clients: sent.map((framesSent, i) => ({
      id: i + 1,
      framesSent,
      malformed: { 'field-count': malformed, garbage: 0, binary: 0, oversized: 0 },
      altered: { 'extra-field': 0, 'junk-field': 0 },
      serverTimeSkewMs: 0,
      droppedSilence: 0,
      droppedBackpressure: 0,
    })),
    framesWithoutClients: 0,
    framesGenerated: 0,
    upgradesRejected: {},
    lastFrames: frames,
    finalVolumes: new Map(),
    clientOfRaw,
    corrections: [],
  };
}

/** One connection's frames in one record on shard 0; FPT trades 100 then 50, VCB is seen once. */
function scenario(extra: string[] = []) {
  const raws = [
    frame('FPT', 1000, T0),
    frame('VCB', 500, T0),
    frame('FPT', 1100, T0 + 1000),
    frame('FPT', 1150, T0 + 2000),
    ...extra,
  ];
  const envelopes: Envelope[] = raws.map((raw, seq) => ({
    raw,
    receivedAt: T0 + seq,
    connectionId: 'a-1',
    seq,
  }));
  const last = new Map([
    ['FPT', raws[3]],
    ['VCB', raws[1]],
  ]);
  const ledger = ledgerOf(last, [4], extra.length);
  const analysis = new StreamAnalysis(ledger);
  analysis.addRecord({ shardId: 'shardId-0', sequenceNumber: '1', data: encodeRecord(envelopes) });
  return { analysis, ledger };
}

const trade = (symbol: string, time: number, cumVolume: number, quantity: number, kind = 'trade'): Row => ({
  pk: dayPartition(symbol, time),
  sk: tradeSortKey(time, cumVolume),
  kind,
  quantity,
  cumVolume,
});

function tables(overrides: Partial<TableRows> = {}): TableRows {
  const fptDay = dayPartition('FPT', T0);
  return {
    trades: [
      trade('FPT', T0, 1000, 1000, 'pre-existing'),
      trade('FPT', T0 + 1000, 1100, 100),
      trade('FPT', T0 + 2000, 1150, 50),
      trade('VCB', T0, 500, 500, 'pre-existing'),
    ],
    quotes: [
      {
        pk: 'FPT',
        lastPrice: 10_050,
        totalVolume: 1150,
        serverTime: T0 + 2000,
        bids: [{ price: 10_000, volume: 100 }, {}, {}],
        offers: [{ price: 10_100, volume: 200 }, {}, {}],
      },
      {
        pk: 'VCB',
        lastPrice: 10_050,
        totalVolume: 500,
        serverTime: T0,
        bids: [{ price: 10_000, volume: 100 }, {}, {}],
        offers: [{ price: 10_100, volume: 200 }, {}, {}],
      },
    ],
    bars: [
      { pk: fptDay, sk: '09:30', volume: 150, otherVolume: 1000, trades: 2 },
      { pk: dayPartition('VCB', T0), sk: '09:30', volume: 0, otherVolume: 500, trades: 0 },
    ],
    indices: [],
    rejects: [],
    ...overrides,
  };
}

const event = (name: string, startedAt: number, overrides: Partial<FaultEvent> = {}): FaultEvent => ({
  name,
  track: 'source',
  startedAt,
  endedAt: startedAt,
  reconnects: true,
  lossAllowed: false,
  clients: [1],
  ...overrides,
});

describe('chaos checks', () => {
  it('pass on tables that match the stream', () => {
    const { analysis, ledger } = scenario();
    for (const result of [
      volumeConservation(analysis, tables(), ledger),
      tradesMatchStream(analysis, tables()),
      noDuplicateRows(tables()),
      quotesMatchLedger(analysis, tables(), ledger),
      rejectsComplete(analysis, tables(), [], ledger),
    ]) {
      assert.equal(result.ok, true, `${result.name}: ${result.violations.join('; ')}`);
    }
  });

  it('catch a missing trade, as conservation against the exchange total and as a missing row', () => {
    const { analysis, ledger } = scenario();
    const broken = tables({
      trades: [trade('FPT', T0, 1000, 1000, 'pre-existing'), trade('FPT', T0 + 1000, 1100, 100)],
    });
    const conservation = volumeConservation(analysis, broken, ledger);
    assert.equal(conservation.ok, false);
    assert.match(
      conservation.violations[0],
      /FPT: rows sum to 1100, the exchange total is 1150 \(the ledger's last frame\)/,
    );
    assert.match(tradesMatchStream(analysis, broken).violations[0], /missing trade FPT#2026-04-14/);
  });

  it('catch a trade stored twice under two keys and bars that do not add up', () => {
    const { analysis } = scenario();
    const twice = tables({ trades: [...tables().trades, trade('FPT', T0 + 2500, 1150, 50)] });
    assert.equal(tradesMatchStream(analysis, twice).ok, false);
    const duplicates = noDuplicateRows(twice);
    assert.equal(duplicates.ok, false);
    assert.match(duplicates.violations.join('\n'), /two rows end at cumulative volume 1150/);
    assert.match(
      duplicates.violations.join('\n'),
      /bars hold 1150 shares in 2 trades, trades table 1200 in 3 trade\/opening rows/,
    );
  });

  it('do not take growth on a new connection for a trade', () => {
    const envelopes: Envelope[] = [frame('FPT', 1000, T0), frame('FPT', 1300, T0 + 60_000)].map(
      (raw, seq) => ({
        raw,
        receivedAt: T0 + seq,
        connectionId: `c-${seq}`,
        seq: 0,
      }),
    );
    const analysis = new StreamAnalysis(ledgerOf(new Map(), [2]));
    analysis.addRecord({ shardId: 'shardId-0', sequenceNumber: '1', data: encodeRecord(envelopes) });
    assert.equal(analysis.symbols.get('FPT')?.trades.size, 0);
    assert.equal(analysis.symbols.get('FPT')?.volume, 1300);
  });

  it('catch a quote that is not the last frame', () => {
    const { analysis, ledger } = scenario();
    const quotes = tables().quotes.map((q) => (q.pk === 'FPT' ? { ...q, totalVolume: 1100 } : q));
    const result = quotesMatchLedger(analysis, tables({ quotes }), ledger);
    assert.deepEqual(result.violations, ['FPT: totalVolume 1100 ≠ 1150']);
  });

  it('require every poison frame and corrupt record in rejects, and nothing else', () => {
    const { analysis, ledger } = scenario(['~|garbage|x']);
    assert.equal(analysis.poison.length, 1);
    const corrupt = [{ shardId: 'shardId-0', sequenceNumber: '9', kind: 'random bytes' }];
    analysis.addRecord({ shardId: 'shardId-0', sequenceNumber: '9', data: Uint8Array.of(7, 7, 7) });
    const missing = rejectsComplete(analysis, tables(), corrupt, ledger);
    assert.equal(missing.ok, false);
    assert.equal(missing.violations.length, 2);
    const rejects: Row[] = [
      { pk: '2026-04-14', sk: analysis.poison[0].rejectKey, reason: 'pipe-separated frame without a tag' },
      {
        pk: '2026-04-14',
        sk: 'shardId-0#9#record',
        reason: 'unknown version',
        code: 'RECORD_UNKNOWN_VERSION',
      },
    ];
    assert.equal(rejectsComplete(analysis, tables({ rejects }), corrupt, ledger).ok, true);
    const extra = [...rejects, { pk: '2026-04-14', sk: 'shardId-0#1#000000', reason: 'wrongly rejected' }];
    assert.match(
      rejectsComplete(analysis, tables({ rejects: extra }), corrupt, ledger).violations[0],
      /unexpected reject/,
    );
  });

  it('allow frames lost only on a connection the source cut', () => {
    const { analysis } = scenario();
    const ledger = {
      ...scenario().ledger,
      clients: scenario().ledger.clients.map((c) => ({ ...c, framesSent: 6 })),
    };
    const cut = framesInTransit(analysis, ledger, [event('source: TCP cut', T0, { lossAllowed: true })]);
    assert.equal(cut.check.ok, true, cut.check.violations.join('; '));
    assert.equal(cut.figures.lost, 2);
    const sigterm = framesInTransit(analysis, ledger, [
      event('ingest task: SIGTERM', T0, { track: 'process' }),
    ]);
    assert.equal(sigterm.check.ok, false);
    assert.match(
      sigterm.check.violations[0],
      /2 of 6 frames sent never reached the stream.*SIGTERM.*closing handshake/,
    );
    assert.equal(framesInTransit(analysis, scenario().ledger, []).check.ok, true);
  });

  it('measure reconnects from the end of the fault and fail when none happened', () => {
    const { analysis } = scenario();
    const before = reconnects(analysis, [event('source: close 1000', T0 - 500)], 10);
    assert.equal(before.check.ok, true);
    assert.equal(before.times[0].seconds, 0.5);
    const after = reconnects(analysis, [event('source: close 1000', T0 + 10_000)], 10);
    assert.match(after.check.violations[0], /no new connection delivered frames/);
  });

  it('scale the plan, keeping every duration at least one second, with the new faults in it', () => {
    assert.equal(chaosPlan(1).refuseSeconds, 30);
    assert.equal(chaosPlan(1).silenceSeconds, 2 * chaosPlan(1).watchdogSeconds);
    assert.equal(chaosPlan(0.01).kinesisDownSeconds, 1);
    assert.throws(() => chaosPlan(0), /--scale must be within/);
    assert.equal(chaosPlan(1).overlapSeconds, 20);
    assert.equal(chaosPlan(0.1).overlapSeconds, 2);
    // The overlapping connection's clock stays within what the derivation tolerates.
    assert.ok(chaosPlan(1).overlapSkewMs < CLOCK_TOLERANCE_MS);
    assert.ok(chaosPlan(1).extraFieldRate > 0 && chaosPlan(1).junkFieldRate > 0);
    assert.ok(chaosPlan(1).correctionFraction > 0 && chaosPlan(1).correctionFraction < 1);
  });
});
