/**
 * `npm start`: the whole pipeline on this machine (see `npm start -- --help`).
 *
 * Exit codes: 0 after a clean stop; 1 when something failed to start (one line says
 * what); 2 on a bad flag; 130 on a second Ctrl-C.
 */

import { rawSetting } from '../core/config.ts';
import { DEFAULT_KEYSPACE } from '../core/cql/schema.ts';
import { isMarketTradingAt, nextMarketOpen } from '../core/market/calendar.ts';
import { ictDateTime } from '../core/market/ict-time.ts';
import { ENV } from '../core/settings.ts';
import { parseStartArgs, type StartArgs, USAGE, UsageError } from './runtime/cli-args.ts';
import { type Clock, realClock, simulatedClock } from './runtime/clock.ts';
import type { CqlSinkOptions } from './runtime/cql-keyspace.ts';
import { defaultSimulatedStart, replayStart } from './runtime/market-source.ts';
import { type Runtime, startRuntime } from './runtime/start-runtime.ts';

const log = (line: string) => console.log(line);

function fail(message: string, code: number): never {
  console.error(`npm start: ${message}`);
  process.exit(code);
}

function clockFor(args: StartArgs): Clock {
  if (args.clockStart !== undefined) return simulatedClock(args.clockStart, args.clockSpeed);
  switch (args.source.kind) {
    case 'simulate':
      return simulatedClock(defaultSimulatedStart(Date.now()), args.clockSpeed);
    case 'replay':
      // The replay runs at its own pace times --speed: the clock keeps step with it.
      return simulatedClock(replayStart(args.source.file), args.source.speed * args.clockSpeed);
    default:
      return args.clockSpeed === 1 ? realClock : simulatedClock(Date.now(), args.clockSpeed);
  }
}

function ict(ms: number): string {
  return `${ictDateTime(ms)} ICT`;
}

async function main(): Promise<void> {
  let args: StartArgs;
  try {
    args = parseStartArgs(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError) fail(`${error.message} (npm start -- --help lists the flags)`, 2);
    throw error;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  let cql: CqlSinkOptions | undefined;
  if (args.sink !== 'dynamodb') {
    const contactPoints = rawSetting(process.env, ENV.CASSANDRA_CONTACT_POINTS);
    if (!contactPoints)
      fail(
        `--sink ${args.sink} needs CASSANDRA_CONTACT_POINTS: npm run cassandra -- start, then CASSANDRA_CONTACT_POINTS=127.0.0.1 npm start -- --sink ${args.sink}`,
        2,
      );
    cql = {
      sink: args.sink,
      contactPoints,
      localDataCenter: rawSetting(process.env, ENV.CASSANDRA_LOCAL_DC) ?? 'datacenter1',
      keyspace: rawSetting(process.env, ENV.KEYSPACE_NAME) ?? DEFAULT_KEYSPACE,
    };
  }
  let clock: Clock;
  try {
    clock = clockFor(args);
  } catch (error) {
    fail((error as Error).message, 2);
  }
  if (clock.simulated) {
    log(
      `clock: simulated, starting ${ict(clock.now())}, ×${clock.speed} (--clock-start / --clock-speed change it)`,
    );
  }

  // Ctrl-C while starting: abort the start (what was started is stopped); twice: exit now.
  const starting = new AbortController();
  const onSignalWhileStarting = () => {
    if (starting.signal.aborted) process.exit(130);
    log('stopping the start (Ctrl-C again to exit at once)');
    starting.abort();
  };
  process.on('SIGINT', onSignalWhileStarting);
  process.on('SIGTERM', onSignalWhileStarting);

  let runtime: Runtime;
  try {
    runtime = await startRuntime({
      signal: starting.signal,
      dataDir: args.dataDir,
      endpointPort: args.endpointPort,
      dashboardPort: args.dashboardPort,
      source: args.source,
      clock,
      log,
      verbose: args.verbose,
      ...(args.batchWindowSeconds === undefined ? {} : { batchWindowSeconds: args.batchWindowSeconds }),
      ...(cql ? { cql } : {}),
    });
  } catch (error) {
    if (starting.signal.aborted) {
      log('start aborted');
      process.exit(130);
    }
    fail((error as Error).message, 1);
  }
  process.off('SIGINT', onSignalWhileStarting);
  process.off('SIGTERM', onSignalWhileStarting);

  if (args.source.kind === 'live' && !isMarketTradingAt(clock.now())) {
    log(
      `market closed: the next session opens ${ict(nextMarketOpen(clock.now()))}; ingestion starts on schedule. ` +
        'To see data now: npm start -- --simulate',
    );
  }
  log(
    `ready: aws --endpoint-url http://localhost:${new URL(runtime.endpoint).port} dynamodb list-tables   (Ctrl-C stops)`,
  );

  let stopping = false;
  const onSignal = () => {
    if (stopping) {
      log('second Ctrl-C: stopping now, without draining');
      runtime.kill();
      process.exit(130);
    }
    stopping = true;
    log('stopping: draining the ingest task, then the event source mapping (Ctrl-C again to stop at once)');
    runtime
      .stop()
      .then(() => {
        log('stopped');
        process.exit(0);
      })
      .catch((error: Error) => fail(`stop failed: ${error.message}`, 1));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

await main();
