/**
 * Before a deploy: finds what an earlier stack left behind under the names this one is
 * about to create. With `dataRemoval=retain` (the default) `cdk destroy` keeps the
 * stream and the data tables (DeletionPolicy Retain); a new stack under the same names
 * then fails to create them (ResourceInUse), on AWS and on LocalStack alike. This check
 * names them and says what to do, instead of a failed stack.
 *
 * @example
 * const left = await retainedResources({ endpoint: 'http://localhost:4566', region: 'us-east-1', stack: 'VnStockStream', namePrefix: 'vn-stock' });
 * if (left) throw new Error(retainedMessage(left, 'http://localhost:4566'));
 */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { TABLES } from '../core/tables.ts';
import { streamName } from '../infra/constructs/frame-stream.ts';
import { physicalTableName } from '../infra/constructs/pipeline-tables.ts';
import { sdkClientConfig } from '../ingest-task/sdk-client-config.ts';

export type RetainedQuery = {
  readonly endpoint: string;
  readonly region: string;
  readonly stack: string;
  readonly namePrefix: string;
};

export type Retained = { readonly stream?: string; readonly tables: readonly string[] };

/** Stack states in which the stack does not hold its resources (a create would follow). */
const GONE = new Set(['DELETE_COMPLETE']);

/** The stream and tables named like this stack's while the stack does not exist; `undefined` if none. */
export async function retainedResources(query: RetainedQuery): Promise<Retained | undefined> {
  const config = {
    endpoint: query.endpoint,
    region: query.region,
    credentials: {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID || 'test',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY || 'test',
    },
  };
  const cfn = new CloudFormationClient(config);
  // HTTP/1.1: the SDK's Kinesis client defaults to HTTP/2, which emulators reject.
  const kinesis = new KinesisClient(sdkClientConfig(config));
  const dynamo = new DynamoDBClient(config);
  try {
    if (await stackExists(cfn, query.stack)) return undefined;
    const name = streamName(query.namePrefix);
    const stream = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: name })).then(
      () => name,
      (error: unknown) => {
        if (notFound(error)) return undefined;
        throw error;
      },
    );
    const tables: string[] = [];
    for (const table of TABLES) {
      const tableName = physicalTableName(query.namePrefix, table);
      const found = await dynamo.send(new DescribeTableCommand({ TableName: tableName })).then(
        () => true,
        (error: unknown) => {
          if (notFound(error)) return false;
          throw error;
        },
      );
      if (found) tables.push(tableName);
    }
    return stream || tables.length ? { ...(stream ? { stream } : {}), tables } : undefined;
  } finally {
    cfn.destroy();
    kinesis.destroy();
    dynamo.destroy();
  }
}

function notFound(error: unknown): boolean {
  return (error as Error).name === 'ResourceNotFoundException';
}

async function stackExists(cfn: CloudFormationClient, stack: string): Promise<boolean> {
  try {
    const out = await cfn.send(new DescribeStacksCommand({ StackName: stack }));
    return (out.Stacks ?? []).some((s) => !GONE.has(s.StackStatus ?? ''));
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError "... does not exist".
    if (/does not exist/.test((error as Error).message)) return false;
    throw error;
  }
}

/** What the user reads: the names, why the deploy would fail, and the commands that clear the way. */
export function retainedMessage(left: Retained, endpoint: string): string {
  const cli = `aws --endpoint-url ${endpoint}`;
  const names = [
    ...(left.stream ? [`stream ${left.stream}`] : []),
    ...(left.tables.length ? [`table${left.tables.length > 1 ? 's' : ''} ${left.tables.join(', ')}`] : []),
  ];
  return [
    `${names.join(' and ')} survive a destroyed stack (dataRemoval=retain keeps them), and the new stack`,
    'would fail to create them under the same names (ResourceInUse). Their data goes if you delete them:',
    ...(left.stream ? [`  ${cli} kinesis delete-stream --stream-name ${left.stream}`] : []),
    ...left.tables.map((t) => `  ${cli} dynamodb delete-table --table-name ${t}`),
    'or restart LocalStack (it keeps no state), then deploy again.',
  ].join('\n');
}
