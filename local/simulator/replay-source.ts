/**
 * Replay of a recorded session file: JSON lines `{"t": epochMs, "dir": "in", "raw": "<frame>"}`
 * (lines with another `dir` ignored). Each client gets its own player, started when it
 * subscribes, so every client sees the whole file from its start, at the recorded pace,
 * `speed` times faster, or as fast as its socket drains (`speed: Infinity`), optionally
 * looping with times shifted forward.
 *
 * The recorded server acknowledgements (`Subscribed ...`, `{"type":"ack"}`...) are not
 * replayed: the simulator answers each client's own messages live.
 */
import { readFileSync } from 'node:fs';
import { isArchivedDay, loadArchivedSession } from './archive-session.ts';
import { classify, ReplayFileError, type ReplayLine, type ReplaySession } from './replay-lines.ts';

/** A recorded session file, or an archived day's directory (`<archive>/YYYY-MM-DD`). */
export function loadSession(path: string): ReplaySession {
  if (isArchivedDay(path)) return loadArchivedSession(path);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ReplayFileError(`cannot read replay file ${path}: ${(cause as Error).message}`);
  }
  return parseSession(text);
}

/** Parses session JSON lines; throws on a line that is not `{t, dir, raw}` JSON. */
export function parseSession(text: string): ReplaySession {
  const lines: ReplayLine[] = [];
  const rows = text.split('\n');
  for (let n = 0; n < rows.length; n++) {
    const row = rows[n].trim();
    if (row === '') continue;
    let entry: { t?: unknown; dir?: unknown; raw?: unknown };
    try {
      entry = JSON.parse(row);
    } catch {
      throw new ReplayFileError('not JSON', n + 1);
    }
    if (entry?.dir !== 'in') continue;
    if (typeof entry.t !== 'number' || !Number.isFinite(entry.t))
      throw new ReplayFileError('"t" must be epoch ms', n + 1);
    if (typeof entry.raw !== 'string') throw new ReplayFileError('"raw" must be a string', n + 1);
    const line = classify(entry.t, entry.raw);
    if (line) lines.push(line);
  }
  if (lines.length === 0) throw new ReplayFileError('no "in" frames to replay');
  return { lines, firstT: lines[0].t, lastT: lines[lines.length - 1].t };
}

/** Rewrites the recorded server times (V2 field 101, index field 13) by `shiftMs` for a later loop. */
export function shiftTimes(line: ReplayLine, shiftMs: number): string {
  if (shiftMs === 0 || line.kind === 'other') return line.raw;
  const fields = line.raw.split('|');
  const at = line.kind === 'index' ? 13 : fields.length === 102 ? 101 : -1;
  if (at < 0 || at >= fields.length || fields[at] === '') return line.raw;
  const value = Number(fields[at]);
  if (!Number.isFinite(value)) return line.raw;
  fields[at] = String(value + shiftMs);
  return fields.join('|');
}
