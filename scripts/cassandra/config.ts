/**
 * What `npm run cassandra` pins and writes: the Cassandra release, where its jars are
 * cached, and the single-node configuration (`cassandra.yaml`, `logback.xml`, the JVM
 * arguments) for a test server on loopback. Pure: no file or process is touched here.
 *
 * @example
 * const layout = cassandraLayout({ dataDir: '.local-data/cassandra', cacheDir: defaultCacheDir(process.env) });
 * writeFileSync(layout.yaml, cassandraYaml(layout, { port: 9042, storagePort: 7000 }));
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Apache Cassandra from Maven Central (`org.apache.cassandra:cassandra-all`): 5.0.x runs
 * on the machine's Java 17. 5.0.9 is the newest 5.0 release Maven resolved on 2026-12-05.
 */
export const CASSANDRA_VERSION = '5.0.9';
export const CASSANDRA_ARTIFACT = `org.apache.cassandra:cassandra-all:${CASSANDRA_VERSION}`;

/** `SimpleSnitch` puts every node in this data centre: the driver's `localDataCenter`. */
export const LOCAL_DC = 'datacenter1';

/** Cassandra's defaults: CQL native protocol and inter-node (gossip) ports. */
export const DEFAULT_PORT = 9042;
export const DEFAULT_STORAGE_PORT = 7000;

/**
 * Heap of the test server: ≤ 1 GB keeps it a good neighbour on a shared 2-core, 24 GiB
 * machine; memtables take a quarter of it by default, plenty for a test day.
 */
export const MAX_HEAP = '1G';
export const INITIAL_HEAP = '256M';

export type CassandraLayout = {
  /** Root of the server's files (config, data, logs, pid). */
  readonly dataDir: string;
  /** `<cache>/<version>/lib`: the jars, shared by every data directory. */
  readonly libDir: string;
  /** The Maven project and local repository of the fetch. */
  readonly fetchDir: string;
  readonly mavenRepo: string;
  readonly confDir: string;
  readonly yaml: string;
  readonly logback: string;
  readonly log: string;
  readonly pidFile: string;
};

export type Ports = { readonly port: number; readonly storagePort: number };

/** `$XDG_CACHE_HOME` or `~/.cache`, then `vn-stock-stream/cassandra`: outside the repository. */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CACHE_HOME?.trim() || join(homedir(), '.cache');
  return join(base, 'vn-stock-stream', 'cassandra');
}

export function cassandraLayout(options: { dataDir: string; cacheDir: string }): CassandraLayout {
  const dataDir = resolve(options.dataDir);
  const cacheDir = resolve(options.cacheDir);
  const fetchDir = join(cacheDir, CASSANDRA_VERSION);
  const confDir = join(dataDir, 'conf');
  return {
    dataDir,
    libDir: join(fetchDir, 'lib'),
    fetchDir,
    mavenRepo: join(cacheDir, 'm2'),
    confDir,
    yaml: join(confDir, 'cassandra.yaml'),
    logback: join(confDir, 'logback.xml'),
    log: join(dataDir, 'logs', 'cassandra.out'),
    pidFile: join(dataDir, 'cassandra.pid'),
  };
}

/** The Maven project whose runtime dependencies are Cassandra's classpath. */
export function fetchPom(): string {
  const [groupId, artifactId, version] = CASSANDRA_ARTIFACT.split(':');
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>vn-stock-stream.local</groupId>
  <artifactId>cassandra-fetch</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>${groupId}</groupId>
      <artifactId>${artifactId}</artifactId>
      <version>${version}</version>
    </dependency>
  </dependencies>
</project>
`;
}

/**
 * A single node on 127.0.0.1 only, no authentication (a test server that nothing
 * outside the machine can reach), its directories under the data directory.
 */
export function cassandraYaml(layout: CassandraLayout, ports: Ports): string {
  const dir = (name: string) => JSON.stringify(join(layout.dataDir, name));
  return `# Written by \`npm run cassandra -- start\`: a single-node test server on loopback.
cluster_name: vn-stock-stream-local
# Few vnodes: a single node needs no token balance, and fewer ranges start faster.
num_tokens: 4
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:${ports.storagePort}"
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: ${ports.storagePort}
native_transport_port: ${ports.port}
start_native_transport: true
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
role_manager: CassandraRoleManager
data_file_directories:
  - ${dir('data')}
commitlog_directory: ${dir('commitlog')}
saved_caches_directory: ${dir('saved_caches')}
hints_directory: ${dir('hints')}
cdc_raw_directory: ${dir('cdc_raw')}
commitlog_sync: periodic
commitlog_sync_period: 10000ms
disk_failure_policy: stop
commit_failure_policy: stop
# TRUNCATE and DROP snapshot the table by default: a test server truncates often.
auto_snapshot: false
# The 2-core machine: fewer threads than the defaults sized for a server.
concurrent_reads: 8
concurrent_writes: 16
concurrent_counter_writes: 4
concurrent_compactors: 1
`;
}

/** Logs: INFO and above to `logs/system.log`, warnings also to the process output. */
export function logbackXml(layout: CassandraLayout): string {
  const file = join(layout.dataDir, 'logs', 'system.log');
  return `<configuration scan="false">
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>${file}</file>
    <encoder><pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern></encoder>
  </appender>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <filter class="ch.qos.logback.classic.filter.ThresholdFilter"><level>WARN</level></filter>
    <encoder><pattern>%-5level %date{ISO8601} %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/><appender-ref ref="STDOUT"/></root>
</configuration>
`;
}

/**
 * The JVM command line: the module opens Cassandra's own `conf/jvm17-server.options`
 * lists for Java 17 (it reaches into JDK internals), the heap cap, and the properties
 * that point it at the generated configuration. The ring delay is cut to 1 s (Cassandra's
 * own test configuration does the same): a single node has no ring to wait for.
 */
export function javaArgs(layout: CassandraLayout): string[] {
  return [
    `-Xms${INITIAL_HEAP}`,
    `-Xmx${MAX_HEAP}`,
    '-XX:+UseG1GC',
    '-XX:+HeapDumpOnOutOfMemoryError',
    '-XX:+ExitOnOutOfMemoryError',
    `-XX:HeapDumpPath=${join(layout.dataDir, 'logs')}`,
    '-Djava.net.preferIPv4Stack=true',
    '-Djdk.attach.allowAttachSelf=true',
    ...JAVA17_MODULE_OPTIONS,
    '-Dio.netty.tryReflectionSetAccessible=true',
    `-Dcassandra.config=file://${layout.yaml}`,
    `-Dlogback.configurationFile=${layout.logback}`,
    `-Dcassandra.storagedir=${layout.dataDir}`,
    `-Dcassandra.logdir=${join(layout.dataDir, 'logs')}`,
    '-Dcassandra-foreground=yes',
    '-Dcassandra.ring_delay_ms=1000',
    '-Dcassandra.skip_wait_for_gossip_to_settle=0',
    '-cp',
    `${layout.confDir}:${join(layout.libDir, '*')}`,
    'org.apache.cassandra.service.CassandraDaemon',
  ];
}

const JAVA17_MODULE_OPTIONS = [
  ...[
    'java.base/jdk.internal.misc',
    'java.management.rmi/com.sun.jmx.remote.internal.rmi',
    'java.rmi/sun.rmi.registry',
    'java.rmi/sun.rmi.server',
    'java.sql/java.sql',
    'java.base/java.lang.ref',
    'jdk.unsupported/sun.misc',
    'jdk.compiler/com.sun.tools.javac.file',
    'jdk.attach/sun.tools.attach',
  ].flatMap((p) => ['--add-exports', `${p}=ALL-UNNAMED`]),
  ...[
    'java.base/java.lang.module',
    'java.base/jdk.internal.loader',
    'java.base/jdk.internal.ref',
    'java.base/jdk.internal.reflect',
    'java.base/jdk.internal.math',
    'java.base/jdk.internal.module',
    'java.base/jdk.internal.util.jar',
    'jdk.management/com.sun.management.internal',
    'java.base/sun.nio.ch',
    'java.base/java.io',
    'java.base/java.lang.reflect',
    'jdk.compiler/com.sun.tools.javac',
    'java.base/java.lang',
    'java.base/java.util',
  ].flatMap((p) => ['--add-opens', `${p}=ALL-UNNAMED`]),
];
