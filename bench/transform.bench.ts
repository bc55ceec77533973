/**
 * `npm run bench:transform`: the transform handler against a naive one, in the same run,
 * on the same frames: the simulator's whole market at its peak rate (2,000 frames/s of
 * market time, ~18% of frames trading, index frames every second), in records of 50
 * frames as the ingest task packs them at that rate (8 partition buckets, 200 ms linger).
 *
 * - `framesPerSec`: decode + parse + derive on one core, batches of 10,000 frames: frames
 *   per CPU second of a child process that holds only the encoded batches, as a Lambda
 *   does, over the pure pipeline bundled with esbuild as the Lambda is deployed (tsx's
 *   per-module export getters would otherwise slow the parser's hot loop); median of 11
 *   rounds.
 * - Write units per 1,000 frames depend on the batch: the handler writes one quote per
 *   symbol and one bar per symbol-minute per batch, plus one row per trade, so the more
 *   frames a batch holds, the fewer writes per frame. They are measured at three batch
 *   sizes, each with the real handler (`createTransformHandler` + `DynamoSink`) on
 *   Kinesis-shaped events writing to dynalite, in steady state (a first batch of 10,000
 *   frames, not counted, stores the symbols' quotes, as mid-session):
 *   - `deployed`: the batch the stack's event source gathers at the peak: the batching
 *     window times the peak rate over the shards (infra/context.ts: 20 s x 2,000 / 1 =
 *     40,000 frames). This is the headline `writeUnitsPer1000Frames`,
 *     `framesPerSecWithWrites` and `writeUnitsPer1000FramesByTable`;
 *   - 10,000 frames, the batch size the issue names (`peakRssMb` is measured there);
 *   - 2,000 frames: a 1 s window at the peak on one shard (the low-latency setting).
 *   Write units are `ReturnConsumedCapacity` as dynalite reports them (1 WCU per started
 *   KB of item; conditional puts that fail are added at their item size, as DynamoDB
 *   charges them); write requests (API calls) are counted by a proxy in front of dynalite.
 * - `naiveFramesPerSecWithWrites` and `naiveWriteUnitsPer1000Frames`: the original design
 *   (`bench/naive-writer.ts`), every frame written as one item into each of three tables
 *   with one PutItem each. Independent of batching.
 * - `peakRssMb`: maximum RSS of a child process that only builds its events and runs the
 *   handler on them, so it is close to what a Lambda holding one batch needs (plus the
 *   bench's own frame text).
 *
 * - `cqlRowsPer1000Frames`, `cqlRowsPerSec`: the same handler with the CQL sink alone
 *   (`SINK=keyspaces`: previous state read from and rows written to Cassandra) on the
 *   deployed batch size, against the Cassandra of `CASSANDRA_CONTACT_POINTS` (`npm run
 *   cassandra -- start`), keyspace `vn_stock_bench`; rows as Cassandra acknowledged them
 *   (the sink's `diagnostics_channel` count), per 1,000 frames and per second of handler
 *   time. A local single node on the bench's own 2 cores, not Keyspaces' throughput.
 *   Without a reachable Cassandra the figure is skipped and `cqlSkipped` says why.
 *
 * Writes `bench/results/transform.json`. Options: `--quick` (fewer batches and naive
 * frames, for CI's smoke run), `--naive-frames N` (default 5,000: the naive handler is
 * per-frame, so a sample suffices), `--cpu-only` (print `framesPerSec` alone).
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import { CQL_TABLES } from '../core/cql/schema.ts';
import type { TransformSink, WriteResult } from '../core/derive/sink.ts';
import { encodeRecord } from '../core/records/index.ts';
import { loadTransformConfig } from '../functions/transform/config.ts';
import { kinesisEventFrom } from '../functions/transform/kinesis-event.ts';
import { createCassandraClient } from '../functions/transform/sinks/cassandra-client.ts';
import { combineSinks } from '../functions/transform/sinks/combined-sink.ts';
import { ensureCqlSchema } from '../functions/transform/sinks/cql-setup.ts';
import { DynamoSink } from '../functions/transform/sinks/dynamodb-sink.ts';
import { KeyspacesSink } from '../functions/transform/sinks/keyspaces-sink.ts';
import { createTransformHandler, TRANSFORM_NAMESPACE } from '../functions/transform.ts';
import { DEFAULT_SETTINGS } from '../infra/context.ts';
import { startAwsFaultProxy } from '../local/emulators/fault-proxy.ts';
import { startDynamo } from '../local/emulators/launch.ts';
import { CqlRowCounter } from '../local/runtime/cql-row-counter.ts';
import { SyntheticMarket } from '../local/simulator/synthetic-market.ts';
import { iboardListing } from '../local/simulator/universe.ts';
import { createTables, dynamoClient } from '../test/support/aws.ts';
import { MARKET_PEAK_FRAMES_PER_SECOND } from './cost-model.ts';
import { runNaiveWriter } from './naive-writer.ts';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    /** Only the decode + parse + derive figure, printed (no emulator, no result file). */
    'cpu-only': { type: 'boolean', default: false },
    'naive-frames': { type: 'string' },
    /** Internal: run one batch size against this DynamoDB endpoint and report to the parent. */
    child: { type: 'string' },
    /** Internal: measure `framesPerSec` and report it to the parent. */
    'child-cpu': { type: 'boolean', default: false },
    /** Internal: run the deployed batch size with the CQL sink and report to the parent. */
    'child-cql': { type: 'boolean', default: false },
    'batch-frames': { type: 'string' },
    batches: { type: 'string' },
  },
});
const QUICK = values.quick === true;
const NAIVE_FRAMES = Number(values['naive-frames'] ?? (QUICK ? 300 : 5000));
/** 8 partition buckets x 200 ms linger at 2,000 frames/s (ingest-task/config.ts defaults). */
const FRAMES_PER_RECORD = 50;
/** The first frames, processed before counting so the tables hold each symbol's quote. */
const WARM_UP_FRAMES = 10_000;
const CPU_BATCH_FRAMES = 10_000;
const CPU_BATCHES = QUICK ? 1 : 3;
const CPU_ROUNDS = 11;
const SHARD = 'shardId-000000000000';
const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/bench';

/** The batch the deployed event source gathers at the peak, per shard. */
const DEPLOYED_BATCH_FRAMES =
  (MARKET_PEAK_FRAMES_PER_SECOND * DEFAULT_SETTINGS.batchWindowSeconds) / DEFAULT_SETTINGS.shardCount;

type BatchSize = { readonly name: string; readonly batchFrames: number; readonly batches: number };
const BATCH_SIZES: readonly BatchSize[] = [
  { name: 'deployed', batchFrames: DEPLOYED_BATCH_FRAMES, batches: QUICK ? 1 : 2 },
  { name: '10k', batchFrames: 10_000, batches: QUICK ? 1 : 3 },
  { name: 'window 1 s', batchFrames: MARKET_PEAK_FRAMES_PER_SECOND, batches: QUICK ? 3 : 10 },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const per1000 = (n: number, frames: number) => Math.round((n / frames) * 1000 * 10) / 10;

// --- frames: the whole market from 09:30 ICT at the peak rate, index frames every second
type TimedFrame = { readonly raw: string; readonly receivedAt: number };

function marketFrames(count: number): { frames: TimedFrame[]; market: SyntheticMarket } {
  let clock = Date.parse('2026-04-14T02:30:00Z');
  const step = 1000 / MARKET_PEAK_FRAMES_PER_SECOND;
  const market = new SyntheticMarket({ seed: 7, listed: iboardListing(), clock: () => (clock += step) });
  const frames: TimedFrame[] = [];
  let nextIndexAt = clock;
  while (frames.length < count) {
    if (clock >= nextIndexAt) {
      nextIndexAt += 1000;
      for (const f of market.indexFrames()) frames.push({ raw: f.raw, receivedAt: clock });
    }
    const frame = market.nextFrame();
    if (frame) frames.push({ raw: frame.raw, receivedAt: clock });
  }
  frames.length = count;
  return { frames, market };
}

/** GetRecords-shaped records of {@link FRAMES_PER_RECORD} frames, numbered from `first`. */
function recordsOf(frames: readonly TimedFrame[], first: number) {
  const records = [];
  for (let at = 0; at < frames.length; at += FRAMES_PER_RECORD) {
    const envelopes = frames
      .slice(at, at + FRAMES_PER_RECORD)
      .map((f, i) => ({ raw: f.raw, receivedAt: f.receivedAt, connectionId: 'bench', seq: first + at + i }));
    records.push({
      SequenceNumber: String(first + at).padStart(56, '0'),
      ApproximateArrivalTimestamp: new Date(frames[at].receivedAt),
      Data: encodeRecord(envelopes),
      PartitionKey: 'bench',
    });
  }
  return records;
}

/** Events of `batchFrames` frames each, from `frames[from]` on. */
function eventsOf(frames: readonly TimedFrame[], from: number, batchFrames: number, batches: number) {
  return Array.from({ length: batches }, (_, b) => {
    const first = from + b * batchFrames;
    return kinesisEventFrom(recordsOf(frames.slice(first, first + batchFrames), first), SHARD, STREAM_ARN);
  });
}

// --- 1. decode + parse + derive, one core, bundled as deployed, in a process of its own
//     that holds only the encoded batches (as a Lambda does: no market, no frame text)
async function cpuFramesPerSec(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'transform-bench-'));
  try {
    const entry = join(dir, 'entry.ts');
    const root = fileURLToPath(new URL('..', import.meta.url));
    writeFileSync(
      entry,
      `export { decodeBatch } from '${root}core/derive/decode-batch.ts';
       export { deriveBatch, quoteKeys } from '${root}core/derive/derive-batch.ts';
       export { groupByBar, mergeBar } from '${root}core/derive/bars.ts';`,
    );
    const out = join(dir, 'pipeline.mjs');
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: out,
      logLevel: 'warning',
    });
    const pipeline = await import(out);
    const { frames } = marketFrames(CPU_BATCHES * CPU_BATCH_FRAMES);
    const inputs = Array.from({ length: CPU_BATCHES }, (_, b) =>
      recordsOf(frames.slice(b * CPU_BATCH_FRAMES, (b + 1) * CPU_BATCH_FRAMES), b * CPU_BATCH_FRAMES).map(
        (r) => ({
          data: r.Data,
          sequenceNumber: r.SequenceNumber,
          arrivalMs: r.ApproximateArrivalTimestamp.getTime(),
        }),
      ),
    );
    frames.length = 0;
    const rates: number[] = [];
    for (let round = 0; round < CPU_ROUNDS + 1; round++) {
      const quotes = new Map();
      const start = process.cpuUsage();
      for (const input of inputs) {
        const decoded = pipeline.decodeBatch(input, SHARD);
        pipeline.quoteKeys(decoded);
        const derived = pipeline.deriveBatch(decoded, quotes);
        for (const group of pipeline.groupByBar(
          derived.symbols.flatMap((s: { trades: unknown[] }) => s.trades),
        )) {
          pipeline.mergeBar(undefined, group.key, group.trades);
        }
        for (const s of derived.symbols) quotes.set(s.symbol, s.quote);
      }
      const used = process.cpuUsage(start);
      const frameCount = CPU_BATCHES * CPU_BATCH_FRAMES;
      if (round > 0) rates.push(frameCount / ((used.user + used.system) / 1e6)); // round 0 warms up
    }
    return Math.round(median(rates));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sums the write units and rows the sink reports, per table, while `on`. */
function counting(sink: TransformSink) {
  const totals = { on: false, writeUnits: 0, rows: 0, byTable: {} as Record<string, number> };
  const wrap =
    <A extends unknown[], T>(table: string, fn: (...args: A) => Promise<WriteResult<T>>) =>
    async (...args: A) => {
      const result = await fn(...args);
      if (!totals.on) return result;
      totals.writeUnits += result.writeUnits;
      totals.byTable[table] = (totals.byTable[table] ?? 0) + result.writeUnits;
      totals.rows += (args[0] as unknown[]).length - result.failed.length;
      return result;
    };
  const wrapped: TransformSink = {
    name: sink.name,
    readQuotes: (k) => sink.readQuotes(k),
    readBars: (k) => sink.readBars(k),
    writeTrades: wrap('trades', (r) => sink.writeTrades(r)),
    writeBars: wrap('bars', (r) => sink.writeBars(r)),
    writeIndices: wrap('indices', (r) => sink.writeIndices(r)),
    writeRejects: wrap('rejects', (r) => sink.writeRejects(r)),
    writeQuotes: wrap('quotes', (r) => sink.writeQuotes(r)),
  };
  return { sink: wrapped, totals };
}

type WriteFigures = {
  frames: number;
  seconds: number;
  writeUnits: number;
  rows: number;
  byTable: Record<string, number>;
  peakRssMb: number;
};

// --- 2. the handler with writes, one batch size per child process (see `peakRssMb`)
async function withWrites(
  client: DynamoDBClient,
  batchFrames: number,
  batches: number,
): Promise<WriteFigures> {
  const { frames } = marketFrames(WARM_UP_FRAMES + batchFrames * batches);
  const warmUp = eventsOf(frames, 0, WARM_UP_FRAMES, 1);
  const events = eventsOf(frames, WARM_UP_FRAMES, batchFrames, batches);
  frames.length = 0;
  const tables = await createTables(client, `bench-${batchFrames}`);
  const { sink, totals } = counting(new DynamoSink({ client, tables }));
  const handler = createTransformHandler({
    sink,
    logger: new Logger({ serviceName: 'transform', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: TRANSFORM_NAMESPACE, serviceName: 'transform' }),
  });
  let seconds = 0;
  for (const event of [...warmUp, ...events]) {
    if (event === events[0]) {
      totals.on = true;
      process.send?.({ counting: true });
    }
    const started = performance.now();
    const { batchItemFailures } = await handler(event);
    if (batchItemFailures.length > 0) throw new Error('a bench batch failed');
    if (totals.on) seconds += (performance.now() - started) / 1000;
  }
  return {
    frames: batchFrames * batches,
    seconds,
    writeUnits: totals.writeUnits,
    rows: totals.rows,
    byTable: totals.byTable,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

type CqlFigures = { frames: number; seconds: number; rows: number };

/** The keyspace the bench writes (truncated first). */
const BENCH_KEYSPACE = 'vn_stock_bench';

// --- 3. the handler with the CQL sink alone, against the local Cassandra
async function withCqlWrites(batchFrames: number, batches: number): Promise<CqlFigures> {
  const { frames } = marketFrames(WARM_UP_FRAMES + batchFrames * batches);
  const warmUp = eventsOf(frames, 0, WARM_UP_FRAMES, 1);
  const events = eventsOf(frames, WARM_UP_FRAMES, batchFrames, batches);
  frames.length = 0;
  const config = loadTransformConfig({
    ...process.env,
    SINK: 'keyspaces',
    REJECTS_TABLE: 'unused',
    KEYSPACE_NAME: BENCH_KEYSPACE,
  });
  const client = await createCassandraClient(config.cassandra!);
  await ensureCqlSchema(client, BENCH_KEYSPACE);
  for (const table of CQL_TABLES) await client.execute(`TRUNCATE ${BENCH_KEYSPACE}.${table.name}`);
  const cql = new KeyspacesSink({ client, keyspace: BENCH_KEYSPACE });
  // Rejects go to DynamoDB in every mode; the market has none, and they are not CQL rows.
  const noRejects = { writeRejects: async () => ({ failed: [], retries: 0, writeUnits: 0, requests: 0 }) };
  const sink = combineSinks({ name: 'keyspaces', reader: cql, writers: [cql], rejects: noRejects });
  const handler = createTransformHandler({
    sink,
    logger: new Logger({ serviceName: 'transform', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: TRANSFORM_NAMESPACE, serviceName: 'transform' }),
  });
  let counter: CqlRowCounter | undefined;
  let seconds = 0;
  for (const event of [...warmUp, ...events]) {
    if (event === events[0]) counter = new CqlRowCounter();
    const started = performance.now();
    const { batchItemFailures } = await handler(event);
    if (batchItemFailures.length > 0) throw new Error('a bench batch failed (CQL)');
    if (counter) seconds += (performance.now() - started) / 1000;
  }
  const rows = Object.values(counter!.rows).reduce((a, b) => a + b, 0);
  counter!.stop();
  await client.shutdown();
  return { frames: batchFrames * batches, seconds, rows };
}

/** Why the CQL figure cannot be measured, or undefined when Cassandra answers. */
async function cqlUnavailable(): Promise<string | undefined> {
  if (!process.env.CASSANDRA_CONTACT_POINTS)
    return 'Cassandra is not running (CASSANDRA_CONTACT_POINTS unset; npm run cassandra -- start)';
  try {
    const config = loadTransformConfig({ ...process.env, SINK: 'keyspaces', REJECTS_TABLE: 'unused' });
    const client = await createCassandraClient(config.cassandra!);
    await client.shutdown();
    return undefined;
  } catch (error) {
    return `Cassandra at ${process.env.CASSANDRA_CONTACT_POINTS} does not answer: ${(error as Error).message}`;
  }
}

/**
 * Runs this file in a fresh process with `args` (same frames: same seed) and resolves with
 * its last message; `onCounting` is called when a write child starts counting (after its
 * warm-up batch).
 */
function inChild<T>(args: readonly string[], onCounting?: () => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), args, {
      // The SDK's notice that its 2027 releases need Node 22, once per child, is noise here.
      execArgv: ['--import', 'tsx', '--disable-warning=NodeVersionSupportWarning'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.on('message', (message: { counting?: boolean } & T) => {
      if (message.counting) onCounting?.();
      else resolve(message);
    });
    child.once('exit', (code) =>
      code === 0 ? undefined : reject(new Error(`bench child exited with ${code}`)),
    );
  });
}

const writeChildArgs = (endpoint: string, size: BatchSize) => [
  '--child',
  endpoint,
  '--batch-frames',
  String(size.batchFrames),
  '--batches',
  String(size.batches),
];

if (values['child-cpu']) {
  const framesPerSec = await cpuFramesPerSec();
  process.send?.({ framesPerSec }, () => process.exit(0));
} else if (values['child-cql']) {
  const figures = await withCqlWrites(Number(values['batch-frames']), Number(values.batches));
  process.send?.(figures, () => process.exit(0));
} else if (values.child) {
  const client = dynamoClient(values.child, 4);
  const figures = await withWrites(client, Number(values['batch-frames']), Number(values.batches));
  client.destroy();
  process.send?.(figures, () => process.exit(0));
} else {
  const { framesPerSec } = await inChild<{ framesPerSec: number }>([
    '--child-cpu',
    ...(QUICK ? ['--quick'] : []),
  ]);
  if (values['cpu-only']) {
    console.log(`decode + parse + derive: ${framesPerSec} frames/s per CPU second`);
    process.exit(0);
  }
  const { frames, market } = marketFrames(WARM_UP_FRAMES + NAIVE_FRAMES);
  const dynamo = await startDynamo();
  const proxy = await startAwsFaultProxy(dynamo.endpoint);
  const client = dynamoClient(proxy.endpoint, 4);
  const writeCalls = () =>
    ['BatchWriteItem', 'PutItem', 'UpdateItem'].reduce((sum, op) => sum + (proxy.counts.get(op) ?? 0), 0);
  try {
    const naiveEvent = kinesisEventFrom(
      recordsOf(frames.slice(WARM_UP_FRAMES, WARM_UP_FRAMES + NAIVE_FRAMES), WARM_UP_FRAMES),
      SHARD,
      STREAM_ARN,
    );
    const theirs = await runNaiveWriter(client, naiveEvent, writeCalls);
    const naiveWriteUnitsPer1000Frames = per1000(theirs.writeUnits, theirs.frames);
    const byBatch = [];
    for (const size of BATCH_SIZES) {
      let callsBefore = 0;
      const mine = await inChild<WriteFigures>(writeChildArgs(proxy.endpoint, size), () => {
        callsBefore = writeCalls();
      });
      const writeUnitsPer1000Frames = per1000(mine.writeUnits, mine.frames);
      byBatch.push({
        name: size.name,
        batchFrames: size.batchFrames,
        batches: size.batches,
        windowSecondsAtPeak: size.batchFrames / MARKET_PEAK_FRAMES_PER_SECOND,
        writeUnitsPer1000Frames,
        timesFewerThanNaive: Math.round((naiveWriteUnitsPer1000Frames / writeUnitsPer1000Frames) * 10) / 10,
        writeUnitsPer1000FramesByTable: Object.fromEntries(
          Object.entries(mine.byTable).map(([table, units]) => [table, per1000(units, mine.frames)]),
        ),
        writeRequestsPer1000Frames: per1000(writeCalls() - callsBefore, mine.frames),
        rowsWrittenPer1000Frames: per1000(mine.rows, mine.frames),
        framesPerSecWithWrites: Math.round(mine.frames / mine.seconds),
        peakRssMb: Math.round(mine.peakRssMb),
      });
      const last = byBatch[byBatch.length - 1];
      console.log(
        `batch of ${size.batchFrames.toLocaleString('en')} frames (${last.windowSecondsAtPeak} s at the peak): ` +
          `${last.writeUnitsPer1000Frames} write units per 1,000 frames, ${last.timesFewerThanNaive}x fewer than naive; ` +
          `${last.framesPerSecWithWrites} frames/s with writes; peak RSS ${last.peakRssMb} MB`,
      );
    }
    const deployed = byBatch.find((b) => b.name === 'deployed')!;
    const tenK = byBatch.find((b) => b.name === '10k')!;
    const cqlSkipped = await cqlUnavailable();
    let cqlFigures: Record<string, number> = {};
    if (cqlSkipped) console.log(`CQL rows: not measured: ${cqlSkipped}`);
    else {
      const size = BATCH_SIZES[0];
      const cql = await inChild<CqlFigures>([
        '--child-cql',
        '--batch-frames',
        String(size.batchFrames),
        '--batches',
        String(size.batches),
      ]);
      cqlFigures = {
        cqlRowsPer1000Frames: per1000(cql.rows, cql.frames),
        cqlRowsPerSec: Math.round(cql.rows / cql.seconds),
        cqlFramesPerSecWithWrites: Math.round(cql.frames / cql.seconds),
      };
      console.log(
        `CQL sink alone, batches of ${size.batchFrames.toLocaleString('en')} frames: ${cqlFigures.cqlRowsPer1000Frames} rows per 1,000 frames, ` +
          `${cqlFigures.cqlRowsPerSec} rows/s, ${cqlFigures.cqlFramesPerSecWithWrites} frames/s (local Cassandra)`,
      );
    }
    const results = {
      framesPerSec,
      framesPerSecWithWrites: deployed.framesPerSecWithWrites,
      naiveFramesPerSecWithWrites: Math.round(theirs.frames / theirs.seconds),
      writeUnitsPer1000Frames: deployed.writeUnitsPer1000Frames,
      naiveWriteUnitsPer1000Frames,
      writeUnitsPer1000FramesByTable: deployed.writeUnitsPer1000FramesByTable,
      writeRequestsPer1000Frames: deployed.writeRequestsPer1000Frames,
      naiveWriteRequestsPer1000Frames: per1000(theirs.calls, theirs.frames),
      rowsWrittenPer1000Frames: deployed.rowsWrittenPer1000Frames,
      ...cqlFigures,
      ...(cqlSkipped ? { cqlSkipped } : {}),
      peakRssMb: tenK.peakRssMb,
      peakRssMbDeployedBatch: deployed.peakRssMb,
      batchFrames: DEPLOYED_BATCH_FRAMES,
      batchWindowSeconds: DEFAULT_SETTINGS.batchWindowSeconds,
      shards: DEFAULT_SETTINGS.shardCount,
      peakFramesPerSecond: MARKET_PEAK_FRAMES_PER_SECOND,
      framesPerRecord: FRAMES_PER_RECORD,
      byBatch,
      naiveFrames: theirs.frames,
      tradesPerFrame: tradesPerFrame(market, frames.length),
      quick: QUICK,
      node: process.version,
      measuredAt: new Date().toISOString(),
    };
    const out = fileURLToPath(new URL('./results/transform.json', import.meta.url));
    mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(JSON.stringify(results, null, 2));
    console.log(
      `deployed (${DEFAULT_SETTINGS.batchWindowSeconds} s window, ${DEFAULT_SETTINGS.shardCount} shard): ` +
        `${results.writeUnitsPer1000Frames} write units per 1,000 frames vs naive ${naiveWriteUnitsPer1000Frames} ` +
        `(${deployed.timesFewerThanNaive}x fewer); decode + parse + derive ${framesPerSec} frames/s`,
    );
  } finally {
    client.destroy();
    await proxy.stop();
    await dynamo.stop();
  }
}

/** Trades in the simulator's ledger per frame generated (the share of frames with a new cumulative volume). */
function tradesPerFrame(market: SyntheticMarket, frames: number): number {
  const trades = market.ledger
    .tradedSymbols()
    .reduce((sum, symbol) => sum + market.ledger.trades(symbol).length, 0);
  return Math.round((trades / frames) * 1000) / 1000;
}
