import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { transformBatch } from '../../../../core/derive/transform-batch.ts';
import { formatStockFrame } from '../../../../core/iboard/format-frame.ts';
import { encodeRecord } from '../../../../core/records/index.ts';
import { combineSinks, merge } from '../../../../functions/transform/sinks/combined-sink.ts';
import { T0, tradingStory } from '../../../support/frames.ts';
import { MemorySink } from '../../../support/memory-sink.ts';

function records() {
  const { frames } = tradingStory(['FPT', 'VCB'], 20, 4);
  const raws = frames.map(formatStockFrame);
  return [0, 10, 20, 30].map((at, r) => ({
    data: encodeRecord(
      raws
        .slice(at, at + 10)
        .map((raw, i) => ({ raw, receivedAt: T0 + at + i, connectionId: 'c', seq: at + i })),
    ),
    sequenceNumber: String(r),
    arrivalMs: T0,
  }));
}

describe('combineSinks (SINK=both)', () => {
  it('writes every row to both stores and rejects to one', async () => {
    const dynamo = new MemorySink();
    const cql = new MemorySink();
    const sink = combineSinks({ name: 'both', reader: dynamo, writers: [dynamo, cql], rejects: dynamo });
    const outcome = await transformBatch(
      [...records(), { data: Uint8Array.of(0), sequenceNumber: '9', arrivalMs: T0 }],
      's',
      sink,
    );
    assert.equal(outcome.failedRecord, undefined);
    assert.deepEqual(cql.snapshot().trades, dynamo.snapshot().trades);
    assert.deepEqual(cql.snapshot().quotes, dynamo.snapshot().quotes);
    assert.ok(dynamo.trades.size > 0);
    assert.equal(dynamo.rejects.size, 1);
    assert.equal(cql.rejects.size, 0);
  });

  it('counts a row as written only when both stores took it', async () => {
    const dynamo = new MemorySink();
    const cql = new MemorySink();
    cql.failWrites('trades', (t: { symbol: string }) => t.symbol === 'VCB', 1);
    const sink = combineSinks({ name: 'both', reader: dynamo, writers: [dynamo, cql], rejects: dynamo });
    const outcome = await transformBatch(records(), 's', sink);
    assert.equal(outcome.failedRecord, 0, 'VCB starts in record 0');
    assert.equal(dynamo.quotes.has('VCB'), false);
    assert.equal(dynamo.quotes.has('FPT'), true);
  });

  for (const table of ['bars', 'quotes'] as const) {
    it(`rewrites the CQL ${table} on the retry after a failed CQL write (the reader is written last)`, async () => {
      const dynamo = new MemorySink();
      const cql = new MemorySink();
      cql.failWrites(
        table,
        (row: { symbol?: string; bar?: { symbol: string } }) => (row.symbol ?? row.bar?.symbol) === 'FPT',
        1,
      );
      const sink = combineSinks({ name: 'both', reader: dynamo, writers: [dynamo, cql], rejects: dynamo });
      const batch = records();
      const first = await transformBatch(batch, 's', sink);
      assert.notEqual(first.failedRecord, undefined, `the failed CQL ${table} write fails the batch`);
      const retry = await transformBatch(batch.slice(first.failedRecord), 's', sink);
      assert.equal(retry.failedRecord, undefined);
      const { rejects: _, ...stored } = dynamo.snapshot();
      const { rejects: __, ...copy } = cql.snapshot();
      assert.deepEqual(copy, stored, 'the CQL store holds what DynamoDB holds');
      assert.ok(cql.bars.size > 0 && cql.quotes.has('FPT'));
    });
  }

  it('merges results: union of failed rows, sums of counters', () => {
    const a = { id: 1 };
    const b = { id: 2 };
    const merged = merge([
      { failed: [a], retries: 1, writeUnits: 3, requests: 2 },
      { failed: [a, b], retries: 0, writeUnits: 0, requests: 1, notNewer: 2 },
    ]);
    assert.deepEqual(merged.failed, [a, b]);
    assert.deepEqual([merged.retries, merged.writeUnits, merged.requests, merged.notNewer], [1, 3, 3, 2]);
  });
});
