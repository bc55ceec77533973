/**
 * The archive on S3 (AWS, LocalStack, moto): one object per key under an optional prefix.
 * PutObject of a whole object is atomic on S3: a reader never sees half an object, and a
 * retried put of the same key replaces it.
 *
 * @example
 * const store = new S3ArchiveStore(new S3Client({}), 'vn-stock-archive-bucket', '');
 * await store.put('2026-04-14/shardId-000000000000/1-9.vnsa', bytes);
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ArchiveStore } from '../../../core/archive/store.ts';

export class S3ArchiveStore implements ArchiveStore {
  readonly location: string;

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    /** Key prefix inside the bucket, `''` or ending in `/`. */
    private readonly prefix = '',
  ) {
    if (prefix !== '' && !prefix.endsWith('/')) this.prefix = `${prefix}/`;
    this.location = `s3://${bucket}/${this.prefix}`;
  }

  async put(key: string, body: Uint8Array): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.prefix + key,
        Body: body,
        ContentType: 'application/octet-stream',
      }),
    );
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: this.prefix + prefix,
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? [])
        if (object.Key) keys.push(object.Key.slice(this.prefix.length));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys;
  }

  async get(key: string): Promise<Uint8Array> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.prefix + key }));
    if (!object.Body) throw new Error(`s3://${this.bucket}/${this.prefix}${key} has no body`);
    return object.Body.transformToByteArray();
  }
}

/** `s3://bucket/prefix` → bucket and prefix; undefined for anything else. */
export function parseS3Url(url: string): { bucket: string; prefix: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  return match ? { bucket: match[1], prefix: match[2] } : undefined;
}
