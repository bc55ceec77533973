/**
 * The optional Amazon Keyspaces sink: the keyspace and its tables, built from the one CQL
 * definition in `core/cql/schema.ts` (the same columns the transform's CQL sink
 * prepares), on-demand, point-in-time recovery, encrypted at rest with an AWS-owned key
 * (Keyspaces' default; the data is public market data).
 *
 * @example
 * const keyspace = new KeyspacesSink(this, 'Keyspaces', { keyspaceName: 'vn_stock' });
 * keyspace.grantWrite(transform.fn);
 */
import { Stack } from 'aws-cdk-lib';
import { CfnKeyspace, CfnTable } from 'aws-cdk-lib/aws-cassandra';
import type { IGrantable } from 'aws-cdk-lib/aws-iam';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { CqlColumn } from '../../core/cql/schema.ts';
import { assertIdentifier, CQL_TABLES } from '../../core/cql/schema.ts';

export type KeyspacesSinkProps = {
  /** A plain CQL identifier. */
  readonly keyspaceName: string;
};

const column = (c: CqlColumn): CfnTable.ColumnProperty => ({ columnName: c.name, columnType: c.type });

/** The Keyspaces endpoint (TLS, port 9142) of a region. */
export function keyspacesEndpoint(region: string): string {
  return `cassandra.${region}.amazonaws.com`;
}

export class KeyspacesSink extends Construct {
  public readonly keyspace: CfnKeyspace;
  public readonly tables: readonly CfnTable[];
  public readonly keyspaceName: string;

  constructor(scope: Construct, id: string, props: KeyspacesSinkProps) {
    super(scope, id);
    assertIdentifier(props.keyspaceName);
    this.keyspaceName = props.keyspaceName;
    this.keyspace = new CfnKeyspace(this, 'Keyspace', {
      keyspaceName: props.keyspaceName,
      replicationSpecification: { replicationStrategy: 'SINGLE_REGION' },
    });
    this.tables = CQL_TABLES.map((table) => {
      const cfn = new CfnTable(this, table.name, {
        keyspaceName: props.keyspaceName,
        tableName: table.name,
        partitionKeyColumns: table.partitionKey.map(column),
        ...(table.clustering.length > 0
          ? { clusteringKeyColumns: table.clustering.map((c) => ({ column: column(c), orderBy: c.order })) }
          : {}),
        regularColumns: table.columns.map(column),
        billingMode: { mode: 'ON_DEMAND' },
        pointInTimeRecoveryEnabled: true,
        encryptionSpecification: { encryptionType: 'AWS_OWNED_KMS_KEY' },
        ...(table.clientSideTimestamps ? { clientSideTimestampsEnabled: true } : {}),
      });
      cfn.node.addDependency(this.keyspace);
      return cfn;
    });
  }

  /**
   * Lets a principal write rows to this keyspace's tables (each named: no wildcard), and
   * read the `system*` keyspaces (system, system_schema, system_schema_mcs...), which the
   * Cassandra driver queries on connect for peers and schema. Bars are written with
   * lightweight transactions (`IF NOT EXISTS` / `IF last_trade <= ?`), whose condition
   * reads the row: a conditional write needs SELECT on its table as well as MODIFY.
   */
  grantWrite(grantee: IGrantable): void {
    const { region, account, partition } = Stack.of(this);
    const base = `arn:${partition}:cassandra:${region}:${account}:/keyspace`;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['cassandra:Modify'],
        resources: CQL_TABLES.map((t) => `${base}/${this.keyspaceName}/table/${t.name}`),
      }),
    );
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['cassandra:Select'],
        resources: [`${base}/system*`, `${base}/${this.keyspaceName}/table/bars`],
      }),
    );
  }
}
