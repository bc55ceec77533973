/**
 * `npm run frames -- FILE` (FILE `-` reads stdin): look at the feed.
 *
 * Input, one per line: raw server frames, or a recorded session's JSON lines
 * `{"t": epochMs, "dir": "in", "raw": "<frame>"}` (lines with another `dir` are ignored);
 * or an archived day's directory (`.local-data/archive/YYYY-MM-DD`), read as recorded
 * lines with `t` the receive time.
 * Output: one parsed JSON object per frame on stdout (with `t` first for recorded lines);
 * a rejected frame goes to stderr as one JSON object with its `reason` and input `line`.
 * Exit code 0, or 1 when the file cannot be read.
 *
 * @example
 * npm run frames -- test/fixtures/session.jsonl | jq 'select(.kind=="stock") | .totalVolume'
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable, type Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { parseFrame } from '../core/iboard/parse-frame.ts';
import { archivedFrames, isArchivedDay } from '../local/simulator/archive-session.ts';

type Input = { raw: string; t?: unknown } | undefined;

/** A recorded-session line yields its frame (or undefined to skip it); any other line is a raw frame. */
export function inputOf(line: string): Input {
  if (line.charCodeAt(0) === 123 /* { */ && line.includes('"raw"')) {
    try {
      const record = JSON.parse(line) as { t?: unknown; dir?: unknown; raw?: unknown };
      if (typeof record.raw === 'string' && 'dir' in record) {
        return record.dir === 'in' ? { raw: record.raw, t: record.t } : undefined;
      }
    } catch {
      // Not a recorded line: fall through and parse it as a frame.
    }
  }
  return { raw: line };
}

async function write(stream: Writable, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise((resolve) => stream.once('drain', resolve));
}

/** Parses every frame of `input`; returns the counts. */
export async function printFrames(input: Readable, out: Writable, err: Writable) {
  const counts = { frames: 0, rejected: 0 };
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    line++;
    if (text.length === 0) continue;
    const frame = inputOf(text);
    if (frame === undefined) continue;
    counts.frames++;
    const parsed = parseFrame(frame.raw);
    const shown = frame.t === undefined ? parsed : { t: frame.t, ...parsed };
    if (parsed.kind === 'rejected') {
      counts.rejected++;
      await write(err, `${JSON.stringify({ line, ...shown })}\n`);
    } else {
      await write(out, `${JSON.stringify(shown)}\n`);
    }
  }
  return counts;
}

async function main(): Promise<void> {
  const file = process.argv[2];
  if (file === undefined) {
    console.error(
      'usage: npm run frames -- FILE|DAY   (FILE - reads stdin; DAY: .local-data/archive/YYYY-MM-DD)',
    );
    process.exitCode = 2;
    return;
  }
  // Piping into `head` closes stdout early: that is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const input =
    file === '-'
      ? process.stdin
      : isArchivedDay(file)
        ? Readable.from(
            archivedFrames(file).map(
              (f) => `${JSON.stringify({ t: f.receivedAt, dir: 'in', raw: f.raw })}\n`,
            ),
          )
        : createReadStream(file);
  try {
    await printFrames(input, process.stdout, process.stderr);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    console.error(`frames: cannot read ${file}: ${code ?? message}`);
    process.exitCode = 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
