/**
 * The archive store, as a port: `functions/transform/archive/` implements it on S3 (AWS, LocalStack,
 * moto) and on a directory (the embedded runtime's `.local-data/archive/`). Keys are
 * `/`-separated paths; the layout is {@link archiveKey}'s.
 *
 * A store's errors are thrown as they come: whoever writes decides what a failure means
 * (the transform fails the batch, so Lambda retries it; a reader stops with the error).
 *
 * @example
 * await store.put('2026-04-14/shardId-000000000000/4959...-4959....vnsa', bytes);
 * for (const key of await store.list('2026-04-14/')) decodeArchiveObject(await store.get(key));
 */
export type ArchiveStore = {
  /** Where the archive is, for messages: `s3://bucket/prefix` or a directory. */
  readonly location: string;
  /** Writes (or overwrites) one object. */
  put(key: string, body: Uint8Array): Promise<void>;
  /** Every key under `prefix`, in any order. */
  list(prefix: string): Promise<string[]>;
  get(key: string): Promise<Uint8Array>;
};

/** File name suffix of an archive object. */
export const ARCHIVE_OBJECT_SUFFIX = '.vnsa';

/** A `YYYY-MM-DD` trading date, or a clear error naming what was given. */
export function assertTradingDate(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`)))
    throw new RangeError(`expected a trading date YYYY-MM-DD, got ${JSON.stringify(date)}`);
  return date;
}

/**
 * The key of the object holding a shard's records `first`..`last` of one trading date
 * (ICT): `YYYY-MM-DD/<shardId>/<first>-<last>.vnsa`. A retried write of the same batch
 * makes the same key, so it overwrites the object rather than adding a second copy.
 *
 * @example
 * archiveKey('2026-04-14', 'shardId-000000000000', '4959', '4961'); // '2026-04-14/shardId-000000000000/4959-4961.vnsa'
 */
export function archiveKey(date: string, shardId: string, first: string, last: string): string {
  return `${date}/${shardId}/${first}-${last}${ARCHIVE_OBJECT_SUFFIX}`;
}

export type ParsedArchiveKey = {
  readonly date: string;
  readonly shardId: string;
  readonly first: bigint;
  readonly last: bigint;
};

/** The parts of a key made by {@link archiveKey} (after the store's own prefix); undefined for any other key. */
export function parseArchiveKey(key: string): ParsedArchiveKey | undefined {
  const match = /(?:^|\/)(\d{4}-\d{2}-\d{2})\/([^/]+)\/(\d+)-(\d+)\.vnsa$/.exec(key);
  if (!match) return undefined;
  return { date: match[1], shardId: match[2], first: BigInt(match[3]), last: BigInt(match[4]) };
}
