import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type CostInputs,
  designCost,
  PRICES,
  TRADING_SECONDS,
  tradingDayCost,
} from '../../bench/cost-model.ts';
import { ARCHIVE_RECORD_OVERHEAD_BYTES } from '../../core/archive/format.ts';

const inputs: CostInputs = {
  marketFramesPerSecond: 2000,
  lambdaGb: 1,
  fargateVcpu: 0.25,
  fargateGb: 0.5,
  pipeline: {
    recordsPer1000Frames: 1,
    bytesPer1000Frames: 50 * 1024,
    writeUnitsPer1000Frames: 300,
    transformFramesPerSecond: 2000,
    batchSize: 500,
    batchWindowSeconds: 1,
    minShards: 2,
  },
  naive: {
    recordsPer1000Frames: 1000,
    bytesPer1000Frames: 300 * 1000,
    writeUnitsPer1000Frames: 3000,
    transformFramesPerSecond: 300,
    batchSize: 100,
    batchWindowSeconds: 0,
    minShards: 1,
  },
};

const item = (lines: readonly { item: string; quantity: number; usd: number }[], prefix: string) => {
  const found = lines.find((l) => l.item.startsWith(prefix));
  assert.ok(found, `no line ${prefix}`);
  return found;
};

describe('trading-day cost model', () => {
  it('counts a day of frames over the matching hours', () => {
    assert.equal(TRADING_SECONDS, 15_300);
    assert.equal(tradingDayCost(inputs).framesPerDay, 30_600_000);
  });

  it('bills shards all day, sized for the record rate with headroom', () => {
    const naive = designCost(inputs, inputs.naive).provisioned.lines;
    // 2,000 records/s over 800 per shard (80% of 1,000) = 3 shards, 24 h each.
    assert.equal(item(naive, 'Kinesis shard-hours').quantity, 72);
    const mine = designCost(inputs, inputs.pipeline).provisioned.lines;
    assert.equal(item(mine, 'Kinesis shard-hours').quantity, 48, 'minShards 2 in these inputs');
  });

  it('counts PUT payload units per started 25 KB of each record', () => {
    const mine = designCost(inputs, inputs.pipeline).provisioned.lines;
    // 30,600 records of 50 KB: 2 units each.
    assert.equal(item(mine, 'Kinesis PUT payload units').quantity, 61_200);
    const naive = designCost(inputs, inputs.naive).provisioned.lines;
    assert.equal(item(naive, 'Kinesis PUT payload units').quantity, 30_600_000);
  });

  it('rounds on-demand input up to 1 KB per record', () => {
    const naive = designCost(inputs, inputs.naive).onDemand.lines;
    assert.ok(
      Math.abs(item(naive, 'Kinesis on-demand data in').quantity - (30_600_000 * 1024) / 1024 ** 3) < 1e-9,
    );
  });

  it('prices write units, Lambda time and requests at the listed prices', () => {
    const mine = designCost(inputs, inputs.pipeline).provisioned;
    const writes = item(mine.lines, 'DynamoDB');
    assert.equal(writes.quantity, 9_180_000);
    assert.ok(Math.abs(writes.usd - 9.18 * PRICES.dynamoWritesPerMillion) < 1e-9);
    assert.equal(item(mine.lines, 'Lambda compute').quantity, 15_300);
    // One batch per shard per second while frames flow (the 1 s window), 2 shards.
    assert.equal(item(mine.lines, 'Lambda requests').quantity, 30_600);
    assert.ok(Math.abs(mine.total - mine.lines.reduce((n, l) => n + l.usd, 0)) < 1e-9);
  });

  it('counts one invocation per shard per batching window', () => {
    const windowed = { ...inputs.pipeline, batchWindowSeconds: 20, minShards: 1 };
    // 15,300 s of trading / 20 s = 765 windows on the one shard; the batch size would allow
    // fewer (30,600 records / 500 = 61), so the window decides.
    assert.equal(item(designCost(inputs, windowed).provisioned.lines, 'Lambda requests').quantity, 765);
    // The naive design's 30.6 M records in batches of 100 outnumber its polls (one a second).
    const naive = designCost(inputs, inputs.naive).provisioned.lines;
    assert.equal(item(naive, 'Lambda requests').quantity, 30_600_000 / 100);
  });

  it('makes the naive design dearer at these rates', () => {
    const day = tradingDayCost(inputs);
    assert.ok(day.naive.provisioned.total > 5 * day.pipeline.provisioned.total);
  });

  it('prices the archive: one PUT per batch, the stream bytes plus framing stored 30 days Standard then IA', () => {
    const { archive } = tradingDayCost(inputs);
    // 30,600 records a day of 50 KB + 75 bytes of framing each.
    const bytes = 30_600 * (50 * 1024 + ARCHIVE_RECORD_OVERHEAD_BYTES);
    assert.equal(archive.gbPerDay, bytes / 1024 ** 3);
    // 2 shards × 15,300 s / a 1 s window = 30,600 batches (more than 30,600 / 500 by size).
    assert.equal(item(archive.lines, 'S3 PUT').quantity, 30_600);
    assert.equal(item(archive.lines, 'S3 PUT').usd, 30.6 * PRICES.s3PutPerThousand);
    assert.equal(item(archive.lines, 'S3 Standard').usd, archive.gbPerDay * PRICES.s3StandardGbMonth);
    assert.equal(item(archive.lines, 'S3 Standard-IA').quantity, archive.gbPerDay * 2);
    assert.equal(archive.perMonthAfter90Days, archive.gbPerDay * PRICES.s3GlacierIrGbMonth);
    assert.equal(
      archive.total,
      archive.lines.reduce((n, l) => n + l.usd, 0),
    );
    assert.equal(tradingDayCost(inputs, 100_000).archive.bytesPer1000Frames, 100_000, 'a measured size wins');
  });
});
