/**
 * End to end on the embedded runtime: the synthetic market at a fixed rate through the
 * ingest task, Kinesis (kinesalite), the transform and DynamoDB (dynalite), on this
 * machine. Measures frame receipt → trade row readable (p50/p99), peak RSS of the whole
 * runtime (its process and children), emulator bytes per million frames, iterator age;
 * with `--find-max`, raises the rate step by step and reports the highest one at which
 * the lag stays bounded.
 *
 * Usage: npm run bench:e2e -- [--rate 2000] [--minutes 10] [--symbols N]
 *        [--find-max [--rates 1000,2000,...] [--step-seconds 60]]
 *        [--batch-size N]   (what-if: replaces the template's BatchSize; say so with the figure)
 *        [--batch-window S] (what-if: the stack's batchWindowSeconds context; default 20)
 * Writes bench/results/e2e.json (or e2e-max.json with --find-max).
 *
 * The simulated clock starts at 09:15 ICT of a trading day (continuous trading). The
 * ingest task runs with INGEST_MODE=always: the schedule is not what is measured.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ictDate } from '../core/market/ict-time.ts';
import { ENV } from '../core/settings.ts';
import { DEFAULT_SETTINGS } from '../infra/context.ts';
import { synthesize } from '../local/cloudformation/synth.ts';
import { dynamoClient } from '../local/emulators/clients.ts';
import { simulatedClock } from '../local/runtime/clock.ts';
import { dirBytes } from '../local/runtime/disk-usage.ts';
import { type Runtime, startRuntime } from '../local/runtime/start-runtime.ts';
import { percentile, TradeLatencyProbe, treeRssBytes } from './e2e-probes.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '2000' },
    minutes: { type: 'string', default: '10' },
    symbols: { type: 'string' },
    'find-max': { type: 'boolean', default: false },
    'step-seconds': { type: 'string', default: '60' },
    rates: { type: 'string', default: '1000,2000,3000,4000,6000,8000,12000,16000' },
    'watch-symbols': { type: 'string', default: '20' },
    /** Keep the data directory (printed) for inspection. */
    'keep-data': { type: 'boolean', default: false },
    /** What-if: override the template's event source BatchSize (the figure is then not the stack's). */
    'batch-size': { type: 'string' },
    /** What-if: the stack's batchWindowSeconds context (the figure is then not the default stack's). */
    'batch-window': { type: 'string' },
  },
});
const RATE = Number(values.rate);
const MINUTES = Number(values.minutes);
const STEP_SECONDS = Number(values['step-seconds']);
/** Tuesday 2026-04-14 09:15 ICT: HOSE, HNX and UPCoM all in continuous trading. */
const CLOCK_START = Date.parse('2026-04-14T02:15:00Z');
const MB = 1024 * 1024;

const root = mkdtempSync(join(tmpdir(), 'e2e-bench-'));
const clock = simulatedClock(CLOCK_START, 1);
const log = (line: string) => console.log(line);
let runtime: Runtime | undefined;
try {
  const template = values['batch-size'] || values['batch-window'] ? await whatIfTemplate() : undefined;
  runtime = await startRuntime({
    template,
    dataDir: join(root, 'data'),
    endpointPort: 0,
    dashboardPort: null,
    source: {
      kind: 'simulate',
      rate: values['find-max'] ? Number(String(values.rates).split(',')[0]) : RATE,
      seed: '1',
      ...(values.symbols ? { symbols: Number(values.symbols) } : {}),
    },
    clock,
    log,
    statusIntervalMs: 10_000,
    ingestEnv: { [ENV.INGEST_MODE]: 'always' },
  });
  const result = values['find-max'] ? await findMax(runtime) : await steady(runtime);
  const name = values['find-max'] ? 'e2e-max.json' : 'e2e.json';
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  await runtime?.stop({ drainMs: 10_000, ingestDeadlineMs: 30_000 });
  if (values['keep-data']) console.log(`data kept in ${root}`);
  else rmSync(root, { recursive: true, force: true });
}

/** The synthesized template with `--batch-window` as context and `--batch-size` on every event source mapping. */
async function whatIfTemplate(): Promise<unknown> {
  const window = values['batch-window'];
  const context = window === undefined ? {} : { batchWindowSeconds: Number(window) };
  const { template } = await synthesize(join(root, 'synth'), { context });
  if (window !== undefined) log(`what-if: batchWindowSeconds ${window} (not the stack's default)`);
  const batchSize = values['batch-size'];
  if (batchSize === undefined) return template;
  const resources = (
    template as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> }
  ).Resources;
  for (const r of Object.values(resources)) {
    if (r.Type === 'AWS::Lambda::EventSourceMapping') r.Properties.BatchSize = Number(batchSize);
  }
  log(`what-if: event source BatchSize set to ${batchSize} (not the stack's value)`);
  return template;
}

type Sample = {
  at: number;
  framesIn: number;
  processedFrames: number;
  iteratorAgeMs: number;
  bufferDepth: number;
};

/** Samples the runtime every second: throughput, iterator age, ingest buffer, RSS. */
function sampler(rt: Runtime) {
  const samples: Sample[] = [];
  let peakRss = 0;
  let peakByCommand: Record<string, number> = {};
  const timer = setInterval(async () => {
    const rss = treeRssBytes(process.pid);
    if (rss.total > peakRss) {
      peakRss = rss.total;
      peakByCommand = rss.byCommand;
    }
    const m = await rt.ingest.metrics<{ frames: { in: number }; buffer: { depth: number } }>();
    const es = rt.eventSources;
    samples.push({
      at: Date.now(),
      framesIn: m?.frames.in ?? Number.NaN,
      processedFrames: es.reduce((n, e) => n + e.stats.frames, 0),
      iteratorAgeMs: Math.max(0, ...es.map((e) => e.stats.iteratorAgeMs)),
      bufferDepth: m?.buffer.depth ?? Number.NaN,
    });
  }, 1_000);
  return {
    samples,
    peak: () => ({
      totalMb: round(peakRss / MB),
      byProcessMb: mapValues(peakByCommand, (b) => round(b / MB)),
    }),
    stop: () => clearInterval(timer),
  };
}

function watchPartitions(rt: Runtime): string[] {
  const instruments = rt.source?.simulator.market?.instruments ?? [];
  const date = ictDate(clock.now());
  return [...instruments]
    .sort((a, b) => a.rank - b.rank)
    .slice(0, Number(values['watch-symbols']))
    .map((i) => `${i.symbol}#${date}`);
}

async function steady(rt: Runtime) {
  const client = dynamoClient({ endpoint: rt.endpoint, maxSockets: 32 });
  const probe = new TradeLatencyProbe(
    client,
    rt.tables.trades,
    watchPartitions(rt),
    clock.now() - Date.now(),
  );
  const s = sampler(rt);
  probe.start();
  const started = Date.now();
  await sleep(MINUTES * 60_000);
  probe.stop();
  s.stop();
  const seconds = (Date.now() - started) / 1000;
  const sorted = [...probe.samples].sort((a, b) => a - b);
  const first = s.samples.find((x) => Number.isFinite(x.framesIn));
  const last = s.samples.at(-1);
  const frames = last?.processedFrames ?? 0;
  client.destroy();
  const dataDir = join(root, 'data');
  return {
    rate: RATE,
    minutes: MINUTES,
    ...(values['batch-size'] ? { batchSizeOverride: Number(values['batch-size']) } : {}),
    batchWindowSeconds: Number(values['batch-window'] ?? DEFAULT_SETTINGS.batchWindowSeconds),
    symbols: rt.source?.symbols?.length,
    framesInPerSec: round(((last?.framesIn ?? 0) - (first?.framesIn ?? 0)) / seconds),
    framesProcessed: frames,
    latencySamples: sorted.length,
    p50ReceiptToRowMs: round(percentile(sorted, 50)),
    p99ReceiptToRowMs: round(percentile(sorted, 99)),
    maxReceiptToRowMs: round(sorted.at(-1) ?? Number.NaN),
    latencyPollMs: probe.periodMs,
    maxIteratorAgeMs: Math.max(...s.samples.map((x) => x.iteratorAgeMs)),
    peakRssMb: s.peak(),
    kinesisMbPerMillionFrames: round((dirBytes(join(dataDir, 'kinesis')) / MB / frames) * 1e6),
    dynamodbMbPerMillionFrames: round((dirBytes(join(dataDir, 'dynamodb')) / MB / frames) * 1e6),
    loadAverage1m: round(loadavg()[0]),
  };
}

/** Raises the rate step by step; a step is sustained when the lag does not grow through it. */
async function findMax(rt: Runtime) {
  const rates = String(values.rates).split(',').map(Number);
  const steps: Record<string, unknown>[] = [];
  let best = 0;
  // Warm-up: the ingest task connects and the first batches (and the start-up backlog) go through.
  await sleep(20_000);
  for (const rate of rates) {
    rt.source?.simulator.setRate(rate);
    const s = sampler(rt);
    await sleep(STEP_SECONDS * 1000);
    s.stop();
    const xs = s.samples.filter((x) => Number.isFinite(x.framesIn));
    const third = Math.max(1, Math.floor(xs.length / 3));
    const head = xs.slice(0, third);
    const tail = xs.slice(-third);
    const avg = (list: Sample[], f: (x: Sample) => number) =>
      list.reduce((n, x) => n + f(x), 0) / list.length;
    const seconds = (xs.at(-1)!.at - xs[0].at) / 1000;
    const inRate = (xs.at(-1)!.framesIn - xs[0].framesIn) / seconds;
    const processedRate = (xs.at(-1)!.processedFrames - xs[0].processedFrames) / seconds;
    const lagGrowth = avg(tail, (x) => x.iteratorAgeMs) - avg(head, (x) => x.iteratorAgeMs);
    const bufferGrowth = avg(tail, (x) => x.bufferDepth) - avg(head, (x) => x.bufferDepth);
    // Bounded: over the step the lag did not climb (a pipeline short of capacity falls
    // behind linearly: seconds more lag per minute), it stays within a few batching
    // rounds, the ingest buffer is not filling, and what came in was processed.
    const sustained =
      avg(tail, (x) => x.iteratorAgeMs) < 15_000 &&
      lagGrowth < 3_000 &&
      bufferGrowth < rate &&
      processedRate > 0.9 * inRate;
    steps.push({
      rate,
      framesInPerSec: round(inRate),
      processedFramesPerSec: round(processedRate),
      tailIteratorAgeMs: round(avg(tail, (x) => x.iteratorAgeMs)),
      lagGrowthMs: round(lagGrowth),
      peakRssMb: s.peak().totalMb,
      sustained,
    });
    console.log(JSON.stringify(steps.at(-1)));
    if (!sustained) break;
    best = round(inRate);
  }
  return {
    stepSeconds: STEP_SECONDS,
    highestSustainedFramesPerSec: best,
    steps,
    loadAverage1m: round(loadavg()[0]),
  };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

function mapValues<T, U>(o: Record<string, T>, f: (v: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, f(v)]));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
