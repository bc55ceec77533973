/**
 * Index values computed from the constituents' prices: a capitalisation-weighted ratio
 * to the base prices, `baseValue × Σ shares·price / Σ shares·basePrice`, plus the day's
 * breadth (advances, declines, unchanged, at ceiling, at floor) and traded totals.
 */
import type { IndexFrame } from '../../core/iboard/types.ts';
import type { StockState } from './stock-state.ts';
import type { IndexDefinition } from './universe.ts';

type DayStats = { reference: number; open?: number; high: number; low: number; previousVolume?: number };

export class IndexBook {
  private readonly baseCaps: number[];
  private day: DayStats[] = [];

  constructor(
    private readonly indices: readonly IndexDefinition[],
    private readonly states: readonly StockState[],
  ) {
    this.baseCaps = indices.map((index) =>
      index.members.reduce(
        (sum, p) => sum + states[p].instrument.listedShares * states[p].instrument.basePrice,
        0,
      ),
    );
  }

  /** Call after the stocks started their day: today's reference values are the current ones. */
  startDay(): void {
    this.day = this.indices.map((_, i) => {
      const value = this.value(i);
      return { reference: value, high: value, low: value };
    });
  }

  frames(time: number): IndexFrame[] {
    return this.indices.map((index, i) => {
      const value = this.value(i);
      const stats = this.day[i];
      stats.open ??= value;
      stats.high = Math.max(stats.high, value);
      stats.low = Math.min(stats.low, value);
      let advances = 0;
      let declines = 0;
      let unchanged = 0;
      let ceilingCount = 0;
      let floorCount = 0;
      let volume = 0;
      let traded = 0;
      for (const p of index.members) {
        const s = this.states[p];
        const price = s.last ?? s.reference;
        if (price > s.reference) advances++;
        else if (price < s.reference) declines++;
        else unchanged++;
        if (s.last !== undefined && price === s.ceiling) ceilingCount++;
        if (s.last !== undefined && price === s.floor) floorCount++;
        volume += s.totalVolume;
        traded += s.totalValue;
      }
      const change = round2(value - stats.reference);
      const frame: IndexFrame = {
        kind: 'index',
        indexId: index.id,
        value: round2(value),
        totalVolume: volume,
        totalValue: traded,
        advances,
        declines,
        unchanged,
        ceilingCount,
        floorCount,
        allVolume: volume,
        allValue: traded,
        timeMs: time,
        chartOpen: round2(stats.open),
        chartHigh: round2(stats.high),
        chartLow: round2(stats.low),
        change,
        changePercent: round2((change / stats.reference) * 100),
      };
      if (stats.previousVolume !== undefined) frame.previousVolume = stats.previousVolume;
      stats.previousVolume = volume;
      return frame;
    });
  }

  private value(i: number): number {
    const index = this.indices[i];
    let cap = 0;
    for (const p of index.members) {
      const s = this.states[p];
      cap += s.instrument.listedShares * (s.last ?? s.reference);
    }
    return (index.baseValue * cap) / this.baseCaps[i];
  }
}

function round2(n: number): number {
  // `+ 0` turns -0 into 0, which would otherwise be written as "-0".
  return Math.round(n * 100) / 100 + 0;
}
