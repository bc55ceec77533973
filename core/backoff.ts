/**
 * Capped exponential backoff, with "equal jitter" unless told otherwise: the one retry
 * schedule of the codebase (websocket reconnects, records Kinesis refused, DynamoDB
 * unprocessed items, the runtime's restarts and shard pollers).
 *
 * Delay of attempt n (from 1): `min(max, base * 2^(n-1))`, then "equal jitter": a
 * uniform pick in [half, all] of it, so many clients retrying together spread out
 * yet never retry sooner than half the nominal delay. `jitter: 'none'` keeps the nominal
 * delay, for a single local process where nothing competes.
 *
 * Not p-retry: it wraps one promise-returning call, while these retries are driven by
 * events (a socket's close, a partial PutRecords answer, unprocessed items to re-send),
 * and its delays (`retry`'s randomize) stretch up to twice the nominal instead of
 * staying within it.
 *
 * @example
 * backoffDelay(3, { baseMs: 100, maxMs: 5_000, jitter: 'none' }); // 400
 * const backoff = new Backoff({ baseMs: 500, maxMs: 30_000 });
 * setTimeout(reconnect, backoff.next()); // ~250..500 ms, then ~500..1000 ms, ...
 * backoff.reset();                        // after a connection proved healthy
 */
export type BackoffOptions = {
  readonly baseMs: number;
  readonly maxMs: number;
  /** `equal`: a uniform pick in [half, all] of the nominal delay; `none`: the nominal delay. @default 'equal' */
  readonly jitter?: 'equal' | 'none';
  /** Source of randomness in [0, 1). @default Math.random */
  readonly random?: () => number;
};

/** The delay before attempt `attempt` (1-based), in whole ms. */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  // 2^30 is far past any cap; stop the exponent there so it never overflows.
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const nominal = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  if (options.jitter === 'none') return nominal;
  const random = options.random ?? Math.random;
  return Math.round(nominal / 2 + (random() * nominal) / 2);
}

/** {@link backoffDelay} with the attempt count kept: `next()` after each failure, `reset()` after a success. */
export class Backoff {
  private attemptCount = 0;

  constructor(private readonly options: BackoffOptions) {
    if (!(options.baseMs > 0) || !(options.maxMs >= options.baseMs)) {
      throw new RangeError(`backoff needs 0 < baseMs <= maxMs, got ${options.baseMs} and ${options.maxMs}`);
    }
  }

  /** Attempts since the last reset. */
  get attempts(): number {
    return this.attemptCount;
  }

  /** The delay before the next attempt, in ms; counts the attempt. */
  next(): number {
    this.attemptCount++;
    return backoffDelay(this.attemptCount, this.options);
  }

  reset(): void {
    this.attemptCount = 0;
  }
}
