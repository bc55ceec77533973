/**
 * The session-control function's settings, read once from its environment (names in
 * `core/settings.ts`, set by `infra/`); a missing or half-set value fails naming the
 * variable.
 *
 * | variable | default | meaning |
 * |---|---|---|
 * | `CONTROL_TABLE` | — (required) | the table holding the control item |
 * | `ECS_CLUSTER`, `ECS_SERVICE` | none | both or neither: the ingest's ECS service whose desired count the schedule drives |
 *
 * @example
 * const config = readSessionControlConfig(process.env); // { controlTable, ecs? }
 */
import { type Env, settingsOf } from '../../core/config.ts';
import { ConfigurationError } from '../../core/errors.ts';
import { ENV } from '../../core/settings.ts';

export type SessionControlConfig = {
  readonly controlTable: string;
  /** Set when the ingest runs as an ECS service whose desired count the schedule drives. */
  readonly ecs?: { readonly cluster: string; readonly service: string };
};

/** A required variable is missing or the ECS pair is half set; `variable` names it. */
export class SessionControlConfigError extends ConfigurationError {
  readonly code = 'SESSION_CONTROL_CONFIG_INVALID';
  constructor(variable: string, problem: string, options?: ErrorOptions) {
    super(variable, `${variable}: ${problem}`, options);
    this.name = 'SessionControlConfigError';
  }
}

/** Reads {@link SessionControlConfig}; fails naming the variable. */
export function readSessionControlConfig(env: Env): SessionControlConfig {
  const settings = settingsOf(env, SessionControlConfigError);
  const controlTable = settings.required(ENV.CONTROL_TABLE, 'required (the control table name)');
  const cluster = settings.raw(ENV.ECS_CLUSTER);
  const service = settings.raw(ENV.ECS_SERVICE);
  if (Boolean(cluster) !== Boolean(service)) {
    settings.fail(
      cluster ? ENV.ECS_SERVICE : ENV.ECS_CLUSTER,
      `set both ${ENV.ECS_CLUSTER} and ${ENV.ECS_SERVICE}, or neither`,
    );
  }
  return { controlTable, ...(cluster && service ? { ecs: { cluster, service } } : {}) };
}
