/**
 * Reads what reconciliation compares from the DynamoDB tables (any endpoint: AWS,
 * LocalStack, the embedded runtime): a day's trades rows and, as the exchange figure, each
 * symbol's quote when it is of that day (its `totalVolume`, field 54 of the last frame).
 * The comparison itself is pure (`core/derive/reconcile.ts`).
 *
 * Reading: with symbols, one Query per symbol-day partition; without, a Scan of the
 * trades table filtered on the date (paged; fine for a tool run once a day, and the only
 * way to find the symbols of a day without an index).
 *
 * @example
 * const report = await reconcileTables(dynamo, { trades: 'vn-stock-trades', quotes: 'vn-stock-quotes' }, { date: '2026-04-14' });
 */
import {
  BatchGetItemCommand,
  type DynamoDBClient,
  paginateQuery,
  paginateScan,
} from '@aws-sdk/client-dynamodb';
import {
  type Reconciliation,
  type Reference,
  reconcile,
  sumTrades,
  symbolDay,
  type TradeRowLike,
} from '../../core/derive/reconcile.ts';
import { fromItem, type Item } from '../../functions/transform/sinks/dynamodb-items.ts';

export type ReconcileTables = { readonly trades: string; readonly quotes: string };
export type ReconcileOptions = {
  readonly date: string;
  /** Only these symbols; all the day's symbols when absent. */
  readonly symbols?: readonly string[];
  /** Exchange figures from elsewhere (the exchange snapshot, a ledger); they win over the quotes. */
  readonly references?: ReadonlyMap<string, Reference>;
};

/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_MAX = 100;

export async function reconcileTables(
  dynamo: DynamoDBClient,
  tables: ReconcileTables,
  options: ReconcileOptions,
): Promise<Reconciliation> {
  const rows = await readTrades(dynamo, tables.trades, options);
  const stored = sumTrades(rows);
  const symbols = options.symbols ?? [...new Set(rows.map((r) => r.symbol))];
  const references = await quoteReferences(dynamo, tables.quotes, symbols, options.date);
  for (const [key, reference] of options.references ?? []) references.set(key, reference);
  return reconcile(stored, references);
}

async function readTrades(
  dynamo: DynamoDBClient,
  table: string,
  options: ReconcileOptions,
): Promise<TradeRowLike[]> {
  const projection = {
    ProjectionExpression: '#s, tradingDate, kind, quantity, cumVolume, sk',
    ExpressionAttributeNames: { '#s': 'symbol' },
  };
  const rows: TradeRowLike[] = [];
  const keep = (items: Item[] | undefined) => {
    for (const item of items ?? []) rows.push(fromItem(item, ['sk']) as TradeRowLike);
  };
  if (options.symbols) {
    for (const symbol of options.symbols) {
      const pages = paginateQuery(
        { client: dynamo },
        {
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: symbolDay(symbol, options.date) } },
          ...projection,
        },
      );
      for await (const page of pages) keep(page.Items);
    }
    return rows;
  }
  const pages = paginateScan(
    { client: dynamo },
    {
      TableName: table,
      FilterExpression: 'tradingDate = :d',
      ExpressionAttributeValues: { ':d': { S: options.date } },
      ...projection,
    },
  );
  for await (const page of pages) keep(page.Items);
  return rows;
}

/** The quotes of `symbols` that are of `date`: their field 54 is the day's exchange total so far. */
async function quoteReferences(
  dynamo: DynamoDBClient,
  table: string,
  symbols: readonly string[],
  date: string,
): Promise<Map<string, Reference>> {
  const references = new Map<string, Reference>();
  for (let i = 0; i < symbols.length; i += BATCH_GET_MAX) {
    let keys: Item[] | undefined = symbols.slice(i, i + BATCH_GET_MAX).map((s) => ({ pk: { S: s } }));
    while (keys && keys.length > 0) {
      const out = await dynamo.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: keys } } }));
      for (const item of out.Responses?.[table] ?? []) {
        const quote = fromItem(item) as { symbol: string; tradingDate: string; totalVolume?: number };
        if (quote.tradingDate === date && quote.totalVolume !== undefined) {
          references.set(symbolDay(quote.symbol, date), { total: quote.totalVolume, source: 'quote' });
        }
      }
      keys = out.UnprocessedKeys?.[table]?.Keys as Item[] | undefined;
    }
  }
  return references;
}
