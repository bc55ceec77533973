import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { encodeRecord } from '../../../core/records/index.ts';
import { countFrames } from '../../../local/runtime/frame-count.ts';

const envelope = (i: number, raw: string) => ({
  raw,
  receivedAt: 1_776_148_328_337 + i,
  connectionId: 'c1',
  seq: i,
});

describe('countFrames', () => {
  it('reads the count from the head of small and large records', () => {
    for (const n of [1, 7, 300, 5_000]) {
      const record = encodeRecord(
        Array.from({ length: n }, (_, i) =>
          envelope(i, `MAIN|S#SYM${i % 50}|${randomBytes(40).toString('hex')}`),
        ),
      );
      assert.equal(countFrames(record), n);
    }
  });

  it('throws on a record that is not one, as a full decode would', () => {
    assert.throws(() => countFrames(new Uint8Array([9, 1, 2, 3])), /version 9/);
  });
});
