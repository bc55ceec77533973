/**
 * The one reader of environment variables for every entry point (the ingest task, the
 * Lambdas, the embedded runtime): typed readers for one variable each that trim, apply
 * the default, check the range and throw the entry point's error naming the variable
 * when the value is wrong (a `ConfigurationError` of `core/errors.ts`, or the runtime's
 * usage error). Variable names are in `core/settings.ts`.
 *
 * @example
 * const settings = settingsOf(process.env, ConfigError);
 * settings.number('LINGER_MS', { default: 200, min: 1, max: 10_000, integer: true }); // 200 when unset
 * settings.required('STREAM_NAME'); // throws ConfigError 'STREAM_NAME: is required' when unset
 */

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * The entry point's error class: built with the setting's name and what is wrong with it
 * (e.g. `is required`), it words the message (`TransformConfigError`: `SINK: must be ...`).
 */
export type SettingErrorClass = new (setting: string, problem: string, options?: ErrorOptions) => Error;

export type NumberRule = { default: number; min: number; max: number; integer?: boolean };

export type Settings = {
  /** The trimmed value, or undefined when unset or blank. */
  raw(name: string): string | undefined;
  /** The trimmed value; `problem` (default `is required`) when unset or blank. */
  required(name: string, problem?: string): string;
  number(name: string, rule: NumberRule): number;
  /** One of `choices`, matched case-insensitively; `fallback` when unset. */
  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T;
  /** A URL whose scheme is one of `schemes` (e.g. `['ws:', 'wss:']`). */
  url(name: string, schemes: readonly string[], fallback?: string): string | undefined;
  /** An instant as epoch ms or an ISO date-time. */
  time(name: string): number | undefined;
  /** A comma list, trimmed, blanks dropped; undefined when unset. */
  list(name: string): string[] | undefined;
  /** Throws the entry point's error for `name`: for checks the readers above do not make. */
  fail(name: string, problem: string, options?: ErrorOptions): never;
};

/** The trimmed value, or undefined when unset or blank: for a reader with nothing to reject. */
export function rawSetting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function settingsOf(env: Env, ErrorClass: SettingErrorClass): Settings {
  const fail = (name: string, problem: string, options?: ErrorOptions): never => {
    throw new ErrorClass(name, problem, options);
  };
  const raw = (name: string) => rawSetting(env, name);
  return {
    raw,
    fail,
    required(name, problem = 'is required') {
      return raw(name) ?? fail(name, problem);
    },
    number(name, rule) {
      const text = raw(name);
      if (text === undefined) return rule.default;
      const value = Number(text);
      const kind = rule.integer ? 'an integer' : 'a number';
      if (
        !Number.isFinite(value) ||
        (rule.integer && !Number.isInteger(value)) ||
        value < rule.min ||
        value > rule.max
      ) {
        fail(name, `must be ${kind} from ${rule.min} to ${rule.max}, got "${text}"`);
      }
      return value;
    },
    choice(name, choices, fallback) {
      const text = raw(name);
      if (text === undefined) return fallback;
      const lower = text.toLowerCase();
      return (
        choices.find((c) => c === lower) ?? fail(name, `must be one of ${choices.join(', ')}, got "${text}"`)
      );
    },
    url(name, schemes, fallback) {
      const text = raw(name) ?? fallback;
      if (text === undefined) return undefined;
      let url: URL;
      try {
        url = new URL(text);
      } catch (error) {
        return fail(name, `is not a valid URL: "${text}"`, { cause: error });
      }
      if (!schemes.includes(url.protocol)) {
        const wanted = schemes.map((s) => `${s}//`).join(' or ');
        fail(name, `must be a ${wanted} URL, got "${text}"`);
      }
      return text;
    },
    time(name) {
      const text = raw(name);
      if (text === undefined) return undefined;
      const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
      if (!Number.isFinite(value)) fail(name, `must be epoch ms or an ISO date-time, got "${text}"`);
      return value;
    },
    list(name) {
      const text = raw(name);
      if (text === undefined) return undefined;
      return text
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
    },
  };
}

/**
 * Reads a Lambda's settings once, when its module loads (the Lambda init), for every
 * invocation to use. A bad setting does not stop the module from loading (tests, the
 * benchmark and the embedded runtime import handler modules for their other exports):
 * each invocation then fails with the error naming the variable, as Lambda reports a
 * failed init on the invocation.
 *
 * @example
 * const config = readAtInit(() => loadTransformConfig(process.env));
 * export const handler = async () => { const { tables } = config(); ... };
 */
export function readAtInit<T>(read: () => T): () => T {
  try {
    const value = read();
    return () => value;
  } catch (error) {
    return () => {
      throw error;
    };
  }
}
