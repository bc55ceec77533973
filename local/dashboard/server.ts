/**
 * The dashboard: a small HTTP server (node:http) with the read API under `/api/`, the
 * live stream at `/api/stream`, the page and its scripts, and lightweight-charts served
 * from `node_modules` (the machine may be offline: no CDN).
 *
 * The embedded runtime starts it next to the emulators; `local/dashboard/main.ts` runs
 * it alone against any endpoint (LocalStack, AWS).
 *
 * @example
 * const dashboard = await startDashboard({ port: 3000, dynamoEndpoint: 'http://localhost:4566', tables });
 * console.log(dashboard.url); // http://localhost:3000/
 * await dashboard.stop();
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LocalRuntimeError } from '../../core/errors.ts';
import { DashboardApi } from './api.ts';
import { DashboardRequestError } from './errors.ts';
import { createDynamoClient, type DashboardTables, TableReader } from './reader.ts';
import { routeApi } from './routes.ts';
import { staticFile } from './static-files.ts';
import { StreamHub, type StreamOptions } from './stream.ts';
import { SymbolCatalog, type SymbolEntry } from './symbol-catalog.ts';
import { listedSymbols } from './symbol-source.ts';

export type DashboardOptions = {
  /** @default 0 (a free port); the runtime passes 3000 or `--dashboard-port`. */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** DynamoDB endpoint, e.g. the runtime's `http://localhost:4566`; absent: AWS (default credentials). */
  readonly dynamoEndpoint?: string;
  readonly region?: string;
  /** A ready client instead of `dynamoEndpoint`/`region` (it is not destroyed on stop). */
  readonly client?: DynamoDBClient;
  readonly tables: DashboardTables;
  /**
   * Clock the calendar is read with (the runtime's simulated clock, if any). The feed's
   * freshness is judged on real time: `receivedAt` is stamped by the ingest host's wall clock.
   * @default Date.now
   */
  readonly now?: () => number;
  /** Symbol list for search and checks. @default the bundled list of `core/iboard/symbols.ts` */
  readonly symbols?: readonly SymbolEntry[];
  /** Age after which the feed counts as down during a session. @default 30000 */
  readonly staleAfterMs?: number;
  readonly stream?: StreamOptions;
};

export type Dashboard = {
  readonly url: string;
  readonly port: number;
  readonly api: DashboardApi;
  readonly hub: StreamHub;
  stop(): Promise<void>;
};

export class DashboardStartError extends LocalRuntimeError {
  readonly code = 'DASHBOARD_START_FAILED';
  constructor(
    message: string,
    readonly port: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'DashboardStartError';
  }
}

export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  const { port = 0, host = '127.0.0.1' } = options;
  const client =
    options.client ?? createDynamoClient({ endpoint: options.dynamoEndpoint, region: options.region });
  const api = new DashboardApi({
    reader: new TableReader(client, options.tables),
    catalog: new SymbolCatalog(options.symbols ?? listedSymbols()),
    now: options.now,
    staleAfterMs: options.staleAfterMs,
  });
  const hub = new StreamHub(api, options.stream);
  const server = createServer((req, res) => {
    handle(api, hub, req, res).catch((error) => sendError(res, error));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      hub.close();
      if (!options.client) client.destroy();
      const why = error.code === 'EADDRINUSE' ? `port ${port} is already in use` : error.message;
      reject(
        new DashboardStartError(`dashboard cannot listen on ${host}:${port}: ${why}`, port, { cause: error }),
      );
    });
    server.listen(port, host, resolve);
  });
  const actual = (server.address() as AddressInfo).port;
  const shownHost = host === '127.0.0.1' || host === '0.0.0.0' ? 'localhost' : host;
  return {
    url: `http://${shownHost}:${actual}/`,
    port: actual,
    api,
    hub,
    async stop() {
      hub.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!options.client) client.destroy();
    },
  };
}

async function handle(api: DashboardApi, hub: StreamHub, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://dashboard.local');
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    throw new DashboardRequestError('METHOD_NOT_ALLOWED', 405, `${req.method} is not allowed; use GET`);
  }
  if (url.pathname === '/api/stream') {
    const symbol = await api.checkSymbol(url.searchParams.get('symbol'));
    hub.add(req, res, symbol);
    return;
  }
  if (url.pathname.startsWith('/api/')) {
    const body = await routeApi(api, url);
    sendJson(res, 200, body, req.method === 'HEAD');
    return;
  }
  const file = await staticFile(url.pathname);
  res.writeHead(200, {
    'content-type': file.contentType,
    'content-length': file.body.length,
    'cache-control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : file.body);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headOnly = false): void {
  const text = Buffer.from(JSON.stringify(body));
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': text.length,
    'cache-control': 'no-store',
  });
  res.end(headOnly ? undefined : text);
}

function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (error instanceof DashboardRequestError) {
    sendJson(res, error.status, error.toBody());
    return;
  }
  console.error('dashboard: request failed', error);
  sendJson(res, 500, { error: 'INTERNAL', reason: error instanceof Error ? error.message : String(error) });
}
