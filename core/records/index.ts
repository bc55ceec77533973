/**
 * The public surface of the record format (the one barrel in core/): what a producer and
 * a consumer of the Kinesis records share. The ingest task, the transform, the runtime,
 * the chaos run, the scripts and the benchmarks import the format from here; every other
 * core module is imported from the file that owns it (`core/index.ts` and the
 * iboard, derive and archive barrels, imported by nothing in production, are gone).
 *
 * @example
 * const envelopes = decodeRecord(encodeRecord(envelopes)); // the same envelopes back
 */
export {
  decodeRecord,
  encodeRecord,
  KINESIS_MAX_RECORD_BYTES,
  RECORD_DECODE_ERROR_CODES,
  RECORD_FORMAT_VERSION,
  RecordDecodeError,
  type RecordDecodeErrorCode,
} from './codec.ts';
export type { Envelope } from './envelope.ts';
export { type PackedRecord, type PackerOptions, RecordPacker } from './packer.ts';
export { instrumentOf, MISC_PARTITION_KEY, partitionKeyOf } from './partition-key.ts';
