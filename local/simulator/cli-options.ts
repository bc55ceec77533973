/**
 * `npm run simulate -- ...` flags to `startSimulator` options, with a clear error for
 * anything wrong (the CLI prints it with the usage and exits 2).
 */
import { parseArgs } from 'node:util';
import { ClockSettingError, clockFromEnv, clockNow } from '../../core/clock.ts';
import { resolveSymbols } from '../../core/iboard/symbols.ts';
import { ENV } from '../../core/settings.ts';
import type { FaultUpdate } from './fault-knobs.ts';
import { SimulatorOptionError } from './options.ts';
import type { SimulatorOptions } from './simulator.ts';

export const SIMULATE_USAGE = `usage: npm run simulate -- [options]
  --port N              listen port (default 8080; 0 = any free port)
  --host H              listen address (default 127.0.0.1; 0.0.0.0 to reach it from containers)
  --replay FILE|DAY     replay a recorded session (JSON lines {"t","dir":"in","raw"}) or an archived
                        day (.local-data/archive/YYYY-MM-DD) instead of the synthetic market
  --speed N|max         replay speed factor, max = as fast as the client reads (default 1)
  --loop                replay: start again at the end, times shifted forward
  --symbols N|LIST      synthetic: the N most active stocks, or ALL/HOSE/HNX/UPCOM/A,B,C (default ALL)
  --rate N|max          synthetic stock frames per second, whole market (default 1000)
  --seed S              synthetic: same seed, same market (default 1)
  --v1                  speak the 2023 protocol (stock ids, V1 frame layout)
  --clock now|ISO       follow the trading calendar (ATO, lunch, ATC, closed) on the wall clock or on a
                        clock started at ISO time; default: the ${ENV.CLOCK_START} clock if set, else always trading
  --allow-any-user-agent   accept library User-Agents (the live server answers 403)
  --faults JSON         initial fault knobs, e.g. '{"malformedRate":0.01,"closeAfterFrames":5000}'
  --record-trades       keep every trade in the ledger (memory grows; off for the CLI)`;

/** Parses the flags; `env` supplies the runtime's clock (CLOCK_START, CLOCK_ORIGIN, CLOCK_SPEED). Throws SimulatorOptionError naming the flag. */
export function parseSimulateArgs(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
): SimulatorOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...args],
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        replay: { type: 'string' },
        speed: { type: 'string' },
        loop: { type: 'boolean' },
        symbols: { type: 'string' },
        rate: { type: 'string' },
        seed: { type: 'string' },
        v1: { type: 'boolean' },
        clock: { type: 'string' },
        'allow-any-user-agent': { type: 'boolean' },
        faults: { type: 'string' },
        'record-trades': { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new SimulatorOptionError('arguments', (error as Error).message, { cause: error });
  }
  const replay = values.replay as string | undefined;
  checkSourceFlags(values, replay);
  const faults = initialFaults(values);
  const options: SimulatorOptions = {
    port: integer('--port', (values.port as string | undefined) ?? '8080'),
    host: (values.host as string | undefined) ?? '127.0.0.1',
    generation: values.v1 ? 'v1' : 'v2',
    faults,
    recordTrades: values['record-trades'] === true,
  };
  if (replay) Object.assign(options, replayOptions(values, replay));
  else Object.assign(options, syntheticOptions(values));
  if (values.clock !== undefined) options.clock = clockOf('--clock', values.clock as string);
  else if (env[ENV.CLOCK_START]?.trim()) options.clock = clockOfEnv(env);
  return options;
}

type FlagValues = Record<string, string | boolean | undefined>;

/** The replay's flags only with --replay, the synthetic market's only without it. */
function checkSourceFlags(values: FlagValues, replay: string | undefined): void {
  for (const flag of ['speed', 'loop'] as const) {
    if (values[flag] !== undefined && !replay)
      throw new SimulatorOptionError(`--${flag}`, 'only applies with --replay');
  }
  for (const flag of ['symbols', 'rate', 'seed'] as const) {
    if (values[flag] !== undefined && replay)
      throw new SimulatorOptionError(`--${flag}`, 'does not apply to --replay');
  }
}

function initialFaults(values: FlagValues): FaultUpdate {
  const faults: FaultUpdate = values.faults ? parseFaults(values.faults as string) : {};
  if (values['allow-any-user-agent']) faults.rejectLibraryUserAgents = false;
  return faults;
}

function replayOptions(values: FlagValues, replay: string): Partial<SimulatorOptions> {
  return {
    replay,
    speed: rateLike('--speed', (values.speed as string | undefined) ?? '1'),
    loop: values.loop === true,
  };
}

function syntheticOptions(values: FlagValues): Partial<SimulatorOptions> {
  const options: Partial<SimulatorOptions> = {};
  if (values.rate !== undefined) options.rate = rateLike('--rate', values.rate as string);
  if (values.seed !== undefined) options.seed = values.seed as string;
  if (values.symbols !== undefined) options.symbols = symbolsOf(values.symbols as string);
  return options;
}

function integer(flag: string, text: string): number {
  if (!/^\d+$/.test(text))
    throw new SimulatorOptionError(flag, `expected a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

function rateLike(flag: string, text: string): number {
  if (text === 'max') return Number.POSITIVE_INFINITY;
  const value = Number(text);
  if (!(value > 0) || !Number.isFinite(value))
    throw new SimulatorOptionError(flag, `expected a number > 0 or max, got ${JSON.stringify(text)}`);
  return value;
}

function symbolsOf(text: string): number | string[] {
  if (/^\d+$/.test(text)) {
    const count = Number(text);
    if (count < 1) throw new SimulatorOptionError('--symbols', 'the count must be at least 1');
    return count;
  }
  try {
    return resolveSymbols(text);
  } catch (error) {
    throw new SimulatorOptionError('--symbols', (error as Error).message, { cause: error });
  }
}

function parseFaults(text: string): FaultUpdate {
  try {
    const value = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as FaultUpdate;
  } catch (error) {
    throw new SimulatorOptionError('--faults', `expected a JSON object: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** `now` = the wall clock; an ISO time or epoch ms = a clock starting there, running at real speed. */
function clockOf(flag: string, text: string): () => number {
  if (text === 'now') return Date.now;
  const start = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (Number.isNaN(start))
    throw new SimulatorOptionError(
      flag,
      `expected now, an ISO time or epoch ms, got ${JSON.stringify(text)}`,
    );
  return clockNow({ start, origin: Date.now(), speed: 1 });
}

/** The runtime's simulated clock from CLOCK_START, CLOCK_ORIGIN and CLOCK_SPEED, at its speed. */
function clockOfEnv(env: Record<string, string | undefined>): () => number {
  try {
    return clockFromEnv(env);
  } catch (error) {
    if (error instanceof ClockSettingError) throw new SimulatorOptionError(error.setting, error.problem);
    throw error;
  }
}
