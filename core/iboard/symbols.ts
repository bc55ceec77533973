/**
 * The iboard symbol list: symbol → V1 stock id (`"HPG": "hose:1354"`), whose prefix is the
 * exchange. Bundled from `symbols.json` (2023: 416 HOSE, 397 HNX, 857 UPCoM, 10 derivatives
 * under `fu`); refresh it with `npm run refresh-symbols`.
 *
 * @example
 * stockIdOf('FPT');              // 'hose:974'
 * symbolOfStockId('hose:974');   // 'FPT'
 * resolveSymbols('hnx,FPT');     // every HNX symbol, then FPT
 * resolveSymbols('FTP');         // throws UnknownSymbolError: unknown symbol FTP (did you mean FPT, ...?)
 */
import { IngestError } from '../errors.ts';
import symbolData from './symbols.json' with { type: 'json' };

/** Exchanges as they prefix stock ids; `fu` holds the derivatives (futures). */
export const EXCHANGES = ['hose', 'hnx', 'upcom', 'fu'] as const;
export type Exchange = (typeof EXCHANGES)[number];

/** Names accepted for an exchange in a symbol spec, case-insensitive. */
const EXCHANGE_ALIASES: Readonly<Record<string, Exchange>> = {
  HOSE: 'hose',
  HSX: 'hose',
  HNX: 'hnx',
  UPCOM: 'upcom',
  FU: 'fu',
  DERIVATIVE: 'fu',
  DERIVATIVES: 'fu',
};

/** A symbol that is not in the list; `suggestions` holds up to 3 close matches. */
export class UnknownSymbolError extends IngestError {
  readonly code = 'UNKNOWN_SYMBOL';
  readonly symbol: string;
  readonly suggestions: string[];
  constructor(symbol: string, suggestions: string[], options?: ErrorOptions) {
    const hint = suggestions.length > 0 ? ` (did you mean ${suggestions.join(', ')}?)` : ' (no close match)';
    super(`unknown symbol ${JSON.stringify(symbol)}${hint}`, options);
    this.name = 'UnknownSymbolError';
    this.symbol = symbol;
    this.suggestions = suggestions;
  }
}

/** A symbol spec that names nothing (empty, or only commas). */
export class InvalidSymbolSpecError extends IngestError {
  readonly code = 'INVALID_SYMBOL_SPEC';
  constructor(spec: string, options?: ErrorOptions) {
    super(
      `symbol spec ${JSON.stringify(spec)} names no symbol: use ALL, HOSE, HNX, UPCOM or a comma list`,
      options,
    );
    this.name = 'InvalidSymbolSpecError';
  }
}

export type SymbolTable = {
  /** Every symbol, sorted. */
  allSymbols(): string[];
  symbolsOf(exchange: Exchange): string[];
  /** V1 stock id (`hose:974`); throws {@link UnknownSymbolError}. */
  stockIdOf(symbol: string): string;
  /** The symbol of a V1 stock id, or undefined. */
  symbolOfStockId(stockId: string): string | undefined;
  /** Throws {@link UnknownSymbolError}. */
  exchangeOf(symbol: string): Exchange;
  /** `ALL`, exchange names and symbols, comma-separated, case-insensitive; deduplicated, in order. */
  resolveSymbols(spec: string): string[];
  /** Up to `limit` symbols closest to `symbol` by edit distance (at most 2). */
  closeMatches(symbol: string, limit?: number): string[];
};

/** Builds the API over a symbol → stock id map (the bundled list, or a refreshed one). */
export function createSymbolTable(map: Readonly<Record<string, string>>): SymbolTable {
  const symbols = Object.keys(map).sort();
  const bySymbol = new Map(symbols.map((s) => [s, map[s]]));
  const byStockId = new Map(symbols.map((s) => [map[s], s]));
  const byExchange = new Map<Exchange, string[]>(EXCHANGES.map((e) => [e, []]));
  for (const symbol of symbols) byExchange.get(exchangeOfId(map[symbol]))?.push(symbol);

  const closeMatches = (symbol: string, limit = 3): string[] => {
    const wanted = symbol.toUpperCase();
    const letters = sortedLetters(wanted);
    // Ties (many 3-letter symbols are one edit apart) go to anagrams (typed transpositions),
    // then to the longest common prefix, then alphabetical order.
    const rank = (s: string) => (sortedLetters(s) === letters ? -100 : 0) - commonPrefix(s, wanted);
    return symbols
      .map((s) => ({ s, d: editDistance(wanted, s, 2) }))
      .filter(({ d }) => d <= 2)
      .sort((a, b) => a.d - b.d || rank(a.s) - rank(b.s) || (a.s < b.s ? -1 : 1))
      .slice(0, limit)
      .map(({ s }) => s);
  };
  const stockIdOf = (symbol: string): string => {
    const id = bySymbol.get(symbol) ?? bySymbol.get(symbol.toUpperCase());
    if (id === undefined) throw new UnknownSymbolError(symbol, closeMatches(symbol));
    return id;
  };
  const symbolsOf = (exchange: Exchange): string[] => [...(byExchange.get(exchange) ?? [])];
  /** One comma-separated part of a symbol spec: ALL, an exchange alias, a symbol, or nothing. */
  const symbolsOfToken = (part: string): readonly string[] => {
    const token = part.trim().toUpperCase();
    if (token === '') return [];
    if (token === 'ALL') return symbols;
    if (token in EXCHANGE_ALIASES) return symbolsOf(EXCHANGE_ALIASES[token]);
    if (bySymbol.has(token)) return [token];
    throw new UnknownSymbolError(part.trim(), closeMatches(token));
  };

  return {
    allSymbols: () => [...symbols],
    symbolsOf,
    stockIdOf,
    symbolOfStockId: (stockId) => byStockId.get(stockId),
    exchangeOf: (symbol) => exchangeOfId(stockIdOf(symbol)),
    closeMatches,
    resolveSymbols(spec) {
      const out = new Set<string>();
      for (const part of spec.split(',')) {
        for (const s of symbolsOfToken(part)) out.add(s);
      }
      if (out.size === 0) throw new InvalidSymbolSpecError(spec);
      return [...out];
    },
  };
}

function exchangeOfId(stockId: string): Exchange {
  return stockId.slice(0, stockId.indexOf(':')) as Exchange;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && a[n] === b[n]) n++;
  return n;
}

function sortedLetters(s: string): string {
  return [...s].sort().join('');
}

/**
 * Edit distance counting an insertion, deletion, substitution or swap of two adjacent
 * characters as one edit (optimal string alignment), so `FTP` is 1 away from `FPT`.
 */
export function editDistance(a: string, b: string, max = Number.POSITIVE_INFINITY): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        current[j] = Math.min(current[j], before[j - 2] + 1);
      }
    }
    before = previous;
    previous = current;
  }
  return previous[b.length];
}

const DEFAULT_TABLE = createSymbolTable(symbolData as Record<string, string>);

export const allSymbols = DEFAULT_TABLE.allSymbols;
export const symbolsOf = DEFAULT_TABLE.symbolsOf;
export const stockIdOf = DEFAULT_TABLE.stockIdOf;
export const symbolOfStockId = DEFAULT_TABLE.symbolOfStockId;
export const exchangeOf = DEFAULT_TABLE.exchangeOf;
export const resolveSymbols = DEFAULT_TABLE.resolveSymbols;
export const closeMatches = DEFAULT_TABLE.closeMatches;
