/**
 * The instruments of the synthetic market: which symbols, their exchange and V1 stock id,
 * a seeded reference price and share count, an activity weight, and the indices they
 * belong to. Activity is Zipf-like over a rank: VN30 names first, then HNX30, then the
 * rest in a seeded order, so a few large caps carry most of the frames, as on the feed.
 */
import { allSymbols, exchangeOf, stockIdOf } from '../../core/iboard/symbols.ts';
import type { Exchange } from '../../core/market/exchange.ts';
import { toExchange } from '../../core/market/exchange.ts';
import { roundDownToTick } from '../../core/market/price-rules.ts';
import type { Random } from '../../core/random.ts';

export type ListedSymbol = { readonly symbol: string; readonly exchange: string; readonly stockId: string };

export type Instrument = {
  readonly symbol: string;
  readonly exchange: Exchange;
  /** V1 id, e.g. `hose:1354`. */
  readonly stockId: string;
  /** 0 = most active. */
  readonly rank: number;
  readonly weight: number;
  /** First reference price; index bases are computed from it. */
  readonly basePrice: number;
  readonly listedShares: number;
};

export type IndexDefinition = {
  readonly id: string;
  /** Index value when every constituent is at its base price. */
  readonly baseValue: number;
  readonly members: readonly number[];
};

/**
 * VN30 and HNX30 baskets as of 2025–2026, approximately, largest first: they only steer which names get
 * the most activity and make up the two 30-stock indices. Names missing from the symbol
 * list are skipped.
 */
export const VN30 =
  'VCB VIC VHM BID CTG TCB HPG FPT MBB VPB GAS ACB LPB MWG HDB VNM GVR MSN STB SHB VIB SSI TPB VJC PLX SAB BCM SSB DGC VRE'.split(
    ' ',
  );
export const HNX30 =
  'SHS PVS CEO IDC MBS TNG VCS PVI DTD HUT NTP DHT BVS VC3 PLC LAS TVD IPA L14 NRC PVC PSD SLS TAR THD TIG VIF DDG PVB DVM'.split(
    ' ',
  );

/** The bundled iboard symbol list (core/iboard), derivatives included (`buildUniverse` skips them). */
export function iboardListing(): ListedSymbol[] {
  return allSymbols().map((symbol) => ({ symbol, exchange: exchangeOf(symbol), stockId: stockIdOf(symbol) }));
}

/**
 * Activity by rank r is 1 / (r + ZIPF_OFFSET) ^ ZIPF_EXPONENT (Zipf-Mandelbrot). With 1,670
 * names the most active one gets ~3.5% of the frames and the top 30 about a third, the
 * rough shape of the live feed, where one large cap sends a frame or two a second.
 */
const ZIPF_EXPONENT = 1.0;
const ZIPF_OFFSET = 5;

/**
 * Picks the instruments: all stocks of the list (derivatives skipped), the `count` most
 * active ones, or the named symbols (an unknown name throws, naming it; derivatives are skipped).
 */
export function buildUniverse(
  listed: readonly ListedSymbol[],
  random: Random,
  selection?: number | readonly string[],
): Instrument[] {
  const stocks = listed.filter((s) => toExchange(s.exchange) !== undefined);
  const order = rankOrder(stocks, random);
  let chosen = order;
  if (typeof selection === 'number') {
    if (!Number.isInteger(selection) || selection < 1)
      throw new RangeError(`symbols: expected a positive count, got ${selection}`);
    chosen = order.slice(0, selection);
  } else if (selection !== undefined) {
    const known = new Set(listed.map((s) => s.symbol));
    const unknown = selection.filter((s) => !known.has(s.toUpperCase()));
    if (unknown.length > 0) throw new RangeError(`symbols: not in the symbol list: ${unknown.join(', ')}`);
    const wanted = new Set(selection.map((s) => s.toUpperCase()));
    chosen = order.filter((s) => wanted.has(s.symbol));
  }
  return chosen.map((s, rank) => instrumentOf(s, rank, random));
}

function rankOrder(stocks: ListedSymbol[], random: Random): ListedSymbol[] {
  const bySymbol = new Map(stocks.map((s) => [s.symbol, s]));
  const first = [...VN30, ...HNX30].map((s) => bySymbol.get(s)).filter((s) => s !== undefined);
  const taken = new Set(first.map((s) => s.symbol));
  const rest = stocks.filter((s) => !taken.has(s.symbol)).sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
  // Fisher-Yates with the seeded generator: the same seed ranks the same way.
  for (let i = rest.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [rest[i], rest[j]] = [rest[j], rest[i]];
  }
  return [...first, ...rest];
}

function instrumentOf(s: ListedSymbol, rank: number, random: Random): Instrument {
  const exchange = toExchange(s.exchange) as Exchange;
  const large = rank < VN30.length + HNX30.length;
  // Log-uniform prices: large caps 15,000–120,000 VND, the rest 1,500–80,000 VND.
  const [low, high] = large ? [15_000, 120_000] : [1_500, 80_000];
  const raw = Math.exp(Math.log(low) + random.next() * (Math.log(high) - Math.log(low)));
  const basePrice = roundDownToTick(Math.round(raw), exchange);
  const shares = large ? random.int(500, 7_000) * 1_000_000 : random.int(5, 500) * 1_000_000;
  return {
    symbol: s.symbol,
    exchange,
    stockId: s.stockId,
    rank,
    weight: 1 / (rank + ZIPF_OFFSET) ** ZIPF_EXPONENT,
    basePrice,
    listedShares: shares,
  };
}

/**
 * The indices the feed publishes, built over the chosen instruments; an index with no
 * constituent is left out. Base values are of the order of the real ones.
 */
export function buildIndices(instruments: readonly Instrument[]): IndexDefinition[] {
  const where = (test: (i: Instrument) => boolean) =>
    instruments.map((instrument, position) => (test(instrument) ? position : -1)).filter((p) => p >= 0);
  const vn30 = new Set(VN30);
  const hnx30 = new Set(HNX30);
  const all: IndexDefinition[] = [
    { id: 'VNINDEX', baseValue: 1250, members: where((i) => i.exchange === 'hose') },
    { id: 'VN30', baseValue: 1320, members: where((i) => i.exchange === 'hose' && vn30.has(i.symbol)) },
    { id: 'HNXIndex', baseValue: 230, members: where((i) => i.exchange === 'hnx') },
    { id: 'HNX30', baseValue: 480, members: where((i) => i.exchange === 'hnx' && hnx30.has(i.symbol)) },
    { id: 'HNXUpcomIndex', baseValue: 95, members: where((i) => i.exchange === 'upcom') },
    { id: 'VNXALL', baseValue: 2000, members: where((i) => i.exchange === 'hose' || i.exchange === 'hnx') },
  ];
  return all.filter((index) => index.members.length > 0);
}

/** Cumulative weights for sampling an instrument by activity (binary search over them). */
export function cumulativeWeights(instruments: readonly Instrument[]): Float64Array {
  const sums = new Float64Array(instruments.length);
  let total = 0;
  for (let i = 0; i < instruments.length; i++) {
    total += instruments[i].weight;
    sums[i] = total;
  }
  return sums;
}

/** The position whose cumulative weight first exceeds `u * total`. */
export function sampleIndex(sums: Float64Array, u: number): number {
  const target = u * sums[sums.length - 1];
  let lo = 0;
  let hi = sums.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sums[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
