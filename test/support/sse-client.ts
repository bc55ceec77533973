/**
 * A minimal Server-Sent Events reader for tests: collects `{ event, data }` messages from
 * a stream URL and waits for one that matches.
 */
import { type ClientRequest, get, type IncomingMessage } from 'node:http';

export type SseMessage = { readonly event: string; readonly data: unknown };

export type SseClient = {
  readonly status: number;
  readonly contentType: string;
  readonly messages: SseMessage[];
  waitFor(test: (m: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>;
  close(): void;
};

export function openSse(url: string): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    let request: ClientRequest | undefined;
    request = get(url, (res: IncomingMessage) => {
      const messages: SseMessage[] = [];
      const waiters = new Set<() => void>();
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) messages.push({ event, data: JSON.parse(data) });
          end = buffer.indexOf('\n\n');
        }
        for (const wake of waiters) wake();
      });
      res.on('error', () => {});
      resolve({
        status: res.statusCode ?? 0,
        contentType: String(res.headers['content-type']),
        messages,
        waitFor(test, timeoutMs = 5_000) {
          return new Promise((done, fail) => {
            const check = () => {
              const found = messages.find(test);
              if (!found) return;
              clearTimeout(timer);
              waiters.delete(check);
              done(found);
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              fail(
                new Error(
                  `no matching event within ${timeoutMs} ms; got ${messages.map((m) => m.event).join(', ')}`,
                ),
              );
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        close() {
          request?.destroy();
          request = undefined;
        },
      });
    });
    request.on('error', reject);
  });
}
