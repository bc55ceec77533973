/**
 * Which store errors may pass on their own (retry later) and which will not (fail the
 * invocation). Transient: throttling and capacity errors, timeouts, 5xx, dropped
 * connections, and for CQL the coordinator's timeout/unavailable/overloaded answers.
 *
 * @example
 * try { await client.send(command); } catch (error) { if (!isTransient(error)) throw error; ... }
 */
import { backoffDelay } from '../../../core/backoff.ts';

const TRANSIENT_NAMES = new Set([
  // DynamoDB / AWS SDK
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  // cassandra-driver
  'NoHostAvailableError',
  'OperationTimedOutError',
  'BusyConnectionError',
]);

const TRANSIENT_SYSTEM_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
]);

/**
 * CQL protocol error codes that are worth a retry: server error, overloaded, is
 * bootstrapping, unavailable, write timeout, read timeout.
 */
const TRANSIENT_CQL_CODES = new Set([0x0000, 0x1001, 0x1002, 0x1000, 0x1100, 0x1200]);

type ErrorShape = {
  name?: string;
  code?: unknown;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
};

export function isTransient(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as ErrorShape;
  if (e.name && TRANSIENT_NAMES.has(e.name)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500) return true;
  if (typeof e.code === 'string' && TRANSIENT_SYSTEM_CODES.has(e.code)) return true;
  if (e.name === 'ResponseError' && typeof e.code === 'number' && TRANSIENT_CQL_CODES.has(e.code))
    return true;
  return e.cause !== undefined && e.cause !== error ? isTransient(e.cause) : false;
}

/** Runs `fn` on every item with at most `limit` calls in flight; resolves in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export type Backoff = {
  /** Delay before retry number `attempt` (1-based). */
  delayMs(attempt: number): number;
  readonly maxAttempts: number;
};

/**
 * Exponential backoff with "equal jitter" (core/backoff.ts), so concurrent writers spread
 * out. 25 ms doubling up to 1 s over 8 attempts bounds a batch's wait to ~3 s, well
 * inside a Lambda timeout.
 */
export function exponentialBackoff(
  baseMs = 25,
  capMs = 1000,
  maxAttempts = 8,
  random = Math.random,
): Backoff {
  return {
    maxAttempts,
    delayMs: (attempt) => backoffDelay(attempt, { baseMs, maxMs: capMs, random }),
  };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
