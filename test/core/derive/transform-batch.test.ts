import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { BatchRecord } from '../../../core/derive/decode-batch.ts';
import { transformBatch } from '../../../core/derive/transform-batch.ts';
import type { TradeRow } from '../../../core/derive/types.ts';
import { formatStockFrame } from '../../../core/iboard/format-frame.ts';
import { encodeRecord } from '../../../core/records/index.ts';
import { indexRaw, T0, tradingStory } from '../../support/frames.ts';
import { MemorySink } from '../../support/memory-sink.ts';
import { FPT_V2, HNX_INDEX } from '../iboard/fixtures.ts';

const SHARD = 'shardId-000000000000';
const SYMBOLS = ['FPT', 'VCB', 'HPG', 'SSI', 'MWG'];

/** Kinesis-like records: `sizes` frames per record (the last size repeats). */
function batchRecords(raws: readonly string[], sizes: readonly number[] = [7]): BatchRecord[] {
  const out: BatchRecord[] = [];
  let at = 0;
  for (let r = 0; at < raws.length; r++) {
    const size = Math.max(1, sizes[Math.min(r, sizes.length - 1)]);
    const group = raws.slice(at, at + size);
    const data = encodeRecord(
      group.map((raw, i) => ({ raw, receivedAt: T0 + 500_000 + at + i, connectionId: 'c', seq: at + i })),
    );
    out.push({ data, sequenceNumber: String(1000 + r).padStart(56, '0'), arrivalMs: T0 + 500_000 + at });
    at += group.length;
  }
  return out;
}

function story() {
  const { frames, trades } = tradingStory(SYMBOLS, 40, 7);
  const raws = frames.map(formatStockFrame);
  raws.splice(37, 0, indexRaw({ indexId: 'VN30', timeMs: T0 + 10_000 }));
  raws.splice(91, 0, indexRaw({ indexId: 'VN30', timeMs: T0 + 20_000, value: 1291 }));
  return { frames, trades, raws };
}

async function runAll(sink: MemorySink, batches: BatchRecord[][]) {
  for (const batch of batches) {
    const outcome = await transformBatch(batch, SHARD, sink);
    assert.equal(outcome.failedRecord, undefined);
  }
  return sink.snapshot();
}

describe('transformBatch (in-memory sink)', () => {
  it('stores every trade, the last quote, bars equal to the trades and conserves volume', async () => {
    const { frames, trades, raws } = story();
    const sink = new MemorySink();
    const outcome = await transformBatch(batchRecords(raws), SHARD, sink);
    assert.equal(outcome.failedRecord, undefined);
    assert.equal(outcome.counts.stock, frames.length);
    assert.equal(outcome.counts.index, 2);
    const stored = [...sink.trades.values()];
    for (const symbol of SYMBOLS) {
      const rows = stored.filter((t) => t.symbol === symbol).sort((a, b) => (a.sk < b.sk ? -1 : 1));
      const own = frames.filter((f) => f.symbol === symbol);
      const last = own.at(-1)!;
      assert.deepEqual(rows[0].kind, 'pre-existing', 'the volume before the first frame, named');
      assert.equal(rows[0].quantity, own[0].totalVolume);
      const mine = rows.slice(1);
      assert.ok(mine.every((t) => t.kind === 'trade'));
      const expected = trades.get(symbol)!;
      assert.deepEqual(
        mine.map((t) => [t.time, t.quantity, t.price, t.value]),
        expected.map((t) => [t.time, t.quantity, t.price, t.value]),
      );
      assert.equal(
        rows.reduce((sum, t) => sum + t.quantity, 0),
        last.totalVolume,
        'conservation against the exchange total',
      );
      const quote = sink.quotes.get(symbol)!;
      assert.equal(quote.time, last.serverTime);
      assert.equal(quote.totalVolume, last.totalVolume);
      assert.equal(quote.totalValue, last.totalValue);
      assert.deepEqual(quote.bids, last.bids.slice(0, 3));
      const bars = [...sink.bars.values()].filter((b) => b.symbol === symbol);
      assert.equal(
        bars.reduce((sum, b) => sum + b.volume + (b.otherVolume ?? 0), 0),
        last.totalVolume,
      );
      assert.equal(
        bars.reduce((sum, b) => sum + b.trades, 0),
        mine.length,
      );
      for (const bar of bars) {
        const inBar = mine.filter((t: TradeRow) => t.time >= bar.start && t.time < bar.start + 60_000);
        if (inBar.length === 0) continue;
        assert.equal(bar.open, inBar[0].price);
        assert.equal(bar.close, inBar.at(-1)!.price);
        assert.equal(bar.high, Math.max(...inBar.map((t) => t.price!)));
        assert.equal(bar.low, Math.min(...inBar.map((t) => t.price!)));
      }
    }
    assert.equal(sink.indices.size, 2);
  });

  it('handles the spec frames: the FPT quote and the HNXIndex row', async () => {
    const sink = new MemorySink();
    await transformBatch(batchRecords([FPT_V2, HNX_INDEX]), SHARD, sink);
    const quote = sink.quotes.get('FPT')!;
    assert.equal(quote.totalValue, 286_268_130_000);
    assert.equal(quote.time, 1776148328137);
    assert.deepEqual(quote.bids[0], { price: 76_300, volume: 11_800 });
    assert.deepEqual(
      [...sink.trades.values()].map((t) => [t.kind, t.quantity]),
      [
        ['opening', 93_100],
        ['pre-existing', 3_733_300 - 93_100],
      ],
      'a first frame seen mid-session: the auction and the volume before it, named',
    );
    const [index] = sink.indices.values();
    assert.equal(index.indexId, 'HNXIndex');
    assert.equal(index.value, 207.63);
    assert.equal(index.time, 1681900960757);
  });

  it('leaves identical tables for the same batch twice and for any split into batches', async () => {
    const { raws } = story();
    const records = batchRecords(raws);
    const reference = await runAll(new MemorySink(), [records]);
    assert.deepEqual(await runAll(new MemorySink(), [records, records]), reference);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: records.length }), { maxLength: 6 }),
        async (cuts) => {
          const points = [...new Set(cuts)].sort((a, b) => a - b);
          const batches: BatchRecord[][] = [];
          let from = 0;
          for (const p of [...points, records.length]) {
            if (p > from) batches.push(records.slice(from, p));
            from = p;
          }
          assert.deepEqual(await runAll(new MemorySink(), batches), reference);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('reports the first record of a symbol whose trades failed, and a redelivery completes the tables', async () => {
    const { raws } = story();
    const records = batchRecords(raws);
    const reference = await runAll(new MemorySink(), [records]);
    for (const table of ['trades', 'bars', 'quotes', 'indices'] as const) {
      const sink = new MemorySink();
      const victim = (row: never) => JSON.stringify(row).includes(table === 'indices' ? 'VN30' : '"HPG"');
      sink.failWrites(table, victim, 1);
      const outcome = await transformBatch(records, SHARD, sink);
      assert.notEqual(outcome.failedRecord, undefined, table);
      assert.equal(outcome.failed[table], 1, table);
      if (table !== 'indices') assert.equal(sink.quotes.has('HPG'), false, `${table}: checkpoint not moved`);
      // Lambda retries from the reported record (the batch may be cut differently).
      await runAll(sink, [records.slice(outcome.failedRecord)]);
      assert.deepEqual(sink.snapshot(), reference, table);
    }
  });

  it('retries from the earliest failed record when several symbols fail', async () => {
    const { raws } = story();
    const records = batchRecords(raws, [3]);
    const sink = new MemorySink();
    sink.failWrites('quotes', (q: { symbol: string }) => q.symbol === 'MWG' || q.symbol === 'VCB');
    const outcome = await transformBatch(records, SHARD, sink);
    // VCB is the second symbol of every round: its first frame is frame 1, in record 0.
    assert.equal(outcome.failedRecord, 0);
  });

  it('sends poison records and frames to the rejects with their reasons and goes on', async () => {
    const good = batchRecords([FPT_V2]);
    const records: BatchRecord[] = [
      { data: Uint8Array.of(9, 1, 2, 3), sequenceNumber: '1', arrivalMs: T0 },
      ...batchRecords(['MAIN|S#FPT|bad', 'hello there', HNX_INDEX]).map((r) => ({
        ...r,
        sequenceNumber: '2',
      })),
      { ...good[0], sequenceNumber: '3' },
    ];
    const sink = new MemorySink();
    const outcome = await transformBatch(records, SHARD, sink);
    assert.equal(outcome.failedRecord, undefined);
    const rejects = [...sink.rejects.values()];
    assert.deepEqual(
      rejects.map((r) => [r.kind, r.sk]),
      [
        ['record', `${SHARD}#1#record`],
        ['frame', `${SHARD}#2#000000`],
        ['frame', `${SHARD}#2#000001`],
      ],
    );
    assert.equal(rejects[0].code, 'RECORD_UNKNOWN_VERSION');
    assert.match(rejects[1].reason, /field count/);
    assert.equal(rejects[1].raw, 'MAIN|S#FPT|bad');
    assert.ok(rejects.every((r) => r.expiresAt > T0 / 1000));
    assert.equal(sink.quotes.has('FPT'), true);
    assert.equal(sink.indices.size, 1);
  });
});
