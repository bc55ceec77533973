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
