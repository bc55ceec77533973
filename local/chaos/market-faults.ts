/**
 * The chaos run's faults that the market and a deploy make rather than a breakdown: an
 * exchange correction (the market lowers a symbol's day volume) and a second ingest task
 * connected beside the first, both putting into the same stream (ECS starts the new task
 * before it stops the old one). Each leaves a {@link FaultEvent}, like `faults.ts`.
 */
import { join } from 'node:path';
import { CONFIRM_AFTER_MS } from '../../core/derive/symbol-tracker.ts';
import { ENV } from '../../core/settings.ts';
import { IngestProcess } from '../runtime/ingest-child.ts';
import { freePort } from '../runtime/ports.ts';
import type { LedgerCorrection } from '../simulator/ledger.ts';
import type { Simulator } from '../simulator/simulator.ts';
import { ChaosStepError, type FaultEvent, sleep } from './fault-actions.ts';

/**
 * Lowers the cumulative volume (and value) of the symbol that traded most so far by
 * `fraction`, as an exchange correction: the most traded symbol has frames every few
 * hundred ms, so a frame 10 s after the first lower one (its confirmation) is sure, and
 * half of its volume takes far longer than that to trade again.
 */
export function exchangeCorrection(
  sim: Simulator,
  fraction: number,
): { event: FaultEvent; correction: LedgerCorrection } {
  const startedAt = Date.now();
  const market = sim.market;
  if (!market) throw new ChaosStepError('an exchange correction needs the synthetic market');
  const [symbol] = market.instruments
    .map((i) => [i.symbol, sim.ledger.totals(i.symbol).volume] as const)
    .sort((a, b) => b[1] - a[1])[0];
  const correction = market.correct(symbol, fraction);
  if (!correction) throw new ChaosStepError(`${symbol} has not traded: nothing to correct`);
  const n = (v: number) => v.toLocaleString('en-US');
  return {
    correction,
    event: {
      name: `exchange: ${symbol} volume corrected ${n(correction.fromVolume)} → ${n(correction.toVolume)}`,
      track: 'market',
      startedAt,
      endedAt: startedAt,
      reconnects: false,
      lossAllowed: false,
      clients: [],
    },
  };
}

/** Attempts at a correction that stays below its old total long enough to be confirmed. */
const CORRECTION_ATTEMPTS = 4;

/**
 * Makes exchange corrections until one is not overtaken within the confirmation delay: new
 * trades that take the volume back above the old total before a frame 10 s later could
 * confirm it make it, by the rule, a late frame (the sum still holds, only no `correction`
 * row tells it). The most traded symbol regains half its volume within 13 s in about 1 run
 * in 10 at the short run's scale (measured on 200 seeds of the synthetic market), hence
 * the retries. Resolves with the correction that can be confirmed.
 */
export async function confirmableCorrection(
  sim: Simulator,
  fraction: number,
  now: () => number,
  note: (event: FaultEvent) => void,
): Promise<LedgerCorrection> {
  for (let attempt = 1; attempt <= CORRECTION_ATTEMPTS; attempt++) {
    const { event, correction } = exchangeCorrection(sim, fraction);
    note(event);
    while (now() < correction.time + CONFIRM_AFTER_MS && correction.overtakenAt === undefined)
      await sleep(100);
    if (correction.overtakenAt === undefined) return correction;
  }
  throw new ChaosStepError(
    `${CORRECTION_ATTEMPTS} exchange corrections were all overtaken by new trades within ${CONFIRM_AFTER_MS / 1000} s`,
  );
}

export type OverlapOptions = {
  readonly sim: Simulator;
  /** The runtime's ingest environment (same stream, same source, same settings). */
  readonly env: Readonly<Record<string, string>>;
  readonly seconds: number;
  readonly skewMs: number;
  readonly logDir: string;
  readonly timeoutMs: number;
  /** The ingest tasks' transport. @default 'v2' */
  readonly transport?: 'v2' | 'mqtt';
};

/** Loaded into the second task before anything else: its host's clock runs ahead. */
const CLOCK_AHEAD = new URL('./host-clock-ahead.mjs', import.meta.url).href;

/**
 * Starts a second ingest task beside the runtime's, waits until its connection gets data,
 * lets both run for `seconds`, then stops it (SIGTERM: it flushes what it read). Its host's
 * clock runs `skewMs` ahead (`host-clock-ahead.mjs`: its receipt times, and the simulated
 * clock it derives), and over V2 its feed connection gets field 101 as far ahead (another
 * SSI server's clock). The event's client is that connection (a websocket client id, or
 * over MQTT the broker's clientId, the task's connection id): it must lose nothing.
 */
export async function overlappingIngest(options: OverlapOptions): Promise<FaultEvent> {
  const { sim, skewMs } = options;
  const mqtt = options.transport === 'mqtt';
  const startedAt = Date.now();
  const before = new Set(sim.ledger.clientIds());
  const mqttBefore = new Set(sim.mqtt.deliveries.keys());
  const metricsPort = await freePort();
  const env: Record<string, string> = { ...options.env, [ENV.METRICS_PORT]: String(metricsPort) };
  env.NODE_OPTIONS = `--import=${CLOCK_AHEAD}`;
  env.CHAOS_CLOCK_AHEAD_MS = String(skewMs);
  const ingest = new IngestProcess({
    env,
    metricsPort,
    logFile: join(options.logDir, 'ingest-overlap.log'),
    maxRestarts: 0,
  });
  // Over MQTT there is no field 101: its frames are dated by their receipt (the host clock).
  if (!mqtt) sim.faults.set({ serverTimeSkewMs: skewMs });
  ingest.start();
  try {
    const client = mqtt
      ? await newMqttClientWithData(sim, mqttBefore, options.timeoutMs)
      : await newClientWithData(sim, before, options.timeoutMs);
    sim.faults.set({ serverTimeSkewMs: undefined });
    await sleep(options.seconds * 1000);
    const ended = await ingest.stop(30_000);
    if (ended !== 'drained') throw new ChaosStepError(`the second ingest task ended ${ended}`);
    return {
      name: `ingest: a second task on the same stream for ${options.seconds} s, clocks ${skewMs / 1000} s ahead`,
      track: 'process',
      startedAt,
      endedAt: Date.now(),
      reconnects: false,
      lossAllowed: false,
      clients: [client],
    };
  } finally {
    sim.faults.set({ serverTimeSkewMs: undefined });
    if (ingest.running) await ingest.stop(5_000);
  }
}

/** The clientId of an MQTT client not in `before` once it has been handed 50 messages. */
async function newMqttClientWithData(
  sim: Simulator,
  before: ReadonlySet<string>,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const [id, delivered] of sim.mqtt.deliveries) if (!before.has(id) && delivered >= 50) return id;
    await sleep(50);
  }
  throw new ChaosStepError(`the second ingest task got no MQTT data within ${timeoutMs / 1000} s`);
}

/** The id of a simulator client not in `before` once it has been sent 50 data frames. */
async function newClientWithData(
  sim: Simulator,
  before: ReadonlySet<number>,
  timeoutMs: number,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const fresh = sim.ledger
      .clientIds()
      .find((id) => !before.has(id) && sim.ledger.client(id).framesSent >= 50);
    if (fresh !== undefined) return fresh;
    await sleep(50);
  }
  throw new ChaosStepError(`the second ingest task got no data within ${timeoutMs / 1000} s`);
}
