import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeRecord,
  type Envelope,
  instrumentOf,
  MISC_PARTITION_KEY,
  partitionKeyOf,
  RecordPacker,
} from '../../../core/records/index.ts';

function stock(symbol: string, seq: number, padding = 0): Envelope {
  return {
    raw: `MAIN|S#${symbol}|${'x'.repeat(padding)}|${seq}`,
    receivedAt: 1000 + seq,
    connectionId: 'c',
    seq,
  };
}

describe('instrumentOf', () => {
  it('reads the instrument of V1, V2, index and trade frames', () => {
    assert.equal(instrumentOf('MAIN|S#FPT|76300|11800'), 'FPT');
    assert.equal(instrumentOf('S#hose:974|FPT|76300'), 'FPT');
    assert.equal(instrumentOf('I#HNXIndex|207.63|20424600'), 'HNXIndex');
    assert.equal(instrumentOf('L#hose:643|17550|300'), 'hose:643');
  });

  it('names no instrument for control and unknown frames', () => {
    assert.equal(instrumentOf('Subscribed stockRealtimeBySymbolsAndBoards'), undefined);
    assert.equal(instrumentOf('{"type":"ack"}'), undefined);
    assert.equal(instrumentOf('MAIN|X#FPT|1'), undefined);
    assert.equal(partitionKeyOf('garbage', 8), MISC_PARTITION_KEY);
  });
});

describe('partitionKeyOf', () => {
  it('maps an instrument to the same bucket whatever the generation', () => {
    assert.equal(partitionKeyOf('MAIN|S#HPG|1', 8), partitionKeyOf('S#hose:1354|HPG|1', 8));
  });

  it('spreads instruments over all buckets', () => {
    const keys = new Set(Array.from({ length: 200 }, (_, i) => partitionKeyOf(`MAIN|S#S${i}|1`, 8)));
    assert.equal(keys.size, 8);
  });
});

describe('RecordPacker', () => {
  it('keeps each instrument in one key, in order, across flushes', () => {
    const packer = new RecordPacker({ buckets: 4 });
    const sent = ['FPT', 'HPG', 'VCB', 'FPT', 'ACB', 'FPT', 'HPG'].map((s, i) => stock(s, i));
    const records = sent.flatMap((e) => packer.add(e));
    records.push(...packer.flush());
    assert.equal(packer.pending, 0);
    const frames = records.flatMap((r) => decodeRecord(r.data).map((e) => ({ key: r.partitionKey, e })));
    assert.equal(frames.length, sent.length);
    const fpt = frames.filter((f) => instrumentOf(f.e.raw) === 'FPT');
    assert.equal(new Set(fpt.map((f) => f.key)).size, 1);
    assert.deepEqual(
      fpt.map((f) => f.e.seq),
      [0, 3, 5],
    );
  });

  it('closes a record at the frame count bound', () => {
    const packer = new RecordPacker({ buckets: 1, maxFramesPerRecord: 3 });
    const closed = [0, 1, 2, 3].flatMap((i) => packer.add(stock('FPT', i)));
    assert.equal(closed.length, 1);
    assert.equal(closed[0].frames, 3);
    assert.equal(packer.pending, 1);
  });

  it('closes a record before it would pass the byte bound', () => {
    const packer = new RecordPacker({ buckets: 1, maxRecordBytes: 1024 });
    const closed = [0, 1, 2].flatMap((i) => packer.add(stock('FPT', i, 400)));
    assert.equal(closed.length, 1);
    assert.equal(closed[0].frames, 2);
  });

  it('puts a frame larger than the bound in a record of its own', () => {
    const packer = new RecordPacker({ buckets: 1, maxRecordBytes: 1024 });
    packer.add(stock('FPT', 0));
    const closed = packer.add(stock('FPT', 1, 5000));
    assert.deepEqual(
      closed.map((r) => r.frames),
      [1, 1],
    );
  });

  it('rejects invalid options, naming the option', () => {
    assert.throws(() => new RecordPacker({ buckets: 0 }), /buckets/);
    assert.throws(() => new RecordPacker({ maxRecordBytes: 2 * 1024 * 1024 }), /maxRecordBytes/);
  });
});
