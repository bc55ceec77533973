/**
 * The baseline of `bench/transform.bench.ts`: what the original did per websocket message,
 * on DynamoDB — every frame parsed and written as one item into each of three tables
 * (trades, orders, market), keyed symbol + timestamp in seconds, one PutItem per item,
 * record after record as a per-record batch processor does. Book-only updates are stored
 * as trades and rows of the same second overwrite each other, as they did.
 *
 * @example
 * const naive = await runNaiveWriter(client, event, () => proxy.counts.get('PutItem') ?? 0);
 * naive.writeUnits / naive.frames; // write units per frame
 */
import {
  type AttributeValue,
  CreateTableCommand,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { parseFrame } from '../core/iboard/parse-frame.ts';
import { decodeRecord } from '../core/records/index.ts';

export type NaiveFigures = {
  /** Frames in the event (every kind). */
  readonly frames: number;
  readonly seconds: number;
  /** As DynamoDB reports them (`ReturnConsumedCapacity`). */
  readonly writeUnits: number;
  /** Write API calls, as `writeCalls` counted them. */
  readonly calls: number;
};

const NAIVE_TABLES = ['naive-trades', 'naive-orders', 'naive-market'] as const;

/** Creates the three tables and writes every frame of `event`; `writeCalls` reads a request counter. */
export async function runNaiveWriter(
  client: DynamoDBClient,
  event: KinesisStreamEvent,
  writeCalls: () => number,
): Promise<NaiveFigures> {
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
  let writeUnits = 0;
  let count = 0;
  const put = async (TableName: string, Item: Record<string, AttributeValue>) => {
    const out = await client.send(new PutItemCommand({ TableName, Item, ReturnConsumedCapacity: 'TOTAL' }));
    writeUnits += out.ConsumedCapacity?.CapacityUnits ?? 0;
  };
  const calls = writeCalls();
  const started = performance.now();
  for (const record of event.Records) {
    for (const envelope of decodeRecord(Buffer.from(record.kinesis.data, 'base64'))) {
      count++;
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
  return { frames: count, seconds, writeUnits, calls: writeCalls() - calls };
}
