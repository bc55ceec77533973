/**
 * An iboard-compatible websocket server for tests, benchmarks and demos: `startSimulator()`
 * listens (port 0 by default) on `/realtime` (and answers iboard's REST snapshot,
 * `/stock/exchange/<hose|hnx|upcom>`, see `rest-snapshot.ts`), speaks the V2 protocol (V1 with
 * `generation: 'v1'`), and feeds each client the frames of the symbols and indices it
 * subscribed to, from the synthetic market or from a replayed session file. Fault
 * injection and a ground-truth ledger are part of the returned handle.
 *
 * @example
 * const sim = await startSimulator({ symbols: 50, rate: 2000, seed: 1 });
 * const ws = new WebSocket(sim.url, { headers: { 'User-Agent': BROWSER_USER_AGENT } });
 * // ... subscribe, read frames ...
 * sim.faults.silence(5);
 * sim.ledger.totals('VCB'); // { date, volume, value }
 * await sim.stop();
 */
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import { createRandom } from '../../core/random.ts';
import { handleClientMessage } from './client-protocol.ts';
import type { ClientInfo } from './client-session.ts';
import { ClientSession } from './client-session.ts';
import type { FaultUpdate } from './fault-knobs.ts';
import { Faults } from './fault-knobs.ts';
import { Ledger } from './ledger.ts';
import { MqttBroker } from './mqtt-broker.ts';
import { checkOptions } from './options.ts';
import type { ReplaySession } from './replay-lines.ts';
import { ReplayPlayer } from './replay-player.ts';
import { loadSession } from './replay-source.ts';
import { RestSnapshot } from './rest-snapshot.ts';

/** Where the MQTT-over-websocket broker answers (the live one is `wss://price-streaming.ssi.com.vn/mqtt`). */
const MQTT_PATH = '/mqtt';

import type { Generation } from '../../core/iboard/types.ts';
import { SyntheticFeed, TICK_MS } from './synthetic-feed.ts';
import { SyntheticMarket } from './synthetic-market.ts';
import type { ListedSymbol } from './universe.ts';

export type SimulatorOptions = {
  /** @default 0 (any free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Frame layout and accepted topics. @default 'v2' */
  generation?: Generation;
  /** Replay this session (file path or parsed) instead of the synthetic market. */
  replay?: string | ReplaySession;
  /** Replay speed factor; `Infinity` = as fast as each client reads. @default 1 */
  speed?: number;
  /** Replay: start again at the end, times shifted forward. @default false */
  loop?: boolean;
  /** Synthetic: how many of the most active stocks, or which ones. @default every stock (~1,670) */
  symbols?: number | readonly string[];
  /** Synthetic symbol list. @default the bundled iboard list */
  listed?: readonly ListedSymbol[];
  /** Synthetic stock frames per second, whole market; `Infinity` = as fast as the subscribers read. @default 1000 */
  rate?: number;
  /** @default 1 */
  seed?: string | number;
  /** Drives the calendar phases and frame times; without it the market trades continuously. */
  clock?: () => number;
  /** Index frames to index subscribers every this many ms while the market trades. @default 1000 */
  indexIntervalMs?: number;
  /** Fault knobs from the start (see `faults.ts`). */
  faults?: FaultUpdate;
  /** Keep every trade in the ledger (memory grows with the run). @default true */
  recordTrades?: boolean;
};

export type Simulator = {
  readonly url: string;
  readonly port: number;
  readonly ledger: Ledger;
  readonly faults: Faults;
  /** The synthetic market (absent when replaying). */
  readonly market: SyntheticMarket | undefined;
  /** The REST snapshot host on the same port (`restUrl`), with its test knobs. */
  readonly rest: RestSnapshot;
  /** The MQTT-over-websocket broker (`mqttUrl`), with its counters. */
  readonly mqtt: MqttBroker;
  /** `ws://host:port/mqtt`: the MQTT transport's endpoint. */
  readonly mqttUrl: string;
  /** Base URL of the REST snapshot (`<restUrl>/stock/exchange/hose`). */
  readonly restUrl: string;
  clients(): ClientInfo[];
  /** Changes the synthetic rate (frames/s) while running. */
  setRate(framesPerSecond: number): void;
  stop(): Promise<void>;
};

/** A replay starts this long after the client's last subscribe message, so chunked subscriptions all land first. */
const REPLAY_SETTLE_MS = 100;

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  checkOptions(options);
  const generation = options.generation ?? 'v2';
  const clock = options.clock ?? Date.now;
  const ledger = new Ledger({ recordTrades: options.recordTrades });
  const faults = new Faults(options.faults);
  const random = createRandom(`${options.seed ?? 1}:faults`);
  const session = typeof options.replay === 'string' ? loadSession(options.replay) : options.replay;
  const market = session
    ? undefined
    : new SyntheticMarket({
        seed: options.seed,
        symbols: options.symbols,
        listed: options.listed,
        clock: options.clock,
        generation,
        ledger,
      });
  const clients = new Map<number, ClientSession>();
  let nextId = 1;
  let stopped = false;

  const rest = new RestSnapshot(market);
  const mqtt = new MqttBroker(faults, createRandom(`${options.seed ?? 1}:mqtt`));
  const mqttReplay = session ? replayToMqtt(session, mqtt, faults, options) : undefined;
  const { httpServer, wss } = createServers(rest);
  httpServer.on(
    'upgrade',
    upgradeRouter({
      faults,
      ledger,
      mqtt,
      accept: (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => accept(ws, req)),
    }),
  );

  function accept(ws: WebSocket, req: IncomingMessage): void {
    const client = new ClientSession(
      nextId++,
      ws,
      req.headers['user-agent'],
      Date.now(),
      faults,
      ledger,
      random,
    );
    clients.set(client.id, client);
    ledger.noteConnected(client.id, client.serverTimeSkewMs);
    serveClient(client, ws, { clients, faults, generation, session, options });
  }

  const feed =
    market &&
    new SyntheticFeed(
      market,
      clients,
      ledger,
      generation,
      options.rate ?? 1000,
      options.indexIntervalMs ?? 1000,
      mqtt,
    );

  function applyCloseAt(): void {
    const closeAt = faults.peek().closeAt;
    if (closeAt === undefined || clock() < closeAt) return;
    faults.consumeCloseAt();
    for (const client of clients.values()) client.cut();
    mqtt.cut();
  }

  const timer = setInterval(() => {
    applyCloseAt();
    feed?.tick();
  }, TICK_MS);

  const { port, host } = await listen(httpServer, options);
  faults.onChange = applyCloseAt;

  return {
    url: `ws://${host.includes(':') ? `[${host}]` : host}:${port}/realtime`,
    port,
    ledger,
    faults,
    market,
    rest,
    mqtt,
    mqttUrl: `ws://${host.includes(':') ? `[${host}]` : host}:${port}${MQTT_PATH}`,
    restUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    clients: () => [...clients.values()].map((c) => c.info()),
    setRate(framesPerSecond) {
      checkOptions({ rate: framesPerSecond });
      feed?.setRate(framesPerSecond);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      feed?.stop();
      mqttReplay?.stop();
      for (const client of clients.values()) client.ws.terminate();
      wss.close();
      await mqtt.stop();
      await new Promise<void>((resolve) => {
        httpServer.close(() => resolve());
        httpServer.closeAllConnections();
      });
    },
  };
}

/**
 * A replay is published to the MQTT subscribers too, as one shared player (the broker
 * fans a topic out), started once the first client has subscribed (chunks settle first).
 */
function replayToMqtt(
  session: ReplaySession,
  mqtt: MqttBroker,
  faults: Faults,
  options: SimulatorOptions,
): { stop(): void } {
  let player: ReplayPlayer | undefined;
  let settle: NodeJS.Timeout | undefined;
  mqtt.onSubscribe = () => {
    if (player) return;
    clearTimeout(settle);
    settle = setTimeout(() => {
      player = new ReplayPlayer(
        session,
        {
          deliver(line, raw) {
            if (line.kind === 'stock' && mqtt.wants(line.key)) mqtt.publish(line.key, raw);
            return true;
          },
          // Publications waiting to be handed to the subscribers pace a fast replay.
          bufferedAmount: () => (mqtt.saturated ? Number.POSITIVE_INFINITY : 0),
          isSilent: () => faults.isSilent(),
        },
        { speed: options.speed ?? 1, loop: options.loop ?? false },
      );
      player.start();
    }, REPLAY_SETTLE_MS);
  };
  return {
    stop() {
      clearTimeout(settle);
      player?.stop();
    },
  };
}

/** Replays the session to one websocket client, filtered by its subscriptions. */
function replayToClient(
  client: ClientSession,
  replay: ReplaySession,
  faults: Faults,
  options: SimulatorOptions,
): void {
  if (!client.isOpen || client.replay) return;
  client.replay = new ReplayPlayer(
    replay,
    {
      deliver(line, raw) {
        if (!client.isOpen) return false;
        if (line.kind === 'stock' && !client.symbols.has(line.key)) return true;
        if (line.kind === 'index' && !client.indices.has(line.key)) return true;
        client.sendData(line.kind, line.key, raw);
        return client.isOpen;
      },
      bufferedAmount: () => client.ws.bufferedAmount,
      isSilent: () => faults.isSilent(),
    },
    { speed: options.speed ?? 1, loop: options.loop ?? false },
  );
  client.replay.start();
}

/** Routes an HTTP upgrade: /realtime to the websocket server, the MQTT path to the broker, refusals as the faults say. */
function upgradeRouter(parts: {
  faults: Faults;
  ledger: Ledger;
  mqtt: MqttBroker;
  accept: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const { faults, ledger, mqtt } = parts;
  return (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://simulator').pathname;
    if (path !== '/realtime' && path !== MQTT_PATH) return refuseUpgrade(socket, 404, 'Not Found', ledger);
    const refusal = faults.refusal(path === MQTT_PATH ? 'mqtt' : 'realtime');
    if (refusal === 'reset') {
      ledger.upgradesRejected.reset++;
      return (socket as Socket).resetAndDestroy();
    }
    if (refusal === 'http-403') return refuseUpgrade(socket, 403, 'Forbidden', ledger);
    if (refusal) return refuseUpgrade(socket, 503, 'Service Unavailable', ledger);
    if (faults.rejectsUserAgent(req.headers['user-agent']))
      return refuseUpgrade(socket, 403, 'Forbidden', ledger);
    if (path === MQTT_PATH) return mqtt.handleUpgrade(req, socket, head);
    parts.accept(req, socket, head);
  };
}

/** A websocket client's messages (subscriptions start its replay), pings and close. */
function serveClient(
  client: ClientSession,
  ws: WebSocket,
  context: {
    clients: Map<number, ClientSession>;
    faults: Faults;
    generation: Generation;
    session: ReplaySession | undefined;
    options: SimulatorOptions;
  },
): void {
  const { clients, faults, generation, session, options } = context;
  let settle: NodeJS.Timeout | undefined;
  ws.on('message', (data, isBinary) => {
    if (isBinary) return client.sendControl(JSON.stringify({ error: 'binary messages are not supported' }));
    const subscribed = handleClientMessage(client, data.toString(), generation);
    if (subscribed && session && !client.replay) {
      clearTimeout(settle);
      settle = setTimeout(() => replayToClient(client, session, faults, options), REPLAY_SETTLE_MS);
    }
  });
  ws.on('ping', (data) => {
    if (!faults.isSilent()) ws.pong(data);
  });
  ws.on('error', () => {}); // a client's socket error only ends that client ('close' follows)
  ws.once('close', () => {
    clearTimeout(settle);
    clients.delete(client.id);
  });
}

/** The HTTP server (REST snapshot, upgrades) and the websocket server it hands /realtime to. */
function createServers(rest: RestSnapshot): {
  httpServer: ReturnType<typeof createServer>;
  wss: WebSocketServer;
} {
  const httpServer = createServer((req, res) => {
    if (rest.handle(req, res)) return;
    res.writeHead(426, { 'Content-Type': 'text/plain' }).end('websocket endpoint: /realtime\n');
  });
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    autoPong: false,
    maxPayload: 1024 * 1024,
  });
  return { httpServer, wss };
}

/** Listens on the options' port and host; the port, and the host to advertise in URLs. */
async function listen(
  httpServer: ReturnType<typeof createServer>,
  options: SimulatorOptions,
): Promise<{ port: number; host: string }> {
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (httpServer.address() as AddressInfo).port;
  const host =
    options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  return { port, host };
}

function refuseUpgrade(socket: Duplex, status: 403 | 404 | 503, text: string, ledger: Ledger): void {
  ledger.upgradesRejected[status]++;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${text.length}\r\n\r\n${text}`,
  );
}
