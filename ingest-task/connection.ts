/**
 * The iboard websocket: connects with a browser-like User-Agent, subscribes, stamps
 * every frame on receipt, and keeps itself alive.
 *
 * - Health: a websocket ping every `pingIntervalMs` (no pong by the next one: the
 *   socket is dead) and a no-data watchdog that reconnects after `watchdogMs` without
 *   any frame, armed only while `isMarketOpen()` says the market trades (outside
 *   sessions the feed is silent by design) and while reading is not paused by us.
 * - Reconnects after any close or error with capped exponential backoff and jitter,
 *   and re-sends every subscription on each new connection. The backoff resets once a
 *   connection delivers a frame (a server that accepts and drops at once is backed off).
 * - Logs each change once: the first failure of an outage as a warning, the retries at
 *   debug, the recovery as info with the attempt count and downtime.
 * - Frames larger than `maxFrameBytes` and binary frames are not iboard frames: they
 *   are counted and logged (`onRejected`), never forwarded.
 *
 * @example
 * const connection = new IboardConnection({ url, subscribeMessages, onFrame: (e) => buffer.add(e), ... });
 * connection.start();
 * await connection.stop();
 */
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { Backoff } from '../core/backoff.ts';
import { BROWSER_USER_AGENT } from '../core/iboard/browser-headers.ts';
import type { Envelope } from '../core/records/index.ts';
import type { IngestLogger } from './logger.ts';
import type { ConnectionState, IngestMetrics } from './metrics.ts';

/** What iboard's own web page sends; the live server refuses library User-Agents (HTTP 403). */
export { BROWSER_USER_AGENT };

/** `undecodable`: an MQTT payload that is not a StockData message. */
export type RejectReason = 'binary' | 'oversized' | 'undecodable';

/** What every live transport (the V2 websocket, MQTT) is given. */
export type LiveConnectionOptions = {
  readonly url: string;
  readonly watchdogMs: number;
  readonly reconnectBaseMs: number;
  readonly reconnectMaxMs: number;
  /** Whether the market trades now: arms the no-data watchdog. */
  readonly isMarketOpen: () => boolean;
  readonly onFrame: (envelope: Envelope) => void;
  readonly onRejected: (reason: RejectReason, bytes: number, connectionId: string) => void;
  readonly metrics: IngestMetrics;
  readonly logger: IngestLogger;
  readonly random?: () => number;
  /** A connection opened (the auto transport choice counts failures in a row). */
  readonly onOpened?: () => void;
  /** A connection closed without ever opening: refused, reset or timed out. */
  readonly onOpenFailed?: (reason: string) => void;
};

export type ConnectionOptions = LiveConnectionOptions & {
  /** Sent in order after every connect (chunked subscriptions). */
  readonly subscribeMessages: readonly string[];
  readonly pingIntervalMs: number;
  readonly userAgent?: string;
  /** Frames above this are rejected (a V2 stock frame is ~500 bytes). @default 256 KiB */
  readonly maxFrameBytes?: number;
  /** Opening handshake timeout. @default 10000 */
  readonly handshakeTimeoutMs?: number;
};

/** Frames up to this size are read at all; bigger ones close the socket (ws 1009). */
const MAX_PAYLOAD_BYTES = 4 * 1024 * 1024;

/** How long `stop()` waits for the server's close reply before dropping the socket. */
const CLOSE_GRACE_MS = 3_000;

export class IboardConnection {
  /** Unique per process, so connection ids never repeat across task restarts. */
  private readonly idPrefix = randomBytes(4).toString('hex');
  private readonly backoff: Backoff;
  private readonly maxFrameBytes: number;
  private ws: WebSocket | undefined;
  private wanted = false;
  private paused = false;
  private connectionCount = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private quietSince = 0;
  private lastPingAt = 0;
  private awaitingPong = false;
  private failures = 0;
  private downSince = 0;
  private closeReason = '';
  private closed: Promise<void> = Promise.resolve();

  constructor(private readonly options: ConnectionOptions) {
    this.backoff = new Backoff({
      baseMs: options.reconnectBaseMs,
      maxMs: options.reconnectMaxMs,
      random: options.random,
    });
    this.maxFrameBytes = options.maxFrameBytes ?? 256 * 1024;
  }

  get state(): ConnectionState {
    return this.options.metrics.connectionState;
  }

  /** Connects (if not already wanted) and keeps reconnecting until `stop()`. */
  start(): void {
    if (this.wanted) return;
    this.wanted = true;
    this.failures = 0;
    this.backoff.reset();
    const tick = Math.max(10, Math.min(1_000, this.options.watchdogMs / 4, this.options.pingIntervalMs / 4));
    this.healthTimer = setInterval(() => this.checkHealth(), tick);
    this.connect();
  }

  /**
   * Closes the socket with the websocket closing handshake and holds no socket until
   * `start()`. Frames the server sent before it saw our close frame still arrive (TCP
   * keeps them in order ahead of its close reply) and are delivered; dropping the
   * socket instead (`terminate()`) lost up to ~100 such frames per stop at 2,000
   * frames/s. A server that does not answer within `CLOSE_GRACE_MS` is cut off.
   */
  async stop(): Promise<void> {
    if (!this.wanted) return this.closed;
    this.wanted = false;
    clearInterval(this.healthTimer);
    clearTimeout(this.reconnectTimer);
    this.healthTimer = undefined;
    this.reconnectTimer = undefined;
    const ws = this.ws;
    if (!ws) {
      this.setState('idle');
      return this.closed;
    }
    this.setState('stopping');
    // A paused socket would never read the server's close reply.
    if (this.paused) ws.resume();
    const cutOff = setTimeout(() => ws.terminate(), CLOSE_GRACE_MS);
    ws.close(1000, 'client stopping');
    await this.closed;
    clearTimeout(cutOff);
  }

  /** Blocks reading: TCP flow control holds further frames on the server's side. */
  pause(): void {
    this.paused = true;
    this.ws?.pause();
  }

  resume(): void {
    this.paused = false;
    this.quietSince = Date.now();
    this.awaitingPong = false;
    this.ws?.resume();
  }

  private connect(): void {
    const connectionId = `${this.idPrefix}-${++this.connectionCount}`;
    const { metrics, logger } = this.options;
    this.setState('connecting');
    logger.debug('connecting', { connectionId, url: this.options.url, attempt: this.failures + 1 });
    const ws = new WebSocket(this.options.url, {
      headers: { 'User-Agent': this.options.userAgent ?? BROWSER_USER_AGENT },
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
      maxPayload: MAX_PAYLOAD_BYTES,
      // The payload is decoded to a string anyway; a bad byte becomes U+FFFD, which
      // the transform rejects with a reason, instead of closing the socket here.
      skipUTF8Validation: true,
    });
    this.ws = ws;
    this.closeReason = '';
    let seq = 0;
    let delivered = false;
    let opened = false;
    const onFrame = this.options.onFrame;
    const maxFrameBytes = this.maxFrameBytes;
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      // Stamp first: nothing may run between receipt and the timestamp.
      const receivedAt = Date.now();
      this.quietSince = receivedAt;
      metrics.lastFrameAt = receivedAt;
      if (!delivered) {
        delivered = true;
        this.backoff.reset();
      }
      if (isBinary || data.length > maxFrameBytes) {
        this.options.onRejected(isBinary ? 'binary' : 'oversized', data.length, connectionId);
        return;
      }
      onFrame({ raw: data.toString(), receivedAt, connectionId, seq: seq++ });
    });
    ws.on('open', () => {
      opened = true;
      metrics.connects++;
      if (this.connectionCount > 1) metrics.reconnects++;
      const now = Date.now();
      this.quietSince = now;
      this.lastPingAt = now;
      this.awaitingPong = false;
      for (const message of this.options.subscribeMessages) ws.send(message);
      if (this.paused) ws.pause();
      this.setState('open');
      const recovered =
        this.failures > 0 ? { attempts: this.failures, downSeconds: (now - this.downSince) / 1000 } : {};
      logger.info('connected', {
        connectionId,
        subscriptions: this.options.subscribeMessages.length,
        ...recovered,
      });
      this.failures = 0;
      this.options.onOpened?.();
    });
    ws.on('pong', () => {
      this.awaitingPong = false;
    });
    ws.on('error', (error: Error) => {
      this.closeReason ||= error.message;
    });
    this.closed = new Promise((resolve) => {
      ws.on('close', (code: number, reason: Buffer) => {
        if (this.ws === ws) this.ws = undefined;
        const why = this.closeReason || `closed with code ${code}${reason.length ? ` (${reason})` : ''}`;
        if (this.wanted) {
          this.scheduleReconnect(connectionId, why);
          if (!opened) this.options.onOpenFailed?.(why);
        } else {
          this.setState('idle');
          logger.info('disconnected', { connectionId });
        }
        resolve();
      });
    });
  }

  private scheduleReconnect(connectionId: string, reason: string): void {
    const delay = this.backoff.next();
    if (this.failures === 0) {
      this.downSince = Date.now();
      this.options.logger.warn('connection lost, reconnecting', { connectionId, reason, retryInMs: delay });
    } else {
      this.options.logger.debug('reconnect failed', { reason, attempt: this.failures, retryInMs: delay });
    }
    this.failures++;
    this.setState('backoff');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.wanted) this.connect();
    }, delay);
  }

  private checkHealth(): void {
    const ws = this.ws;
    const now = Date.now();
    if (!ws || ws.readyState !== WebSocket.OPEN || this.paused) {
      this.quietSince = now;
      return;
    }
    if (!this.options.isMarketOpen()) this.quietSince = now;
    else if (now - this.quietSince >= this.options.watchdogMs) {
      this.closeReason = `no data for ${((now - this.quietSince) / 1000).toFixed(1)} s while the market is open`;
      ws.terminate();
      return;
    }
    if (now - this.lastPingAt >= this.options.pingIntervalMs) {
      if (this.awaitingPong) {
        this.closeReason = `no pong within ${this.options.pingIntervalMs} ms`;
        ws.terminate();
        return;
      }
      this.awaitingPong = true;
      this.lastPingAt = now;
      ws.ping();
    }
  }

  private setState(state: ConnectionState): void {
    this.options.metrics.connectionState = state;
  }
}
