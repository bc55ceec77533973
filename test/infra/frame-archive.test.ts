import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { OUTPUTS } from '../../infra/pipeline-stack.ts';
import { resourcesOf, synthPipeline } from '../support/synth.ts';

const { template } = synthPipeline();
const destroyed = synthPipeline({ dataRemoval: 'destroy', ingestHost: 'external' }).template;

describe('archive bucket', () => {
  it('is one bucket, SSE-S3 encrypted, every public access blocked, owner-enforced', () => {
    template.resourceCountIs('AWS::S3::Bucket', 1);
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  it('has versioning off', () => {
    const [bucket] = Object.values(resourcesOf(template, 'AWS::S3::Bucket'));
    assert.equal(bucket.Properties.VersioningConfiguration, undefined);
  });

  it('moves objects to Standard-IA after 30 days and Glacier Instant Retrieval after 90', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: {
        Rules: [
          {
            Status: 'Enabled',
            Transitions: [
              { StorageClass: 'STANDARD_IA', TransitionInDays: 30 },
              { StorageClass: 'GLACIER_IR', TransitionInDays: 90 },
            ],
          },
        ],
      },
    });
  });

  it('denies every request that is not over TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^ArchiveBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('is retained on delete by default, deleted with its objects under dataRemoval=destroy', () => {
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
    assert.equal(Object.keys(template.findResources('Custom::S3AutoDeleteObjects')).length, 0);
    destroyed.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    destroyed.resourceCountIs('Custom::S3AutoDeleteObjects', 1);
  });

  it('is named to the transform (ARCHIVE_BUCKET) and printed as a stack output', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { ARCHIVE_BUCKET: { Ref: Match.stringLikeRegexp('^ArchiveBucket') } } },
    });
    template.hasOutput(OUTPUTS.archiveBucketName, {
      Value: { Ref: Match.stringLikeRegexp('^ArchiveBucket') },
    });
  });
});
