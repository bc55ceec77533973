/**
 * EXPERIMENTAL (`IBOARD_PROTOCOL=mqtt`): SSI iboard's own page's price stream, MQTT 3.1.1
 * over websocket with protobuf payloads (spec "Other transports of the same market data";
 * the schema is reverse-engineered by third parties and not checked against the live
 * server by this project). Each `StockData` message becomes a V2-shaped stock frame text
 * (`core/iboard/stock-data.ts`), so the buffer, Kinesis and the transform are unchanged.
 *
 * - Connects with mqtt.js (username and password `mqtt-ssi`, the public login), a browser
 *   User-Agent and Origin, and ALPN `http/1.1` forced for the TLS handshake: the live
 *   server negotiates HTTP/2, where a websocket upgrade is not possible.
 * - Subscribes `s/<SYMBOL>/MAIN` in chunks of `subscribeChunkSize` topics after every
 *   connect (a `#` wildcard is refused by the server); refused topics are logged.
 * - Each connection is new (its own id and sequence; the id is also its MQTT clientId, so
 *   a broker's view of a client and the stream's records name the same connection):
 *   reconnects use the same capped backoff as the websocket, and a no-data watchdog
 *   (armed while the market trades) drops a silent connection.
 * - A payload that does not decode is counted (`undecodable`) and logged, never forwarded
 *   as a frame, never a crash. The first messages of each connection are logged with
 *   their decoded fields, so a user in trading hours can check them against the board.
 *
 * @example
 * const connection = new MqttConnection({ url, symbols, subscribeChunkSize: 200, ... });
 * connection.start(); await connection.stop();
 */
import { randomBytes } from 'node:crypto';
import type { ClientRequestArgs } from 'node:http';
import mqtt, { type MqttClient } from 'mqtt';
import { Backoff } from '../core/backoff.ts';
import { BROWSER_USER_AGENT, IBOARD_ORIGIN } from '../core/iboard/browser-headers.ts';
import { formatStockFrame } from '../core/iboard/format-frame.ts';
import { decodeStockData, MQTT_LOGIN, mqttTopicOf } from '../core/iboard/stock-data.ts';
import type { LiveConnectionOptions } from './connection.ts';
import type { ConnectionState } from './metrics.ts';

/** Messages of each connection logged with their decoded fields. */
const LOGGED_MESSAGES = 3;
/**
 * Options of the websocket under MQTT (ws passes TLS options on to `tls.connect`): the live
 * server offers HTTP/2 in TLS, where a websocket upgrade is impossible, so ALPN offers
 * HTTP/1.1 only.
 */
export const WS_OPTIONS: ClientRequestArgs & { ALPNProtocols: string[] } = {
  headers: { 'User-Agent': BROWSER_USER_AGENT, Origin: IBOARD_ORIGIN },
  ALPNProtocols: ['http/1.1'],
};

/** How long `stop()` waits for a clean disconnect. */
const CLOSE_GRACE_MS = 3_000;

export type MqttConnectionOptions = LiveConnectionOptions & {
  readonly symbols: readonly string[];
  readonly subscribeChunkSize: number;
  /** MQTT keepalive, seconds. @default 30 */
  readonly keepaliveSeconds?: number;
};

/** A symbol's main-board topic back to the symbol. */
const TOPIC = /^s\/([^/]+)\/MAIN$/;

export class MqttConnection {
  private readonly idPrefix = randomBytes(4).toString('hex');
  private readonly backoff: Backoff;
  private client: MqttClient | undefined;
  private wanted = false;
  private paused = false;
  private connectionCount = 0;
  private failures = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private healthTimer: NodeJS.Timeout | undefined;
  private quietSince = 0;

  constructor(private readonly options: MqttConnectionOptions) {
    this.backoff = new Backoff({
      baseMs: options.reconnectBaseMs,
      maxMs: options.reconnectMaxMs,
      random: options.random,
    });
  }

  start(): void {
    if (this.wanted) return;
    this.wanted = true;
    this.failures = 0;
    this.backoff.reset();
    const tick = Math.max(10, Math.min(1_000, this.options.watchdogMs / 4));
    this.healthTimer = setInterval(() => this.checkHealth(), tick);
    this.connect();
  }

  async stop(): Promise<void> {
    if (!this.wanted) return;
    this.wanted = false;
    clearInterval(this.healthTimer);
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    if (!client) {
      this.setState('idle');
      return;
    }
    this.setState('stopping');
    if (this.paused) client.stream?.resume();
    await new Promise<void>((resolve) => {
      const cutOff = setTimeout(() => client.end(true, {}, () => resolve()), CLOSE_GRACE_MS);
      client.end(false, {}, () => {
        clearTimeout(cutOff);
        resolve();
      });
    });
    this.setState('idle');
    this.options.logger.info('disconnected', { transport: 'mqtt' });
  }

  /** Stops reading the socket: TCP flow control holds the rest on the broker's side. */
  pause(): void {
    this.paused = true;
    this.client?.stream?.pause();
  }

  resume(): void {
    this.paused = false;
    this.quietSince = Date.now();
    this.client?.stream?.resume();
  }

  private connect(): void {
    const connectionId = `${this.idPrefix}-mqtt-${++this.connectionCount}`;
    const { metrics, logger, url } = this.options;
    this.setState('connecting');
    const client = mqtt.connect(url, {
      protocolVersion: 4,
      username: MQTT_LOGIN,
      password: MQTT_LOGIN,
      // The connection id (random per process, then a count: unique, 15–22 characters of
      // [0-9a-f-]; MQTT 3.1.1 servers must take 1–23): the broker's log and the stream's
      // records name the same connection (the simulator's broker accounts per clientId).
      clientId: connectionId,
      clean: true,
      keepalive: this.options.keepaliveSeconds ?? 30,
      connectTimeout: 10_000,
      // Reconnects are ours (backoff, a new connection id each time).
      reconnectPeriod: 0,
      resubscribe: false,
      wsOptions: WS_OPTIONS,
    });
    this.client = client;
    let seq = 0;
    let logged = 0;
    let reason = '';
    let opened = false;
    client.on('connect', () => {
      opened = true;
      metrics.connects++;
      if (this.connectionCount > 1) metrics.reconnects++;
      this.quietSince = Date.now();
      this.setState('open');
      if (this.paused) client.stream?.pause();
      logger.info('connected', {
        connectionId,
        transport: 'mqtt',
        ...(this.failures > 0 ? { attempts: this.failures } : {}),
      });
      this.failures = 0;
      this.subscribe(client, connectionId);
      this.options.onOpened?.();
    });
    client.on('message', (topic: string, payload: Buffer) => {
      const receivedAt = Date.now();
      this.quietSince = receivedAt;
      metrics.lastFrameAt = receivedAt;
      if (seq === 0) this.backoff.reset();
      const symbol = TOPIC.exec(topic)?.[1] ?? '';
      const result = decodeStockData(symbol, payload);
      if (!result.ok) {
        this.options.onRejected('undecodable', payload.length, connectionId);
        logger.debug('mqtt message not decodable', { topic, reason: result.reason });
        return;
      }
      if (logged < LOGGED_MESSAGES) {
        logged++;
        logger.info('mqtt message decoded (check against the price board)', {
          connectionId,
          topic,
          fields: result.frame,
        });
      }
      this.options.onFrame({ raw: formatStockFrame(result.frame), receivedAt, connectionId, seq: seq++ });
    });
    client.on('error', (error: Error) => {
      reason ||= error.message;
    });
    client.on('close', () => {
      if (this.client !== client) return;
      this.client = undefined;
      client.removeAllListeners('message');
      client.end(true);
      if (!this.wanted) return;
      this.scheduleReconnect(connectionId, reason || 'connection closed');
      if (!opened) this.options.onOpenFailed?.(reason || 'connection closed before CONNACK');
    });
  }

  private subscribe(client: MqttClient, connectionId: string): void {
    const topics = this.options.symbols.map(mqttTopicOf);
    const size = this.options.subscribeChunkSize;
    for (let i = 0; i < topics.length; i += size) {
      client.subscribe(topics.slice(i, i + size), { qos: 0 }, (error, granted) => {
        if (error) {
          this.options.logger.warn('mqtt subscribe failed', { connectionId, reason: error.message });
          return;
        }
        // SUBACK return code 128: the broker refused that topic.
        const refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic);
        if (refused.length > 0) {
          this.options.logger.warn('mqtt topics refused', {
            connectionId,
            refused: refused.slice(0, 10),
            count: refused.length,
          });
        }
      });
    }
  }

  private scheduleReconnect(connectionId: string, reason: string): void {
    const delay = this.backoff.next();
    if (this.failures === 0) {
      this.options.logger.warn('connection lost, reconnecting', {
        connectionId,
        transport: 'mqtt',
        reason,
        retryInMs: delay,
      });
    }
    this.failures++;
    this.setState('backoff');
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (this.wanted) this.connect();
    }, delay);
  }

  private checkHealth(): void {
    const client = this.client;
    const now = Date.now();
    if (!client?.connected || this.paused || !this.options.isMarketOpen()) {
      this.quietSince = now;
      return;
    }
    if (now - this.quietSince >= this.options.watchdogMs) {
      this.quietSince = now;
      // 'close' follows and reconnects.
      client.stream?.destroy(
        new Error(`no data for ${this.options.watchdogMs / 1000} s while the market is open`),
      );
    }
  }

  private setState(state: ConnectionState): void {
    this.options.metrics.connectionState = state;
  }
}
