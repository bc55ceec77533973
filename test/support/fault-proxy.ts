/**
 * An HTTP proxy in front of an AWS-API emulator (dynalite, kinesalite) that fails chosen
 * requests the way AWS does, so tests exercise the real SDK's error and retry paths
 * instead of mocking the SDK. It also counts (and can keep) every request it sees.
 *
 * A rule matches on the request's `X-Amz-Target` operation (e.g. `BatchWriteItem`) and
 * body, and answers instead of the emulator: `internal-error` (HTTP 500
 * `InternalServerError`), `throttle` (HTTP 400 `ThrottlingException`, what DynamoDB sends),
 * `unavailable` (HTTP 503) or `reset` (the socket is destroyed mid-request). `times`
 * bounds how many requests a rule fails (the SDK retries, so fail at least `maxAttempts`
 * to make an error reach the caller).
 *
 * @example
 * const proxy = await startFaultProxy(dynamo.endpoint);
 * proxy.fail({ operation: 'BatchWriteItem', when: (body) => body.includes('"HPG#'), fault: 'throttle' });
 * const client = new DynamoDBClient({ endpoint: proxy.endpoint, ... });
 * await proxy.stop();
 */
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'internal-error' | 'throttle' | 'unavailable' | 'reset';

export type FaultRule = {
  /** The operation, the part of `X-Amz-Target` after the dot (any when omitted). */
  readonly operation?: string;
  /** Further condition on the request body (JSON text). */
  readonly when?: (body: string) => boolean;
  readonly fault: Fault;
  /** How many matching requests to fail. @default Infinity */
  times?: number;
};

export type SeenRequest = { readonly operation: string; readonly body?: string; readonly faulted: boolean };

export type FaultProxy = {
  readonly endpoint: string;
  readonly port: number;
  /** Requests seen, in order (bodies kept only with `keepBodies`). */
  readonly requests: SeenRequest[];
  /** Requests seen per operation. */
  readonly counts: Map<string, number>;
  fail(rule: FaultRule): void;
  clearFaults(): void;
  stop(): Promise<void>;
};

export type FaultProxyOptions = {
  /** Keep request bodies in `requests` (memory grows with traffic). @default true */
  readonly keepBodies?: boolean;
  /** Keep the `requests` list at all (counts are always kept). @default true */
  readonly keepRequests?: boolean;
};

const FAULT_RESPONSES: Record<Exclude<Fault, 'reset'>, { status: number; type: string; message: string }> = {
  'internal-error': { status: 500, type: 'InternalServerError', message: 'injected internal error' },
  throttle: { status: 400, type: 'ThrottlingException', message: 'injected throttling' },
  unavailable: { status: 503, type: 'ServiceUnavailable', message: 'injected unavailability' },
};

export async function startFaultProxy(target: string, options: FaultProxyOptions = {}): Promise<FaultProxy> {
  const { keepBodies = true, keepRequests = true } = options;
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const rules: FaultRule[] = [];
  const requests: SeenRequest[] = [];
  const counts = new Map<string, number>();

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString('utf8');
      const targetHeader = String(req.headers['x-amz-target'] ?? '');
      const operation = targetHeader.slice(targetHeader.lastIndexOf('.') + 1);
      counts.set(operation, (counts.get(operation) ?? 0) + 1);
      const rule = rules.find(
        (r) => (r.times ?? 1) > 0 && (!r.operation || r.operation === operation) && (!r.when || r.when(text)),
      );
      if (keepRequests)
        requests.push({ operation, body: keepBodies ? text : undefined, faulted: rule !== undefined });
      if (rule) {
        if (rule.times !== undefined) rule.times--;
        if (rule.fault === 'reset') {
          req.socket.destroy();
          return;
        }
        const { status, type, message } = FAULT_RESPONSES[rule.fault];
        const payload = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });
        res.writeHead(status, {
          'content-type': 'application/x-amz-json-1.0',
          'x-amzn-errortype': type,
          'content-length': Buffer.byteLength(payload),
        });
        res.end(payload);
        return;
      }
      forward(req.method ?? 'POST', req.url ?? '/', req.headers, body, res);
    });
  });

  function forward(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Buffer,
    res: import('node:http').ServerResponse,
  ) {
    const upstreamReq = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method,
        path,
        headers: { ...headers, host: upstream.host },
        agent,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstreamReq.on('error', () => res.destroy());
    upstreamReq.end(body);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    requests,
    counts,
    fail: (rule) => rules.push(rule),
    clearFaults: () => rules.splice(0),
    stop: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
