import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  CASSANDRA_VERSION,
  cassandraLayout,
  cassandraYaml,
  defaultCacheDir,
  fetchPom,
  javaArgs,
} from '../../scripts/cassandra/config.ts';

const SCRIPT = fileURLToPath(new URL('../../scripts/cassandra.ts', import.meta.url));

describe('npm run cassandra: configuration', () => {
  const layout = cassandraLayout({ dataDir: '/d/cassandra', cacheDir: '/c' });

  it('keeps the jars in the cache by version and everything else under the data directory', () => {
    assert.equal(layout.libDir, `/c/${CASSANDRA_VERSION}/lib`);
    assert.equal(layout.yaml, '/d/cassandra/conf/cassandra.yaml');
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x' }), '/x/vn-stock-stream/cassandra');
    assert.match(
      fetchPom(),
      new RegExp(`<artifactId>cassandra-all</artifactId>\\s*<version>${CASSANDRA_VERSION}</version>`),
    );
  });

  it('writes a single node on loopback only, without authentication, on the given ports', () => {
    const yaml = cassandraYaml(layout, { port: 19042, storagePort: 17000 });
    for (const line of [
      'listen_address: 127.0.0.1',
      'rpc_address: 127.0.0.1',
      'native_transport_port: 19042',
      'storage_port: 17000',
      'seeds: "127.0.0.1:17000"',
      'authenticator: AllowAllAuthenticator',
      'endpoint_snitch: SimpleSnitch',
      'commitlog_directory: "/d/cassandra/commitlog"',
    ])
      assert.ok(yaml.includes(line), line);
  });

  it('caps the heap at 1 GB and points the JVM at the generated files', () => {
    const args = javaArgs(layout);
    assert.ok(args.includes('-Xmx1G'));
    assert.ok(args.includes('-Dcassandra.config=file:///d/cassandra/conf/cassandra.yaml'));
    assert.equal(args.at(-1), 'org.apache.cassandra.service.CassandraDaemon');
    assert.ok(args.includes('java.base/java.lang=ALL-UNNAMED'), 'the Java 17 module opens');
  });
});

describe('npm run cassandra: missing tools', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cassandra-launcher-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `start` with only the named tools on PATH and an empty cache (so it must fetch). */
  function startWith(tools: string[]) {
    const bin = join(dir, `bin-${tools.join('-')}`);
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    for (const tool of tools) symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
    return spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        SCRIPT,
        'start',
        '--cache-dir',
        join(dir, 'cache'),
        '--data-dir',
        join(dir, 'data'),
        '--port',
        '1',
      ],
      { encoding: 'utf8', env: { ...process.env, PATH: bin } },
    );
  }

  it('names the package to install when java is missing, and the Docker alternative', () => {
    const run = startWith([]);
    assert.equal(run.status, 1, run.stderr);
    assert.match(
      run.stderr,
      /JAVA_MISSING: java not found: install a Java 17 runtime \(Debian: apt-get install openjdk-17-jre-headless\)/,
    );
    assert.match(run.stderr, /docker run -p 9042:9042 cassandra:5/);
  });

  it('names Maven when java is there but mvn is not', {
    skip: spawnSync('java', ['-version']).status !== 0,
  }, () => {
    const run = startWith(['java']);
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /MAVEN_MISSING: mvn not found: install Maven .*apt-get install maven/);
  });

  it('refuses an unknown command with the usage', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, 'restart'], { encoding: 'utf8' });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /expected one of start, stop, status/);
  });
});
