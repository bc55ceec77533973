/**
 * Synthetic iboard frames for the transform's tests: V2 stock frames built from a few
 * chosen fields (defaults from the spec's FPT example), their wire text via the
 * protocol engineer's `formatStockFrame`, and envelopes/records around them.
 */
import { formatIndexFrame, formatStockFrame } from '../../core/iboard/format-frame.ts';
import type { IndexFrame, PriceLevel, StockFrame } from '../../core/iboard/types.ts';
import { type Envelope, encodeRecord } from '../../core/records/index.ts';

/** 2026-04-14 09:30:00 ICT. */
export const T0 = Date.parse('2026-04-14T02:30:00Z');

export type StockSpec = Partial<Omit<StockFrame, 'kind' | 'generation' | 'fieldCount'>> & {
  symbol: string;
  serverTime: number;
};

function book(first: number, step: number, volume: number): PriceLevel[] {
  const levels: PriceLevel[] = [];
  for (let i = 0; i < 10; i++)
    levels.push(i < 3 ? { price: first + i * step, volume: volume + i * 100 } : {});
  return levels;
}

/** A V2 snapshot of `spec.symbol` at `spec.serverTime` (HOSE, reference 76,000, limits 70,700–81,300). */
export function stockFrame(spec: StockSpec): StockFrame {
  return {
    kind: 'stock',
    generation: 'v2',
    boardId: 'MAIN',
    bids: book(76_300, -100, 11_800),
    offers: book(76_400, 100, 61_200),
    exchange: 'hose',
    ceiling: 81_300,
    floor: 70_700,
    reference: 76_000,
    stockType: 's',
    lastPrice: 76_400,
    lastVolume: 1_000,
    fieldCount: 102,
    ...spec,
  };
}

export function stockRaw(spec: StockSpec): string {
  return formatStockFrame(stockFrame(spec));
}

export function indexFrame(spec: Partial<IndexFrame> & { indexId: string; timeMs: number }): IndexFrame {
  return {
    kind: 'index',
    value: 1290.5,
    change: 3.2,
    changePercent: 0.25,
    advances: 10,
    declines: 5,
    unchanged: 3,
    ...spec,
  };
}

export function indexRaw(spec: Partial<IndexFrame> & { indexId: string; timeMs: number }): string {
  return formatIndexFrame(indexFrame(spec));
}

/** Envelopes for raw frames, received 300 ms after `time` (or after T0). */
export function envelopes(raws: readonly string[], receivedAt = T0 + 300): Envelope[] {
  return raws.map((raw, seq) => ({ raw, receivedAt: receivedAt + seq, connectionId: 'c1', seq }));
}

/** One Kinesis record's data per group of raw frames. */
export function records(groups: readonly (readonly string[])[]): Uint8Array[] {
  return groups.map((group) => encodeRecord(envelopes(group)));
}

/**
 * A deterministic trading story for `symbols`: per symbol, `framesPerSymbol` snapshots one
 * second apart (interleaved across symbols), about one in three with a trade (volume +
 * 100..1,000, price on the HOSE 100 VND tick). Returns the frames in stream order and,
 * per symbol, the trades a correct transform must find (none before the first frame).
 */
export function tradingStory(symbols: readonly string[], framesPerSymbol: number, seed = 1) {
  let state = seed >>> 0 || 1;
  const next = () => {
    // xorshift32: small, deterministic, good enough for test data.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  const frames: StockFrame[] = [];
  const trades = new Map<string, { time: number; quantity: number; price: number; value: number }[]>();
  const cum = new Map<string, { volume: number; value: number; price: number }>();
  for (const symbol of symbols) {
    cum.set(symbol, {
      volume: 100_000 + Math.floor(next() * 1000) * 100,
      value: 7_600_000_000,
      price: 76_000,
    });
    trades.set(symbol, []);
  }
  for (let i = 0; i < framesPerSymbol; i++) {
    for (const [s, symbol] of symbols.entries()) {
      const c = cum.get(symbol)!;
      const time = T0 + i * 1000 + s;
      if (i > 0 && next() < 0.35) {
        const quantity = (1 + Math.floor(next() * 10)) * 100;
        const price = 76_000 + (Math.floor(next() * 21) - 10) * 100;
        c.volume += quantity;
        c.value += quantity * price;
        c.price = price;
        trades.get(symbol)!.push({ time, quantity, price, value: quantity * price });
      }
      frames.push(
        stockFrame({
          symbol,
          serverTime: time,
          totalVolume: c.volume,
          totalValue: c.value,
          lastPrice: c.price,
          bids: book(c.price - 100, -100, 1000 + i),
        }),
      );
    }
  }
  return { frames, trades };
}
