import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatStockFrame } from '../../../core/iboard/format-frame.ts';
import { type Envelope, encodeRecord } from '../../../core/records/index.ts';
import { framesInTransit } from '../../../local/chaos/connection-checks.ts';
import type { FaultEvent } from '../../../local/chaos/fault-actions.ts';
import { alteredFramesStored, overlapHappened } from '../../../local/chaos/fault-checks.ts';
import type { LedgerSummary, MqttConnectionSummary } from '../../../local/chaos/ledger-summary.ts';
import { StreamAnalysis } from '../../../local/chaos/stream-analysis.ts';
import type { AlteredKind } from '../../../local/simulator/ledger.ts';

const T0 = Date.parse('2026-04-14T02:30:00Z');

/** A frame as the ingest task makes it of a StockData message: no server time (field 101). */
function frame(symbol: string, totalVolume: number): string {
  return formatStockFrame({
    kind: 'stock',
    generation: 'v2',
    boardId: 'MAIN',
    symbol,
    bids: [],
    offers: [],
    lastPrice: 10_050,
    totalVolume,
    fieldCount: 102,
  });
}

function connection(id: string, stock: Record<string, number>, more: Partial<MqttConnectionSummary> = {}) {
  const perSymbol = new Map(Object.entries(stock));
  return {
    id,
    stock: perSymbol,
    frames: [...perSymbol.values()].reduce((n, v) => n + v, 0),
    undecodable: 0,
    altered: { 'extra-field': 0, 'junk-field': 0 },
    clockSkewMs: 0,
    ...more,
  } satisfies MqttConnectionSummary;
}

function ledger(
  connections: MqttConnectionSummary[],
  alteredTexts = new Map<string, AlteredKind>(),
): LedgerSummary {
  return {
    clients: [],
    framesWithoutClients: 0,
    framesGenerated: 0,
    upgradesRejected: {},
    lastFrames: new Map(),
    finalVolumes: new Map(),
    clientOfRaw: new Map(),
    corrections: [],
    mqtt: { connections, alteredTexts, droppedSilence: 0 },
  };
}

/** Frames `[connection, receipt offset ms, raw]` in stream order, one record each. */
function analyse(summary: LedgerSummary, frames: readonly [string, number, string][]): StreamAnalysis {
  const analysis = new StreamAnalysis(summary);
  for (const [i, [connectionId, dt, raw]] of frames.entries()) {
    const envelope: Envelope = { raw, receivedAt: T0 + dt, connectionId, seq: i };
    analysis.addRecord({ shardId: 'shardId-0', sequenceNumber: String(i), data: encodeRecord([envelope]) });
  }
  return analysis;
}

const event = (name: string, clients: string[], overrides: Partial<FaultEvent> = {}): FaultEvent => ({
  name,
  track: 'source',
  startedAt: T0,
  endedAt: T0,
  reconnects: true,
  lossAllowed: false,
  clients,
  ...overrides,
});

describe('chaos checks over MQTT (per broker client, named by clientId = the ingest connection id)', () => {
  it('compare what each connection was handed, per symbol, with the stream; undecodable payloads are subtracted', () => {
    const summary = ledger([
      connection('a-mqtt-1', { FPT: 2, VNM: 1 }, { undecodable: 100 }),
      connection('a-mqtt-2', { FPT: 1 }),
    ]);
    const stream: [string, number, string][] = [
      ['a-mqtt-1', 0, frame('FPT', 100)],
      ['a-mqtt-1', 10, frame('VNM', 50)],
      ['a-mqtt-1', 20, frame('FPT', 200)],
      ['a-mqtt-2', 30, frame('FPT', 300)],
    ];
    const whole = framesInTransit(analyse(summary, stream), summary, []);
    assert.equal(whole.check.ok, true, whole.check.violations.join('; '));
    assert.equal(whole.figures.sent, 4);
    assert.match(whole.check.summary, /100 undecodable payloads handed out besides/);

    // A frame of VNM missing on connection 1, which the task itself closed (SIGTERM): a violation naming it.
    const short = analyse(summary, stream.slice(0, 1).concat(stream.slice(2)));
    const sigterm = framesInTransit(short, summary, [
      event('ingest task: SIGTERM', ['a-mqtt-1'], { track: 'process' }),
    ]);
    assert.equal(sigterm.check.ok, false);
    assert.match(
      sigterm.check.violations[0],
      /connection a-mqtt-1: 1 of 3 frames sent never reached the stream \(in the stream\/sent: VNM 0\/1\).*SIGTERM/,
    );
    // The same loss where the broker dropped the connection (every MQTT close is a cut): allowed.
    const cut = framesInTransit(short, summary, [
      event('source: close 1000 (MQTT: the broker drops the connection)', ['a-mqtt-1'], {
        lossAllowed: true,
      }),
    ]);
    assert.equal(cut.check.ok, true, cut.check.violations.join('; '));
    assert.equal(cut.figures.lost, 1);
  });

  it('fail on frames of a connection the broker never had, and on more frames than it handed out', () => {
    const summary = ledger([connection('a-mqtt-1', { FPT: 1 })]);
    const result = framesInTransit(
      analyse(summary, [
        ['a-mqtt-1', 0, frame('FPT', 100)],
        ['a-mqtt-1', 10, frame('FPT', 200)],
        ['b-mqtt-1', 20, frame('FPT', 300)],
      ]),
      summary,
      [],
    );
    assert.deepEqual(result.check.violations, [
      'connection a-mqtt-1: 1 more frames in the stream than the source sent it (in the stream/sent: FPT 2/1)',
      '1 frames on connections the broker never had as a client (by clientId)',
    ]);
  });

  it('find each altered message, by its text, on the connection it was handed to', () => {
    const altered = frame('FPT', 200);
    const texts = new Map<string, AlteredKind>([[altered, 'extra-field']]);
    const summary = ledger(
      [connection('a-mqtt-1', { FPT: 2 }, { altered: { 'extra-field': 1, 'junk-field': 0 } })],
      texts,
    );
    const stored = alteredFramesStored(
      analyse(summary, [
        ['a-mqtt-1', 0, frame('FPT', 100)],
        ['a-mqtt-1', 10, altered],
      ]),
      summary,
    );
    assert.equal(stored.ok, true, stored.violations.join('; '));
    assert.match(
      stored.summary,
      /1 StockData messages with an unknown field .* 1 and 0 frames with their text in the stream/,
    );
    // Another frame arrived instead (the altered one not decoded): named on its connection.
    const refused = alteredFramesStored(
      analyse(summary, [
        ['a-mqtt-1', 0, frame('FPT', 100)],
        ['a-mqtt-1', 10, frame('FPT', 150)],
      ]),
      summary,
    );
    assert.deepEqual(refused.violations, [
      'connection a-mqtt-1: 1 of 1 extra-field messages handed to it not in the stream (not decoded?)',
      '1 extra-field messages sent, none in the stream',
    ]);
  });

  it('name the overlapping connection by clientId and require it beside another', () => {
    const summary = ledger([
      connection('a-mqtt-1', { FPT: 2 }),
      connection('b-mqtt-1', { FPT: 2 }, { clockSkewMs: 1_500 }),
    ]);
    const beside = overlapHappened(
      analyse(summary, [
        ['a-mqtt-1', 0, frame('FPT', 100)],
        ['b-mqtt-1', 1_600, frame('FPT', 100)],
        ['a-mqtt-1', 3_000, frame('FPT', 200)],
        ['b-mqtt-1', 4_600, frame('FPT', 200)],
      ]),
      summary,
    );
    assert.equal(beside.ok, true, beside.violations.join('; '));
    assert.match(beside.summary, /connection b-mqtt-1 \(2 frames, clock \+1.5 s\) beside another for 1.4 s/);
    const alone = overlapHappened(
      analyse(summary, [
        ['a-mqtt-1', 0, frame('FPT', 100)],
        ['b-mqtt-1', 5_000, frame('FPT', 200)],
      ]),
      summary,
    );
    assert.deepEqual(alone.violations, [
      'connection b-mqtt-1 delivered frames, but never beside another one',
    ]);
    const none = overlapHappened(analyse(summary, [['a-mqtt-1', 0, frame('FPT', 100)]]), summary);
    assert.deepEqual(none.violations, ['the overlapping connection delivered no frame the ledger can name']);
  });
});
