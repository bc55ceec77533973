/**
 * Records a live session for later replay: connects to an iboard endpoint (or the
 * simulator) with a browser-like User-Agent, subscribes, and writes the session file
 * format, one JSON object per line:
 *
 * - `{"t": epochMs, "dir": "in", "raw": "<frame>"}` for every text frame received,
 * - `{"t", "dir": "in-binary", "raw": "<base64>"}` for binary frames,
 * - `{"t", "dir": "out", "raw": "<message>"}` for every message sent,
 * - `{"t", "dir": "event", "raw": "open" | "close" | "error" | "reconnect", ...details}`.
 *
 * An unexpected close reconnects (1 s, 2 s, ... up to 30 s) and subscribes again.
 *
 * @example
 * const recording = startRecording({ url, symbols: ['VCB', 'FPT'], out: 'session.jsonl', durationMs: 60_000 });
 * const summary = await recording.done; // { framesIn, messagesOut, connections }
 */
import { createWriteStream } from 'node:fs';
import WebSocket from 'ws';
import { Backoff } from '../../core/backoff.ts';
import { DEFAULT_INDICES, subscribeAllMessages } from '../../core/iboard/subscribe.ts';
import type { Generation } from '../../core/iboard/types.ts';
import { BROWSER_USER_AGENT } from './fault-knobs.ts';

export type RecordingOptions = {
  url: string;
  symbols: readonly string[];
  out: string;
  generation?: Generation;
  indices?: readonly string[];
  /** Stop after this long; default: until `stop()`. */
  durationMs?: number;
  chunkSize?: number;
  userAgent?: string;
};

export type RecordingSummary = { framesIn: number; messagesOut: number; connections: number };

export type Recording = {
  /** Closes the connection cleanly, flushes the file. */
  stop(): Promise<RecordingSummary>;
  done: Promise<RecordingSummary>;
};

const MAX_BACKOFF_MS = 30_000;

export function startRecording(options: RecordingOptions): Recording {
  const generation = options.generation ?? 'v2';
  const messages = subscribeAllMessages({
    generation,
    symbols: options.symbols,
    indices: options.indices ?? DEFAULT_INDICES,
    chunkSize: options.chunkSize,
  });
  const file = createWriteStream(options.out, { flags: 'w' });
  const summary: RecordingSummary = { framesIn: 0, messagesOut: 0, connections: 0 };
  const write = (dir: string, raw: string, extra: Record<string, unknown> = {}) =>
    file.write(`${JSON.stringify({ t: Date.now(), dir, raw, ...extra })}\n`);
  let ws: WebSocket | undefined;
  let stopping = false;
  const backoff = new Backoff({ baseMs: 1000, maxMs: MAX_BACKOFF_MS, jitter: 'none' });
  let reconnectTimer: NodeJS.Timeout | undefined;
  let finish: (s: RecordingSummary) => void = () => {};
  const done = new Promise<RecordingSummary>((resolve) => {
    finish = resolve;
  });

  const connect = () => {
    const socket = new WebSocket(options.url, {
      headers: { 'User-Agent': options.userAgent ?? BROWSER_USER_AGENT },
    });
    ws = socket;
    socket.on('open', () => {
      summary.connections++;
      backoff.reset();
      write('event', 'open', { url: options.url });
      for (const message of messages) {
        socket.send(message);
        write('out', message);
        summary.messagesOut++;
      }
    });
    socket.on('message', (data, isBinary) => {
      summary.framesIn++;
      if (isBinary) write('in-binary', (data as Buffer).toString('base64'));
      else write('in', data.toString());
    });
    socket.on('unexpected-response', (_req, res) => {
      write('event', 'error', { message: `upgrade refused: HTTP ${res.statusCode}` });
      socket.terminate();
    });
    socket.on('error', (error) => write('event', 'error', { message: error.message }));
    socket.on('close', (code, reason) => {
      write('event', 'close', { code, reason: reason.toString() });
      if (stopping) return end();
      const delay = backoff.next();
      write('event', 'reconnect', { inMs: delay });
      reconnectTimer = setTimeout(connect, delay);
    });
  };

  const end = () => {
    file.end(() => finish({ ...summary }));
  };

  const stop = (): Promise<RecordingSummary> => {
    if (!stopping) {
      stopping = true;
      clearTimeout(reconnectTimer);
      clearTimeout(durationTimer);
      if (ws && ws.readyState !== WebSocket.CLOSED) ws.close(1000, 'recording stopped');
      else end();
      // A server that never answers the close handshake: cut after 2 s.
      setTimeout(() => ws?.terminate(), 2000).unref();
    }
    return done;
  };

  const durationTimer = options.durationMs !== undefined ? setTimeout(stop, options.durationMs) : undefined;
  connect();
  return { stop, done };
}
