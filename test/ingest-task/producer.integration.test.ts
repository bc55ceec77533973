import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Envelope, RecordPacker } from '../../core/records/index.ts';
import { createKinesisClient } from '../../ingest-task/kinesis-client.ts';
import { IngestMetrics } from '../../ingest-task/metrics.ts';
import { KinesisProducer } from '../../ingest-task/producer.ts';
import { startAwsFaultProxy } from '../../local/emulators/fault-proxy.ts';
import { type Emulator, startKinesis } from '../../local/emulators/launch.ts';
import { createStream, emulatorClient, readStream, TEST_REGION } from '../support/stream.ts';

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const SYMBOLS = Array.from({ length: 40 }, (_, i) => `S${String(i).padStart(2, '0')}`);

let kinesis: Emulator;
before(async () => {
  kinesis = await startKinesis();
});
after(async () => {
  await kinesis.stop();
});

/** Sends `count` frames through a packer and a producer aimed at `endpoint`. */
async function produce(endpoint: string, stream: string, count: number, during?: (sent: number) => void) {
  const metrics = new IngestMetrics();
  const client = createKinesisClient({ region: TEST_REGION, endpoint, maxAttempts: 1 });
  const packer = new RecordPacker({ buckets: 8, maxFramesPerRecord: 25 });
  const acked: number[] = [];
  const producer = new KinesisProducer({
    client,
    streamName: stream,
    metrics,
    logger: silent,
    retryBaseMs: 20,
    retryMaxMs: 200,
    onAck: (record) => acked.push(record.frames),
  });
  for (let i = 0; i < count; i++) {
    const raw = `MAIN|S#${SYMBOLS[i % SYMBOLS.length]}|${i}`;
    const envelope: Envelope = { raw, receivedAt: Date.now(), connectionId: 'c1', seq: i };
    producer.enqueue(packer.add(envelope));
    during?.(i);
    if (i % 100 === 0) await new Promise((r) => setImmediate(r));
  }
  producer.enqueue(packer.flush());
  const drained = await producer.drain(20_000);
  client.destroy();
  return { drained, metrics, acked: acked.reduce((a, b) => a + b, 0) };
}

async function storedRecords(stream: string) {
  const reader = emulatorClient(kinesis.endpoint);
  const records = await readStream(reader, stream);
  reader.destroy();
  return records;
}

/** Checks every frame is stored once and each symbol's frames are in sending order. */
async function assertExactlyOnceInOrder(stream: string, count: number) {
  const records = await storedRecords(stream);
  const seqs = records.flatMap((r) => r.envelopes.map((e) => e.seq));
  assert.equal(seqs.length, count, 'frame count in the stream');
  assert.equal(new Set(seqs).size, count, 'no duplicates');
  assertPerSymbolOrder(records.flatMap((r) => r.envelopes));
}

function assertPerSymbolOrder(envelopes: Envelope[]) {
  const lastBySymbol = new Map<string, number>();
  for (const e of envelopes) {
    const symbol = e.raw.split('|')[1];
    const previous = lastBySymbol.get(symbol) ?? -1;
    assert.ok(e.seq > previous, `${symbol}: seq ${e.seq} after ${previous}`);
    lastBySymbol.set(symbol, e.seq);
  }
}

describe('KinesisProducer', () => {
  it('re-sends only refused entries of partial failures, keeping per-symbol order', async () => {
    const admin = emulatorClient(kinesis.endpoint);
    await createStream(admin, 'partial', 3);
    admin.destroy();
    const proxy = await startAwsFaultProxy(kinesis.endpoint);
    proxy.set({ putRecordsFailRate: 0.3 });
    const { drained, metrics, acked } = await produce(proxy.endpoint, 'partial', 3000);
    await proxy.stop();
    assert.equal(drained, true);
    assert.equal(acked, 3000);
    assert.ok(proxy.stats.entriesRefused > 0, 'the proxy refused entries');
    assert.equal(metrics.failedEntries, proxy.stats.entriesRefused);
    assert.equal(metrics.throttledEntries, proxy.stats.entriesRefused);
    assert.equal(metrics.retriedEntries, proxy.stats.entriesRefused, 're-sends equal refusals, nothing more');
    assert.equal(metrics.recordsPut, proxy.stats.entriesForwarded, 'each record stored once');
    await assertExactlyOnceInOrder('partial', 3000);
  });

  it('waits out an unreachable endpoint and delivers everything once it returns', async () => {
    const admin = emulatorClient(kinesis.endpoint);
    await createStream(admin, 'outage', 2);
    admin.destroy();
    const proxy = await startAwsFaultProxy(kinesis.endpoint);
    let restored: NodeJS.Timeout | undefined;
    const { drained, metrics } = await produce(proxy.endpoint, 'outage', 2000, (i) => {
      if (i === 500) {
        proxy.set({ down: true });
        restored = setTimeout(() => proxy.set({ down: false }), 1_000);
      }
    });
    clearTimeout(restored);
    await proxy.stop();
    assert.equal(drained, true);
    assert.ok(metrics.requestErrors > 0, 'requests failed during the outage');
    assert.ok(proxy.stats.resets > 0);
    await assertExactlyOnceInOrder('outage', 2000);
  });

  it('stores a record twice, whole and in order, when an acknowledgement is lost (at least once)', async () => {
    const admin = emulatorClient(kinesis.endpoint);
    await createStream(admin, 'lost-acks', 2);
    admin.destroy();
    const proxy = await startAwsFaultProxy(kinesis.endpoint);
    let restored: NodeJS.Timeout | undefined;
    const { drained } = await produce(proxy.endpoint, 'lost-acks', 2000, (i) => {
      if (i === 500) {
        proxy.set({ loseAcks: true });
        restored = setTimeout(() => proxy.set({ loseAcks: false }), 300);
      }
    });
    clearTimeout(restored);
    await proxy.stop();
    assert.equal(drained, true);
    assert.ok(proxy.stats.acksLost > 0);
    const records = await storedRecords('lost-acks');
    const seqs = new Set(records.flatMap((r) => r.envelopes.map((e) => e.seq)));
    assert.equal(seqs.size, 2000, 'nothing lost');
    // Duplicates are whole records (same frames): dropping repeated records restores exactly-once.
    const seen = new Set<string>();
    const unique = records.filter((r) => {
      const id = r.envelopes.map((e) => e.seq).join(',');
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    const uniqueFrames = unique.flatMap((r) => r.envelopes);
    assert.equal(uniqueFrames.length, 2000, 'each duplicate is a complete earlier record');
    assertPerSymbolOrder(uniqueFrames);
  });
});
