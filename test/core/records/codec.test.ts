import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeRecord, type Envelope, encodeRecord, RecordDecodeError } from '../../../core/records/index.ts';

const FPT_V2 =
  'MAIN|S#FPT|76300|11800|76200|26400|76100|16500||||||||||||||||76400|61200|76500|23500|76600|36700||||||||||||||||76400|1000|77200|hose|76200|76679.65|81543|6246588100|1375466|105425698200|400|0.53|3733300|286268130000|||||81300|70700|76000||||276457777|s|N|||||1703507121||77000|||||||||||||||||||||77000|93100|1000|1.32|1776132899614|1776148328137';

function envelope(seq: number, raw = FPT_V2, connectionId = 'c1'): Envelope {
  return { raw, receivedAt: 1776148328337 + seq, connectionId, seq };
}

const arbitraryEnvelope = fc.record({
  raw: fc.string({ unit: 'binary', maxLength: 600 }),
  receivedAt: fc.integer({ min: 0, max: 2 ** 47 }),
  connectionId: fc.string({ maxLength: 40 }),
  seq: fc.nat(),
});

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof RecordDecodeError, `expected RecordDecodeError, got ${error}`);
    assert.ok(error.message.length > 0);
    return error.code;
  }
  return undefined;
}

describe('encodeRecord / decodeRecord', () => {
  it('round-trips envelopes from several connections in order', () => {
    const envelopes = [envelope(0), envelope(1, 'I#VN30|1300.5'), envelope(0, 'Subscribed x', 'c2')];
    assert.deepEqual(decodeRecord(encodeRecord(envelopes)), envelopes);
  });

  it('round-trips an empty record', () => {
    assert.deepEqual(decodeRecord(encodeRecord([])), []);
  });

  it('round-trips any envelopes (property)', () => {
    fc.assert(
      fc.property(fc.array(arbitraryEnvelope, { maxLength: 30 }), (generated) => {
        const envelopes = generated.map((e) => ({ ...e }));
        assert.deepEqual(decodeRecord(encodeRecord(envelopes)), envelopes);
      }),
      { numRuns: 300 },
    );
  });

  it('compresses realistic frames several times over', () => {
    const envelopes = Array.from({ length: 200 }, (_, i) =>
      envelope(i, FPT_V2.replace('3733300', String(3733300 + i))),
    );
    const raw = envelopes.reduce((sum, e) => sum + e.raw.length, 0);
    assert.ok(encodeRecord(envelopes).length * 5 < raw);
  });

  it('starts with the format version byte', () => {
    assert.equal(encodeRecord([envelope(0)])[0], 1);
  });

  it('rejects empty data, an unknown version, corruption and truncation with a code', () => {
    const good = encodeRecord([envelope(0), envelope(1)]);
    assert.equal(
      codeOf(() => decodeRecord(new Uint8Array())),
      'RECORD_EMPTY',
    );
    const future = good.slice();
    future[0] = 2;
    assert.equal(
      codeOf(() => decodeRecord(future)),
      'RECORD_UNKNOWN_VERSION',
    );
    const flipped = good.slice();
    flipped[Math.floor(good.length / 2)] ^= 0xff;
    assert.match(codeOf(() => decodeRecord(flipped)) ?? '', /RECORD_(CORRUPT|TRUNCATED|MALFORMED)/);
    assert.equal(
      codeOf(() => decodeRecord(good.subarray(0, good.length - 3))),
      'RECORD_TRUNCATED',
    );
  });

  it('never returns part of a record: every truncation and bit flip either throws or decodes whole (property)', () => {
    const original = [envelope(0), envelope(1), envelope(2)];
    const good = encodeRecord(original);
    fc.assert(
      fc.property(fc.nat({ max: good.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, mask) => {
        const damaged = good.slice();
        damaged[at] ^= mask;
        // A flip in the unused padding bits of deflate's last byte changes nothing:
        // then the whole original must come back.
        let decoded: unknown;
        const code = codeOf(() => {
          decoded = decodeRecord(damaged);
        });
        if (code === undefined)
          assert.deepEqual(decoded, original, `flip at ${at} changed the data undetected`);
        assert.notEqual(
          codeOf(() => decodeRecord(good.subarray(0, at))),
          undefined,
        );
      }),
      { numRuns: 500 },
    );
  });
});
