/**
 * `parseFrame(text)`: any server frame to a typed {@link ParseResult}, never throwing.
 *
 * Data frames are scanned once for their pipes (`indexOf`, no `split`), then every field is
 * typed straight from the frame text: numbers by `parseNumberAt` without allocating a
 * substring, text fields by `slice` (see `parse-stock.ts`, `parse-tagged.ts`). A malformed frame comes back as
 * `{ kind: 'rejected', reason, field?, raw }` so callers can count and quarantine it; a
 * crossed book (bid above offer) is not malformed (it happens in auctions).
 *
 * @example
 * parseFrame('Subscribed stockRealtimeBySymbolsAndBoards'); // { kind: 'control', control: 'subscribed', topic: ... }
 * parseFrame('MAIN|S#FPT|76300|11800|...|1776148328137');   // { kind: 'stock', generation: 'v2', symbol: 'FPT', ... }
 */
import { reject } from './frame-text.ts';
import { parseJsonControl, parseTextControl } from './parse-control.ts';
import { parseStock } from './parse-stock.ts';
import { parseTagged } from './parse-tagged.ts';
import { MAX_FRAME_LENGTH, type ParseResult, POLLED_PREFIX } from './types.ts';

const HASH = 35;

/** Parses one server frame. Never throws, whatever `text` is. */
export function parseFrame(text: string): ParseResult {
  if (typeof text !== 'string') return reject(`not a string but ${describe(text)}`, safeString(text));
  try {
    return parseText(text);
  } catch (error) {
    // Defensive: no code path above is known to throw; report rather than crash a consumer.
    return reject(`parser error: ${String((error as Error)?.message ?? error)}`, text);
  }
}

/**
 * The symbol of a stock frame, read without parsing the frame; undefined for any other
 * frame (and for a stock frame with no symbol, or nothing after it). Agrees with
 * `parseFrame(text).symbol` whenever that is a stock frame (it may name a symbol for a
 * frame the parser then rejects).
 *
 * @example
 * stockSymbolOf('MAIN|S#FPT|76300|...'); // 'FPT'
 * stockSymbolOf('S#hose:974|FPT|...');   // 'FPT'
 */
export function stockSymbolOf(text: string): string | undefined {
  const pipe = text.indexOf('|');
  if (pipe === -1) return undefined;
  const v1 = text.charCodeAt(0) === 83 /* S */ && text.charCodeAt(1) === HASH; // S#id|SYMBOL|
  const v2 = text.charCodeAt(pipe + 1) === 83 /* S */ && text.charCodeAt(pipe + 2) === HASH; // BOARD|S#SYMBOL|
  if (!v1 && !v2) return undefined;
  const start = v1 ? pipe + 1 : pipe + 3;
  const end = text.indexOf('|', start);
  return end > start ? text.slice(start, end) : undefined;
}

function parseText(text: string): ParseResult {
  const length = text.length;
  if (length === 0) return reject('empty frame', text);
  if (length > MAX_FRAME_LENGTH)
    return reject(`frame too large: ${length} > ${MAX_FRAME_LENGTH} chars`, text);
  const c0 = text.charCodeAt(0);
  const c1 = text.charCodeAt(1);
  if (c1 === HASH) {
    if (c0 === 83 /* S */) return parseStock(text, 'v1');
    if (c0 === 73 /* I */) return parseTagged(text, 'index');
    if (c0 === 76 /* L */) return parseTagged(text, 'trade');
    if (c0 === 80 /* P */) return parsePolled(text);
  }
  const pipe = text.indexOf('|');
  if (pipe !== -1 && text.charCodeAt(pipe + 2) === HASH) {
    if (text.charCodeAt(pipe + 1) === 83 /* S */) return parseStock(text, 'v2');
  }
  return parseNonData(text, c0, pipe);
}

/** What is not a stock, index, trade or polled frame: control messages, rejects, unknown frames. */
function parseNonData(text: string, c0: number, pipe: number): ParseResult {
  if (c0 === 123 /* { */ || c0 === 91 /* [ */) return parseJsonControl(text);
  if (hasControlCharacters(text)) return reject('binary or control characters in frame', text);
  const control = parseTextControl(text);
  if (control !== undefined) return control;
  if (pipe !== -1 && !isTagged(text, 0) && !isTagged(text, pipe + 1)) {
    return reject('pipe-separated frame without an S#, I# or L# tag', text, 0);
  }
  // A tagged data frame we do not decode (M#...) or free text: the feed changes shape over time.
  return { kind: 'unknown', raw: text };
}

/** `P#` + a V2 stock frame: a frame made from a polled snapshot (see `formatPolledFrame`). */
function parsePolled(text: string): ParseResult {
  const inner = text.slice(POLLED_PREFIX.length);
  const pipe = inner.indexOf('|');
  if (pipe === -1 || !inner.startsWith('S#', pipe + 1)) {
    return reject('polled frame (P#) without a V2 stock frame after the tag', text, 0);
  }
  const frame = parseStock(inner, 'v2');
  if (frame.kind !== 'stock') return { ...frame, raw: text };
  frame.polled = true;
  return frame;
}

function isTagged(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  return c >= 65 && c <= 90 && text.charCodeAt(at + 1) === HASH;
}

function hasControlCharacters(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 0x7f || c === 0xfffd) return true;
  }
  return false;
}

function describe(value: unknown): string {
  return value === null ? 'null' : typeof value;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '';
  }
}
