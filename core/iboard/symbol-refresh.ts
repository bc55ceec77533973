/**
 * Checks a fresh symbol list from iboard's `defaultAllStocks` API before it may replace
 * `symbols.json` (used by `npm run refresh-symbols`).
 *
 * The API answers `{"data":[{"code":"FPT","stockNo":"hose:974","exchange":"HOSE","type":"s",...}]}`;
 * entries without a `stockNo` (indices) are skipped, every other entry must be well formed.
 *
 * @example
 * const next = symbolMapFromAllStocks(await response.json());
 * const diff = validateSymbolRefresh(next, current, { force: false }); // throws SymbolRefreshError
 */
import { IngestError } from '../errors.ts';
import type { Exchange } from './symbols.ts';

export type SymbolMap = Record<string, string>;

export const DEFAULT_ALL_STOCKS_URL = 'https://iboard.ssi.com.vn/dchart/api/1.1/defaultAllStocks';
/** A refresh may not drop more than this share of the symbols without `--force` (a truncated answer). */
export const MAX_SHRINK = 0.2;

const SYMBOL = /^[A-Z0-9]{2,12}$/;
const STOCK_ID = /^(hose|hnx|upcom|fu):[0-9]{1,9}$/;
const EXCHANGE_NAMES: Readonly<Record<string, Exchange>> = { HOSE: 'hose', HNX: 'hnx', UPCOM: 'upcom' };

export class SymbolRefreshError extends IngestError {
  readonly code = 'SYMBOL_REFRESH';
  readonly problems: string[];
  constructor(message: string, problems: string[] = [], options?: ErrorOptions) {
    const shown = problems.slice(0, 5).join('; ');
    super(
      problems.length === 0 ? message : `${message}: ${shown}${problems.length > 5 ? '; ...' : ''}`,
      options,
    );
    this.name = 'SymbolRefreshError';
    this.problems = problems;
  }
}

/** The symbol → stock id map of an API answer; throws if any entry is malformed. */
export function symbolMapFromAllStocks(body: unknown): SymbolMap {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw new SymbolRefreshError('answer has no data[] list');
  const map: SymbolMap = {};
  const problems: string[] = [];
  for (let i = 0; i < data.length; i++) {
    const checked = checkEntry(data[i], i);
    if (checked === undefined) continue;
    if (typeof checked === 'string') problems.push(checked);
    else if (map[checked[0]] !== undefined && map[checked[0]] !== checked[1])
      problems.push(`${checked[0]}: listed twice`);
    else map[checked[0]] = checked[1];
  }
  if (problems.length > 0) throw new SymbolRefreshError(`${problems.length} malformed entries`, problems);
  return map;
}

/** `[symbol, stockId]`, a problem, or undefined for an entry to skip (an index has no stock id). */
function checkEntry(entry: unknown, i: number): [string, string] | string | undefined {
  if (typeof entry !== 'object' || entry === null) return `data[${i}] is not an object`;
  const { code, stockNo, exchange } = entry as Record<string, unknown>;
  if (stockNo === '' || stockNo === undefined || stockNo === null) return undefined;
  if (typeof code !== 'string' || !SYMBOL.test(code)) return `data[${i}] bad code ${show(code)}`;
  if (typeof stockNo !== 'string' || !STOCK_ID.test(stockNo)) return `${code}: bad stockNo ${show(stockNo)}`;
  if (typeof exchange !== 'string' || exchange === '') return `${code}: missing exchange`;
  const expected = EXCHANGE_NAMES[exchange.toUpperCase()];
  if (expected !== undefined && !stockNo.startsWith(`${expected}:`)) {
    return `${code}: exchange ${exchange} disagrees with stockNo ${stockNo}`;
  }
  return [code, stockNo];
}

export type SymbolDiff = { added: string[]; removed: string[]; changed: string[]; count: number };

/** Accepts `next` to replace `current`, or throws {@link SymbolRefreshError} saying why not. */
export function validateSymbolRefresh(
  next: SymbolMap,
  current: SymbolMap,
  options: { force?: boolean } = {},
): SymbolDiff {
  const count = Object.keys(next).length;
  if (count === 0) throw new SymbolRefreshError('the new list is empty');
  const problems = Object.entries(next)
    .filter(([symbol, id]) => !SYMBOL.test(symbol) || !STOCK_ID.test(id))
    .map(([symbol, id]) => `${symbol}: ${id}`);
  if (problems.length > 0) throw new SymbolRefreshError('malformed entries', problems);
  const before = Object.keys(current).length;
  if (!options.force && count < before * (1 - MAX_SHRINK)) {
    throw new SymbolRefreshError(
      `the list would shrink from ${before} to ${count} symbols (more than ${MAX_SHRINK * 100}%); use --force to accept`,
    );
  }
  const added = Object.keys(next).filter((s) => !(s in current));
  const removed = Object.keys(current).filter((s) => !(s in next));
  const changed = Object.keys(next).filter((s) => s in current && current[s] !== next[s]);
  return { added, removed, changed, count };
}

/** The file text: keys sorted, 4-space indent, like the shipped file. */
export function formatSymbolFile(map: SymbolMap): string {
  const sorted = Object.fromEntries(
    Object.keys(map)
      .sort()
      .map((s) => [s, map[s]]),
  );
  return `${JSON.stringify(sorted, null, 4)}\n`;
}

function show(value: unknown): string {
  return JSON.stringify(value)?.slice(0, 30) ?? String(value);
}
