/**
 * The transform's configuration, read once from the environment (names in
 * `core/settings.ts`, set by `infra/`). A missing or invalid variable fails the cold
 * start with an error naming it, rather than the first write.
 *
 * | variable                  | default        | meaning |
 * |---------------------------|----------------|---------|
 * | `SINK`                    | `dynamodb`     | `dynamodb`, `keyspaces` or `both` |
 * | `TRADES_TABLE` … `REJECTS_TABLE` | — (required) | DynamoDB table names (rejects always go to DynamoDB) |
 * | `KEYSPACE_NAME`           | `vn_stock`     | CQL keyspace (`keyspaces`/`both`) |
 * | `CASSANDRA_CONTACT_POINTS`| `cassandra.<AWS_REGION>.amazonaws.com` | comma list of `host[:port]` |
 * | `CASSANDRA_LOCAL_DC`      | `AWS_REGION` on Keyspaces, else `datacenter1` | the driver's local data centre |
 * | `CASSANDRA_USERNAME` / `CASSANDRA_PASSWORD` | none | plain auth (non-Keyspaces hosts only) |
 *
 * A contact point ending in `.amazonaws.com` is Amazon Keyspaces: TLS on port 9142 and
 * SigV4 authentication from the function's role. Anything else is a plain Cassandra
 * (port 9042, plain-text auth when a username is given).
 *
 * @example
 * const config = loadTransformConfig(process.env);
 */
import { assertIdentifier, DEFAULT_KEYSPACE } from '../../core/cql/schema.ts';
import { ENV } from '../../core/settings.ts';

export const SINKS = { DYNAMODB: 'dynamodb', KEYSPACES: 'keyspaces', BOTH: 'both' } as const;
export type SinkKind = (typeof SINKS)[keyof typeof SINKS];

export type CassandraConfig = {
  readonly contactPoints: readonly string[];
  readonly localDataCenter: string;
  readonly keyspace: string;
  /** Amazon Keyspaces: TLS + SigV4. */
  readonly keyspaces: boolean;
  readonly region?: string;
  readonly username?: string;
  readonly password?: string;
};

export type TransformConfig = {
  readonly sink: SinkKind;
  readonly tables: {
    readonly trades: string;
    readonly quotes: string;
    readonly bars: string;
    readonly indices: string;
    readonly rejects: string;
  };
  readonly cassandra?: CassandraConfig;
};

export class TransformConfigError extends Error {
  readonly code = 'TRANSFORM_CONFIG';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'TransformConfigError';
  }
}

type Env = Readonly<Record<string, string | undefined>>;

export function loadTransformConfig(env: Env): TransformConfig {
  const required = (name: string) => {
    const value = env[name]?.trim();
    if (!value) throw new TransformConfigError(name, 'is required but not set');
    return value;
  };
  const sink = (env[ENV.SINK]?.trim() || SINKS.DYNAMODB) as SinkKind;
  if (!Object.values(SINKS).includes(sink)) {
    throw new TransformConfigError(
      ENV.SINK,
      `must be dynamodb, keyspaces or both, not ${JSON.stringify(sink)}`,
    );
  }
  // Rejects and the previous state are read from / written to DynamoDB whatever the sink,
  // except in keyspaces-only mode where only the rejects table is needed.
  const dynamoRows = sink !== SINKS.KEYSPACES;
  const table = (name: string) => (dynamoRows ? required(name) : (env[name]?.trim() ?? ''));
  const tables = {
    trades: table(ENV.TRADES_TABLE),
    quotes: table(ENV.QUOTES_TABLE),
    bars: table(ENV.BARS_TABLE),
    indices: table(ENV.INDICES_TABLE),
    rejects: required(ENV.REJECTS_TABLE),
  };
  return { sink, tables, cassandra: sink === SINKS.DYNAMODB ? undefined : cassandraConfig(env) };
}

function cassandraConfig(env: Env): CassandraConfig {
  const region = env.AWS_REGION?.trim() || undefined;
  const keyspace = env[ENV.KEYSPACE_NAME]?.trim() || DEFAULT_KEYSPACE;
  try {
    assertIdentifier(keyspace);
  } catch (error) {
    throw new TransformConfigError(ENV.KEYSPACE_NAME, (error as Error).message);
  }
  const given =
    env[ENV.CASSANDRA_CONTACT_POINTS]
      ?.split(',')
      .map((p) => p.trim())
      .filter(Boolean) ?? [];
  if (given.length === 0 && !region) {
    throw new TransformConfigError(ENV.CASSANDRA_CONTACT_POINTS, 'is required when AWS_REGION is not set');
  }
  const contactPoints = given.length > 0 ? given : [`cassandra.${region}.amazonaws.com`];
  const keyspaces = contactPoints.every((p) => p.split(':')[0].endsWith('.amazonaws.com'));
  if (keyspaces && !region)
    throw new TransformConfigError('AWS_REGION', 'is required for Amazon Keyspaces (SigV4)');
  return {
    contactPoints,
    localDataCenter: env[ENV.CASSANDRA_LOCAL_DC]?.trim() || (keyspaces ? (region as string) : 'datacenter1'),
    keyspace,
    keyspaces,
    region,
    username: env[ENV.CASSANDRA_USERNAME]?.trim() || undefined,
    password: env[ENV.CASSANDRA_PASSWORD] || undefined,
  };
}
