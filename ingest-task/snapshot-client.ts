/**
 * HTTP client for iboard's whole-exchange REST snapshot (`GET <base>/stock/exchange/<hose|hnx|upcom>`),
 * shared by the ingest task's fallback poller and the reconciliation (Lambda and script).
 * The answer is parsed by `core/iboard/snapshot.ts`; this file only does the request.
 *
 * - Headers: a browser User-Agent (the server refuses library ones) and iboard's own
 *   `Origin`/`Referer` (spec: "may want" them).
 * - A timeout per attempt; retries with exponential backoff (p-retry) on network errors,
 *   timeouts, HTTP 5xx and 429, never on another 4xx (a 403 will not heal by retrying).
 * - Failure: {@link SnapshotRequestError} naming the URL, the HTTP status (when there was
 *   one) and the attempts.
 *
 * @example
 * const client = new SnapshotClient({ baseUrl: DEFAULT_SNAPSHOT_URL });
 * const { quotes } = await client.exchange('hose'); // ~400 instruments
 */

import pRetry, { AbortError } from 'p-retry';
import { IngestError } from '../core/errors.ts';
import { BROWSER_USER_AGENT, IBOARD_ORIGIN } from '../core/iboard/browser-headers.ts';
import {
  type ExchangeSnapshot,
  parseExchangeSnapshot,
  type SnapshotExchange,
  SnapshotFormatError,
} from '../core/iboard/snapshot.ts';

/** The live REST host (spec, 2026). */
export const DEFAULT_SNAPSHOT_URL = 'https://iboard-query.ssi.com.vn';
export { IBOARD_ORIGIN };

/** A snapshot request that failed for good. `status` is absent when no HTTP answer came. */
export class SnapshotRequestError extends IngestError {
  readonly code = 'SNAPSHOT_REQUEST_FAILED';
  constructor(
    readonly url: string,
    readonly status: number | undefined,
    readonly attempts: number,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(
      `GET ${url} failed${status === undefined ? '' : ` with HTTP ${status}`} after ${attempts} attempt(s): ${problem}`,
      options,
    );
    this.name = 'SnapshotRequestError';
  }
}

export type SnapshotClientOptions = {
  /** Scheme and host (and optional path prefix) before `/stock/exchange/...`. @default DEFAULT_SNAPSHOT_URL */
  readonly baseUrl?: string;
  /** Per attempt; a whole exchange takes ~1 s live (spec). @default 10000 */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. @default 2 */
  readonly retries?: number;
  /** First retry delay, doubling up to 8x. @default 500 */
  readonly retryBaseMs?: number;
  readonly userAgent?: string;
};

/** Errors worth a retry: no answer, or an answer that says "later". */
function retryable(status: number): boolean {
  return status >= 500 || status === 429;
}

export class SnapshotClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly retryBaseMs: number;
  private readonly userAgent: string;

  constructor(options: SnapshotClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? DEFAULT_SNAPSHOT_URL).replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retries = options.retries ?? 2;
    this.retryBaseMs = options.retryBaseMs ?? 500;
    this.userAgent = options.userAgent ?? BROWSER_USER_AGENT;
  }

  /** The URL of one exchange's snapshot. */
  urlOf(exchange: SnapshotExchange): string {
    return `${this.baseUrl}/stock/exchange/${exchange}`;
  }

  /** One exchange's snapshot, parsed. Throws {@link SnapshotRequestError}. */
  async exchange(exchange: SnapshotExchange): Promise<ExchangeSnapshot> {
    const url = this.urlOf(exchange);
    let attempts = 0;
    try {
      return await pRetry(
        async () => {
          attempts++;
          return this.once(url);
        },
        {
          retries: this.retries,
          minTimeout: this.retryBaseMs,
          maxTimeout: this.retryBaseMs * 8,
          factor: 2,
          randomize: true,
        },
      );
    } catch (error) {
      if (error instanceof SnapshotRequestError) {
        throw new SnapshotRequestError(url, error.status, attempts, error.problem, { cause: error.cause });
      }
      throw new SnapshotRequestError(url, undefined, attempts, causeText(error), { cause: error });
    }
  }

  private async once(url: string): Promise<ExchangeSnapshot> {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          'User-Agent': this.userAgent,
          Accept: 'application/json',
          Origin: IBOARD_ORIGIN,
          Referer: `${IBOARD_ORIGIN}/`,
        },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const err = error as Error;
      const problem = err.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : causeText(err);
      throw new SnapshotRequestError(url, undefined, 1, problem, { cause: error });
    }
    if (!response.ok) {
      const text = (await response.text().catch(() => '')).slice(0, 200);
      const failure = new SnapshotRequestError(url, response.status, 1, text || response.statusText);
      if (retryable(response.status)) throw failure;
      throw new AbortError(failure);
    }
    try {
      return parseExchangeSnapshot(await response.json());
    } catch (error) {
      // A body that is not a snapshot will not become one on retry.
      const problem =
        error instanceof SnapshotFormatError ? error.message : `body is not JSON: ${causeText(error)}`;
      throw new AbortError(new SnapshotRequestError(url, response.status, 1, problem, { cause: error }));
    }
  }
}

/** The innermost message of an error chain (fetch hides `ECONNREFUSED` in its cause). */
function causeText(error: unknown): string {
  const err = error as Error & { cause?: unknown };
  const cause = err?.cause as (Error & { code?: string }) | undefined;
  if (cause?.message) return `${err.message} (${cause.code ?? cause.message})`;
  return err?.message ?? String(error);
}
