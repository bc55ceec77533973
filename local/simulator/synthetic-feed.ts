/**
 * Drives the synthetic market at a rate and fans its frames out to the clients that
 * subscribed: stock frames by symbol, index frames every `indexIntervalMs` to index
 * subscribers, session notices to session subscribers.
 *
 * At a finite rate, each `tick()` sends the frames due since the start (in a batch per
 * timer tick); under overload it falls behind by at most `MAX_LAG_MS`, then skips ahead.
 * At `rate: Infinity` it generates as fast as the subscribers' sockets drain.
 */
import type { WebSocket } from 'ws';
import type { Generation } from '../../core/iboard/types.ts';
import { sessionNotice } from './client-protocol.ts';
import type { ClientSession } from './client-session.ts';
import type { Ledger } from './ledger.ts';
import type { MqttBroker } from './mqtt-broker.ts';
import { HIGH_WATER_BYTES } from './replay-player.ts';
import type { SyntheticMarket } from './synthetic-market.ts';

/** Timer period of the server; each tick sends the frames due since the last. */
export const TICK_MS = 5;
/** Under overload the generator falls behind by at most this much, then skips ahead. */
const MAX_LAG_MS = 1000;
/** Frames per turn of the event loop at `rate: Infinity`. */
const MAX_RATE_BATCH = 500;
/** How long to wait for a full socket to drain before looking again. */
const DRAIN_WAIT_MS = 50;

export class SyntheticFeed {
  private rate: number;
  private rateStart = performance.now();
  private generated = 0;
  private lastIndexAt = 0;
  private stopped = false;

  constructor(
    private readonly market: SyntheticMarket,
    private readonly clients: ReadonlyMap<number, ClientSession>,
    private readonly ledger: Ledger,
    private readonly generation: Generation,
    rate: number,
    private readonly indexIntervalMs: number,
    /** The MQTT broker: gets the stock frames its clients subscribed to. */
    private readonly mqtt?: Pick<MqttBroker, 'wants' | 'publish' | 'outlets' | 'saturated'>,
  ) {
    this.rate = rate;
    if (!Number.isFinite(rate)) this.pump();
  }

  setRate(framesPerSecond: number): void {
    const wasFinite = Number.isFinite(this.rate);
    this.rate = framesPerSecond;
    this.rateStart = performance.now();
    this.generated = 0;
    if (wasFinite && !Number.isFinite(framesPerSecond)) this.pump();
  }

  stop(): void {
    this.stopped = true;
  }

  /** Called by the server's timer every `TICK_MS`. */
  tick(): void {
    if (this.stopped) return;
    if (Number.isFinite(this.rate)) {
      const due = Math.floor(((performance.now() - this.rateStart) * this.rate) / 1000);
      const maxLag = Math.ceil((this.rate * MAX_LAG_MS) / 1000);
      if (due - this.generated > maxLag) this.generated = due - maxLag;
      const wanted = due - this.generated;
      const made = this.produce(wanted);
      // A closed market makes nothing: do not let a backlog pile up for the open.
      this.generated = made < wanted ? due : this.generated + made;
    }
    this.sendSessionNotices();
    this.sendIndices();
  }

  private produce(count: number): number {
    let made = 0;
    for (; made < count; made++) {
      const frame = this.market.nextFrame();
      if (!frame) break;
      const mqttWants = this.mqtt?.wants(frame.symbol) === true;
      if (mqttWants) this.mqtt?.publish(frame.symbol, frame.raw);
      if (this.clients.size === 0) {
        if (!mqttWants) this.ledger.framesWithoutClients++;
        continue;
      }
      for (const client of this.clients.values()) {
        if (client.symbols.has(frame.symbol)) client.sendSynthetic('stock', frame.symbol, frame.raw);
      }
    }
    return made;
  }

  private sendSessionNotices(): void {
    for (const change of this.market.takeSessionChanges()) {
      const notice = sessionNotice(this.generation, change.exchange, change.phase);
      for (const client of this.clients.values()) {
        if (client.markets.has(change.exchange)) client.sendControl(notice);
      }
    }
  }

  private sendIndices(): void {
    const now = performance.now();
    if (now - this.lastIndexAt < this.indexIntervalMs || !this.market.isActive()) return;
    this.lastIndexAt = now;
    const subscribers = [...this.clients.values()].filter((c) => c.indices.size > 0);
    if (subscribers.length === 0) return;
    for (const frame of this.market.indexFrames()) {
      const key = frame.indexId.toUpperCase();
      for (const client of subscribers) {
        if (client.indices.has(key)) client.sendSynthetic('index', frame.indexId, frame.raw);
      }
    }
  }

  /** `rate: Infinity`: generate while some subscriber's socket has room, else wait for it to drain. */
  private pump(): void {
    if (this.stopped || Number.isFinite(this.rate)) return;
    const next = () => this.pump();
    const subscribers = [...this.clients.values()].filter((c) => c.symbols.size > 0 && c.isOpen);
    // MQTT clients are paced the same way: by what waits in their connection.
    const outlets = this.mqtt?.outlets() ?? [];
    if (subscribers.length === 0 && outlets.length === 0) {
      setTimeout(next, TICK_MS);
    } else if (this.mqtt?.saturated) {
      // The broker still hands out earlier publications: look again in a moment.
      setTimeout(next, 1);
    } else if (
      subscribers.every((c) => c.ws.bufferedAmount > HIGH_WATER_BYTES) &&
      outlets.every((o) => o.backlog > HIGH_WATER_BYTES)
    ) {
      if (subscribers.length > 0) waitForDrain(subscribers[0].ws, next);
      else waitForDrainOf(outlets[0].drain, next);
    } else if (this.produce(MAX_RATE_BATCH) === 0) {
      setTimeout(next, TICK_MS);
    } else {
      setImmediate(next);
    }
  }
}

/** Calls `then` once the socket flushed its buffer, or after `DRAIN_WAIT_MS`, whichever first. */
function waitForDrain(ws: WebSocket, then: () => void): void {
  // `_socket` is ws's underlying net.Socket: not in its types, present throughout ws 8.x.
  waitForDrainOf((ws as unknown as { _socket?: NodeJS.EventEmitter })._socket, then);
}

function waitForDrainOf(socket: NodeJS.EventEmitter | undefined, then: () => void): void {
  let called = false;
  const once = () => {
    if (called) return;
    called = true;
    clearTimeout(fallback);
    socket?.off('drain', once);
    then();
  };
  const fallback = setTimeout(once, DRAIN_WAIT_MS);
  socket?.once('drain', once);
}
