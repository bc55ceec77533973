/**
 * The task's small HTTP endpoint: `GET /healthz` (200 while running, 503 while
 * draining after a signal) and `GET /metrics` (every counter as JSON). Listens on
 * all interfaces so the container's HEALTHCHECK and a sidecar can reach it.
 *
 * @example
 * const server = await startHealthServer({ port: 0, metrics, isDraining: () => false });
 * server.port; // the port actually bound
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IngestMetrics } from './metrics.ts';

export type HealthServerOptions = {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  readonly metrics: IngestMetrics;
  readonly isDraining: () => boolean;
};

export type HealthServer = { readonly port: number; close(): Promise<void> };

export function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return reply(response, 405, { error: 'method not allowed' });
    if (path === '/healthz') {
      const snapshot = options.metrics.snapshot();
      const draining = options.isDraining();
      return reply(response, draining ? 503 : 200, {
        status: draining ? 'draining' : 'ok',
        wanted: snapshot.wanted,
        connection: snapshot.connection.state,
        bufferDepth: snapshot.buffer.depth,
        lastFrameAgeSeconds: snapshot.frames.lastFrameAgeSeconds,
      });
    }
    if (path === '/metrics') return reply(response, 200, options.metrics.snapshot());
    return reply(response, 404, { error: 'not found', paths: ['/healthz', '/metrics'] });
  });
  // A health probe must never keep the process alive during shutdown.
  server.keepAliveTimeout = 1_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function reply(response: import('node:http').ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
