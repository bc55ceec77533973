/**
 * A plain `ws` test client for the simulator tests: collects every message and waits for
 * conditions with a deadline.
 */
import WebSocket from 'ws';
import { BROWSER_USER_AGENT } from '../../local/simulator/fault-knobs.ts';

export type TestClient = {
  readonly ws: WebSocket;
  /** Text messages in arrival order. */
  readonly texts: string[];
  /** Binary messages in arrival order. */
  readonly binaries: Buffer[];
  send(message: string): void;
  /** Resolves once `test()` is true (checked on every message and every 10 ms), rejects after `timeoutMs`. */
  waitFor(test: () => boolean, timeoutMs?: number, what?: string): Promise<void>;
  /** Resolves with the close code (1006 for a cut connection). */
  closed: Promise<number>;
  close(): Promise<void>;
};

export async function connect(
  url: string,
  userAgent: string | null = BROWSER_USER_AGENT,
): Promise<TestClient> {
  const ws = new WebSocket(url, { headers: userAgent === null ? {} : { 'User-Agent': userAgent } });
  const texts: string[] = [];
  const binaries: Buffer[] = [];
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.on('message', (data, isBinary) => {
    if (isBinary) binaries.push(data as Buffer);
    else texts.push(data.toString());
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.on('error', () => {});
  return {
    ws,
    texts,
    binaries,
    send: (message) => ws.send(message),
    closed,
    waitFor(test, timeoutMs = 5000, what = 'condition') {
      return new Promise((resolve, reject) => {
        const started = Date.now();
        const check = () => {
          if (test()) return resolve();
          if (Date.now() - started > timeoutMs)
            return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
          setTimeout(check, 10);
        };
        check();
      });
    },
    async close() {
      if (ws.readyState === WebSocket.CLOSED) return;
      ws.terminate();
      await closed;
    },
  };
}

/** Status code of a refused upgrade (403, 503...), or the error code when the socket was reset. */
export function upgradeOutcome(url: string, userAgent: string | null): Promise<number | string> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: userAgent === null ? {} : { 'User-Agent': userAgent } });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      resolve(101);
      ws.terminate();
    });
    ws.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}
