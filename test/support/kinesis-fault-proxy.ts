/**
 * An HTTP proxy in front of a Kinesis emulator that injects the faults real Kinesis
 * produces, so tests exercise the real SDK without mocks:
 * - `failRate`: PutRecords entries refused with ProvisionedThroughputExceededException
 *   (the others are forwarded and stored, exactly like a partial failure);
 * - `down`: every new request's connection is reset before anything reaches the
 *   emulator (the endpoint is unreachable; requests already forwarded complete);
 * - `loseAcks`: PutRecords requests are stored by the emulator but the connection is
 *   reset instead of answering (a lost acknowledgement: the client cannot know).
 *
 * @example
 * const proxy = await startKinesisFaultProxy(kinesis.endpoint);
 * proxy.set({ failRate: 0.3 });   // 30% of entries refused
 * proxy.set({ down: true });      // connections reset
 * await proxy.stop();
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type KinesisFaults = { failRate?: number; down?: boolean; loseAcks?: boolean };

export type KinesisFaultProxy = {
  readonly endpoint: string;
  readonly stats: {
    putRequests: number;
    entriesRefused: number;
    entriesForwarded: number;
    resets: number;
    acksLost: number;
  };
  set(faults: KinesisFaults): void;
  stop(): Promise<void>;
};

type PutRecordsBody = { StreamName?: string; StreamARN?: string; Records: unknown[] };
type PutRecordsResult = { FailedRecordCount?: number; Records: Array<Record<string, unknown>> };

export async function startKinesisFaultProxy(
  upstream: string,
  options: { random?: () => number } = {},
): Promise<KinesisFaultProxy> {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const random = options.random ?? Math.random;
  let faults: KinesisFaults = {};
  const sockets = new Set<Socket>();
  const busy = new Set<Socket>();
  const stats = { putRequests: 0, entriesRefused: 0, entriesForwarded: 0, resets: 0, acksLost: 0 };

  const forward = (method: string, path: string, headers: Record<string, unknown>, body: Buffer) =>
    new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      const upstreamRequest = request(
        {
          host: target.hostname,
          port: target.port,
          method,
          path,
          agent,
          headers: { ...headers, host: target.host, 'content-length': body.length },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 500,
              headers: response.headers,
              body: Buffer.concat(chunks),
            }),
          );
        },
      );
      upstreamRequest.on('error', reject);
      upstreamRequest.end(body);
    });

  const server = createServer((req, res) => {
    if (faults.down) {
      stats.resets++;
      req.socket.destroy();
      return;
    }
    busy.add(req.socket);
    res.on('close', () => busy.delete(req.socket));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      try {
        let body = Buffer.concat(chunks);
        const isPut = String(req.headers['x-amz-target'] ?? '').endsWith('.PutRecords');
        const rate = faults.failRate ?? 0;
        let refused: boolean[] = [];
        if (isPut) {
          stats.putRequests++;
          const parsed = JSON.parse(body.toString()) as PutRecordsBody;
          refused = parsed.Records.map(() => rate > 0 && random() < rate);
          stats.entriesRefused += refused.filter(Boolean).length;
          stats.entriesForwarded += refused.filter((r) => !r).length;
          if (refused.some(Boolean)) {
            if (refused.every(Boolean)) return reply(res, 200, mergeResults(refused, { Records: [] }));
            parsed.Records = parsed.Records.filter((_, i) => !refused[i]);
            body = Buffer.from(JSON.stringify(parsed));
          }
        }
        const response = await forward(req.method ?? 'POST', req.url ?? '/', req.headers, body);
        if (isPut && faults.loseAcks) {
          stats.acksLost++;
          req.socket.destroy();
          return;
        }
        if (isPut && refused.some(Boolean) && response.status === 200) {
          return reply(
            res,
            200,
            mergeResults(refused, JSON.parse(response.body.toString()) as PutRecordsResult),
          );
        }
        const headers = { ...response.headers };
        delete headers['transfer-encoding'];
        res.writeHead(response.status, { ...headers, 'content-length': response.body.length } as never);
        res.end(response.body);
      } catch {
        req.socket.destroy();
      }
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stats,
    set(update) {
      faults = { ...faults, ...update };
      // Idle keep-alive connections die with the endpoint; requests in flight complete.
      if (faults.down) for (const socket of sockets) if (!busy.has(socket)) socket.destroy();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The emulator's results for the forwarded entries, with refusals put back in their places. */
function mergeResults(refused: boolean[], upstream: PutRecordsResult): PutRecordsResult {
  const accepted = [...upstream.Records];
  const records = refused.map((isRefused) =>
    isRefused
      ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded (fault proxy)' }
      : (accepted.shift() as Record<string, unknown>),
  );
  return { FailedRecordCount: records.filter((r) => r.ErrorCode).length, Records: records };
}

function reply(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}
