import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Template } from 'aws-cdk-lib/assertions';
import { resourcesOf, synthPipeline } from '../support/synth.ts';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };
type Grant = { actions: string[]; resources: string[] };

const fargate = synthPipeline().template;
const keyspaces = synthPipeline({ ingestHost: 'external', keyspaces: 'true' }).template;

/** The role a policy is attached to, by logical id. */
function roleOf(policy: { Properties: Record<string, unknown> }): string {
  const roles = policy.Properties.Roles as { Ref: string }[];
  assert.equal(roles.length, 1, 'one policy per role');
  return roles[0].Ref;
}

/** A resource reference as a short readable string: the logical id (or the joined ARN). */
function describeResource(resource: unknown): string {
  if (resource === '*') return '*';
  const r = resource as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
  if (r.Ref) return r.Ref;
  if (r['Fn::GetAtt']) return r['Fn::GetAtt'][0];
  if (r['Fn::Join'])
    return r['Fn::Join'][1].map((p) => (typeof p === 'string' ? p : describeResource(p))).join('');
  return JSON.stringify(resource);
}

/** Every Allow statement of every role, from AWS::IAM::Policy resources and inline role policies. */
function grantsByRole(template: Template): Map<string, Grant[]> {
  const grants = new Map<string, Grant[]>();
  const add = (role: string, statements: Statement[]) => {
    for (const s of statements) {
      assert.equal(s.Effect, 'Allow');
      const list = grants.get(role) ?? [];
      list.push({
        actions: [s.Action].flat(),
        resources: [s.Resource].flat().map(describeResource),
      });
      grants.set(role, list);
    }
  };
  for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
    const document = policy.Properties.PolicyDocument as { Statement: Statement[] };
    add(roleOf(policy), document.Statement);
  }
  for (const [id, role] of Object.entries(resourcesOf(template, 'AWS::IAM::Role'))) {
    const inline = (role.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[];
    for (const p of inline) add(id, p.PolicyDocument.Statement);
  }
  return grants;
}

/** Actions granted to a role on resources whose reference matches `resource`. */
function actionsOn(grants: Grant[], resource: RegExp): string[] {
  return grants
    .filter((g) => g.resources.some((r) => resource.test(r)))
    .flatMap((g) => g.actions)
    .sort();
}

function roleGrants(template: Template, rolePrefix: string): Grant[] {
  const entry = [...grantsByRole(template)].find(([role]) => role.startsWith(rolePrefix));
  assert.ok(entry, `a role ${rolePrefix}*`);
  return entry[1];
}

describe('least privilege', () => {
  it('grants no wildcard action and no * resource except where AWS allows nothing narrower', () => {
    // ecr:GetAuthorizationToken has no resource-level permission (the ECS execution role needs it).
    const starAllowed = new Set(['ecr:GetAuthorizationToken']);
    for (const template of [fargate, keyspaces]) {
      for (const [role, grants] of grantsByRole(template)) {
        for (const g of grants) {
          for (const action of g.actions) assert.doesNotMatch(action, /\*/, `${role}: ${action}`);
          if (g.resources.includes('*')) {
            assert.deepEqual(
              g.actions.filter((a) => !starAllowed.has(a)),
              [],
              `${role} on *`,
            );
          }
        }
      }
    }
  });

  it('attaches no managed policy, except to the CDK provider that locks the default security group', () => {
    for (const template of [fargate, keyspaces]) {
      for (const [id, role] of Object.entries(resourcesOf(template, 'AWS::IAM::Role'))) {
        if (id.startsWith('CustomVpcRestrictDefaultSG')) continue; // CDK's own, logs only
        assert.equal(role.Properties.ManagedPolicyArns, undefined, id);
      }
    }
  });

  it("lets the transform read the stream, make exactly its sink's table calls, send to its DLQ", () => {
    const grants = roleGrants(fargate, 'TransformFunctionRole');
    const append = ['dynamodb:BatchWriteItem'];
    const readThenPut = ['dynamodb:BatchGetItem', 'dynamodb:PutItem'];
    assert.deepEqual(actionsOn(grants, /^Tablestrades/), append);
    assert.deepEqual(actionsOn(grants, /^Tablesindices/), append);
    assert.deepEqual(actionsOn(grants, /^Tablesrejects/), append);
    assert.deepEqual(actionsOn(grants, /^Tablesquotes/), readThenPut);
    assert.deepEqual(actionsOn(grants, /^Tablesbars/), readThenPut);
    assert.deepEqual(actionsOn(grants, /^Tablescontrol/), [], 'the transform never touches control');
    assert.deepEqual(actionsOn(grants, /^TransformDlq/), [
      'sqs:GetQueueAttributes',
      'sqs:GetQueueUrl',
      'sqs:SendMessage',
    ]);
    const streamActions = actionsOn(grants, /^FramesStream/);
    assert.ok(
      streamActions.includes('kinesis:GetRecords') && streamActions.includes('kinesis:GetShardIterator'),
    );
    assert.ok(
      streamActions.every((a) => !/Put|Delete|Create|Update/.test(a)),
      streamActions.join(),
    );
    assert.deepEqual(actionsOn(grants, /^TransformFunctionLogs/), [
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    const all = grants.flatMap((g) => g.resources);
    assert.ok(
      all.every((r) => /^(Tables|TransformDlq|FramesStream|TransformFunctionLogs|ArchiveBucket)/.test(r)),
      all.join(),
    );
  });

  it('lets the transform put archive objects and nothing else on the archive bucket', () => {
    const grants = roleGrants(fargate, 'TransformFunctionRole');
    const archive = grants.filter((g) => g.resources.some((r) => /^ArchiveBucket/.test(r)));
    assert.deepEqual(archive, [{ actions: ['s3:PutObject'], resources: [archive[0].resources[0]] }]);
    assert.match(
      archive[0].resources[0],
      /^ArchiveBucket[0-9A-F]+\/\*$/,
      'objects of the archive bucket only',
    );
    for (const template of [fargate, keyspaces]) {
      for (const [role, roleGrantList] of grantsByRole(template)) {
        if (role.startsWith('TransformFunctionRole') || role.startsWith('CustomS3AutoDelete')) continue;
        assert.deepEqual(actionsOn(roleGrantList, /^ArchiveBucket/), [], `${role} has no archive access`);
      }
    }
  });

  it('lets the ingest task only put to the stream and read the control item', () => {
    const grants = roleGrants(fargate, 'IngestTaskTaskRole');
    assert.deepEqual(grants, [
      {
        actions: ['kinesis:DescribeStreamSummary', 'kinesis:PutRecord', 'kinesis:PutRecords'],
        resources: [grants[0].resources[0]],
      },
      { actions: ['dynamodb:GetItem'], resources: [grants[1].resources[0]] },
    ]);
    assert.match(grants[0].resources[0], /^FramesStream/);
    assert.match(grants[1].resources[0], /^Tablescontrol/);
  });

  it('lets the ECS execution role pull its image and write its own log group only', () => {
    const grants = roleGrants(fargate, 'IngestTaskExecutionRole');
    assert.deepEqual(actionsOn(grants, /^IngestLogs/), ['logs:CreateLogStream', 'logs:PutLogEvents']);
    assert.deepEqual(actionsOn(grants, /container-assets/), [
      'ecr:BatchCheckLayerAvailability',
      'ecr:BatchGetImage',
      'ecr:GetDownloadUrlForLayer',
    ]);
  });

  it('lets session-control write the control item and update only the ingest service', () => {
    const grants = roleGrants(fargate, 'ScheduleFunctionRole');
    assert.deepEqual(actionsOn(grants, /^Tablescontrol/), ['dynamodb:GetItem', 'dynamodb:PutItem']);
    assert.deepEqual(actionsOn(grants, /^IngestService/), ['ecs:UpdateService']);
    assert.equal(grants.flatMap((g) => g.resources).length, 3, 'log group, control table, service');
  });

  it('without ECS, gives session-control no ECS permission', () => {
    const grants = roleGrants(keyspaces, 'ScheduleFunctionRole');
    assert.ok(grants.flatMap((g) => g.actions).every((a) => !a.startsWith('ecs:')));
  });

  it('lets the transform write its own keyspace and read only the system keyspaces and the bars (LWT)', () => {
    const grants = roleGrants(keyspaces, 'TransformFunctionRole');
    const cassandra = grants.filter((g) => g.actions.some((a) => a.startsWith('cassandra:')));
    const short = (arn: string) => arn.replace(/^.*:\/keyspace/, '');
    assert.deepEqual(
      cassandra.map((g) => ({ actions: g.actions, resources: g.resources.map(short).sort() })),
      [
        {
          actions: ['cassandra:Modify'],
          resources: [
            '/vn_stock/table/bars',
            '/vn_stock/table/indices',
            '/vn_stock/table/quotes',
            '/vn_stock/table/trades',
          ],
        },
        { actions: ['cassandra:Select'], resources: ['/system*', '/vn_stock/table/bars'] },
      ],
    );
  });

  it('lets reconcile query the trades table and put only reconcile# items in the control table', () => {
    const grants = roleGrants(fargate, 'ReconcileFunctionRole');
    assert.deepEqual(actionsOn(grants, /^Tablestrades/), ['dynamodb:Query']);
    assert.deepEqual(actionsOn(grants, /^Tablescontrol/), ['dynamodb:PutItem']);
    assert.deepEqual(actionsOn(grants, /^ReconcileFunctionLogs/), [
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    const all = grants.flatMap((g) => g.resources);
    assert.ok(
      all.every((r) => /^(Tablestrades|Tablescontrol|ReconcileFunctionLogs)/.test(r)),
      all.join(),
    );
    // The PutItem is conditioned on the key: the control item `ingest` is out of reach.
    const policy = Object.values(resourcesOf(fargate, 'AWS::IAM::Policy')).find((p) =>
      roleOf(p).startsWith('ReconcileFunctionRole'),
    );
    assert.ok(policy, 'a policy of the reconcile role');
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    const put = statements.find((st) => st.Action === 'dynamodb:PutItem');
    assert.deepEqual(put?.Condition, {
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['reconcile#*'] },
    });
  });
});
