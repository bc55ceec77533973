/**
 * The bundled symbol list (`core/iboard/symbols.ts`) as catalog entries: symbol and exchange.
 */
import { allSymbols, exchangeOf } from '../../core/iboard/symbols.ts';
import type { SymbolEntry } from './symbol-catalog.ts';

export function listedSymbols(): SymbolEntry[] {
  return allSymbols().map((symbol) => ({ symbol, exchange: exchangeOf(symbol) }));
}
