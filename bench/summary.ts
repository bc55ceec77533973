/**
 * `npm run bench`: the component benchmarks (core, ingest, transform) and the end-to-end
 * run at 2,000 frames/s for 5 minutes, one after another as child processes (2 cores:
 * running them side by side would measure each other), then ONE table — each figure of
 * this pipeline beside its baseline from the same run, and the ratio — and the AWS cost
 * of a trading day against the naive design. Writes `bench/results/summary.json`; each
 * benchmark's output is kept in `bench/results/<name>.log`.
 *
 *   npm run bench                 # ~7 min here (under 15)
 *   npm run bench -- --quick      # under 2 min: short runs, for CI smoke (checks the report is produced, not the figures)
 *   npm run bench -- --no-run     # re-render the table from the result files already there (says so)
 *
 * Exit code 1 when a benchmark failed (the report is still written, with the reason in
 * place of its figures).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TRANSFORM_EVENT_SOURCE, TRANSFORM_MEMORY_MB } from '../infra/constructs/transform.ts';
import { DEFAULT_SETTINGS } from '../infra/context.ts';
import { type CostInputs, MARKET_PEAK_FRAMES_PER_SECOND, PRICES, tradingDayCost } from './cost-model.ts';
import { figureRows, pick, type Results, ratio } from './summary/figures.ts';
import { formatCost, formatFigures } from './summary/format.ts';
import { runStep, type StepOutcome, type StepSpec } from './summary/run-step.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The end-to-end rate: the whole market's observed peak. */
const E2E_RATE = MARKET_PEAK_FRAMES_PER_SECOND;
const LAMBDA_GB = TRANSFORM_MEMORY_MB / 1024;
/** Lambda's default batch size for a Kinesis event source: what a naive mapping would use. */
const NAIVE_BATCH_SIZE = 100;
/** infra/constructs/ingest-service.ts: 256 CPU units, 512 MiB, arm64. */
const FARGATE = { vcpu: 0.25, gb: 0.5 };

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, 'no-run': { type: 'boolean', default: false } },
});
const quick = values.quick === true;

const STEPS: readonly StepSpec[] = [
  {
    name: 'core',
    script: 'bench/core.bench.ts',
    args: quick ? ['--seconds', '0.3'] : [],
    result: 'core.json',
    timeoutSeconds: quick ? 60 : 180,
  },
  {
    name: 'ingest',
    script: 'bench/ingest.bench.ts',
    args: quick ? ['--seconds', '2', '--rate', '5000'] : [],
    result: 'ingest.json',
    timeoutSeconds: quick ? 60 : 240,
  },
  {
    name: 'transform',
    script: 'bench/transform.bench.ts',
    args: quick ? ['--quick'] : [],
    result: 'transform.json',
    timeoutSeconds: quick ? 60 : 300,
  },
  {
    name: 'e2e',
    script: 'bench/e2e.bench.ts',
    // Quick: 12 s, too short for the stack's 20 s batching window, so a 1 s window (said in the table).
    args: [
      '--rate',
      String(E2E_RATE),
      ...(quick ? ['--minutes', '0.2', '--batch-window', '1'] : ['--minutes', '5']),
    ],
    result: 'e2e.json',
    timeoutSeconds: quick ? 90 : 480,
  },
];

const started = Date.now();
const log = (line: string) => console.log(line);
const outcomes: StepOutcome[] = [];
if (values['no-run']) {
  log('bench: --no-run: figures from the result files already in bench/results (earlier runs, not one run)');
  for (const step of STEPS) outcomes.push(readExisting(step));
} else {
  log(
    `bench: ${quick ? 'quick' : 'full'} run, one benchmark at a time (${cpus().length} cores, load ${loadavg()[0].toFixed(1)})`,
  );
  for (const step of STEPS) {
    log(`bench: ${step.name}: ${`tsx ${step.script} ${step.args.join(' ')}`.trim()}`);
    const outcome = await runStep(ROOT, step, log);
    log(
      `bench: ${step.name}: ${outcome.ok ? 'done' : `FAILED (${outcome.error})`} in ${outcome.seconds} s; log ${outcome.log}`,
    );
    outcomes.push(outcome);
  }
}

const results: Results = Object.fromEntries(outcomes.filter((o) => o.result).map((o) => [o.name, o.result]));
const missing = Object.fromEntries(outcomes.filter((o) => !o.ok).map((o) => [o.name, o.error ?? 'failed']));
const rows = figureRows(results, missing);
const cost = costOf(results);

log('');
log(formatFigures(rows));
log('');
if (cost.ok) {
  const { day } = cost;
  for (const mode of ['provisioned', 'onDemand'] as const) {
    const p = day.pipeline[mode].total;
    const n = day.naive[mode].total;
    log(
      `AWS cost per trading day, Kinesis ${mode === 'provisioned' ? 'provisioned' : 'on-demand'}: this pipeline $${p.toFixed(2)}, naive $${n.toFixed(2)} (${(n / p).toFixed(1)}× cheaper)`,
    );
  }
  log(
    `Raw-feed archive per trading day: $${day.archive.total.toFixed(3)} (written and kept 90 days), then $${day.archive.perMonthAfter90Days.toFixed(4)}/month`,
  );
  log('');
  log(formatCost(day, cost.rate, TRANSFORM_MEMORY_MB));
} else {
  log(`AWS cost: not computed: ${cost.reason}`);
}

const summary = {
  measuredAt: new Date().toISOString(),
  mode: values['no-run'] ? 'no-run (earlier result files)' : quick ? 'quick' : 'full',
  seconds: Math.round((Date.now() - started) / 1000),
  machine: { cpus: cpus().length, node: process.version, loadAverage1m: Math.round(loadavg()[0] * 10) / 10 },
  steps: outcomes.map(({ result: _result, ...rest }) => rest),
  figures: rows.map((r) => ({ ...r, ratio: ratio(r) })),
  cost: cost.ok
    ? { marketFramesPerSecond: cost.rate, prices: PRICES, ...cost.day }
    : { notComputed: cost.reason },
};
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(join(ROOT, 'bench', 'results', 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
log(`\nbench: wrote bench/results/summary.json in ${summary.seconds} s`);
process.exit(outcomes.every((o) => o.ok) ? 0 : 1);

function costOf(
  r: Results,
): { ok: true; day: ReturnType<typeof tradingDayCost>; rate: number } | { ok: false; reason: string } {
  const need = {
    recordsPer1000Frames: pick(r.ingest, 'recordsPer1000Frames'),
    bytesPer1000Frames: pick(r.ingest, 'bytesPer1000Frames'),
    naiveRecordsPer1000Frames: pick(r.ingest, 'naiveRecordsPer1000Frames'),
    naiveBytesPer1000Frames: pick(r.ingest, 'naiveBytesPer1000Frames'),
    writeUnitsPer1000Frames: pick(r.transform, 'writeUnitsPer1000Frames'),
    naiveWriteUnitsPer1000Frames: pick(r.transform, 'naiveWriteUnitsPer1000Frames'),
    framesPerSecWithWrites: pick(r.transform, 'framesPerSecWithWrites'),
    naiveFramesPerSecWithWrites: pick(r.transform, 'naiveFramesPerSecWithWrites'),
  };
  const absent = Object.entries(need)
    .filter(([, v]) => v === undefined)
    .map(([k]) => k);
  if (absent.length > 0) return { ok: false, reason: `missing ${absent.join(', ')}` };
  const n = need as Record<keyof typeof need, number>;
  const rate = pick(r.e2e, 'rate') ?? E2E_RATE;
  const inputs: CostInputs = {
    marketFramesPerSecond: rate,
    lambdaGb: LAMBDA_GB,
    fargateVcpu: FARGATE.vcpu,
    fargateGb: FARGATE.gb,
    pipeline: {
      recordsPer1000Frames: n.recordsPer1000Frames,
      bytesPer1000Frames: n.bytesPer1000Frames,
      writeUnitsPer1000Frames: n.writeUnitsPer1000Frames,
      transformFramesPerSecond: n.framesPerSecWithWrites,
      batchSize: TRANSFORM_EVENT_SOURCE.batchSize,
      batchWindowSeconds: DEFAULT_SETTINGS.batchWindowSeconds,
      minShards: DEFAULT_SETTINGS.shardCount,
    },
    naive: {
      recordsPer1000Frames: n.naiveRecordsPer1000Frames,
      bytesPer1000Frames: n.naiveBytesPer1000Frames,
      writeUnitsPer1000Frames: n.naiveWriteUnitsPer1000Frames,
      transformFramesPerSecond: n.naiveFramesPerSecWithWrites,
      batchSize: NAIVE_BATCH_SIZE,
      batchWindowSeconds: 0,
      minShards: 1,
    },
  };
  return { ok: true, day: tradingDayCost(inputs), rate };
}

function readExisting(step: StepSpec): StepOutcome {
  const file = join(ROOT, 'bench', 'results', step.result);
  const base = { name: step.name, command: `tsx ${step.script}`, seconds: 0, log: '' };
  try {
    return { ...base, ok: true, result: JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> };
  } catch (error) {
    return { ...base, ok: false, error: (error as Error).message };
  }
}
