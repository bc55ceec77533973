import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRecord, type Envelope, type PackedRecord } from '../../core/records/index.ts';
import { inlinePacker, workerPacker } from '../../ingest-task/packing.ts';

const SYMBOLS = ['FPT', 'VCB', 'HPG', 'VNM', 'MWG', 'SSI', 'ACB', 'TCB', 'VIC', 'GAS'];
const envelope = (seq: number): Envelope => ({
  raw: `MAIN|S#${SYMBOLS[seq % SYMBOLS.length]}|${seq}|${'x'.repeat(200)}`,
  receivedAt: 1_776_000_000_000 + seq,
  connectionId: 'c1',
  seq,
});

describe('workerPacker', () => {
  it('packs in a worker thread what the inline packer packs, in the same order', async () => {
    const options = { buckets: 4, maxRecordBytes: 16 * 1024 };
    const fromWorker: PackedRecord[] = [];
    const fromInline: PackedRecord[] = [];
    let packedCalls = 0;
    const worker = await workerPacker(options, {
      sink: (records) => fromWorker.push(...records),
      onError: (error) => assert.fail(error),
      onPacked: () => packedCalls++,
    });
    const inline = inlinePacker(options, (records) => fromInline.push(...records));
    for (let i = 0; i < 5000; i++) {
      worker.add(envelope(i));
      inline.add(envelope(i));
    }
    assert.ok(worker.backlog > 0, 'frames wait for the worker');
    await worker.flush();
    await inline.flush();
    assert.equal(worker.backlog, 0);
    assert.ok(packedCalls > 0);
    await worker.close();
    assert.deepEqual(
      fromWorker.map((r) => [r.partitionKey, r.frames]),
      fromInline.map((r) => [r.partitionKey, r.frames]),
    );
    const seqs = fromWorker.flatMap((r) => decodeRecord(r.data).map((e) => e.seq));
    assert.equal(seqs.length, 5000);
    assert.deepEqual(
      [...seqs].sort((a, b) => a - b),
      Array.from({ length: 5000 }, (_, i) => i),
    );
    assert.deepEqual(
      fromWorker[0].receivedAts,
      decodeRecord(fromWorker[0].data).map((e) => e.receivedAt),
    );
  });
});
