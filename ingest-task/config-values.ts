/**
 * Typed readers for one environment variable each: they apply the default, check the
 * range, and throw {@link ConfigError} naming the variable when the value is wrong.
 *
 * @example
 * numberSetting(env, 'LINGER_MS', { default: 200, min: 1, max: 10_000, integer: true }); // 200 when unset
 */

/** A setting with a wrong or missing value; `setting` names the environment variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(
    readonly setting: string,
    problem: string,
    options?: ErrorOptions,
  ) {
    super(`${setting}: ${problem}`, options);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** The trimmed value, or undefined when unset or blank. */
export function rawSetting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function requiredSetting(env: Env, name: string, what: string): string {
  const value = rawSetting(env, name);
  if (value === undefined) throw new ConfigError(name, `is required (${what})`);
  return value;
}

export type NumberRule = { default: number; min: number; max: number; integer?: boolean };

export function numberSetting(env: Env, name: string, rule: NumberRule): number {
  const raw = rawSetting(env, name);
  if (raw === undefined) return rule.default;
  const value = Number(raw);
  const kind = rule.integer ? 'an integer' : 'a number';
  if (
    !Number.isFinite(value) ||
    (rule.integer && !Number.isInteger(value)) ||
    value < rule.min ||
    value > rule.max
  ) {
    throw new ConfigError(name, `must be ${kind} from ${rule.min} to ${rule.max}, got "${raw}"`);
  }
  return value;
}

export function choiceSetting<T extends string>(
  env: Env,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = rawSetting(env, name);
  if (raw === undefined) return fallback;
  const lower = raw.toLowerCase();
  const match = choices.find((c) => c === lower);
  if (!match) throw new ConfigError(name, `must be one of ${choices.join(', ')}, got "${raw}"`);
  return match;
}

/** A URL whose scheme is one of `schemes` (e.g. `['ws:', 'wss:']`). */
export function urlSetting(
  env: Env,
  name: string,
  schemes: readonly string[],
  fallback?: string,
): string | undefined {
  const raw = rawSetting(env, name) ?? fallback;
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw new ConfigError(name, `is not a valid URL: "${raw}"`, { cause: error });
  }
  if (!schemes.includes(url.protocol)) {
    const wanted = schemes.map((s) => `${s}//`).join(' or ');
    throw new ConfigError(name, `must be a ${wanted} URL, got "${raw}"`);
  }
  return raw;
}

/** A comma list, trimmed, blanks dropped; undefined when unset. */
export function listSetting(env: Env, name: string): string[] | undefined {
  const raw = rawSetting(env, name);
  if (raw === undefined) return undefined;
  return raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
