/**
 * The exchange-true rule as a property: for random trading stories delivered with gaps
 * (reconnects, lost frames), duplications, late frames and any batch split, a symbol's
 * rows of the day add up to the last cumulative volume it saw, and deriving a batch again
 * (a retry, a redelivery) changes nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { BatchRecord } from '../../../core/derive/decode-batch.ts';
import { transformBatch } from '../../../core/derive/transform-batch.ts';
import { formatStockFrame } from '../../../core/iboard/format-frame.ts';
import { type Envelope, encodeRecord } from '../../../core/records/index.ts';
import { stockFrame, T0 } from '../../support/frames.ts';
import { MemorySink } from '../../support/memory-sink.ts';

const SHARD = 'shardId-000000000000';

type Delivered = { raw: string; receivedAt: number; connectionId: string; volume: number };

/** A monotone story of FPT snapshots one second apart, delivered with faults. */
const story = fc
  .record({
    steps: fc.array(
      fc.record({
        growth: fc.oneof(
          fc.constant(0),
          fc.integer({ min: 1, max: 50 }).map((n) => n * 100),
        ),
        lost: fc.boolean(), // the frame never reaches the stream (shed, no socket)
        reconnect: fc.integer({ min: 0, max: 9 }).map((n) => n === 0), // a new connection from here
        duplicate: fc.integer({ min: 0, max: 6 }).map((n) => n === 0), // delivered twice (a retried put)
        late: fc.integer({ min: 0, max: 6 }).map((n) => n === 0), // an old frame delivered again, late
      }),
      { minLength: 1, maxLength: 40 },
    ),
    start: fc.integer({ min: 0, max: 100_000 }),
    cuts: fc.array(fc.integer({ min: 1, max: 60 }), { maxLength: 5 }),
  })
  .map(({ steps, start, cuts }) => {
    const delivered: Delivered[] = [];
    let volume = start;
    let connection = 1;
    const sent: Delivered[] = [];
    for (const [i, step] of steps.entries()) {
      volume += step.growth;
      if (step.reconnect) connection++;
      const time = T0 + i * 1000;
      const frame = stockFrame({
        symbol: 'FPT',
        serverTime: time,
        totalVolume: volume,
        totalValue: volume * 76_000,
        lastPrice: 76_000,
      });
      const item = {
        raw: formatStockFrame(frame),
        receivedAt: time + 300,
        connectionId: `c${connection}`,
        volume,
      };
      sent.push(item);
      if (step.lost) continue;
      delivered.push(item);
      if (step.duplicate) delivered.push(item);
      if (step.late && sent.length > 3) delivered.push(sent[sent.length - 4]);
    }
    return { delivered, cuts };
  });

function recordsOf(delivered: readonly Delivered[]): BatchRecord[] {
  return delivered.map((d, i) => {
    const envelope: Envelope = { raw: d.raw, receivedAt: d.receivedAt, connectionId: d.connectionId, seq: i };
    return {
      data: encodeRecord([envelope]),
      sequenceNumber: String(i).padStart(20, '0'),
      arrivalMs: d.receivedAt,
    };
  });
}

function batches(records: BatchRecord[], cuts: readonly number[]): BatchRecord[][] {
  const points = [...new Set(cuts.filter((c) => c < records.length))].sort((a, b) => a - b);
  const out: BatchRecord[][] = [];
  let from = 0;
  for (const point of [...points, records.length]) {
    if (point > from) out.push(records.slice(from, point));
    from = point;
  }
  return out;
}

describe('exchange-true rows (property)', () => {
  it('sum to the last cumulative volume seen, whatever the gaps, duplicates, late frames and batching', async () => {
    await fc.assert(
      fc.asyncProperty(story, async ({ delivered, cuts }) => {
        if (delivered.length === 0) return;
        const sink = new MemorySink();
        for (const batch of batches(recordsOf(delivered), cuts)) {
          assert.equal((await transformBatch(batch, SHARD, sink)).failedRecord, undefined);
          // A redelivery of the same batch (Lambda's at-least-once) must change nothing.
          const before = sink.snapshot();
          await transformBatch(batch, SHARD, sink);
          assert.deepEqual(sink.snapshot(), before, 'a redelivered batch changes nothing');
        }
        const rows = [...sink.trades.values()];
        const total = Math.max(...delivered.map((d) => d.volume));
        assert.equal(
          rows.reduce((n, r) => n + r.quantity, 0),
          total,
          'rows add up to the exchange total',
        );
        assert.equal(
          rows.reduce((n, r) => n + (r.value ?? 0), 0),
          total * 76_000,
          'values add up to the cumulative value',
        );
        const bars = [...sink.bars.values()];
        assert.equal(
          bars.reduce((n, b) => n + b.volume + (b.otherVolume ?? 0), 0),
          total,
          'bars add up to it too',
        );
        const whole = new MemorySink();
        await transformBatch(recordsOf(delivered), SHARD, whole);
        assert.deepEqual(sink.snapshot(), whole.snapshot(), 'the same rows whatever the batching');
      }),
      { numRuns: 150 },
    );
  });
});
