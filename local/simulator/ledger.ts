/**
 * The simulator's ground truth, read by tests to check that a pipeline lost nothing and
 * counted nothing twice: every trade the synthetic market made (per symbol), the final
 * cumulative volume and value, what was actually sent to each client, and the frames
 * nobody received (no client connected, silenced, dropped under backpressure).
 */

/** One matched trade. `cumulativeVolume`/`cumulativeValue` are the day's totals after it. */
export type LedgerTrade = {
  readonly time: number;
  /** ICT trading date, `YYYY-MM-DD`. */
  readonly date: string;
  readonly price: number;
  readonly quantity: number;
  readonly cumulativeVolume: number;
  readonly cumulativeValue: number;
};

export type MalformedKind = 'field-count' | 'garbage' | 'binary' | 'oversized';

/**
 * Data frames sent changed in a way the feed may really change them, still data: a field
 * appended past the 102 of V2 (SSI adding one), junk in a field nothing stores.
 */
export type AlteredKind = 'extra-field' | 'junk-field';

/**
 * An exchange correction: the day's cumulative volume and value of a symbol lowered (a
 * cancelled match), kept lowered; the frames after it report the lower totals.
 */
export type LedgerCorrection = {
  readonly symbol: string;
  /** Market clock (the frames' server time) when it was made. */
  readonly time: number;
  readonly date: string;
  readonly fromVolume: number;
  readonly toVolume: number;
  readonly fromValue: number;
  readonly toValue: number;
  /**
   * Market clock when new trades took the volume back to `fromVolume` or above (set by the
   * market): from then on no frame tells the correction from a late frame.
   */
  overtakenAt?: number;
};

export type ClientCounts = {
  /** Data frames (stock and index) sent to the client, malformed ones excluded. */
  framesSent: number;
  /** Malformed frames sent, by kind. */
  malformed: Record<MalformedKind, number>;
  /** Data frames sent altered (counted in `framesSent` too), by kind. */
  altered: Record<AlteredKind, number>;
  /** Server-time skew (ms) of the frames sent to this client: field 101 ran this far ahead. */
  serverTimeSkewMs: number;
  /** Synthetic frames the client subscribed to but did not get because its socket was backed up. */
  droppedBackpressure: number;
  /** Synthetic frames withheld from the client during a silence fault. */
  droppedSilence: number;
};

type ClientRecord = ClientCounts & {
  lastFrames: Map<string, string>;
  lastIndexFrames: Map<string, string>;
};

export class Ledger {
  /** Keep every trade (tests) or only the totals (long runs: a busy day is millions of trades). */
  readonly recordTrades: boolean;
  /** Synthetic frames generated while no client was connected. */
  framesWithoutClients = 0;
  /** Synthetic frames generated in total (stock frames, not index frames). */
  framesGenerated = 0;
  /** Upgrades answered with 403 (library User-Agent), 503 or a reset (refusal fault), 404 (wrong path). */
  readonly upgradesRejected = { 403: 0, 404: 0, 503: 0, reset: 0 };
  /** Exchange corrections, in the order made. */
  readonly corrections: LedgerCorrection[] = [];
  private readonly tradeLists = new Map<string, LedgerTrade[]>();
  private readonly totalsBySymbol = new Map<string, { date: string; volume: number; value: number }>();
  private readonly clientRecords = new Map<number, ClientRecord>();
  /** Per symbol, the stock frame sent last, to whichever client (connections may overlap). */
  private readonly lastSent = new Map<string, string>();

  constructor(options: { recordTrades?: boolean } = {}) {
    this.recordTrades = options.recordTrades ?? true;
  }

  /** Called by the market for each trade it makes. */
  addTrade(symbol: string, trade: LedgerTrade): void {
    this.totalsBySymbol.set(symbol, {
      date: trade.date,
      volume: trade.cumulativeVolume,
      value: trade.cumulativeValue,
    });
    if (!this.recordTrades) return;
    let list = this.tradeLists.get(symbol);
    if (!list) {
      list = [];
      this.tradeLists.set(symbol, list);
    }
    list.push(trade);
  }

  /** Called by the market when it lowers a symbol's day totals (the totals follow). */
  addCorrection(correction: LedgerCorrection): void {
    this.corrections.push(correction);
    this.totalsBySymbol.set(correction.symbol, {
      date: correction.date,
      volume: correction.toVolume,
      value: correction.toValue,
    });
  }

  /** Every trade of a symbol, oldest first (empty when `recordTrades` is off). */
  trades(symbol: string): readonly LedgerTrade[] {
    return this.tradeLists.get(symbol) ?? [];
  }

  /** Symbols that traded at least once. */
  tradedSymbols(): string[] {
    return [...this.totalsBySymbol.keys()];
  }

  /** Cumulative volume and value of the symbol's latest trading day (zeros before any trade). */
  totals(symbol: string): { date?: string; volume: number; value: number } {
    return this.totalsBySymbol.get(symbol) ?? { volume: 0, value: 0 };
  }

  /** Counters of one client; ids are given in connection order from 1. */
  client(clientId: number): ClientCounts {
    const { framesSent, malformed, altered, serverTimeSkewMs, droppedBackpressure, droppedSilence } =
      this.record(clientId);
    return {
      framesSent,
      malformed: { ...malformed },
      altered: { ...altered },
      serverTimeSkewMs,
      droppedBackpressure,
      droppedSilence,
    };
  }

  /** Every client that connected, in connection order. */
  clientIds(): number[] {
    return [...this.clientRecords.keys()];
  }

  /** The last stock frame (raw text) sent to a client for a symbol. */
  lastFrame(clientId: number, symbol: string): string | undefined {
    return this.clientRecords.get(clientId)?.lastFrames.get(symbol);
  }

  /** Every symbol's last stock frame sent to a client. */
  lastFrames(clientId: number): ReadonlyMap<string, string> {
    return this.clientRecords.get(clientId)?.lastFrames ?? new Map();
  }

  /** Per symbol, the last stock frame sent to any client (raw text). */
  lastStockFrames(): ReadonlyMap<string, string> {
    return this.lastSent;
  }

  /** The last index frame sent to a client for an index id (e.g. `VNINDEX`). */
  lastIndexFrame(clientId: number, indexId: string): string | undefined {
    return this.clientRecords.get(clientId)?.lastIndexFrames.get(indexId);
  }

  // --- called by the server
  noteConnected(clientId: number, serverTimeSkewMs = 0): void {
    this.record(clientId).serverTimeSkewMs = serverTimeSkewMs;
  }

  noteStockSent(clientId: number, symbol: string, raw: string): void {
    const record = this.record(clientId);
    record.framesSent++;
    record.lastFrames.set(symbol, raw);
    this.lastSent.set(symbol, raw);
  }

  noteIndexSent(clientId: number, indexId: string, raw: string): void {
    const record = this.record(clientId);
    record.framesSent++;
    record.lastIndexFrames.set(indexId, raw);
  }

  noteOtherSent(clientId: number): void {
    this.record(clientId).framesSent++;
  }

  noteMalformed(clientId: number, kind: MalformedKind): void {
    this.record(clientId).malformed[kind]++;
  }

  noteAltered(clientId: number, kind: AlteredKind): void {
    this.record(clientId).altered[kind]++;
  }

  noteDropped(clientId: number, why: 'backpressure' | 'silence'): void {
    const record = this.record(clientId);
    if (why === 'backpressure') record.droppedBackpressure++;
    else record.droppedSilence++;
  }

  private record(clientId: number): ClientRecord {
    let record = this.clientRecords.get(clientId);
    if (!record) {
      record = {
        framesSent: 0,
        malformed: { 'field-count': 0, garbage: 0, binary: 0, oversized: 0 },
        altered: { 'extra-field': 0, 'junk-field': 0 },
        serverTimeSkewMs: 0,
        droppedBackpressure: 0,
        droppedSilence: 0,
        lastFrames: new Map(),
        lastIndexFrames: new Map(),
      };
      this.clientRecords.set(clientId, record);
    }
    return record;
  }
}
