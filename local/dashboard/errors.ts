/**
 * Errors of the dashboard's read API. Each carries a stable `code` (the `error` field of
 * the JSON body) and the HTTP status it is answered with; `reason` is the sentence a
 * person reads.
 *
 * | code | status | when |
 * |---|---|---|
 * | `BAD_SYMBOL` | 400 | the symbol is not 1–20 letters/digits |
 * | `UNKNOWN_SYMBOL` | 400 | not in the symbol list nor in the quotes table (close matches named) |
 * | `BAD_DATE` | 400 | not a real `YYYY-MM-DD` date |
 * | `BAD_TIME` | 400 | `from`/`to` not `HH:MM` |
 * | `BAD_RANGE` | 400 | `from` after `to` |
 * | `BAD_LIMIT` | 400 | `limit` not an integer in its range |
 * | `BAD_QUERY` | 400 | another query parameter is malformed |
 * | `NOT_FOUND` | 404 | no such route or file |
 * | `METHOD_NOT_ALLOWED` | 405 | anything but GET/HEAD |
 * | `STORE_UNAVAILABLE` | 503 | DynamoDB unreachable or a table missing |
 */
import { LocalRuntimeError } from '../../core/errors.ts';

export const DASHBOARD_ERROR_CODES = {
  BAD_SYMBOL: 'BAD_SYMBOL',
  UNKNOWN_SYMBOL: 'UNKNOWN_SYMBOL',
  BAD_DATE: 'BAD_DATE',
  BAD_TIME: 'BAD_TIME',
  BAD_RANGE: 'BAD_RANGE',
  BAD_LIMIT: 'BAD_LIMIT',
  BAD_QUERY: 'BAD_QUERY',
  NOT_FOUND: 'NOT_FOUND',
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  STORE_UNAVAILABLE: 'STORE_UNAVAILABLE',
} as const;

export type DashboardErrorCode = (typeof DASHBOARD_ERROR_CODES)[keyof typeof DASHBOARD_ERROR_CODES];

/** An error answered to the client as `{ error: code, reason, ...details }`. */
export class DashboardRequestError extends LocalRuntimeError {
  constructor(
    readonly code: DashboardErrorCode,
    readonly status: number,
    readonly reason: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: ErrorOptions,
  ) {
    super(reason, options);
    this.name = 'DashboardRequestError';
  }

  toBody(): Record<string, unknown> {
    return { error: this.code, reason: this.reason, ...this.details };
  }
}

/** A 400 for malformed input. */
export class DashboardInputError extends DashboardRequestError {
  constructor(
    code: DashboardErrorCode,
    reason: string,
    details: Readonly<Record<string, unknown>> = {},
    options?: ErrorOptions,
  ) {
    super(code, 400, reason, details, options);
    this.name = 'DashboardInputError';
  }
}

/** A 503: the tables cannot be read (endpoint down, table missing). */
export class StoreUnavailableError extends DashboardRequestError {
  constructor(reason: string, options?: ErrorOptions) {
    super(DASHBOARD_ERROR_CODES.STORE_UNAVAILABLE, 503, reason, {}, options);
    this.name = 'StoreUnavailableError';
  }
}
