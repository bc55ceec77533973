/**
 * Input checks of the read API. Each function returns the clean value or throws a
 * {@link DashboardInputError} whose `reason` says what was wrong and what is accepted.
 *
 * @example
 * parseSymbol('fpt', catalog); // 'FPT'
 * parseSymbol('FTP', catalog); // throws UNKNOWN_SYMBOL, reason names FPT, FTS...
 * parseMinuteRange('09:15', '11:30'); // { from: '09:15', to: '11:30' }
 * parseLimit('abc', { fallback: 50, max: 500 }); // throws BAD_LIMIT
 */
import { dateToDayNumber } from '../../core/market/ict-time.ts';
import { DASHBOARD_ERROR_CODES as CODES, DashboardInputError } from './errors.ts';
import type { SymbolCatalog } from './symbol-catalog.ts';

const SYMBOL_PATTERN = /^[A-Z0-9]{1,20}$/;
const MINUTE_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Upper-cases and checks a symbol against the catalog. */
export function parseSymbol(raw: string | null | undefined, catalog: SymbolCatalog): string {
  const symbol = (raw ?? '').trim().toUpperCase();
  if (!symbol) throw new DashboardInputError(CODES.BAD_SYMBOL, 'a symbol is required, e.g. FPT');
  if (!SYMBOL_PATTERN.test(symbol)) {
    throw new DashboardInputError(
      CODES.BAD_SYMBOL,
      `symbol ${JSON.stringify(raw)} is not 1 to 20 letters or digits`,
      { symbol: raw },
    );
  }
  if (catalog.has(symbol)) return symbol;
  const suggestions = catalog.closeMatches(symbol);
  const hint = suggestions.length > 0 ? `; did you mean ${suggestions.join(', ')}?` : '';
  throw new DashboardInputError(CODES.UNKNOWN_SYMBOL, `unknown symbol ${symbol}${hint}`, {
    symbol,
    suggestions,
  });
}

/** A real `YYYY-MM-DD` date, or `undefined` when absent. */
export function parseDate(raw: string | null | undefined): string | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  try {
    dateToDayNumber(raw);
  } catch {
    throw new DashboardInputError(
      CODES.BAD_DATE,
      `date ${JSON.stringify(raw)} is not a real YYYY-MM-DD date`,
      {
        date: raw,
      },
    );
  }
  return raw;
}

/** `HH:MM` (00:00–23:59), or `undefined` when absent. */
export function parseMinute(name: string, raw: string | null | undefined): string | undefined {
  if (raw === null || raw === undefined || raw === '') return undefined;
  if (!MINUTE_PATTERN.test(raw)) {
    throw new DashboardInputError(
      CODES.BAD_TIME,
      `${name} ${JSON.stringify(raw)} is not a time HH:MM (ICT)`,
      {
        [name]: raw,
      },
    );
  }
  return raw;
}

/** `from`/`to` as `HH:MM`, defaulting to the whole day; `from` must not be after `to`. */
export function parseMinuteRange(
  rawFrom: string | null | undefined,
  rawTo: string | null | undefined,
): { from: string; to: string } {
  const from = parseMinute('from', rawFrom) ?? '00:00';
  const to = parseMinute('to', rawTo) ?? '23:59';
  if (from > to) {
    throw new DashboardInputError(CODES.BAD_RANGE, `from ${from} is after to ${to}`, { from, to });
  }
  return { from, to };
}

export type LimitOptions = { readonly fallback: number; readonly max: number; readonly name?: string };

/** A whole number in 1..max, `fallback` when absent. */
export function parseLimit(raw: string | null | undefined, options: LimitOptions): number {
  const name = options.name ?? 'limit';
  if (raw === null || raw === undefined || raw === '') return options.fallback;
  const value = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < 1 || value > options.max) {
    throw new DashboardInputError(
      CODES.BAD_LIMIT,
      `${name} ${JSON.stringify(raw)} is not a whole number from 1 to ${options.max}`,
      { [name]: raw, max: options.max },
    );
  }
  return value;
}

/** A free-text search query: at most 20 characters of letters and digits. */
export function parseQuery(raw: string | null | undefined): string {
  const q = (raw ?? '').trim();
  if (q.length > 20 || !/^[A-Za-z0-9]*$/.test(q)) {
    throw new DashboardInputError(
      CODES.BAD_QUERY,
      `q ${JSON.stringify(raw)} must be up to 20 letters or digits`,
      {
        q: raw,
      },
    );
  }
  return q;
}
