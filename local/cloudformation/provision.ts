/**
 * Creates in the emulators what the synthesized template declares: each stream with
 * its shards, each table with its keys (and global indexes), a local file per queue
 * standing in for SQS, and the control item if there is none. Idempotent: what exists
 * is left as it is; a table whose keys differ from the template, or a stream whose
 * shard count differs, is reported (a table mismatch stops the start, since every
 * write would fail).
 */

import { join } from 'node:path';
import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ResourceNotFoundException as TableNotFound,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ResourceNotFoundException as StreamNotFound,
} from '@aws-sdk/client-kinesis';
import type { ControlState } from '../../core/control.ts';
import { controlKey, toControlItem } from '../../core/control.ts';
import { LocalRuntimeError } from '../../core/errors.ts';
import { CONTROL_ITEM_ID, TABLE_KEYS } from '../../core/tables.ts';
import type { KeyAttribute, RuntimeTemplate, TableSpec } from './template.ts';

export class ProvisionError extends LocalRuntimeError {
  readonly code = 'PROVISION_FAILED';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProvisionError';
  }
}

export type ProvisionResult = {
  /** One line per resource: what was done. */
  readonly lines: readonly string[];
  /** Queue logical id → the JSON-lines file standing in for it. */
  readonly queueFiles: Readonly<Record<string, string>>;
};

export type ProvisionOptions = {
  readonly template: RuntimeTemplate;
  readonly kinesis: KinesisClient;
  readonly dynamodb: DynamoDBClient;
  readonly dataDir: string;
  /** The control table's physical name, if the template has one; its item is created `stopped`. */
  readonly controlTable?: string;
  readonly now?: () => number;
};

export async function provision(options: ProvisionOptions): Promise<ProvisionResult> {
  const { template, kinesis, dynamodb } = options;
  const lines: string[] = [];
  for (const stream of template.streams) {
    lines.push(await ensureStream(kinesis, stream.name, stream.shardCount));
  }
  for (const table of template.tables) lines.push(await ensureTable(dynamodb, table));
  const queueFiles: Record<string, string> = {};
  for (const queue of template.queues) {
    queueFiles[queue.logicalId] = join(options.dataDir, 'dlq', `${queue.name}.jsonl`);
    lines.push(`queue ${queue.name}: SQS is not emulated; messages go to ${queueFiles[queue.logicalId]}`);
  }
  if (options.controlTable)
    lines.push(await ensureControlItem(dynamodb, options.controlTable, options.now ?? Date.now));
  return { lines, queueFiles };
}

async function ensureStream(kinesis: KinesisClient, name: string, shards: number): Promise<string> {
  try {
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    const open = summary.StreamDescriptionSummary?.OpenShardCount;
    if (open !== undefined && open !== shards) {
      return `stream ${name}: exists with ${open} shards, the template says ${shards}; kept as is (npm run reset recreates it)`;
    }
    return `stream ${name}: exists (${open} shards)`;
  } catch (error) {
    if (!(error instanceof StreamNotFound)) throw error;
  }
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await waitFor(async () => {
    const s = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name }));
    return s.StreamDescriptionSummary?.StreamStatus === 'ACTIVE';
  }, `stream ${name} to become ACTIVE`);
  return `stream ${name}: created with ${shards} shards`;
}

async function ensureTable(dynamodb: DynamoDBClient, table: TableSpec): Promise<string> {
  const ttl = table.ttlAttribute ? ` (TTL on ${table.ttlAttribute} not applied: dynalite has no TTL)` : '';
  try {
    const existing = (await dynamodb.send(new DescribeTableCommand({ TableName: table.name }))).Table;
    const definitions = existing?.AttributeDefinitions ?? [];
    const keyOf = (type: 'HASH' | 'RANGE'): KeyAttribute | undefined => {
      const name = existing?.KeySchema?.find((k) => k.KeyType === type)?.AttributeName;
      return name
        ? { name, type: definitions.find((d) => d.AttributeName === name)?.AttributeType ?? '?' }
        : undefined;
    };
    const have = describeKeys(keyOf('HASH'), keyOf('RANGE'));
    const want = describeKeys(table.partitionKey, table.sortKey);
    if (have !== want) {
      throw new ProvisionError(
        `table ${table.name} exists with keys ${have} but the template declares ${want}: ` +
          'run `npm run reset` to recreate it (this deletes the local data)',
      );
    }
    return `table ${table.name}: exists, keys ${have}${ttl}`;
  } catch (error) {
    if (!(error instanceof TableNotFound)) throw error;
  }
  const keySchema = (a: KeyAttribute, b?: KeyAttribute) => [
    { AttributeName: a.name, KeyType: 'HASH' as const },
    ...(b ? [{ AttributeName: b.name, KeyType: 'RANGE' as const }] : []),
  ];
  await dynamodb.send(
    new CreateTableCommand({
      TableName: table.name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: table.attributeDefinitions.map((d) => ({
        AttributeName: d.name,
        AttributeType: d.type as 'S' | 'N' | 'B',
      })),
      KeySchema: keySchema(table.partitionKey, table.sortKey),
      ...(table.globalIndexes.length
        ? {
            GlobalSecondaryIndexes: table.globalIndexes.map((g) => ({
              IndexName: g.name,
              KeySchema: keySchema(g.partitionKey, g.sortKey),
              Projection: { ProjectionType: 'ALL' as const },
            })),
          }
        : {}),
    }),
  );
  await waitFor(async () => {
    const t = await dynamodb.send(new DescribeTableCommand({ TableName: table.name }));
    return t.Table?.TableStatus === 'ACTIVE';
  }, `table ${table.name} to become ACTIVE`);
  return `table ${table.name}: created, keys ${describeKeys(table.partitionKey, table.sortKey)}${ttl}`;
}

function describeKeys(partition?: KeyAttribute, sort?: KeyAttribute): string {
  const one = (k?: KeyAttribute) => (k ? `${k.name}(${k.type})` : '—');
  return `${one(partition)}/${one(sort)}`;
}

async function ensureControlItem(
  dynamodb: DynamoDBClient,
  tableName: string,
  now: () => number,
): Promise<string> {
  const existing = await dynamodb.send(new GetItemCommand({ TableName: tableName, Key: controlKey() }));
  if (existing.Item)
    return `control item ${CONTROL_ITEM_ID} in ${tableName}: exists (desired=${existing.Item.desired?.S})`;
  const state: ControlState = {
    pk: CONTROL_ITEM_ID,
    desired: 'stopped',
    reason: 'created by the local runtime; the schedule sets it',
    updatedAt: now(),
  };
  // Only if still absent: the schedule may have written it meanwhile.
  try {
    await dynamodb.send(
      new PutItemCommand({
        TableName: tableName,
        Item: toControlItem(state),
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return `control item ${CONTROL_ITEM_ID} in ${tableName}: exists (written meanwhile)`;
  }
  return `control item ${CONTROL_ITEM_ID} in ${tableName}: created (desired=stopped until the schedule fires)`;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new ProvisionError(`timed out waiting for ${what}`);
}
