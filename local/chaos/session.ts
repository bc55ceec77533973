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
 *    ledger is summarised for the checks.
 */

import { join } from 'node:path';
import { CONFIRM_AFTER_MS } from '../../core/derive/symbol-tracker.ts';
import { nextMarketOpen } from '../../core/market/calendar.ts';
import { ENV } from '../../core/settings.ts';
import { synthesize } from '../cloudformation/synth.ts';
import { type AwsFaultStats, startAwsFaultProxy } from '../emulators/fault-proxy.ts';
import { simulatedClock } from '../runtime/clock.ts';
import type { CqlSinkOptions } from '../runtime/cql-keyspace.ts';
import { defaultSimulatedStart } from '../runtime/market-source.ts';
import { freePort } from '../runtime/ports.ts';
import { type Runtime, type RuntimeOptions, startRuntime } from '../runtime/start-runtime.ts';
import { startSimulator } from '../simulator/simulator.ts';
import {
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
   * payloads, the second task's skew has no field 101 to act on (see `report.ts`).
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

export async function runChaosSession(options: ChaosSessionOptions): Promise<ChaosSession> {
  const { plan, log } = options;
  const protocol = options.protocol ?? 'v2';
  const mqtt = protocol === 'mqtt';
  const started = Date.now();
  // The morning open of the latest trading day (the default start is just before 09:15).
  const open = nextMarketOpen(defaultSimulatedStart(started) - SESSION_OFFSET_MS);
  const clock = simulatedClock(open + SESSION_OFFSET_MS, 1);
  const sim = await startSimulator({
    symbols: options.symbols,
    rate: options.rate,
    seed: options.seed,
    clock: clock.now,
    recordTrades: false,
    faults: { extraFieldRate: plan.extraFieldRate, junkFieldRate: plan.junkFieldRate },
  });
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const kinesisProxy = await startAwsFaultProxy(endpoint, { seed: 1 });
  const dynamoProxy = await startAwsFaultProxy(endpoint, { seed: 2 });
  // Read by the SDK client the transform builds on its first batch, in this process.
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamoProxy.endpoint;
  const events: FaultEvent[] = [];
  const background: Promise<void>[] = [];
  const runtimeLog: string[] = [];
  let runtime: Runtime | undefined;
  try {
    const context = { batchWindowSeconds: options.batchWindowSeconds ?? 1 };
    const template = options.template ?? (await synthesize(options.dataDir, { context })).template;
    const symbols = sim.market?.instruments.map((i) => i.symbol) ?? [];
    const runtimeOptions: RuntimeOptions = {
      dataDir: options.dataDir,
      endpointPort: port,
      dashboardPort: null,
      source: { kind: 'url', url: mqtt ? sim.mqttUrl : sim.url },
      clock,
      template,
      statusIntervalMs: 10_000,
      ...(options.cql ? { cql: options.cql } : {}),
      log: (line) => {
        runtimeLog.push(line);
        log(`  runtime | ${line}`);
      },
      ingestEnv: {
        [ENV.SYMBOLS]: symbols.join(','),
        [ENV.INGEST_MODE]: 'always',
        // One transport per run: its silence faults must not move `auto` to the other one.
        [ENV.IBOARD_PROTOCOL]: protocol,
        [ENV.WATCHDOG_SECONDS]: String(plan.watchdogSeconds),
        [ENV.RECONNECT_MAX_SECONDS]: String(plan.reconnectMaxSeconds),
        AWS_ENDPOINT_URL_KINESIS: kinesisProxy.endpoint,
      },
    };
    runtime = await startRuntime(runtimeOptions);
    const streamName = runtime.streamName;
    const tables = runtime.tables;
    const flow = mqtt ? waitForMqttFlow : waitForFlow;
    await flow(sim, 100, FLOW_TIMEOUT_MS, 'after the start');
    log(
      `chaos: data flowing after ${((Date.now() - started) / 1000).toFixed(0)} s; faults begin (scale ${plan.scale})`,
    );

    const note = (event: FaultEvent, clients: readonly number[] = []) => {
      event.clients = clients;
      events.push(event);
      log(`chaos: ${event.name}`);
    };
    const open = () => sim.clients().map((c) => c.id);
    const timed = (t: ReturnType<typeof timedFault>, clients: readonly number[] = []) => {
      note(t.event, clients);
      background.push(t.done);
    };
    const gap = () => sleep(plan.gapSeconds * 1000);
    const flowing = (what: string) => flow(sim, 50, FLOW_TIMEOUT_MS, what);

    // Source track, with the AWS faults overlapping it.
    for (const [i, code] of plan.closes.entries()) {
      await flowing(`before close ${i + 1}`);
      const clients = open();
      note(closeConnections(sim, code, clock.now), clients);
      if (i === 1) {
        timed(
          timedFault(
            'kinesis: endpoint unreachable',
            'kinesis',
            plan.kinesisDownSeconds,
            () => kinesisProxy.set({ down: true }),
            () => kinesisProxy.set({ down: false }),
          ),
        );
      }
      await gap();
    }
    timed(
      timedFault(
        `kinesis: PutRecords refusing ${plan.putRecordsFailRate * 100}% of entries`,
        'kinesis',
        plan.putRecordsFailSeconds,
        () => kinesisProxy.set({ putRecordsFailRate: plan.putRecordsFailRate }),
        () => kinesisProxy.set({ putRecordsFailRate: 0 }),
      ),
    );
    await flowing('before the silence');
    timed(
      timedFault(
        `source: silent ${plan.silenceSeconds} s (2 × watchdog)`,
        'source',
        plan.silenceSeconds,
        () => sim.faults.silence(plan.silenceSeconds),
        () => {},
        { reconnects: true },
      ),
      open(),
    );
    await sleep(plan.gapSeconds * 500);
    timed(
      timedFault(
        `dynamodb: ${plan.dynamoErrorRate * 100}% of the transform's requests throttled, then failing with HTTP 500`,
        'dynamodb',
        plan.dynamoErrorSeconds,
        () => {
          dynamoProxy.set({ errorRate: plan.dynamoErrorRate, error: 'throttle' });
          setTimeout(() => dynamoProxy.set({ error: 'internal' }), plan.dynamoErrorSeconds * 500);
        },
        () => dynamoProxy.set({ errorRate: 0 }),
      ),
    );
    await sleep(plan.silenceSeconds * 1000);
    await flowing('after the silence');
    note(
      mqtt
        ? publishUndecodable(sim, symbols[0], plan.poisonFrames)
        : await sendPoison(sim, plan.poisonFrames, FLOW_TIMEOUT_MS),
    );
    const corrupt = await putCorruptRecords(endpoint, streamName, plan.corruptRecords);
    note(corrupt.event);
    // Runs beside the next steps: corrects again if new trades overtake the correction.
    const correcting = confirmableCorrection(sim, plan.correctionFraction, clock.now, (e) => note(e));
    correcting.catch(() => {}); // awaited below; a failure must not be an unhandled rejection meanwhile
    await flowing('before the refusal');
    const beforeRefusal = open();
    timed(
      timedFault(
        `source: connection cut, new ones refused ${plan.refuseSeconds} s`,
        'source',
        plan.refuseSeconds,
        () => {
          sim.faults.refuse(plan.refuseSeconds, 'http-503');
          sim.faults.set({ closeAt: clock.now() });
        },
        () => {},
        { reconnects: true, lossAllowed: true },
      ),
      beforeRefusal,
    );
    await Promise.all(background);
    await flowing('after the refusal');
    await gap();

    const beforeSigterm = open();
    note(await terminateIngest(30_000), beforeSigterm);
    await flowing('after the ingest task restarted');
    await gap();

    note(
      await overlappingIngest({
        sim,
        env: runtime.ingestEnvironment,
        seconds: plan.overlapSeconds,
        skewMs: plan.overlapSkewMs,
        logDir: join(options.dataDir, 'logs'),
        timeoutMs: FLOW_TIMEOUT_MS,
        transport: protocol,
      }),
    );
    await flowing('after the second ingest task stopped');

    const restart: FaultEvent = {
      name: 'runtime: stopped and started again',
      track: 'process',
      startedAt: Date.now(),
      endedAt: Number.NaN,
      reconnects: true,
      lossAllowed: false,
      clients: [],
    };
    note(restart, open());
    await runtime.stop({ drainMs: 30_000 });
    runtime = await startRuntime(runtimeOptions);
    restart.endedAt = Date.now();
    await flowing('after the runtime restart');
    await sleep(plan.tailSeconds * 1000);
    // The correction is confirmed by a frame 10 s (frame time) after the first lower one.
    const correction = await correcting;
    const confirmable = correction.time + CONFIRM_AFTER_MS + CONFIRM_MARGIN_MS - clock.now();
    if (confirmable > 0) {
      log(`chaos: ${(confirmable / 1000).toFixed(1)} s more, for the correction's confirmation`);
      await sleep(confirmable);
    }

    // The end: nothing more is sent, what was sent is flushed, the runtime drains.
    const silencedAt = Date.now();
    const last = open();
    sim.faults.set({ silenceSeconds: 24 * 3600 });
    await sleep(2_000);
    const drainLines = runtimeLog.length;
    await runtime.stop({ drainMs: 60_000 });
    runtime = undefined;
    const drained = runtimeLog
      .slice(drainLines)
      .some((l) => l.startsWith('event source: every record put was processed'));
    // Not a fault: the source was silent before the stop, so nothing was in flight.
    events.push({
      name: 'end: source silent, runtime stopped',
      track: 'process',
      startedAt: silencedAt,
      endedAt: Date.now(),
      reconnects: false,
      lossAllowed: false,
      clients: last,
    });
    return {
      events,
      corruptRecords: corrupt.records,
      ledger: mqtt ? overMqtt(summariseLedger(sim.ledger), sim.mqtt, symbols) : summariseLedger(sim.ledger),
      streamName,
      tables,
      drained,
      proxies: { kinesis: { ...kinesisProxy.stats }, dynamodb: { ...dynamoProxy.stats } },
      silencedAt,
      protocol,
      mqttDelivered: sim.mqtt.delivered,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await Promise.allSettled(background);
    if (runtime) await runtime.stop({ drainMs: 0, ingestDeadlineMs: 5_000 }).catch(() => runtime?.kill());
    await sim.stop();
    await kinesisProxy.stop();
    await dynamoProxy.stop();
    delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
  }
}
