import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { figureRows, pick, ratio, ratioText } from '../../../bench/summary/figures.ts';

describe('bench summary figures', () => {
  it('puts each figure beside its baseline from the same result file', () => {
    const rows = figureRows(
      {
        ingest: {
          recordsPer1000Frames: 2,
          naiveRecordsPer1000Frames: 1000,
          details: { naive: { p99AckMs: 900 } },
          p99AckMs: 300,
        },
      },
      {},
    );
    const records = rows.find((r) => r.figure.startsWith('Kinesis records'));
    assert.equal(records?.pipeline, 2);
    assert.equal(records?.baseline, 1000);
    assert.equal(ratioText(records!), '500× better');
    const p99 = rows.find((r) => r.figure.startsWith('p99 receipt → PutRecords'));
    assert.equal(ratioText(p99!), '3.0× better');
  });

  it('leaves a figure empty, with the reason, when its benchmark failed', () => {
    const rows = figureRows({}, { e2e: 'timed out after 480 s' });
    const p50 = rows.find((r) => r.figure.startsWith('p50 receipt → row'));
    assert.equal(p50?.pipeline, undefined);
    assert.match(p50?.note ?? '', /not measured: timed out after 480 s/);
  });

  it('tells a run that keeps up from a growing backlog, allowing for the last batching window', () => {
    const processedNote = (framesProcessed: number) =>
      figureRows(
        { e2e: { framesInPerSec: 2000, framesProcessed, minutes: 5, batchWindowSeconds: 20 } },
        {},
      ).find((r) => r.figure === 'frames/s processed into rows')?.note;
    // 300 s at 2,000 frames/s, the last 20 s window still open: 560,000 frames is in step.
    assert.match(processedNote(560_000) ?? '', /keeps up/);
    assert.match(processedNote(400_000) ?? '', /backlog \(lag\) grows/);
  });

  it('names the batch of the deployed write-unit figure and reads the 1 s window one', () => {
    const rows = figureRows(
      {
        transform: {
          writeUnitsPer1000Frames: 257,
          naiveWriteUnitsPer1000Frames: 2989,
          batchFrames: 40_000,
          batchWindowSeconds: 20,
          peakFramesPerSecond: 2000,
          byBatch: [
            { name: 'deployed', writeUnitsPer1000Frames: 257 },
            { name: 'window 1 s', writeUnitsPer1000Frames: 650 },
          ],
        },
      },
      {},
    );
    const deployed = rows.find((r) => r.figure.endsWith('as deployed'));
    assert.equal(deployed?.pipeline, 257);
    assert.equal(deployed?.note, 'batches of 40,000 frames: the 20 s window at 2,000 frames/s');
    assert.equal(rows.find((r) => r.figure.endsWith('1 s window'))?.pipeline, 650);
  });

  it('shows the CQL rows beside the write units, or says why Cassandra was not measured', () => {
    const cql = (transform: Record<string, unknown>) =>
      figureRows({ transform }, {}).filter((r) => r.figure.startsWith('CQL rows'));
    const measured = cql({ cqlRowsPer1000Frames: 257.3, cqlRowsPerSec: 4915 });
    assert.deepEqual(
      measured.map((r) => r.pipeline),
      [257.3, 4915],
    );
    const skipped = cql({ writeUnitsPer1000Frames: 257, cqlSkipped: 'Cassandra is not running' });
    for (const row of skipped) {
      assert.equal(row.pipeline, undefined);
      assert.equal(row.note, 'not measured: Cassandra is not running');
    }
  });

  it('says worse when the baseline wins', () => {
    assert.equal(ratioText({ pipeline: 100, baseline: 150, better: 'higher' }), '1.5× worse');
    assert.equal(ratioText({ pipeline: 100, baseline: undefined, better: 'higher' }), '');
    assert.equal(ratio({ pipeline: 3, baseline: 2 }), 1.5);
  });

  it('reads nested numbers and nothing else', () => {
    assert.equal(pick({ a: { b: 2 } }, 'a.b'), 2);
    assert.equal(pick({ a: { b: '2' } }, 'a.b'), undefined);
    assert.equal(pick(undefined, 'a'), undefined);
  });
});
