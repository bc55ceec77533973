export { type ArchiveWrite, archiveBatch } from './archive-batch.ts';
export {
  ARCHIVE_FORMAT_VERSION,
  ARCHIVE_OBJECT_HEADER_BYTES,
  ARCHIVE_RECORD_OVERHEAD_BYTES,
  type ArchivedRecord,
  ArchiveFormatError,
  decodeArchiveObject,
  encodeArchiveObject,
} from './format.ts';
export {
  archivedShards,
  type KeyedObject,
  orderArchiveObjects,
  readArchivedDay,
  readArchivedShard,
  type ShardReadStats,
  shardReader,
} from './read-archive.ts';
export {
  ARCHIVE_OBJECT_SUFFIX,
  type ArchiveStore,
  archiveKey,
  assertTradingDate,
  parseArchiveKey,
} from './store.ts';
