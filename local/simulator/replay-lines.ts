/**
 * The lines of a replayed session (a recorded file or an archived day), as both readers
 * produce them: which client a frame goes to, and the error for a file that cannot be used.
 */
import { SimulatorError } from '../../core/errors.ts';

export type ReplayLine = {
  /** Recorded receive time, epoch ms. */
  readonly t: number;
  readonly raw: string;
  /** `stock` and `index` lines are sent only to clients subscribed to `key`; `other` to every player. */
  readonly kind: 'stock' | 'index' | 'other';
  readonly key: string;
};

export type ReplaySession = {
  readonly lines: readonly ReplayLine[];
  readonly firstT: number;
  readonly lastT: number;
};

/** A session file that cannot be used; `line` is 1-based. */
export class ReplayFileError extends SimulatorError {
  readonly code = 'REPLAY_FILE_INVALID';
  readonly line?: number;
  constructor(message: string, line?: number, options?: ErrorOptions) {
    super(line === undefined ? message : `line ${line}: ${message}`, options);
    this.name = 'ReplayFileError';
    this.line = line;
  }
}

const ACK_TYPES = new Set(['ack', 'unsub']);

/** A frame as a replay line; undefined for the server acknowledgements, which are not replayed. */
export function classify(t: number, raw: string): ReplayLine | undefined {
  if (raw.startsWith('Subscribed ') || raw.startsWith('Unsubscribed ')) return undefined;
  if (raw.startsWith('{')) {
    try {
      if (ACK_TYPES.has((JSON.parse(raw) as { type?: string }).type ?? '')) return undefined;
    } catch {
      // Not JSON after all: replay it as recorded.
    }
  }
  const first = raw.indexOf('|');
  if (raw.startsWith('I#'))
    return { t, raw, kind: 'index', key: raw.slice(2, first === -1 ? undefined : first).toUpperCase() };
  if (first !== -1) {
    const second = raw.indexOf('|', first + 1);
    const end = second === -1 ? raw.length : second;
    // V1: `S#hose:974|FPT|...`; V2: `MAIN|S#FPT|...`.
    if (raw.startsWith('S#')) return { t, raw, kind: 'stock', key: raw.slice(first + 1, end) };
    if (raw.startsWith('S#', first + 1)) return { t, raw, kind: 'stock', key: raw.slice(first + 3, end) };
  }
  return { t, raw, kind: 'other', key: '' };
}
