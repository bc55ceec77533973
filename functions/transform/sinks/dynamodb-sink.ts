/**
 * The DynamoDB implementation of the transform's `TransformSink`.
 *
 * - reads: BatchGetItem, 100 keys a request (the API limit), strongly consistent (the
 *   previous batch of the shard must be seen), unprocessed keys re-asked with backoff;
 * - trades, indices, rejects: BatchWriteItem, 25 items a request (the API limit),
 *   unprocessed items re-sent with exponential backoff, requests in parallel up to
 *   `concurrency`;
 * - bars: one PutItem per touched bar, conditional on the watermark read
 *   (`attribute_not_exists(pk)` or `lastTrade = :expected`);
 * - quotes: one PutItem per symbol, conditional on the checkpoint version it was derived
 *   from (`checkpoint.version` one less, or none stored): a failed condition means another
 *   write moved the checkpoint meanwhile, so the rows may have been derived from an
 *   outdated state: a failure (the batch is retried and derives again from the new one).
 *
 * Throttling, 5xx and timeouts are first retried by the SDK (its `maxAttempts`); what
 * still fails is returned as failed rows (writes) or thrown as `TransientSinkError`
 * (reads). Other errors are rethrown. `retries` counts the SDK's retries and the re-sent
 * unprocessed items. Write units come from `ReturnConsumedCapacity`,
 * plus the item size of failed conditional writes, which DynamoDB charges too.
 *
 * @example
 * const sink = new DynamoSink({ client: new DynamoDBClient({}), tables: { trades: 'Trades', ... } });
 */
import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  BatchWriteItemCommand,
  ConditionalCheckFailedException,
  type ConsumedCapacity,
  type DynamoDBClient,
  type KeysAndAttributes,
  PutItemCommand,
  type PutItemCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { type BarKey, barId } from '../../../core/derive/bars.ts';
import {
  type BarWrite,
  type QuoteKey,
  type TransformSink,
  TransientSinkError,
  type WriteResult,
} from '../../../core/derive/sink.ts';
import type { BarRow, IndexRow, QuoteRow, RejectRow, TradeRow } from '../../../core/derive/types.ts';
import {
  barFromItem,
  barItem,
  barKey,
  type Item,
  indexItem,
  quoteFromItem,
  quoteItem,
  quoteKey,
  rejectItem,
  tradeItem,
  writeUnitsOf,
} from './dynamodb-items.ts';
import { type Backoff, exponentialBackoff, isTransient, mapLimit, sleep } from './transient.ts';

export type DynamoTables = {
  readonly trades: string;
  readonly quotes: string;
  readonly bars: string;
  readonly indices: string;
  readonly rejects: string;
};

export type DynamoSinkOptions = {
  readonly client: DynamoDBClient;
  readonly tables: DynamoTables;
  /** Requests in flight per call. @default 16 */
  readonly concurrency?: number;
  /** Retry schedule for unprocessed items and keys. @default exponentialBackoff() */
  readonly backoff?: Backoff;
};

/** BatchWriteItem takes at most 25 put requests, BatchGetItem at most 100 keys. */
const WRITE_CHUNK = 25;
const READ_CHUNK = 100;

type Counters = { requests: number; retries: number; writeUnits: number };

export class DynamoSink implements TransformSink {
  readonly name = 'dynamodb';
  private readonly client: DynamoDBClient;
  private readonly tables: DynamoTables;
  private readonly concurrency: number;
  private readonly backoff: Backoff;

  constructor(options: DynamoSinkOptions) {
    this.client = options.client;
    this.tables = options.tables;
    this.concurrency = options.concurrency ?? 16;
    this.backoff = options.backoff ?? exponentialBackoff();
  }

  async readQuotes(keys: readonly QuoteKey[]): Promise<Map<string, QuoteRow>> {
    const items = await this.batchGet(
      this.tables.quotes,
      keys.map((k) => quoteKey(k.symbol)),
    );
    return new Map(items.map((item) => [item.pk.S as string, quoteFromItem(item)]));
  }

  async readBars(keys: readonly BarKey[]): Promise<Map<string, BarRow>> {
    const items = await this.batchGet(this.tables.bars, keys.map(barKey));
    return new Map(items.map((item) => [barId(barFromItem(item)), barFromItem(item)]));
  }

  writeTrades(rows: readonly TradeRow[]): Promise<WriteResult<TradeRow>> {
    return this.batchWrite(this.tables.trades, rows, tradeItem);
  }

  writeIndices(rows: readonly IndexRow[]): Promise<WriteResult<IndexRow>> {
    return this.batchWrite(this.tables.indices, rows, indexItem);
  }

  writeRejects(rows: readonly RejectRow[]): Promise<WriteResult<RejectRow>> {
    return this.batchWrite(this.tables.rejects, rows, rejectItem);
  }

  writeBars(rows: readonly BarWrite[]): Promise<WriteResult<BarWrite>> {
    return this.conditionalPuts(rows, ({ bar, expectedLastTrade }) => ({
      TableName: this.tables.bars,
      Item: barItem(bar),
      ...(expectedLastTrade === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: 'lastTrade = :expected',
            ExpressionAttributeValues: { ':expected': { S: expectedLastTrade } },
          }),
    }));
  }

  writeQuotes(rows: readonly QuoteRow[]): Promise<WriteResult<QuoteRow>> {
    return this.conditionalPuts(rows, (quote) => ({
      TableName: this.tables.quotes,
      Item: quoteItem(quote),
      ...quoteCondition(quote),
    }));
  }

  /** PutItem per row; a failed condition is a failure, or `notNewer` when `notNewerIsFine`. */
  private async conditionalPuts<T>(
    rows: readonly T[],
    input: (row: T) => PutItemCommandInput,
    notNewerIsFine = false,
  ): Promise<WriteResult<T>> {
    const counters: Counters = { requests: 0, retries: 0, writeUnits: 0 };
    const failed: T[] = [];
    let notNewer = 0;
    let lastError: unknown;
    await mapLimit(rows, this.concurrency, async (row) => {
      const command = input(row);
      counters.requests++;
      try {
        const out = await this.client.send(
          new PutItemCommand({ ...command, ReturnConsumedCapacity: 'TOTAL' }),
        );
        counters.writeUnits += capacity(out.ConsumedCapacity);
      } catch (error) {
        if (
          error instanceof ConditionalCheckFailedException ||
          (error as Error).name === 'ConditionalCheckFailedException'
        ) {
          counters.writeUnits += writeUnitsOf(command.Item as Item);
          if (notNewerIsFine) notNewer++;
          else failed.push(row);
          return;
        }
        if (!isTransient(error)) throw error;
        lastError = error;
        failed.push(row);
      }
    });
    return {
      failed,
      error: failed.length > 0 ? lastError : undefined,
      ...counters,
      ...(notNewerIsFine ? { notNewer } : {}),
    };
  }

  /** BatchWriteItem in chunks of 25, unprocessed items re-sent with backoff. */
  private async batchWrite<T>(
    table: string,
    rows: readonly T[],
    toItem: (row: T) => Item,
  ): Promise<WriteResult<T>> {
    const counters: Counters = { requests: 0, retries: 0, writeUnits: 0 };
    const chunks: T[][] = [];
    for (let i = 0; i < rows.length; i += WRITE_CHUNK) chunks.push(rows.slice(i, i + WRITE_CHUNK));
    const failed: T[] = [];
    let lastError: unknown;
    await mapLimit(chunks, this.concurrency, async (chunk) => {
      const byKey = new Map<string, T>();
      let pending: WriteRequest[] = chunk.map((row) => {
        const item = toItem(row);
        byKey.set(keyOf(item), row);
        return { PutRequest: { Item: item } };
      });
      for (let attempt = 1; pending.length > 0; attempt++) {
        if (attempt > 1) {
          if (attempt > this.backoff.maxAttempts) break;
          counters.retries++;
          await sleep(this.backoff.delayMs(attempt - 1));
        }
        counters.requests++;
        try {
          const out = await this.client.send(
            new BatchWriteItemCommand({
              RequestItems: { [table]: pending },
              ReturnConsumedCapacity: 'TOTAL',
            }),
          );
          counters.writeUnits += capacity(out.ConsumedCapacity);
          counters.retries += sdkRetries(out);
          pending = out.UnprocessedItems?.[table] ?? [];
        } catch (error) {
          counters.retries += sdkRetries(error);
          if (!isTransient(error)) throw error;
          lastError = error;
          break; // the SDK already retried this request: give the rows back as failed
        }
      }
      for (const request of pending) failed.push(byKey.get(keyOf(request.PutRequest?.Item as Item)) as T);
    });
    if (failed.length > 0 && lastError === undefined)
      lastError = new Error(`unprocessed items left in ${table}`);
    return { failed, error: lastError, ...counters };
  }

  /** BatchGetItem in chunks of 100 keys, unprocessed keys re-asked with backoff. */
  private async batchGet(table: string, keys: readonly Item[]): Promise<Item[]> {
    const chunks: Item[][] = [];
    const unique = [...new Map(keys.map((k) => [keyOf(k), k])).values()];
    for (let i = 0; i < unique.length; i += READ_CHUNK) chunks.push(unique.slice(i, i + READ_CHUNK));
    const found: Item[] = [];
    await mapLimit(chunks, this.concurrency, async (chunk) => {
      let pending: KeysAndAttributes | undefined = { Keys: chunk, ConsistentRead: true };
      for (let attempt = 1; pending?.Keys?.length; attempt++) {
        if (attempt > 1) {
          if (attempt > this.backoff.maxAttempts)
            throw new TransientSinkError(`unprocessed keys left in ${table}`);
          await sleep(this.backoff.delayMs(attempt - 1));
        }
        try {
          const out: BatchGetItemCommandOutput = await this.client.send(
            new BatchGetItemCommand({ RequestItems: { [table]: pending } }),
          );
          for (const item of out.Responses?.[table] ?? []) found.push(item);
          pending = out.UnprocessedKeys?.[table];
        } catch (error) {
          if (!isTransient(error)) throw error;
          throw new TransientSinkError(`reading ${table} failed: ${(error as Error).name}`, { cause: error });
        }
      }
    });
    return found;
  }
}

/** The quote is stored over the checkpoint it was derived from (see the module comment). */
function quoteCondition(quote: QuoteRow): Omit<PutItemCommandInput, 'TableName' | 'Item'> {
  const version = quote.checkpoint?.version ?? 1;
  return {
    ConditionExpression: 'attribute_not_exists(pk) OR attribute_not_exists(#c.#v) OR #c.#v = :read',
    ExpressionAttributeNames: { '#c': 'checkpoint', '#v': 'version' },
    ExpressionAttributeValues: { ':read': { N: String(version - 1) } },
  };
}

/** Attempts the SDK made beyond the first (its own retries of throttling, 5xx, timeouts). */
function sdkRetries(outputOrError: unknown): number {
  const attempts = (outputOrError as { $metadata?: { attempts?: number } })?.$metadata?.attempts;
  return attempts && attempts > 1 ? attempts - 1 : 0;
}

function keyOf(item: Item): string {
  return `${item.pk?.S}\u0000${item.sk?.S ?? ''}`;
}

function capacity(consumed: ConsumedCapacity | ConsumedCapacity[] | undefined): number {
  if (!consumed) return 0;
  if (Array.isArray(consumed)) return consumed.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
  return consumed.CapacityUnits ?? 0;
}
