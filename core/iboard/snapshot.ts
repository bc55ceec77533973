/**
 * iboard's whole-exchange REST snapshot (`GET /stock/exchange/<hose|hnx|upcom>` on
 * `iboard-query.ssi.com.vn`, spec "Other transports of the same market data"): the answer
 * `{"code":"SUCCESS","data":[...]}` becomes one {@link StockFrame} per instrument through
 * the SSI field mapping of `ssi-quote.ts`. An object that does not map is listed in
 * `rejected` with its reason, never dropped silently and never failing the others; an
 * answer that is not a snapshot at all throws {@link SnapshotFormatError}.
 *
 * @example
 * const { quotes, rejected } = parseExchangeSnapshot(JSON.parse(body));
 * quotes[0].frame.totalVolume; // the exchange's nmTotalTradedQty
 */
import { IngestError } from '../errors.ts';
import { type QuoteFrameResult, quoteToFrame } from './ssi-quote.ts';
import type { StockFrame } from './types.ts';

/** The exchanges the snapshot path names. */
export const SNAPSHOT_EXCHANGES = ['hose', 'hnx', 'upcom'] as const;
export type SnapshotExchange = (typeof SNAPSHOT_EXCHANGES)[number];

/** The answer is not `{ code: 'SUCCESS', data: [...] }`. */
export class SnapshotFormatError extends IngestError {
  readonly code = 'SNAPSHOT_FORMAT';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SnapshotFormatError';
  }
}

export type SnapshotQuote = { readonly frame: StockFrame; readonly tradingDate?: string };
export type SnapshotRejection = { readonly index: number; readonly reason: string; readonly symbol?: string };
export type ExchangeSnapshot = {
  readonly quotes: readonly SnapshotQuote[];
  readonly rejected: readonly SnapshotRejection[];
};

/** Parses a decoded snapshot answer. Throws {@link SnapshotFormatError} when it is not one. */
export function parseExchangeSnapshot(body: unknown): ExchangeSnapshot {
  if (typeof body !== 'object' || body === null) throw new SnapshotFormatError('answer is not a JSON object');
  const { code, data } = body as { code?: unknown; data?: unknown };
  if (code !== 'SUCCESS') {
    throw new SnapshotFormatError(`answer code is ${JSON.stringify(code) ?? 'missing'}, not "SUCCESS"`);
  }
  if (!Array.isArray(data)) throw new SnapshotFormatError('answer has no data array');
  const quotes: SnapshotQuote[] = [];
  const rejected: SnapshotRejection[] = [];
  data.forEach((item, index) => {
    const result: QuoteFrameResult = quoteToFrame(item);
    if (result.ok) {
      quotes.push(
        result.tradingDate === undefined
          ? { frame: result.frame }
          : { frame: result.frame, tradingDate: result.tradingDate },
      );
    } else {
      rejected.push(
        result.symbol === undefined
          ? { index, reason: result.reason }
          : { index, reason: result.reason, symbol: result.symbol },
      );
    }
  });
  return { quotes, rejected };
}
