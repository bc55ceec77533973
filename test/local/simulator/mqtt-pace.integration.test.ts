import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mqtt, { type MqttClient } from 'mqtt';
import { BROWSER_USER_AGENT } from '../../../core/iboard/browser-headers.ts';
import { type Simulator, startSimulator } from '../../../local/simulator/simulator.ts';

const SYMBOLS = ['VCB', 'FPT', 'HPG', 'SHB'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let sim: Simulator;
let client: MqttClient;

before(async () => {
  sim = await startSimulator({ symbols: SYMBOLS, rate: Number.POSITIVE_INFINITY, seed: 5 });
});
after(async () => {
  client?.end(true);
  await sim.stop();
});

describe('simulator MQTT broker at rate Infinity', () => {
  it('publishes as fast as its only MQTT subscriber reads, and waits while it does not read', async () => {
    client = mqtt.connect(sim.mqttUrl, {
      username: 'mqtt-ssi',
      password: 'mqtt-ssi',
      reconnectPeriod: 0,
      wsOptions: { headers: { 'User-Agent': BROWSER_USER_AGENT } },
    });
    let received = 0;
    client.on('message', () => received++);
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    await client.subscribeAsync(SYMBOLS.map((s) => `s/${s}/MAIN`));
    for (let i = 0; i < 200 && received < 5_000; i++) await sleep(25);
    assert.ok(received >= 5_000, `only ${received} messages: the feed is not paced by the MQTT client`);

    client.stream.pause();
    const pausedAt = sim.mqtt.published;
    // Publishing stops once the socket buffers are full: 250 ms without a publication.
    let stalled = false;
    for (let i = 0, last = -1; i < 40 && !stalled; i++) {
      await sleep(250);
      stalled = sim.mqtt.published === last;
      last = sim.mqtt.published;
    }
    assert.ok(
      stalled,
      `still publishing to a reader that does not read (${sim.mqtt.published - pausedAt} so far)`,
    );
    client.stream.resume();
    const resumedAt = received;
    for (let i = 0; i < 200 && received < resumedAt + 1_000; i++) await sleep(25);
    assert.ok(received >= resumedAt + 1_000, 'the feed goes on once the reader reads again');
  });
});
