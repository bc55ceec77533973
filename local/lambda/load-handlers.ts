/**
 * The template's Lambda functions, run in this process: each function resource is
 * mapped back to its source module (infra's FUNCTION_ENTRIES, the same file esbuild
 * bundles for Lambda) and its `handler` export imported. Before the first import the
 * functions' environment variables (resolved from the template) are set in
 * `process.env`, with the AWS endpoint pointed at the runtime's router, because the
 * handler modules read their configuration when they load.
 */

import { pathToFileURL } from 'node:url';
import { LocalRuntimeError } from '../../core/errors.ts';
import { FUNCTION_ENTRIES } from '../../infra/paths.ts';
import type { FunctionSpec } from '../cloudformation/template.ts';
import { LOCAL_CREDENTIALS } from '../emulators/clients.ts';

export type Handler = (event: unknown, context: unknown) => Promise<unknown>;

export type LoadedFunction = {
  readonly spec: FunctionSpec;
  readonly handler: Handler;
  readonly entry: string;
};

export class FunctionLoadError extends LocalRuntimeError {
  readonly code = 'FUNCTION_LOAD_FAILED';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'FunctionLoadError';
  }
}

/** The source module keys the template's functions are matched against. */
export const FUNCTION_SOURCES = Object.keys(FUNCTION_ENTRIES);

/**
 * The environment the in-process functions see. Two functions giving one variable
 * different values cannot both be honoured in one process: reported in `conflicts`.
 */
export function functionEnvironment(
  functions: readonly FunctionSpec[],
  base: Readonly<Record<string, string>>,
): { env: Record<string, string>; conflicts: string[] } {
  const env: Record<string, string> = {};
  const conflicts: string[] = [];
  for (const fn of functions) {
    for (const [name, value] of Object.entries(fn.environment)) {
      // Flags for Lambda's node process; this process is already running.
      if (name === 'NODE_OPTIONS') continue;
      if (name in env && env[name] !== value)
        conflicts.push(`${name}: ${env[name]} (kept) vs ${value} (${fn.logicalId})`);
      else env[name] = value;
    }
  }
  return { env: { ...env, ...base }, conflicts };
}

/** Variables that point the functions' SDK clients at the runtime and keep their output quiet. */
export function runtimeEnvironment(
  endpoint: string,
  region: string,
  logLevel = 'WARN',
): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    // The status line shows what the metrics would; EMF lines on stdout would be noise.
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_LOG_LEVEL: logLevel,
  };
}

/** Each runtime in a process gets its own instances of the handler modules. */
let generation = 0;

/**
 * Imports each function's handler. A second runtime in the same process (tests) gets
 * fresh module instances, as a new deployment gets new Lambda containers: the modules
 * read their configuration (endpoint, table names) and build their clients when they
 * load, so a reused instance would talk to the previous runtime.
 */
export async function loadFunctions(
  functions: readonly FunctionSpec[],
): Promise<Map<string, LoadedFunction>> {
  const loaded = new Map<string, LoadedFunction>();
  generation++;
  for (const spec of functions) {
    if (!spec.source) continue;
    const entry = FUNCTION_ENTRIES[spec.source as keyof typeof FUNCTION_ENTRIES];
    let module: { handler?: unknown };
    try {
      const url = pathToFileURL(entry);
      if (generation > 1) url.search = `runtime=${generation}`;
      module = (await import(url.href)) as { handler?: unknown };
    } catch (error) {
      throw new FunctionLoadError(
        `function ${spec.name}: cannot load ${entry}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    if (typeof module.handler !== 'function') {
      throw new FunctionLoadError(`function ${spec.name}: ${entry} exports no handler function`);
    }
    loaded.set(spec.logicalId, { spec, handler: module.handler as Handler, entry });
  }
  return loaded;
}
