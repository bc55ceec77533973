/**
 * The symbols the dashboard knows: the bundled list (`core/iboard/symbols.ts`) plus any
 * symbol seen in the quotes table (a new listing, a simulator's own names). Searches by
 * prefix then substring, and names close matches for a mistyped symbol.
 *
 * @example
 * const catalog = new SymbolCatalog([{ symbol: 'FPT', exchange: 'hose' }, { symbol: 'FTS', exchange: 'hose' }]);
 * catalog.search('FP'); // [{ symbol: 'FPT', exchange: 'hose' }]
 * catalog.closeMatches('FTP'); // ['FPT', 'FTS']
 */
import { editDistance } from '../../core/iboard/symbols.ts';

export type SymbolEntry = { readonly symbol: string; readonly exchange?: string };

export class SymbolCatalog {
  readonly #entries = new Map<string, SymbolEntry>();
  #sorted: SymbolEntry[] | undefined;

  constructor(entries: Iterable<SymbolEntry> = []) {
    this.add(entries);
  }

  /** Adds entries; an existing symbol keeps its exchange unless it had none. */
  add(entries: Iterable<SymbolEntry>): void {
    for (const entry of entries) {
      const known = this.#entries.get(entry.symbol);
      if (known?.exchange) continue;
      this.#entries.set(entry.symbol, known && !entry.exchange ? known : entry);
      this.#sorted = undefined;
    }
  }

  has(symbol: string): boolean {
    return this.#entries.has(symbol);
  }

  get(symbol: string): SymbolEntry | undefined {
    return this.#entries.get(symbol);
  }

  get size(): number {
    return this.#entries.size;
  }

  /** All entries, alphabetical. */
  list(): readonly SymbolEntry[] {
    this.#sorted ??= [...this.#entries.values()].sort((a, b) => a.symbol.localeCompare(b.symbol));
    return this.#sorted;
  }

  /**
   * Entries matching `query` (case-insensitive): the exact symbol first, then symbols
   * starting with it, then symbols containing it; alphabetical within each group.
   * An empty query lists everything (up to `limit`).
   */
  search(query: string, limit = 20): SymbolEntry[] {
    const q = query.trim().toUpperCase();
    const all = this.list();
    if (!q) return all.slice(0, limit);
    const rank = (s: string) => (s === q ? 0 : s.startsWith(q) ? 1 : s.includes(q) ? 2 : 3);
    return all
      .map((entry) => ({ entry, rank: rank(entry.symbol) }))
      .filter((r) => r.rank < 3)
      .sort((a, b) => a.rank - b.rank || a.entry.symbol.localeCompare(b.entry.symbol))
      .slice(0, limit)
      .map((r) => r.entry);
  }

  /**
   * Up to `count` known symbols nearest to `symbol` by edit distance (at most 2, a swap
   * of neighbours counting as one), nearest first; among equals, the same letters in
   * another order (`FTP` → `FPT`), then the longest common prefix (`VCBB` → `VCB`),
   * then alphabetical.
   */
  closeMatches(symbol: string, count = 5): string[] {
    const s = symbol.toUpperCase();
    const letters = [...s].sort().join('');
    const scored: { symbol: string; rank: number[] }[] = [];
    for (const candidate of this.#entries.keys()) {
      const distance = editDistance(s, candidate, 2);
      if (distance > 2) continue;
      const anagram = [...candidate].sort().join('') === letters ? 0 : 1;
      scored.push({ symbol: candidate, rank: [distance, anagram, -commonPrefix(s, candidate)] });
    }
    const byRank = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
    return scored
      .sort((a, b) => byRank(a.rank, b.rank) || a.symbol.localeCompare(b.symbol))
      .slice(0, count)
      .map((r) => r.symbol);
  }
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}
