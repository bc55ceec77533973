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
