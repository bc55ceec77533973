/**
 * `npm run bench:ingest`: the ingest task (its esbuild bundle, as a child process, as in
 * production) fed by
 * the simulator's synthetic whole market, into the embedded Kinesis (kinesalite), and
 * in the same run a naive producer (one PutRecord per frame, `bench/naive-producer.ts`).
 *
 * Phases (each process has the machine to itself, apart from the simulator and kinesalite):
 * 1. steady: the market at `--rate` frames/s (default 20,000): records and bytes per
 *    1,000 frames, receipt → PutRecords-acknowledged latency, CPU seconds per 100k frames;
 * 2. max: the simulator sends as fast as the task reads: sustained frames/s (frames
 *    acknowledged by Kinesis per second; the bounded buffer makes the task slow its
 *    reading rather than fall behind without limit);
 * 3. mqtt: the same bundle with `IBOARD_PROTOCOL=mqtt` against the simulator's MQTT broker,
 *    measured as phase 2 (the broker's connection paces the simulator as the websocket
 *    does): `mqttFramesPerSec`, frames acknowledged by Kinesis per second;
 * 4. naive: the baseline at the steady rate: frames acknowledged per second, records
 *    and bytes per 1,000 frames.
 * Peak RSS is the kernel's high-water mark (VmHWM) of each child.
 *
 * Writes `bench/results/ingest.json`. Options: `--rate N`, `--seconds N` (per phase, default 8).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createKinesisClient } from '../ingest-task/kinesis-client.ts';
import type { MetricsSnapshot } from '../ingest-task/metrics.ts';
import { startKinesis } from '../local/emulators/launch.ts';
import { startSimulator } from '../local/simulator/simulator.ts';
import { buildIngestBundle } from '../scripts/build-ingest.ts';
import { createStream } from '../test/support/stream.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { rate: { type: 'string' }, seconds: { type: 'string' } } });
const RATE = Number(values.rate ?? 20_000);
const SECONDS = Number(values.seconds ?? 8);
const WARMUP_MS = 3_000;
/** Kernel clock ticks per second for /proc/<pid>/stat (CLK_TCK, 100 on Linux). */
const CLOCK_TICKS = 100;
const REGION = 'ap-southeast-1';
const CREDENTIALS = { AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'bench', AWS_SECRET_ACCESS_KEY: 'bench' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the file, 12 and 13 after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

function spawnLogged(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk;
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts) if (part.startsWith('{')) lines.push(JSON.parse(part));
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, lines, exited };
}

async function waitForLine(lines: Array<Record<string, unknown>>, message: string, child: ChildProcess) {
  for (let i = 0; i < 600; i++) {
    const line = lines.find((l) => l.message === message);
    if (line) return line;
    if (child.exitCode !== null) throw new Error(`child exited: ${JSON.stringify(lines)}`);
    await sleep(50);
  }
  throw new Error(`no "${message}" line`);
}

type Sample = { at: number; cpu: number; metrics: MetricsSnapshot };

async function main(): Promise<void> {
  // Other work on the machine skews every figure: record how busy it was.
  const loadAtStart = loadavg().map((l) => round(l, 1));
  const kinesis = await startKinesis();
  const admin = createKinesisClient({ region: REGION, endpoint: kinesis.endpoint });
  for (const [key, value] of Object.entries(CREDENTIALS)) process.env[key] ??= value;
  await createStream(admin, 'bench-ingest', 4);
  await createStream(admin, 'bench-naive', 4);
  await createStream(admin, 'bench-mqtt', 4);
  admin.destroy();
  const sim = await startSimulator({ rate: RATE, seed: 1, recordTrades: false });
  console.log(
    `simulator: ${sim.market ? 'synthetic whole market' : 'replay'} at ${RATE} frames/s; ${SECONDS} s per phase`,
  );

  // --- the ingest task, as shipped: the esbuild bundle (main.mjs + pack-worker.mjs)
  const bundleDir = mkdtempSync(join(tmpdir(), 'ingest-bench-'));
  const { outfile } = await buildIngestBundle(bundleDir);
  const { steady, max, ingestRss, ingestExit } = await websocketPhases(sim, kinesis.endpoint, outfile);
  const { mqttMax, mqttExit } = await mqttPhase(sim, kinesis.endpoint, outfile);
  rmSync(bundleDir, { recursive: true, force: true });
  const { naiveResult, n1, naiveRss } = await naivePhase(sim, kinesis.endpoint);
  await sim.stop();
  await kinesis.stop();

  const results = {
    framesPerSec: Math.round(max.framesPerSec),
    naiveFramesPerSec: Math.round(naiveResult.framesPerSec),
    mqttFramesPerSec: Math.round(mqttMax.framesPerSec),
    recordsPer1000Frames: round(steady.recordsPer1000Frames, 2),
    naiveRecordsPer1000Frames: naiveResult.recordsPer1000Frames,
    bytesPer1000Frames: Math.round(steady.bytesPer1000Frames),
    naiveBytesPer1000Frames: Math.round(naiveResult.bytesPer1000Frames),
    p50AckMs: steady.ack.p50,
    p99AckMs: steady.ack.p99,
    cpuSecPer100kFrames: round(steady.cpuSecPer100kFrames, 2),
    peakRssMb: round(ingestRss, 1),
    details: {
      machine: { cpus: cpus().length, node: process.version, loadAverageAtStart: loadAtStart },
      steady: { rate: RATE, ...round2(steady) },
      max: round2(max),
      mqtt: round2(mqttMax),
      mqttExitCode: mqttExit,
      naive: round2(naiveResult),
      ingestExitCode: ingestExit,
    },
  };
  mkdirSync(`${ROOT}bench/results`, { recursive: true });
  writeFileSync(`${ROOT}bench/results/ingest.json`, `${JSON.stringify(results, null, 2)}\n`);
  console.table({
    'frames/s (sustained)': {
      ingest: results.framesPerSec,
      'ingest (MQTT)': results.mqttFramesPerSec,
      naive: results.naiveFramesPerSec,
    },
    'records / 1000 frames': {
      ingest: results.recordsPer1000Frames,
      naive: results.naiveRecordsPer1000Frames,
    },
    'bytes / 1000 frames': { ingest: results.bytesPer1000Frames, naive: results.naiveBytesPer1000Frames },
    'p50 receipt→ack ms': { ingest: results.p50AckMs, naive: n1.line.p50 },
    'p99 receipt→ack ms': { ingest: results.p99AckMs, naive: naiveResult.p99AckMs },
    'CPU s / 100k frames': { ingest: results.cpuSecPer100kFrames, naive: '' },
    'peak RSS MB': { ingest: results.peakRssMb, naive: round(naiveRss, 1) },
  });
  console.log(`steady phase at ${RATE}/s: ${Math.round(steady.framesPerSec)} frames/s acknowledged`);
  console.log(`max phase: shed ${max.shed}, buffer peak ${max.bufferPeak}, ingest exit code ${ingestExit}`);
  console.log(
    `MQTT max phase: ${results.mqttFramesPerSec} frames/s, task CPU ${mqttMax.taskCores.toFixed(2)} cores, shed ${mqttMax.shed}, undecodable ${mqttMax.undecodable}, exit code ${mqttExit}`,
  );
  console.log('wrote bench/results/ingest.json');
}

type Sim = Awaited<ReturnType<typeof startSimulator>>;

/** Phases 1 and 2: the bundle on the V2 websocket at the steady rate, then as fast as it reads. */
async function websocketPhases(sim: Sim, kinesisEndpoint: string, outfile: string) {
  const ingest = spawnLogged([outfile], {
    ...CREDENTIALS,
    STREAM_NAME: 'bench-ingest',
    IBOARD_PROTOCOL: 'v2',
    IBOARD_URL: sim.url,
    AWS_ENDPOINT_URL: kinesisEndpoint,
    INGEST_MODE: 'always',
    METRICS_PORT: '0',
  });
  const pid = ingest.child.pid as number;
  const started = await waitForLine(ingest.lines, 'ingest task started', ingest.child);
  const port = started.metricsPort as number;
  const sample = async (): Promise<Sample> => {
    const metrics = (await (await fetch(`http://127.0.0.1:${port}/metrics`)).json()) as MetricsSnapshot;
    return { at: performance.now(), cpu: cpuSeconds(pid), metrics };
  };
  await sleep(WARMUP_MS);
  const s0 = await sample();
  await sleep(SECONDS * 1000);
  const s1 = await sample();
  sim.setRate(Number.POSITIVE_INFINITY);
  await sleep(1_000);
  const s2 = await sample();
  await sleep(SECONDS * 1000);
  const s3 = await sample();
  const ingestRss = peakRssMb(pid);
  ingest.child.kill('SIGTERM');
  const ingestExit = await ingest.exited;

  const steadyFrames = s1.metrics.frames.put - s0.metrics.frames.put;
  const steady = {
    framesPerSec: (steadyFrames / (s1.at - s0.at)) * 1000,
    recordsPer1000Frames: ((s1.metrics.kinesis.records - s0.metrics.kinesis.records) / steadyFrames) * 1000,
    bytesPer1000Frames: ((s1.metrics.kinesis.bytes - s0.metrics.kinesis.bytes) / steadyFrames) * 1000,
    cpuSecPer100kFrames: ((s1.cpu - s0.cpu) / steadyFrames) * 100_000,
    ack: s1.metrics.ackLatencyMs,
  };
  const maxFrames = s3.metrics.frames.put - s2.metrics.frames.put;
  const max = {
    framesPerSec: (maxFrames / (s3.at - s2.at)) * 1000,
    cpuSecPer100kFrames: ((s3.cpu - s2.cpu) / maxFrames) * 100_000,
    shed: s3.metrics.frames.shed,
    bufferPeak: s3.metrics.buffer.peak,
    ack: s3.metrics.ackLatencyMs,
  };

  return { steady, max, ingestRss, ingestExit };
}

/**
 * Phase 3: the same bundle on the MQTT transport, measured as the max phase above (warmed up at
 * a tenth of the rate: a finite rate is not paced by the broker's backlog).
 */
async function mqttPhase(sim: Sim, kinesisEndpoint: string, outfile: string) {
  sim.setRate(RATE / 10);
  const mqttTask = spawnLogged([outfile], {
    ...CREDENTIALS,
    STREAM_NAME: 'bench-mqtt',
    IBOARD_PROTOCOL: 'mqtt',
    IBOARD_URL: sim.mqttUrl,
    AWS_ENDPOINT_URL: kinesisEndpoint,
    INGEST_MODE: 'always',
    METRICS_PORT: '0',
  });
  const mqttPid = mqttTask.child.pid as number;
  const mqttPort = (await waitForLine(mqttTask.lines, 'ingest task started', mqttTask.child))
    .metricsPort as number;
  const mqttSample = async (): Promise<Sample> => {
    const metrics = (await (await fetch(`http://127.0.0.1:${mqttPort}/metrics`)).json()) as MetricsSnapshot;
    return { at: performance.now(), cpu: cpuSeconds(mqttPid), metrics };
  };
  await sleep(WARMUP_MS);
  sim.setRate(Number.POSITIVE_INFINITY);
  await sleep(1_000);
  const m0 = await mqttSample();
  await sleep(SECONDS * 1000);
  const m1 = await mqttSample();
  const mqttRss = peakRssMb(mqttPid);
  mqttTask.child.kill('SIGTERM');
  const mqttExit = await mqttTask.exited;
  sim.setRate(RATE);
  const mqttFrames = m1.metrics.frames.put - m0.metrics.frames.put;
  const mqttMax = {
    framesPerSec: (mqttFrames / (m1.at - m0.at)) * 1000,
    cpuSecPer100kFrames: ((m1.cpu - m0.cpu) / mqttFrames) * 100_000,
    // Below 1: the task had CPU to spare, the simulator's broker (this process) set the pace.
    taskCores: (m1.cpu - m0.cpu) / ((m1.at - m0.at) / 1000),
    shed: m1.metrics.frames.shed,
    undecodable: m1.metrics.frames.rejected.undecodable,
    bufferPeak: m1.metrics.buffer.peak,
    ack: m1.metrics.ackLatencyMs,
    peakRssMb: mqttRss,
  };

  return { mqttMax, mqttExit };
}

/** Phase 4: the naive producer, same market, same rate. */
async function naivePhase(sim: Sim, kinesisEndpoint: string) {
  const naive = spawnLogged(
    ['--import', 'tsx', 'bench/naive-producer.ts', sim.url, 'bench-naive', kinesisEndpoint],
    {
      ...CREDENTIALS,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  );
  const naivePid = naive.child.pid as number;
  await sleep(WARMUP_MS);
  const n0 = { at: performance.now(), line: naive.lines.at(-1) ?? { acked: 0, bytes: 0 } };
  await sleep(SECONDS * 1000);
  const n1 = { at: performance.now(), line: naive.lines.at(-1) ?? { acked: 0, bytes: 0 } };
  const naiveRss = peakRssMb(naivePid);
  naive.child.kill('SIGTERM');
  await naive.exited;
  const naiveAcked = (n1.line.acked as number) - (n0.line.acked as number);
  const naiveResult = {
    framesPerSec: (naiveAcked / (n1.at - n0.at)) * 1000,
    recordsPer1000Frames: 1000,
    bytesPer1000Frames: (((n1.line.bytes as number) - (n0.line.bytes as number)) / naiveAcked) * 1000,
    queuedAtEnd: n1.line.queued,
    p99AckMs: n1.line.p99,
    peakRssMb: naiveRss,
  };
  return { naiveResult, n1, naiveRss };
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function round2<T extends Record<string, unknown>>(object: T): T {
  return JSON.parse(JSON.stringify(object, (_k, v) => (typeof v === 'number' ? round(v, 2) : v)));
}

await main();
