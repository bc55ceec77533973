/**
 * `npm run bench:transform`: the transform handler against a naive one, in the same run,
 * on the same frames (the simulator's whole market, ~15% of frames trading), batches of
 * 10,000 frames (100 records of 100 frames).
 *
 * - `framesPerSec`: decode + parse + derive on one core: frames per CPU second of this
 *   (single-threaded) process over the pure pipeline, bundled with esbuild as the Lambda is
 *   deployed (tsx's per-module export getters would otherwise slow the parser's hot loop);
 *   median of several rounds.
 * - `framesPerSecWithWrites`: the real handler (`createTransformHandler` + `DynamoSink`) on
 *   Kinesis-shaped events, writing to dynalite; frames per wall second.
 * - `naiveFramesPerSecWithWrites`: the original design: every frame parsed and written as
 *   one item into each of trades, orders and market (keyed symbol + timestamp in seconds),
 *   one PutItem per item, record after record as a per-record batch processor does.
 * - write units per 1,000 frames: `ReturnConsumedCapacity` as dynalite reports it (1 WCU
 *   per started KB of item; conditional puts that fail are added at their item size, as
 *   DynamoDB charges them); write requests per 1,000 frames counted by a proxy in front of
 *   dynalite (API calls).
 * - `peakRssMb`: maximum RSS of a child process that only builds the events and runs the
 *   handler on them (the with-writes figures come from that child too), so it is close to
 *   what a Lambda holding one 10,000-frame batch needs (plus the bench's own frame text).
 * - `writeUnitsPer1000FramesByTable`: where the write units go.
 *
 * Writes `bench/results/transform.json`. Options: `--batches N` (default 3), `--naive-frames N`
 * (frames given to the naive handler, default 5,000: it is per-frame, so a sample suffices).
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
import {
  type AttributeValue,
  CreateTableCommand,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { build } from 'esbuild';
import type { TransformSink, WriteResult } from '../core/derive/sink.ts';
import { parseFrame } from '../core/iboard/parse-frame.ts';
import { decodeRecord, encodeRecord } from '../core/records/index.ts';
import { kinesisEventFrom } from '../functions/kinesis-event.ts';
import { DynamoSink } from '../functions/sinks/dynamodb-sink.ts';
import { createTransformHandler, TRANSFORM_NAMESPACE } from '../functions/transform.ts';
import { startDynamo } from '../local/emulators.ts';
import { SyntheticMarket } from '../local/simulator/synthetic-market.ts';
import { iboardListing } from '../local/simulator/universe.ts';
import { createTables, dynamoClient } from '../test/support/aws.ts';
import { startFaultProxy } from '../test/support/fault-proxy.ts';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '3' },
    'naive-frames': { type: 'string', default: '5000' },
    /** Internal: run the with-writes phase against this DynamoDB endpoint and report to the parent. */
    child: { type: 'string' },
  },
});
const BATCHES = Number(values.batches);
const NAIVE_FRAMES = Number(values['naive-frames']);
const BATCH_FRAMES = 10_000;
const FRAMES_PER_RECORD = 100;
const CPU_ROUNDS = 7;
const SHARD = 'shardId-000000000000';
const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/bench';

// --- frames: the whole market from 09:30 ICT, ~200 frames per second of market time
let clock = Date.parse('2026-04-14T02:30:00Z');
const market = new SyntheticMarket({ seed: 7, listed: iboardListing(), clock: () => (clock += 5) });
const raws: string[] = [];
while (raws.length < BATCHES * BATCH_FRAMES) {
  if (raws.length % 1000 === 0) raws.push(...market.indexFrames().map((f) => f.raw));
  const frame = market.nextFrame();
  if (frame) raws.push(frame.raw);
}
raws.length = BATCHES * BATCH_FRAMES;

/** One batch = 100 GetRecords-shaped records of 100 frames. */
const batches = Array.from({ length: BATCHES }, (_, b) => {
  const records = [];
  for (let r = 0; r < BATCH_FRAMES / FRAMES_PER_RECORD; r++) {
    const at = b * BATCH_FRAMES + r * FRAMES_PER_RECORD;
    const envelopes = raws
      .slice(at, at + FRAMES_PER_RECORD)
      .map((raw, i) => ({ raw, receivedAt: clock + at + i, connectionId: 'bench', seq: at + i }));
    records.push({
      SequenceNumber: String(at).padStart(56, '0'),
      ApproximateArrivalTimestamp: new Date(clock),
      Data: encodeRecord(envelopes),
      PartitionKey: 'bench',
    });
  }
  return records;
});
const events = batches.map((records) => kinesisEventFrom(records, SHARD, STREAM_ARN));
const totalFrames = BATCHES * BATCH_FRAMES;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const per1000 = (n: number, frames: number) => Math.round((n / frames) * 1000 * 10) / 10;

// --- 1. decode + parse + derive, one core, bundled as deployed
async function cpuFramesPerSec(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'transform-bench-'));
  try {
    const entry = join(dir, 'entry.ts');
    const root = fileURLToPath(new URL('..', import.meta.url));
    writeFileSync(
      entry,
      `export { prepareBatch } from '${root}core/derive/prepare-batch.ts';
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
    const inputs = batches.map((records) =>
      records.map((r) => ({ data: r.Data, sequenceNumber: r.SequenceNumber, arrivalMs: clock })),
    );
    const rates: number[] = [];
    for (let round = 0; round < CPU_ROUNDS + 1; round++) {
      const quotes = new Map();
      const start = process.cpuUsage();
      for (const input of inputs) {
        const prepared = pipeline.prepareBatch(input, SHARD);
        pipeline.quoteKeys(prepared.frames);
        const derived = pipeline.deriveBatch(prepared.frames, quotes);
        for (const group of pipeline.groupByBar(
          derived.symbols.flatMap((s: { trades: unknown[] }) => s.trades),
        )) {
          pipeline.mergeBar(undefined, group.key, group.trades);
        }
        for (const s of derived.symbols) quotes.set(s.symbol, s.quote);
      }
      const used = process.cpuUsage(start);
      if (round > 0) rates.push(totalFrames / ((used.user + used.system) / 1e6)); // round 0 warms up
    }
    return Math.round(median(rates));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sums the write units and rows the sink reports, per table. */
function counting(sink: TransformSink) {
  const totals = { writeUnits: 0, rows: 0, byTable: {} as Record<string, number> };
  const wrap =
    <A extends unknown[], T>(table: string, fn: (...args: A) => Promise<WriteResult<T>>) =>
    async (...args: A) => {
      const result = await fn(...args);
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
  baselineRssMb: number;
  seconds: number;
  writeUnits: number;
  rows: number;
  byTable: Record<string, number>;
  peakRssMb: number;
};

// --- 2. the handler with writes (run in a child process, see `peakRssMb`)
async function withWrites(client: DynamoDBClient): Promise<WriteFigures> {
  const tables = await createTables(client, 'bench');
  const { sink, totals } = counting(new DynamoSink({ client, tables }));
  const handler = createTransformHandler({
    sink,
    logger: new Logger({ serviceName: 'transform', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: TRANSFORM_NAMESPACE, serviceName: 'transform' }),
  });
  const baselineRssMb = process.resourceUsage().maxRSS / 1024;
  const started = performance.now();
  for (const event of events) {
    const { batchItemFailures } = await handler(event);
    if (batchItemFailures.length > 0) throw new Error('the bench batch failed');
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, ...totals, baselineRssMb, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** Runs {@link withWrites} in a fresh process (same frames: same seed) and returns its figures. */
function inChild(endpoint: string): Promise<WriteFigures> {
  return new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(import.meta.url), ['--batches', String(BATCHES), '--child', endpoint], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    });
    child.once('message', (message) => resolve(message as WriteFigures));
    child.once('exit', (code) =>
      code === 0 ? undefined : reject(new Error(`bench child exited with ${code}`)),
    );
  });
}

// --- 3. the naive handler: three PutItems per frame, keyed (symbol, second)
const NAIVE_TABLES = ['naive-trades', 'naive-orders', 'naive-market'] as const;

async function naive(client: DynamoDBClient, writeCalls: () => number) {
  for (const TableName of NAIVE_TABLES) {
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'symbol', AttributeType: 'S' },
          { AttributeName: 'timestamp', AttributeType: 'N' },
        ],
        KeySchema: [
          { AttributeName: 'symbol', KeyType: 'HASH' },
          { AttributeName: 'timestamp', KeyType: 'RANGE' },
        ],
      }),
    );
  }
  const event: KinesisStreamEvent = {
    Records: events.flatMap((e) => e.Records).slice(0, Math.ceil(NAIVE_FRAMES / FRAMES_PER_RECORD)),
  };
  const frames = event.Records.length * FRAMES_PER_RECORD;
  let writeUnits = 0;
  const put = async (TableName: string, Item: Record<string, AttributeValue>) => {
    const out = await client.send(new PutItemCommand({ TableName, Item, ReturnConsumedCapacity: 'TOTAL' }));
    writeUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
  };
  const calls = writeCalls();
  const started = performance.now();
  for (const record of event.Records) {
    for (const envelope of decodeRecord(Buffer.from(record.kinesis.data, 'base64'))) {
      const f = parseFrame(envelope.raw);
      if (f.kind !== 'stock') continue;
      const key = {
        symbol: { S: f.symbol },
        timestamp: { N: String(Math.floor((f.serverTime ?? envelope.receivedAt) / 1000)) },
      };
      const n = (v: number | undefined) => ({ N: String(v ?? 0) });
      const levels = (side: typeof f.bids) =>
        Object.fromEntries(
          side.slice(0, 3).flatMap((l, i) => [
            [`p${i + 1}`, n(l.price)],
            [`v${i + 1}`, n(l.volume)],
          ]),
        );
      await Promise.all([
        put('naive-trades', {
          ...key,
          price: n(f.lastPrice),
          volume: n(f.lastVolume),
          value: n(f.totalValue),
        }),
        put('naive-orders', { ...key, bid: { M: levels(f.bids) }, offer: { M: levels(f.offers) } }),
        put('naive-market', {
          ...key,
          ...Object.fromEntries(
            (
              [
                'high',
                'low',
                'openPrice',
                'averagePrice',
                'change',
                'changePercent',
                'totalVolume',
                'totalValue',
                'foreignBuyVolume',
                'foreignSellVolume',
                'foreignRoom',
                'ceiling',
                'floor',
                'reference',
              ] as const
            ).map((k) => [k, n(f[k])]),
          ),
        }),
      ]);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { frames, seconds, writeUnits, calls: writeCalls() - calls };
}

if (values.child) {
  const client = dynamoClient(values.child, 4);
  const figures = await withWrites(client);
  client.destroy();
  process.send?.(figures, () => process.exit(0));
} else {
  const framesPerSec = await cpuFramesPerSec();
  const dynamo = await startDynamo();
  const proxy = await startFaultProxy(dynamo.endpoint, { keepRequests: false });
  const client = dynamoClient(proxy.endpoint, 4);
  const writeCalls = () =>
    ['BatchWriteItem', 'PutItem', 'UpdateItem'].reduce((sum, op) => sum + (proxy.counts.get(op) ?? 0), 0);
  try {
    const mine = await inChild(proxy.endpoint);
    const myCalls = writeCalls();
    const theirs = await naive(client, writeCalls);
    const results = {
      framesPerSec,
      framesPerSecWithWrites: Math.round(totalFrames / mine.seconds),
      naiveFramesPerSecWithWrites: Math.round(theirs.frames / theirs.seconds),
      writeUnitsPer1000Frames: per1000(mine.writeUnits, totalFrames),
      naiveWriteUnitsPer1000Frames: per1000(theirs.writeUnits, theirs.frames),
      writeUnitsPer1000FramesByTable: Object.fromEntries(
        Object.entries(mine.byTable).map(([table, units]) => [table, per1000(units, totalFrames)]),
      ),
      writeRequestsPer1000Frames: per1000(myCalls, totalFrames),
      naiveWriteRequestsPer1000Frames: per1000(theirs.calls, theirs.frames),
      rowsWrittenPer1000Frames: per1000(mine.rows, totalFrames),
      peakRssMb: Math.round(mine.peakRssMb),
      rssBeforeFirstBatchMb: Math.round(mine.baselineRssMb),
      batchFrames: BATCH_FRAMES,
      batches: BATCHES,
      naiveFrames: theirs.frames,
      tradesPerFrame: tradesPerFrame(),
      node: process.version,
      measuredAt: new Date().toISOString(),
    };
    const out = fileURLToPath(new URL('./results/transform.json', import.meta.url));
    mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
    console.log(JSON.stringify(results, null, 2));
    const ratio = results.naiveWriteUnitsPer1000Frames / results.writeUnitsPer1000Frames;
    console.log(
      `write units per 1,000 frames: ${results.writeUnitsPer1000Frames} vs naive ${results.naiveWriteUnitsPer1000Frames} (${ratio.toFixed(1)}x fewer)`,
    );
  } finally {
    client.destroy();
    await proxy.stop();
    await dynamo.stop();
  }
}

/** Trades in the simulator's ledger per frame sent (the share of frames with a new cumulative volume). */
function tradesPerFrame(): number {
  const trades = market.ledger
    .tradedSymbols()
    .reduce((sum, symbol) => sum + market.ledger.trades(symbol).length, 0);
  return Math.round((trades / totalFrames) * 1000) / 1000;
}
