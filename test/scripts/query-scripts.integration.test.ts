/**
 * The scripts/query-*.sh commands, run with the real AWS CLI against dynalite (the
 * embedded runtime's DynamoDB), on rows written in the transform's own item shape
 * (functions/transform/sinks/dynamodb-items.ts) into tables named as the stack names them.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BatchWriteItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { BarRow, IndexRow, QuoteRow, TradeRow } from '../../core/derive/types.ts';
import { tradeSortKey } from '../../core/tables.ts';
import { barItem, indexItem, quoteItem, tradeItem } from '../../functions/transform/sinks/dynamodb-items.ts';
import { physicalTableName } from '../../infra/constructs/pipeline-tables.ts';
import { type Emulator, startDynamo } from '../../local/emulators/launch.ts';
import { createNamedTables } from '../support/aws.ts';
import { onPath } from '../support/moto.ts';

const run = promisify(execFile);
const SCRIPTS = fileURLToPath(new URL('../../scripts/', import.meta.url));
const DAY = '2026-04-14';
const at = (hhmmss: string) => Date.parse(`${DAY}T${hhmmss}+07:00`);
const name = (table: 'trades' | 'quotes' | 'bars' | 'indices') => physicalTableName('vn-stock', table);

let dynamo: Emulator;

type Result = { code: number; stdout: string; stderr: string };

async function query(script: string, args: string[], env: Record<string, string> = {}): Promise<Result> {
  return run(join(SCRIPTS, script), args, {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_DEFAULT_REGION: 'us-east-1',
      ...env,
    },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );
}

async function queryJson(script: string, args: string[], env?: Record<string, string>) {
  const result = await query(script, ['--endpoint-url', dynamo.endpoint, '--json', ...args], env);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

const trade = (time: number, price: number, quantity: number, cumVolume: number): TradeRow => ({
  symbol: 'FPT',
  tradingDate: DAY,
  time,
  kind: 'trade',
  price,
  quantity,
  value: price * quantity,
  cumVolume,
  sk: tradeSortKey(time, cumVolume),
});

const bar = (minute: string, close: number): BarRow => ({
  symbol: 'FPT',
  tradingDate: DAY,
  minute,
  start: at(`${minute}:00`),
  open: close,
  high: close,
  low: close,
  close,
  volume: 100,
  value: close * 100,
  trades: 1,
  lastTrade: 'x',
});

const index = (time: number, value: number): IndexRow => ({
  indexId: 'VNINDEX',
  tradingDate: DAY,
  time,
  value,
});

describe('scripts/query-*.sh', { skip: onPath('aws') ? undefined : 'the AWS CLI is not on PATH' }, () => {
  before(async () => {
    dynamo = await startDynamo();
    const ddb = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    await createNamedTables(ddb, {
      trades: name('trades'),
      quotes: name('quotes'),
      bars: name('bars'),
      indices: name('indices'),
    });
    const quote: QuoteRow = {
      symbol: 'FPT',
      tradingDate: DAY,
      time: at('09:20:00'),
      receivedAt: at('09:20:00'),
      lastPrice: 121_500,
      bids: [],
      offers: [],
    };
    const put = (table: Parameters<typeof name>[0], items: Record<string, unknown>[]) =>
      ddb.send(
        new BatchWriteItemCommand({
          RequestItems: { [name(table)]: items.map((Item) => ({ PutRequest: { Item: Item as never } })) },
        }),
      );
    await put('trades', [
      tradeItem(trade(at('09:15:01'), 120_000, 100, 100)),
      tradeItem(trade(at('09:15:05'), 120_500, 200, 300)),
      tradeItem(trade(at('09:16:00'), 121_000, 300, 600)),
    ]);
    await put('quotes', [quoteItem(quote)]);
    await put('bars', [
      barItem(bar('09:15', 120_500)),
      barItem(bar('09:16', 121_000)),
      barItem(bar('10:01', 121_500)),
    ]);
    await put('indices', [
      indexItem(index(at('09:00:05'), 1250.5)),
      indexItem(index(at('09:45:00'), 1252.1)),
    ]);
  });

  after(async () => {
    await dynamo?.stop();
  });

  it('query-trades.sh gives the last N trades of a day, newest first', async () => {
    const out = await queryJson('query-trades.sh', ['fpt', '2', DAY]);
    assert.deepEqual(
      out.Items.map((i: Record<string, { N: string }>) => [Number(i.price.N), Number(i.quantity.N)]),
      [
        [121_000, 300],
        [120_500, 200],
      ],
    );
  });

  it('query-quote.sh gives the latest quote, as a table by default', async () => {
    const out = await queryJson('query-quote.sh', ['FPT']);
    assert.equal(out.Item.lastPrice.N, '121500');
    const table = await query('query-quote.sh', ['--endpoint-url', dynamo.endpoint, 'FPT']);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /lastPrice\s*\|[\s\S]*121500/);
  });

  it('query-bars.sh gives the bars between two ICT minutes, inclusive', async () => {
    const out = await queryJson('query-bars.sh', ['FPT', '09:15', '10:00', DAY]);
    assert.deepEqual(
      out.Items.map((i: Record<string, { S: string }>) => i.minute.S),
      ['09:15', '09:16'],
    );
  });

  it('query-indices.sh gives an index over a time range, with the endpoint from AWS_ENDPOINT_URL', async () => {
    const result = await query('query-indices.sh', ['--json', 'vnindex', DAY, '09:00', '09:30'], {
      AWS_ENDPOINT_URL: dynamo.endpoint,
    });
    assert.equal(result.code, 0, result.stderr);
    const out = JSON.parse(result.stdout);
    assert.deepEqual(
      out.Items.map((i: Record<string, { N: string }>) => Number(i.value.N)),
      [1250.5],
    );
  });

  it('reads table names from the environment', async () => {
    const result = await query('query-quote.sh', ['--endpoint-url', dynamo.endpoint, 'FPT'], {
      QUOTES_TABLE: 'no-such-table',
    });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /ResourceNotFoundException|not found/i);
  });

  it('rejects a bad date or time before calling AWS', async () => {
    const date = await query('query-trades.sh', ['FPT', '5', '14/04/2026']);
    assert.equal(date.code, 2);
    assert.match(date.stderr, /not a YYYY-MM-DD date/);
    const time = await query('query-bars.sh', ['FPT', '9h15', '10:00']);
    assert.equal(time.code, 2);
    assert.match(time.stderr, /not an HH:MM time/);
  });
});
