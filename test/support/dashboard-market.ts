/**
 * Tables full of real rows for the dashboard tests: dynalite, the tables of
 * `core/tables.ts`, and the simulator's synthetic market run through the real transform
 * handler (`functions/transform.ts` with its DynamoDB sink), fed Lambda-shaped Kinesis
 * events of records encoded with `core/records`, on a simulated clock, so a trading
 * session of any length is produced in seconds at any hour. As with the real ingest task,
 * frames carry the market's (here simulated) server time and a wall-clock receive time. (The records do not travel
 * through an emulated stream: the transform's own tests cover that; here they only need
 * the shape GetRecords gives them.)
 *
 * @example
 * const market = await startMarketFixture({ symbols: 30, start: Date.parse('2026-04-14T02:20:00Z') });
 * await market.pump(5_000); // 5,000 stock frames (+ index frames every 5 simulated seconds)
 * market.now(); // the simulated time, for startDashboard({ now: market.now })
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Envelope, encodeRecord } from '../../core/records/index.ts';
import { type GetRecordsRecord, kinesisEventFrom } from '../../functions/transform/kinesis-event.ts';
import { DynamoSink } from '../../functions/transform/sinks/dynamodb-sink.ts';
import { createTransformHandler, TRANSFORM_NAMESPACE } from '../../functions/transform.ts';
import type { DashboardTables } from '../../local/dashboard/reader.ts';
import { dynamoClient } from '../../local/emulators/clients.ts';
import { type Emulator, startDynamo } from '../../local/emulators/launch.ts';
import { SyntheticMarket } from '../../local/simulator/synthetic-market.ts';
import { createNamedTables } from './aws.ts';

export type MarketFixtureOptions = {
  /** How many of the most active symbols trade. @default 30 */
  readonly symbols?: number;
  readonly seed?: number;
  /** Simulated start time (epoch ms); pick a trading day in continuous trading. */
  readonly start: number;
  /** Simulated time between two stock frames. @default 250 */
  readonly stepMs?: number;
};

export type MarketFixture = {
  readonly dynamo: Emulator;
  readonly client: DynamoDBClient;
  readonly tables: DashboardTables & { readonly rejects: string };
  readonly market: SyntheticMarket;
  /** The simulated clock. */
  now(): number;
  /** Makes `frames` stock frames (and index frames every 5 simulated seconds) and transforms them. */
  pump(frames: number): Promise<void>;
  stop(): Promise<void>;
};

/** Frames per Kinesis record, about what the ingest task packs in a busy second. */
const FRAMES_PER_RECORD = 200;
/** Index frames every 5 simulated seconds: enough for the series, a fifth of the writes of 1 s. */
const INDEX_EVERY_MS = 5_000;
const SHARD_ID = 'shardId-000000000000';
const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/dashboard-test';

export async function startMarketFixture(options: MarketFixtureOptions): Promise<MarketFixture> {
  const dynamo = await startDynamo();
  const client = dynamoClient({ endpoint: dynamo.endpoint });
  const tables = {
    trades: 'dash-trades',
    quotes: 'dash-quotes',
    bars: 'dash-bars',
    indices: 'dash-indices',
    rejects: 'dash-rejects',
  };
  await createNamedTables(client, tables);
  let simNow = options.start;
  const stepMs = options.stepMs ?? 250;
  const market = new SyntheticMarket({
    seed: options.seed ?? 7,
    symbols: options.symbols ?? 30,
    clock: () => simNow,
  });
  // The metrics would print EMF lines to stdout after every batch.
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const transform = createTransformHandler({
    sink: new DynamoSink({ client, tables }),
    logger: new Logger({ serviceName: 'transform', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: TRANSFORM_NAMESPACE, serviceName: 'transform' }),
  });
  let seq = 0;
  let sequenceNumber = 0;
  let nextIndexAt = simNow;

  const pump = async (frames: number) => {
    let envelopes: Envelope[] = [];
    let records: GetRecordsRecord[] = [];
    const flushRecord = () => {
      if (envelopes.length === 0) return;
      records.push({
        Data: encodeRecord(envelopes),
        SequenceNumber: String(++sequenceNumber).padStart(21, '0'),
        ApproximateArrivalTimestamp: new Date(),
        PartitionKey: 'fixture',
      });
      envelopes = [];
    };
    const flushBatch = async () => {
      flushRecord();
      if (records.length === 0) return;
      const { batchItemFailures } = await transform(kinesisEventFrom(records, SHARD_ID, STREAM_ARN));
      if (batchItemFailures.length > 0)
        throw new Error(`transform failed: ${JSON.stringify(batchItemFailures)}`);
      records = [];
    };
    for (let i = 0; i < frames; i++) {
      simNow += stepMs;
      const frame = market.nextFrame();
      if (frame)
        envelopes.push({ raw: frame.raw, receivedAt: Date.now(), connectionId: 'fixture', seq: seq++ });
      if (simNow >= nextIndexAt) {
        nextIndexAt = simNow + INDEX_EVERY_MS;
        for (const index of market.indexFrames()) {
          envelopes.push({ raw: index.raw, receivedAt: Date.now(), connectionId: 'fixture', seq: seq++ });
        }
      }
      if (envelopes.length >= FRAMES_PER_RECORD) flushRecord();
      if (records.length >= 10) await flushBatch();
    }
    await flushBatch();
  };

  return {
    dynamo,
    client,
    tables,
    market,
    now: () => simNow,
    pump,
    async stop() {
      client.destroy();
      await dynamo.stop();
    },
  };
}
