import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startAwsFaultProxy } from '../../local/emulators/fault-proxy.ts';
import type { ClientInfo } from '../../local/simulator/client-session.ts';
import { type Simulator, startSimulator } from '../../local/simulator/simulator.ts';
import {
  assertStreamMatchesLedger,
  quiesceAndShutdown,
  recordingLogger,
  sleep,
  startApp,
  testEnv,
  waitFor,
} from '../support/ingest-stack.ts';
import { kinesisForFile } from '../support/stream.ts';

const kinesis = kinesisForFile('ingest', 2);

async function withSimulator(
  options: Parameters<typeof startSimulator>[0],
  run: (sim: Simulator) => Promise<void>,
) {
  const sim = await startSimulator({ symbols: 60, rate: 2000, seed: 7, indexIntervalMs: 100, ...options });
  try {
    await run(sim);
  } finally {
    await sim.stop();
  }
}

describe('ingest task (simulator + Kinesis emulator)', () => {
  it('puts every frame the simulator sent in the stream exactly once, in per-symbol order', async () => {
    const stream = await kinesis.newStream();
    await withSimulator({}, async (sim) => {
      const app = await startApp(
        testEnv({
          STREAM_NAME: stream,
          IBOARD_URL: sim.url,
          AWS_ENDPOINT_URL: kinesis.endpoint,
          LINGER_MS: '200',
        }),
      );
      await waitFor('frames to flow', () => app.metrics.framesPut > 1500);
      assert.equal(await quiesceAndShutdown(sim, app), true);
      assert.equal(sim.ledger.upgradesRejected[403], 0, 'the browser User-Agent is accepted');
      const envelopes = await assertStreamMatchesLedger(kinesis.client, stream, sim);
      assert.ok(
        envelopes.some((e) => e.raw.startsWith('I#')),
        'index frames are forwarded',
      );
      assert.ok(app.metrics.framesIn.control > 0, 'acknowledgements are counted');
      assert.ok(app.metrics.recordsPut * 10 < envelopes.length, 'many frames per record');
    });
  });

  it('reconnects and resubscribes after the server closes the socket', async () => {
    const stream = await kinesis.newStream();
    await withSimulator({ faults: { closeAfterFrames: 400, closeCode: 4001 } }, async (sim) => {
      const logger = recordingLogger();
      const app = await startApp(
        testEnv({ STREAM_NAME: stream, IBOARD_URL: sim.url, AWS_ENDPOINT_URL: kinesis.endpoint }),
        { logger },
      );
      await waitFor('three connections', () => app.metrics.connects >= 3);
      await waitFor('frames on the third', () => sim.ledger.clientIds().length >= 3);
      // The socket closes every 400 frames: read a reconnected client once its (chunked)
      // subscription has arrived, not whichever socket happens to be open right now.
      let current: ClientInfo | undefined;
      await waitFor('the whole market subscribed again on a new connection', () => {
        current = sim.clients().find((c) => c.id > 1 && c.symbols > 1500 && c.indices >= 6);
        return current !== undefined;
      });
      assert.ok(
        current && current.symbols > 1500,
        'the whole market is subscribed again on the new connection',
      );
      assert.equal(current.indices, 6);
      assert.equal(await quiesceAndShutdown(sim, app), true);
      assert.ok(app.metrics.reconnects >= 2);
      await assertStreamMatchesLedger(kinesis.client, stream, sim);
      const lost = logger.lines.filter((l) => l.message === 'connection lost, reconnecting');
      assert.equal(lost.length, app.metrics.reconnects, 'one warning per lost connection');
    });
  });

  it('reconnects a silent socket only while the calendar says the market trades', async () => {
    const stream = await kinesis.newStream();
    await withSimulator({}, async (sim) => {
      // The watchdog asks the trading calendar at the injected clock: a Saturday, then a Tuesday 10:00 ICT.
      let now = Date.parse('2026-04-18T10:00:00+07:00');
      const app = await startApp(
        testEnv({
          STREAM_NAME: stream,
          IBOARD_URL: sim.url,
          AWS_ENDPOINT_URL: kinesis.endpoint,
          WATCHDOG_SECONDS: '0.3',
        }),
        { clock: () => now, logger: recordingLogger() },
      );
      await waitFor('frames', () => app.metrics.framesPut > 200);
      sim.faults.silence(1);
      await sleep(800);
      assert.equal(app.metrics.reconnects, 0, 'market closed: a silent feed is expected, no reconnect');
      await waitFor('the silence to end', () => !sim.faults.isSilent());
      now = Date.parse('2026-04-14T10:00:00+07:00');
      await sleep(200);
      sim.faults.silence(0.8);
      await waitFor('a watchdog reconnect', () => app.metrics.reconnects >= 1, 3_000);
      await waitFor('frames on a new connection', () => sim.ledger.clientIds().length >= 2);
      await quiesceAndShutdown(sim, app);
      await assertStreamMatchesLedger(kinesis.client, stream, sim);
    });
  });

  it('keeps retrying refused connections with backoff, logging the outage once', async () => {
    const stream = await kinesis.newStream();
    await withSimulator({ faults: { refuseSeconds: 1.2 } }, async (sim) => {
      const logger = recordingLogger();
      const app = await startApp(
        testEnv({ STREAM_NAME: stream, IBOARD_URL: sim.url, AWS_ENDPOINT_URL: kinesis.endpoint }),
        { logger },
      );
      await waitFor('a connection', () => app.metrics.connects === 1, 5_000);
      assert.ok(sim.ledger.upgradesRejected[503] >= 2, `refused ${sim.ledger.upgradesRejected[503]} times`);
      assert.equal(logger.lines.filter((l) => l.message === 'connection lost, reconnecting').length, 1);
      const connected = logger.lines.find((l) => l.message === 'connected');
      assert.ok((connected?.details?.attempts as number) >= 2, 'the recovery names the attempts');
      await waitFor('frames', () => app.metrics.framesPut > 100);
      assert.equal(await quiesceAndShutdown(sim, app), true);
      await assertStreamMatchesLedger(kinesis.client, stream, sim);
    });
  });

  it('loses nothing through partial failures and an outage, within the buffer bound', async () => {
    const stream = await kinesis.newStream();
    const proxy = await startAwsFaultProxy(kinesis.endpoint);
    try {
      await withSimulator({ rate: 3000 }, async (sim) => {
        const app = await startApp(
          testEnv({
            STREAM_NAME: stream,
            IBOARD_URL: sim.url,
            AWS_ENDPOINT_URL: proxy.endpoint,
            BUFFER_MAX_FRAMES: '1500',
          }),
          { logger: recordingLogger() },
        );
        proxy.set({ putRecordsFailRate: 0.3 });
        await waitFor('refused entries', () => app.metrics.failedEntries > 5);
        proxy.set({ putRecordsFailRate: 0, down: true });
        await waitFor('reading paused', () => app.metrics.paused, 5_000);
        await sleep(1_000);
        proxy.set({ down: false });
        await waitFor('reading resumed', () => !app.metrics.paused, 10_000);
        assert.equal(await quiesceAndShutdown(sim, app), true);
        assert.ok(app.metrics.requestErrors > 0);
        assert.ok(app.metrics.bufferPeak <= 1500, `peak ${app.metrics.bufferPeak}`);
        assert.equal(app.metrics.framesShed, 0);
        await assertStreamMatchesLedger(kinesis.client, stream, sim);
      });
    } finally {
      await proxy.stop();
    }
  });

  it('sheds frames, counted and logged, once reading was blocked too long', async () => {
    const stream = await kinesis.newStream();
    const proxy = await startAwsFaultProxy(kinesis.endpoint);
    try {
      await withSimulator({ rate: 3000 }, async (sim) => {
        const logger = recordingLogger();
        const app = await startApp(
          testEnv({
            STREAM_NAME: stream,
            IBOARD_URL: sim.url,
            AWS_ENDPOINT_URL: proxy.endpoint,
            BUFFER_MAX_FRAMES: '1000',
            BUFFER_BLOCK_SECONDS: '0.2',
          }),
          { logger },
        );
        await waitFor('frames', () => app.metrics.framesPut > 100);
        proxy.set({ down: true });
        await waitFor('shedding', () => app.metrics.framesShed > 100, 5_000);
        assert.ok(app.metrics.bufferDepth <= 1000);
        proxy.set({ down: false });
        assert.equal(await quiesceAndShutdown(sim, app), true);
        assert.ok(app.metrics.bufferPeak <= 1000, `peak ${app.metrics.bufferPeak}`);
        assert.equal(
          logger.lines.filter((l) => l.message === 'buffer full, shedding frames').length >= 1,
          true,
        );
        const sent = sim.ledger.clientIds().reduce((n, id) => n + sim.ledger.client(id).framesSent, 0);
        assert.equal(
          app.metrics.framesPut,
          sent - app.metrics.framesShed,
          'only the shed frames are missing',
        );
      });
    } finally {
      await proxy.stop();
    }
  });
});
