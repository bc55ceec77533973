/**
 * The archive step of the transform: a batch's records written as one object per trading
 * date (ICT) BEFORE anything is derived from them. A record's date is its data's, as the
 * tables date it: the time of its first stock or index frame (the server time a V2 frame
 * carries, else the receive time; under the embedded runtime's simulated clock only the
 * frames carry the simulated day, receive and arrival times are real), else the first
 * frame's receive time; a record that cannot be decoded goes by its arrival in the stream.
 * A shard's records are in time order, so only a batch's first and last records are dated
 * (a record is decoded whole to be dated: dating every record cost 17% of transformBatch's
 * CPU on the peak batch, dating two 1.4%, `npm run bench:archive`); when they differ (a batch across midnight,
 * when the market is closed) every record is. If the write fails the caller fails the
 * whole batch, so the event source mapping retries it: a record is never derived without
 * being archived.
 *
 * @example
 * const written = await archiveBatch(store, 'shardId-000000000000', records);
 * written.objects; // 1
 */
import { tradingDateOf } from '../derive/trading-date.ts';
import { parseFrame } from '../iboard/parse-frame.ts';
import { decodeRecord, RecordDecodeError } from '../records/codec.ts';
import { instrumentOf } from '../records/partition-key.ts';
import { type ArchivedRecord, encodeArchiveObject } from './format.ts';
import { type ArchiveStore, archiveKey } from './store.ts';

export type ArchiveWrite = {
  readonly objects: number;
  readonly bytes: number;
  readonly keys: readonly string[];
};

export async function archiveBatch(
  store: ArchiveStore,
  shardId: string,
  records: readonly ArchivedRecord[],
): Promise<ArchiveWrite> {
  const keys: string[] = [];
  let bytes = 0;
  for (const [date, group] of byDate(records)) {
    const key = archiveKey(date, shardId, group[0].sequenceNumber, group[group.length - 1].sequenceNumber);
    const body = encodeArchiveObject(group);
    await store.put(key, body);
    keys.push(key);
    bytes += body.length;
  }
  return { objects: keys.length, bytes, keys };
}

/** Consecutive runs of records by trading date, in stream order. */
function byDate(records: readonly ArchivedRecord[]): [string, ArchivedRecord[]][] {
  if (records.length === 0) return [];
  const first = tradingDateOf(timeOf(records[0]));
  if (first === tradingDateOf(timeOf(records[records.length - 1]))) return [[first, [...records]]];
  const runs: [string, ArchivedRecord[]][] = [];
  for (const record of records) {
    const date = tradingDateOf(timeOf(record));
    const last = runs[runs.length - 1];
    if (last?.[0] === date) last[1].push(record);
    else runs.push([date, [record]]);
  }
  return runs;
}

/** The time of the record's data (see above). */
function timeOf(record: ArchivedRecord): number {
  try {
    const envelopes = decodeRecord(record.data);
    for (const { raw, receivedAt } of envelopes) {
      if (instrumentOf(raw) === undefined) continue;
      const frame = parseFrame(raw);
      if (frame.kind === 'stock') return frame.serverTime ?? receivedAt;
      if (frame.kind === 'index') return frame.timeMs ?? receivedAt;
    }
    return envelopes[0]?.receivedAt ?? record.arrivalMs;
  } catch (error) {
    if (!(error instanceof RecordDecodeError)) throw error;
    return record.arrivalMs;
  }
}
