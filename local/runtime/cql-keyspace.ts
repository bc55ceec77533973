/**
 * `npm start -- --sink both|keyspaces`: the transform also (or only) writes to a Cassandra
 * given by `CASSANDRA_CONTACT_POINTS` (`npm run cassandra -- start` runs one). Before the
 * functions load, the keyspace and tables of `core/cql/schema.ts` are created there (the
 * stack creates them on AWS), and the functions get the sink settings in their environment,
 * as the stack's `-c keyspaces=true` gives them on AWS.
 */

import cassandra from 'cassandra-driver';
import { LocalRuntimeError } from '../../core/errors.ts';
import { ENV } from '../../core/settings.ts';
import { ensureCqlSchema } from '../../functions/transform/sinks/cql-setup.ts';
import { CqlRowCounter } from './cql-row-counter.ts';

export type CqlSinkOptions = {
  readonly sink: 'keyspaces' | 'both';
  /** `CASSANDRA_CONTACT_POINTS`: `host[:port]` list. */
  readonly contactPoints: string;
  readonly localDataCenter: string;
  readonly keyspace: string;
};

export class CqlSinkStartError extends LocalRuntimeError {
  readonly code = 'CQL_SINK_START_FAILED';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CqlSinkStartError';
  }
}

/** Creates the schema and starts counting the rows the sink writes. */
export async function prepareCql(
  options: CqlSinkOptions,
  log: (line: string) => void,
): Promise<CqlRowCounter> {
  const client = new cassandra.Client({
    contactPoints: options.contactPoints.split(',').map((p) => p.trim()),
    localDataCenter: options.localDataCenter,
    socketOptions: { connectTimeout: 5_000 },
  });
  try {
    await client.connect();
    await ensureCqlSchema(client, options.keyspace);
  } catch (error) {
    throw new CqlSinkStartError(
      `--sink ${options.sink}: Cassandra at ${options.contactPoints} (data centre ${options.localDataCenter}) is not usable: ${(error as Error).message}. Start one with npm run cassandra -- start`,
      { cause: error },
    );
  } finally {
    await client.shutdown().catch(() => {});
  }
  log(
    `cql: SINK=${options.sink}, keyspace ${options.keyspace} on ${options.contactPoints} (${options.localDataCenter}); rows counted under "cql"`,
  );
  return new CqlRowCounter();
}

/** The transform's sink settings (read by `functions/transform/config.ts`). */
export function cqlEnvironment(options: CqlSinkOptions): Record<string, string> {
  return {
    [ENV.SINK]: options.sink,
    [ENV.KEYSPACE_NAME]: options.keyspace,
    [ENV.CASSANDRA_CONTACT_POINTS]: options.contactPoints,
    [ENV.CASSANDRA_LOCAL_DC]: options.localDataCenter,
  };
}
