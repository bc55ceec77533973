/**
 * Reconciliation against the exchange: the stored day of each symbol (the sum of its
 * trades-table rows' `quantity`, every kind together: trade, opening, pre-existing, gap,
 * correction) must equal the exchange's cumulative matched volume of that day
 * (`nmTotalTradedQty` of iboard's REST snapshot, the same quantity as field 54). A symbol
 * whose figures differ is named with both.
 *
 * Which symbols are checked: the `symbols` given (what the ingest task subscribed to),
 * else every stored symbol and every symbol the exchange shows as traded. A symbol the
 * snapshot does not list (derivatives, a delisting) cannot be checked and is listed as
 * such, not counted as a mismatch. A snapshot row of another trading date (the exchange
 * has not opened the day yet, or the run is late) is not compared either: `otherDate`.
 *
 * @example
 * const result = reconcileWithExchange(
 *   [{ symbol: 'FPT', tradingDate: '2026-04-14', quantity: 3_733_000 }],
 *   [{ symbol: 'FPT', tradingDate: '2026-04-14', totalVolume: 3_733_300 }],
 *   { tradingDate: '2026-04-14' },
 * );
 * result.mismatches; // [{ symbol: 'FPT', stored: 3733000, exchange: 3733300, difference: -300 }]
 * describeMismatch(result.mismatches[0]); // 'FPT: stored 3,733,000, exchange 3,733,300 (-300)'
 */

/** A symbol's stored day: the sum of its trades rows' quantity (all kinds). */
export type StoredDayTotal = {
  readonly symbol: string;
  /** `YYYY-MM-DD`, ICT. */
  readonly tradingDate: string;
  readonly quantity: number;
};

/** The exchange's figure for a symbol (a snapshot row). */
export type ExchangeDayTotal = {
  readonly symbol: string;
  /** `YYYY-MM-DD`; absent when the snapshot did not say. */
  readonly tradingDate?: string;
  /** `nmTotalTradedQty`; absent when the snapshot did not give it (0 before the first match). */
  readonly totalVolume?: number;
};

export type TotalMismatch = {
  readonly symbol: string;
  readonly stored: number;
  readonly exchange: number;
  /** stored − exchange: negative when we hold less than the exchange traded. */
  readonly difference: number;
};

export type ExchangeReconciliation = {
  readonly tradingDate: string;
  /** Symbols compared. */
  readonly checked: number;
  readonly agreeing: number;
  /** Sorted by the size of the difference, largest first. */
  readonly mismatches: readonly TotalMismatch[];
  /** Symbols to check that the snapshot does not list. */
  readonly notInSnapshot: readonly string[];
  /** Symbols whose snapshot row is of another trading date. */
  readonly otherDate: readonly string[];
  /** Sums over the checked symbols. */
  readonly storedVolume: number;
  readonly exchangeVolume: number;
};

export type ReconcileOptions = {
  /** The day to check, `YYYY-MM-DD`. */
  readonly tradingDate: string;
  /** The symbols that should have been stored; default: stored ∪ traded on the exchange. */
  readonly symbols?: readonly string[];
};

/** Compares stored day totals with the exchange's. Pure; stored rows of other dates are ignored. */
export function reconcileWithExchange(
  stored: readonly StoredDayTotal[],
  exchange: readonly ExchangeDayTotal[],
  options: ReconcileOptions,
): ExchangeReconciliation {
  const { tradingDate } = options;
  const storedBySymbol = new Map<string, number>();
  for (const row of stored) {
    if (row.tradingDate !== tradingDate) continue;
    storedBySymbol.set(row.symbol, (storedBySymbol.get(row.symbol) ?? 0) + row.quantity);
  }
  const exchangeBySymbol = new Map<string, ExchangeDayTotal>();
  for (const row of exchange) exchangeBySymbol.set(row.symbol, row);
  const symbols =
    options.symbols ??
    [
      ...new Set([
        ...storedBySymbol.keys(),
        ...exchange
          .filter((r) => (r.totalVolume ?? 0) > 0 && r.tradingDate !== undefined)
          .map((r) => r.symbol),
      ]),
    ].sort();

  const mismatches: TotalMismatch[] = [];
  const notInSnapshot: string[] = [];
  const otherDate: string[] = [];
  let checked = 0;
  let storedVolume = 0;
  let exchangeVolume = 0;
  for (const symbol of new Set(symbols)) {
    const row = exchangeBySymbol.get(symbol);
    if (!row) {
      notInSnapshot.push(symbol);
      continue;
    }
    if (row.tradingDate !== undefined && row.tradingDate !== tradingDate) {
      otherDate.push(symbol);
      continue;
    }
    const ours = storedBySymbol.get(symbol) ?? 0;
    const theirs = row.totalVolume ?? 0;
    checked++;
    storedVolume += ours;
    exchangeVolume += theirs;
    if (ours !== theirs)
      mismatches.push({ symbol, stored: ours, exchange: theirs, difference: ours - theirs });
  }
  mismatches.sort(
    (a, b) => Math.abs(b.difference) - Math.abs(a.difference) || a.symbol.localeCompare(b.symbol),
  );
  return {
    tradingDate,
    checked,
    agreeing: checked - mismatches.length,
    mismatches,
    notInSnapshot,
    otherDate,
    storedVolume,
    exchangeVolume,
  };
}

/** `FPT: stored 3,733,000, exchange 3,733,300 (-300)`. */
export function describeMismatch(m: TotalMismatch): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const sign = m.difference > 0 ? '+' : '';
  return `${m.symbol}: stored ${n(m.stored)}, exchange ${n(m.exchange)} (${sign}${n(m.difference)})`;
}
