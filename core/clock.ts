/**
 * The clock a deployable reads the trading calendar with: real time on AWS, or the
 * embedded runtime's simulated clock, handed over in three environment variables
 * (CLOCK_START: simulated epoch ms at the origin; CLOCK_ORIGIN: real epoch ms of the
 * origin; CLOCK_SPEED: simulated ms per real ms), so that everywhere
 * `now = CLOCK_START + (Date.now() − CLOCK_ORIGIN) × CLOCK_SPEED`.
 *
 * @example
 * const now = clockFromEnv(process.env); // Date.now when CLOCK_START is unset
 * isMarketTradingAt(now());
 */
import { ENV } from './settings.ts';

export function clockFromEnv(env: Readonly<Record<string, string | undefined>>): () => number {
  const start = Number(env[ENV.CLOCK_START]);
  if (!env[ENV.CLOCK_START] || !Number.isFinite(start)) return Date.now;
  const originSetting = Number(env[ENV.CLOCK_ORIGIN]);
  const origin = env[ENV.CLOCK_ORIGIN] && Number.isFinite(originSetting) ? originSetting : Date.now();
  const speedSetting = Number(env[ENV.CLOCK_SPEED] ?? 1);
  const speed = speedSetting > 0 ? speedSetting : 1;
  return () => start + (Date.now() - origin) * speed;
}
