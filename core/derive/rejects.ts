/**
 * Rejects: poison input kept with its reason so the batch can go on.
 *
 * Choice: a DynamoDB rejects table rather than the event source mapping's on-failure
 * destination. The destination receives only batch metadata (shard, sequence range) after
 * the retries are exhausted, and only for records that failed as a whole; a table keeps
 * each bad frame's reason, field and text (truncated) at once, queryable per trading
 * date, and the good frames of the same record still get processed.
 * Key: pk = trading date (ICT) of the record's arrival, sk = `<shardId>#<sequenceNumber>#<frameIndex>`
 * (`record` in place of the frame index for a record that could not be decoded), so a
 * replay rewrites the same rows. Rows expire after {@link REJECT_RETENTION_DAYS} (TTL).
 *
 * @example
 * recordReject({ shardId, sequenceNumber, arrivalMs }, error.code, error.message, base64);
 */
import { ictDate } from '../market/ict-time.ts';
import { rejectSortKey } from '../tables.ts';
import { REJECT_RAW_MAX_CHARS, REJECT_RETENTION_DAYS, type RejectRow } from './types.ts';

/** Where a reject sits in the stream. */
export type RejectPlace = {
  readonly shardId: string;
  readonly sequenceNumber: string;
  /** Arrival time of the record in the stream, epoch ms. */
  readonly arrivalMs: number;
};

const DAY_SECONDS = 24 * 60 * 60;

/** A record that could not be decoded; `raw` is its data in base64 (truncated). */
export function recordReject(place: RejectPlace, code: string, reason: string, rawBase64: string): RejectRow {
  return {
    kind: 'record',
    ...common(place, rawBase64),
    sk: rejectSortKey(place.shardId, place.sequenceNumber, 'record'),
    reason,
    code,
    receivedAt: place.arrivalMs,
  };
}

/** A frame the parser rejected (or did not recognise). */
export function frameReject(
  place: RejectPlace,
  frameIndex: number,
  receivedAt: number,
  reason: string,
  raw: string,
  field?: number,
): RejectRow {
  const row: RejectRow = {
    kind: 'frame',
    ...common(place, raw),
    sk: rejectSortKey(place.shardId, place.sequenceNumber, frameIndex),
    frameIndex,
    reason,
    receivedAt,
  };
  return field === undefined ? row : { ...row, field };
}

function common(place: RejectPlace, raw: string) {
  const truncated = raw.length > REJECT_RAW_MAX_CHARS;
  return {
    tradingDate: ictDate(place.arrivalMs),
    shardId: place.shardId,
    sequenceNumber: place.sequenceNumber,
    raw: truncated ? truncate(raw, REJECT_RAW_MAX_CHARS) : raw,
    truncated,
    expiresAt: Math.floor(place.arrivalMs / 1000) + REJECT_RETENTION_DAYS * DAY_SECONDS,
  };
}

/** Cuts to `max` UTF-16 units without splitting a surrogate pair (a lone half is not valid UTF-8). */
function truncate(text: string, max: number): string {
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}
