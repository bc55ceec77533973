/**
 * An HTTP proxy in front of an AWS JSON-protocol endpoint (the runtime's router, or an
 * emulator: dynalite, kinesalite) that injects the faults real AWS produces, so the real
 * SDK's error and retry paths run without mocks. The project's one fault proxy: the chaos
 * run and the tests both use it.
 *
 * Conditions, switched on and off with `set` while traffic flows:
 *
 * - `down`: the endpoint is unreachable: every new connection is reset before anything
 *   is forwarded, and idle keep-alive sockets are cut (requests in flight complete);
 * - `putRecordsFailRate`: that share of each PutRecords request's entries is refused with
 *   `ProvisionedThroughputExceededException` while the others are stored (a partial
 *   failure, exactly what a hot shard answers);
 * - `loseAcks`: PutRecords requests are stored by the endpoint but the connection is reset
 *   instead of answering (a lost acknowledgement: the client cannot know);
 * - `errorRate` (+ `errorOperations`, `error`): that share of the listed operations'
 *   requests is answered with an injected error instead of being forwarded.
 *
 * Scripted failures, added with `fail`: a rule picks requests by operation and, optionally,
 * by body, and answers every one of them with an injected error until `clear`.
 *
 * The injected errors: `throttle` (HTTP 400 `ThrottlingException`), `internal` (HTTP 500
 * `InternalServerError`), `unavailable` (HTTP 503 `ServiceUnavailable`) and `reset` (the
 * connection is destroyed mid-request).
 *
 * Requests are counted per operation (`counts`) and, with `keepRequests`, kept in order
 * (`requests`). Draws come from a seeded generator, so a run's fault pattern repeats.
 *
 * @example
 * const proxy = await startAwsFaultProxy(runtime.endpoint);
 * proxy.set({ down: true });                       // unreachable
 * proxy.set({ down: false, putRecordsFailRate: 0.3 });
 * proxy.set({ errorRate: 0.5, errorOperations: ['BatchWriteItem', 'PutItem'], error: 'throttle' });
 * proxy.fail({ operation: 'BatchWriteItem', when: (body) => body.includes('"HPG#'), error: 'throttle' });
 * proxy.counts.get('PutRecords');                  // requests seen
 * await proxy.stop();
 */

import {
  Agent,
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { ChaosError } from '../../core/errors.ts';
import { createRandom } from '../../core/random.ts';

export type InjectedError = 'throttle' | 'internal' | 'unavailable' | 'reset';

export type AwsFaults = {
  down?: boolean;
  putRecordsFailRate?: number;
  loseAcks?: boolean;
  errorRate?: number;
  /** Operation names (the part of `X-Amz-Target` after the dot); every operation when empty. */
  errorOperations?: readonly string[];
  /** @default 'throttle' */
  error?: InjectedError;
};

export type FailRule = {
  /** The operation (the part of `X-Amz-Target` after the dot); any when omitted. */
  readonly operation?: string;
  /** Further condition on the request body (JSON text). */
  readonly when?: (body: string) => boolean;
  readonly error: InjectedError;
};

export type SeenRequest = {
  readonly operation: string;
  /** The request body (JSON text). */
  readonly body: string;
  /** Whether it was answered with an injected error. */
  readonly faulted: boolean;
};

export type AwsFaultStats = {
  requests: number;
  forwarded: number;
  /** Connections reset while `down`. */
  resets: number;
  /** PutRecords entries refused. */
  entriesRefused: number;
  /** PutRecords entries passed on to the endpoint. */
  entriesForwarded: number;
  /** PutRecords requests stored but not answered (`loseAcks`). */
  acksLost: number;
  /** Requests answered with an injected error. */
  errors: number;
};

export type AwsFaultProxyOptions = {
  /** @default 1 */
  readonly seed?: number;
  /** @default 0 (any free port) */
  readonly port?: number;
  /** Keep every request in `requests` (memory grows with traffic). @default false */
  readonly keepRequests?: boolean;
};

export type AwsFaultProxy = {
  readonly endpoint: string;
  readonly port: number;
  readonly stats: AwsFaultStats;
  /** Requests seen per operation (those reset while `down` included). */
  readonly counts: ReadonlyMap<string, number>;
  /** Requests seen, in order; empty unless `keepRequests`. */
  readonly requests: readonly SeenRequest[];
  set(faults: AwsFaults): void;
  fail(rule: FailRule): void;
  /** Switches every condition off and drops every rule. */
  clear(): void;
  stop(): Promise<void>;
};

export class FaultOptionError extends ChaosError {
  readonly code = 'CHAOS_FAULT_INVALID';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
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
  unavailable: { status: 503, type: 'ServiceUnavailable', message: 'Service unavailable (injected)' },
} as const;

/** Listens on 127.0.0.1 (port 0: any free one); the port. */
async function listenLocal(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

function emptyStats(): AwsFaultStats {
  return {
    requests: 0,
    forwarded: 0,
    resets: 0,
    entriesRefused: 0,
    entriesForwarded: 0,
    acksLost: 0,
    errors: 0,
  };
}

/** Sends a request on to the emulator with its body, and reads the whole answer. */
function forwarderTo(
  upstream: URL,
  agent: Agent,
  stats: AwsFaultStats,
): (req: IncomingMessage, body: Buffer) => Promise<Upstream> {
  return (req, body) =>
    new Promise<Upstream>((resolve, reject) => {
      const upstreamRequest = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          agent,
          headers: { ...req.headers, host: upstream.host, 'content-length': body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            stats.forwarded++;
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) });
          });
          res.on('error', reject);
        },
      );
      upstreamRequest.on('error', reject);
      upstreamRequest.end(body);
    });
}

export async function startAwsFaultProxy(
  target: string,
  options: AwsFaultProxyOptions = {},
): Promise<AwsFaultProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const random = createRandom(options.seed ?? 1).next;
  const keepRequests = options.keepRequests ?? false;
  const stats = emptyStats();
  const counts = new Map<string, number>();
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const busy = new Set<Socket>();
  let faults: AwsFaults = {};
  let rules: FailRule[] = [];

  const forward = forwarderTo(upstream, agent, stats);

  const server = createServer((req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.slice(target.lastIndexOf('.') + 1);
    stats.requests++;
    counts.set(operation, (counts.get(operation) ?? 0) + 1);
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
      handle(req, operation, Buffer.concat(chunks), res).catch(() => req.socket.destroy());
    });
  });

  async function handle(req: IncomingMessage, operation: string, body: Buffer, res: ServerResponse) {
    const text = body.toString('utf8');
    const error = injectedError(operation, text);
    if (keepRequests) requests.push({ operation, body: text, faulted: error !== undefined });
    if (error) {
      stats.errors++;
      if (error === 'reset') {
        req.socket.destroy();
        return;
      }
      const reply = ERROR_REPLIES[error];
      return sendJson(res, reply.status, { __type: reply.type, message: reply.message }, reply.type);
    }
    if (operation === 'PutRecords') return putRecords(req, body, text, res);
    passThrough(res, await forward(req, body));
  }

  /** The error a request is answered with: the first rule that matches, else an `errorRate` draw. */
  function injectedError(operation: string, body: string): InjectedError | undefined {
    const rule = rules.find((r) => (!r.operation || r.operation === operation) && (!r.when || r.when(body)));
    if (rule) return rule.error;
    const { errorRate = 0, errorOperations = [] } = faults;
    const listed = errorOperations.length === 0 || errorOperations.includes(operation);
    if (errorRate > 0 && listed && random() < errorRate) return faults.error ?? 'throttle';
    return undefined;
  }

  /** Forwards the entries not refused, then answers with the refusals put back in their places. */
  async function putRecords(req: IncomingMessage, body: Buffer, text: string, res: ServerResponse) {
    const rate = faults.putRecordsFailRate ?? 0;
    const parsed = JSON.parse(text) as { Records: unknown[] };
    // No draw while the rate is 0: the seeded sequence is kept for the faults.
    const refused = parsed.Records.map(() => rate > 0 && random() < rate);
    const count = refused.filter(Boolean).length;
    stats.entriesRefused += count;
    if (count > 0 && count === parsed.Records.length)
      return sendJson(res, 200, mergeResults(refused, { Records: [] }));
    const kept = { ...parsed, Records: parsed.Records.filter((_, i) => !refused[i]) };
    const answer = await forward(req, count > 0 ? Buffer.from(JSON.stringify(kept)) : body);
    stats.entriesForwarded += kept.Records.length;
    if (faults.loseAcks) {
      stats.acksLost++;
      req.socket.destroy();
      return;
    }
    if (count === 0 || answer.status !== 200) return passThrough(res, answer);
    sendJson(res, 200, mergeResults(refused, JSON.parse(answer.body.toString('utf8')) as PutRecordsResult));
  }

  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listenLocal(server, options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stats,
    counts,
    requests,
    set(update) {
      for (const key of ['putRecordsFailRate', 'errorRate'] as const) {
        const value = update[key];
        if (value !== undefined && !(value >= 0 && value <= 1))
          throw new FaultOptionError(`${key} must be within 0..1, got ${value}`);
      }
      faults = { ...faults, ...update };
      if (faults.down) for (const socket of sockets) if (!busy.has(socket)) socket.destroy();
    },
    fail(rule) {
      rules.push(rule);
    },
    clear() {
      faults = {};
      rules = [];
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
