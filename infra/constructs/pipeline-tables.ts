/**
 * The DynamoDB tables of `core/tables.ts`: string `pk` everywhere, string `sk` where rows
 * form a series; on-demand billing (the load follows the trading day: zero at night),
 * point-in-time recovery, AWS-managed KMS encryption (`aws/dynamodb`: no key to manage,
 * no monthly key fee, visible in CloudTrail), stable physical names `<prefix>-<table>`
 * printed as stack outputs. The rejects table expires its rows through TTL attribute
 * `expiresAt` (epoch seconds, set by the transform).
 *
 * `dynamodb.Table`, not `TableV2`: TableV2 synthesizes `AWS::DynamoDB::GlobalTable`,
 * which moto's CloudFormation (the CI deploy test) does not know.
 *
 * @example
 * const tables = new PipelineTables(this, 'Tables', { namePrefix: 'vn-stock' });
 * tables.byName.trades.tableName; // 'vn-stock-trades'
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { TableName } from '../../core/tables.ts';
import { PARTITION_ONLY_TABLES, TABLE_KEYS, TABLES } from '../../core/tables.ts';

export type PipelineTablesProps = {
  /** Physical names are `<namePrefix>-<table>`. */
  readonly namePrefix: string;
  /** What happens to the data tables on `cdk destroy`. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
};

/** The TTL attribute of the rejects table (epoch seconds). */
export const REJECTS_TTL_ATTRIBUTE = 'expiresAt';

/** The physical name of a table, shared with the query scripts' defaults. */
export function physicalTableName(namePrefix: string, table: TableName): string {
  return `${namePrefix}-${table}`;
}

export class PipelineTables extends Construct {
  /** Every table, by its `core/tables.ts` name. */
  public readonly byName: Readonly<Record<TableName, Table>>;

  constructor(scope: Construct, id: string, props: PipelineTablesProps) {
    super(scope, id);
    const dataRemoval = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const entries = TABLES.map((name) => {
      const table = new Table(this, name, {
        tableName: physicalTableName(props.namePrefix, name),
        partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
        ...(PARTITION_ONLY_TABLES.has(name)
          ? {}
          : { sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING } }),
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: TableEncryption.AWS_MANAGED,
        ...(name === 'rejects' ? { timeToLiveAttribute: REJECTS_TTL_ATTRIBUTE } : {}),
        // Control and rejects hold nothing worth keeping after the stack is gone.
        removalPolicy: name === 'control' || name === 'rejects' ? RemovalPolicy.DESTROY : dataRemoval,
      });
      return [name, table] as const;
    });
    this.byName = Object.fromEntries(entries) as Record<TableName, Table>;
  }
}
