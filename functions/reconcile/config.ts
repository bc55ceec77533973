/**
 * The reconcile function's settings, read once from its environment (names in
 * `core/settings.ts`, set by `infra/`); a missing one fails naming the variable.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `TRADES_TABLE`, `CONTROL_TABLE` | — (required) | the stored days; where the summary goes |
 * | `SYMBOLS` | `ALL` | the subscribed symbols, as the ingest task reads them |
 * | `SNAPSHOT_URL` | iboard's | read per call ({@link snapshotUrlOf}): the embedded runtime sets it after loading |
 *
 * @example
 * const config = readReconcileConfig(process.env); // { tradesTable, controlTable, symbols }
 */
import { type Env, settingsOf } from '../../core/config.ts';
import { ConfigurationError } from '../../core/errors.ts';
import { resolveSymbols } from '../../core/iboard/symbols.ts';
import { ENV } from '../../core/settings.ts';
import { DEFAULT_SNAPSHOT_URL } from '../../ingest-task/snapshot-client.ts';

/** A setting is missing or wrong (or the event's `tradingDate`): the function cannot run at all. */
export class ReconcileConfigError extends ConfigurationError {
  readonly code = 'RECONCILE_CONFIG_INVALID';
  constructor(setting: string, problem: string, options?: ErrorOptions) {
    super(setting, `${setting} ${problem}`, options);
    this.name = 'ReconcileConfigError';
  }
}

export type ReconcileConfig = {
  readonly tradesTable: string;
  readonly controlTable: string;
  readonly symbols: readonly string[];
};

/** Reads {@link ReconcileConfig}; an unknown symbol throws `UnknownSymbolError` as the ingest task's does. */
export function readReconcileConfig(env: Env): ReconcileConfig {
  const settings = settingsOf(env, ReconcileConfigError);
  return {
    tradesTable: settings.required(ENV.TRADES_TABLE),
    controlTable: settings.required(ENV.CONTROL_TABLE),
    symbols: resolveSymbols(settings.raw(ENV.SYMBOLS) ?? 'ALL'),
  };
}

/** The REST snapshot's base URL. */
export function snapshotUrlOf(env: Env): string {
  return settingsOf(env, ReconcileConfigError).raw(ENV.SNAPSHOT_URL) ?? DEFAULT_SNAPSHOT_URL;
}
