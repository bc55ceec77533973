/**
 * Capped exponential backoff with jitter, used for websocket reconnects and for
 * re-sending records Kinesis refused.
 *
 * Delay of attempt n (from 1): `min(max, base * 2^(n-1))`, then "equal jitter": a
 * uniform pick in [half, all] of it, so many tasks restarting together spread out
 * yet never retry sooner than half the nominal delay.
 *
 * @example
 * const backoff = new Backoff({ baseMs: 500, maxMs: 30_000 });
 * setTimeout(reconnect, backoff.next()); // ~250..500 ms, then ~500..1000 ms, ...
 * backoff.reset();                        // after a connection proved healthy
 */
export type BackoffOptions = {
  readonly baseMs: number;
  readonly maxMs: number;
  /** Source of randomness in [0, 1). @default Math.random */
  readonly random?: () => number;
};

export class Backoff {
  private attemptCount = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions) {
    if (!(options.baseMs > 0) || !(options.maxMs >= options.baseMs)) {
      throw new RangeError(`backoff needs 0 < baseMs <= maxMs, got ${options.baseMs} and ${options.maxMs}`);
    }
    this.random = options.random ?? Math.random;
  }

  /** Attempts since the last reset. */
  get attempts(): number {
    return this.attemptCount;
  }

  /** The delay before the next attempt, in ms; counts the attempt. */
  next(): number {
    this.attemptCount++;
    // 2^30 is far past any cap; stop the exponent there so it never overflows.
    const exponent = Math.min(this.attemptCount - 1, 30);
    const nominal = Math.min(this.options.maxMs, this.options.baseMs * 2 ** exponent);
    return Math.round(nominal / 2 + (this.random() * nominal) / 2);
  }

  reset(): void {
    this.attemptCount = 0;
  }
}
