/**
 * Everything the checks need from the stream, gathered in one pass over its records in
 * shard order (no frame is kept): per connection what arrived, per symbol the trades the
 * frames imply, the poison frames and the undecodable records, and which of the ledger's
 * last frames made it.
 *
 * The trades a symbol's frames imply follow the documented rule (core/derive's
 * symbol-tracker): frames are applied in stream order; a frame whose version
 * (time, cumulative volume) is older than the last applied one is stale and skipped; the
 * first frame of a day is not a trade (its volume is pre-existing); a later growth of the
 * cumulative volume is one `trade` keyed `tradeSortKey(time, cumulativeVolume)` when it
 * came on the same connection as the frame before, with no refused frame of the symbol
 * between (else the growth is a `gap`, not a trade); time = the V2 server time, else the
 * receive time. This is an independent re-statement of the rule (for the monotone
 * clocks and volumes the simulator sends), not a call into it.
 *
 * @example
 * const analysis = new StreamAnalysis(summariseLedger(sim.ledger));
 * for (const record of records) analysis.addRecord(record);
 */

import { parseFrame, stockSymbolOf } from '../../core/iboard/parse-frame.ts';
import { decodeRecord, RecordDecodeError } from '../../core/records/index.ts';
import { dayPartition, rejectSortKey, tradeSortKey, tradingDate } from '../../core/tables.ts';
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
  /** Cumulative volume of the first frame applied (the baseline). */
  firstVolume: number;
  /** Cumulative volume of the last frame applied: the exchange total as last seen. */
  volume: number;
  /** Connection of the last frame applied, and whether a frame of the symbol was refused since. */
  connection: string;
  lost: boolean;
  time: number;
  /** ICT trading date of `time`: a new day starts over (no trade across days). */
  date: string;
  /** Sort keys of the trades the frames imply, with their quantities; key = `pk|sk`. */
  trades: Map<string, number>;
  stale: number;
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
  /** Frames seen more than once (same connection and sequence number: a record put twice). */
  duplicateFrames = 0;
  /**
   * Malformed copies of index frames that still parse: the source's field-count fault
   * leaves a 20-field index frame whole (an exact repeat), its corrupt-number fault
   * appends a field past the end. Counted to reconcile the malformed frames sent.
   */
  malformedIndexCopies = 0;
  private readonly previousRaw = new Map<string, string>();
  /** Ingest connection id → the simulator's client id, from frames the ledger knows. */
  readonly clientOf = new Map<string, number>();

  constructor(private readonly ledger: Pick<LedgerSummary, 'lastFrames' | 'clientOfRaw'>) {}

  addRecord(record: StreamRecordData): void {
    this.records++;
    let envelopes: ReturnType<typeof decodeRecord>;
    try {
      envelopes = decodeRecord(record.data);
    } catch (error) {
      if (!(error instanceof RecordDecodeError)) throw error;
      this.undecodable.push({
        shardId: record.shardId,
        sequenceNumber: record.sequenceNumber,
        code: error.code,
      });
      return;
    }
    for (const [index, envelope] of envelopes.entries()) {
      this.frames++;
      const duplicate = this.noteConnection(envelope.connectionId, envelope.seq, envelope.receivedAt);
      const frame = parseFrame(envelope.raw);
      if (frame.kind === 'rejected' || frame.kind === 'unknown') {
        const symbol = stockSymbolOf(envelope.raw);
        const seen = symbol === undefined ? undefined : this.symbols.get(symbol);
        if (seen) seen.lost = true;
        this.poison.push({
          rejectKey: rejectSortKey(record.shardId, record.sequenceNumber, index),
          reason: frame.kind === 'rejected' ? frame.reason : 'unknown frame type',
          raw: envelope.raw.slice(0, 80),
        });
        continue;
      }
      const previous = this.previousRaw.get(envelope.connectionId);
      this.previousRaw.set(envelope.connectionId, envelope.raw);
      if (frame.kind === 'index') {
        this.indexFrames++;
        if (!duplicate && (envelope.raw === previous || envelope.raw.endsWith('|xundefined')))
          this.malformedIndexCopies++;
      }
      if (frame.kind !== 'stock') continue;
      this.stockFrames++;
      if (!duplicate && this.ledger.lastFrames.get(frame.symbol) === envelope.raw)
        this.lastFramesDelivered.add(frame.symbol);
      const client = this.ledger.clientOfRaw.get(envelope.raw);
      if (client !== undefined) this.clientOf.set(envelope.connectionId, client);
      if (frame.totalVolume === undefined) continue;
      this.apply(
        frame.symbol,
        frame.serverTime ?? envelope.receivedAt,
        frame.totalVolume,
        envelope.connectionId,
      );
    }
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

  private apply(symbol: string, time: number, volume: number, connection: string): void {
    const seen = this.symbols.get(symbol);
    if (!seen) {
      this.symbols.set(symbol, {
        firstVolume: volume,
        volume,
        connection,
        lost: false,
        time,
        date: tradingDate(time),
        trades: new Map(),
        stale: 0,
      });
      return;
    }
    if (time < seen.time || (time === seen.time && volume < seen.volume)) {
      seen.stale++;
      return;
    }
    const date = time === seen.time ? seen.date : tradingDate(time);
    if (date !== seen.date) seen.firstVolume = volume;
    else if (volume > seen.volume && connection === seen.connection && !seen.lost) {
      seen.trades.set(`${dayPartition(symbol, time)}|${tradeSortKey(time, volume)}`, volume - seen.volume);
    }
    seen.connection = connection;
    seen.lost = false;
    seen.date = date;
    seen.time = time;
    seen.volume = volume;
  }
}
