/**
 * Price rules of the Vietnamese stock exchanges: tick size, daily price limits around the
 * reference price, and the board lot. The simulator uses them to produce valid prices;
 * the transform uses `validatePrice` to flag impossible ones.
 *
 * @example
 * tickSize(9_990, 'hose'); // 10
 * tickSize(76_400, 'hose'); // 100
 * priceLimits(76_000, 'hose'); // { ceiling: 81_300, floor: 70_700 }
 * validatePrice(76_450, { exchange: 'hose', reference: 76_000 }); // 'off-tick'
 */
import type { Exchange } from './exchange.ts';

/** Shares per board lot on all three exchanges (odd lots trade in a separate session). */
export const BOARD_LOT = 100;

/** Daily limit around the reference price, percent. */
export const LIMIT_PERCENT: Readonly<Record<Exchange, number>> = { hose: 7, hnx: 10, upcom: 15 };

/**
 * Security kinds with their own tick: on HOSE, ETFs, covered warrants and closed-end
 * funds move in 10 VND at every price level. Stocks are the default.
 */
export const SECURITY_KINDS = { STOCK: 'stock', ETF: 'etf', COVERED_WARRANT: 'cw', FUND: 'fund' } as const;
export type SecurityKind = (typeof SECURITY_KINDS)[keyof typeof SECURITY_KINDS];

/** HOSE stock price bands (VND): 10 under 10,000; 50 from 10,000 to under 50,000; 100 from 50,000. */
const HOSE_STOCK_BANDS = [
  { below: 10_000, tick: 10 },
  { below: 50_000, tick: 50 },
] as const;
const HOSE_TOP_TICK = 100;
/** HNX and UPCoM stocks: one tick at every price. */
const FLAT_TICK = 100;
const HOSE_FUND_TICK = 10;

/** The tick size (VND) for a price on an exchange. */
export function tickSize(price: number, exchange: Exchange, kind: SecurityKind = 'stock'): number {
  if (exchange !== 'hose') return FLAT_TICK;
  if (kind !== 'stock') return HOSE_FUND_TICK;
  for (const band of HOSE_STOCK_BANDS) if (price < band.below) return band.tick;
  return HOSE_TOP_TICK;
}

/** Whether a price is a whole multiple of its tick. */
export function isOnTick(price: number, exchange: Exchange, kind: SecurityKind = 'stock'): boolean {
  return Number.isInteger(price) && price % tickSize(price, exchange, kind) === 0;
}

/** Largest on-tick price ≤ `price` (the tick is the one of the price's own band). */
export function roundDownToTick(price: number, exchange: Exchange, kind: SecurityKind = 'stock'): number {
  const tick = tickSize(price, exchange, kind);
  return Math.floor(price / tick) * tick;
}

/** Smallest on-tick price ≥ `price`. */
export function roundUpToTick(price: number, exchange: Exchange, kind: SecurityKind = 'stock'): number {
  const tick = tickSize(price, exchange, kind);
  const up = Math.ceil(price / tick) * tick;
  // Crossing into a coarser band (e.g. 9,995 -> 10,000) is still on the coarser grid.
  return isOnTick(up, exchange, kind) ? up : roundUpToTick(up, exchange, kind);
}

export type PriceLimits = { readonly ceiling: number; readonly floor: number };

/**
 * Ceiling and floor from the reference price: ref × (1 ± limit), the ceiling rounded
 * down and the floor rounded up to the tick. When rounding collapses a limit onto the
 * reference (very low prices), it is set one tick away, as the exchanges do, and the
 * floor never goes below one tick.
 */
export function priceLimits(
  reference: number,
  exchange: Exchange,
  kind: SecurityKind = 'stock',
): PriceLimits {
  const pct = LIMIT_PERCENT[exchange];
  // Integer numerators keep the division exact enough: the result is an integer or at
  // least 1/100 away from one, far above double rounding error.
  let ceiling = roundDownToTick(Math.floor((reference * (100 + pct)) / 100), exchange, kind);
  let floor = roundUpToTick(Math.ceil((reference * (100 - pct)) / 100), exchange, kind);
  if (ceiling <= reference)
    ceiling = roundDownToTick(reference, exchange, kind) + tickSize(reference, exchange, kind);
  if (floor >= reference)
    floor = roundUpToTick(reference, exchange, kind) - tickSize(reference - 1, exchange, kind);
  return { ceiling, floor: Math.max(floor, tickSize(0, exchange, kind)) };
}

/** Whether a price lies inside `[floor, ceiling]`. */
export function isWithinLimits(price: number, limits: PriceLimits): boolean {
  return price >= limits.floor && price <= limits.ceiling;
}

export const PRICE_REASONS = {
  NOT_A_PRICE: 'not-a-price',
  OFF_TICK: 'off-tick',
  ABOVE_CEILING: 'above-ceiling',
  BELOW_FLOOR: 'below-floor',
} as const;
export type PriceReason = (typeof PRICE_REASONS)[keyof typeof PRICE_REASONS];

export type PriceContext = {
  readonly exchange: Exchange;
  readonly kind?: SecurityKind;
  /** Limits as published in the frame (fields 59/60); preferred over computing them. */
  readonly ceiling?: number;
  readonly floor?: number;
  /** Reference price (field 61), used to compute limits the frame did not give. */
  readonly reference?: number;
};

/**
 * Why a matched or quoted price cannot exist, or `undefined` when it can: it must be a
 * positive integer on the tick grid and inside the day's limits (taken from the frame
 * when given, otherwise computed from the reference; skipped when neither is known).
 */
export function validatePrice(price: number, context: PriceContext): PriceReason | undefined {
  if (!Number.isInteger(price) || price <= 0) return PRICE_REASONS.NOT_A_PRICE;
  if (!isOnTick(price, context.exchange, context.kind)) return PRICE_REASONS.OFF_TICK;
  const computed =
    context.reference !== undefined && context.reference > 0
      ? priceLimits(context.reference, context.exchange, context.kind)
      : undefined;
  const ceiling = context.ceiling ?? computed?.ceiling;
  const floor = context.floor ?? computed?.floor;
  if (ceiling !== undefined && price > ceiling) return PRICE_REASONS.ABOVE_CEILING;
  if (floor !== undefined && price < floor) return PRICE_REASONS.BELOW_FLOOR;
  return undefined;
}
