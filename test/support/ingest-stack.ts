/**
 * Starts the ingest task in-process against the simulator and the Kinesis emulator,
 * and checks what reached the stream against the simulator's ledger.
 */
import assert from 'node:assert/strict';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { Envelope } from '../../core/records/index.ts';
import { type IngestApp, type IngestDependencies, startIngest } from '../../ingest-task/app.ts';
import { loadConfig } from '../../ingest-task/config.ts';
import { frameKindOf } from '../../ingest-task/frames.ts';
import type { Simulator } from '../../local/simulator/simulator.ts';
import { EMULATOR_ENV, readEnvelopes } from './stream.ts';

export type LogLine = { level: string; message: string; details?: Record<string, unknown> };

export function recordingLogger() {
  const lines: LogLine[] = [];
  const at = (level: string) => (message: string, details?: unknown) =>
    lines.push({ level, message, details: details as Record<string, unknown> | undefined });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

/**
 * Settings for fast tests: short linger, watchdog and backoff, a random metrics port. The
 * transport is fixed to V2 unless a test sets IBOARD_PROTOCOL (`auto` would move to the live
 * MQTT endpoint when a test's faults refuse or silence the simulator).
 */
export function testEnv(overrides: Record<string, string>): Record<string, string> {
  return {
    ...EMULATOR_ENV,
    IBOARD_PROTOCOL: 'v2',
    INGEST_MODE: 'always',
    METRICS_PORT: '0',
    LINGER_MS: '50',
    RECONNECT_MAX_SECONDS: '0.3',
    WATCHDOG_SECONDS: '60',
    DRAIN_DEADLINE_SECONDS: '10',
    ...overrides,
  };
}

export async function startApp(
  env: Record<string, string>,
  deps: IngestDependencies = {},
): Promise<IngestApp> {
  return startIngest(loadConfig(env), deps);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/**
 * Silences the simulator (nothing more is sent, and the ledger stops counting), waits
 * until the task has received every frame counted as sent, then shuts the task down.
 */
export async function quiesceAndShutdown(sim: Simulator, app: IngestApp): Promise<boolean> {
  sim.faults.silence(3600);
  const sent = () => sim.ledger.clientIds().reduce((n, id) => n + sim.ledger.client(id).framesSent, 0);
  const { framesIn } = app.metrics;
  await waitFor(
    'every sent frame to arrive',
    () => framesIn.stock + framesIn.index + framesIn.other >= sent(),
  );
  return app.shutdown('test');
}

/** Data frames (stock and index) as the ledger counts them, per connection in connection order. */
function byConnection(envelopes: Envelope[]): Envelope[][] {
  const groups = new Map<string, Envelope[]>();
  for (const e of envelopes) {
    const kind = frameKindOf(e.raw);
    if (kind !== 'stock' && kind !== 'index') continue;
    const list = groups.get(e.connectionId) ?? [];
    if (list.length === 0) groups.set(e.connectionId, list);
    list.push(e);
  }
  const order = (id: string) => Number(id.slice(id.lastIndexOf('-') + 1));
  return [...groups.entries()].sort((a, b) => order(a[0]) - order(b[0])).map(([, list]) => list);
}

const symbolOf = (raw: string) => raw.split('|')[1]?.slice(2);

/**
 * Every data frame the simulator sent is in the stream exactly once (per connection:
 * the same count, the same last frame per symbol), and each symbol's frames are in
 * receipt order. Returns the stream's envelopes.
 */
export async function assertStreamMatchesLedger(client: KinesisClient, stream: string, sim: Simulator) {
  const envelopes = await readEnvelopes(client, stream);
  const keys = envelopes.map((e) => `${e.connectionId}#${e.seq}`);
  assert.equal(new Set(keys).size, keys.length, 'no frame is in the stream twice');
  const connections = byConnection(envelopes);
  const clients = sim.ledger.clientIds().filter((id) => sim.ledger.client(id).framesSent > 0);
  assert.equal(
    connections.length,
    clients.length,
    'one stream connection per simulator client that got frames',
  );
  clients.forEach((clientId, i) => {
    const frames = connections[i];
    assert.equal(
      frames.length,
      sim.ledger.client(clientId).framesSent,
      `client ${clientId}: frames in the stream`,
    );
    const lastBySymbol = new Map<string, Envelope>();
    for (const e of frames) {
      if (!e.raw.startsWith('I#')) {
        const symbol = symbolOf(e.raw);
        const previous = lastBySymbol.get(symbol);
        if (previous) assert.ok(e.seq > previous.seq, `${symbol}: out of order in the stream`);
        lastBySymbol.set(symbol, e);
      }
    }
    for (const [symbol, raw] of sim.ledger.lastFrames(clientId)) {
      assert.equal(lastBySymbol.get(symbol)?.raw, raw, `client ${clientId}: last frame of ${symbol}`);
    }
  });
  return envelopes;
}
