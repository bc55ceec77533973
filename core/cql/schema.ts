/**
 * The one CQL definition of the Keyspaces / Cassandra tables.
 *
 * `infra/` builds its `AWS::Cassandra::Table` resources from {@link CQL_TABLES}; the
 * Keyspaces sink prepares its statements from the same column lists; the integration test
 * creates the tables with {@link cqlDdl}. Every table is partitioned by
 * `(symbol, trading_date)` (`index_id` for indices: same shape) and clustered by time,
 * mirroring the DynamoDB layout in `core/tables.ts`:
 *
 * | table   | partition key               | clustering (ASC)            | DynamoDB twin (pk / sk)          |
 * |---------|-----------------------------|-----------------------------|----------------------------------|
 * | trades  | symbol, trading_date        | trade_time, cum_volume      | `SYMBOL#date` / `time#cumVolume` |
 * | quotes  | symbol, trading_date        | —                           | `SYMBOL` (latest of all days)    |
 * | bars    | symbol, trading_date        | bar_start                   | `SYMBOL#date` / `HH:MM`          |
 * | indices | index_id, trading_date      | index_time                  | `INDEX#date` / `time`            |
 *
 * Prices are `double` (VND integers, a few decimals such as the average price, all exact
 * in a double); volumes and VND values are `bigint` (the traded value of a day exceeds
 * 32 bits, the bug this pipeline replaces). `quotes` has client-side timestamps enabled:
 * the sink writes it `USING TIMESTAMP <quote time in µs>` so an old batch replayed late
 * loses to the newer row instead of overwriting it (Keyspaces honours `USING TIMESTAMP`
 * only on tables created with client-side timestamps).
 *
 * @example
 * ```ts
 * import { CQL_TABLES, cqlDdl } from '../core/cql/schema.ts';
 * for (const statement of cqlDdl('vn_stock', { replication: 'simple' })) await client.execute(statement);
 * ```
 */
import { FunctionError } from '../errors.ts';

/** The keyspace used when `KEYSPACE_NAME` is not set. */
export const DEFAULT_KEYSPACE = 'vn_stock';

/** CQL types used by the schema (all supported by Amazon Keyspaces). */
export const CQL_TYPES = ['text', 'date', 'timestamp', 'bigint', 'int', 'double'] as const;
export type CqlType = (typeof CQL_TYPES)[number];

export type CqlColumn = { readonly name: string; readonly type: CqlType };
export type CqlClusteringColumn = CqlColumn & { readonly order: 'ASC' | 'DESC' };

export type CqlTable = {
  /** Table name inside the keyspace. */
  readonly name: CqlTableName;
  /** Composite partition key, in order. */
  readonly partitionKey: readonly CqlColumn[];
  /** Clustering columns, in order (empty: one row per partition). */
  readonly clustering: readonly CqlClusteringColumn[];
  /** Every other column. */
  readonly columns: readonly CqlColumn[];
  /** Whether writes carry `USING TIMESTAMP` (Keyspaces: `clientSideTimestampsEnabled`). */
  readonly clientSideTimestamps: boolean;
};

export const CQL_TABLE_NAMES = ['trades', 'quotes', 'bars', 'indices'] as const;
export type CqlTableName = (typeof CQL_TABLE_NAMES)[number];

const col = (name: string, type: CqlType): CqlColumn => ({ name, type });
const asc = (name: string, type: CqlType): CqlClusteringColumn => ({ name, type, order: 'ASC' });

const SYMBOL_DAY = [col('symbol', 'text'), col('trading_date', 'date')] as const;

/** Three book levels each side, as in the DynamoDB quotes table. */
const BOOK_COLUMNS: CqlColumn[] = [1, 2, 3].flatMap((level) => [
  col(`bid${level}_price`, 'double'),
  col(`bid${level}_volume`, 'bigint'),
  col(`offer${level}_price`, 'double'),
  col(`offer${level}_volume`, 'bigint'),
]);

/** The tables, in creation order. */
export const CQL_TABLES: readonly CqlTable[] = [
  {
    name: 'trades',
    partitionKey: SYMBOL_DAY,
    clustering: [asc('trade_time', 'timestamp'), asc('cum_volume', 'bigint')],
    columns: [
      col('kind', 'text'),
      col('gap_start', 'timestamp'),
      col('price', 'double'),
      // Negative for a `correction` row.
      col('quantity', 'bigint'),
      col('value', 'bigint'),
      col('cum_value', 'bigint'),
      col('flags', 'text'),
      // `trade` rows: the day high/low when it moved within the minute (bars widen to it).
      col('day_high', 'double'),
      col('day_low', 'double'),
    ],
    clientSideTimestamps: false,
  },
  {
    name: 'quotes',
    partitionKey: SYMBOL_DAY,
    clustering: [],
    columns: [
      col('quote_time', 'timestamp'),
      col('server_time', 'timestamp'),
      col('received_at', 'timestamp'),
      col('exchange', 'text'),
      col('session', 'text'),
      col('last_price', 'double'),
      col('last_volume', 'bigint'),
      col('open_price', 'double'),
      col('high', 'double'),
      col('low', 'double'),
      col('average_price', 'double'),
      col('change', 'double'),
      col('change_percent', 'double'),
      col('total_volume', 'bigint'),
      col('total_value', 'bigint'),
      ...BOOK_COLUMNS,
      col('foreign_buy_volume', 'bigint'),
      col('foreign_buy_value', 'bigint'),
      col('foreign_sell_volume', 'bigint'),
      col('foreign_sell_value', 'bigint'),
      col('foreign_room', 'bigint'),
      col('ceiling', 'double'),
      col('floor', 'double'),
      col('reference', 'double'),
      // The trade derivation's state (\`DerivationCheckpoint\`) as JSON: read back exactly as written.
      col('checkpoint', 'text'),
    ],
    clientSideTimestamps: true,
  },
  {
    name: 'bars',
    partitionKey: SYMBOL_DAY,
    clustering: [asc('bar_start', 'timestamp')],
    columns: [
      col('minute', 'text'),
      col('open', 'double'),
      col('high', 'double'),
      col('low', 'double'),
      col('close', 'double'),
      col('volume', 'bigint'),
      col('value', 'bigint'),
      col('trade_count', 'int'),
      col('other_volume', 'bigint'),
      col('last_trade', 'text'),
    ],
    clientSideTimestamps: false,
  },
  {
    name: 'indices',
    partitionKey: [col('index_id', 'text'), col('trading_date', 'date')],
    clustering: [asc('index_time', 'timestamp')],
    columns: [
      col('value', 'double'),
      col('change', 'double'),
      col('change_percent', 'double'),
      col('total_volume', 'bigint'),
      col('total_value', 'bigint'),
      col('advances', 'int'),
      col('declines', 'int'),
      col('unchanged', 'int'),
      col('ceiling_count', 'int'),
      col('floor_count', 'int'),
      col('all_volume', 'bigint'),
      col('all_value', 'bigint'),
      col('open', 'double'),
      col('high', 'double'),
      col('low', 'double'),
    ],
    clientSideTimestamps: false,
  },
];

/** The table named `name` (throws on an unknown name: a programming error). */
export function cqlTable(name: CqlTableName): CqlTable {
  const table = CQL_TABLES.find((t) => t.name === name);
  if (!table) throw new Error(`unknown CQL table ${name}`);
  return table;
}

/** Every column of a table, keys first, in the order of {@link CqlTable}. */
export function allColumns(table: CqlTable): CqlColumn[] {
  return [...table.partitionKey, ...table.clustering, ...table.columns];
}

export type DdlOptions = {
  /**
   * `keyspaces`: Amazon Keyspaces (`SingleRegionStrategy`, client-side timestamps).
   * `simple`: a plain Cassandra test cluster (`SimpleStrategy`, replication factor 1).
   * @default 'simple'
   */
  readonly replication?: 'keyspaces' | 'simple';
};

/**
 * `CREATE KEYSPACE` + one `CREATE TABLE` per table, all `IF NOT EXISTS`, one statement
 * per string (drivers execute one statement at a time).
 */
export function cqlDdl(keyspace: string, options: DdlOptions = {}): string[] {
  assertIdentifier(keyspace);
  const keyspaces = options.replication === 'keyspaces';
  const replication = keyspaces
    ? "{'class': 'SingleRegionStrategy'}"
    : "{'class': 'SimpleStrategy', 'replication_factor': 1}";
  return [
    `CREATE KEYSPACE IF NOT EXISTS ${keyspace} WITH replication = ${replication}`,
    ...CQL_TABLES.map((table) => createTableCql(keyspace, table, keyspaces)),
  ];
}

function createTableCql(keyspace: string, table: CqlTable, keyspaces: boolean): string {
  const columns = allColumns(table)
    .map((c) => `  ${c.name} ${c.type}`)
    .join(',\n');
  const partition = `(${table.partitionKey.map((c) => c.name).join(', ')})`;
  const primaryKey = [partition, ...table.clustering.map((c) => c.name)].join(', ');
  const options: string[] = [];
  if (table.clustering.length > 0) {
    options.push(`CLUSTERING ORDER BY (${table.clustering.map((c) => `${c.name} ${c.order}`).join(', ')})`);
  }
  if (keyspaces && table.clientSideTimestamps) {
    options.push("CUSTOM_PROPERTIES = {'client_side_timestamps': {'status': 'enabled'}}");
  }
  const withClause = options.length > 0 ? `\nWITH ${options.join('\nAND ')}` : '';
  return `CREATE TABLE IF NOT EXISTS ${keyspace}.${table.name} (\n${columns},\n  PRIMARY KEY (${primaryKey})\n)${withClause}`;
}

/**
 * \`ALTER TABLE ... ADD\` for each column of the schema missing from a table that exists
 * (\`CREATE TABLE IF NOT EXISTS\` leaves an older table as it is). \`existing\`: the table's
 * column names, from \`system_schema.columns\`. Columns are only ever added, never retyped.
 */
export function cqlAddMissingColumns(
  keyspace: string,
  table: CqlTable,
  existing: ReadonlySet<string>,
): string[] {
  assertIdentifier(keyspace);
  return allColumns(table)
    .filter((c) => !existing.has(c.name))
    .map((c) => `ALTER TABLE ${keyspace}.${table.name} ADD ${c.name} ${c.type}`);
}

/** Thrown for a keyspace name that is not a plain CQL identifier. */
export class InvalidKeyspaceNameError extends FunctionError {
  readonly code = 'INVALID_KEYSPACE_NAME';
  constructor(
    readonly keyspace: string,
    options?: ErrorOptions,
  ) {
    super(
      `invalid keyspace name ${JSON.stringify(keyspace)}: a letter then letters, digits or _, ≤ 48 chars`,
      options,
    );
    this.name = 'InvalidKeyspaceNameError';
  }
}

/** Keyspace names are unquoted CQL identifiers: a letter, then letters, digits, `_`; ≤ 48 chars. */
export function assertIdentifier(name: string): void {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,47}$/.test(name)) throw new InvalidKeyspaceNameError(name);
}
