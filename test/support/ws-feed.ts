/**
 * A tiny websocket server for connection tests: records what each client subscribed
 * to and the User-Agent it sent, and sends whatever frames the test asks for.
 */
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export type FeedClient = {
  readonly socket: WebSocket;
  readonly userAgent: string;
  readonly received: string[];
};

export type WsFeed = {
  readonly url: string;
  readonly clients: FeedClient[];
  /** Sends to every open client. */
  broadcast(frame: string): void;
  /** Resolves once `count` clients have connected in total. */
  waitForClients(count: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
};

export async function startWsFeed(options: { respondToPing?: boolean } = {}): Promise<WsFeed> {
  const server = new WebSocketServer({
    port: 0,
    host: '127.0.0.1',
    path: '/realtime',
    autoPong: options.respondToPing ?? true,
  });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const clients: FeedClient[] = [];
  const waiters: Array<() => void> = [];
  server.on('connection', (socket, request) => {
    const client: FeedClient = {
      socket,
      userAgent: String(request.headers['user-agent'] ?? ''),
      received: [],
    };
    socket.on('message', (data) => client.received.push(data.toString()));
    clients.push(client);
    for (const waiter of waiters.splice(0)) waiter();
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/realtime`,
    clients,
    broadcast(frame) {
      for (const client of clients) if (client.socket.readyState === 1) client.socket.send(frame);
    },
    async waitForClients(count, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (clients.length < count) {
        if (Date.now() > deadline) throw new Error(`only ${clients.length} of ${count} clients connected`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const client of clients) client.socket.terminate();
        server.close(() => resolve());
      }),
  };
}
