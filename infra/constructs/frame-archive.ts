/**
 * The raw-feed archive: an S3 bucket holding every stream record exactly as the ingest
 * task put it, one object per transform batch and trading date, written by the transform
 * before it derives anything (see `functions/transform/archive/archive-step.ts` for why there and not
 * Kinesis Data Firehose: Firehose would add a second consumer and a per-GB charge, and its
 * newline-less concatenation of binary records could not be split again without a custom
 * processor Lambda; the transform already holds each batch and its sequence numbers).
 *
 * - Encryption: S3-managed keys (SSE-S3): no key to manage, no per-request KMS charge
 *   (a KMS key would cost a request per object written and read).
 * - TLS only (`enforceSSL`), every public access blocked, bucket owner owns every object.
 * - Versioning off: an object is written once per batch; a rewrite of the same key is a
 *   retry of the same batch with the same bytes, so old versions would only double the
 *   storage of retried batches. Deletions come only from the lifecycle rule or an operator.
 * - Lifecycle: Standard-IA after 30 days (S3's minimum age for that transition), Glacier
 *   Instant Retrieval after 90: old days are read only when a day is re-derived, and both
 *   classes still read in milliseconds.
 * - `dataRemoval`: retain (default) keeps the bucket after `cdk destroy`; destroy deletes
 *   it and its objects (CDK's auto-delete custom resource, only in that mode).
 *
 * @example
 * const archive = new FrameArchive(this, 'Archive', { removalPolicy: RemovalPolicy.RETAIN });
 * archive.bucket.grantPut(fn);
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export type FrameArchiveProps = {
  /** What `cdk destroy` does to the bucket and its objects. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
};

/** Days before an archived object moves to a cheaper class (S3 Standard-IA's minimum is 30). */
export const ARCHIVE_INFREQUENT_ACCESS_DAYS = 30;
/** Days before it moves on to Glacier Instant Retrieval. */
export const ARCHIVE_GLACIER_IR_DAYS = 90;

export class FrameArchive extends Construct {
  public readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: FrameArchiveProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: false,
      lifecycleRules: [
        {
          id: 'cheaper-after-30-days',
          transitions: [
            {
              storageClass: StorageClass.INFREQUENT_ACCESS,
              transitionAfter: Duration.days(ARCHIVE_INFREQUENT_ACCESS_DAYS),
            },
            {
              storageClass: StorageClass.GLACIER_INSTANT_RETRIEVAL,
              transitionAfter: Duration.days(ARCHIVE_GLACIER_IR_DAYS),
            },
          ],
        },
      ],
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });
  }
}
