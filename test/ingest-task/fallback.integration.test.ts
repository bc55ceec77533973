import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseFrame } from '../../core/iboard/parse-frame.ts';
import type { StockFrame } from '../../core/iboard/types.ts';
import { type Simulator, startSimulator } from '../../local/simulator/simulator.ts';
import { recordingLogger, startApp, testEnv, waitFor } from '../support/ingest-stack.ts';
import { kinesisForFile, readEnvelopes } from '../support/stream.ts';

const SYMBOLS = ['VCB', 'FPT', 'HPG', 'SHB', 'PVS', 'BSR'];

const kinesis = kinesisForFile('fallback', 1);
let sim: Simulator;

function env(stream: string, extra: Record<string, string> = {}) {
  return testEnv({
    STREAM_NAME: stream,
    IBOARD_URL: sim.url,
    AWS_ENDPOINT_URL: kinesis.endpoint,
    SYMBOLS: SYMBOLS.join(','),
    INDICES: 'NONE',
    SNAPSHOT_URL: sim.restUrl,
    FALLBACK_AFTER_SECONDS: '0.5',
    POLL_SECONDS: '0.1',
    ...extra,
  });
}

describe('REST fallback (simulator websocket + REST snapshot, Kinesis emulator)', () => {
  before(async () => {
    sim = await startSimulator({ symbols: SYMBOLS, rate: 300, seed: 11 });
  });
  after(() => sim.stop());

  it('polls the snapshot while the websocket is silent in trading hours, then goes back to it', async () => {
    const stream = await kinesis.newStream();
    const logger = recordingLogger();
    const app = await startApp(env(stream), { logger, isMarketOpen: () => true });
    const m = app.metrics;
    await waitFor('pushed frames', () => m.framesIn.stock > 50);
    assert.equal(m.source, 'websocket');

    sim.faults.silence(3600);
    await waitFor('the switch to REST polling', () => m.source === 'rest');
    const pushedAtSwitch = m.framesIn.stock;
    await waitFor('several polls with frames', () => m.polls >= 3 && m.framesIn.polled >= SYMBOLS.length);
    assert.equal(m.framesIn.stock, pushedAtSwitch, 'nothing pushed while silent');

    sim.faults.silence(0);
    await waitFor('the switch back to the websocket', () => m.source === 'websocket');
    const polledAtReturn = m.framesIn.polled;
    await waitFor('pushed frames again', () => m.framesIn.stock > pushedAtSwitch + 20);
    assert.equal(m.framesIn.polled, polledAtReturn, 'no polling once the websocket delivers');
    assert.equal(m.switchesToPolling, 1);
    assert.equal(m.switchesToWebsocket, 1);
    assert.equal(await app.shutdown('test'), true);

    const messages = logger.lines.map((l) => l.message);
    assert.ok(messages.includes('websocket silent while the market trades, polling the REST snapshot'));
    assert.ok(messages.includes('REST polling stopped, the websocket is the source'));

    // In the stream: the polled frames, in a connection of their own, parsed as polled,
    // each symbol's cumulative volume never below what the websocket had shown before.
    const envelopes = await readEnvelopes(kinesis.client, stream);
    const polled = envelopes.filter((e) => e.raw.startsWith('P#'));
    assert.equal(polled.length, m.framesIn.polled);
    assert.equal(new Set(polled.map((e) => e.connectionId)).size, 1);
    assert.match(polled[0].connectionId, /-poll-1$/);
    assert.ok(envelopes.every((e) => e.raw.startsWith('P#') === e.connectionId.includes('-poll-')));
    const lastPushed = new Map<string, number>();
    for (const e of envelopes) {
      const frame = parseFrame(e.raw) as StockFrame;
      assert.equal(frame.kind, 'stock');
      if (frame.polled) {
        assert.ok(SYMBOLS.includes(frame.symbol));
        assert.ok((frame.totalVolume ?? 0) >= (lastPushed.get(frame.symbol) ?? 0), frame.symbol);
      } else if (e.receivedAt < polled[0].receivedAt) {
        lastPushed.set(frame.symbol, frame.totalVolume ?? 0);
      }
    }
    const symbolsPolled = new Set(polled.map((e) => (parseFrame(e.raw) as StockFrame).symbol));
    assert.deepEqual([...symbolsPolled].sort(), [...SYMBOLS].sort(), 'every subscribed symbol is polled');
  });

  it('does not poll outside trading hours, and counts failed polls without stopping', async () => {
    const stream = await kinesis.newStream();
    let open = false;
    const logger = recordingLogger();
    const app = await startApp(env(stream), { logger, isMarketOpen: () => open });
    const m = app.metrics;
    sim.faults.silence(3600);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal(m.source, 'websocket', 'market closed: silence is expected');
    assert.equal(m.polls, 0);

    sim.rest.failNext(1000, 503);
    open = true;
    await waitFor('failed polls', () => m.source === 'rest' && m.pollErrors >= 2);
    assert.equal(m.framesIn.polled, 0);
    assert.equal(logger.lines.filter((l) => l.message === 'REST snapshot poll failed').length, 1);
    sim.rest.failNext(0);
    await waitFor('polled frames after the outage', () => m.framesIn.polled > 0);
    assert.ok(logger.lines.some((l) => l.message === 'REST snapshot poll works again'));

    open = false;
    await waitFor('polling stops when the market closes', () => m.source === 'websocket');
    sim.faults.silence(0);
    assert.equal(await app.shutdown('test'), true);
  });

  it('under IBOARD_PROTOCOL=auto with both transports silent, polls, then returns to the one that delivers', async () => {
    const stream = await kinesis.newStream();
    const logger = recordingLogger();
    const app = await startApp(
      env(stream, { IBOARD_PROTOCOL: 'auto', IBOARD_MQTT_URL: sim.mqttUrl, WATCHDOG_SECONDS: '1' }),
      { logger, isMarketOpen: () => true },
    );
    const m = app.metrics;
    await waitFor('pushed frames', () => m.framesIn.stock > 50);
    // The silence fault withholds the websocket's frames and the broker's publications alike.
    sim.faults.silence(3600);
    await waitFor(
      'REST polling while both are silent',
      () => m.source === 'rest' && m.framesIn.polled >= SYMBOLS.length,
    );
    await waitFor('auto tries the other transport meanwhile', () => m.transportSwitches >= 1, 10_000);
    sim.faults.silence(0);
    await waitFor('back to a pushed transport', () => m.source === 'websocket', 10_000);
    const pushed = m.framesIn.stock;
    await waitFor('pushed frames again', () => m.framesIn.stock > pushed + 20, 10_000);
    assert.equal(await app.shutdown('test'), true);
    const envelopes = await readEnvelopes(kinesis.client, stream);
    const polled = envelopes.filter((e) => e.raw.startsWith('P#'));
    assert.ok(polled.length >= SYMBOLS.length);
    assert.ok(
      polled.every((e) => e.connectionId.includes('-poll-')),
      'polled frames in a connection of their own',
    );
  });
});
