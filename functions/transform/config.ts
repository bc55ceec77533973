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
 * | `ARCHIVE_DIR` / `ARCHIVE_BUCKET` [+ `ARCHIVE_PREFIX`] | none (no archive) | where batches are archived |
 *
 * A contact point ending in `.amazonaws.com` is Amazon Keyspaces: TLS on port 9142 and
 * SigV4 authentication from the function's role. Anything else is a plain Cassandra
 * (port 9042, plain-text auth when a username is given).
 *
 * @example
 * const config = loadTransformConfig(process.env);
 */
import { type Env, type Settings, settingsOf } from '../../core/config.ts';
import { assertIdentifier, DEFAULT_KEYSPACE } from '../../core/cql/schema.ts';
import { ConfigurationError } from '../../core/errors.ts';
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
  /** Where batches are archived before they are derived; none when unset. */
  readonly archive?: ArchiveConfig;
};

/**
 * `ARCHIVE_DIR` (the embedded runtime) wins over `ARCHIVE_BUCKET` [+ `ARCHIVE_PREFIX`]
 * (the stack sets it); path-style S3 addressing when an endpoint is given (moto, LocalStack).
 */
export type ArchiveConfig =
  | { readonly dir: string }
  | { readonly bucket: string; readonly prefix: string; readonly pathStyle: boolean };

/** A missing or invalid variable; `variable` names it. */
export class TransformConfigError extends ConfigurationError {
  readonly code = 'TRANSFORM_CONFIG';
  constructor(variable: string, problem: string, options?: ErrorOptions) {
    super(variable, `${variable}: ${problem}`, options);
    this.name = 'TransformConfigError';
  }
}

export function loadTransformConfig(env: Env): TransformConfig {
  const settings = settingsOf(env, TransformConfigError);
  const required = (name: string) => settings.required(name, 'is required but not set');
  const sink = (settings.raw(ENV.SINK) ?? SINKS.DYNAMODB) as SinkKind;
  if (!Object.values(SINKS).includes(sink)) {
    settings.fail(ENV.SINK, `must be dynamodb, keyspaces or both, not ${JSON.stringify(sink)}`);
  }
  // Rejects and the previous state are read from / written to DynamoDB whatever the sink,
  // except in keyspaces-only mode where only the rejects table is needed.
  const dynamoRows = sink !== SINKS.KEYSPACES;
  const table = (name: string) => (dynamoRows ? required(name) : (settings.raw(name) ?? ''));
  const tables = {
    trades: table(ENV.TRADES_TABLE),
    quotes: table(ENV.QUOTES_TABLE),
    bars: table(ENV.BARS_TABLE),
    indices: table(ENV.INDICES_TABLE),
    rejects: required(ENV.REJECTS_TABLE),
  };
  return {
    sink,
    tables,
    cassandra: sink === SINKS.DYNAMODB ? undefined : cassandraConfig(settings, env),
    archive: archiveConfig(settings),
  };
}

function archiveConfig(settings: Settings): ArchiveConfig | undefined {
  const dir = settings.raw(ENV.ARCHIVE_DIR);
  if (dir) return { dir };
  const bucket = settings.raw(ENV.ARCHIVE_BUCKET);
  if (!bucket) return undefined;
  return {
    bucket,
    prefix: settings.raw(ENV.ARCHIVE_PREFIX) ?? '',
    pathStyle: settings.raw('AWS_ENDPOINT_URL') !== undefined,
  };
}

function cassandraConfig(settings: Settings, env: Env): CassandraConfig {
  const region = settings.raw('AWS_REGION');
  const keyspace = settings.raw(ENV.KEYSPACE_NAME) ?? DEFAULT_KEYSPACE;
  try {
    assertIdentifier(keyspace);
  } catch (error) {
    settings.fail(ENV.KEYSPACE_NAME, (error as Error).message, { cause: error });
  }
  const given = settings.list(ENV.CASSANDRA_CONTACT_POINTS) ?? [];
  if (given.length === 0 && !region) {
    settings.fail(ENV.CASSANDRA_CONTACT_POINTS, 'is required when AWS_REGION is not set');
  }
  const contactPoints = given.length > 0 ? given : [`cassandra.${region}.amazonaws.com`];
  const keyspaces = contactPoints.every((p) => p.split(':')[0].endsWith('.amazonaws.com'));
  if (keyspaces && !region) settings.fail('AWS_REGION', 'is required for Amazon Keyspaces (SigV4)');
  return {
    contactPoints,
    localDataCenter: settings.raw(ENV.CASSANDRA_LOCAL_DC) ?? (keyspaces ? (region as string) : 'datacenter1'),
    keyspace,
    keyspaces,
    region,
    username: settings.raw(ENV.CASSANDRA_USERNAME),
    // As given: a password may begin or end with a space.
    password: env[ENV.CASSANDRA_PASSWORD] || undefined,
  };
}
