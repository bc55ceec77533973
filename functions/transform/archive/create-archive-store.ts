/**
 * The transform's archive store from its configuration (`ArchiveConfig` of
 * `../config.ts`): a directory (the embedded runtime) or an S3 bucket (the stack);
 * none configured means no archive (a transform run outside the stack).
 *
 * @example
 * const store = createArchiveStore(loadTransformConfig(process.env).archive); // S3ArchiveStore on AWS
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { ArchiveStore } from '../../../core/archive/store.ts';
import type { ArchiveConfig } from '../config.ts';
import { FileArchiveStore } from './file-archive-store.ts';
import { S3ArchiveStore } from './s3-archive-store.ts';

/** SDK attempts per S3 request before the batch is failed and retried by Lambda. */
const S3_MAX_ATTEMPTS = 3;

export function createArchiveStore(config: ArchiveConfig | undefined): ArchiveStore | undefined {
  if (!config) return undefined;
  if ('dir' in config) return new FileArchiveStore(config.dir);
  // Path-style addressing when an endpoint is given (moto, LocalStack): no bucket DNS there.
  const s3 = new S3Client({ maxAttempts: S3_MAX_ATTEMPTS, forcePathStyle: config.pathStyle });
  return new S3ArchiveStore(s3, config.bucket, config.prefix);
}
