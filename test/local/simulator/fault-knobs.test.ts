import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFrame } from '../../../core/iboard/parse-frame.ts';
import { createRandom } from '../../../core/random.ts';
import {
  BROWSER_USER_AGENT,
  FaultSettingError,
  Faults,
  isLibraryUserAgent,
} from '../../../local/simulator/fault-knobs.ts';
import { malformedFrame } from '../../../local/simulator/malformed.ts';
import { SyntheticMarket } from '../../../local/simulator/synthetic-market.ts';

describe('isLibraryUserAgent', () => {
  it('flags missing and library User-Agents, not browsers', () => {
    for (const ua of [
      undefined,
      '',
      'node',
      'node-fetch/1.0',
      'ws/8',
      'undici',
      'Python/3.12 aiohttp',
      'python-requests/2',
      'Go-http-client/1.1',
      'curl/8.5.0',
    ]) {
      assert.equal(isLibraryUserAgent(ua), true, String(ua));
    }
    assert.equal(isLibraryUserAgent(BROWSER_USER_AGENT), false);
    assert.equal(
      isLibraryUserAgent('Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'),
      false,
    );
  });
});

describe('Faults', () => {
  it('draws altered frames at their rates, extra field first, and validates the knobs', () => {
    const faults = new Faults({ extraFieldRate: 0.1, junkFieldRate: 0.2 });
    assert.equal(faults.alteredKind(0.05), 'extra-field');
    assert.equal(faults.alteredKind(0.25), 'junk-field');
    assert.equal(faults.alteredKind(0.35), undefined);
    assert.throws(() => faults.set({ junkFieldRate: 1.5 }), /junkFieldRate: must be within 0..1/);
    assert.throws(() => faults.set({ extraFieldRate: 0.9, junkFieldRate: 0.2 }), /must not exceed 1/);
    assert.throws(() => faults.set({ serverTimeSkewMs: 120_000 }), /serverTimeSkewMs: must be whole ms/);
    faults.set({ serverTimeSkewMs: -1500 });
    assert.equal(faults.get().serverTimeSkewMs, -1500);
  });

  it('turns durations into deadlines on its clock', () => {
    let now = 1000;
    const faults = new Faults({ silenceSeconds: 2 }, () => now);
    assert.equal(faults.isSilent(), true);
    now = 2999;
    assert.equal(faults.isSilent(), true);
    now = 3000;
    assert.equal(faults.isSilent(), false);
    faults.refuse(1, 'reset');
    assert.equal(faults.refusal(), 'reset');
    now = 4000;
    assert.equal(faults.refusal(), undefined);
  });

  it('rejects impossible values, naming the option', () => {
    const faults = new Faults();
    for (const [update, option] of [
      [{ closeAfterFrames: 0 }, 'closeAfterFrames'],
      [{ malformedRate: 2 }, 'malformedRate'],
      [{ malformedKinds: ['nope'] }, 'malformedKinds'],
      [{ closeCode: 1006 }, 'closeCode'],
      [{ silenceSeconds: -1 }, 'silenceSeconds'],
    ] as const) {
      assert.throws(
        () => faults.set(update as never),
        (e: unknown) => e instanceof FaultSettingError && e.option === option,
      );
    }
    assert.equal(faults.get().closeAfterFrames, undefined, 'a rejected update changes nothing');
  });

  it('draws malformed kinds in turn at the given rate', () => {
    const faults = new Faults({ malformedRate: 0.5, malformedKinds: ['garbage', 'binary'] });
    assert.equal(faults.malformedBefore(0.7), undefined);
    assert.equal(faults.malformedBefore(0.1), 'garbage');
    assert.equal(faults.malformedBefore(0.1), 'binary');
    faults.set({ malformedRate: undefined });
    assert.equal(faults.malformedBefore(0), undefined);
  });
});

describe('malformedFrame', () => {
  const raw = new SyntheticMarket({ seed: 1, symbols: 5 }).nextFrame()!.raw;
  const random = createRandom(1);

  it('builds frames the parser rejects', () => {
    for (let i = 0; i < 20; i++) {
      for (const kind of ['field-count', 'garbage', 'oversized'] as const) {
        const frame = malformedFrame(kind, raw, random, 300_000);
        assert.equal(frame.binary, false);
        assert.equal(
          parseFrame(frame.data as string).kind,
          'rejected',
          `${kind}: ${String(frame.data).slice(0, 80)}`,
        );
      }
    }
    const v1 = new SyntheticMarket({ seed: 1, symbols: 5, generation: 'v1' }).nextFrame()!.raw;
    assert.equal(parseFrame(malformedFrame('field-count', v1, random, 1).data as string).kind, 'rejected');
  });

  it('makes binary and oversized frames of the asked size', () => {
    const binary = malformedFrame('binary', raw, random, 1);
    assert.equal(binary.binary, true);
    assert.ok(Buffer.isBuffer(binary.data));
    assert.equal((malformedFrame('oversized', raw, random, 1024 * 1024).data as string).length, 1024 * 1024);
  });
});
