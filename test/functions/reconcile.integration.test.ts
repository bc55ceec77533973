/**
 * The reconcile handler against real components: dynalite for the trades and control
 * tables, the simulator's REST snapshot for the exchange (its totals pinned per symbol
 * with `rest.override`, so the test owns both sides of the comparison).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BatchWriteItemCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { Emulator } from '../../local/emulators/launch.ts';
import { startDynamo } from '../../local/emulators/launch.ts';
import { type Simulator, startSimulator } from '../../local/simulator/simulator.ts';
import { createNamedTables } from '../support/aws.ts';
import { invokeCapturingEmf, lambdaTestEnv } from '../support/lambda.ts';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const region = 'us-east-1';
const TRADES = 'test-trades';
const CONTROL = 'test-control';
const DAY = '2026-04-14';
const SYMBOLS = ['VCB', 'FPT', 'HPG', 'SHB', 'ACB'];
/** The exchange's totals, pinned in the simulator's snapshot. */
const EXCHANGE: Record<string, number> = { VCB: 1_234_500, FPT: 3_733_300, HPG: 800, SHB: 0, ACB: 2_500 };

let dynamo: Emulator;
let sim: Simulator;
let ddb: DynamoDBClient;
let handler: (event: unknown) => Promise<Record<string, unknown>>;

/** Stores a symbol's day as rows of several kinds summing to `total` (many rows, several pages for VCB). */
async function storeDay(symbol: string, total: number): Promise<void> {
  if (total === 0) return;
  const rows = symbol === 'VCB' ? 2_000 : 3;
  const quantities = Array.from({ length: rows }, () => Math.floor(total / rows));
  quantities[0] += total - quantities.reduce((a, b) => a + b, 0);
  const kinds = ['opening', 'trade', 'gap'];
  const items = quantities.map((quantity, i) => ({
    PutRequest: {
      Item: {
        pk: { S: `${symbol}#${DAY}` },
        sk: { S: `${String(1776132899000 + i).padStart(13, '0')}#${String(i).padStart(15, '0')}` },
        kind: { S: kinds[i % 3] },
        quantity: { N: String(quantity) },
        // Padding so VCB's partition spans several 1 MB Query pages.
        note: { S: 'x'.repeat(symbol === 'VCB' ? 900 : 1) },
      },
    },
  }));
  for (let i = 0; i < items.length; i += 25) {
    await ddb.send(new BatchWriteItemCommand({ RequestItems: { [TRADES]: items.slice(i, i + 25) } }));
  }
}

function invoke(event: unknown): Promise<{ result: Record<string, unknown>; emf: string[] }> {
  return invokeCapturingEmf(handler, event);
}

async function summary(day: string) {
  const out = await ddb.send(
    new GetItemCommand({ TableName: CONTROL, Key: { pk: { S: `reconcile#${day}` } }, ConsistentRead: true }),
  );
  return out.Item;
}

describe('reconcile handler (dynalite + simulator REST snapshot)', () => {
  before(async () => {
    [dynamo, sim] = await Promise.all([
      startDynamo(),
      startSimulator({ symbols: SYMBOLS, rate: 100, seed: 5 }),
    ]);
    ddb = new DynamoDBClient({ endpoint: dynamo.endpoint, region, credentials });
    await createNamedTables(ddb, { trades: TRADES, control: CONTROL });
    for (const symbol of SYMBOLS) {
      sim.rest.override(symbol, { nmTotalTradedQty: EXCHANGE[symbol], tradingDate: DAY.replaceAll('-', '') });
      // FPT is stored 300 short: the one symbol made to disagree.
      await storeDay(symbol, symbol === 'FPT' ? EXCHANGE.FPT - 300 : EXCHANGE[symbol]);
    }
    Object.assign(process.env, {
      TRADES_TABLE: TRADES,
      CONTROL_TABLE: CONTROL,
      SYMBOLS: SYMBOLS.join(','),
      SNAPSHOT_URL: sim.restUrl,
      ...lambdaTestEnv(dynamo.endpoint, region),
    });
    ({ handler } = await import('../../functions/reconcile.ts'));
  });

  after(async () => {
    ddb?.destroy();
    await Promise.all([dynamo?.stop(), sim?.stop()]);
  });

  it('names the symbol that disagrees with both figures, writes the summary and the metric', async () => {
    const { result, emf } = await invoke({ action: 'reconcile', tradingDate: DAY });
    assert.deepEqual(result, {
      tradingDate: DAY,
      checked: 5,
      mismatches: 1,
      examples: ['FPT: stored 3,733,000, exchange 3,733,300 (-300)'],
    });
    const item = await summary(DAY);
    assert.equal(item?.mismatchCount.N, '1');
    assert.equal(item?.checked.N, '5');
    assert.deepEqual(item?.mismatches.L?.[0].M, {
      symbol: { S: 'FPT' },
      stored: { N: '3733000' },
      exchange: { N: '3733300' },
      difference: { N: '-300' },
    });
    const metric = emf.map((l) => JSON.parse(l)).find((doc) => 'ReconcileMismatches' in doc);
    assert.equal(metric?.ReconcileMismatches, 1);
    assert.equal(metric?.service, 'reconcile');
  });

  it('agrees once the stored day matches, and overwrites the day’s summary', async () => {
    // The missing 300 arrive as a row of their own.
    await ddb.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [TRADES]: [
            {
              PutRequest: {
                Item: {
                  pk: { S: `FPT#${DAY}` },
                  sk: { S: '1776150000000#000000003733300' },
                  kind: { S: 'trade' },
                  quantity: { N: '300' },
                },
              },
            },
          ],
        },
      }),
    );
    const { result, emf } = await invoke({ tradingDate: DAY });
    assert.equal(result.mismatches, 0);
    assert.equal((await summary(DAY))?.mismatchCount.N, '0');
    const metric = emf.map((l) => JSON.parse(l)).find((doc) => 'ReconcileMismatches' in doc);
    assert.equal(metric?.ReconcileMismatches, 0);
  });

  it('skips a day the exchanges do not trade', async () => {
    const { result } = await invoke({ tradingDate: '2026-04-18' });
    assert.deepEqual(result, { tradingDate: '2026-04-18', skipped: 'not a trading day' });
    assert.equal(await summary('2026-04-18'), undefined);
  });

  it('fails with the URL and status when the snapshot cannot be read', async () => {
    sim.rest.failNext(10, 403);
    await assert.rejects(
      invoke({ tradingDate: DAY }),
      /GET http:\/\/.+\/stock\/exchange\/\w+ failed with HTTP 403/,
    );
    sim.rest.failNext(0);
  });
});
