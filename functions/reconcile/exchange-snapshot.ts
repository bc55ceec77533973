/**
 * Reconciliation against the exchange, the part with no AWS in it: fetch iboard's REST
 * snapshot of the exchanges and compare the caller's stored day totals with its
 * `nmTotalTradedQty` (`core/exchange-reconcile.ts`). Shared by the scheduled `reconcile`
 * function and `npm run reconcile -- --against exchange`.
 *
 * @example
 * const result = await reconcileAgainstExchange(
 *   [{ symbol: 'FPT', tradingDate: '2026-04-14', quantity: 3_733_300 }],
 *   { tradingDate: '2026-04-14', symbols: ['FPT'] },
 * );
 * result.mismatches.map(describeMismatch); // [] when every total agrees
 */
import {
  type ExchangeDayTotal,
  type ExchangeReconciliation,
  reconcileWithExchange,
  type StoredDayTotal,
} from '../../core/exchange-reconcile.ts';
import {
  SNAPSHOT_EXCHANGES,
  type SnapshotExchange,
  type SnapshotRejection,
} from '../../core/iboard/snapshot.ts';
import { SnapshotClient } from '../../ingest-task/snapshot-client.ts';

export type ExchangeReconcileOptions = {
  /** `YYYY-MM-DD` (ICT) of the stored day. */
  readonly tradingDate: string;
  /** The symbols that should have been stored (the ingest task's SYMBOLS, resolved); default: stored ∪ traded. */
  readonly symbols?: readonly string[];
  /** Exchanges to fetch. @default all three */
  readonly exchanges?: readonly SnapshotExchange[];
  /** @default a client of the live host */
  readonly client?: Pick<SnapshotClient, 'exchange'>;
};

export type ExchangeReconcileResult = ExchangeReconciliation & {
  /** Snapshot rows that could not be read (each with its reason). */
  readonly rejectedRows: readonly (SnapshotRejection & { readonly exchange: SnapshotExchange })[];
};

/**
 * Fetches the snapshots (a failed exchange throws `SnapshotRequestError`: a partial
 * answer would report false mismatches) and compares.
 */
export async function reconcileAgainstExchange(
  stored: readonly StoredDayTotal[],
  options: ExchangeReconcileOptions,
): Promise<ExchangeReconcileResult> {
  const client = options.client ?? new SnapshotClient();
  const exchanges = options.exchanges ?? SNAPSHOT_EXCHANGES;
  const snapshots = await Promise.all(exchanges.map((exchange) => client.exchange(exchange)));
  const totals: ExchangeDayTotal[] = [];
  const rejectedRows: ExchangeReconcileResult['rejectedRows'][number][] = [];
  snapshots.forEach((snapshot, i) => {
    for (const { frame, tradingDate } of snapshot.quotes) {
      totals.push({ symbol: frame.symbol, tradingDate, totalVolume: frame.totalVolume });
    }
    for (const rejection of snapshot.rejected) rejectedRows.push({ ...rejection, exchange: exchanges[i] });
  });
  const result = reconcileWithExchange(stored, totals, {
    tradingDate: options.tradingDate,
    symbols: options.symbols,
  });
  return { ...result, rejectedRows };
}
