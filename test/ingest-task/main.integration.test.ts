import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startAwsFaultProxy } from '../../local/emulators/fault-proxy.ts';
import { type Simulator, startSimulator } from '../../local/simulator/simulator.ts';
import { buildIngestBundle } from '../../scripts/build-ingest.ts';
import { type IngestChild, spawnIngest } from '../support/child-process.ts';
import { sleep, testEnv } from '../support/ingest-stack.ts';
import { kinesisForFile, readEnvelopes } from '../support/stream.ts';

const kinesis = kinesisForFile('main', 2);
let sim: Simulator;

before(async () => {
  sim = await startSimulator({ symbols: 60, rate: 3000, seed: 3, indexIntervalMs: 100 });
});
after(() => sim.stop());

/** The one line a bad configuration prints: level ERROR, naming the setting. */
async function assertOneClearMessage(child: IngestChild, setting: string, mentions: RegExp) {
  const { code } = await child.exited;
  assert.equal(code, 2, child.stdout() + child.stderr());
  assert.equal(child.lines.length, 1, `one line, got:\n${child.stdout()}`);
  const [line] = child.lines;
  assert.equal(line.level, 'ERROR');
  assert.equal(line.setting, setting);
  assert.match(line.message, new RegExp(`^invalid configuration: ${setting}: `));
  assert.match(line.message, mentions);
  assert.equal(child.stderr(), '', 'nothing on stderr');
}

async function waitForFrames(child: IngestChild, count: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await child.metrics()).frames.put < count) {
    assert.ok(Date.now() < deadline, 'frames did not reach the stream');
    await sleep(50);
  }
}

describe('ingest task process', () => {
  it('exits with one clear message naming the setting on a bad configuration', async () => {
    const base = testEnv({ STREAM_NAME: 'x', IBOARD_URL: sim.url, AWS_ENDPOINT_URL: kinesis.endpoint });
    const checks = [
      assertOneClearMessage(
        spawnIngest({ ...base, SYMBOLS: 'FPT,FTP' }),
        'SYMBOLS',
        /"FTP".*did you mean .*FPT/,
      ),
      assertOneClearMessage(
        spawnIngest({ ...base, IBOARD_URL: 'http://127.0.0.1/realtime' }),
        'IBOARD_URL',
        /ws:/,
      ),
      assertOneClearMessage(
        spawnIngest({ ...base, STREAM_NAME: 'missing' }),
        'STREAM_NAME',
        /"missing" does not exist/,
      ),
    ];
    await Promise.all(checks);
  });

  it('on SIGTERM stops reading, puts everything received in the stream and exits 0', async () => {
    const stream = await kinesis.newStream();
    const child = spawnIngest(
      testEnv({
        STREAM_NAME: stream,
        IBOARD_URL: sim.url,
        AWS_ENDPOINT_URL: kinesis.endpoint,
        LINGER_MS: '200',
      }),
    );
    await waitForFrames(child, 1000);
    const { metricsPort } = await child.waitForLine((l) => l.message === 'ingest task started');
    const health = await fetch(`http://127.0.0.1:${metricsPort}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(Object.keys(await health.json()), [
      'status',
      'wanted',
      'connection',
      'bufferDepth',
      'lastFrameAgeSeconds',
    ]);
    child.process.kill('SIGTERM');
    const { code } = await child.exited;
    assert.equal(code, 0, child.stdout() + child.stderr());
    const stopping = await child.waitForLine((l) => l.message.startsWith('shutting down'));
    const flushed = await child.waitForLine((l) => l.message.startsWith('flushed'));
    const envelopes = await readEnvelopes(kinesis.client, stream);
    assert.ok((stopping.framesAccepted as number) >= 1000);
    assert.equal(flushed.framesPut, stopping.framesAccepted, 'the task acknowledged every frame it received');
    assert.equal(
      envelopes.length,
      stopping.framesAccepted,
      'every frame received before the signal is stored',
    );
    assert.equal(new Set(envelopes.map((e) => `${e.connectionId}#${e.seq}`)).size, envelopes.length);
  });

  it('gives up at the drain deadline with exit 1, and exits at once on a second signal', async () => {
    const stream = await kinesis.newStream();
    const proxy = await startAwsFaultProxy(kinesis.endpoint);
    try {
      const env = testEnv({ STREAM_NAME: stream, IBOARD_URL: sim.url, AWS_ENDPOINT_URL: proxy.endpoint });
      const deadline = spawnIngest({ ...env, DRAIN_DEADLINE_SECONDS: '1' });
      const second = spawnIngest({ ...env, DRAIN_DEADLINE_SECONDS: '20' });
      await Promise.all([waitForFrames(deadline, 200), waitForFrames(second, 200)]);
      proxy.set({ down: true });
      await sleep(300);
      const signalledAt = Date.now();
      deadline.process.kill('SIGTERM');
      second.process.kill('SIGTERM');
      await second.waitForLine((l) => l.message.startsWith('shutting down'));
      second.process.kill('SIGTERM');
      const [late, now] = await Promise.all([deadline.exited, second.exited]);
      assert.equal(late.code, 1);
      assert.ok(late.at - signalledAt < 3_000, `drain deadline exit after ${late.at - signalledAt} ms`);
      const gaveUp = await deadline.waitForLine((l) => l.message.startsWith('drain deadline passed'));
      assert.ok((gaveUp.notDelivered as number) > 0);
      assert.equal(now.code, 128 + 15, 'second SIGTERM: immediate exit');
      assert.ok(now.at - signalledAt < 2_000);
      assert.ok(second.lines.some((l) => l.message === 'second signal, exiting now'));
    } finally {
      await proxy.stop();
    }
  });

  it('builds a bundle that prints --help, reports a configuration error and ingests', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ingest-bundle-'));
    try {
      const { outfile, bytes } = await buildIngestBundle(dir);
      assert.ok(bytes > 0);
      const bundleHelp = spawnIngest({}, [outfile, '--help']);
      assert.equal((await bundleHelp.exited).code, 0);
      assert.match(bundleHelp.stdout(), /STREAM_NAME/);
      const bad = spawnIngest({ AWS_REGION: 'x', INGEST_MODE: 'always' }, [outfile]);
      await assertOneClearMessage(bad, 'STREAM_NAME', /required/);
      // The bundle runs for real: its packing worker (pack-worker.mjs) is found beside main.mjs.
      const stream = await kinesis.newStream();
      const run = spawnIngest(
        testEnv({ STREAM_NAME: stream, IBOARD_URL: sim.url, AWS_ENDPOINT_URL: kinesis.endpoint }),
        [outfile],
      );
      await waitForFrames(run, 100);
      run.process.kill('SIGTERM');
      assert.equal((await run.exited).code, 0, run.stdout() + run.stderr());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
