import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Simulator, startSimulator } from '../../local/simulator/simulator.ts';
import { recordingLogger, startApp, testEnv, waitFor } from '../support/ingest-stack.ts';
import { kinesisForFile, readEnvelopes } from '../support/stream.ts';

const SYMBOLS = ['VCB', 'FPT', 'HPG', 'SHB', 'PVS', 'ACB'];

const kinesis = kinesisForFile('auto', 1);
let sim: Simulator;

before(async () => {
  sim = await startSimulator({ symbols: SYMBOLS, rate: 300, seed: 31 });
});
after(() => sim.stop());

function env(stream: string, extra: Record<string, string> = {}) {
  return testEnv({
    STREAM_NAME: stream,
    AWS_ENDPOINT_URL: kinesis.endpoint,
    IBOARD_PROTOCOL: 'auto',
    IBOARD_URL: sim.url,
    IBOARD_MQTT_URL: sim.mqttUrl,
    SYMBOLS: SYMBOLS.join(','),
    INDICES: 'NONE',
    SNAPSHOT_URL: sim.restUrl,
    FALLBACK_AFTER_SECONDS: '0',
    ...extra,
  });
}

/** Waits until nothing more arrives for half a second. */
async function settled(count: () => number): Promise<void> {
  for (let before = -1; before !== count(); ) {
    before = count();
    await new Promise((r) => setTimeout(r, 500));
  }
}

describe('IBOARD_PROTOCOL=auto (simulator V2 + MQTT broker, Kinesis emulator)', () => {
  it('moves to MQTT when V2 refuses the upgrade (HTTP 403), and the frames reach the stream', async () => {
    sim.faults.set({ refuseSeconds: 3600, refuseMode: 'http-403', refuseOnly: 'realtime' });
    const rejectedBefore = sim.ledger.upgradesRejected[403];
    const stream = await kinesis.newStream();
    const logger = recordingLogger();
    const app = await startApp(env(stream), { logger, isMarketOpen: () => true });
    const m = app.metrics;
    assert.equal(m.transport, 'v2', 'auto starts on V2');
    await waitFor('the switch to MQTT', () => m.transport === 'mqtt');
    await waitFor('frames over MQTT', () => m.framesIn.stock > 100);
    assert.equal(
      sim.ledger.upgradesRejected[403] - rejectedBefore,
      3,
      'three refused V2 upgrades, then MQTT',
    );
    assert.equal(m.transportSwitches, 1);
    const snap = m.snapshot();
    assert.equal(snap.source.active, 'mqtt');
    assert.equal(snap.source.transport, 'mqtt');
    const switched = logger.lines.find((l) => l.message === 'switching the live transport');
    assert.equal(switched?.details?.from, 'v2');
    assert.match(String(switched?.details?.reason), /3 connection attempts in a row failed .*403/);

    sim.faults.silence(3600);
    await settled(() => m.framesIn.stock);
    assert.equal(await app.shutdown('test'), true);
    sim.faults.clear();

    const envelopes = await readEnvelopes(kinesis.client, stream);
    assert.equal(envelopes.length, m.framesIn.stock, 'every frame received is in the stream');
    const connections = [...new Set(envelopes.map((e) => e.connectionId))];
    assert.equal(connections.length, 1);
    assert.match(connections[0], /-mqtt-1$/, 'the frames came over the MQTT connection');
  });

  it('moves to MQTT when V2 is silent in trading hours: a new connection, so the jump is a gap', async () => {
    const stream = await kinesis.newStream();
    const logger = recordingLogger();
    const app = await startApp(env(stream, { WATCHDOG_SECONDS: '1' }), {
      logger,
      isMarketOpen: () => true,
    });
    const m = app.metrics;
    await waitFor('frames over V2', () => m.framesIn.stock > 50);
    assert.equal(m.transport, 'v2');
    // Both feeds go silent for 1.5 s: V2 is given up after 1 s, MQTT delivers once it ends.
    sim.faults.silence(1.5);
    await waitFor('the switch to MQTT', () => m.transport === 'mqtt', 5_000);
    const atSwitch = m.framesIn.stock;
    await waitFor('frames over MQTT', () => m.framesIn.stock > atSwitch + 50);
    assert.equal(m.transport, 'mqtt', 'MQTT delivers: no switch back');
    const switched = logger.lines.find((l) => l.message === 'switching the live transport');
    assert.match(String(switched?.details?.reason), /no data frame for .* s while the market trades/);

    sim.faults.silence(3600);
    await settled(() => m.framesIn.stock);
    assert.equal(await app.shutdown('test'), true);
    sim.faults.clear();

    const envelopes = await readEnvelopes(kinesis.client, stream);
    assert.equal(envelopes.length, m.framesIn.stock + m.framesIn.other + m.framesIn.index);
    const connections = [...new Set(envelopes.map((e) => e.connectionId))];
    assert.ok(connections.length >= 2, 'V2 then MQTT');
    assert.doesNotMatch(connections[0], /-mqtt-/, 'the first connection was V2');
    assert.match(connections.at(-1) as string, /-mqtt-\d+$/, 'the last one MQTT');
    // Each connection numbers its own frames (V2's control acks take the first numbers).
    const mqttSeqs = envelopes
      .filter((e) => e.connectionId === connections.at(-1))
      .map((e) => e.seq)
      .sort((a, b) => a - b);
    assert.deepEqual(
      mqttSeqs,
      mqttSeqs.map((_, i) => i),
      'the MQTT connection numbers its frames from 0',
    );
  });

  it('keeps explicit v2 on V2 however long it is refused', async () => {
    sim.faults.set({ refuseSeconds: 3600, refuseMode: 'http-403', refuseOnly: 'realtime' });
    const stream = await kinesis.newStream();
    const rejectedBefore = sim.ledger.upgradesRejected[403];
    const app = await startApp(env(stream, { IBOARD_PROTOCOL: 'v2', IBOARD_MQTT_URL: '' }), {
      logger: recordingLogger(),
      isMarketOpen: () => true,
    });
    await waitFor('four refusals', () => sim.ledger.upgradesRejected[403] - rejectedBefore >= 4);
    assert.equal(app.metrics.transport, 'v2');
    assert.equal(app.metrics.transportSwitches, 0);
    assert.equal(app.metrics.framesIn.stock, 0);
    assert.equal(await app.shutdown('test'), true);
    sim.faults.clear();
  });
});
