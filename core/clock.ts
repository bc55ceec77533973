/**
 * The clock a deployable reads the trading calendar with: real time on AWS, or the
 * embedded runtime's simulated clock, handed over in three environment variables
 * (CLOCK_START: simulated time at the origin, epoch ms or ISO; CLOCK_ORIGIN: real epoch ms
 * of the origin; CLOCK_SPEED: simulated ms per real ms), so that everywhere
 * `now = CLOCK_START + (Date.now() − CLOCK_ORIGIN) × CLOCK_SPEED`.
 *
 * This is the one reader of those variables and the one place that formula is written:
 * the Lambdas, the ingest task, the simulator and the runtime's own clock all use it.
 *
 * @example
 * const now = clockFromEnv(process.env); // Date.now when CLOCK_START is unset
 * isMarketTradingAt(now());
 */
import { ConfigurationError } from './errors.ts';
import { ENV } from './settings.ts';

/** A simulated clock: it showed `start` at real time `origin` and runs `speed` times real time. */
export type ClockSetting = { readonly start: number; readonly origin: number; readonly speed: number };

/** Speeds the runtime can ask for (`--clock-speed`): slower than 1/1000 or faster than 100,000× is a typo. */
export const CLOCK_SPEED_RANGE = { min: 0.001, max: 100_000 } as const;

/** A clock variable with a value that is not a time or a speed; `setting` names the variable. */
export class ClockSettingError extends ConfigurationError {
  readonly code = 'CLOCK_SETTING_INVALID';
  constructor(
    setting: string,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(setting, `${setting}: ${problem}`, options);
    this.name = 'ClockSettingError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The simulated clock the environment describes, or undefined (real time) without
 * CLOCK_START. CLOCK_ORIGIN defaults to now, CLOCK_SPEED to 1.
 * @throws ClockSettingError naming the variable with a wrong value
 */
export function readClockSetting(env: Env, realNow: () => number = Date.now): ClockSetting | undefined {
  const start = timeOf(env, ENV.CLOCK_START);
  if (start === undefined) return undefined;
  const origin = timeOf(env, ENV.CLOCK_ORIGIN) ?? realNow();
  const speedText = env[ENV.CLOCK_SPEED]?.trim();
  const speed = speedText ? Number(speedText) : 1;
  if (!(speed >= CLOCK_SPEED_RANGE.min && speed <= CLOCK_SPEED_RANGE.max))
    throw new ClockSettingError(
      ENV.CLOCK_SPEED,
      `must be a number from ${CLOCK_SPEED_RANGE.min} to ${CLOCK_SPEED_RANGE.max}, got "${speedText}"`,
    );
  return { start, origin, speed };
}

/** `now()` of a clock setting; real time for undefined. */
export function clockNow(setting: ClockSetting | undefined, realNow: () => number = Date.now): () => number {
  if (!setting) return realNow;
  const { start, origin, speed } = setting;
  return () => start + (realNow() - origin) * speed;
}

/** `now()` of the clock the environment describes (see {@link readClockSetting}). */
export function clockFromEnv(env: Env): () => number {
  return clockNow(readClockSetting(env));
}

/** Epoch ms or an ISO date-time; undefined when unset or blank. */
function timeOf(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(value))
    throw new ClockSettingError(name, `must be epoch ms or an ISO date-time, got "${raw}"`);
  return value;
}
