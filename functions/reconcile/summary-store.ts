/**
 * The reconcile function's DynamoDB side: read each symbol's stored day (the sum of its
 * trades rows' `quantity`, one Query per `SYMBOL#YYYY-MM-DD` partition, every page) and
 * write the day's summary item to the control table.
 *
 * Why the control table holds the summaries: it is the pipeline's small operations table
 * (on demand, encrypted, point-in-time recovery) and a summary is operational state, one
 * item per trading day (~250 a year, a few KB each); a table of its own would add a
 * table, an output and an emulator table for that. The summaries live under their own
 * keys `reconcile#YYYY-MM-DD`, never the `ingest` control item, and the function's IAM
 * grant is limited to those keys (`dynamodb:LeadingKeys`).
 *
 * @example
 * const stored = await readStoredTotals(client, 'vn-stock-trades', ['FPT', 'VCB'], '2026-04-14');
 * await writeSummary(client, 'vn-stock-control', summaryItemOf(result, Date.now()));
 */
import {
  type AttributeValue,
  type DynamoDBClient,
  PutItemCommand,
  paginateQuery,
} from '@aws-sdk/client-dynamodb';
import type { ExchangeReconciliation, StoredDayTotal } from '../../core/exchange-reconcile.ts';
import { TABLE_KEYS } from '../../core/tables.ts';

/** Key prefix of the summary items in the control table (the IAM condition matches it). */
export const SUMMARY_KEY_PREFIX = 'reconcile#';
/** Mismatches listed in a summary item, largest first (an item holds at most 400 KB). */
export const SUMMARY_MAX_MISMATCHES = 200;
/** Partitions queried at once: ~1,600 symbols in a few seconds without bursting the table. */
const QUERY_CONCURRENCY = 16;

/** Sum of `quantity` of every trades row of each symbol's day; symbols with no row are absent. */
export async function readStoredTotals(
  client: DynamoDBClient,
  tradesTable: string,
  symbols: readonly string[],
  tradingDate: string,
): Promise<StoredDayTotal[]> {
  const totals: StoredDayTotal[] = [];
  let next = 0;
  const worker = async () => {
    while (next < symbols.length) {
      const symbol = symbols[next++];
      const quantity = await sumPartition(client, tradesTable, `${symbol}#${tradingDate}`);
      if (quantity !== undefined) totals.push({ symbol, tradingDate, quantity });
    }
  };
  await Promise.all(Array.from({ length: Math.min(QUERY_CONCURRENCY, symbols.length) }, worker));
  return totals.sort((a, b) => a.symbol.localeCompare(b.symbol));
}

async function sumPartition(client: DynamoDBClient, table: string, pk: string): Promise<number | undefined> {
  let sum = 0;
  let rows = 0;
  const pages = paginateQuery(
    { client },
    {
      TableName: table,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey, '#q': 'quantity' },
      ExpressionAttributeValues: { ':pk': { S: pk } },
      ProjectionExpression: '#q',
    },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      rows++;
      sum += Number(item.quantity?.N ?? 0);
    }
  }
  return rows === 0 ? undefined : sum;
}

/** The summary item of a day: counts, volumes and the largest mismatches with both figures. */
export function summaryItemOf(result: ExchangeReconciliation, ranAt: number): Record<string, AttributeValue> {
  const n = (x: number): AttributeValue => ({ N: String(x) });
  const list = (xs: readonly string[]): AttributeValue => ({ L: xs.map((S) => ({ S })) });
  return {
    [TABLE_KEYS.partitionKey]: { S: `${SUMMARY_KEY_PREFIX}${result.tradingDate}` },
    tradingDate: { S: result.tradingDate },
    ranAt: { S: new Date(ranAt).toISOString() },
    checked: n(result.checked),
    agreeing: n(result.agreeing),
    mismatchCount: n(result.mismatches.length),
    storedVolume: n(result.storedVolume),
    exchangeVolume: n(result.exchangeVolume),
    mismatches: {
      L: result.mismatches.slice(0, SUMMARY_MAX_MISMATCHES).map((m) => ({
        M: {
          symbol: { S: m.symbol },
          stored: n(m.stored),
          exchange: n(m.exchange),
          difference: n(m.difference),
        },
      })),
    },
    notInSnapshot: list(result.notInSnapshot.slice(0, SUMMARY_MAX_MISMATCHES)),
    otherDate: n(result.otherDate.length),
  };
}

export async function writeSummary(
  client: DynamoDBClient,
  controlTable: string,
  item: Record<string, AttributeValue>,
): Promise<void> {
  await client.send(new PutItemCommand({ TableName: controlTable, Item: item }));
}
