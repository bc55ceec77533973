/**
 * `npm run reconcile -- [--endpoint-url URL] [--date YYYY-MM-DD] [--symbols A,B] [--json] [--all]
 *                       [--against exchange [--snapshot-url URL]]`
 *
 * Per symbol-day: the exchange total (the last cumulative volume seen: the symbol's quote
 * when it is of that day, else the day's last row), the stored sum by row kind, and
 * whether they agree; then one market line (symbol-days, agreeing, share of the volume in
 * `trade`/`opening` rows). With `--against exchange`, the stored totals are also compared
 * with iboard's REST snapshot of the exchanges (`nmTotalTradedQty`; `--snapshot-url`, else
 * $SNAPSHOT_URL, else iboard's own host), each disagreeing symbol named with both figures.
 * Exits 1 when any symbol-day disagrees, 2 on a usage error or an unreadable source.
 *
 * Works against AWS, LocalStack and the embedded runtime (`--endpoint-url
 * http://localhost:4566`); table names as the query scripts: $TRADES_TABLE / $QUOTES_TABLE,
 * else `<NAME_PREFIX>-trades` with NAME_PREFIX=vn-stock.
 */

import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { formatReconciliation, type Reconciliation } from '../core/derive/reconcile.ts';
import { describeMismatch } from '../core/exchange-reconcile.ts';
import { ictDate } from '../core/market/ict-time.ts';
import { reconcileAgainstExchange } from '../functions/reconcile/exchange-snapshot.ts';
import { DEFAULT_SNAPSHOT_URL, SnapshotClient } from '../ingest-task/snapshot-client.ts';
import { dynamoClient } from '../local/emulators/clients.ts';
import { reconcileTables } from '../local/runtime/reconcile-tables.ts';

const USAGE =
  'usage: npm run reconcile -- [--endpoint-url URL] [--date YYYY-MM-DD] [--symbols A,B] [--json] [--all] [--against exchange [--snapshot-url URL]]';

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

type ReconcileArgs = {
  readonly date: string;
  readonly symbols?: string[];
  readonly against?: string;
  readonly endpoint?: string;
  readonly snapshotUrl?: string;
  readonly json: boolean;
  readonly all: boolean;
};

type ExchangeComparison = Awaited<ReturnType<typeof againstExchange>>;

async function main(): Promise<void> {
  const args = readArgs();
  if (!args) {
    console.log(USAGE);
    return;
  }
  const report = await readReport(args);
  const exchange = args.against
    ? await againstExchange(report, args.date, args.symbols, args.snapshotUrl)
    : undefined;
  if (args.json) console.log(JSON.stringify(exchange ? { ...report, exchange } : report, null, 2));
  else printReport(args, report, exchange);
  if (report.agreeing < report.symbols || (exchange && exchange.mismatches.length > 0)) process.exitCode = 1;
}

/** The command line, checked (exit 2 on a usage error); undefined for --help. */
function readArgs(): ReconcileArgs | undefined {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        'endpoint-url': { type: 'string' },
        date: { type: 'string' },
        symbols: { type: 'string' },
        json: { type: 'boolean' },
        all: { type: 'boolean' },
        against: { type: 'string' },
        'snapshot-url': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    fail((error as Error).message);
  }
  if (values.help) return undefined;
  const date = (values.date as string | undefined) ?? ictDate(Date.now());
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(date)))
    fail(`--date must be YYYY-MM-DD: ${date}`);
  const symbols = (values.symbols as string | undefined)
    ?.split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  if (symbols && symbols.length === 0) fail('--symbols needs at least one symbol');
  const against = values.against as string | undefined;
  if (against !== undefined && against !== 'exchange') fail(`--against takes "exchange", got "${against}"`);
  return {
    date,
    symbols,
    against,
    endpoint: (values['endpoint-url'] as string | undefined) ?? process.env.AWS_ENDPOINT_URL,
    snapshotUrl: values['snapshot-url'] as string | undefined,
    json: Boolean(values.json),
    all: Boolean(values.all),
  };
}

/** The day's reconciliation from the tables (exit 2 when they cannot be read). */
async function readReport(args: ReconcileArgs): Promise<Reconciliation> {
  const { endpoint, date, symbols } = args;
  const prefix = process.env.NAME_PREFIX ?? 'vn-stock';
  const tables = {
    trades: process.env.TRADES_TABLE ?? `${prefix}-trades`,
    quotes: process.env.QUOTES_TABLE ?? `${prefix}-quotes`,
  };
  // An explicit endpoint without credentials is an emulator: it checks none.
  const dynamo =
    endpoint && !process.env.AWS_ACCESS_KEY_ID && !process.env.AWS_PROFILE
      ? dynamoClient({ endpoint, region: process.env.AWS_REGION })
      : new DynamoDBClient(endpoint ? { endpoint } : {});
  try {
    return await reconcileTables(dynamo, tables, { date, symbols });
  } catch (error) {
    const e = error as Error;
    console.error(
      `reconcile: cannot read ${tables.trades}/${tables.quotes}${endpoint ? ` at ${endpoint}` : ''}: ${e.name}: ${e.message}`,
    );
    process.exit(2);
  } finally {
    dynamo.destroy();
  }
}

function printReport(
  args: ReconcileArgs,
  report: Reconciliation,
  exchange: ExchangeComparison | undefined,
): void {
  const { date, symbols } = args;
  console.log(`${date}${symbols ? ` (${symbols.join(', ')})` : ''}`);
  for (const line of formatReconciliation(report, { all: args.all })) console.log(line);
  if (!exchange) return;
  for (const mismatch of exchange.mismatches) console.log(`DIFF ${describeMismatch(mismatch)}`);
  console.log(
    `against the exchange (${exchange.source}): ${exchange.agreeing}/${exchange.checked} symbols agree` +
      (exchange.notInSnapshot.length ? `; not in the snapshot: ${exchange.notInSnapshot.join(', ')}` : ''),
  );
}

/** The stored day totals against iboard's REST snapshot (exit 2 when it cannot be read). */
async function againstExchange(
  report: Reconciliation,
  date: string,
  symbols: readonly string[] | undefined,
  snapshotUrl: string | undefined,
) {
  const baseUrl = snapshotUrl ?? process.env.SNAPSHOT_URL ?? DEFAULT_SNAPSHOT_URL;
  const stored = report.days.map((d) => ({
    symbol: d.symbol,
    tradingDate: d.tradingDate,
    quantity: d.stored,
  }));
  try {
    const result = await reconcileAgainstExchange(stored, {
      tradingDate: date,
      symbols: symbols ?? report.days.map((d) => d.symbol),
      client: new SnapshotClient({ baseUrl }),
    });
    return { ...result, source: baseUrl };
  } catch (error) {
    console.error(`reconcile: ${(error as Error).message}`);
    process.exit(2);
  }
}

await main();
