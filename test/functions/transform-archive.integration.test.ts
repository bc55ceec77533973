/**
 * The transform's archive step against real emulators (kinesalite, dynalite) and a real
 * directory: every batch archived before it is derived, a failing archive write failing
 * the batch (no rows, Lambda retries it), a redelivered batch archived once.
 * The archive's failure is a real filesystem failure (a file where the day's directory
 * must go), not a fake store.
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { readArchivedDay } from '../../core/archive/read-archive.ts';
import { formatStockFrame } from '../../core/iboard/format-frame.ts';
import { encodeRecord } from '../../core/records/index.ts';
import { FileArchiveStore } from '../../functions/transform/archive/file-archive-store.ts';
import { kinesisEventFrom } from '../../functions/transform/kinesis-event.ts';
import { DynamoSink } from '../../functions/transform/sinks/dynamodb-sink.ts';
import { exponentialBackoff } from '../../functions/transform/sinks/transient.ts';
import { createTransformHandler, TRANSFORM_NAMESPACE } from '../../functions/transform.ts';
import { type Emulator, startDynamo, startKinesis } from '../../local/emulators/launch.ts';
import {
  createStream,
  createTables,
  dynamoClient,
  kinesisClient,
  roundTrip,
  scanTable,
} from '../support/aws.ts';
import { T0, tradingStory } from '../support/frames.ts';

let kinesis: Emulator;
let dynamo: Emulator;
let kinesisApi: KinesisClient;
let dynamoApi: DynamoDBClient;
const dirs: string[] = [];

before(async () => {
  [kinesis, dynamo] = await Promise.all([startKinesis(), startDynamo()]);
  kinesisApi = kinesisClient(kinesis.endpoint);
  dynamoApi = dynamoClient(dynamo.endpoint);
});

after(async () => {
  kinesisApi?.destroy();
  dynamoApi?.destroy();
  await Promise.all([kinesis?.stop(), dynamo?.stop()]);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function setUp(name: string) {
  const tables = await createTables(dynamoApi, name);
  const arn = await createStream(kinesisApi, name);
  const { frames } = tradingStory(['FPT', 'VCB', 'HPG'], 20, 3);
  const raws = frames.map(formatStockFrame);
  const datas: Uint8Array[] = [];
  for (let i = 0; i < raws.length; i += 5) {
    datas.push(
      encodeRecord(
        raws
          .slice(i, i + 5)
          .map((raw, j) => ({ raw, receivedAt: T0 + i * 10 + j, connectionId: 'c1', seq: i + j })),
      ),
    );
  }
  const { records, shardId } = await roundTrip(kinesisApi, name, datas);
  const root = mkdtempSync(join(tmpdir(), 'vn-archive-step-'));
  dirs.push(root);
  const archive = new FileArchiveStore(root);
  const handler = createTransformHandler({
    sink: new DynamoSink({ client: dynamoApi, tables, backoff: exponentialBackoff(1, 5, 3) }),
    logger: new Logger({ serviceName: 'transform', logLevel: 'SILENT' }),
    metrics: new Metrics({ namespace: TRANSFORM_NAMESPACE, serviceName: 'transform' }),
    archive,
  });
  return { tables, records, shardId, event: kinesisEventFrom(records, shardId, arn), handler, archive, root };
}

async function archivedSequenceNumbers(archive: FileArchiveStore): Promise<string[]> {
  const seqs: string[] = [];
  for await (const { record } of readArchivedDay(archive, '2026-04-14')) seqs.push(record.sequenceNumber);
  return seqs;
}

describe('transform archive step', () => {
  it('archives every record of a batch exactly, then derives it', async () => {
    const { records, event, handler, archive, tables } = await setUp('a1');
    assert.deepEqual(await handler(event), { batchItemFailures: [] });
    const archived: Uint8Array[] = [];
    for await (const { record } of readArchivedDay(archive, '2026-04-14')) archived.push(record.data);
    assert.deepEqual(
      archived.map((d) => Buffer.from(d).toString('base64')),
      records.map((r) => Buffer.from(r.Data!).toString('base64')),
    );
    assert.ok((await scanTable(dynamoApi, tables.trades)).length > 0);
  });

  it('fails the whole batch and derives nothing while the archive cannot be written, then catches up', async () => {
    const { records, event, handler, archive, tables, root } = await setUp('a2');
    // A file where the day's directory must go: every write of the day fails (ENOTDIR/EEXIST).
    writeFileSync(join(root, '2026-04-14'), 'in the way');
    for (let attempt = 0; attempt < 3; attempt++) {
      assert.deepEqual(await handler(event), {
        batchItemFailures: [{ itemIdentifier: records[0].SequenceNumber }],
      });
    }
    assert.equal((await scanTable(dynamoApi, tables.trades)).length, 0, 'nothing derived unarchived');
    assert.equal((await scanTable(dynamoApi, tables.quotes)).length, 0);
    rmSync(join(root, '2026-04-14'));
    mkdirSync(join(root, '2026-04-14'));
    assert.deepEqual(await handler(event), { batchItemFailures: [] });
    assert.deepEqual(
      await archivedSequenceNumbers(archive),
      records.map((r) => r.SequenceNumber),
    );
    assert.ok((await scanTable(dynamoApi, tables.trades)).length > 0);
  });

  it('keeps a redelivered batch, and a retry from a record, once', async () => {
    const { records, event, handler, archive, root } = await setUp('a3');
    assert.deepEqual(await handler(event), { batchItemFailures: [] });
    assert.deepEqual(await handler(event), { batchItemFailures: [] }); // redelivered as is
    // Redelivered from the 4th record on (as after a partial failure).
    assert.deepEqual(await handler({ Records: event.Records.slice(3) }), { batchItemFailures: [] });
    const objects = (await archive.list('2026-04-14/')).filter((k) => k.endsWith('.vnsa'));
    assert.equal(
      objects.length,
      2,
      `the exact redelivery overwrote its object (${objects.join(', ')} in ${root})`,
    );
    assert.deepEqual(
      await archivedSequenceNumbers(archive),
      records.map((r) => r.SequenceNumber),
    );
  });
});
