import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Envelope } from '../../../core/records/index.ts';
import { IngestMetrics } from '../../../ingest-task/metrics.ts';
import { MqttConnection } from '../../../ingest-task/mqtt-connection.ts';
import { type Simulator, startSimulator } from '../../../local/simulator/simulator.ts';
import { recordingLogger, waitFor } from '../../support/ingest-stack.ts';

const SYMBOLS = ['VCB', 'FPT', 'HPG', 'SHB'];

let sim: Simulator;

before(async () => {
  // Every message altered, in turn an unknown field and junk in an unmapped field.
  sim = await startSimulator({
    symbols: SYMBOLS,
    rate: 300,
    seed: 5,
    faults: { extraFieldRate: 0.5, junkFieldRate: 0.5 },
  });
});
after(() => sim.stop());

describe("the simulator's MQTT broker accounts per client connection (the chaos run's ground truth)", () => {
  it("names each connection by its clientId, the ingest task's connection id, and counts what it handed it", async () => {
    const frames: Envelope[] = [];
    const rejected: string[] = [];
    const connection = new MqttConnection({
      url: sim.mqttUrl,
      symbols: SYMBOLS,
      subscribeChunkSize: 2,
      watchdogMs: 60_000,
      reconnectBaseMs: 50,
      reconnectMaxMs: 200,
      isMarketOpen: () => false,
      onFrame: (envelope) => frames.push(envelope),
      onRejected: (reason, _bytes, connectionId) => rejected.push(`${reason} ${connectionId}`),
      metrics: new IngestMetrics(),
      logger: recordingLogger(),
    });
    connection.start();
    try {
      await waitFor('frames on the first connection', () => frames.length >= 100);
      sim.mqtt.publishRaw('FPT', new Uint8Array([0xff, 0xff, 0xff, 0xff]));
      await waitFor('the undecodable payload', () => rejected.length === 1);
      sim.mqtt.cut();
      await waitFor(
        'frames on a second connection',
        () => new Set(frames.map((f) => f.connectionId)).size >= 2,
      );
      const reached = frames.length;
      await waitFor('more frames', () => frames.length >= reached + 50);
    } finally {
      await connection.stop();
    }

    const ids = [...new Set(frames.map((f) => f.connectionId))];
    assert.deepEqual(sim.mqtt.clientIds(), ids, 'the broker knows each connection by the id in the stream');
    assert.equal(rejected[0], `undecodable ${ids[0]}`);
    for (const id of ids) {
      const received = sim.mqtt.received(id);
      assert.ok(received, id);
      const got = frames.filter((f) => f.connectionId === id);
      const bySymbol = new Map<string, number>();
      for (const f of got) {
        const symbol = f.raw.split('|')[1].slice(2);
        bySymbol.set(symbol, (bySymbol.get(symbol) ?? 0) + 1);
      }
      if (id === ids[0]) {
        // Cut by the broker: it may have written frames the client never read, never the reverse.
        for (const [symbol, n] of bySymbol) assert.ok(n <= (received.stock.get(symbol) ?? 0), symbol);
        assert.equal(received.undecodable, 1, 'the payload that is not StockData, apart');
      } else {
        // Closed by the client after the broker's writes were read: each one arrived.
        assert.deepEqual(bySymbol, received.stock);
        assert.equal(received.undecodable, 0);
      }
      const altered = received.altered['extra-field'] + received.altered['junk-field'];
      assert.ok(
        received.altered['extra-field'] > 0 && received.altered['junk-field'] > 0,
        JSON.stringify(received),
      );
      assert.ok(altered <= [...received.stock.values()].reduce((n, v) => n + v, 0));
    }
    // Every altered message decoded (never refused) into the text the broker expects.
    const texts = frames.filter((f) => sim.mqtt.alteredTexts.has(f.raw)).length;
    assert.ok(texts > frames.length / 2, `${texts} of ${frames.length} frames are altered messages' text`);
  });
});
