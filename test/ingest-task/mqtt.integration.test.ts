import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { BROWSER_USER_AGENT } from '../../core/iboard/browser-headers.ts';
import { parseFrame } from '../../core/iboard/parse-frame.ts';
import type { StockFrame } from '../../core/iboard/types.ts';
import { type Simulator, startSimulator } from '../../local/simulator/simulator.ts';
import { recordingLogger, sleep, startApp, testEnv, waitFor } from '../support/ingest-stack.ts';
import { kinesisForFile, readEnvelopes } from '../support/stream.ts';

const SYMBOLS = ['VCB', 'FPT', 'HPG', 'SHB', 'PVS', 'ACB'];

const kinesis = kinesisForFile('mqtt', 1);
let sim: Simulator;

before(async () => {
  sim = await startSimulator({ symbols: SYMBOLS, rate: 400, seed: 21 });
});
after(() => sim.stop());

describe('MQTT transport (simulator broker + Kinesis emulator)', () => {
  it('streams StockData messages as V2-shaped frames, survives a cut and a bad payload', async () => {
    const stream = await kinesis.newStream();
    const logger = recordingLogger();
    const app = await startApp(
      testEnv({
        STREAM_NAME: stream,
        AWS_ENDPOINT_URL: kinesis.endpoint,
        IBOARD_PROTOCOL: 'mqtt',
        IBOARD_URL: sim.mqttUrl,
        SYMBOLS: SYMBOLS.join(','),
        SUBSCRIBE_CHUNK_SIZE: '4',
        INDICES: 'NONE',
      }),
      { logger },
    );
    const m = app.metrics;
    await waitFor('frames over MQTT', () => m.framesIn.stock > 100);
    assert.deepEqual(sim.mqtt.userAgents, [BROWSER_USER_AGENT]);

    sim.mqtt.publishRaw('FPT', new Uint8Array([0xff, 0xff, 0xff, 0xff]));
    await waitFor('the bad payload counted', () => m.framesRejected.undecodable === 1);

    sim.mqtt.cut();
    await waitFor('a reconnect', () => m.connects >= 2 && m.connectionState === 'open');
    const atReconnect = m.framesIn.stock;
    await waitFor('frames after the reconnect', () => m.framesIn.stock > atReconnect + 50);

    sim.faults.silence(3600);
    // The second connection lost nothing: every message the broker handed it is in the stream.
    const secondClient = () => [...sim.mqtt.deliveries.values()][1] ?? 0;
    // Silenced: wait until nothing more arrives for half a second.
    for (let before = -1; before !== m.framesIn.stock; ) {
      before = m.framesIn.stock;
      await sleep(500);
    }
    assert.equal(await app.shutdown('test'), true);

    const envelopes = await readEnvelopes(kinesis.client, stream);
    assert.equal(envelopes.length, m.framesIn.stock);
    const connections = [...new Set(envelopes.map((e) => e.connectionId))];
    assert.equal(connections.length, 2, 'the cut made a new connection');
    assert.ok(connections.every((id) => /-mqtt-\d+$/.test(id)));
    const second = envelopes.filter((e) => e.connectionId === connections[1]);
    assert.equal(second.length, secondClient(), 'one frame per message delivered on the second connection');
    assert.deepEqual(
      second.map((e) => e.seq).sort((a, b) => a - b),
      second.map((_, i) => i),
      'none missing, none twice',
    );
    // The first connection: at most what was handed to it (a cut loses QoS 0 messages in flight).
    const first = envelopes.filter((e) => e.connectionId === connections[0]).length;
    assert.ok(first <= ([...sim.mqtt.deliveries.values()][0] ?? 0) - 1, 'the bad payload is not a frame');
    const last = new Map<string, StockFrame>();
    for (const e of envelopes) {
      const frame = parseFrame(e.raw) as StockFrame;
      assert.equal(frame.kind, 'stock', e.raw);
      assert.equal(frame.generation, 'v2');
      assert.equal(frame.serverTime, undefined);
      last.set(frame.symbol, frame);
    }
    for (const symbol of SYMBOLS) {
      const sent = sim.mqtt.lastPublished(symbol);
      if (!sent) continue;
      assert.equal(last.get(symbol)?.totalVolume, sent.totalVolume, symbol);
      assert.equal(last.get(symbol)?.lastPrice, sent.lastPrice, symbol);
    }
    const decodedLogs = logger.lines.filter((l) => l.message.startsWith('mqtt message decoded'));
    assert.equal(decodedLogs.length, 6, 'three per connection');
    sim.faults.silence(0);
  });

  it('refuses a wildcard subscription and a wrong login, as the live broker', async () => {
    const wrong = mqtt.connect(sim.mqttUrl, {
      username: 'x',
      password: 'y',
      reconnectPeriod: 0,
      wsOptions: { headers: { 'User-Agent': BROWSER_USER_AGENT } },
    });
    await new Promise<void>((resolve) => wrong.once('error', () => resolve()));
    wrong.end(true);
    const probe = mqtt.connect(sim.mqttUrl, {
      username: 'mqtt-ssi',
      password: 'mqtt-ssi',
      reconnectPeriod: 0,
      wsOptions: { headers: { 'User-Agent': BROWSER_USER_AGENT } },
    });
    await new Promise<void>((resolve) => probe.once('connect', () => resolve()));
    // SUBACK 128: mqtt.js rejects the subscribe; the connection stays up.
    await assert.rejects(probe.subscribeAsync('#'), /Subscribe error/);
    assert.equal(probe.connected, true);
    assert.ok(sim.mqtt.refusedSubscriptions >= 1);
    await probe.endAsync();
    assert.ok(sim.mqtt.refusedLogins >= 1);
  });
});
