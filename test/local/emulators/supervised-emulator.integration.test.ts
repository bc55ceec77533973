import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  QueryCommand,
} from '@aws-sdk/client-dynamodb';
import { dynamoClient } from '../../../local/emulators/clients.ts';
import { type SupervisedEmulator, startSupervised } from '../../../local/emulators/supervised-emulator.ts';
import { dirBytes } from '../../../local/runtime/disk-usage.ts';
import { createNamedTables } from '../../support/aws.ts';

describe('supervised dynalite', () => {
  let dir: string;
  let emulator: SupervisedEmulator;
  let client: DynamoDBClient;
  const messages: string[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'supervised-'));
    emulator = await startSupervised('dynamodb', dir, (m) => messages.push(m), {
      recycleGrowthBytes: 2 * 1024 * 1024,
      recycleCheckMs: 200,
    });
    // Retries long enough to ride over a restart, as the pipeline's clients do.
    client = dynamoClient({ endpoint: emulator.endpoint, maxAttempts: 12 });
    await createNamedTables(client, { trades: 'trades' });
  });
  after(async () => {
    client.destroy();
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const until = async (check: () => boolean, ms = 20_000) => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out; messages: ${messages.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it('comes back on the same port, data intact, after its process is stopped from outside', async () => {
    await client.send(
      new BatchWriteItemCommand({
        RequestItems: { trades: [{ PutRequest: { Item: { pk: { S: 'FPT' }, sk: { S: '1' } } } }] },
      }),
    );
    const pid = Number(
      execFileSync('pgrep', ['-f', `emulator-main.mjs dynamodb 0 ${dir}`])
        .toString()
        .trim(),
    );
    // What a terminal's Ctrl-C does to every process of the group.
    process.kill(pid, 'SIGINT');
    await until(() => messages.some((m) => /exited \(code 0\); restarted on port/.test(m)));
    const item = await client.send(
      new GetItemCommand({ TableName: 'trades', Key: { pk: { S: 'FPT' }, sk: { S: '1' } } }),
    );
    assert.equal(item.Item?.pk?.S, 'FPT');
    assert.equal(emulator.restarts, 1);
  });

  it('recycles when Query traffic makes LevelDB keep files, and gets the space back', async () => {
    let written = 0;
    let peak = 0;
    // Writes interleaved with queries, as the transform and a dashboard would make them.
    while (!messages.some((m) => m.includes('recycled'))) {
      const base = written;
      written += 25;
      await client.send(
        new BatchWriteItemCommand({
          RequestItems: {
            trades: Array.from({ length: 25 }, (_, i) => ({
              PutRequest: {
                Item: {
                  pk: { S: `S${(base + i) % 10}` },
                  sk: { S: String(base + i).padStart(9, '0') },
                  pad: { S: 'x'.repeat(400) },
                },
              },
            })),
          },
        }),
      );
      await client.send(
        new QueryCommand({
          TableName: 'trades',
          KeyConditionExpression: 'pk = :pk AND sk > :sk',
          ExpressionAttributeValues: {
            ':pk': { S: `S${base % 10}` },
            ':sk': { S: String(base).padStart(9, '0') },
          },
        }),
      );
      peak = Math.max(peak, dirBytes(dir));
      if (written > 200_000) assert.fail(`never recycled; messages: ${messages.join(' | ')}`);
    }
    await until(() => messages.some((m) => /recycled.*restarted on port/.test(m)));
    // LevelDB deletes the files nothing refers to any more once it has opened again.
    await until(() => dirBytes(dir) < peak / 2);
    // Counted page by page: a Query reads at most 1 MB (~2,300 of these items) at a time.
    let count = 0;
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: 'trades',
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'S3' } },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      count += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    assert.ok(count >= written / 10 - 25, `nothing lost in the restart: ${count} of ${written / 10} items`);
  });
});
