/**
 * `npm run bench:archive`: what the archive step adds to the transform, on the batch the
 * deployed event source gathers at the market's peak (40,000 frames in 50-frame records,
 * the whole synthetic market from 09:30 ICT): the archive's bytes per 1,000 frames against
 * the stream's, and the CPU of `archiveBatch` (framing, dating each record by its first
 * frame: one decode and one parse per record) against `transformBatch` on the same batch
 * (decode, parse, derive; into the in-memory sink, so without any network write). Both
 * into memory: the S3 PUT itself is one request per batch. Medians of 11 rounds.
 * Writes bench/results/archive.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { archiveBatch } from '../core/archive/archive-batch.ts';
import type { ArchivedRecord } from '../core/archive/format.ts';
import type { ArchiveStore } from '../core/archive/store.ts';
import { transformBatch } from '../core/derive/transform-batch.ts';
import { encodeRecord } from '../core/records/index.ts';
import { DEFAULT_SETTINGS } from '../infra/context.ts';
import { SyntheticMarket } from '../local/simulator/synthetic-market.ts';
import { iboardListing } from '../local/simulator/universe.ts';
import { MemorySink } from '../test/support/memory-sink.ts';
import { MARKET_PEAK_FRAMES_PER_SECOND } from './cost-model.ts';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const ROUNDS = values.quick ? 3 : 11;
/** 8 partition buckets x 200 ms linger at 2,000 frames/s (ingest-task/config.ts defaults). */
const FRAMES_PER_RECORD = 50;
const BATCH_FRAMES = MARKET_PEAK_FRAMES_PER_SECOND * DEFAULT_SETTINGS.batchWindowSeconds;
const SHARD = 'shardId-000000000000';

function batch(): ArchivedRecord[] {
  let clock = Date.parse('2026-04-14T02:30:00Z');
  const market = new SyntheticMarket({ seed: 7, listed: iboardListing(), clock: () => (clock += 0.5) });
  const frames: { raw: string; receivedAt: number }[] = [];
  while (frames.length < BATCH_FRAMES) {
    const frame = market.nextFrame();
    if (frame) frames.push({ raw: frame.raw, receivedAt: clock });
  }
  const records: ArchivedRecord[] = [];
  for (let at = 0; at < frames.length; at += FRAMES_PER_RECORD) {
    const envelopes = frames
      .slice(at, at + FRAMES_PER_RECORD)
      .map((f, i) => ({ raw: f.raw, receivedAt: f.receivedAt, connectionId: 'bench', seq: at + i }));
    records.push({
      sequenceNumber: `4968${String(at).padStart(52, '0')}`,
      arrivalMs: frames[at].receivedAt,
      partitionKey: `b0${(at / FRAMES_PER_RECORD) % 8}`,
      data: encodeRecord(envelopes),
    });
  }
  return records;
}

/** Keeps the last object of each key in memory. */
class MemoryStore implements ArchiveStore {
  readonly location = 'memory';
  readonly objects = new Map<string, Uint8Array>();
  async put(key: string, body: Uint8Array) {
    this.objects.set(key, body);
  }
  async list(prefix: string) {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix));
  }
  async get(key: string) {
    return this.objects.get(key) as Uint8Array;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const records = batch();
const streamBytes = records.reduce((n, r) => n + r.data.length, 0);
const store = new MemoryStore();
const archiveMs: number[] = [];
const transformMs: number[] = [];
let archiveBytes = 0;
for (let round = 0; round < ROUNDS; round++) {
  let t = performance.now();
  archiveBytes = (await archiveBatch(store, SHARD, records)).bytes;
  archiveMs.push(performance.now() - t);
  t = performance.now();
  // A fresh sink each round: every round derives the whole batch.
  await transformBatch(records, SHARD, new MemorySink());
  transformMs.push(performance.now() - t);
}
const result = {
  batchFrames: BATCH_FRAMES,
  records: records.length,
  streamBytesPer1000Frames: Math.round((streamBytes / BATCH_FRAMES) * 1000),
  archiveBytesPer1000Frames: Math.round((archiveBytes / BATCH_FRAMES) * 1000),
  archiveMsPer1000Frames: Math.round((median(archiveMs) / BATCH_FRAMES) * 1000 * 1000) / 1000,
  transformMsPer1000Frames: Math.round((median(transformMs) / BATCH_FRAMES) * 1000 * 1000) / 1000,
  archiveCpuShareOfTransform: Math.round((median(archiveMs) / median(transformMs)) * 1000) / 1000,
  rounds: ROUNDS,
};
console.log(
  `archive: ${result.archiveBytesPer1000Frames} bytes per 1,000 frames (stream ${result.streamBytesPer1000Frames}); ` +
    `archiveBatch ${result.archiveMsPer1000Frames} ms per 1,000 frames, ${(result.archiveCpuShareOfTransform * 100).toFixed(1)}% of transformBatch (${result.transformMsPer1000Frames} ms)`,
);
const dir = fileURLToPath(new URL('results/', import.meta.url));
mkdirSync(dir, { recursive: true });
writeFileSync(`${dir}archive.json`, `${JSON.stringify(result, null, 2)}\n`);
