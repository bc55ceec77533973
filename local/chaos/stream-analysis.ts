/**
 * Everything the checks need from the stream, gathered in one pass over its records in
 * shard order (no frame is kept): per connection what arrived, per symbol the `trade` and
 * `correction` rows the frames imply, the poison frames and the undecodable records,
 * which of the ledger's last frames made it, and the altered data frames seen.
 *
 * The rows a symbol's frames imply follow the documented rule (core/derive's
 * symbol-tracker), re-stated here independently (only its two time constants are shared):
 * - frames are applied in stream order, per symbol and ICT trading day; the day's rows
 *   sum to the last cumulative volume applied (the *sum* below);
 * - time = the V2 server time (field 101), else the receive time, and each of the two has
 *   its own clock (the latest time applied); a frame is *stale* (skipped) when it is older
 *   than its clock by more than the tolerance (5 s), or not after its clock and bringing no
 *   higher volume (a frame at the clock's time with the sum's volume is a book update, and
 *   is applied), or of an earlier day;
 * - the first volume of a day starts the day (pre-existing volume, after the opening
 *   auction when fields 96–100 tell it): no `trade` row;
 * - growth of the sum is one `trade` row when the frame's own connection last showed the
 *   sum (its last frame of the symbol, applied or stale within the tolerance, not older
 *   than one it showed before), with no refused frame of the symbol on it since (else a
 *   `gap`); its key is `tradeSortKey(time, cumulative volume)`, the time never before the
 *   previous row's;
 * - a lower volume after the clock is *pending*: a frame at or above the sum drops it; a
 *   frame at least 10 s (by its own time) after the pending one and still below the sum
 *   confirms it: a `correction` row down to the pending volume, then a `gap` up to the
 *   confirming frame's volume (or, lower still, a new pending volume). The pending frames
 *   move no clock.
 *
 * @example
 * const analysis = new StreamAnalysis(summariseLedger(sim.ledger));
 * for (const record of records) analysis.addRecord(record);
 */

import { CLOCK_TOLERANCE_MS, CONFIRM_AFTER_MS } from '../../core/derive/symbol-tracker.ts';
import { parseFrame, stockSymbolOf } from '../../core/iboard/parse-frame.ts';
import type { RejectedFrame, StockFrame, UnknownFrame } from '../../core/iboard/types.ts';
import { ictDate } from '../../core/market/ict-time.ts';
import { decodeRecord, type Envelope, RecordDecodeError } from '../../core/records/index.ts';
import { rejectSortKey, tradeSortKey } from '../../core/tables.ts';
import type { AlteredKind } from '../simulator/ledger.ts';
import type { LedgerSummary } from './ledger-summary.ts';

export type StreamRecordData = {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly data: Uint8Array;
};

export type ConnectionSeen = {
  first: number;
  last: number;
  frames: number;
  duplicates: number;
  seqs: Set<number>;
};

export type SymbolSeen = {
  /** ICT trading date of the day being summed (`YYYY-MM-DD`). */
  date: string;
  /** The day's rows so far sum to this: the cumulative volume last applied. */
  volume: number;
  /** Latest server time (field 101) applied, and latest receive time of frames without one. */
  clock: number | undefined;
  receivedClock: number | undefined;
  /** A lower cumulative volume waiting for confirmation. */
  pending: { time: number; volume: number } | undefined;
  /**
   * Per connection, the volume (and time) of its last frame of the symbol, applied or stale
   * within the tolerance; a refused frame of the symbol on it removes it. Growth is a trade
   * only on a connection that last showed the sum.
   */
  connections: Map<string, { volume: number; time: number }>;
  /** Time of the day's last row: rows never go back in time. */
  rowTime: number | undefined;
  /** Latest time of any volume frame of the symbol in the stream (applied or not). */
  lastFrameTime: number;
  /** `trade` rows the frames imply, key `pk|sk` → quantity. */
  trades: Map<string, number>;
  /** `correction` rows the frames imply, key `pk|sk` → (negative) quantity. */
  corrections: Map<string, number>;
  stale: number;
  /** Lower volumes dropped by a later frame at or above the sum (late frames, not corrections). */
  pendingDropped: number;
  /** Time of the latest frame below the sum that was not stale (a lower volume the stream carried). */
  lastLowerTime: number | undefined;
};

export type PoisonFrame = { readonly rejectKey: string; readonly reason: string; readonly raw: string };

export type UndecodableRecord = {
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly code: string;
};

export class StreamAnalysis {
  records = 0;
  frames = 0;
  stockFrames = 0;
  indexFrames = 0;
  readonly connections = new Map<string, ConnectionSeen>();
  readonly symbols = new Map<string, SymbolSeen>();
  readonly poison: PoisonFrame[] = [];
  readonly undecodable: UndecodableRecord[] = [];
  /** Symbols whose ledger last frame is in the stream. */
  readonly lastFramesDelivered = new Set<string>();
  /** Of those, the ones whose last frame the rule skipped (stale, or a pending lower volume). */
  readonly lastFramesSkipped = new Set<string>();
  /** Per symbol, the last frame the rule applied (the one the quote must show). */
  readonly lastApplied = new Map<string, string>();
  /** Frames seen more than once (same connection and sequence number: a record put twice). */
  duplicateFrames = 0;
  /**
   * Malformed copies of index frames that still parse: the source's field-count fault
   * leaves a 20-field index frame whole (an exact repeat), its corrupt-number fault
   * appends a field past the end. Counted to reconcile the malformed frames sent.
   */
  malformedIndexCopies = 0;
  /** Altered stock frames (an extra field, junk in an unused field; over MQTT by their text) seen, not duplicates. */
  readonly altered: Record<AlteredKind, number> = { 'extra-field': 0, 'junk-field': 0 };
  /** Of those, the ones that did not parse as a stock frame (they must: they are data). */
  readonly alteredRefused: string[] = [];
  /**
   * Over MQTT, per connection: frames whose text is an altered message's (the ledger's
   * `mqtt.alteredTexts`; the alteration itself is skipped by the decoder), by kind.
   */
  readonly alteredOn = new Map<string, Record<AlteredKind, number>>();
  /** Per connection, stock frames per symbol (duplicates not counted). */
  readonly connectionSymbols = new Map<string, Map<string, number>>();
  private readonly previousRaw = new Map<string, string>();
  /** Ingest connection id → the simulator's client id, from frames the ledger knows. */
  readonly clientOf = new Map<string, number>();

  constructor(private readonly ledger: Pick<LedgerSummary, 'lastFrames' | 'clientOfRaw' | 'mqtt'>) {}

  addRecord(record: StreamRecordData): void {
    this.records++;
    const envelopes = this.decode(record);
    if (envelopes === undefined) return;
    for (const [index, envelope] of envelopes.entries()) this.addEnvelope(record, index, envelope);
  }

  /** The record's envelopes, or undefined (noted as undecodable) when it does not decode. */
  private decode(record: StreamRecordData): Envelope[] | undefined {
    try {
      return decodeRecord(record.data);
    } catch (error) {
      if (!(error instanceof RecordDecodeError)) throw error;
      this.undecodable.push({
        shardId: record.shardId,
        sequenceNumber: record.sequenceNumber,
        code: error.code,
      });
      return undefined;
    }
  }

  /** One frame of a record (the `index`-th): counted per connection, then by its kind. */
  private addEnvelope(record: StreamRecordData, index: number, envelope: Envelope): void {
    this.frames++;
    const duplicate = this.noteConnection(envelope.connectionId, envelope.seq, envelope.receivedAt);
    const frame = parseFrame(envelope.raw);
    if (!duplicate) this.noteAltered(envelope.raw, frame.kind === 'stock');
    if (frame.kind === 'rejected' || frame.kind === 'unknown') {
      this.notePoison(record, index, envelope, frame);
      return;
    }
    const previous = this.previousRaw.get(envelope.connectionId);
    this.previousRaw.set(envelope.connectionId, envelope.raw);
    if (frame.kind === 'index') {
      this.indexFrames++;
      if (!duplicate && (envelope.raw === previous || envelope.raw.endsWith('|xundefined')))
        this.malformedIndexCopies++;
    }
    if (frame.kind === 'stock') this.addStock(frame, envelope, duplicate);
  }

  /** A frame the transform refuses: poison, and a loss of its symbol on its connection. */
  private notePoison(
    record: StreamRecordData,
    index: number,
    envelope: Envelope,
    frame: RejectedFrame | UnknownFrame,
  ): void {
    // Only a refused frame naming a known symbol is a loss of that symbol (as the transform says).
    const symbol = frame.kind === 'rejected' ? stockSymbolOf(envelope.raw) : undefined;
    const seen = symbol === undefined ? undefined : this.symbols.get(symbol);
    seen?.connections.delete(envelope.connectionId);
    this.poison.push({
      rejectKey: rejectSortKey(record.shardId, record.sequenceNumber, index),
      reason: frame.kind === 'rejected' ? frame.reason : 'unknown frame type',
      raw: envelope.raw.slice(0, 80),
    });
  }

  /** A stock frame: counted, matched against the ledger's last frames, and applied by the rule. */
  private addStock(frame: StockFrame, envelope: Envelope, duplicate: boolean): void {
    this.stockFrames++;
    if (!duplicate) this.noteStock(envelope.connectionId, frame.symbol, envelope.raw);
    const last = !duplicate && this.ledger.lastFrames.get(frame.symbol) === envelope.raw;
    if (last) this.lastFramesDelivered.add(frame.symbol);
    const client = this.ledger.clientOfRaw.get(envelope.raw);
    if (client !== undefined) this.clientOf.set(envelope.connectionId, client);
    if (this.apply(frame, envelope.receivedAt, envelope.connectionId))
      this.lastApplied.set(frame.symbol, envelope.raw);
    else if (last) this.lastFramesSkipped.add(frame.symbol);
  }

  /** Counts a stock frame per connection and symbol, and (over MQTT) an altered message's text. */
  private noteStock(connection: string, symbol: string, raw: string): void {
    const symbols = this.connectionSymbols.get(connection) ?? new Map<string, number>();
    symbols.set(symbol, (symbols.get(symbol) ?? 0) + 1);
    this.connectionSymbols.set(connection, symbols);
    const kind = this.ledger.mqtt?.alteredTexts.get(raw);
    if (kind === undefined) return;
    this.altered[kind]++;
    const on = this.alteredOn.get(connection) ?? { 'extra-field': 0, 'junk-field': 0 };
    on[kind]++;
    this.alteredOn.set(connection, on);
  }

  /** Counts an altered V2 stock frame (see the simulator's `altered.ts`) and whether it parsed. */
  private noteAltered(raw: string, parsed: boolean): void {
    const bar = raw.indexOf('|');
    if (bar < 0 || !raw.startsWith('S#', bar + 1)) return;
    const fields = raw.split('|');
    const kinds: AlteredKind[] = [];
    if (fields.length > V2_FIELDS) kinds.push('extra-field');
    if (fields[71] === '1:2' || fields[99] === '-') kinds.push('junk-field');
    for (const kind of kinds) this.altered[kind]++;
    if (kinds.length > 0 && !parsed) this.alteredRefused.push(raw.slice(0, 80));
  }

  private noteConnection(id: string, seq: number, receivedAt: number): boolean {
    let seen = this.connections.get(id);
    if (!seen) {
      seen = { first: receivedAt, last: receivedAt, frames: 0, duplicates: 0, seqs: new Set() };
      this.connections.set(id, seen);
    }
    if (seen.seqs.has(seq)) {
      seen.duplicates++;
      this.duplicateFrames++;
      return true;
    }
    seen.seqs.add(seq);
    seen.frames++;
    seen.first = Math.min(seen.first, receivedAt);
    seen.last = Math.max(seen.last, receivedAt);
    return false;
  }

  /** One stock frame, by the rule in the module comment; whether it was applied (the quote shows it). */
  private apply(frame: StockFrame, receivedAt: number, connection: string): boolean {
    const hasServerTime = frame.serverTime !== undefined;
    const time = frame.serverTime ?? receivedAt;
    const volume = frame.totalVolume;
    const date = ictDate(time);
    let seen = this.symbols.get(frame.symbol);
    if (seen && volume !== undefined) seen.lastFrameTime = Math.max(seen.lastFrameTime, time);
    if (seen && skipStale(seen, { date, time, volume, hasServerTime }, connection)) return false;
    if (volume === undefined) return true; // no volume to account; the quote shows it
    if (!seen || date !== seen.date) {
      seen = this.startDay(frame, seen, date, time, volume);
    } else if (!this.sameDayVolume(seen, frame, connection, time, volume)) {
      return false;
    }
    saw(seen, connection, volume, time);
    if (hasServerTime) seen.clock = Math.max(seen.clock ?? time, time);
    else seen.receivedClock = Math.max(seen.receivedClock ?? time, time);
    return true;
  }

  /**
   * A volume of the day being summed, not stale: below the sum (pending, or confirming the
   * pending one), else dropping a pending one and growing the sum (a trade when the frame's
   * connection last showed the sum, else a gap). Whether the frame was applied.
   */
  private sameDayVolume(
    seen: SymbolSeen,
    frame: StockFrame,
    connection: string,
    time: number,
    volume: number,
  ): boolean {
    if (volume < seen.volume) {
      saw(seen, connection, volume, time);
      return this.lower(seen, frame, time, volume);
    }
    if (seen.pending) {
      seen.pendingDropped++;
      seen.pending = undefined;
    }
    const showedSum = seen.connections.get(connection)?.volume === seen.volume && !frame.polled;
    if (volume > seen.volume) this.grow(seen, frame, showedSum ? 'trade' : 'gap', time, volume);
    return true;
  }

  /** A day's first volume: a fresh sum, the volume so far taken as opening / pre-existing. */
  private startDay(
    frame: StockFrame,
    before: SymbolSeen | undefined,
    date: string,
    time: number,
    volume: number,
  ): SymbolSeen {
    const seen: SymbolSeen = {
      date,
      volume: 0,
      clock: undefined,
      receivedClock: undefined,
      pending: undefined,
      connections: new Map(),
      rowTime: undefined,
      lastFrameTime: time,
      trades: before?.trades ?? new Map(),
      corrections: before?.corrections ?? new Map(),
      stale: before?.stale ?? 0,
      pendingDropped: before?.pendingDropped ?? 0,
      lastLowerTime: before?.lastLowerTime,
    };
    this.symbols.set(frame.symbol, seen);
    if (volume > 0) this.grow(seen, frame, 'pre-existing', time, volume);
    return seen;
  }

  /** A volume below the sum: pending, or confirming the pending one. Whether the frame was applied. */
  private lower(seen: SymbolSeen, frame: StockFrame, time: number, volume: number): boolean {
    seen.lastLowerTime = time;
    const pending = seen.pending;
    if (!pending) {
      seen.pending = { time, volume };
      return false;
    }
    if (time < pending.time + CONFIRM_AFTER_MS) return false;
    seen.pending = undefined;
    this.row(seen, frame.symbol, 'correction', time, pending.volume);
    if (volume > pending.volume) this.grow(seen, frame, 'gap', time, volume);
    else if (volume < pending.volume) seen.pending = { time, volume };
    return true;
  }

  /** The rows that bring the sum up to `cumVolume`: the opening auction first on a growth from 0. */
  private grow(seen: SymbolSeen, frame: StockFrame, kind: RowKind, time: number, cumVolume: number): void {
    const auctionVolume = frame.openingAuctionVolume ?? 0;
    const auctionTime = frame.openingAuctionTime ?? 0;
    if (seen.volume === 0 && auctionVolume > 0 && auctionTime > 0 && auctionVolume <= cumVolume)
      this.row(seen, frame.symbol, 'opening', auctionTime, auctionVolume);
    if (cumVolume !== seen.volume) this.row(seen, frame.symbol, kind, time, cumVolume);
  }

  private row(seen: SymbolSeen, symbol: string, kind: RowKind, frameTime: number, cumVolume: number): void {
    const time = seen.rowTime !== undefined && frameTime < seen.rowTime ? seen.rowTime : frameTime;
    const key = `${symbol}#${seen.date}|${tradeSortKey(time, cumVolume)}`;
    if (kind === 'trade') seen.trades.set(key, cumVolume - seen.volume);
    if (kind === 'correction') seen.corrections.set(key, cumVolume - seen.volume);
    seen.volume = cumVolume;
    seen.rowTime = time;
  }
}

type RowKind = 'trade' | 'opening' | 'pre-existing' | 'gap' | 'correction';

/** V2 stock frames have 102 fields; more is a field SSI appended. */
const V2_FIELDS = 102;

/** What `connection` showed last of a symbol; an older frame of the same connection is a replay. */
function saw(seen: SymbolSeen, connection: string, volume: number, time: number): void {
  const last = seen.connections.get(connection);
  if (last && time < last.time) return;
  seen.connections.set(connection, { volume, time });
}

/**
 * Whether the rule skips a frame of a symbol already seen: of an earlier day, or stale
 * against its clock (counted; one within the tolerance still shows what its connection saw).
 */
function skipStale(
  seen: SymbolSeen,
  frame: { date: string; time: number; volume: number | undefined; hasServerTime: boolean },
  connection: string,
): boolean {
  const { date, time, volume } = frame;
  if (date < seen.date) {
    seen.stale++;
    return true;
  }
  if (date !== seen.date) return false;
  const clock = frame.hasServerTime ? seen.clock : seen.receivedClock;
  if (clock === undefined || !isStale(time, volume, clock, seen.volume)) return false;
  seen.stale++;
  if (volume !== undefined && clock - time <= CLOCK_TOLERANCE_MS) saw(seen, connection, volume, time);
  return true;
}

/** Whether a frame brings nothing new against its clock and the day's sum (see the module comment). */
function isStale(time: number, volume: number | undefined, clock: number, sum: number): boolean {
  if (clock - time > CLOCK_TOLERANCE_MS) return true;
  if (volume === undefined || volume === sum) return time < clock;
  return volume < sum && time <= clock;
}
