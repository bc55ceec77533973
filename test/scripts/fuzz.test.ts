import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFrame } from '../../core/iboard/parse-frame.ts';
import { decodeRecord } from '../../core/records/index.ts';
import { fuzzTarget, MAX_MS_PER_INPUT } from '../../scripts/fuzz.ts';

// The same fuzz as `npm run fuzz`, a few thousand inputs with a fixed seed so a failure reproduces.
describe('fuzz (short run of npm run fuzz)', () => {
  it('finds no throw, hang or reasonless rejection in parseFrame over 3,000 inputs', () => {
    const summary = fuzzTarget('parse', { runs: 3000, seed: 20260414 });
    assert.equal(summary.failure, undefined, summary.failure);
    assert.equal(summary.runs, 3000);
    assert.ok(summary.rejected > 300, `only ${summary.rejected} rejections: the inputs are too tame`);
    assert.ok(summary.maxMs < MAX_MS_PER_INPUT);
  });

  it('finds no stray exception or silent corruption in decodeRecord over 2,000 inputs', () => {
    const summary = fuzzTarget('decode', { runs: 2000, seed: 20260414 });
    assert.equal(summary.failure, undefined, summary.failure);
    assert.equal(summary.silentCorruptions, 0, summary.corruptionExample);
    assert.equal(summary.runs, 2000);
    assert.ok(summary.rejected > 200);
  });

  it('catches a parser that throws or rejects without a reason', () => {
    const throwing = fuzzTarget('parse', {
      runs: 200,
      seed: 1,
      parse: (text) => {
        if (typeof text === 'string' && text.includes('|')) throw new TypeError('boom');
        return parseFrame(text);
      },
    });
    assert.match(throwing.failure ?? '', /boom/);
    const reasonless = fuzzTarget('parse', {
      runs: 200,
      seed: 1,
      parse: (text) => ({ ...parseFrame(text), reason: '' }) as ReturnType<typeof parseFrame>,
    });
    assert.match(reasonless.failure ?? '', /rejection without a reason|unexpected kind/);
  });

  it('catches a decoder that throws a foreign error or returns altered envelopes', () => {
    const foreign = fuzzTarget('decode', {
      runs: 200,
      seed: 1,
      decode: (bytes) => {
        if (bytes.length < 10) throw new RangeError('short');
        return decodeRecord(bytes);
      },
    });
    assert.match(foreign.failure ?? '', /decodeRecord threw RangeError: short/);
    const altering = fuzzTarget('decode', {
      runs: 200,
      seed: 1,
      decode: (bytes) => decodeRecord(bytes).map((e) => ({ ...e, seq: e.seq + 1 })),
    });
    assert.equal(altering.failure, undefined);
    assert.ok(altering.silentCorruptions > 0);
    assert.match(altering.corruptionExample ?? '', /^01[0-9a-f]+$/);
  });
});
