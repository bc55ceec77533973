/**
 * Reads the pipeline's DynamoDB tables for the dashboard, with the keys of
 * `core/tables.ts`. Works against the embedded runtime, LocalStack or AWS: give it an
 * endpoint (emulators: dummy credentials, HTTP/1.1 keep-alive) or none (AWS: the SDK's
 * default credentials and region).
 *
 * @example
 * const reader = new TableReader(createDynamoClient({ endpoint: 'http://localhost:4566' }), tables);
 * await reader.quote('FPT'); // the quotes row, unmarshalled, or undefined
 */
import {
  type AttributeValue,
  DynamoDBClient,
  GetItemCommand,
  paginateQuery,
  paginateScan,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { dayPartition, TABLE_KEYS } from '../../core/tables.ts';
import { dynamoClient } from '../emulators/clients.ts';
import { StoreUnavailableError } from './errors.ts';
import type { PlainItem } from './rows.ts';

/** Physical names of the tables the dashboard reads. */
export type DashboardTables = {
  readonly trades: string;
  readonly quotes: string;
  readonly bars: string;
  readonly indices: string;
};

export type DynamoClientOptions = {
  /** e.g. `http://localhost:4566`; absent: AWS itself. */
  readonly endpoint?: string;
  /** @default AWS_REGION, else us-east-1 for an endpoint */
  readonly region?: string;
};

export function createDynamoClient(options: DynamoClientOptions): DynamoDBClient {
  if (options.endpoint) {
    return dynamoClient({ endpoint: options.endpoint, region: options.region, maxSockets: 8 });
  }
  return new DynamoDBClient(options.region ? { region: options.region } : {});
}

const { partitionKey: PK, sortKey: SK } = TABLE_KEYS;

/** `id#date` partition of a `YYYY-MM-DD` trading date (noon ICT of that date, a safe instant). */
export function partitionOf(id: string, date: string): string {
  return dayPartition(id, Date.parse(`${date}T05:00:00Z`));
}

export class TableReader {
  constructor(
    readonly client: DynamoDBClient,
    readonly tables: DashboardTables,
  ) {}

  /** The latest state of a symbol, or undefined when the transform has not written one. */
  async quote(symbol: string): Promise<PlainItem | undefined> {
    const { quotes } = this.tables;
    const out = await this.#call(quotes, () =>
      this.client.send(new GetItemCommand({ TableName: quotes, Key: { [PK]: { S: symbol } } })),
    );
    return out.Item ? unmarshall(out.Item) : undefined;
  }

  /** Every quotes row (about 1,650), in pages. */
  async allQuotes(): Promise<PlainItem[]> {
    const table = this.tables.quotes;
    return this.#call(table, () => itemsOf(paginateScan({ client: this.client }, { TableName: table })));
  }

  /** 1-minute bars of a symbol on a date, `from`..`to` inclusive (`HH:MM` ICT). */
  bars(symbol: string, date: string, from = '00:00', to = '23:59'): Promise<PlainItem[]> {
    return this.#queryAll({
      TableName: this.tables.bars,
      KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
      ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
      ExpressionAttributeValues: {
        ':pk': { S: partitionOf(symbol, date) },
        ':from': { S: from },
        ':to': { S: to },
      },
    });
  }

  /** The newest `limit` bars of a symbol on a date, newest first (what the live stream diffs). */
  latestBars(symbol: string, date: string, limit: number): Promise<PlainItem[]> {
    return this.#queryLatest(this.tables.bars, partitionOf(symbol, date), limit);
  }

  /** The newest `limit` trades of a symbol on a date, newest first. */
  async latestTrades(symbol: string, date: string, limit: number): Promise<PlainItem[]> {
    return this.#queryLatest(this.tables.trades, partitionOf(symbol, date), limit);
  }

  /** Every row of an index on a date, oldest first. */
  indexSeries(indexId: string, date: string): Promise<PlainItem[]> {
    return this.#queryAll({
      TableName: this.tables.indices,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': PK },
      ExpressionAttributeValues: { ':pk': { S: partitionOf(indexId, date) } },
    });
  }

  /** The newest row of an index on a date. */
  async latestIndex(indexId: string, date: string): Promise<PlainItem | undefined> {
    const [row] = await this.#queryLatest(this.tables.indices, partitionOf(indexId, date), 1);
    return row;
  }

  async #queryLatest(table: string, pk: string, limit: number): Promise<PlainItem[]> {
    const out = await this.#call(table, () =>
      this.client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': PK },
          ExpressionAttributeValues: { ':pk': { S: pk } },
          ScanIndexForward: false,
          Limit: limit,
        }),
      ),
    );
    return (out.Items ?? []).map((item) => unmarshall(item));
  }

  #queryAll(input: QueryCommandInput): Promise<PlainItem[]> {
    return this.#call(input.TableName ?? '', () => itemsOf(paginateQuery({ client: this.client }, input)));
  }

  /** Runs a call; a missing table or an unreachable endpoint becomes a 503 with a reason. */
  async #call<T>(table: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw translateStoreError(error, table);
    }
  }
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);

/** SDK and socket errors that mean "cannot read now" → StoreUnavailableError; others unchanged. */
export function translateStoreError(error: unknown, table: string): unknown {
  const e = error as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  if (e?.name === 'ResourceNotFoundException') {
    return new StoreUnavailableError(`table ${table} does not exist at the configured endpoint`, {
      cause: error,
    });
  }
  const code = e?.code ?? e?.cause?.code;
  if ((code && UNREACHABLE.has(code)) || e?.name === 'TimeoutError') {
    return new StoreUnavailableError(`cannot reach DynamoDB (${code ?? e.name}); is the runtime running?`, {
      cause: error,
    });
  }
  return error;
}

/** Every item of every page, unmarshalled. */
async function itemsOf(
  pages: AsyncIterable<{ Items?: Record<string, AttributeValue>[] }>,
): Promise<PlainItem[]> {
  const items: PlainItem[] = [];
  for await (const page of pages) for (const item of page.Items ?? []) items.push(unmarshall(item));
  return items;
}
