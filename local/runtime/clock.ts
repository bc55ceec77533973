/**
 * The runtime's clock: real time, or a simulated clock that starts at a chosen instant
 * and runs N times faster, so the trading schedule can be exercised at any hour
 * (`npm start -- --simulate --clock-start 2026-04-14T08:58:00+07:00 --clock-speed 60`).
 *
 * Child processes (the ingest task) get the same clock through three environment
 * variables, read back by `core/clock.ts`: CLOCK_START (simulated epoch ms at the origin), CLOCK_ORIGIN (real epoch
 * ms of the origin) and CLOCK_SPEED, so that everywhere
 * `now = CLOCK_START + (Date.now() − CLOCK_ORIGIN) × CLOCK_SPEED`.
 *
 * @example
 * const clock = simulatedClock(Date.parse('2026-04-14T01:58:00Z'), 60);
 * clock.now(); // 01:58:00Z now, 01:59:00Z one real second later
 */
import { clockNow } from '../../core/clock.ts';
import { ENV } from '../../core/settings.ts';

export type Clock = {
  now(): number;
  /** Simulated milliseconds per real millisecond (1 for real time). */
  readonly speed: number;
  /** Real milliseconds until the clock shows `atMs` (0 if it already has). */
  realDelayUntil(atMs: number): number;
  readonly simulated: boolean;
  /** Environment variables that give a child process this clock (empty for real time). */
  readonly env: Readonly<Record<string, string>>;
};

export const realClock: Clock = {
  now: () => Date.now(),
  speed: 1,
  realDelayUntil: (atMs) => Math.max(0, atMs - Date.now()),
  simulated: false,
  env: {},
};

export function simulatedClock(
  startMs: number,
  speed = 1,
  options: { origin?: number; realNow?: () => number } = {},
): Clock {
  if (!Number.isFinite(startMs)) throw new RangeError('clock start must be a time');
  if (!(speed > 0)) throw new RangeError('clock speed must be greater than 0');
  const realNow = options.realNow ?? Date.now;
  const origin = options.origin ?? realNow();
  const now = clockNow({ start: startMs, origin, speed }, realNow);
  return {
    now,
    speed,
    realDelayUntil: (atMs) => Math.max(0, (atMs - now()) / speed),
    simulated: true,
    env: {
      [ENV.CLOCK_START]: String(startMs),
      [ENV.CLOCK_ORIGIN]: String(origin),
      [ENV.CLOCK_SPEED]: String(speed),
    },
  };
}
