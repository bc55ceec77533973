/**
 * What `npm run rederive` does to the DynamoDB tables besides writing rows through the
 * transform's sink: `--replace` deletes a day's rows of some instruments first (trades,
 * bars, index rows of that day; the quote when it is of that day), and afterwards the
 * rejects rows of the day that the run did not produce again (their frames now parse).
 *
 * @example
 * await deleteDayRows(ddb, tables, '2026-04-14', ['FPT']); // { trades: 812, bars: 240, indices: 0, quotes: 1 }
 */

import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchWriteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  paginateQuery,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { backoffDelay } from '../core/backoff.ts';
import type { TransformConfig } from '../functions/transform/config.ts';

type Tables = TransformConfig['tables'];
type Key = Record<string, { S: string }>;

/** BatchWriteItem's limit: 25 requests per call. */
const BATCH_WRITE_MAX = 25;

async function keysOf(client: DynamoDBClient, table: string, pk: string): Promise<Key[]> {
  const keys: Key[] = [];
  const pages = paginateQuery(
    { client },
    {
      TableName: table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: pk } },
      ProjectionExpression: 'pk, sk',
    },
  );
  for await (const page of pages) for (const item of page.Items ?? []) keys.push(item as Key);
  return keys;
}

async function deleteKeys(client: DynamoDBClient, table: string, keys: readonly Key[]): Promise<number> {
  for (let i = 0; i < keys.length; i += BATCH_WRITE_MAX) {
    let requests: WriteRequest[] = keys
      .slice(i, i + BATCH_WRITE_MAX)
      .map((Key) => ({ DeleteRequest: { Key } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt > 0) await sleep(backoffDelay(attempt + 1, { baseMs: 50, maxMs: 2_000, jitter: 'none' }));
      if (attempt > 10) throw new Error(`${table}: deletes still unprocessed after ${attempt} attempts`);
      const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
      requests = out.UnprocessedItems?.[table] ?? [];
    }
  }
  return keys.length;
}

export type DeletedRows = { trades: number; bars: number; indices: number; quotes: number };

/** Deletes `date`'s rows of `instruments` (stock symbols and index ids). */
export async function deleteDayRows(
  client: DynamoDBClient,
  tables: Tables,
  date: string,
  instruments: Iterable<string>,
): Promise<DeletedRows> {
  const deleted: DeletedRows = { trades: 0, bars: 0, indices: 0, quotes: 0 };
  for (const id of instruments) {
    const pk = `${id}#${date}`;
    deleted.trades += await deleteKeys(client, tables.trades, await keysOf(client, tables.trades, pk));
    deleted.bars += await deleteKeys(client, tables.bars, await keysOf(client, tables.bars, pk));
    deleted.indices += await deleteKeys(client, tables.indices, await keysOf(client, tables.indices, pk));
    const quote = await client.send(
      new GetItemCommand({
        TableName: tables.quotes,
        Key: { pk: { S: id } },
        ProjectionExpression: 'pk, tradingDate',
        ConsistentRead: true,
      }),
    );
    if (quote.Item?.tradingDate?.S === date)
      deleted.quotes += await deleteKeys(client, tables.quotes, [{ pk: { S: id } }]);
  }
  return deleted;
}

/** Sort keys of the day's rejects rows. */
export async function rejectKeysOf(client: DynamoDBClient, table: string, date: string): Promise<string[]> {
  return (await keysOf(client, table, date)).map((key) => key.sk.S);
}

/** Deletes the day's rejects rows with these sort keys. */
export async function deleteRejects(
  client: DynamoDBClient,
  table: string,
  date: string,
  sortKeys: readonly string[],
): Promise<number> {
  return deleteKeys(
    client,
    table,
    sortKeys.map((sk) => ({ pk: { S: date }, sk: { S: sk } })),
  );
}
