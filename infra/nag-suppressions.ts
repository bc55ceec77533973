/**
 * The cdk-nag AwsSolutions findings accepted for this stack, each on the one construct
 * it concerns and with its reason. Any other finding fails the synth.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { PipelineStack } from './pipeline-stack.ts';

type Acknowledgement = { readonly path: string; readonly id: string; readonly reason: string };

/** Construct paths are relative to the stack; a missing construct (e.g. no ECS on an external host) is skipped. */
export const ACCEPTED_FINDINGS: readonly Acknowledgement[] = [
  {
    path: 'Transform/Dlq',
    id: 'AwsSolutions-SQS3',
    reason: 'This queue is itself the on-failure destination (DLQ) of the transform event source.',
  },
  {
    path: 'Transform/Function',
    id: 'AwsSolutions-L1',
    reason:
      'Pinned to nodejs22.x on purpose: supported until 2027 and by LocalStack 4.14; 24.x not yet verified there.',
  },
  {
    path: 'Schedule/Function',
    id: 'AwsSolutions-L1',
    reason:
      'Pinned to nodejs22.x on purpose: supported until 2027 and by LocalStack 4.14; 24.x not yet verified there.',
  },
  {
    path: 'Reconcile/Function',
    id: 'AwsSolutions-L1',
    reason:
      'Pinned to nodejs22.x on purpose: supported until 2027 and by LocalStack 4.14; 24.x not yet verified there.',
  },
  {
    path: 'Ingest/Vpc',
    id: 'AwsSolutions-VPC7',
    reason:
      'Outbound-only VPC with no inbound rule and one task; flow logs would add log ingestion cost for no finding.',
  },
  {
    path: 'Ingest/Cluster',
    id: 'AwsSolutions-ECS4',
    reason:
      'One 0.25 vCPU task: free service CPU metrics plus FramesIn/SessionOpen cover it; Container Insights costs more.',
  },
  {
    path: 'Ingest/Task',
    id: 'AwsSolutions-ECS2',
    reason: 'The environment holds only non-secret settings (stream, table names, symbols); no credentials.',
  },
  {
    path: 'Ingest/Task/ExecutionRole/DefaultPolicy',
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'ecr:GetAuthorizationToken has no resource-level permissions; it must be granted on *.',
  },
  {
    path: 'Transform/FunctionRole/DefaultPolicy',
    id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cassandra:<AWS::Region>:<AWS::AccountId>:/keyspace/system*]',
    reason:
      'The Cassandra driver reads several system keyspaces (system, system_schema, system_schema_mcs) on connect.',
  },
  {
    path: 'Archive/Bucket',
    id: 'AwsSolutions-S1',
    reason:
      'Only the transform role writes (PutObject) and operators read; server access logs would need a second bucket and add a log object per request batch for no finding.',
  },
  {
    path: 'Transform/FunctionRole/DefaultPolicy',
    id: 'AwsSolutions-IAM5[Resource::<ArchiveBucket49F1AC64.Arn>/*]',
    reason:
      'The archive key of each batch is made at run time (date/shard/first-last sequence numbers): s3:PutObject on the objects of this one bucket, no other action.',
  },
];

export function suppressAcceptedFindings(stack: PipelineStack): void {
  for (const finding of ACCEPTED_FINDINGS) {
    const target = finding.path
      .split('/')
      .reduce<IConstruct | undefined>((node, id) => node?.node.tryFindChild(id), stack);
    if (target) Validations.of(target).acknowledge({ id: finding.id, reason: finding.reason });
  }
}
