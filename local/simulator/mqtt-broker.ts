/**
 * The simulator's stand-in for iboard's MQTT-over-websocket price stream (spec "Other
 * transports"): an embedded aedes broker on the simulator's port at `/mqtt`, username and
 * password `mqtt-ssi`, topics `s/<SYMBOL>/MAIN` (a `#` wildcard is refused, as live),
 * payloads `StockData` protobuf messages (`core/iboard/stock-data.ts`) of the same
 * synthetic market, or the same replayed session, the websocket clients get. Session faults apply: silence withholds
 * publications, a refusal answers the upgrade with 503, a cut closes every MQTT client.
 *
 * @example
 * sim.mqtt.published;          // messages published so far
 * sim.mqtt.lastPublished('FPT'); // the last frame sent as StockData
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Aedes, type Client } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { parseFrame } from '../../core/iboard/parse-frame.ts';
import { encodeStockData, MQTT_LOGIN, mqttTopicOf } from '../../core/iboard/stock-data.ts';
import type { StockFrame } from '../../core/iboard/types.ts';
import type { Faults } from './fault-knobs.ts';

const TOPIC = /^s\/([A-Z0-9]+)\/MAIN$/;
/** Publications not yet handed to every subscriber above which the synthetic feed waits. */
export const MAX_QUEUED = 1000;

export class MqttBroker {
  /** Messages published to at least one subscriber. */
  published = 0;
  /** Messages handed to a client connection (one per subscriber). */
  delivered = 0;
  /** Publications withheld by a silence fault. */
  droppedSilence = 0;
  /** Subscriptions refused (wildcards, other topics). */
  refusedSubscriptions = 0;
  /** Connections refused for a wrong login. */
  refusedLogins = 0;
  readonly userAgents: (string | undefined)[] = [];
  /** Messages handed to each client connection, in connection order (a cut loses what was in flight). */
  readonly deliveries = new Map<string, number>();
  private readonly broker: Aedes;
  private listening: Promise<void>;
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  private readonly subscriptions = new Map<string, Set<string>>();
  private readonly clients = new Map<string, Client>();
  private readonly last = new Map<string, StockFrame>();
  /** The duplex stream over each open client websocket: its backlog paces `rate: Infinity`. */
  private readonly streams = new Set<Duplex>();
  private inFlight = 0;
  /** Called after every accepted subscription (a replay starts publishing on the first). */
  onSubscribe: (() => void) | undefined;

  constructor(private readonly faults: Faults) {
    this.broker = new Aedes({
      // Above the publications the feed lets wait (MAX_QUEUED): aedes' own queue drains
      // recursively and overflows the stack when it holds thousands.
      concurrency: 2 * MAX_QUEUED,
      authenticate: (_client, username, password, done) => {
        const ok = username === MQTT_LOGIN && password?.toString() === MQTT_LOGIN;
        if (!ok) this.refusedLogins++;
        const error = Object.assign(new Error('bad username or password'), { returnCode: 4 });
        done(ok ? null : error, ok);
      },
      authorizeSubscribe: (_client, subscription, done) => {
        if (TOPIC.test(subscription.topic)) return done(null, subscription);
        this.refusedSubscriptions++;
        // A null subscription: SUBACK code 128 (refused), the connection stays up.
        done(null, null);
      },
      // Every message handed to a client's connection is counted: the ground truth of a test.
      authorizeForward: (client, packet) => {
        this.delivered++;
        this.deliveries.set(client.id, (this.deliveries.get(client.id) ?? 0) + 1);
        return packet;
      },
      // Clients only listen: the board is the server's to publish.
      authorizePublish: (_client, _packet, done) => done(new Error('publishing is not allowed')),
    });
    // aedes 1.x sets up its persistence and emitter in listen(); connections wait for it.
    this.listening = this.broker.listen();
    this.broker.on('client', (client) => {
      this.clients.set(client.id, client);
      if (!this.deliveries.has(client.id)) this.deliveries.set(client.id, 0);
    });
    this.broker.on('subscribe', (subscriptions, client) => {
      const set = this.subscriptions.get(client.id) ?? new Set<string>();
      for (const s of subscriptions) {
        const symbol = TOPIC.exec(s.topic)?.[1];
        if (symbol) set.add(symbol);
      }
      this.subscriptions.set(client.id, set);
      this.onSubscribe?.();
    });
    this.broker.on('unsubscribe', (topics, client) => {
      for (const topic of topics) this.subscriptions.get(client.id)?.delete(TOPIC.exec(topic)?.[1] ?? '');
    });
    this.broker.on('clientDisconnect', (client) => {
      this.subscriptions.delete(client.id);
      this.clients.delete(client.id);
    });
  }

  /** Connected MQTT clients. */
  get connectedClients(): number {
    return this.clients.size;
  }

  /** Whether any client subscribed to the symbol. */
  wants(symbol: string): boolean {
    for (const set of this.subscriptions.values()) if (set.has(symbol)) return true;
    return false;
  }

  /**
   * The client connections with a subscription, each with its backlog in bytes (waiting in
   * the stream and in the websocket) and the emitter of its `drain`: `rate: Infinity`
   * generates while one of them has room, as for the websocket clients.
   */
  outlets(): { backlog: number; drain: NodeJS.EventEmitter }[] {
    if (this.subscriptions.size === 0) return [];
    return [...this.streams].map((stream) => ({ backlog: stream.writableLength, drain: stream }));
  }

  /** Whether more than {@link MAX_QUEUED} publications wait to be handed to the subscribers. */
  get saturated(): boolean {
    return this.inFlight > MAX_QUEUED;
  }

  /** Publishes a stock frame (wire text, V1 or V2) as StockData on `s/<SYMBOL>/MAIN`. */
  publish(symbol: string, raw: string): void {
    if (this.faults.isSilent()) {
      this.droppedSilence++;
      return;
    }
    const frame = parseFrame(raw);
    if (frame.kind !== 'stock') return;
    this.last.set(symbol, frame);
    this.published++;
    const payload = Buffer.from(encodeStockData(frame));
    this.inFlight++;
    this.broker.publish(
      { cmd: 'publish', topic: mqttTopicOf(symbol), payload, qos: 0, dup: false, retain: false },
      () => {
        this.inFlight--;
      },
    );
  }

  /** Publishes raw bytes on a symbol's topic (tests: a payload that is not StockData). */
  publishRaw(symbol: string, payload: Uint8Array): void {
    this.broker.publish(
      {
        cmd: 'publish',
        topic: mqttTopicOf(symbol),
        payload: Buffer.from(payload),
        qos: 0,
        dup: false,
        retain: false,
      },
      () => {},
    );
  }

  /** The last frame published for a symbol. */
  lastPublished(symbol: string): StockFrame | undefined {
    return this.last.get(symbol);
  }

  /** Takes a websocket upgrade for `/mqtt`. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.userAgents.push(req.headers['user-agent']);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => {}); // a client's socket error ends that client only
      this.streams.add(stream);
      stream.once('close', () => this.streams.delete(stream));
      void this.listening.then(() => this.broker.handle(stream, req));
    });
  }

  /** Closes every client connection (the `closeAt` fault). */
  cut(): void {
    for (const client of this.clients.values()) client.close();
  }

  async stop(): Promise<void> {
    this.cut();
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    await this.listening;
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
  }
}
