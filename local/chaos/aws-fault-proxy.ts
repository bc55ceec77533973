/**
 * An HTTP proxy in front of an AWS JSON-protocol endpoint (the runtime's router) that
 * injects the faults real AWS produces, switched on and off while traffic flows:
 *
 * - `down`: the endpoint is unreachable: every new connection is reset before anything
 *   is forwarded, and idle keep-alive sockets are cut (requests in flight complete);
 * - `putRecordsFailRate`: that share of each PutRecords request's entries is refused with
 *   `ProvisionedThroughputExceededException` while the others are stored (a partial
 *   failure, exactly what a hot shard answers);
 * - `errorRate` (+ `errorOperations`, `error`): that share of the listed operations'
 *   requests is answered with a throttling error (HTTP 400) or an internal error (HTTP 500)
 *   instead of being forwarded: the SDK's retries and the caller's partial-failure paths run.
 *
 * Draws come from a seeded generator, so a run's fault pattern repeats. Written for the
 * chaos run (the tests have their own in `test/support/`; this one lives with the command
 * that ships, and does the Kinesis and DynamoDB faults in one place).
 *
 * @example
 * const proxy = await startAwsFaultProxy(runtime.endpoint);
 * proxy.set({ down: true });                       // unreachable
 * proxy.set({ down: false, putRecordsFailRate: 0.3 });
 * proxy.set({ errorRate: 0.5, errorOperations: ['BatchWriteItem', 'PutItem'], error: 'throttle' });
 * await proxy.stop();
 */
import { Agent, createServer, type IncomingHttpHeaders, request, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type AwsFaults = {
  down?: boolean;
  putRecordsFailRate?: number;
  errorRate?: number;
  /** Operation names (the part of `X-Amz-Target` after the dot); every operation when empty. */
  errorOperations?: readonly string[];
  /** @default 'throttle' */
  error?: 'throttle' | 'internal';
};

export type AwsFaultStats = {
  requests: number;
  forwarded: number;
  /** Connections reset while `down`. */
  resets: number;
  /** PutRecords entries refused. */
  entriesRefused: number;
  /** Requests answered with an injected error. */
  errors: number;
};

export type AwsFaultProxy = {
  readonly endpoint: string;
  readonly port: number;
  readonly stats: AwsFaultStats;
  set(faults: AwsFaults): void;
  clear(): void;
  stop(): Promise<void>;
};

export class FaultOptionError extends Error {
  readonly code = 'CHAOS_FAULT_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'FaultOptionError';
  }
}

type Upstream = { status: number; headers: IncomingHttpHeaders; body: Buffer };
type PutRecordsResult = { FailedRecordCount?: number; Records: Array<Record<string, unknown>> };

/** Error shapes as the services send them (the SDK reads `__type` and the status). */
const ERROR_REPLIES = {
  throttle: {
    status: 400,
    type: 'ThrottlingException',
    message: 'Rate of requests exceeds the allowed throughput (injected)',
  },
  internal: { status: 500, type: 'InternalServerError', message: 'Internal server error (injected)' },
} as const;

export async function startAwsFaultProxy(
  target: string,
  options: { seed?: number; port?: number } = {},
): Promise<AwsFaultProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const random = mulberry32(options.seed ?? 1);
  const stats: AwsFaultStats = { requests: 0, forwarded: 0, resets: 0, entriesRefused: 0, errors: 0 };
  const sockets = new Set<Socket>();
  const busy = new Set<Socket>();
  let faults: AwsFaults = {};

  const forward = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<Upstream>((resolve, reject) => {
      const req = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method,
          path,
          agent,
          headers: { ...headers, host: upstream.host, 'content-length': body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const server = createServer((req, res) => {
    stats.requests++;
    if (faults.down) {
      stats.resets++;
      req.socket.destroy();
      return;
    }
    busy.add(req.socket);
    res.on('close', () => busy.delete(req.socket));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle(req.method ?? 'POST', req.url ?? '/', req.headers, Buffer.concat(chunks), res).catch(() =>
        req.socket.destroy(),
      );
    });
  });

  async function handle(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
    res: ServerResponse,
  ) {
    const target = String(headers['x-amz-target'] ?? '');
    const operation = target.slice(target.lastIndexOf('.') + 1);
    const { errorRate = 0, errorOperations = [] } = faults;
    if (
      errorRate > 0 &&
      (errorOperations.length === 0 || errorOperations.includes(operation)) &&
      random() < errorRate
    ) {
      stats.errors++;
      const reply = ERROR_REPLIES[faults.error ?? 'throttle'];
      return sendJson(res, reply.status, { __type: reply.type, message: reply.message }, reply.type);
    }
    const failRate = faults.putRecordsFailRate ?? 0;
    if (operation === 'PutRecords' && failRate > 0)
      return partialPut(method, path, headers, body, res, failRate);
    const answer = await forward(method, path, headers, body);
    stats.forwarded++;
    passThrough(res, answer);
  }

  async function partialPut(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
    res: ServerResponse,
    rate: number,
  ) {
    const parsed = JSON.parse(body.toString('utf8')) as { Records: unknown[] };
    const refused = parsed.Records.map(() => random() < rate);
    const count = refused.filter(Boolean).length;
    stats.entriesRefused += count;
    if (count === parsed.Records.length) return sendJson(res, 200, mergeResults(refused, { Records: [] }));
    if (count > 0) parsed.Records = parsed.Records.filter((_, i) => !refused[i]);
    const answer = await forward(
      method,
      path,
      headers,
      count > 0 ? Buffer.from(JSON.stringify(parsed)) : body,
    );
    stats.forwarded++;
    if (count === 0 || answer.status !== 200) return passThrough(res, answer);
    sendJson(res, 200, mergeResults(refused, JSON.parse(answer.body.toString('utf8')) as PutRecordsResult));
  }

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stats,
    set(update) {
      for (const key of ['putRecordsFailRate', 'errorRate'] as const) {
        const value = update[key];
        if (value !== undefined && !(value >= 0 && value <= 1))
          throw new FaultOptionError(`${key} must be within 0..1, got ${value}`);
      }
      faults = { ...faults, ...update };
      if (faults.down) for (const socket of sockets) if (!busy.has(socket)) socket.destroy();
    },
    clear() {
      faults = {};
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

function passThrough(res: ServerResponse, answer: Upstream): void {
  const headers = { ...answer.headers };
  delete headers['transfer-encoding'];
  delete headers.connection;
  res.writeHead(answer.status, { ...headers, 'content-length': answer.body.length });
  res.end(answer.body);
}

function sendJson(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  res.end(text);
}

/** The emulator's results for the forwarded entries, with the refusals put back in their places. */
function mergeResults(refused: readonly boolean[], upstream: PutRecordsResult): PutRecordsResult {
  const accepted = [...upstream.Records];
  const records = refused.map((isRefused) =>
    isRefused
      ? {
          ErrorCode: 'ProvisionedThroughputExceededException',
          ErrorMessage: 'Rate exceeded for shard (injected)',
        }
      : (accepted.shift() as Record<string, unknown>),
  );
  return { FailedRecordCount: records.filter((r) => r.ErrorCode).length, Records: records };
}

/** A small seeded PRNG (mulberry32): the same seed gives the same fault pattern. */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
