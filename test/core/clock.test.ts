import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clockFromEnv } from '../../core/clock.ts';

describe('clockFromEnv', () => {
  it('is real time without CLOCK_START', () => {
    assert.equal(clockFromEnv({}), Date.now);
  });

  it('runs the simulated clock from its origin at its speed', () => {
    const origin = Date.now() - 1_000;
    const start = Date.parse('2026-04-14T01:59:00Z');
    const now = clockFromEnv({
      CLOCK_START: String(start),
      CLOCK_ORIGIN: String(origin),
      CLOCK_SPEED: '60',
    })();
    // One real second (and a little) after the origin at 60x is a minute (and a little) later.
    assert.ok(now >= start + 60_000 && now < start + 120_000, `got ${new Date(now).toISOString()}`);
  });
});
