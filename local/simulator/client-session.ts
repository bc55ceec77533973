/**
 * One connected client: what it subscribed to, and every send to it, so that filtering,
 * fault injection (silence, malformed frames, close after N frames), backpressure and
 * the ledger's per-client counts live in one place.
 */
import type { WebSocket } from 'ws';
import type { Random } from '../../core/random.ts';
import { isV2Stock, withExtraField, withJunkField, withServerTimeSkew } from './altered.ts';
import type { Faults } from './fault-knobs.ts';
import { DEFAULT_OVERSIZED_BYTES } from './fault-knobs.ts';
import type { Ledger } from './ledger.ts';
import { malformedFrame } from './malformed.ts';
import type { ReplayPlayer } from './replay-player.ts';

/** Synthetic frames to a client whose socket holds more than this are dropped (and counted). */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export type ClientInfo = {
  readonly id: number;
  readonly userAgent: string | undefined;
  readonly remotePort: number | undefined;
  readonly connectedAt: number;
  readonly symbols: number;
  readonly indices: number;
};

export class ClientSession {
  /** Upper-case symbols (V2 and V1 ids resolved to symbols). */
  readonly symbols = new Set<string>();
  /** Upper-case index ids. */
  readonly indices = new Set<string>();
  readonly markets = new Set<string>();
  wantsServerName = false;
  replay: ReplayPlayer | undefined;
  /** Field 101 of the V2 stock frames sent here runs this far ahead (the knob when accepted). */
  readonly serverTimeSkewMs: number;
  private dataFrames = 0;
  private junkTurn = 0;
  private closed = false;

  constructor(
    readonly id: number,
    readonly ws: WebSocket,
    readonly userAgent: string | undefined,
    readonly connectedAt: number,
    private readonly faults: Faults,
    private readonly ledger: Ledger,
    private readonly random: Random,
  ) {
    this.serverTimeSkewMs = faults.peek().serverTimeSkewMs ?? 0;
    ws.once('close', () => {
      this.closed = true;
      this.replay?.stop();
    });
  }

  get isOpen(): boolean {
    return !this.closed && this.ws.readyState === this.ws.OPEN;
  }

  info(): ClientInfo {
    return {
      id: this.id,
      userAgent: this.userAgent,
      remotePort: this.ws.readyState === this.ws.OPEN ? (this.remotePort() ?? undefined) : undefined,
      connectedAt: this.connectedAt,
      symbols: this.symbols.size,
      indices: this.indices.size,
    };
  }

  /** A control reply (ack, error, session notice); withheld during a silence. */
  sendControl(text: string): void {
    if (!this.isOpen || this.faults.isSilent()) return;
    this.ws.send(text);
  }

  /**
   * A synthetic data frame: dropped (and counted) during a silence or when the socket is
   * backed up; may be preceded by a malformed frame; may trigger a close-after-N cut.
   */
  sendSynthetic(kind: 'stock' | 'index', key: string, raw: string): void {
    if (!this.isOpen) return;
    if (this.faults.isSilent()) {
      this.ledger.noteDropped(this.id, 'silence');
      return;
    }
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.ledger.noteDropped(this.id, 'backpressure');
      return;
    }
    this.sendData(kind, key, raw);
  }

  /** A replayed frame (the player already waited for silence and backpressure). */
  sendData(kind: 'stock' | 'index' | 'other', key: string, original: string): void {
    if (!this.isOpen) return;
    this.maybeMalformed(original);
    const raw = kind === 'stock' ? this.altered(original) : original;
    this.ws.send(raw);
    if (kind === 'stock') this.ledger.noteStockSent(this.id, key, raw);
    else if (kind === 'index') this.ledger.noteIndexSent(this.id, key, raw);
    else this.ledger.noteOtherSent(this.id);
    this.dataFrames++;
    const limit = this.faults.peek().closeAfterFrames;
    if (limit !== undefined && this.dataFrames >= limit) this.cut();
  }

  /** Ends the connection the way the fault settings say: a close frame with a code, or a TCP cut. */
  cut(): void {
    if (this.closed) return;
    this.closed = true;
    this.replay?.stop();
    const code = this.faults.peek().closeCode;
    if (code === undefined) this.ws.terminate();
    else this.ws.close(code, 'simulated fault');
  }

  /** A V2 stock frame as this client gets it: skewed server time, maybe a field added or junk. */
  private altered(raw: string): string {
    if (!isV2Stock(raw)) return raw;
    const skewed = withServerTimeSkew(raw, this.serverTimeSkewMs);
    const knobs = this.faults.peek();
    // No draw unless altering is on: the fault draws of a seed stay what they were.
    if (!knobs.extraFieldRate && !knobs.junkFieldRate) return skewed;
    const kind = this.faults.alteredKind(this.random.next());
    if (kind === undefined) return skewed;
    this.ledger.noteAltered(this.id, kind);
    return kind === 'extra-field' ? withExtraField(skewed) : withJunkField(skewed, this.junkTurn++);
  }

  private maybeMalformed(raw: string): void {
    const kind = this.faults.malformedBefore(this.random.next());
    if (!kind) return;
    const size = this.faults.peek().oversizedBytes ?? DEFAULT_OVERSIZED_BYTES;
    const frame = malformedFrame(kind, raw, this.random, size);
    this.ws.send(frame.data, { binary: frame.binary });
    this.ledger.noteMalformed(this.id, kind);
  }

  private remotePort(): number | undefined {
    return (this.ws as unknown as { _socket?: { remotePort?: number } })._socket?.remotePort;
  }
}
