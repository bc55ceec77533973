/**
 * The archive on S3, against moto_server (a real S3 API) with the real SDK, through the
 * project's fault proxy: objects written and read back in stream order, the archive step
 * failing the batch while S3 is unreachable and archiving it once when S3 is back, and
 * `rederive --from s3://...` finding the day.
 */
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { ArchivedRecord } from '../../../../core/archive/format.ts';
import { archivedShards, readArchivedShard } from '../../../../core/archive/read-archive.ts';
import { encodeRecord } from '../../../../core/records/index.ts';
import { archiveStep } from '../../../../functions/transform/archive/archive-step.ts';
import { parseS3Url, S3ArchiveStore } from '../../../../functions/transform/archive/s3-archive-store.ts';
import { type AwsFaultProxy, startAwsFaultProxy } from '../../../../local/emulators/fault-proxy.ts';
import { archiveStoreFrom } from '../../../../scripts/rederive.ts';
import { MOTO_MISSING, MOTO_REGION, type Moto, startMoto } from '../../../support/moto.ts';

const SHARD = 'shardId-000000000000';
const BUCKET = 'vn-stock-archive-test';
const T = Date.parse('2026-04-14T02:30:00Z');

function records(from: number, to: number): ArchivedRecord[] {
  return Array.from({ length: to - from + 1 }, (_, i) => {
    const n = from + i;
    return {
      sequenceNumber: `4960${String(n).padStart(52, '0')}`,
      arrivalMs: T + n,
      partitionKey: 'b01',
      data: encodeRecord([{ raw: `junk ${n}`, receivedAt: T + n, connectionId: 'c1', seq: n }]),
    };
  });
}

let moto: Moto | undefined;
let proxy: AwsFaultProxy;
let s3: S3Client;

const skip = (await import('../../../support/moto.ts')).onPath('moto_server') ? undefined : MOTO_MISSING;

describe('S3 archive store on moto', { skip, timeout: 120_000 }, () => {
  before(async () => {
    moto = await startMoto();
    assert.ok(moto);
    proxy = await startAwsFaultProxy(moto.endpoint);
    s3 = new S3Client({
      endpoint: proxy.endpoint,
      region: MOTO_REGION,
      forcePathStyle: true,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 2,
    });
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });

  after(async () => {
    s3?.destroy();
    await proxy?.stop();
    await moto?.stop();
  });

  async function read(store: S3ArchiveStore): Promise<string[]> {
    const seqs: string[] = [];
    for await (const r of readArchivedShard(store, '2026-04-14', SHARD)) seqs.push(r.sequenceNumber);
    return seqs;
  }

  it('writes objects under the prefix and reads the shard back in order, each record once', async () => {
    const store = new S3ArchiveStore(s3, BUCKET, 'raw');
    assert.equal(store.location, `s3://${BUCKET}/raw/`);
    const logger = new Logger({ serviceName: 'transform', logLevel: 'SILENT' });
    const metrics = new Metrics({ namespace: 'test', serviceName: 'transform' });
    const step = (rs: ArchivedRecord[]) =>
      archiveStep({
        store,
        shardId: SHARD,
        records: rs,
        partitionKeys: rs.map((r) => r.partitionKey),
        logger,
        metrics,
      });
    assert.equal(await step(records(5, 9)), undefined);
    assert.equal(await step(records(0, 4)), undefined);
    assert.equal(await step(records(0, 4)), undefined); // redelivered
    assert.deepEqual(
      await read(store),
      records(0, 9).map((r) => r.sequenceNumber),
    );
    assert.deepEqual(await archivedShards(store, '2026-04-14'), [SHARD]);
    assert.deepEqual((await store.list('2026-04-14/')).length, 2);
  });

  it('fails the batch while S3 is unreachable, and archives it once S3 is back', async () => {
    const store = new S3ArchiveStore(s3, BUCKET, 'outage');
    const logger = new Logger({ serviceName: 'transform', logLevel: 'SILENT' });
    const metrics = new Metrics({ namespace: 'test', serviceName: 'transform' });
    const batch = records(20, 29);
    const step = () =>
      archiveStep({
        store,
        shardId: SHARD,
        records: batch,
        partitionKeys: batch.map(() => 'b01'),
        logger,
        metrics,
      });
    proxy.set({ down: true });
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await step(), { batchItemFailures: [{ itemIdentifier: batch[0].sequenceNumber }] });
    }
    proxy.set({ down: false });
    assert.equal(await step(), undefined);
    assert.deepEqual(
      await read(store),
      batch.map((r) => r.sequenceNumber),
    );
  });

  it('is what rederive --from s3://bucket/prefix reads', async () => {
    assert.deepEqual(parseS3Url(`s3://${BUCKET}/raw`), { bucket: BUCKET, prefix: 'raw' });
    const env = { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: MOTO_REGION };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const store = archiveStoreFrom(`s3://${BUCKET}/raw`, moto!.endpoint);
      const seqs: string[] = [];
      for await (const r of readArchivedShard(store, '2026-04-14', SHARD)) seqs.push(r.sequenceNumber);
      assert.equal(seqs.length, 10);
    } finally {
      for (const key of Object.keys(env)) if (!(key in saved)) delete process.env[key];
    }
  });
});
