/**
 * The transform's archive store from its environment (names in `core/settings.ts`):
 * `ARCHIVE_DIR` (the embedded runtime) wins over `ARCHIVE_BUCKET` [+ `ARCHIVE_PREFIX`]
 * (the stack sets it); neither set means no archive (a transform run outside the stack).
 *
 * @example
 * const store = createArchiveStore(process.env); // S3ArchiveStore on AWS
 */
import { S3Client } from '@aws-sdk/client-s3';
import type { ArchiveStore } from '../../../core/archive/store.ts';
import { ENV } from '../../../core/settings.ts';
import { FileArchiveStore } from './file-archive-store.ts';
import { S3ArchiveStore } from './s3-archive-store.ts';

/** SDK attempts per S3 request before the batch is failed and retried by Lambda. */
const S3_MAX_ATTEMPTS = 3;

type Env = Readonly<Record<string, string | undefined>>;

export function createArchiveStore(env: Env): ArchiveStore | undefined {
  const dir = env[ENV.ARCHIVE_DIR]?.trim();
  if (dir) return new FileArchiveStore(dir);
  const bucket = env[ENV.ARCHIVE_BUCKET]?.trim();
  if (!bucket) return undefined;
  // Path-style addressing when an endpoint is given (moto, LocalStack): no bucket DNS there.
  const s3 = new S3Client({ maxAttempts: S3_MAX_ATTEMPTS, forcePathStyle: Boolean(env.AWS_ENDPOINT_URL) });
  return new S3ArchiveStore(s3, bucket, env[ENV.ARCHIVE_PREFIX]?.trim() ?? '');
}
