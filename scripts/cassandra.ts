/**
 * `npm run cassandra -- start|stop|status`: a real Apache Cassandra on 127.0.0.1 for the
 * CQL sink, its tests, `npm start -- --sink both` and the benchmark. No Docker: the
 * jars come from Maven Central (see `scripts/cassandra/`). Exit code: 0 done, 1 failed,
 * 2 bad usage; `status` exits 3 when no server answers.
 *
 *   npm run cassandra -- start            # fetch once, start, wait for CQL, print the settings
 *   npm run cassandra -- status
 *   npm run cassandra -- stop
 */
import { parseArgs } from 'node:util';
import {
  CASSANDRA_VERSION,
  cassandraLayout,
  DEFAULT_PORT,
  DEFAULT_STORAGE_PORT,
  defaultCacheDir,
} from './cassandra/config.ts';
import {
  CassandraLauncherError,
  contactPoint,
  fetchCassandra,
  probe,
  runningPid,
  startCassandra,
  stopCassandra,
} from './cassandra/server.ts';

const USAGE = `npm run cassandra -- start|stop|status [options]

  start              fetch Cassandra ${CASSANDRA_VERSION} from Maven Central (once, into the cache),
                     start a single node on 127.0.0.1 and wait until CQL answers
  stop               stop the node of the data directory
  status             say whether it runs and answers CQL (exit 3 when not)

  --data-dir DIR     the node's config, data and logs (default .local-data/cassandra)
  --cache-dir DIR    the jars (default $XDG_CACHE_HOME or ~/.cache, then vn-stock-stream/cassandra)
  --port P           CQL port (default ${DEFAULT_PORT})
  --storage-port P   inter-node port, bound on loopback even for one node (default ${DEFAULT_STORAGE_PORT})
  -h, --help         this text`;

function fail(message: string, code: number): never {
  console.error(`npm run cassandra: ${message}`);
  process.exit(code);
}

function port(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) fail(`--${name} must be a port number, got "${text}"`, 2);
  return n;
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      'cache-dir': { type: 'string' },
      port: { type: 'string' },
      'storage-port': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
try {
  parsed = parse();
} catch (error) {
  fail(`${(error as Error).message}\n\n${USAGE}`, 2);
}
const { values, positionals } = parsed;
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const command = positionals[0];
if (positionals.length !== 1 || !['start', 'stop', 'status'].includes(command))
  fail(`expected one of start, stop, status\n\n${USAGE}`, 2);

const layout = cassandraLayout({
  dataDir: values['data-dir'] ?? '.local-data/cassandra',
  cacheDir: values['cache-dir'] ?? defaultCacheDir(process.env),
});
const ports = {
  port: port('port', values.port, DEFAULT_PORT),
  storagePort: port('storage-port', values['storage-port'], DEFAULT_STORAGE_PORT),
};

try {
  if (command === 'start') {
    const fetchSeconds = fetchCassandra(layout, (line) => console.log(line));
    if (fetchSeconds > 0) console.log(`fetched in ${fetchSeconds.toFixed(1)} s`);
    const started = Date.now();
    console.log(`starting Cassandra ${CASSANDRA_VERSION} (data ${layout.dataDir}, log ${layout.log})`);
    const server = await startCassandra(layout, ports);
    console.log(
      `Cassandra ${server.releaseVersion} answers CQL on 127.0.0.1:${ports.port} (pid ${server.pid}, ${((Date.now() - started) / 1000).toFixed(1)} s)`,
    );
    console.log(`CASSANDRA_CONTACT_POINTS=${server.contactPoint}`);
    console.log(`CASSANDRA_LOCAL_DC=${server.localDc}`);
  } else if (command === 'stop') {
    const stopped = await stopCassandra(layout);
    console.log(
      stopped ? `Cassandra stopped (${layout.dataDir})` : `no Cassandra running from ${layout.dataDir}`,
    );
  } else {
    const pid = runningPid(layout);
    const answer = await probe(ports.port);
    if (answer) {
      console.log(
        `Cassandra ${answer.releaseVersion} answers CQL on 127.0.0.1:${ports.port}${pid ? ` (pid ${pid})` : ' (not started from this data directory)'}`,
      );
      console.log(`CASSANDRA_CONTACT_POINTS=${contactPoint(ports.port)}`);
      console.log(`CASSANDRA_LOCAL_DC=${answer.localDc}`);
    } else {
      console.log(
        pid ? `Cassandra (pid ${pid}) runs but does not answer CQL yet` : 'Cassandra is not running',
      );
      process.exit(3);
    }
  }
} catch (error) {
  if (error instanceof CassandraLauncherError) fail(`${error.code}: ${error.message}`, 1);
  throw error;
}
