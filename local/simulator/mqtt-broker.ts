/**
 * The simulator's stand-in for iboard's MQTT-over-websocket price stream (spec "Other
 * transports"): an embedded aedes broker on the simulator's port at `/mqtt`, username and
 * password `mqtt-ssi`, topics `s/<SYMBOL>/MAIN` (a `#` wildcard is refused, as live),
 * payloads `StockData` protobuf messages (`core/iboard/stock-data.ts`) of the same
 * synthetic market, or the same replayed session, the websocket clients get. Session faults apply: silence withholds
 * publications, a refusal answers the upgrade with 503, a cut closes every MQTT client
 * (MQTT has no closing handshake: every close by the server is a cut), and
 * `extraFieldRate` / `junkFieldRate` alter that share of the messages (an unknown field, a
 * junk value in an unmapped field; `altered.ts`), still data.
 *
 * Per client connection (aedes' client id, which is the MQTT clientId: the ingest task
 * puts its connection id there) it keeps what was written into that connection
 * (`received(id)`): StockData messages per symbol, altered ones by kind, and apart the
 * payloads that are not StockData (`publishRaw`), which a client counts and drops.
 *
 * @example
 * sim.mqtt.published;          // messages published so far
 * sim.mqtt.lastPublished('FPT'); // the last frame sent as StockData
 * sim.mqtt.received('1a2b3c4d-mqtt-1'); // { stock: Map { 'FPT' => 120, ... }, undecodable: 0, altered: {...} }
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Aedes, type Client } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { formatStockFrame } from '../../core/iboard/format-frame.ts';
import { parseFrame } from '../../core/iboard/parse-frame.ts';
import { decodeStockData, encodeStockData, MQTT_LOGIN, mqttTopicOf } from '../../core/iboard/stock-data.ts';
import type { StockFrame } from '../../core/iboard/types.ts';
import type { Random } from '../../core/random.ts';
import { withJunkStockDataField, withUnknownStockDataField } from './altered.ts';
import type { Faults } from './fault-knobs.ts';
import type { AlteredKind } from './ledger.ts';

/** What one client connection was handed (written into its connection). */
export type MqttReceived = {
  /** StockData messages per symbol, altered ones included. */
  readonly stock: Map<string, number>;
  /** Payloads that are not StockData: a client counts them and forwards none. */
  undecodable: number;
  /** StockData messages sent altered (still data), by kind: counted in `stock` too. */
  readonly altered: Record<AlteredKind, number>;
};

/** What a payload published is, for the per-connection accounting when it is written. */
type PayloadTag = { readonly symbol: string; readonly kind: 'stock' | 'undecodable' | AlteredKind };

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
  /** Messages written into each client connection, by client id in connection order (a cut loses what was in flight). */
  readonly deliveries = new Map<string, number>();
  /**
   * Frame text a client makes of each altered message (decoded, formatted as a V2 frame:
   * the same as unaltered, since the alteration is in what a decoder skips or maps to
   * nothing) → the kind: finding one in a stream shows the altered message was stored.
   */
  readonly alteredTexts = new Map<string, AlteredKind>();
  private readonly perClient = new Map<string, MqttReceived>();
  /** Each payload published, until written: what it is (the payload itself is written as is). */
  private readonly tags = new WeakMap<Uint8Array, PayloadTag>();
  private readonly clientOfStream = new WeakMap<Duplex, string>();
  private junkTurn = 0;
  private unknownTurn = 0;
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

  constructor(
    private readonly faults: Faults,
    /** Draws which messages are altered (its own stream: the websocket clients' draws stay as they were). */
    private readonly random?: Random,
  ) {
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
      // Clients only listen: the board is the server's to publish.
      authorizePublish: (_client, _packet, done) => done(new Error('publishing is not allowed')),
    });
    // aedes 1.x sets up its persistence and emitter in listen(); connections wait for it.
    this.listening = this.broker.listen();
    this.broker.on('client', (client) => {
      this.clients.set(client.id, client);
      this.clientOfStream.set(client.conn as Duplex, client.id);
      if (!this.deliveries.has(client.id)) this.deliveries.set(client.id, 0);
      if (!this.perClient.has(client.id))
        this.perClient.set(client.id, {
          stock: new Map(),
          undecodable: 0,
          altered: { 'extra-field': 0, 'junk-field': 0 },
        });
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
    const encoded = encodeStockData(frame);
    const altered = this.alteredKind();
    const payload = Buffer.from(
      altered === 'extra-field'
        ? withUnknownStockDataField(encoded, this.unknownTurn++)
        : altered === 'junk-field'
          ? withJunkStockDataField(encoded, this.junkTurn++)
          : encoded,
    );
    this.tags.set(payload, { symbol, kind: altered ?? 'stock' });
    if (altered) {
      // What a client makes of it: the unaltered message decoded (the check's expectation).
      const decoded = decodeStockData(symbol, encoded);
      if (decoded.ok) this.alteredTexts.set(formatStockFrame(decoded.frame), altered);
    }
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
    const bytes = Buffer.from(payload);
    this.tags.set(bytes, { symbol, kind: 'undecodable' });
    this.broker.publish(
      {
        cmd: 'publish',
        topic: mqttTopicOf(symbol),
        payload: bytes,
        qos: 0,
        dup: false,
        retain: false,
      },
      () => {},
    );
  }

  /** What the client connection `id` was handed so far (undefined: no such client). */
  received(id: string): MqttReceived | undefined {
    return this.perClient.get(id);
  }

  /** Client ids in connection order. */
  clientIds(): string[] {
    return [...this.perClient.keys()];
  }

  /** Ids of the clients connected now. */
  connectedIds(): string[] {
    return [...this.clients.keys()];
  }

  /** How to alter the next message (a draw only while altering is on). */
  private alteredKind(): AlteredKind | undefined {
    const knobs = this.faults.peek();
    if (!this.random || (!knobs.extraFieldRate && !knobs.junkFieldRate)) return undefined;
    return this.faults.alteredKind(this.random.next());
  }

  /**
   * A chunk aedes writes into a client's connection: a publication's payload is written as
   * the very buffer published (mqtt-packet), so its tag says what the client is handed.
   * Counted only while the connection takes writes: what a cut then drops was sent.
   */
  private noteWritten(stream: Duplex, chunk: unknown): void {
    const tag = chunk instanceof Uint8Array ? this.tags.get(chunk) : undefined;
    const id = this.clientOfStream.get(stream);
    if (!tag || id === undefined || stream.destroyed || stream.writableEnded) return;
    this.delivered++;
    this.deliveries.set(id, (this.deliveries.get(id) ?? 0) + 1);
    const received = this.perClient.get(id);
    if (!received) return;
    if (tag.kind === 'undecodable') {
      received.undecodable++;
      return;
    }
    received.stock.set(tag.symbol, (received.stock.get(tag.symbol) ?? 0) + 1);
    if (tag.kind !== 'stock') received.altered[tag.kind]++;
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
      // Every message written into a client's connection is counted: the ground truth of a test.
      const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
      stream.write = ((...args: unknown[]) => {
        this.noteWritten(stream, args[0]);
        return write(...args);
      }) as typeof stream.write;
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
