/**
 * One AWS endpoint in front of the emulators, like LocalStack's port 4566: each
 * request goes to the emulator of its service, decided by the `X-Amz-Target` header
 * (JSON-protocol services) or else by the service in the SigV4 credential scope.
 * Bodies are streamed both ways; upstream sockets are kept alive.
 *
 * @example
 * const router = await startRouter({ port: 4566, upstreams: { kinesis: k.endpoint, dynamodb: d.endpoint } });
 * // aws --endpoint-url http://localhost:4566 dynamodb list-tables
 */
import { Agent, createServer, type IncomingHttpHeaders, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const SERVICES = ['kinesis', 'dynamodb'] as const;
export type Service = (typeof SERVICES)[number];

const TARGET_PREFIXES: Record<string, Service> = {
  'Kinesis_20131202.': 'kinesis',
  'DynamoDB_20120810.': 'dynamodb',
};

/** Paths answered by the router itself (LocalStack's name kept for tools that probe it). */
export const HEALTH_PATHS = ['/health', '/_localstack/health'] as const;

export type RouterOptions = {
  readonly upstreams: Readonly<Record<Service, string>>;
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** Extra fields for the health document (e.g. the runtime's state). */
  readonly health?: () => Record<string, unknown>;
  /** Services the user might try that are not emulated, with a hint each (e.g. where the DLQ file is). */
  readonly hints?: Readonly<Record<string, string>>;
  /** Sees the bodies of the requests whose `X-Amz-Target` is listed (e.g. to count rows written). */
  readonly observe?: Observer;
};

export type Observer = {
  readonly targets: ReadonlySet<string>;
  exchange(target: string, request: Buffer, status: number, response: Buffer): void;
};

export type Router = {
  readonly url: string;
  readonly port: number;
  /** Requests forwarded per service, and rejected ones. */
  readonly counts: Record<Service | 'rejected', number>;
  stop(): Promise<void>;
};

/** The emulated service a request is for, or the name of the service it asked for when not emulated. */
export function routeOf(headers: IncomingHttpHeaders): { service?: Service; asked?: string } {
  const target = headerValue(headers['x-amz-target']);
  if (target) {
    for (const [prefix, service] of Object.entries(TARGET_PREFIXES)) {
      if (target.startsWith(prefix)) return { service };
    }
  }
  const scope = /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(
    headerValue(headers.authorization) ?? '',
  );
  const asked = scope?.[1] ?? target?.split('.')[0];
  if (asked && (SERVICES as readonly string[]).includes(asked)) return { service: asked as Service };
  return { asked };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function startRouter(options: RouterOptions): Promise<Router> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const counts: Router['counts'] = { kinesis: 0, dynamodb: 0, rejected: 0 };
  const upstreams = Object.fromEntries(
    Object.entries(options.upstreams).map(([service, endpoint]) => [service, new URL(endpoint)]),
  ) as Record<Service, URL>;

  const server = createServer((req, res) => {
    if (req.method === 'GET' && (HEALTH_PATHS as readonly string[]).includes((req.url ?? '').split('?')[0])) {
      const services = Object.fromEntries(SERVICES.map((s) => [s, 'running']));
      sendJson(res, 200, { services, ...options.health?.() });
      return;
    }
    const { service, asked } = routeOf(req.headers);
    if (!service) {
      counts.rejected++;
      req.resume();
      const hint = asked ? options.hints?.[asked] : undefined;
      sendJson(res, 400, {
        __type: 'UnknownServiceException',
        message:
          `the embedded runtime emulates ${SERVICES.join(' and ')} only; ` +
          (asked
            ? `this request is for "${asked}"`
            : 'this request names no service (no X-Amz-Target, no SigV4 scope)') +
          (hint ? `; ${hint}` : ''),
      });
      return;
    }
    counts[service]++;
    const upstream = upstreams[service];
    const target = headerValue(req.headers['x-amz-target']) ?? '';
    const observed = options.observe?.targets.has(target)
      ? { request: [] as Buffer[], response: [] as Buffer[] }
      : undefined;
    if (observed) req.on('data', (chunk: Buffer) => observed.request.push(chunk));
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
        agent,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        if (observed) {
          upstreamRes.on('data', (chunk: Buffer) => observed.response.push(chunk));
          upstreamRes.on('end', () => {
            try {
              options.observe?.exchange(
                target,
                Buffer.concat(observed.request),
                upstreamRes.statusCode ?? 0,
                Buffer.concat(observed.response),
              );
            } catch {
              // An observer's mistake must never break the proxied request.
            }
          });
        }
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', (error) => {
      if (res.headersSent) {
        res.destroy(error);
        return;
      }
      sendJson(res, 502, {
        __type: 'ServiceUnavailableException',
        message: `${service} emulator at ${upstream.origin} did not answer: ${error.message}`,
      });
    });
    req.pipe(forward);
  });
  server.keepAliveTimeout = 65_000;

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        port,
        counts,
        stop: () =>
          new Promise<void>((done) => {
            agent.destroy();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
