/**
 * `npm start` flags, checked before anything starts: an unknown flag or a bad value is
 * one line naming the flag, and exit code 2.
 */

import { existsSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LocalRuntimeError } from '../../core/errors.ts';
import { isArchivedDay } from '../simulator/archive-session.ts';

export const USAGE = `npm start -- [options]

Runs the whole pipeline on this machine: Kinesis and DynamoDB emulators behind one
AWS endpoint, the CDK app's resources, the transform and the trading schedule, and the
ingest task fed by the live iboard feed (default), a synthetic market or a replay.

Source (one of):
  (default)               the live iboard feed, following the trading schedule
  --simulate              a synthetic market
    --symbols N|A,B,C     the N most active stocks, or these symbols (default: whole market)
    --rate R              stock frames per second, whole market (default 1000)
    --seed S              random seed (default 1)
  --replay FILE|DAY       a recorded session (the simulator's JSON-lines format), or an
                          archived day (.local-data/archive/YYYY-MM-DD)
    --speed N             replay N times faster (default 1)
  --iboard-url URL        any iboard-compatible websocket (e.g. \`npm run simulate\`)

Clock (replay and simulate use a simulated clock starting 15 s before the morning open
of the latest trading day, so the schedule fires at once; live uses real time):
  --clock-start ISO       start the clock here, e.g. 2026-04-14T08:58:00+07:00
  --clock-speed N         run it N times faster than real time (default 1)

Transform:
  --batch-window S        gather S seconds of records per batch (1-300; default: the
                          stack's batchWindowSeconds, 20: fewer writes, rows ~20 s late)
  --sink S                dynamodb (default), both (DynamoDB and Cassandra) or keyspaces
                          (Cassandra only): needs CASSANDRA_CONTACT_POINTS, e.g. 127.0.0.1
                          after \`npm run cassandra -- start\` (also CASSANDRA_LOCAL_DC,
                          default datacenter1, and KEYSPACE_NAME, default vn_stock)

Where:
  --data-dir DIR          where data is kept across restarts (default .local-data)
  --endpoint-port P       the AWS endpoint (default 4566)
  --dashboard-port P      the dashboard (default 3000)
  --verbose               show the functions' info logs
  -h, --help              this text

Examples:
  npm start -- --simulate --symbols 50 --rate 500
  npm start -- --replay session.jsonl --speed 10
  aws --endpoint-url http://localhost:4566 dynamodb list-tables
`;

export type Source =
  | { readonly kind: 'live' }
  | {
      readonly kind: 'simulate';
      readonly symbols?: number | readonly string[];
      readonly rate: number;
      readonly seed: string;
    }
  | { readonly kind: 'replay'; readonly file: string; readonly speed: number }
  | { readonly kind: 'url'; readonly url: string };

export type StartArgs = {
  readonly help: boolean;
  readonly source: Source;
  readonly dataDir: string;
  readonly endpointPort: number;
  readonly dashboardPort: number;
  readonly clockStart?: number;
  readonly clockSpeed: number;
  readonly verbose: boolean;
  /** Overrides the stack's `batchWindowSeconds` for this run. */
  readonly batchWindowSeconds?: number;
  /** Where the transform writes rows (`SINK`); `dynamodb` as the stack's default. */
  readonly sink: StartSink;
};

export const START_SINKS = ['dynamodb', 'keyspaces', 'both'] as const;
export type StartSink = (typeof START_SINKS)[number];

export class UsageError extends LocalRuntimeError {
  readonly code = 'BAD_FLAG';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

const OPTIONS = {
  simulate: { type: 'boolean' },
  symbols: { type: 'string' },
  rate: { type: 'string' },
  seed: { type: 'string' },
  replay: { type: 'string' },
  speed: { type: 'string' },
  'iboard-url': { type: 'string' },
  'clock-start': { type: 'string' },
  'clock-speed': { type: 'string' },
  'data-dir': { type: 'string' },
  'endpoint-port': { type: 'string' },
  'dashboard-port': { type: 'string' },
  'batch-window': { type: 'string' },
  sink: { type: 'string' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type FlagValues = Record<string, string | boolean | undefined>;

/** The flags as given: `str` reads a string flag, `given` tells whether a flag was given. */
type Flags = {
  values: FlagValues;
  str: (name: keyof typeof OPTIONS) => string | undefined;
  given: (name: keyof typeof OPTIONS) => boolean;
};

export function parseStartArgs(argv: readonly string[]): StartArgs {
  const flags = readFlags(argv);
  const { values, str, given } = flags;
  checkSourceFlags(flags);
  const source = sourceOf(flags);
  const clockStart = clockStartOf(flags);
  return {
    help: values.help === true,
    source,
    dataDir: nonEmpty('data-dir', str('data-dir') ?? '.local-data'),
    endpointPort: port('endpoint-port', str('endpoint-port') ?? '4566'),
    dashboardPort: port('dashboard-port', str('dashboard-port') ?? '3000'),
    ...(clockStart === undefined ? {} : { clockStart }),
    clockSpeed: positive('clock-speed', str('clock-speed') ?? '1', 100_000),
    verbose: values.verbose === true,
    ...(given('batch-window')
      ? { batchWindowSeconds: seconds('batch-window', str('batch-window')!, 1, 300) }
      : {}),
    sink: sinkOf(str('sink') ?? 'dynamodb'),
  };
}

function readFlags(argv: readonly string[]): Flags {
  let values: FlagValues;
  try {
    ({ values } = parseArgs({ args: [...argv], options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    // node's messages can span lines; the contract is one line.
    throw new UsageError(
      (error as Error).message.replace(/\. To specify a positional.*$/s, '').replace(/\s*\n\s*/g, ' '),
      { cause: error },
    );
  }
  return {
    values,
    str: (name) => values[name] as string | undefined,
    given: (name) => values[name] !== undefined,
  };
}

/** One source at most, and each source's flags only with it. */
function checkSourceFlags({ values, given }: Flags): void {
  const sources = (['simulate', 'replay', 'iboard-url'] as const).filter(given);
  if (sources.length > 1)
    throw new UsageError(`--${sources.join(' and --')} cannot be used together: choose one source`);
  for (const flag of ['symbols', 'rate', 'seed'] as const) {
    if (given(flag) && !values.simulate) throw new UsageError(`--${flag} needs --simulate`);
  }
  if (given('speed') && !given('replay')) throw new UsageError('--speed needs --replay');
}

function sourceOf({ values, str, given }: Flags): Source {
  if (values.simulate) {
    return {
      kind: 'simulate',
      ...(given('symbols') ? { symbols: symbolsOf(str('symbols')!) } : {}),
      rate: positive('rate', str('rate') ?? '1000', 100_000),
      seed: str('seed') ?? '1',
    };
  }
  if (given('replay')) {
    const file = str('replay')!;
    if (!existsSync(file) || !(statSync(file).isFile() || isArchivedDay(file)))
      throw new UsageError(`--replay ${file}: no such file (or archived day directory .../YYYY-MM-DD)`);
    return { kind: 'replay', file, speed: positive('speed', str('speed') ?? '1', 10_000) };
  }
  if (given('iboard-url')) {
    const url = str('iboard-url')!;
    if (!/^wss?:\/\/[^/\s]+/.test(url))
      throw new UsageError(`--iboard-url must be a ws:// or wss:// URL, got "${url}"`);
    return { kind: 'url', url };
  }
  return { kind: 'live' };
}

function clockStartOf({ str, given }: Flags): number | undefined {
  if (!given('clock-start')) return undefined;
  const clockStart = Date.parse(str('clock-start')!);
  if (Number.isNaN(clockStart)) {
    throw new UsageError(
      `--clock-start must be an ISO time such as 2026-04-14T08:58:00+07:00, got "${str('clock-start')}"`,
    );
  }
  return clockStart;
}

function sinkOf(text: string): StartSink {
  if (!(START_SINKS as readonly string[]).includes(text))
    throw new UsageError(`--sink must be one of ${START_SINKS.join(', ')}, got "${text}"`);
  return text as StartSink;
}

function seconds(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new UsageError(`--${flag} must be a whole number of seconds ${min}-${max}, got "${text}"`);
  }
  return n;
}

function positive(flag: string, text: string, max: number): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > max) {
    throw new UsageError(`--${flag} must be a number greater than 0 and at most ${max}, got "${text}"`);
  }
  return n;
}

/** 0 means any free port (tests). */
function port(flag: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65_535)
    throw new UsageError(`--${flag} must be a port number 0-65535, got "${text}"`);
  return n;
}

function nonEmpty(flag: string, text: string): string {
  if (!text.trim()) throw new UsageError(`--${flag} must not be empty`);
  return text;
}

function symbolsOf(text: string): number | string[] {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < 1) throw new UsageError(`--symbols must be at least 1, got "${text}"`);
    return n;
  }
  const list = text.split(',').map((s) => s.trim().toUpperCase());
  const bad = list.find((s) => !/^[A-Z0-9]{2,12}$/.test(s));
  if (bad !== undefined)
    throw new UsageError(`--symbols takes a count or a comma list of symbols, got "${bad}"`);
  return list;
}
