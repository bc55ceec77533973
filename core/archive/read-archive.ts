/**
 * Reading a trading date back: per shard, every archived record once, in stream order.
 *
 * Each object holds a contiguous run of one shard's records. Runs may overlap: a batch
 * retried from a record after a partial failure, or bisected, is written again from
 * another first record (an exact retry overwrites its own key). Objects are read in order
 * of their first sequence number and only records beyond the last one yielded are kept,
 * so the union comes out in order and without duplicates, one object in memory at a time.
 *
 * @example
 * for (const shardId of await archivedShards(store, '2026-04-14'))
 *   for await (const record of readArchivedShard(store, '2026-04-14', shardId)) handle(record);
 */
import { type ArchivedRecord, decodeArchiveObject } from './format.ts';
import { type ArchiveStore, assertTradingDate, type ParsedArchiveKey, parseArchiveKey } from './store.ts';

export type KeyedObject = ParsedArchiveKey & { readonly key: string };

async function objectsOf(store: ArchiveStore, date: string): Promise<KeyedObject[]> {
  return orderArchiveObjects(await store.list(`${assertTradingDate(date)}/`), date);
}

/** The archive objects of `date` among `keys`, in reading order (by first sequence number, longest first). */
export function orderArchiveObjects(keys: readonly string[], date: string): KeyedObject[] {
  const objects: KeyedObject[] = [];
  for (const key of keys) {
    const parsed = parseArchiveKey(key);
    if (parsed?.date === date) objects.push({ ...parsed, key });
  }
  return objects.sort((a, b) =>
    a.first === b.first ? (a.last < b.last ? 1 : a.last > b.last ? -1 : 0) : a.first < b.first ? -1 : 1,
  );
}

/** The shards with records archived on `date`, sorted. */
export async function archivedShards(store: ArchiveStore, date: string): Promise<string[]> {
  return [...new Set((await objectsOf(store, date)).map((o) => o.shardId))].sort();
}

export type ShardReadStats = { objects: number; records: number; duplicates: number; bytes: number };

/**
 * The records of one shard's objects (given in reading order) that were not read before:
 * `next(object)` says whether the object can hold any, `take(records)` keeps the new ones.
 */
export function shardReader(stats: ShardReadStats = { objects: 0, records: 0, duplicates: 0, bytes: 0 }) {
  let lastYielded = -1n;
  return {
    stats,
    /** False when the object lies wholly inside what was already read (a bisected half, an exact retry). */
    wants(object: KeyedObject): boolean {
      stats.objects++;
      return object.last > lastYielded;
    },
    take(body: Uint8Array): ArchivedRecord[] {
      stats.bytes += body.length;
      const fresh: ArchivedRecord[] = [];
      for (const record of decodeArchiveObject(body)) {
        const seq = BigInt(record.sequenceNumber);
        if (seq <= lastYielded) {
          stats.duplicates++;
          continue;
        }
        lastYielded = seq;
        stats.records++;
        fresh.push(record);
      }
      return fresh;
    },
  };
}

/** One shard's records of `date`, in stream order, each once; `stats` fills in as it reads. */
export async function* readArchivedShard(
  store: ArchiveStore,
  date: string,
  shardId: string,
  stats: ShardReadStats = { objects: 0, records: 0, duplicates: 0, bytes: 0 },
): AsyncGenerator<ArchivedRecord> {
  const reader = shardReader(stats);
  for (const object of (await objectsOf(store, date)).filter((o) => o.shardId === shardId)) {
    if (!reader.wants(object)) continue;
    yield* reader.take(await store.get(object.key));
  }
}

/** Every record of `date`, shard after shard (each shard in stream order), with its shard id. */
export async function* readArchivedDay(
  store: ArchiveStore,
  date: string,
): AsyncGenerator<{ shardId: string; record: ArchivedRecord }> {
  for (const shardId of await archivedShards(store, date))
    for await (const record of readArchivedShard(store, date, shardId)) yield { shardId, record };
}
