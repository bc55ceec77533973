/**
 * The errors this project throws: one base, {@link AppError}, with a stable `code` (the
 * README's error-code table) and, when it wraps another error, that error as `cause`
 * (ES2022 `ErrorOptions`); under it one class per area, so a caller can tell the areas
 * apart with `instanceof` and a single error with `instanceof` on its own class, never
 * by comparing code strings. Each concrete error stays in the file that throws it and
 * sets its own `name` (class names do not survive the Lambda bundle's minification).
 *
 * | area | what goes wrong there |
 * |---|---|
 * | {@link ConfigurationError} | an environment variable, context value or settings file of a deployed part |
 * | {@link IngestError} | the ingest task and the iboard protocol it speaks: symbols, frames, snapshots, start-up |
 * | {@link FunctionError} | the Lambda functions' work: records, sinks, keyspaces, the control item |
 * | {@link ArchiveError} | archive objects and re-derivation from them |
 * | {@link LocalRuntimeError} | the embedded runtime (`npm start`), its dashboard and the local tools |
 * | {@link SimulatorError} | the iboard simulator's options, fault knobs and replay files |
 * | {@link ChaosError} | the chaos run and the faults it injects |
 *
 * @example
 * export class SnapshotFormatError extends IngestError {
 *   readonly code = 'SNAPSHOT_FORMAT';
 *   constructor(message: string, options?: ErrorOptions) {
 *     super(message, options);
 *     this.name = 'SnapshotFormatError';
 *   }
 * }
 * throw new SnapshotFormatError('no data array', { cause: error }); // error.cause === error
 */

/** The base of every error of this project: a stable `code`, and the `cause` it wraps, if any. */
export abstract class AppError extends Error {
  /** Stable across releases: the README's error-code tables list every one. */
  abstract readonly code: string;
}

/**
 * A setting of a deployed part is missing or wrong; `setting` names it (the environment
 * variable, context key or file setting), and the message starts with it.
 */
export abstract class ConfigurationError extends AppError {
  constructor(
    readonly setting: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /** {@link setting}, by the name the Lambdas' errors have always given it. */
  get variable(): string {
    return this.setting;
  }
}

/** The ingest task and the iboard protocol (`ingest-task/`, `core/iboard/`). */
export abstract class IngestError extends AppError {}

/** The Lambda functions' work (`functions/`, `core/records`, `core/derive`, `core/cql`, `core/control.ts`). */
export abstract class FunctionError extends AppError {}

/** Archive objects and re-derivation (`core/archive/`, `scripts/rederive.ts`). */
export abstract class ArchiveError extends AppError {}

/** The embedded runtime, its dashboard and the local tools (`local/` but the simulator and chaos, `scripts/cassandra/`). */
export abstract class LocalRuntimeError extends AppError {}

/** The iboard simulator (`local/simulator/`). */
export abstract class SimulatorError extends AppError {}

/** The chaos run and its fault injection (`local/chaos/`, the fault proxy). */
export abstract class ChaosError extends AppError {}
