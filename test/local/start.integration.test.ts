import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const START = fileURLToPath(new URL('../../local/start.ts', import.meta.url));
const RESET = fileURLToPath(new URL('../../local/reset.ts', import.meta.url));

/** Runs `npm start -- ARGS` (the same entry) and returns its exit code and output. */
function start(
  args: string[],
  entry = START,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', entry, ...args],
      { timeout: 60_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
      },
    );
  });
}

describe('npm start: flags and ports', () => {
  let dir: string;
  let taken: Server;
  let takenPort: number;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'start-'));
    taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    takenPort = (taken.address() as { port: number }).port;
  });
  after(() => {
    taken.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Every flag check is unit-tested in cli-args.test.ts; these prove the process's contract.
  const badFlags: [string[], RegExp][] = [
    [['--bogus'], /Unknown option '--bogus'/],
    [['--simulate', '--rate', 'fast'], /--rate must be a number greater than 0.*"fast"/],
    [['--replay', '/no/such/file.jsonl'], /--replay \/no\/such\/file\.jsonl: no such file/],
    [['--simulate', '--clock-speed', '-1'], /--clock-speed' argument is ambiguous/],
  ];

  for (const [args, message] of badFlags) {
    it(`rejects ${args.join(' ')} with one line and exit 2`, async () => {
      const r = await start(args);
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /^npm start: .*--help/);
    });
  }

  it('prints the usage with --help and exits 0', async () => {
    const r = await start(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /--simulate/);
    assert.match(r.stdout, /--endpoint-port/);
  });

  it('names the endpoint port and its flag when the port is taken', async () => {
    const r = await start([
      '--simulate',
      '--data-dir',
      dir,
      '--endpoint-port',
      String(takenPort),
      '--dashboard-port',
      '0',
    ]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`port ${takenPort} \\(the AWS endpoint\\) is already in use.*--endpoint-port`),
    );
  });

  it('names the dashboard port and its flag when the port is taken', async () => {
    const r = await start([
      '--simulate',
      '--data-dir',
      dir,
      '--endpoint-port',
      '0',
      '--dashboard-port',
      String(takenPort),
    ]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`port ${takenPort} \\(the dashboard\\) is already in use.*--dashboard-port`),
    );
  });

  it('refuses a data dir another runtime holds', async () => {
    const held = join(dir, 'held');
    rmSync(held, { recursive: true, force: true });
    mkdirSync(held, { recursive: true });
    // This test process stands in for the other runtime.
    writeFileSync(join(held, 'runtime.pid'), `${process.pid}\n`);
    const r = await start([
      '--simulate',
      '--data-dir',
      held,
      '--endpoint-port',
      '0',
      '--dashboard-port',
      '0',
    ]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      new RegExp(`data dir .*held is in use by another runtime \\(pid ${process.pid}\\).*--data-dir`),
    );
  });

  it('npm run reset deletes the data dir, but not while a runtime holds it', async () => {
    const data = join(dir, 'reset-me');
    mkdirSync(join(data, 'kinesis'), { recursive: true });
    writeFileSync(join(data, 'runtime.pid'), `${process.pid}\n`);
    const refused = await start(['--data-dir', data], RESET);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /in use by another runtime/);
    assert.ok(existsSync(join(data, 'kinesis')));
    rmSync(join(data, 'runtime.pid'));
    const done = await start(['--data-dir', data], RESET);
    assert.equal(done.code, 0);
    assert.equal(existsSync(data), false);
  });
});
