/**
 * An archived trading day (`<archive>/YYYY-MM-DD`, the embedded runtime's
 * `.local-data/archive/2026-04-14` or a copy of the S3 prefix) read as a replay session or
 * as recorded lines, so `npm start -- --replay`, `npm run simulate -- --replay` and
 * `npm run frames` take a day of the archive as they take a recording.
 *
 * Frames come in the order the ingest task received them (every shard read in stream
 * order with `core/archive`'s reader, then merged by receive time). A line's `t` is the
 * frame's own time when it carries one (the server time of a V2 stock frame, an index
 * frame's time), else the last such time: the day the data is of, also for a day archived
 * under the embedded runtime's simulated clock (where receive times are real).
 *
 * @example
 * const session = loadArchivedSession('.local-data/archive/2026-04-14');
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { orderArchiveObjects, shardReader } from '../../core/archive/read-archive.ts';
import { parseFrame } from '../../core/iboard/parse-frame.ts';
import { decodeRecord } from '../../core/records/index.ts';
import { classify, ReplayFileError, type ReplayLine, type ReplaySession } from './replay-lines.ts';

/** Whether `path` is an archived day's directory (`.../YYYY-MM-DD`). */
export function isArchivedDay(path: string): boolean {
  try {
    return /^\d{4}-\d{2}-\d{2}$/.test(basename(path)) && statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Every archived frame of the day, in receive order, with its receive time. */
export function archivedFrames(dayDir: string): { receivedAt: number; raw: string }[] {
  const root = dirname(dayDir);
  const date = basename(dayDir);
  const keys = (readdirSync(dayDir, { recursive: true }) as string[]).map((entry) =>
    relative(root, join(dayDir, entry)).split(sep).join('/'),
  );
  const objects = orderArchiveObjects(keys, date);
  const frames: { receivedAt: number; raw: string }[] = [];
  for (const shardId of new Set(objects.map((o) => o.shardId))) {
    const reader = shardReader();
    for (const object of objects.filter((o) => o.shardId === shardId)) {
      if (!reader.wants(object)) continue;
      for (const record of reader.take(readFileSync(join(root, object.key)))) {
        try {
          for (const { receivedAt, raw } of decodeRecord(record.data)) frames.push({ receivedAt, raw });
        } catch {
          // An undecodable record has no frames to replay (the transform rejects it too).
        }
      }
    }
  }
  // Stable: each shard's frames keep their order; shards interleave by receive time.
  return frames.sort((a, b) => a.receivedAt - b.receivedAt);
}

/** The archived day as recorded lines (`t` as above). */
export function archivedLines(dayDir: string): ReplayLine[] {
  const lines: ReplayLine[] = [];
  let last: number | undefined;
  for (const { receivedAt, raw } of archivedFrames(dayDir)) {
    const line = classify(receivedAt, raw);
    if (!line) continue;
    let own: number | undefined;
    if (line.kind !== 'other') {
      const frame = parseFrame(raw);
      own = frame.kind === 'stock' ? frame.serverTime : frame.kind === 'index' ? frame.timeMs : undefined;
    }
    last = own ?? last;
    lines.push({ ...line, t: own ?? last ?? receivedAt });
  }
  return lines;
}

export function loadArchivedSession(dayDir: string): ReplaySession {
  const lines = archivedLines(dayDir);
  if (lines.length === 0) throw new ReplayFileError(`no archived frames to replay in ${dayDir}`);
  return { lines, firstT: lines[0].t, lastT: lines[lines.length - 1].t };
}
