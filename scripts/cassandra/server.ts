/**
 * Fetches, starts, stops and probes the local Cassandra of `npm run cassandra`.
 *
 * - fetch: Maven copies `cassandra-all` and its runtime dependencies from Maven Central
 *   into the cache (its own local repository beside it), once per version; a
 *   `.complete` marker is written last, so an interrupted fetch is redone.
 * - start: the configuration is written under the data directory, `java` is spawned
 *   detached (its own process group, output to `logs/cassandra.out`), its pid kept in
 *   `cassandra.pid`, then the CQL port is polled with the driver until
 *   `system.local` answers, which also gives the data centre.
 * - stop: SIGTERM (Cassandra's shutdown hook drains the memtables), SIGKILL after 60 s.
 *
 * @example
 * const server = await startCassandra(layout, { port: 9042, storagePort: 7000 });
 * console.log(server.contactPoint, server.localDc);
 */

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import cassandra from 'cassandra-driver';
import { LocalRuntimeError } from '../../core/errors.ts';
import {
  CASSANDRA_ARTIFACT,
  type CassandraLayout,
  cassandraYaml,
  fetchPom,
  javaArgs,
  LOCAL_DC,
  logbackXml,
  type Ports,
} from './config.ts';

/** Stable codes, listed in the README. */
export class CassandraLauncherError extends LocalRuntimeError {
  constructor(
    readonly code: 'JAVA_MISSING' | 'MAVEN_MISSING' | 'FETCH_FAILED' | 'START_FAILED' | 'PORT_TAKEN',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'CassandraLauncherError';
  }
}

const ALTERNATIVE = 'or run Cassandra yourself: docker run -p 9042:9042 cassandra:5';

/** Throws a clear error naming the package to install when `java` or `mvn` is absent. */
export function checkTools(needMaven: boolean): void {
  if (!runs('java', ['-version']))
    throw new CassandraLauncherError(
      'JAVA_MISSING',
      `java not found: install a Java 17 runtime (Debian: apt-get install openjdk-17-jre-headless), ${ALTERNATIVE}`,
    );
  if (needMaven && !runs('mvn', ['-v']))
    throw new CassandraLauncherError(
      'MAVEN_MISSING',
      `mvn not found: install Maven to fetch Cassandra from Maven Central (Debian: apt-get install maven), ${ALTERNATIVE}`,
    );
}

function runs(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return !result.error && result.status === 0;
}

export function isFetched(layout: CassandraLayout): boolean {
  return existsSync(join(layout.libDir, '.complete'));
}

/** Downloads the jars unless cached; returns the seconds spent (0 when cached). */
export function fetchCassandra(layout: CassandraLayout, log: (line: string) => void): number {
  if (isFetched(layout)) return 0;
  checkTools(true);
  const started = Date.now();
  log(`fetching ${CASSANDRA_ARTIFACT} and its dependencies from Maven Central into ${layout.fetchDir}`);
  mkdirSync(layout.fetchDir, { recursive: true });
  rmSync(layout.libDir, { recursive: true, force: true });
  writeFileSync(join(layout.fetchDir, 'pom.xml'), fetchPom());
  const result = spawnSync(
    'mvn',
    [
      '-B',
      '-q',
      `-Dmaven.repo.local=${layout.mavenRepo}`,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${layout.libDir}`,
    ],
    { cwd: layout.fetchDir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new CassandraLauncherError('FETCH_FAILED', `mvn could not fetch ${CASSANDRA_ARTIFACT}:\n${output}`);
  }
  writeFileSync(join(layout.libDir, '.complete'), `${CASSANDRA_ARTIFACT}\n`);
  return (Date.now() - started) / 1000;
}

export type RunningServer = {
  readonly pid: number;
  readonly contactPoint: string;
  readonly localDc: string;
  readonly releaseVersion: string;
};

/** The running server's pid from the pid file, when that process is alive. */
export function runningPid(layout: CassandraLayout): number | undefined {
  try {
    const pid = Number(readFileSync(layout.pidFile, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** `host` for the default port, else `host:port` (what `CASSANDRA_CONTACT_POINTS` takes). */
export function contactPoint(port: number): string {
  return port === 9042 ? '127.0.0.1' : `127.0.0.1:${port}`;
}

/** Asks `system.local` once; `undefined` when nothing answers CQL on the port. */
export async function probe(port: number): Promise<Omit<RunningServer, 'pid'> | undefined> {
  const client = new cassandra.Client({
    contactPoints: [`127.0.0.1:${port}`],
    localDataCenter: LOCAL_DC,
    socketOptions: { connectTimeout: 2000, readTimeout: 5000 },
    // One attempt per probe: the caller decides when to ask again.
    policies: { reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(60_000) },
  });
  try {
    await client.connect();
    const row = (await client.execute('SELECT data_center, release_version FROM system.local')).first();
    return {
      contactPoint: contactPoint(port),
      localDc: String(row.get('data_center')),
      releaseVersion: String(row.get('release_version')),
    };
  } catch {
    return undefined;
  } finally {
    await client.shutdown().catch(() => {});
  }
}

const START_TIMEOUT_MS = 240_000;

/** Starts the server (or finds it running) and waits until CQL answers. */
export async function startCassandra(layout: CassandraLayout, ports: Ports): Promise<RunningServer> {
  const running = runningPid(layout);
  if (running !== undefined) {
    const answer = await waitForCql(layout, ports.port, running);
    return { pid: running, ...answer };
  }
  if (await probe(ports.port))
    throw new CassandraLauncherError(
      'PORT_TAKEN',
      `something already answers CQL on 127.0.0.1:${ports.port} (not started from ${layout.dataDir}): use it, stop it, or choose --port`,
    );
  checkTools(false);
  for (const dir of ['conf', 'logs', 'data', 'commitlog', 'saved_caches', 'hints', 'cdc_raw'])
    mkdirSync(join(layout.dataDir, dir), { recursive: true });
  writeFileSync(layout.yaml, cassandraYaml(layout, ports));
  writeFileSync(layout.logback, logbackXml(layout));
  const out = openSync(layout.log, 'w');
  const child = spawn('java', javaArgs(layout), {
    cwd: layout.dataDir,
    detached: true,
    stdio: ['ignore', out, out],
  });
  if (child.pid === undefined) throw new CassandraLauncherError('START_FAILED', 'java could not be spawned');
  const pid = child.pid;
  writeFileSync(layout.pidFile, `${pid}\n`);
  // Our own child: its exit is an event (a dead child stays a zombie to kill(pid, 0) until reaped).
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  child.unref();
  const answer = await waitForCql(layout, ports.port, pid, () => exited || !alive(pid));
  return { pid, ...answer };
}

async function waitForCql(layout: CassandraLayout, port: number, pid: number, gone = () => !alive(pid)) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const answer = await probe(port);
    if (answer) return answer;
    if (gone()) {
      rmSync(layout.pidFile, { force: true });
      throw new CassandraLauncherError(
        'START_FAILED',
        `Cassandra exited before answering CQL; the end of ${layout.log}:\n${tail(layout.log)}`,
      );
    }
    await sleep(1000);
  }
  throw new CassandraLauncherError(
    'START_FAILED',
    `Cassandra (pid ${pid}) did not answer CQL on 127.0.0.1:${port} within ${START_TIMEOUT_MS / 1000} s; see ${layout.log}`,
  );
}

const STOP_TIMEOUT_MS = 60_000;

/** Stops the server of this data directory; false when none was running. */
export async function stopCassandra(layout: CassandraLayout): Promise<boolean> {
  const pid = runningPid(layout);
  if (pid === undefined) {
    rmSync(layout.pidFile, { force: true });
    return false;
  }
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (alive(pid) && Date.now() < deadline) await sleep(250);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid)) await sleep(100);
  rmSync(layout.pidFile, { force: true });
  return true;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
