/**
 * The AWS bill of one trading day for the whole market, from the benchmarks' measured
 * rates, for this pipeline and for the naive design (one Kinesis record per frame, one
 * write per frame and table), with the unit price written next to every line.
 *
 * PRICES are us-east-1 list prices as published on the AWS pricing pages (Kinesis Data
 * Streams, Lambda, DynamoDB, Fargate) as of 2025 — they could not be fetched here, so
 * they are the well-known published figures: check them before relying on the result.
 * Sources: https://aws.amazon.com/kinesis/data-streams/pricing/,
 * https://aws.amazon.com/lambda/pricing/, https://aws.amazon.com/dynamodb/pricing/on-demand/,
 * https://aws.amazon.com/fargate/pricing/, https://aws.amazon.com/s3/pricing/.
 *
 * @example
 * const day = tradingDayCost(measuredInputs);
 * day.pipeline.provisioned.total; // USD per trading day
 */

import { ARCHIVE_RECORD_OVERHEAD_BYTES } from '../core/archive/format.ts';

/** USD, us-east-1, as published (2025); see the module comment. */
export const PRICES = {
  /** Kinesis provisioned: per shard-hour. */
  kinesisShardHour: 0.015,
  /** Kinesis provisioned: per million PUT payload units (a unit = up to 25 KB of one record). */
  kinesisPutUnitsPerMillion: 0.014,
  /** Kinesis on-demand (standard): per stream-hour. */
  kinesisOnDemandStreamHour: 0.04,
  /** Kinesis on-demand: per GB written (each record rounded up to 1 KB). */
  kinesisOnDemandInPerGb: 0.08,
  /** Kinesis on-demand: per GB read (one consumer: the transform). */
  kinesisOnDemandOutPerGb: 0.04,
  /** Lambda arm64: per GB-second. */
  lambdaArmGbSecond: 0.0000133334,
  /** Lambda: per million requests. */
  lambdaRequestsPerMillion: 0.2,
  /** DynamoDB on-demand: per million write request units (1 per started KB written). */
  dynamoWritesPerMillion: 0.625,
  /** Fargate Linux/ARM (Graviton): per vCPU-hour. */
  fargateArmVcpuHour: 0.03238,
  /** Fargate Linux/ARM: per GB-hour. */
  fargateArmGbHour: 0.00356,
  /** S3 Standard: per GB-month (first 50 TB). */
  s3StandardGbMonth: 0.023,
  /** S3 Standard-IA: per GB-month. */
  s3InfrequentGbMonth: 0.0125,
  /** S3 Glacier Instant Retrieval: per GB-month. */
  s3GlacierIrGbMonth: 0.004,
  /** S3 Standard: per 1,000 PUT requests. */
  s3PutPerThousand: 0.005,
  /** S3 lifecycle transition requests to Standard-IA, per 1,000. */
  s3TransitionIaPerThousand: 0.01,
  /** S3 lifecycle transition requests to Glacier Instant Retrieval, per 1,000. */
  s3TransitionGlacierIrPerThousand: 0.02,
} as const;

/** Whole-market stock and index frames per second at the observed peak (issue 7). */
export const MARKET_PEAK_FRAMES_PER_SECOND = 2000;

/** HOSE/HNX matching hours in ICT: 09:00–11:30 and 13:00–14:45 (ATO to ATC), 4 h 15 min. */
export const TRADING_SECONDS = (150 + 105) * 60;
/** The schedule's ingest windows (infra session rules): 08:55–11:35 and 12:55–15:05, 4 h 50 min. */
export const INGEST_HOURS = (160 + 130) / 60;
/** A stream is billed every hour of the day. */
const STREAM_HOURS = 24;
/** One shard takes 1,000 records/s; provision for 80% of it. */
const SHARD_RECORDS_PER_SECOND = 1000 * 0.8;
/** One shard takes 1 MiB/s; provision for 80% of it. */
const SHARD_BYTES_PER_SECOND = 1024 * 1024 * 0.8;
const PUT_UNIT_BYTES = 25 * 1024;
const GB = 1024 ** 3;

export type DesignInputs = {
  /** Kinesis records per 1,000 frames and their bytes (measured by bench:ingest). */
  readonly recordsPer1000Frames: number;
  readonly bytesPer1000Frames: number;
  /** DynamoDB write units per 1,000 frames (bench:transform). */
  readonly writeUnitsPer1000Frames: number;
  /** Frames one invocation handles per second, writes included (bench:transform). */
  readonly transformFramesPerSecond: number;
  /** Records per invocation at most (the event source mapping's batch size). */
  readonly batchSize: number;
  /** The event source's batching window, seconds: at most one invocation per shard per window. */
  readonly batchWindowSeconds: number;
  /** Shards the design runs with at least (the stack's setting for the pipeline). */
  readonly minShards: number;
};

export type CostInputs = {
  /** Whole-market frames per second, held over the trading hours. */
  readonly marketFramesPerSecond: number;
  readonly pipeline: DesignInputs;
  readonly naive: DesignInputs;
  /** Lambda memory, GB (the stack: 1,536 MB, arm64). */
  readonly lambdaGb: number;
  /** Fargate task size (the stack: 0.25 vCPU, 0.5 GB, arm64). */
  readonly fargateVcpu: number;
  readonly fargateGb: number;
};

export type CostLine = {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly price: string;
  readonly usd: number;
};
export type DesignCost = {
  readonly provisioned: { readonly lines: readonly CostLine[]; readonly total: number };
  readonly onDemand: { readonly lines: readonly CostLine[]; readonly total: number };
};
/** The raw-feed archive's cost of one trading day (the same whatever the Kinesis mode). */
export type ArchiveCost = {
  readonly bytesPer1000Frames: number;
  readonly gbPerDay: number;
  readonly objectsPerDay: number;
  /** What one day of archive costs to write and to keep for its first 90 days. */
  readonly lines: readonly CostLine[];
  readonly total: number;
  /** What one day of archive costs per month after that (Glacier Instant Retrieval). */
  readonly perMonthAfter90Days: number;
};

export type DayCost = {
  readonly framesPerDay: number;
  readonly pipeline: DesignCost;
  readonly naive: DesignCost;
  readonly archive: ArchiveCost;
};

const line = (item: string, quantity: number, unit: string, price: string, usd: number): CostLine => ({
  item,
  quantity,
  unit,
  price,
  usd,
});

export function designCost(inputs: CostInputs, design: DesignInputs): DesignCost {
  const frames = inputs.marketFramesPerSecond * TRADING_SECONDS;
  const records = (frames / 1000) * design.recordsPer1000Frames;
  const bytes = (frames / 1000) * design.bytesPer1000Frames;
  const recordBytes = records > 0 ? bytes / records : 0;
  const shards = shardsFor(inputs, design);
  const putUnits = records * Math.max(1, Math.ceil(recordBytes / PUT_UNIT_BYTES));
  // A batch closes at the batch size or at the end of the batching window, per shard
  // (Lambda polls a shard about once a second when there is no window).
  const invocations = invocationsPerDay(records, shards, design);
  const gbSeconds = (frames / design.transformFramesPerSecond) * inputs.lambdaGb;
  const writeUnits = (frames / 1000) * design.writeUnitsPer1000Frames;
  const p = PRICES;
  const common = [
    line(
      'Lambda compute (arm64)',
      gbSeconds,
      'GB-s',
      `$${p.lambdaArmGbSecond}/GB-s`,
      gbSeconds * p.lambdaArmGbSecond,
    ),
    line(
      'Lambda requests',
      invocations,
      'requests',
      `$${p.lambdaRequestsPerMillion}/M`,
      (invocations / 1e6) * p.lambdaRequestsPerMillion,
    ),
    line(
      'DynamoDB on-demand writes',
      writeUnits,
      'WRU',
      `$${p.dynamoWritesPerMillion}/M WRU`,
      (writeUnits / 1e6) * p.dynamoWritesPerMillion,
    ),
    line(
      'Fargate vCPU (arm64)',
      inputs.fargateVcpu * INGEST_HOURS,
      'vCPU-h',
      `$${p.fargateArmVcpuHour}/vCPU-h`,
      inputs.fargateVcpu * INGEST_HOURS * p.fargateArmVcpuHour,
    ),
    line(
      'Fargate memory (arm64)',
      inputs.fargateGb * INGEST_HOURS,
      'GB-h',
      `$${p.fargateArmGbHour}/GB-h`,
      inputs.fargateGb * INGEST_HOURS * p.fargateArmGbHour,
    ),
  ];
  const provisioned = [
    line(
      `Kinesis shard-hours (${shards} shards × 24 h)`,
      shards * STREAM_HOURS,
      'shard-h',
      `$${p.kinesisShardHour}/shard-h`,
      shards * STREAM_HOURS * p.kinesisShardHour,
    ),
    line(
      'Kinesis PUT payload units (25 KB)',
      putUnits,
      'units',
      `$${p.kinesisPutUnitsPerMillion}/M`,
      (putUnits / 1e6) * p.kinesisPutUnitsPerMillion,
    ),
    ...common,
  ];
  // On-demand bills each record rounded up to 1 KB on the way in.
  const inGb = (records * Math.max(1024, Math.ceil(recordBytes / 1024) * 1024)) / GB;
  const onDemand = [
    line(
      'Kinesis on-demand stream-hours',
      STREAM_HOURS,
      'stream-h',
      `$${p.kinesisOnDemandStreamHour}/h`,
      STREAM_HOURS * p.kinesisOnDemandStreamHour,
    ),
    line(
      'Kinesis on-demand data in (1 KB/record min.)',
      inGb,
      'GB',
      `$${p.kinesisOnDemandInPerGb}/GB`,
      inGb * p.kinesisOnDemandInPerGb,
    ),
    line(
      'Kinesis on-demand data out',
      bytes / GB,
      'GB',
      `$${p.kinesisOnDemandOutPerGb}/GB`,
      (bytes / GB) * p.kinesisOnDemandOutPerGb,
    ),
    ...common,
  ];
  const total = (lines: CostLine[]) => lines.reduce((n, l) => n + l.usd, 0);
  return {
    provisioned: { lines: provisioned, total: total(provisioned) },
    onDemand: { lines: onDemand, total: total(onDemand) },
  };
}

function shardsFor(inputs: CostInputs, design: DesignInputs): number {
  const peakRecordsPerSecond = (inputs.marketFramesPerSecond / 1000) * design.recordsPer1000Frames;
  const peakBytesPerSecond = (inputs.marketFramesPerSecond / 1000) * design.bytesPer1000Frames;
  return Math.max(
    design.minShards,
    Math.ceil(peakRecordsPerSecond / SHARD_RECORDS_PER_SECOND),
    Math.ceil(peakBytesPerSecond / SHARD_BYTES_PER_SECOND),
  );
}

function invocationsPerDay(records: number, shards: number, design: DesignInputs): number {
  return Math.max(
    records / design.batchSize,
    (shards * TRADING_SECONDS) / Math.max(1, design.batchWindowSeconds),
  );
}

/**
 * The archive (issue 14): the transform writes each batch as one S3 object before deriving
 * it, so a day is the stream's bytes plus the framing (`archiveBytesPer1000Frames`, from
 * core/archive/format.ts) in one PUT per invocation; Standard for 30 days, Standard-IA to
 * day 90, then Glacier Instant Retrieval (infra/constructs/frame-archive.ts).
 */
export function archiveCost(inputs: CostInputs, archiveBytesPer1000Frames: number): ArchiveCost {
  const design = inputs.pipeline;
  const frames = inputs.marketFramesPerSecond * TRADING_SECONDS;
  const records = (frames / 1000) * design.recordsPer1000Frames;
  const objects = invocationsPerDay(records, shardsFor(inputs, design), design);
  const gb = ((frames / 1000) * archiveBytesPer1000Frames) / GB;
  const p = PRICES;
  const lines = [
    line(
      'S3 PUT (one object per batch)',
      objects,
      'requests',
      `$${p.s3PutPerThousand}/1k`,
      (objects / 1000) * p.s3PutPerThousand,
    ),
    line(
      'S3 Standard, days 1-30',
      gb,
      'GB-month',
      `$${p.s3StandardGbMonth}/GB-month`,
      gb * p.s3StandardGbMonth,
    ),
    line(
      'S3 lifecycle transitions (IA, Glacier IR)',
      objects * 2,
      'requests',
      `$${p.s3TransitionIaPerThousand}+$${p.s3TransitionGlacierIrPerThousand}/1k`,
      (objects / 1000) * (p.s3TransitionIaPerThousand + p.s3TransitionGlacierIrPerThousand),
    ),
    line(
      'S3 Standard-IA, days 31-90',
      gb * 2,
      'GB-month',
      `$${p.s3InfrequentGbMonth}/GB-month`,
      gb * 2 * p.s3InfrequentGbMonth,
    ),
  ];
  return {
    bytesPer1000Frames: archiveBytesPer1000Frames,
    gbPerDay: gb,
    objectsPerDay: objects,
    lines,
    total: lines.reduce((n, l) => n + l.usd, 0),
    perMonthAfter90Days: gb * p.s3GlacierIrGbMonth,
  };
}

/** `archiveBytesPer1000Frames`: the archive's bytes per 1,000 frames. @default the stream's plus the framing */
export function tradingDayCost(inputs: CostInputs, archiveBytesPer1000Frames?: number): DayCost {
  const archiveBytes =
    archiveBytesPer1000Frames ??
    inputs.pipeline.bytesPer1000Frames + inputs.pipeline.recordsPer1000Frames * ARCHIVE_RECORD_OVERHEAD_BYTES;
  return {
    framesPerDay: inputs.marketFramesPerSecond * TRADING_SECONDS,
    pipeline: designCost(inputs, inputs.pipeline),
    naive: designCost(inputs, inputs.naive),
    archive: archiveCost(inputs, archiveBytes),
  };
}
