/**
 * The simulator's MQTT broker serves a replayed session too (issue: "the same synthetic
 * market and replays as protobuf"): an MQTT client subscribed to `s/FPT/MAIN` receives the
 * recorded FPT frame of 2026-04-14 as StockData.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { BROWSER_USER_AGENT } from '../../../core/iboard/browser-headers.ts';
import { decodeStockData } from '../../../core/iboard/stock-data.ts';
import { type Simulator, startSimulator } from '../../../local/simulator/simulator.ts';

const SESSION = fileURLToPath(new URL('../../fixtures/iboard/session.jsonl', import.meta.url));

let sim: Simulator;
before(async () => {
  sim = await startSimulator({ replay: SESSION, speed: Number.POSITIVE_INFINITY });
});
after(async () => {
  await sim?.stop();
});

describe('simulator MQTT broker, replaying a recorded session', () => {
  it('publishes the recorded frames of the subscribed symbols as StockData', async () => {
    const client = mqtt.connect(sim.mqttUrl, {
      username: 'mqtt-ssi',
      password: 'mqtt-ssi',
      reconnectPeriod: 0,
      wsOptions: { headers: { 'User-Agent': BROWSER_USER_AGENT } },
    });
    try {
      const message = new Promise<Buffer>((resolve) =>
        client.once('message', (_topic, payload) => resolve(payload)),
      );
      await new Promise<void>((resolve) => client.once('connect', () => resolve()));
      await client.subscribeAsync('s/FPT/MAIN');
      const decoded = decodeStockData('FPT', await message);
      assert.equal(decoded.ok, true);
      if (!decoded.ok) return;
      assert.equal(decoded.frame.symbol, 'FPT');
      assert.equal(decoded.frame.totalVolume, 3_733_300);
      assert.equal(decoded.frame.totalValue, 286_268_130_000);
      assert.equal(sim.mqtt.published >= 1, true);
    } finally {
      client.end(true);
    }
  });
});
