/**
 * Routes each stamped frame: control frames (subscription acks, errors, session and
 * status notices) are counted and logged; every other frame is counted by kind and
 * goes on to the buffer and Kinesis, malformed ones included (the transform rejects
 * them with a reason, so nothing disappears here). Kinds are told apart by prefix
 * only: the hot path never parses a data frame.
 *
 * @example
 * frameKindOf('MAIN|S#FPT|76300|...'); // 'stock'
 * frameKindOf('P#MAIN|S#FPT|76300|...'); // 'polled' (the REST fallback's)
 * frameKindOf('Subscribed stockRealtimeBySymbolsAndBoards'); // 'control'
 */
import { parseJsonControl, parseTextControl } from '../core/iboard/parse-control.ts';
import { type ControlFrame, POLLED_PREFIX } from '../core/iboard/types.ts';
import type { Envelope } from '../core/records/index.ts';
import type { RejectReason } from './connection.ts';
import type { IngestLogger } from './logger.ts';
import type { FrameKind, IngestMetrics } from './metrics.ts';

const OPEN_BRACE = 0x7b;

/** The frame's kind by its prefix; `control` is a candidate that `classifyControl` confirms. */
export function frameKindOf(raw: string): FrameKind {
  if (raw.charCodeAt(0) === OPEN_BRACE || raw.startsWith('Subscribed ') || raw.startsWith('Unsubscribed ')) {
    return 'control';
  }
  if (raw.startsWith(POLLED_PREFIX)) return 'polled';
  if (raw.startsWith('S#')) return 'stock';
  if (raw.startsWith('I#')) return 'index';
  if (raw.startsWith('L#')) return 'trade';
  const bar = raw.indexOf('|');
  if (bar > 0 && raw.startsWith('S#', bar + 1)) return 'stock';
  return 'other';
}

/** The control frame, or undefined when the text only looked like one (e.g. broken JSON). */
export function classifyControl(raw: string): ControlFrame | undefined {
  const text = parseTextControl(raw);
  if (text) return text;
  if (raw.charCodeAt(0) !== OPEN_BRACE) return undefined;
  const parsed = parseJsonControl(raw);
  return parsed.kind === 'control' ? parsed : undefined;
}

export type FrameRouterOptions = {
  readonly forward: (envelope: Envelope) => void;
  readonly metrics: IngestMetrics;
  readonly logger: IngestLogger;
};

export type FrameRouter = {
  onFrame(envelope: Envelope): void;
  onRejected(reason: RejectReason, bytes: number, connectionId: string): void;
};

export function createFrameRouter(options: FrameRouterOptions): FrameRouter {
  const { forward, metrics, logger } = options;
  const framesIn = metrics.framesIn;
  return {
    onFrame(envelope) {
      let kind = frameKindOf(envelope.raw);
      if (kind === 'control') {
        const control = classifyControl(envelope.raw);
        if (control) {
          framesIn.control++;
          logControl(logger, control, envelope.connectionId);
          return;
        }
        kind = 'other';
      }
      framesIn[kind]++;
      // What the REST fallback watches: the websocket delivering data (polled frames are its own).
      if (kind !== 'polled') metrics.lastDataFrameAt = envelope.receivedAt;
      forward(envelope);
    },
    onRejected(reason, bytes, connectionId) {
      const count = ++metrics.framesRejected[reason];
      // Every one of the first ten, then one in a thousand: visible, never a flood.
      if (count <= 10 || count % 1000 === 0) {
        logger.warn('frame rejected, not forwarded', { reason, bytes, connectionId, rejectedSoFar: count });
      }
    },
  };
}

function logControl(logger: IngestLogger, control: ControlFrame, connectionId: string): void {
  const details = { control: control.control, topic: control.topic, text: control.message, connectionId };
  if (control.control === 'error') logger.warn('server reported an error', details);
  else if (control.control === 'session' || control.control === 'status')
    logger.info('server notice', details);
  else logger.debug('control frame', details);
}
