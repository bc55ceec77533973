/**
 * The embedded runtime, start to stop: emulators → router → template → resources →
 * functions (event source mapping, schedule) → market source → ingest task. `start.ts`
 * is its command line; tests and benchmarks call {@link startRuntime} directly.
 *
 * @example
 * const runtime = await startRuntime({ dataDir: '.local-data', endpointPort: 4566, dashboardPort: 3000,
 *   source: { kind: 'simulate', rate: 1000, seed: '1' }, clock: realClock, log: console.log });
 * await runtime.stop();
 */

import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { reconciliationSummary } from '../../core/derive/reconcile.ts';
import { LocalRuntimeError } from '../../core/errors.ts';
import { ictDate } from '../../core/market/ict-time.ts';
import { ENV } from '../../core/settings.ts';
import { type ProvisionResult, provision } from '../cloudformation/provision.ts';
import { synthesize } from '../cloudformation/synth.ts';
import { type RuntimeTemplate, readTemplate } from '../cloudformation/template.ts';
import { type Dashboard, startDashboard } from '../dashboard/server.ts';
import { dynamoClient, kinesisClient, LOCAL_ACCOUNT, LOCAL_REGION } from '../emulators/clients.ts';
import { type Router, startRouter } from '../emulators/router.ts';
import { type SupervisedEmulator, startSupervised } from '../emulators/supervised-emulator.ts';
import { WriteCounter } from '../emulators/write-counter.ts';
import { RuleScheduler } from '../eventbridge/scheduler.ts';
import { CheckpointStore } from '../lambda/checkpoint-store.ts';
import { DeadLetterFile } from '../lambda/dead-letter-file.ts';
import type { KinesisEventSource } from '../lambda/event-source-mapping.ts';
import {
  FUNCTION_SOURCES,
  functionEnvironment,
  type LoadedFunction,
  loadFunctions,
  runtimeEnvironment,
} from '../lambda/load-handlers.ts';
import type { Source } from './cli-args.ts';
import type { Clock } from './clock.ts';
import type { CqlSinkOptions } from './cql-keyspace.ts';
import { cqlEnvironment, prepareCql } from './cql-keyspace.ts';
import type { CqlRowCounter } from './cql-row-counter.ts';
import { archiveDirOf, claimDataDir, type DataDir } from './data-dir.ts';
import { countFrames } from './frame-count.ts';
import { IngestProcess } from './ingest-child.ts';
import { type MarketSource, startMarketSource } from './market-source.ts';
import { ensurePortFree, freePort } from './ports.ts';
import { reconcileTables } from './reconcile-tables.ts';
import { type RuntimeStatus, StatusSampler } from './status-line.ts';
import { eventSourcesFor, scheduleRulesFor, tableRoles } from './wiring.ts';

export type RuntimeOptions = {
  readonly dataDir: string;
  /** 0: any free port. */
  readonly endpointPort: number;
  /** null: no dashboard. */
  readonly dashboardPort: number | null;
  readonly source: Source;
  readonly clock: Clock;
  readonly log: (line: string) => void;
  readonly verbose?: boolean;
  /** A synthesized template to use instead of synthesizing `infra/` (tests reuse one). */
  readonly template?: unknown;
  /** The stack's `batchWindowSeconds` context for this run (else `cdk.json`'s); ignored with `template`. */
  readonly batchWindowSeconds?: number;
  /** Extra environment for the ingest task (tests shorten its timers). */
  readonly ingestEnv?: Readonly<Record<string, string>>;
  /** Status line period; 0: none. @default 5000 */
  readonly statusIntervalMs?: number;
  /**
   * Fire each schedule rule's latest firing on start (the state the schedule would have
   * left). Without it the first check (every 5 min in the trading hours) heals the state,
   * since the check is level-triggered. @default true
   */
  readonly catchUp?: boolean;
  /** Also write to Cassandra (`SINK=both`) or only there (`keyspaces`): `--sink`. */
  readonly cql?: CqlSinkOptions;
  /** Aborts a start in progress (Ctrl-C while starting): what was started is stopped. */
  readonly signal?: AbortSignal;
};

export class StartAbortedError extends LocalRuntimeError {
  readonly code = 'START_ABORTED';
  constructor(options?: ErrorOptions) {
    super('start aborted', options);
    this.name = 'StartAbortedError';
  }
}

export type Runtime = {
  /** The AWS endpoint (router), e.g. http://127.0.0.1:4566. */
  readonly endpoint: string;
  readonly port: number;
  readonly tables: Readonly<Record<string, string>>;
  readonly streamName: string;
  readonly source?: MarketSource;
  readonly eventSources: readonly KinesisEventSource[];
  readonly scheduler: RuleScheduler;
  readonly ingest: IngestProcess;
  /** The environment the ingest task runs with (a second task with it joins the same stream). */
  readonly ingestEnvironment: Readonly<Record<string, string>>;
  readonly deadLetters: readonly DeadLetterFile[];
  readonly dashboardUrl?: string;
  status(): Promise<RuntimeStatus>;
  /** Drains the ingest task and the event source mapping, then stops everything. */
  stop(options?: { drainMs?: number; ingestDeadlineMs?: number }): Promise<void>;
  /** Ends everything at once (second Ctrl-C). */
  kill(): void;
};

/**
 * Data-dir growth after which dynalite is restarted to release the LevelDB files its
 * leaked Query iterators keep alive (see supervised-emulator.ts): 512 MB is about a
 * quarter of an hour at 2,000 frames/s with a dashboard open, and about 20 million
 * frames of real data without queries.
 */
const DYNALITE_RECYCLE_BYTES = 512 * 1024 * 1024;

const INGEST_ENDINGS = {
  drained: 'stopped; every frame it received is in the stream',
  undelivered: 'stopped at its drain deadline with frames undelivered (see its log)',
  killed: `killed after the deadline; frames it held are lost`,
  'not running': 'was not running',
} as const;

type LoadedFunctions = ReadonlyMap<string, LoadedFunction>;

type Stoppable = { name: string; stop: () => Promise<unknown> };

/** The two emulators, supervised (restarted when they die). */
type Emulators = { kinesis: SupervisedEmulator; dynamodb: SupervisedEmulator; all: SupervisedEmulator[] };

/** The SDK clients the runtime itself uses (provisioning, the event source mapping, the stop's reconciliation). */
type RuntimeClients = { kinesis: KinesisClient; dynamodb: DynamoDBClient; stop: () => Promise<void> };

/** The event source mappings with their dead-letter files. */
type EventSources = {
  eventSources: KinesisEventSource[];
  deadLetters: Map<string, DeadLetterFile>;
  stop: (drainMs: number) => Promise<{ drained: boolean }[]>;
};

type IngestTask = { process: IngestProcess; environment: Readonly<Record<string, string>> };

type StatusReporter = { sampler: StatusSampler; stop: () => void };

/** Everything a started runtime stops, in the order `stop()` stops it. */
type RuntimeParts = {
  options: RuntimeOptions;
  dir: DataDir;
  emulators: Emulators;
  router: Router;
  clients: RuntimeClients;
  roles: Readonly<Record<string, string>>;
  cqlWrites?: CqlRowCounter;
  mapping: EventSources;
  scheduler: RuleScheduler;
  source?: MarketSource;
  ingest: IngestTask;
  dashboard?: Dashboard;
  status: StatusReporter;
};

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { log } = options;
  const cleanup: Stoppable[] = [];
  let emulators: Emulators | undefined;
  let dir: DataDir | undefined;
  const checkpoint = () => {
    if (options.signal?.aborted) throw new StartAbortedError();
  };
  try {
    await checkPortsFree(options);
    dir = claimDataDir(options.dataDir);
    emulators = await startEmulators(dir, log);
    checkpoint();
    const writes = new WriteCounter();
    const router = await startEndpoint(options, dir, emulators, writes);
    cleanup.push({ name: 'router', stop: () => router.stop() });

    const template = await loadTemplate(options, dir);
    const roles = tableRoles(template.functions);
    checkpoint();

    const clients = runtimeClients(emulators);
    cleanup.push({ name: 'clients', stop: clients.stop });
    const provisioned = await provisionResources(options, dir, template, clients, roles);
    checkpoint();

    const cqlWrites = options.cql ? await prepareCql(options.cql, log) : undefined;
    if (cqlWrites) cleanup.push({ name: 'cql counter', stop: async () => cqlWrites.stop() });
    const functions = await startFunctions(options, dir, template, router);
    checkpoint();

    const mapping = await startEventSources(options, dir, template, functions, clients, provisioned);
    cleanup.push({ name: 'event sources', stop: () => mapping.stop(0) });
    const scheduler = await startScheduler(options, template, functions);
    cleanup.push({ name: 'scheduler', stop: () => scheduler.stop() });
    checkpoint();

    const source = await startSource(options);
    if (source) cleanup.push({ name: 'source', stop: () => source.stop() });
    const streamName = template.streams[0]?.name;
    if (!streamName) throw new Error('the template declares no Kinesis stream');
    const ingest = await startIngestTask(options, { dir, router, roles, source, streamName });
    cleanup.push({ name: 'ingest', stop: () => ingest.process.stop(5_000) });
    const dashboard = await startOptionalDashboard(options, router, roles);
    if (dashboard) cleanup.push({ name: 'dashboard', stop: () => dashboard.stop() });

    const status = startStatus(options, { ingest, mapping, writes, cqlWrites, roles });
    const parts: RuntimeParts = {
      ...{ options, dir, emulators, router, clients, roles, cqlWrites, mapping },
      ...{ scheduler, source, ingest, dashboard, status },
    };
    return runtimeHandle(parts, streamName);
  } catch (error) {
    for (const c of cleanup.reverse()) await c.stop().catch(() => {});
    await Promise.all((emulators?.all ?? []).map((e) => e.stop()));
    dir?.release();
    throw error;
  }
}

async function checkPortsFree(options: RuntimeOptions): Promise<void> {
  await ensurePortFree(options.endpointPort, '--endpoint-port', 'the AWS endpoint');
  if (options.dashboardPort !== null)
    await ensurePortFree(options.dashboardPort, '--dashboard-port', 'the dashboard');
}

async function startEmulators(dir: DataDir, log: (line: string) => void): Promise<Emulators> {
  const [kinesis, dynamodb] = await Promise.all([
    startSupervised('kinesis', dir.kinesis, log),
    startSupervised('dynamodb', dir.dynamodb, log, { recycleGrowthBytes: DYNALITE_RECYCLE_BYTES }),
  ]);
  return { kinesis, dynamodb, all: [kinesis, dynamodb] };
}

/** The :4566-style router in front of the emulators: the one AWS endpoint. */
async function startEndpoint(
  options: RuntimeOptions,
  dir: DataDir,
  emulators: Emulators,
  writes: WriteCounter,
): Promise<Router> {
  const router = await startRouter({
    port: options.endpointPort,
    upstreams: { kinesis: emulators.kinesis.endpoint, dynamodb: emulators.dynamodb.endpoint },
    observe: writes,
    hints: { sqs: `SQS is not emulated: the on-failure destination is ${join(dir.root, 'dlq')}/*.jsonl` },
  });
  options.log(
    `endpoint: ${router.url.replace('127.0.0.1', 'localhost')} (kinesis → kinesalite, dynamodb → dynalite)`,
  );
  return router;
}

/** The given template, or `infra/` synthesized now, read into what the runtime runs. */
async function loadTemplate(options: RuntimeOptions, dir: DataDir): Promise<RuntimeTemplate> {
  const { log } = options;
  const context =
    options.batchWindowSeconds === undefined ? {} : { batchWindowSeconds: options.batchWindowSeconds };
  const synthesized =
    options.template === undefined
      ? await synthesize(dir.root, { signal: options.signal, context })
      : undefined;
  if (synthesized)
    log(
      `template: synthesized infra/ in ${(synthesized.ms / 1000).toFixed(1)} s → ${synthesized.templatePath}`,
    );
  const template = readTemplate(
    options.template ?? synthesized?.template,
    { region: LOCAL_REGION, account: LOCAL_ACCOUNT },
    FUNCTION_SOURCES,
  );
  for (const note of template.notes) log(`note: ${note}`);
  return template;
}

function runtimeClients(emulators: Emulators): RuntimeClients {
  const kinesis = kinesisClient({ endpoint: emulators.kinesis.endpoint });
  const dynamodb = dynamoClient({ endpoint: emulators.dynamodb.endpoint });
  return {
    kinesis,
    dynamodb,
    stop: async () => {
      kinesis.destroy();
      dynamodb.destroy();
    },
  };
}

async function provisionResources(
  options: RuntimeOptions,
  dir: DataDir,
  template: RuntimeTemplate,
  clients: RuntimeClients,
  roles: Readonly<Record<string, string>>,
): Promise<ProvisionResult> {
  const provisioned = await provision({
    template,
    kinesis: clients.kinesis,
    dynamodb: clients.dynamodb,
    dataDir: dir.root,
    controlTable: roles.control,
    now: options.clock.now,
  });
  for (const line of provisioned.lines) options.log(line);
  return provisioned;
}

/** Sets the functions' environment (as Lambda would) and loads their handlers. */
async function startFunctions(
  options: RuntimeOptions,
  dir: DataDir,
  template: RuntimeTemplate,
  router: Router,
): Promise<LoadedFunctions> {
  const { env, conflicts } = functionEnvironment(template.functions, {
    ...runtimeEnvironment(router.url, LOCAL_REGION, options.verbose ? 'INFO' : 'WARN'),
    ...options.clock.env,
    // The raw-feed archive as files under the data directory (the stack's bucket on AWS).
    [ENV.ARCHIVE_DIR]: archiveDirOf(dir.root),
    ...(options.cql ? cqlEnvironment(options.cql) : {}),
  });
  for (const conflict of conflicts) options.log(`note: functions disagree on ${conflict}`);
  Object.assign(process.env, env);
  return loadFunctions(template.functions);
}

async function startEventSources(
  options: RuntimeOptions,
  dir: DataDir,
  template: RuntimeTemplate,
  functions: LoadedFunctions,
  clients: RuntimeClients,
  provisioned: ProvisionResult,
): Promise<EventSources> {
  const { log } = options;
  const deadLetters = new Map(
    Object.entries(provisioned.queueFiles).map(([id, file]) => [id, new DeadLetterFile(file)]),
  );
  const eventSources = eventSourcesFor({
    template,
    functions,
    kinesis: clients.kinesis,
    checkpoints: CheckpointStore.open(dir.checkpoints),
    deadLetters,
    countFrames,
    onError: (error, shard) => log(`event source: ${shard}: ${error.message}`),
  });
  for (const mapping of template.mappings) {
    const { batchSize, maxBatchingWindowMs } = mapping.settings;
    log(
      `event source: batches of up to ${batchSize} records, gathered for ${maxBatchingWindowMs / 1000} s ` +
        "(the stack's batchWindowSeconds: rows appear that much after their frames; --batch-window 1 for a livelier view)",
    );
  }
  for (const es of eventSources) await es.start();
  return {
    eventSources,
    deadLetters,
    stop: (drainMs) => Promise.all(eventSources.map((es) => es.stop(drainMs))),
  };
}

async function startScheduler(
  options: RuntimeOptions,
  template: RuntimeTemplate,
  functions: LoadedFunctions,
): Promise<RuleScheduler> {
  const { clock, log } = options;
  const scheduler = new RuleScheduler({
    rules: scheduleRulesFor(template, functions, clock, (line) => log(line)),
    clock,
  });
  if (options.catchUp ?? true) await scheduler.catchUp();
  scheduler.start();
  return scheduler;
}

async function startSource(options: RuntimeOptions): Promise<MarketSource | undefined> {
  const source = await startMarketSource(options.source, options.clock);
  if (source) {
    options.log(`source: ${source.description}`);
    // The reconcile function (loaded above, reads it per call) compares with this exchange.
    process.env[ENV.SNAPSHOT_URL] = source.simulator.restUrl;
  }
  return source;
}

type IngestWiring = {
  dir: DataDir;
  router: Router;
  roles: Readonly<Record<string, string>>;
  source?: MarketSource;
  streamName: string;
};

/** The ingest task's environment: the stream, the control table, the source, the test's overrides. */
function ingestEnvironmentOf(
  options: RuntimeOptions,
  wiring: IngestWiring,
  metricsPort: number,
): Readonly<Record<string, string>> {
  const { clock } = options;
  const { router, roles, source, streamName } = wiring;
  return {
    ...runtimeEnvironment(router.url, LOCAL_REGION),
    ...clock.env,
    [ENV.STREAM_NAME]: streamName,
    ...(roles.control ? { [ENV.CONTROL_TABLE]: roles.control } : {}),
    [ENV.INGEST_MODE]: 'control',
    [ENV.METRICS_PORT]: String(metricsPort),
    // Poll the control item often enough that a fast simulated clock still starts on time.
    [ENV.CONTROL_POLL_SECONDS]: String(Math.max(0.2, Math.min(5, 5 / clock.speed))),
    [ENV.EMF_METRICS]: 'off',
    ...(source?.url ? { [ENV.IBOARD_URL]: source.url } : {}),
    // The simulator also answers the REST snapshot the fallback polls.
    ...(source ? { [ENV.SNAPSHOT_URL]: source.simulator.restUrl } : {}),
    ...(options.source.kind === 'url' ? { [ENV.IBOARD_URL]: options.source.url } : {}),
    ...(source?.symbols ? { [ENV.SYMBOLS]: source.symbols.join(',') } : {}),
    // Under IBOARD_PROTOCOL=auto (the default) the task moves to the simulator's MQTT broker.
    ...(source && (options.ingestEnv?.[ENV.IBOARD_PROTOCOL] ?? 'auto').toLowerCase() === 'auto'
      ? { [ENV.IBOARD_MQTT_URL]: source.simulator.mqttUrl }
      : {}),
    ...options.ingestEnv,
  };
}

async function startIngestTask(options: RuntimeOptions, wiring: IngestWiring): Promise<IngestTask> {
  const { log } = options;
  const metricsPort = await freePort();
  const environment = ingestEnvironmentOf(options, wiring, metricsPort);
  const logFile = join(wiring.dir.logs, 'ingest.log');
  const ingest = new IngestProcess({
    metricsPort,
    logFile,
    env: environment,
    onLog: (level, message) => {
      if (level === 'WARN' || level === 'ERROR' || level === 'TEXT' || options.verbose)
        log(`ingest: ${message}`);
    },
    onExit: (code, signal, restart) =>
      log(`ingest: exited (${signal ?? `code ${code}`})${restart ? ', restarting' : ''}; log: ${logFile}`),
  });
  ingest.start();
  return { process: ingest, environment };
}

async function startOptionalDashboard(
  options: RuntimeOptions,
  router: Router,
  roles: Readonly<Record<string, string>>,
): Promise<Dashboard | undefined> {
  if (options.dashboardPort === null) return undefined;
  const dashboard = await startDashboard({
    port: options.dashboardPort,
    dynamoEndpoint: router.url,
    region: LOCAL_REGION,
    tables: { trades: roles.trades, quotes: roles.quotes, bars: roles.bars, indices: roles.indices },
    now: options.clock.now,
  });
  options.log(`dashboard: ${dashboard.url}`);
  return dashboard;
}

/** The status sampler and, unless `statusIntervalMs` is 0, the periodic status line. */
function startStatus(
  options: RuntimeOptions,
  sources: {
    ingest: IngestTask;
    mapping: EventSources;
    writes: WriteCounter;
    cqlWrites?: CqlRowCounter;
    roles: Readonly<Record<string, string>>;
  },
): StatusReporter {
  const { ingest, mapping, writes, cqlWrites, roles } = sources;
  const sampler = new StatusSampler({
    clock: options.clock,
    ingest: ingest.process,
    eventSources: mapping.eventSources,
    writes,
    ...(cqlWrites ? { cqlWrites } : {}),
    roles,
    deadLetters: [...mapping.deadLetters.values()],
  });
  const intervalMs = options.statusIntervalMs ?? 5_000;
  const timer =
    intervalMs > 0 ? setInterval(() => void sampler.line().then(options.log), intervalMs) : undefined;
  return { sampler, stop: () => clearInterval(timer) };
}

function runtimeHandle(parts: RuntimeParts, streamName: string): Runtime {
  const { router, roles, source, mapping, scheduler, ingest, dashboard, status } = parts;
  let stopped = false;
  return {
    endpoint: router.url,
    port: router.port,
    tables: roles,
    streamName,
    source,
    eventSources: mapping.eventSources,
    scheduler,
    ingest: ingest.process,
    ingestEnvironment: ingest.environment,
    deadLetters: [...mapping.deadLetters.values()],
    dashboardUrl: dashboard?.url,
    status: () => status.sampler.sample(),
    stop: async ({ drainMs = 30_000, ingestDeadlineMs = 35_000 } = {}) => {
      if (stopped) return;
      stopped = true;
      await stopRuntime(parts, drainMs, ingestDeadlineMs);
    },
    kill: () => {
      ingest.process.kill();
      for (const e of parts.emulators.all) e.kill();
      parts.dir.release();
    },
  };
}

/** Drains the ingest task, then the event source mapping, reports the day's reconciliation, stops the rest. */
async function stopRuntime(parts: RuntimeParts, drainMs: number, ingestDeadlineMs: number): Promise<void> {
  const { options, clients, roles } = parts;
  const { log, clock } = options;
  parts.status.stop();
  await parts.scheduler.stop();
  const ingestEnd = await parts.ingest.process.stop(ingestDeadlineMs);
  log(`ingest: ${INGEST_ENDINGS[ingestEnd]}`);
  await parts.source?.stop();
  const drained = await parts.mapping.stop(drainMs);
  log(
    drained.every((d) => d.drained)
      ? 'event source: every record put was processed'
      : `event source: stopped after ${drainMs / 1000} s with records left; they are processed on the next start`,
  );
  log(await reconciliationLine(clients.dynamodb, roles, ictDate(clock.now())));
  await parts.dashboard?.stop();
  await parts.router.stop();
  parts.cqlWrites?.stop();
  await clients.stop();
  await Promise.all(parts.emulators.all.map((e) => e.stop()));
  parts.dir.release();
}

/** The day's reconciliation as one line (what `npm run reconcile` prints last); never fails the stop. */
async function reconciliationLine(
  dynamo: DynamoDBClient,
  roles: Readonly<Record<string, string>>,
  date: string,
): Promise<string> {
  if (!roles.trades || !roles.quotes) return 'reconciliation: no trades table';
  try {
    const report = await reconcileTables(dynamo, { trades: roles.trades, quotes: roles.quotes }, { date });
    return `${date} ${reconciliationSummary(report)}`;
  } catch (error) {
    return `reconciliation: could not read the tables: ${(error as Error).message}`;
  }
}
