import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AutoConnection, type TransportConnection } from '../../ingest-task/auto-connection.ts';
import { IngestMetrics } from '../../ingest-task/metrics.ts';
import { recordingLogger } from '../support/ingest-stack.ts';

function fake(name: string, log: string[]): TransportConnection {
  return {
    start: () => log.push(`${name} start`),
    stop: async () => {
      log.push(`${name} stop`);
    },
    pause: () => log.push(`${name} pause`),
    resume: () => log.push(`${name} resume`),
  };
}

function setup(marketOpen = true) {
  const log: string[] = [];
  const metrics = new IngestMetrics();
  const logger = recordingLogger();
  let open = marketOpen;
  const auto = new AutoConnection({
    connections: { v2: fake('v2', log), mqtt: fake('mqtt', log) },
    watchdogMs: 1_000,
    isMarketOpen: () => open,
    metrics,
    logger,
    checkMs: 60_000, // checks are driven by the test
  });
  return { auto, log, metrics, logger, setOpen: (o: boolean) => (open = o) };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('AutoConnection', () => {
  it('moves to MQTT after three failures to open in a row, not after two', async () => {
    const { auto, log, metrics, logger } = setup();
    auto.start();
    auto.reportOpenFailed('v2', 'Unexpected server response: 403');
    auto.reportOpenFailed('v2', 'Unexpected server response: 403');
    assert.equal(auto.transport, 'v2');
    auto.reportOpened('v2');
    auto.reportOpenFailed('v2', 'x');
    auto.reportOpenFailed('v2', 'x');
    assert.equal(auto.transport, 'v2', 'an open in between starts the count again');
    auto.reportOpenFailed('v2', 'Unexpected server response: 403');
    await settle();
    assert.equal(auto.transport, 'mqtt');
    assert.equal(metrics.transport, 'mqtt');
    assert.equal(metrics.transportSwitches, 1);
    assert.deepEqual(log, ['v2 start', 'v2 stop', 'mqtt start']);
    assert.match(String(logger.lines.at(-1)?.details?.reason), /3 connection attempts in a row failed/);
    // A late report from the connection no longer in use changes nothing.
    for (let i = 0; i < 5; i++) auto.reportOpenFailed('v2', 'late');
    assert.equal(auto.transport, 'mqtt');
    await auto.stop();
    assert.equal(log.at(-1), 'mqtt stop');
  });

  it('moves on silence only while the market trades and reading is not paused', async () => {
    const { auto, log, metrics, setOpen } = setup(false);
    const t0 = Date.now();
    auto.start();
    auto.check(t0 + 5_000);
    assert.equal(auto.transport, 'v2', 'market closed: silence is expected');
    setOpen(true);
    auto.pause();
    auto.check(t0 + 10_000);
    assert.equal(auto.transport, 'v2', 'paused by us: not the feed');
    auto.resume();
    metrics.lastDataFrameAt = Date.now() + 500;
    auto.check(Date.now() + 1_200);
    assert.equal(auto.transport, 'v2', 'data 0.7 s ago');
    auto.check(Date.now() + 1_600);
    await settle();
    assert.equal(auto.transport, 'mqtt');
    assert.deepEqual(log, ['v2 start', 'v2 pause', 'v2 resume', 'v2 stop', 'mqtt start']);
    await auto.stop();
  });

  it('a stop during a switch leaves nothing running', async () => {
    const { auto, log } = setup();
    auto.start();
    for (let i = 0; i < 3; i++) auto.reportOpenFailed('v2', 'refused');
    await auto.stop();
    assert.ok(!log.includes('mqtt start'), log.join(', '));
  });
});
