/**
 * The synthetic market: a deterministic (per seed) stream of stock frames over the
 * chosen instruments, plus index frames that move with their constituents.
 *
 * It is pure and synchronous: `nextFrame()` makes one frame, so tests can draw 100k frames
 * without a socket, and the server paces the calls. Without a clock every exchange is
 * in continuous trading; with `clock` the phases follow the trading calendar (no frames
 * before the open, at lunch or after the close; book-only frames with a possibly crossed
 * book during ATO/ATC; one opening/closing match per stock when an auction ends).
 *
 * @example
 * const market = new SyntheticMarket({ seed: 7, symbols: 50, listed });
 * const frame = market.nextFrame(); // { symbol: 'VCB', raw: 'MAIN|S#VCB|...', traded: false }
 */
import { formatIndexFrame, formatStockFrame } from '../../core/iboard/format-frame.ts';
import type { Generation, StockFrame } from '../../core/iboard/types.ts';
import type { Phase } from '../../core/market/calendar.ts';
import { phaseAt } from '../../core/market/calendar.ts';
import type { Exchange } from '../../core/market/exchange.ts';
import { ALL_EXCHANGES } from '../../core/market/exchange.ts';
import type { HolidaySet } from '../../core/market/holidays.ts';
import { ictDate, MINUTE_MS } from '../../core/market/ict-time.ts';
import type { Random } from '../../core/random.ts';
import { createRandom } from '../../core/random.ts';
import { IndexBook } from './index-book.ts';
import { Ledger, type LedgerCorrection } from './ledger.ts';
import { StockState } from './stock-state.ts';
import type { IndexDefinition, Instrument, ListedSymbol } from './universe.ts';
import { buildIndices, buildUniverse, cumulativeWeights, iboardListing, sampleIndex } from './universe.ts';

export type SyntheticMarketOptions = {
  /** Same seed, same frames (given the same clock readings). Default 1. */
  seed?: string | number;
  /** How many of the most active symbols, or which ones. Default: every stock of `listed`. */
  symbols?: number | readonly string[];
  /** The symbol list (symbol, exchange, V1 stock id). Default: the bundled iboard list. */
  listed?: readonly ListedSymbol[];
  /** Time source; when given, phases follow the calendar. Default: `Date.now`, always continuous. */
  clock?: () => number;
  /** Frame layout. Default `v2`. */
  generation?: Generation;
  ledger?: Ledger;
  holidays?: HolidaySet;
};

export type MarketFrame = { readonly symbol: string; readonly raw: string; readonly traded: boolean };
export type MarketIndexFrame = { readonly indexId: string; readonly raw: string };
export type SessionChange = { readonly exchange: Exchange; readonly phase: Phase; readonly time: number };

const TRADING: ReadonlySet<Phase> = new Set(['ATO', 'continuous', 'ATC', 'put-through']);
/** Put-through (negotiated deals) barely moves the board: keep 1 in 10 draws for it. */
const PUT_THROUGH_ACTIVITY = 0.1;
/** Draws before giving up on finding an instrument of an active exchange in this call. */
const MAX_DRAWS = 64;

type PendingMatch = { position: number; kind: 'open' | 'close' };

export class SyntheticMarket {
  readonly instruments: readonly Instrument[];
  readonly indices: readonly IndexDefinition[];
  readonly ledger: Ledger;
  readonly generation: Generation;
  readonly clocked: boolean;
  private readonly now: () => number;
  private readonly random: Random;
  private readonly states: StockState[];
  private readonly weights: Float64Array;
  private readonly indexBook: IndexBook;
  private readonly holidays?: HolidaySet;
  private phases: Record<Exchange, Phase> = { hose: 'continuous', hnx: 'continuous', upcom: 'continuous' };
  private phasesValidUntil = Number.NEGATIVE_INFINITY;
  private date = '';
  private pending: PendingMatch[] = [];
  private sessionChanges: SessionChange[] = [];

  constructor(options: SyntheticMarketOptions) {
    this.random = createRandom(options.seed ?? 1);
    this.instruments = buildUniverse(options.listed ?? iboardListing(), this.random, options.symbols);
    this.indices = buildIndices(this.instruments);
    this.ledger = options.ledger ?? new Ledger();
    this.generation = options.generation ?? 'v2';
    this.clocked = options.clock !== undefined;
    this.now = options.clock ?? Date.now;
    this.holidays = options.holidays;
    this.states = this.instruments.map((i) => new StockState(i, this.random, this.ledger));
    this.weights = cumulativeWeights(this.instruments);
    this.indexBook = new IndexBook(this.indices, this.states);
    this.refresh(this.now());
  }

  /** The current phase of an exchange (always `continuous` without a clock). */
  phase(exchange: Exchange): Phase {
    return this.phases[exchange];
  }

  /** Whether any exchange is trading now, i.e. whether `nextFrame()` can produce a frame. */
  isActive(): boolean {
    this.refresh(this.now());
    return this.pending.length > 0 || ALL_EXCHANGES.some((e) => TRADING.has(this.phases[e]));
  }

  /** The next stock frame, or undefined when no exchange trades at the clock's time. */
  nextFrame(): MarketFrame | undefined {
    const time = this.now();
    this.refresh(time);
    const match = this.pending.pop();
    if (match) {
      const state = this.states[match.position];
      if (match.kind === 'open') state.openingMatch(time);
      else state.closingMatch(time);
      return this.emit(state, time, true);
    }
    for (let draw = 0; draw < MAX_DRAWS; draw++) {
      const state = this.states[sampleIndex(this.weights, this.random.next())];
      const phase = this.phases[state.instrument.exchange];
      if (!TRADING.has(phase)) continue;
      if (phase === 'ATO' || phase === 'ATC') {
        state.auction();
        return this.emit(state, time, false);
      }
      if (phase === 'put-through' && !this.random.chance(PUT_THROUGH_ACTIVITY)) continue;
      const traded = phase === 'continuous' && state.continuous(time);
      return this.emit(state, time, traded);
    }
    return undefined;
  }

  /** One frame per index, with values computed from the constituents' current prices. */
  indexFrames(): MarketIndexFrame[] {
    const time = this.now();
    this.refresh(time);
    return this.indexBook
      .frames(time)
      .map((frame) => ({ indexId: frame.indexId, raw: formatIndexFrame(frame) }));
  }

  /**
   * An exchange correction now: the symbol's day volume and value lowered by `fraction`
   * (see `StockState.correct`); its next frames show the lower totals. Undefined when the
   * symbol is unknown or has not traded yet.
   *
   * @example
   * market.correct('FPT', 0.5); // FPT's cumulative volume halved, in the ledger too
   */
  correct(symbol: string, fraction: number): LedgerCorrection | undefined {
    if (!(fraction > 0 && fraction < 1))
      throw new RangeError(`correction fraction must be within (0, 1), got ${fraction}`);
    const time = this.now();
    this.refresh(time);
    const state = this.states.find((s) => s.instrument.symbol === symbol);
    return state?.correct(fraction, time);
  }

  /**
   * Every instrument of one exchange as it stands now, V2-shaped, for the REST snapshot
   * (read-only: it draws nothing, so the frame stream is the same with or without it).
   */
  snapshot(exchange: Exchange): { frame: StockFrame; date: string }[] {
    const time = this.now();
    this.refresh(time);
    return this.states
      .filter((state) => state.instrument.exchange === exchange)
      .map((state) => ({ frame: state.toFrame('v2', time), date: state.date }));
  }

  /** Phase changes since the last call (for `notifySessionByList` subscribers). */
  takeSessionChanges(): SessionChange[] {
    const changes = this.sessionChanges;
    this.sessionChanges = [];
    return changes;
  }

  private emit(state: StockState, time: number, traded: boolean): MarketFrame {
    this.ledger.framesGenerated++;
    const raw = formatStockFrame(state.toFrame(this.generation, time));
    return { symbol: state.instrument.symbol, raw, traded };
  }

  /** Rolls the day over and recomputes phases at most once a minute of clock time. */
  private refresh(time: number): void {
    if (time < this.phasesValidUntil) return;
    this.phasesValidUntil = (Math.floor(time / MINUTE_MS) + 1) * MINUTE_MS;
    const date = ictDate(time);
    const first = this.date === '';
    if (date !== this.date) {
      this.date = date;
      for (const state of this.states) state.startDay(date);
      this.indexBook.startDay();
      this.pending = [];
    }
    if (!this.clocked) return;
    const before = this.phases;
    const after = { ...before };
    for (const exchange of ALL_EXCHANGES) {
      after[exchange] = phaseAt(time, exchange, { holidays: this.holidays });
      if (first || after[exchange] === before[exchange]) continue;
      this.sessionChanges.push({ exchange, phase: after[exchange], time });
      const kind = before[exchange] === 'ATO' ? 'open' : before[exchange] === 'ATC' ? 'close' : undefined;
      if (kind) this.queueMatches(exchange, kind);
    }
    this.phases = after;
  }

  private queueMatches(exchange: Exchange, kind: PendingMatch['kind']): void {
    // Popped from the end: queue in reverse so matches come out in instrument order.
    for (let position = this.states.length - 1; position >= 0; position--) {
      if (this.instruments[position].exchange === exchange) this.pending.push({ position, kind });
    }
  }
}
