/**
 * Plays the chaos plan against the embedded runtime, in this process:
 *
 * 1. a simulator (synthetic market, ledger kept) outside the runtime, so it — and its
 *    ledger — outlive a runtime restart; it runs on the runtime's simulated clock, set
 *    20 minutes into the continuous session of the latest trading day at real speed, so
 *    the market trades and the ingest task's watchdog is armed (it only fires while the
 *    calendar says the market trades);
 * 2. two fault proxies in front of the runtime's AWS endpoint (fixed port, so both
 *    survive the restart): the ingest task's Kinesis calls go through one
 *    (`AWS_ENDPOINT_URL_KINESIS`), the transform's DynamoDB calls through the other
 *    (`AWS_ENDPOINT_URL_DYNAMODB` in this process, where the runtime runs the handler);
 * 3. the runtime with `INGEST_MODE=always`: the chaos run proves the data path, not the
 *    schedule (which has its own tests), and the schedule's session-control function
 *    decides on the real time of day, not the simulated clock;
 * 4. the faults, in the plan's order (frames altered by the feed all along; the exchange
 *    correction and the second ingest task among them); then, once the correction has had
 *    time to be confirmed, the source falls silent, the runtime is
 *    stopped (draining the ingest task and the event source mapping) and the simulator's
 *    ledger is summarised for the checks (over MQTT, with what its broker handed each
 *    client connection, named by clientId: the ingest task's connection id).
 *
 * Each step below is a named function; the ones that start something return what can be
 * stopped (the simulator, the proxies, the runtime), and `runChaosSession` stops whatever
 * was started, whatever step failed.
 */

import { join } from 'node:path';
import { CONFIRM_AFTER_MS } from '../../core/derive/symbol-tracker.ts';
import { nextMarketOpen } from '../../core/market/calendar.ts';
import { ENV } from '../../core/settings.ts';
import { synthesize } from '../cloudformation/synth.ts';
import { type AwsFaultProxy, type AwsFaultStats, startAwsFaultProxy } from '../emulators/fault-proxy.ts';
import { simulatedClock } from '../runtime/clock.ts';
import type { CqlSinkOptions } from '../runtime/cql-keyspace.ts';
import { defaultSimulatedStart } from '../runtime/market-source.ts';
import { freePort } from '../runtime/ports.ts';
import { type Runtime, type RuntimeOptions, startRuntime } from '../runtime/start-runtime.ts';
import type { LedgerCorrection } from '../simulator/ledger.ts';
import { type Simulator, startSimulator } from '../simulator/simulator.ts';
import {
  type ClientRef,
  type CorruptRecord,
  closeConnections,
  type FaultEvent,
  publishUndecodable,
  putCorruptRecords,
  sendPoison,
  sleep,
  terminateIngest,
  timedFault,
  waitForFlow,
  waitForMqttFlow,
} from './fault-actions.ts';
import { type LedgerSummary, overMqtt, summariseLedger } from './ledger-summary.ts';
import { confirmableCorrection, overlappingIngest } from './market-faults.ts';
import type { ChaosPlan } from './plan.ts';

export type ChaosSessionOptions = {
  readonly plan: ChaosPlan;
  readonly dataDir: string;
  readonly symbols: number;
  readonly rate: number;
  readonly seed: string;
  /** A synthesized template (else `infra/` is synthesized once, for both runtime starts). */
  readonly template?: unknown;
  /**
   * The stack's batching window when `infra/` is synthesized. @default 1 (the checks do not
   * depend on it, and the run ends sooner than with the stack's 20 s)
   */
  readonly batchWindowSeconds?: number;
  /** The transform also writes to this Cassandra (`--sink both`). */
  readonly cql?: CqlSinkOptions;
  /**
   * The ingest task's transport (`npm run chaos -- --protocol mqtt`). @default 'v2'
   * Over MQTT the websocket-only faults change: the poison frames become undecodable
   * payloads, every close is a cut (no close code nor handshake), the altered frames are
   * StockData messages with an unknown field or junk in an unmapped field, and the second
   * task's skew is its host clock only (no field 101: frames are dated by receipt).
   */
  readonly protocol?: ChaosProtocol;
  readonly log: (line: string) => void;
};

export const CHAOS_PROTOCOLS = ['v2', 'mqtt'] as const;
export type ChaosProtocol = (typeof CHAOS_PROTOCOLS)[number];

export type ChaosSession = {
  readonly events: readonly FaultEvent[];
  readonly corruptRecords: readonly CorruptRecord[];
  readonly ledger: LedgerSummary;
  readonly streamName: string;
  readonly tables: Readonly<Record<string, string>>;
  /** Whether the final stop processed every record put (the runtime's drain). */
  readonly drained: boolean;
  readonly proxies: { readonly kinesis: AwsFaultStats; readonly dynamodb: AwsFaultStats };
  readonly protocol: ChaosProtocol;
  /** Messages the simulator's MQTT broker handed to its clients (0 over V2). */
  readonly mqttDelivered: number;
  /** Epoch ms the source fell silent at the end: no frame was sent after it. */
  readonly silencedAt: number;
  readonly seconds: number;
};

/** Simulated start: 20 minutes after the morning open (continuous matching on every exchange). */
const SESSION_OFFSET_MS = 20 * 60_000;
const FLOW_TIMEOUT_MS = 90_000;
/** After the correction's confirmation is possible, time for the confirming frame to be put. */
const CONFIRM_MARGIN_MS = 3_000;

/** The two fault proxies in front of the runtime's AWS endpoint. */
type Proxies = {
  readonly endpoint: string;
  readonly port: number;
  readonly kinesis: AwsFaultProxy;
  readonly dynamodb: AwsFaultProxy;
  stop(): Promise<void>;
};

/** What the steps share: the parts started, the faults noted, the timed faults still running. */
type Run = {
  readonly plan: ChaosPlan;
  readonly dataDir: string;
  readonly log: (line: string) => void;
  readonly mqtt: boolean;
  readonly clock: ReturnType<typeof simulatedClock>;
  readonly sim: Simulator;
  readonly proxies: Proxies;
  readonly symbols: readonly string[];
  readonly events: FaultEvent[];
  /** Timed faults not over yet: awaited before the steps that need them ended, and at the end. */
  readonly background: Promise<void>[];
  /** The runtime's log lines (the final drain is read from them). */
  readonly runtimeLog: string[];
  runtime: Runtime | undefined;
};

export async function runChaosSession(options: ChaosSessionOptions): Promise<ChaosSession> {
  const started = Date.now();
  const protocol = options.protocol ?? 'v2';
  // The morning open of the latest trading day (the default start is just before 09:15).
  const open = nextMarketOpen(defaultSimulatedStart(started) - SESSION_OFFSET_MS);
  const clock = simulatedClock(open + SESSION_OFFSET_MS, 1);
  const sim = await startSource(options, clock);
  let proxies: Proxies | undefined;
  let begun: Run | undefined;
  try {
    proxies = await startProxies();
    const run: Run = {
      plan: options.plan,
      dataDir: options.dataDir,
      log: options.log,
      mqtt: protocol === 'mqtt',
      clock,
      sim,
      proxies,
      symbols: sim.market?.instruments.map((i) => i.symbol) ?? [],
      events: [],
      background: [],
      runtimeLog: [],
      runtime: undefined,
    };
    begun = run;
    const runtimeOptions = await pipelineOptions(run, options, protocol);
    run.runtime = await startRuntime(runtimeOptions);
    const { streamName, tables } = run.runtime;
    await flowing(run, 'after the start', 100);
    run.log(
      `chaos: data flowing after ${((Date.now() - started) / 1000).toFixed(0)} s; faults begin (scale ${run.plan.scale})`,
    );
    // Source track, with the AWS faults overlapping it.
    await sourceCloses(run);
    await silenceWithDynamoErrors(run);
    const corrupt = await poisonAndCorruptRecords(run, streamName);
    // Runs beside the next steps: corrects again if new trades overtake the correction.
    const correcting = confirmableCorrection(sim, run.plan.correctionFraction, clock.now, (e) =>
      note(run, e),
    );
    correcting.catch(() => {}); // awaited below; a failure must not be an unhandled rejection meanwhile
    await refusal(run);
    await ingestSigterm(run);
    const clockSkews = await secondIngestTask(run, protocol);
    await restartRuntime(run, runtimeOptions);
    await sleep(run.plan.tailSeconds * 1000);
    await correctionConfirmable(run, await correcting);
    const end = await silenceAndStop(run);
    const ledger = run.mqtt
      ? overMqtt(summariseLedger(sim.ledger), sim.mqtt, run.symbols, clockSkews)
      : summariseLedger(sim.ledger);
    return {
      events: run.events,
      corruptRecords: corrupt,
      ledger,
      streamName,
      tables,
      drained: end.drained,
      proxies: { kinesis: { ...proxies.kinesis.stats }, dynamodb: { ...proxies.dynamodb.stats } },
      silencedAt: end.silencedAt,
      protocol,
      mqttDelivered: sim.mqtt.delivered,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    if (begun) await Promise.allSettled(begun.background);
    const runtime = begun?.runtime;
    if (runtime) await runtime.stop({ drainMs: 0, ingestDeadlineMs: 5_000 }).catch(() => runtime.kill());
    await sim.stop();
    await proxies?.stop();
  }
}

/** The simulator: the synthetic market on the session's clock, frames altered all along, ledger kept. */
function startSource(
  options: ChaosSessionOptions,
  clock: ReturnType<typeof simulatedClock>,
): Promise<Simulator> {
  return startSimulator({
    symbols: options.symbols,
    rate: options.rate,
    seed: options.seed,
    clock: clock.now,
    recordTrades: false,
    faults: { extraFieldRate: options.plan.extraFieldRate, junkFieldRate: options.plan.junkFieldRate },
  });
}

/**
 * The fault proxies on a fixed endpoint (both survive the runtime restart): Kinesis for
 * the ingest task, DynamoDB for the transform (run in this process: the SDK client it
 * builds on its first batch reads `AWS_ENDPOINT_URL_DYNAMODB`).
 */
async function startProxies(): Promise<Proxies> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const kinesis = await startAwsFaultProxy(endpoint, { seed: 1 });
  const dynamodb = await startAwsFaultProxy(endpoint, { seed: 2 }).catch(async (error) => {
    await kinesis.stop();
    throw error;
  });
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamodb.endpoint;
  return {
    endpoint,
    port,
    kinesis,
    dynamodb,
    async stop() {
      await kinesis.stop();
      await dynamodb.stop();
      delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
    },
  };
}

/** The runtime's settings, the same for both starts: the ingest task always on, on one transport. */
async function pipelineOptions(
  run: Run,
  options: ChaosSessionOptions,
  protocol: ChaosProtocol,
): Promise<RuntimeOptions> {
  const context = { batchWindowSeconds: options.batchWindowSeconds ?? 1 };
  const template = options.template ?? (await synthesize(options.dataDir, { context })).template;
  return {
    dataDir: options.dataDir,
    endpointPort: run.proxies.port,
    dashboardPort: null,
    source: { kind: 'url', url: run.mqtt ? run.sim.mqttUrl : run.sim.url },
    clock: run.clock,
    template,
    statusIntervalMs: 10_000,
    ...(options.cql ? { cql: options.cql } : {}),
    log: (line) => {
      run.runtimeLog.push(line);
      run.log(`  runtime | ${line}`);
    },
    ingestEnv: {
      [ENV.SYMBOLS]: run.symbols.join(','),
      [ENV.INGEST_MODE]: 'always',
      // One transport per run: its silence faults must not move `auto` to the other one.
      [ENV.IBOARD_PROTOCOL]: protocol,
      [ENV.WATCHDOG_SECONDS]: String(run.plan.watchdogSeconds),
      [ENV.RECONNECT_MAX_SECONDS]: String(run.plan.reconnectMaxSeconds),
      AWS_ENDPOINT_URL_KINESIS: run.proxies.kinesis.endpoint,
    },
  };
}

function note(run: Run, event: FaultEvent, clients: readonly ClientRef[] = []): void {
  event.clients = clients;
  run.events.push(event);
  run.log(`chaos: ${event.name}`);
}

/** The source connections open now: websocket client ids, or the MQTT broker's clientIds. */
function openClients(run: Run): ClientRef[] {
  return run.mqtt ? run.sim.mqtt.connectedIds() : run.sim.clients().map((c) => c.id);
}

function timed(run: Run, t: ReturnType<typeof timedFault>, clients: readonly ClientRef[] = []): void {
  note(run, t.event, clients);
  run.background.push(t.done);
}

function flowing(run: Run, what: string, frames = 50): Promise<void> {
  return (run.mqtt ? waitForMqttFlow : waitForFlow)(run.sim, frames, FLOW_TIMEOUT_MS, what);
}

const gap = (run: Run) => sleep(run.plan.gapSeconds * 1000);

/** The 5 closes, each once data flows again; Kinesis unreachable from the second on, then PutRecords failing. */
async function sourceCloses(run: Run): Promise<void> {
  const { plan, proxies } = run;
  for (const [i, code] of plan.closes.entries()) {
    await flowing(run, `before close ${i + 1}`);
    const clients = openClients(run);
    note(run, closeConnections(run.sim, code, run.clock.now, run.mqtt), clients);
    if (i === 1) {
      timed(
        run,
        timedFault(
          'kinesis: endpoint unreachable',
          'kinesis',
          plan.kinesisDownSeconds,
          () => proxies.kinesis.set({ down: true }),
          () => proxies.kinesis.set({ down: false }),
        ),
      );
    }
    await gap(run);
  }
  timed(
    run,
    timedFault(
      `kinesis: PutRecords refusing ${plan.putRecordsFailRate * 100}% of entries`,
      'kinesis',
      plan.putRecordsFailSeconds,
      () => proxies.kinesis.set({ putRecordsFailRate: plan.putRecordsFailRate }),
      () => proxies.kinesis.set({ putRecordsFailRate: 0 }),
    ),
  );
}

/** The source silent for 2 × the watchdog, DynamoDB failing meanwhile; returns once data flows again. */
async function silenceWithDynamoErrors(run: Run): Promise<void> {
  const { plan, proxies } = run;
  await flowing(run, 'before the silence');
  timed(
    run,
    timedFault(
      `source: silent ${plan.silenceSeconds} s (2 × watchdog)`,
      'source',
      plan.silenceSeconds,
      () => run.sim.faults.silence(plan.silenceSeconds),
      () => {},
      { reconnects: true },
    ),
    openClients(run),
  );
  await sleep(plan.gapSeconds * 500);
  timed(
    run,
    timedFault(
      `dynamodb: ${plan.dynamoErrorRate * 100}% of the transform's requests throttled, then failing with HTTP 500`,
      'dynamodb',
      plan.dynamoErrorSeconds,
      () => {
        proxies.dynamodb.set({ errorRate: plan.dynamoErrorRate, error: 'throttle' });
        setTimeout(() => proxies.dynamodb.set({ error: 'internal' }), plan.dynamoErrorSeconds * 500);
      },
      () => proxies.dynamodb.set({ errorRate: 0 }),
    ),
  );
  await sleep(plan.silenceSeconds * 1000);
  await flowing(run, 'after the silence');
}

/** Malformed frames (over MQTT, undecodable payloads) from the source, corrupt records put into the stream. */
async function poisonAndCorruptRecords(run: Run, streamName: string): Promise<readonly CorruptRecord[]> {
  const { plan, sim } = run;
  note(
    run,
    run.mqtt
      ? publishUndecodable(sim, run.symbols[0], plan.poisonFrames)
      : await sendPoison(sim, plan.poisonFrames, FLOW_TIMEOUT_MS),
  );
  const corrupt = await putCorruptRecords(run.proxies.endpoint, streamName, plan.corruptRecords);
  note(run, corrupt.event);
  return corrupt.records;
}

/** The source cuts the connection and refuses new ones; returns once every timed fault ended and data flows. */
async function refusal(run: Run): Promise<void> {
  const { plan, sim } = run;
  await flowing(run, 'before the refusal');
  const beforeRefusal = openClients(run);
  timed(
    run,
    timedFault(
      `source: connection cut, new ones refused ${plan.refuseSeconds} s`,
      'source',
      plan.refuseSeconds,
      () => {
        sim.faults.refuse(plan.refuseSeconds, 'http-503');
        sim.faults.set({ closeAt: run.clock.now() });
      },
      () => {},
      { reconnects: true, lossAllowed: true },
    ),
    beforeRefusal,
  );
  await Promise.all(run.background);
  await flowing(run, 'after the refusal');
  await gap(run);
}

/** SIGTERM to the ingest task (the runtime restarts it, as ECS would). */
async function ingestSigterm(run: Run): Promise<void> {
  const beforeSigterm = openClients(run);
  note(run, await terminateIngest(30_000), beforeSigterm);
  await flowing(run, 'after the ingest task restarted');
  await gap(run);
}

/**
 * A second ingest task beside the first, its clock ahead; over MQTT returns its
 * connection (clientId) → the skew, for the ledger summary (over V2 the ledger knows it).
 */
async function secondIngestTask(run: Run, protocol: ChaosProtocol): Promise<Map<string, number>> {
  const { plan, runtime } = run;
  if (!runtime) throw new Error('the runtime is not running');
  const event = await overlappingIngest({
    sim: run.sim,
    env: runtime.ingestEnvironment,
    seconds: plan.overlapSeconds,
    skewMs: plan.overlapSkewMs,
    logDir: join(run.dataDir, 'logs'),
    timeoutMs: FLOW_TIMEOUT_MS,
    transport: protocol,
  });
  note(run, event, event.clients);
  await flowing(run, 'after the second ingest task stopped');
  return new Map(
    event.clients.filter((c) => typeof c === 'string').map((c) => [c, plan.overlapSkewMs] as const),
  );
}

/** The whole runtime stopped (drained) and started again on the same data directory. */
async function restartRuntime(run: Run, runtimeOptions: RuntimeOptions): Promise<void> {
  const restart: FaultEvent = {
    name: 'runtime: stopped and started again',
    track: 'process',
    startedAt: Date.now(),
    endedAt: Number.NaN,
    reconnects: true,
    lossAllowed: false,
    clients: [],
  };
  note(run, restart, openClients(run));
  await run.runtime?.stop({ drainMs: 30_000 });
  run.runtime = undefined;
  run.runtime = await startRuntime(runtimeOptions);
  restart.endedAt = Date.now();
  await flowing(run, 'after the runtime restart');
}

/** Waits until a frame 10 s (frame time) after the correction's first lower one can have been put. */
async function correctionConfirmable(run: Run, correction: LedgerCorrection): Promise<void> {
  const confirmable = correction.time + CONFIRM_AFTER_MS + CONFIRM_MARGIN_MS - run.clock.now();
  if (confirmable > 0) {
    run.log(`chaos: ${(confirmable / 1000).toFixed(1)} s more, for the correction's confirmation`);
    await sleep(confirmable);
  }
}

/** The end: nothing more is sent, what was sent is flushed, the runtime drains. */
async function silenceAndStop(run: Run): Promise<{ drained: boolean; silencedAt: number }> {
  const silencedAt = Date.now();
  const last = openClients(run);
  run.sim.faults.set({ silenceSeconds: 24 * 3600 });
  await sleep(2_000);
  const drainLines = run.runtimeLog.length;
  await run.runtime?.stop({ drainMs: 60_000 });
  run.runtime = undefined;
  const drained = run.runtimeLog
    .slice(drainLines)
    .some((l) => l.startsWith('event source: every record put was processed'));
  // Not a fault: the source was silent before the stop, so nothing was in flight.
  run.events.push({
    name: 'end: source silent, runtime stopped',
    track: 'process',
    startedAt: silencedAt,
    endedAt: Date.now(),
    reconnects: false,
    lossAllowed: false,
    clients: last,
  });
  return { drained, silencedAt };
}
