/**
 * `npm run reconcile` as a user runs it, against dynalite: rows written by the transform's
 * DynamoDB sink, the exchange figure from the quote, exit 0 when every symbol-day agrees,
 * 1 (naming the symbol with both figures) when one does not, 2 on a bad flag.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { QuoteRow, TradeRow } from '../../core/derive/types.ts';
import { tradeSortKey } from '../../core/tables.ts';
import { DynamoSink } from '../../functions/transform/sinks/dynamodb-sink.ts';
import { type Emulator, startDynamo } from '../../local/emulators/launch.ts';
import { type Simulator, startSimulator } from '../../local/simulator/simulator.ts';
import { createTables, dynamoClient, type TableNames } from '../support/aws.ts';
import { T0 } from '../support/frames.ts';

const run = promisify(execFile);
const DAY = '2026-04-14';

const row = (
  symbol: string,
  t: number,
  kind: TradeRow['kind'],
  quantity: number,
  cumVolume: number,
): TradeRow => ({
  symbol,
  tradingDate: DAY,
  time: T0 + t,
  kind,
  quantity,
  cumVolume,
  sk: tradeSortKey(T0 + t, cumVolume),
});
const quote = (symbol: string, totalVolume: number): QuoteRow => ({
  symbol,
  tradingDate: DAY,
  time: T0 + 10_000,
  receivedAt: T0 + 10_300,
  totalVolume,
  bids: [{}, {}, {}],
  offers: [{}, {}, {}],
});

let dynamo: Emulator;
let sim: Simulator;
let api: DynamoDBClient;
let tables: TableNames;

async function reconcile(...args: string[]) {
  const env = {
    ...process.env,
    TRADES_TABLE: tables.trades,
    QUOTES_TABLE: tables.quotes,
    AWS_ACCESS_KEY_ID: '',
  };
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/reconcile.ts', ...args], {
      env,
    });
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

before(async () => {
  [dynamo, sim] = await Promise.all([
    startDynamo(),
    startSimulator({ symbols: ['FPT', 'VCB'], rate: 10, seed: 3 }),
  ]);
  // The exchange's own totals, as iboard's REST snapshot gives them (the simulator serves it).
  sim.rest.override('FPT', { nmTotalTradedQty: 3_735_300, tradingDate: '20260414' });
  sim.rest.override('VCB', { nmTotalTradedQty: 1_500, tradingDate: '20260414' });
  api = dynamoClient(dynamo.endpoint);
  tables = await createTables(api, 'reconcile');
  const sink = new DynamoSink({ client: api, tables });
  await sink.writeTrades([
    row('FPT', -900_000, 'opening', 93_100, 93_100),
    row('FPT', 0, 'pre-existing', 3_640_200, 3_733_300),
    row('FPT', 1_000, 'trade', 2_000, 3_735_300),
    row('VCB', 0, 'pre-existing', 1_000, 1_000),
    row('VCB', 60_000, 'gap', 400, 1_400),
  ]);
  // VCB's last frame says 1,500: a hundred shares are missing from its rows.
  await sink.writeQuotes([quote('FPT', 3_735_300), quote('VCB', 1_500)]);
});

after(async () => {
  api?.destroy();
  await Promise.all([dynamo?.stop(), sim?.stop()]);
});

describe('npm run reconcile', () => {
  it('agrees where the rows add up to the exchange total', async () => {
    const out = await reconcile(
      '--endpoint-url',
      dynamo.endpoint,
      '--date',
      DAY,
      '--symbols',
      'fpt',
      '--all',
    );
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(out.stdout.trim().split('\n'), [
      `${DAY} (FPT)`,
      `ok   FPT ${DAY}: exchange 3,735,300 (quote), stored 3,735,300 = trade 2,000, opening 93,100, pre-existing 3,640,200`,
      'reconciliation: 1/1 symbol-days agree with the exchange total; 3,735,300 shares: 2.5% in trade/opening rows (trade 0.1%, opening 2.5%, pre-existing 97.5%, gap 0.0%, correction 0.0%)',
    ]);
  });

  it('exits 1 and names the symbol with both figures when a day disagrees', async () => {
    const out = await reconcile('--endpoint-url', dynamo.endpoint, '--date', DAY);
    assert.equal(out.code, 1);
    const lines = out.stdout.trim().split('\n');
    assert.deepEqual(lines.slice(0, 2), [
      DAY,
      `DIFF VCB ${DAY}: exchange 1,500 (quote), stored 1,400 = pre-existing 1,000, gap 400`,
    ]);
    assert.match(lines[2], /^reconciliation: 1\/2 symbol-days agree/);
    const json = JSON.parse(
      (await reconcile('--endpoint-url', dynamo.endpoint, '--date', DAY, '--json')).stdout,
    );
    assert.deepEqual(
      json.days.map((d: { symbol: string; agrees: boolean }) => [d.symbol, d.agrees]),
      [
        ['FPT', true],
        ['VCB', false],
      ],
    );
  });

  it('exits 2 with the usage on a bad flag or date', async () => {
    const bad = await reconcile('--date', '14/04/2026');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--date must be YYYY-MM-DD: 14\/04\/2026\nusage: npm run reconcile/);
    assert.equal((await reconcile('--bogus')).code, 2);
  });

  it('--against exchange names each symbol whose total differs from the REST snapshot, with both figures', async () => {
    const base = ['--endpoint-url', dynamo.endpoint, '--date', DAY, '--against', 'exchange'];
    const out = await reconcile(...base, '--snapshot-url', sim.restUrl);
    assert.equal(out.code, 1);
    const lines = out.stdout.trim().split('\n');
    assert.ok(lines.includes('DIFF VCB: stored 1,400, exchange 1,500 (-100)'), out.stdout);
    assert.equal(lines.at(-1), `against the exchange (${sim.restUrl}): 1/2 symbols agree`);
    const fpt = await reconcile(...base, '--symbols', 'FPT', '--snapshot-url', sim.restUrl);
    assert.equal(fpt.code, 0, fpt.stdout);
    const dead = await reconcile(...base, '--snapshot-url', 'http://127.0.0.1:9');
    assert.equal(dead.code, 2);
    assert.match(dead.stderr, /http:\/\/127\.0\.0\.1:9\/stock\/exchange\//);
  });
});
