/**
 * Malformed frames for the fault injector, built from a real frame so they look like what
 * a broken server or proxy would send: a stock frame with the wrong number of fields,
 * garbage (random pipe-separated text, or a real frame with letters in a number field), a binary websocket message, or a frame too large for one Kinesis record.
 */

import type { Random } from '../../core/random.ts';
import type { MalformedKind } from './ledger.ts';

export type MalformedFrame = { readonly data: string | Buffer; readonly binary: boolean };

/** Below every stock layout's minimum (V1 needs 62 fields, V2 exactly 102). */
const TRUNCATED_FIELDS = 40;
/** Cumulative volume: a corrupt value there would poison trade derivation if accepted. */
const CORRUPTED_FIELD = 54;
const GARBAGE_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789|#%&*~ ';

export function malformedFrame(
  kind: MalformedKind,
  real: string,
  random: Random,
  oversizedBytes: number,
): MalformedFrame {
  switch (kind) {
    case 'field-count':
      return { data: wrongFieldCount(real), binary: false };
    case 'garbage':
      return { data: random.chance(0.5) ? corruptNumber(real) : garbageText(random), binary: false };
    case 'binary': {
      const bytes = Buffer.alloc(random.int(4, 256));
      for (let i = 0; i < bytes.length; i++) bytes[i] = random.int(0, 255);
      return { data: bytes, binary: true };
    }
    case 'oversized': {
      // The real frame padded with empty fields up to the size: well-formed text, far too big.
      const padding = Math.max(0, oversizedBytes - real.length);
      return { data: real + '|'.repeat(padding), binary: false };
    }
  }
}

/** Random printable text with pipes but no `S#`/`I#`/`L#` tag: pipe-separated, yet no data frame. */
function garbageText(random: Random): string {
  // Starts with '~|' so it can never be mistaken for a tagged data frame or JSON.
  let text = '~|';
  const length = random.int(8, 120);
  for (let i = 0; i < length; i++) text += GARBAGE_ALPHABET[random.int(0, GARBAGE_ALPHABET.length - 1)];
  return text;
}

/** The real frame with a letter in its cumulative volume (field 54): a number field that is not a number. */
function corruptNumber(real: string): string {
  const fields = real.split('|');
  fields[CORRUPTED_FIELD] = `x${fields[CORRUPTED_FIELD]}`;
  return fields.join('|');
}

/**
 * Cut to 40 fields: too few for any generation (the parser takes V2 frames from 56 fields
 * on, since a frame without the trailing fields SSI adds over time is still usable).
 */
function wrongFieldCount(real: string): string {
  return real.split('|').slice(0, TRUNCATED_FIELDS).join('|');
}
