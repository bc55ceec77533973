/**
 * Which instrument a raw frame is about, read without parsing the whole frame,
 * and the Kinesis partition key that keeps each instrument's frames in order.
 *
 * @example
 * instrumentOf('MAIN|S#FPT|76300|...') // 'FPT'        (V2 stock)
 * instrumentOf('S#hose:974|FPT|...')   // 'FPT'        (V1 stock)
 * instrumentOf('I#VN30|1234.5|...')    // 'VN30'       (index)
 * instrumentOf('L#hose:643|17550|...') // 'hose:643'   (trade)
 * instrumentOf('Subscribed ...')       // undefined    (control and unknown frames)
 */
import { stockSymbolOf } from '../iboard/parse-frame.ts';

export function instrumentOf(raw: string): string | undefined {
  const symbol = stockSymbolOf(raw);
  if (symbol !== undefined) return symbol;
  if (raw.startsWith('I#') || raw.startsWith('L#') || raw.startsWith('M#')) {
    const first = raw.indexOf('|');
    return first > 2 ? raw.slice(2, first) : undefined;
  }
  return undefined;
}

/** Partition key for frames that name no instrument (control, unknown). */
export const MISC_PARTITION_KEY = 'misc';

/**
 * The partition key of a frame: one of `buckets` keys (`b00`...), chosen by a hash
 * of the instrument, so an instrument always lands in the same bucket (and so the
 * same shard, in order) while frames of many instruments share a record.
 * Kinesis hashes the key (MD5) onto shards; 8 buckets spread evenly over 1–4 shards.
 */
export function partitionKeyOf(raw: string, buckets: number): string {
  const instrument = instrumentOf(raw);
  if (instrument === undefined) return MISC_PARTITION_KEY;
  return bucketKey(fnv1a(instrument) % buckets);
}

function bucketKey(bucket: number): string {
  return `b${String(bucket).padStart(2, '0')}`;
}

/** 32-bit FNV-1a: tiny, fast and well spread for short ASCII symbols. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
