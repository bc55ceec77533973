import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatStockFrame } from '../../../core/iboard/format-frame.ts';
import { type Envelope, encodeRecord } from '../../../core/records/index.ts';
import { tradeSortKey } from '../../../core/tables.ts';
import type { TableRows } from '../../../local/chaos/evidence.ts';
import {
  alteredFramesStored,
  correctionsStored,
  overlapHappened,
} from '../../../local/chaos/fault-checks.ts';
import type { ClientSummary, LedgerSummary } from '../../../local/chaos/ledger-summary.ts';
import { StreamAnalysis } from '../../../local/chaos/stream-analysis.ts';
import { withExtraField } from '../../../local/simulator/altered.ts';
import type { LedgerCorrection } from '../../../local/simulator/ledger.ts';

const T0 = Date.parse('2026-04-14T02:30:00Z');

function stock(totalVolume: number, serverTime: number): string {
  return formatStockFrame({
    kind: 'stock',
    generation: 'v2',
    boardId: 'MAIN',
    symbol: 'FPT',
    bids: [],
    offers: [],
    lastPrice: 10_050,
    totalVolume,
    serverTime,
    fieldCount: 102,
  });
}

function client(id: number, overrides: Partial<ClientSummary> = {}): ClientSummary {
  return {
    id,
    framesSent: 0,
    malformed: { 'field-count': 0, garbage: 0, binary: 0, oversized: 0 },
    altered: { 'extra-field': 0, 'junk-field': 0 },
    serverTimeSkewMs: 0,
    droppedSilence: 0,
    droppedBackpressure: 0,
    ...overrides,
  };
}

function ledger(overrides: Partial<LedgerSummary> = {}): LedgerSummary {
  return {
    clients: [client(1)],
    framesWithoutClients: 0,
    framesGenerated: 0,
    upgradesRejected: {},
    lastFrames: new Map(),
    finalVolumes: new Map(),
    clientOfRaw: new Map(),
    corrections: [],
    ...overrides,
  };
}

/** Frames `[connection, server time offset, volume]` in stream order, one record each. */
function analyse(
  frames: readonly [string, number, number][],
  summary = ledger(),
  raws?: string[],
): StreamAnalysis {
  const analysis = new StreamAnalysis(summary);
  for (const [i, [connectionId, dt, volume]] of frames.entries()) {
    const envelope: Envelope = {
      raw: raws?.[i] ?? stock(volume, T0 + dt),
      receivedAt: T0 + dt,
      connectionId,
      seq: i,
    };
    analysis.addRecord({ shardId: 'shardId-0', sequenceNumber: String(i), data: encodeRecord([envelope]) });
  }
  return analysis;
}

const tables = (trades: TableRows['trades']): TableRows => ({
  trades,
  quotes: [],
  bars: [],
  indices: [],
  rejects: [],
});

const CORRECTION: LedgerCorrection = {
  symbol: 'FPT',
  time: T0 + 1500,
  date: '2026-04-14',
  fromVolume: 1500,
  toVolume: 1200,
  fromValue: 15_000_000,
  toValue: 12_000_000,
};

describe('chaos fault checks', () => {
  it('pass altered frames that parse, fail one the parser refused', () => {
    const sent = ledger({ clients: [client(1, { altered: { 'extra-field': 2, 'junk-field': 0 } })] });
    const raws = [stock(1000, T0), withExtraField(stock(1100, T0 + 1000))];
    const ok = alteredFramesStored(
      analyse(
        [
          ['a', 0, 0],
          ['a', 1000, 0],
        ],
        sent,
        raws,
      ),
      sent,
    );
    assert.equal(ok.ok, true, ok.violations.join('; '));
    // 300 fields: beyond what the parser takes, so refused although it is an appended-field frame.
    raws.push(`${stock(1200, T0 + 2000)}${'|1'.repeat(200)}`);
    const refused = alteredFramesStored(
      analyse(
        [
          ['a', 0, 0],
          ['a', 1000, 0],
          ['a', 2000, 0],
        ],
        sent,
        raws,
      ),
      sent,
    );
    assert.equal(refused.ok, false);
    assert.match(refused.violations[0], /altered frame refused as a reject/);
    const none = alteredFramesStored(analyse([['a', 0, 1000]], sent), sent);
    assert.match(none.violations[0], /2 extra-field frames sent, none in the stream/);
  });

  it('require the confirmed correction row, with its quantity', () => {
    const summary = ledger({ corrections: [CORRECTION] });
    const analysis = analyse(
      [
        ['a', 0, 1000],
        ['a', 1000, 1500],
        ['a', 2000, 1200],
        ['a', 12_000, 1300],
      ],
      summary,
    );
    const row = {
      pk: 'FPT#2026-04-14',
      sk: tradeSortKey(T0 + 12_000, 1200),
      kind: 'correction',
      quantity: -300,
    };
    const stored = correctionsStored(analysis, tables([row]), summary);
    assert.equal(stored.ok, true, stored.violations.join('; '));
    const missing = correctionsStored(analysis, tables([]), summary);
    assert.match(missing.violations.join('\n'), /missing correction FPT#2026-04-14\|.*\(-300\)/);
    assert.equal(missing.violations.length, 1, 'the stream implies it: only the stored row is missing');
    const invented = correctionsStored(analysis, tables([row]), ledger());
    assert.match(
      invented.violations[0],
      /correction FPT#2026-04-14\|.* \(-300\), but the exchange made none/,
    );
    const wrong = correctionsStored(analysis, tables([{ ...row, quantity: -200 }]), summary);
    assert.match(wrong.violations[0], /quantity -200, frames say -300/);
  });

  it('accept a correction overtaken by new trades within 10 s, which no frame can confirm', () => {
    const overtaken = { ...CORRECTION, overtakenAt: CORRECTION.time + 1000 };
    const summary = ledger({ corrections: [overtaken] });
    const analysis = analyse(
      [
        ['a', 0, 1000],
        ['a', 1000, 1500],
        ['a', 2000, 1200],
        ['a', 3000, 1600],
      ],
      summary,
    );
    const result = correctionsStored(analysis, tables([]), summary);
    assert.equal(result.ok, true, result.violations.join('; '));
    assert.match(result.summary, /overtaken by new trades 1\.0 s later: by the rule a late frame/);
    const late = ledger({ corrections: [{ ...CORRECTION, overtakenAt: CORRECTION.time + 20_000 }] });
    assert.equal(
      correctionsStored(analysis, tables([]), late).ok,
      false,
      'overtaken only after it was confirmable',
    );
  });

  it('accept a correction no lower frame of which reached the stream (made during a source fault)', () => {
    const summary = ledger({ corrections: [CORRECTION] });
    // The lowered frames went while no socket was open: the next frame is already above the old total.
    const unseen = analyse(
      [
        ['a', 0, 1000],
        ['a', 1000, 1500],
        ['b', 30_000, 1600],
      ],
      summary,
    );
    const result = correctionsStored(unseen, tables([]), summary);
    assert.equal(result.ok, true, result.violations.join('; '));
    assert.match(result.summary, /no lower frame reached the stream: not seen, nothing to correct/);
    // A lower frame that did reach the stream, dropped by a later one, is still a violation.
    const dropped = analyse(
      [
        ['a', 0, 1000],
        ['a', 1000, 1500],
        ['a', 2000, 1200],
        ['a', 3000, 1600],
      ],
      summary,
    );
    assert.match(
      correctionsStored(dropped, tables([]), summary).violations[0],
      /no pending one was left to confirm/,
    );
  });

  it('say so when the run ended before the correction could be confirmed', () => {
    const summary = ledger({ corrections: [CORRECTION] });
    const analysis = analyse(
      [
        ['a', 0, 1000],
        ['a', 1000, 1500],
        ['a', 2000, 1200],
        ['a', 8000, 1250],
      ],
      summary,
    );
    const result = correctionsStored(analysis, tables([]), summary);
    assert.equal(result.ok, false);
    assert.match(
      result.violations[0],
      /still pending at the end, the last frame only 6\.0 s after .*the run ended too soon/,
    );
  });

  it('see the skewed connection beside another one, and fail when it never overlapped', () => {
    const raws = [stock(1000, T0), stock(1000, T0 + 1500), stock(1100, T0 + 1000), stock(1100, T0 + 2500)];
    const summary = ledger({
      clients: [client(1), client(2, { serverTimeSkewMs: 1500 })],
      clientOfRaw: new Map([
        [raws[0], 1],
        [raws[1], 2],
      ]),
    });
    // Received interleaved: a from 0 to 1000 ms, b from 500 to 1500 ms.
    const frames: [string, number, number][] = [
      ['a', 0, 0],
      ['b', 500, 0],
      ['a', 1000, 0],
      ['b', 1500, 0],
    ];
    const overlap = overlapHappened(analyse(frames, summary, raws), summary);
    assert.equal(overlap.ok, true, overlap.violations.join('; '));
    assert.match(overlap.summary, /connection 2 \(2 frames, clock \+1\.5 s\) beside another for 0\.5 s/);
    const apart: [string, number, number][] = [
      ['a', 0, 0],
      ['a', 1000, 0],
      ['b', 1500, 0],
      ['b', 2500, 0],
    ];
    const reordered = [raws[0], raws[2], raws[1], raws[3]];
    const result = overlapHappened(analyse(apart, summary, reordered), summary);
    assert.match(result.violations[0], /connection 2 delivered frames, but never beside another one/);
  });
});
