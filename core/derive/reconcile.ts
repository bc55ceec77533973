/**
 * Reconciliation: does each symbol-day of the trades table add up to the exchange's total?
 *
 * The exchange total of a symbol-day is its cumulative matched volume (field 54) as last
 * seen: the quote's checkpoint when the quote is of that day, else the last row's
 * `cumVolume` (what the derivation last applied), or a reference from outside (the
 * simulator's ledger, the exchange's own snapshot). The stored side is the sum of the
 * rows' quantities, split by `kind`. Pure: the callers read the tables.
 *
 * @example
 * const totals = sumTrades(rows);                       // rows of one or more days
 * const report = reconcile(totals, referenceTotals);   // per symbol-day, agreeing or not
 * for (const line of formatReconciliation(report)) console.log(line);
 */
import { TRADE_KINDS, type TradeKind } from './types.ts';

/** The attributes of a trades row that reconciliation reads. */
export type TradeRowLike = {
  readonly symbol: string;
  readonly tradingDate: string;
  readonly kind?: TradeKind;
  readonly quantity: number;
  readonly cumVolume: number;
  readonly sk: string;
};

export type VolumeByKind = Record<TradeKind, number>;

/** One symbol-day as stored. */
export type StoredDay = {
  readonly symbol: string;
  readonly tradingDate: string;
  readonly rows: number;
  readonly stored: number;
  readonly byKind: VolumeByKind;
  /** `cumVolume` of the day's last row (by sort key). */
  readonly lastCumVolume: number;
};

/** Where the exchange figure of a symbol-day came from. */
export type ReferenceSource = 'quote' | 'last-row' | 'ledger' | 'exchange';
export type Reference = { readonly total: number; readonly source: ReferenceSource };

export type ReconciledDay = StoredDay & {
  readonly exchange: number;
  readonly source: ReferenceSource;
  readonly agrees: boolean;
};

export type Reconciliation = {
  readonly days: readonly ReconciledDay[];
  readonly symbols: number;
  readonly agreeing: number;
  readonly volume: number;
  /** Share of the stored volume in `trade` and `opening` rows (seen as it happened), 0..1. */
  readonly seenShare: number;
  readonly byKind: VolumeByKind;
};

export function emptyByKind(): VolumeByKind {
  return { trade: 0, opening: 0, 'pre-existing': 0, gap: 0, correction: 0 };
}

/** `SYMBOL#YYYY-MM-DD`: the key of a symbol-day (the trades table's partition key). */
export function symbolDay(symbol: string, tradingDate: string): string {
  return `${symbol}#${tradingDate}`;
}

/** Sums rows per symbol-day (rows in any order); a row without a kind (written before kinds existed) counts as `trade`. */
export function sumTrades(rows: Iterable<TradeRowLike>): Map<string, StoredDay> {
  const days = new Map<string, StoredDay & { lastSk: string }>();
  for (const row of rows) {
    const key = symbolDay(row.symbol, row.tradingDate);
    let day = days.get(key);
    if (!day) {
      day = {
        symbol: row.symbol,
        tradingDate: row.tradingDate,
        rows: 0,
        stored: 0,
        byKind: emptyByKind(),
        lastCumVolume: 0,
        lastSk: '',
      };
      days.set(key, day);
    }
    const mutable = day as { -readonly [K in keyof typeof day]: (typeof day)[K] };
    mutable.rows++;
    mutable.stored += row.quantity;
    mutable.byKind[row.kind ?? TRADE_KINDS.TRADE] += row.quantity;
    if (row.sk > day.lastSk) {
      mutable.lastSk = row.sk;
      mutable.lastCumVolume = row.cumVolume;
    }
  }
  const out = new Map<string, StoredDay>();
  for (const [key, { lastSk: _, ...day }] of days) out.set(key, day);
  return out;
}

/**
 * Compares each stored symbol-day with its reference (by `symbolDay` key); a day without a
 * reference is compared with its last row. A reference without stored rows is a day whose
 * volume is missing entirely (unless that volume is 0).
 */
export function reconcile(
  stored: ReadonlyMap<string, StoredDay>,
  references: ReadonlyMap<string, Reference> = new Map(),
): Reconciliation {
  const days: ReconciledDay[] = [];
  const byKind = emptyByKind();
  for (const [key, day] of stored) {
    const reference = references.get(key) ?? { total: day.lastCumVolume, source: 'last-row' as const };
    days.push({
      ...day,
      exchange: reference.total,
      source: reference.source,
      agrees: day.stored === reference.total,
    });
    for (const kind of Object.values(TRADE_KINDS)) byKind[kind] += day.byKind[kind];
  }
  for (const [key, reference] of references) {
    if (stored.has(key) || reference.total === 0) continue;
    const [symbol, tradingDate] = key.split('#');
    days.push({
      symbol,
      tradingDate,
      rows: 0,
      stored: 0,
      byKind: emptyByKind(),
      lastCumVolume: 0,
      exchange: reference.total,
      source: reference.source,
      agrees: false,
    });
  }
  days.sort((a, b) =>
    a.tradingDate === b.tradingDate
      ? a.symbol.localeCompare(b.symbol)
      : a.tradingDate < b.tradingDate
        ? -1
        : 1,
  );
  const volume = days.reduce((n, d) => n + d.stored, 0);
  const seen = byKind.trade + byKind.opening;
  return {
    days,
    symbols: days.length,
    agreeing: days.filter((d) => d.agrees).length,
    volume,
    seenShare: volume > 0 ? seen / volume : 1,
    byKind,
  };
}

const number = (n: number) => n.toLocaleString('en-US');

/** The report as text: one line per disagreeing symbol-day (all of them with `all`), then the market summary. */
export function formatReconciliation(report: Reconciliation, options: { all?: boolean } = {}): string[] {
  const lines: string[] = [];
  for (const day of report.days) {
    if (day.agrees && !options.all) continue;
    const kinds = Object.entries(day.byKind)
      .filter(([, v]) => v !== 0)
      .map(([k, v]) => `${k} ${number(v)}`)
      .join(', ');
    lines.push(
      `${day.agrees ? 'ok  ' : 'DIFF'} ${day.symbol} ${day.tradingDate}: exchange ${number(day.exchange)} (${day.source}), stored ${number(day.stored)}${kinds ? ` = ${kinds}` : ''}`,
    );
  }
  lines.push(reconciliationSummary(report));
  return lines;
}

/** One line: symbols, agreeing, and the share of the volume seen as trades. */
export function reconciliationSummary(report: Reconciliation): string {
  const k = report.byKind;
  const pct = (n: number) => `${(report.volume > 0 ? (100 * n) / report.volume : 0).toFixed(1)}%`;
  return (
    `reconciliation: ${report.agreeing}/${report.symbols} symbol-days agree with the exchange total; ` +
    `${number(report.volume)} shares: ${pct(k.trade + k.opening)} in trade/opening rows ` +
    `(trade ${pct(k.trade)}, opening ${pct(k.opening)}, pre-existing ${pct(k['pre-existing'])}, gap ${pct(k.gap)}, correction ${pct(k.correction)})`
  );
}
