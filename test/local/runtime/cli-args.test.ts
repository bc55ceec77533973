import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseStartArgs, UsageError } from '../../../local/runtime/cli-args.ts';

describe('parseStartArgs', () => {
  it('defaults to the live feed, .local-data, ports 4566 and 3000', () => {
    assert.deepEqual(parseStartArgs([]), {
      help: false,
      source: { kind: 'live' },
      dataDir: '.local-data',
      endpointPort: 4566,
      dashboardPort: 3000,
      clockSpeed: 1,
      verbose: false,
      sink: 'dynamodb',
    });
  });

  it('reads where the transform writes: dynamodb, both or keyspaces', () => {
    assert.equal(parseStartArgs(['--sink', 'both']).sink, 'both');
    assert.equal(parseStartArgs(['--sink', 'keyspaces']).sink, 'keyspaces');
  });

  it('reads a simulation with a symbol count or list', () => {
    assert.deepEqual(
      parseStartArgs(['--simulate', '--symbols', '50', '--rate', '2000', '--seed', '7']).source,
      {
        kind: 'simulate',
        symbols: 50,
        rate: 2000,
        seed: '7',
      },
    );
    assert.deepEqual(parseStartArgs(['--simulate', '--symbols', 'fpt,VCB']).source, {
      kind: 'simulate',
      symbols: ['FPT', 'VCB'],
      rate: 1000,
      seed: '1',
    });
  });

  it('reads a replay, a URL source and a clock', () => {
    const file = new URL(import.meta.url).pathname;
    assert.deepEqual(parseStartArgs(['--replay', file, '--speed', '10']).source, {
      kind: 'replay',
      file,
      speed: 10,
    });
    assert.deepEqual(parseStartArgs(['--iboard-url', 'ws://localhost:8080/realtime']).source, {
      kind: 'url',
      url: 'ws://localhost:8080/realtime',
    });
    const args = parseStartArgs(['--clock-start', '2026-04-14T08:58:00+07:00', '--clock-speed', '60']);
    assert.equal(args.clockStart, Date.parse('2026-04-14T01:58:00Z'));
    assert.equal(args.clockSpeed, 60);
  });

  it("reads a batching window for this run, and leaves the stack's when none is given", () => {
    assert.equal(parseStartArgs(['--batch-window', '1']).batchWindowSeconds, 1);
    assert.equal(parseStartArgs(['--batch-window', '300']).batchWindowSeconds, 300);
    assert.equal('batchWindowSeconds' in parseStartArgs([]), false);
  });

  const bad: [string[], RegExp][] = [
    [['--bogus'], /Unknown option '--bogus'/],
    [['extra'], /Unexpected argument 'extra'/],
    [['--rate', '10'], /--rate needs --simulate/],
    [['--symbols', '10'], /--symbols needs --simulate/],
    [['--seed', '1'], /--seed needs --simulate/],
    [['--speed', '2'], /--speed needs --replay/],
    [
      ['--simulate', '--rate', 'fast'],
      /--rate must be a number greater than 0 and at most 100000, got "fast"/,
    ],
    [['--simulate', '--rate', '0'], /--rate must be a number greater than 0/],
    [['--simulate', '--rate', '1e9'], /at most 100000/],
    [['--simulate', '--symbols', '0'], /--symbols must be at least 1/],
    [['--simulate', '--symbols', 'F@T'], /--symbols takes a count or a comma list of symbols, got "F@T"/],
    [['--simulate', '--replay', 'x.jsonl'], /--simulate and --replay cannot be used together/],
    [['--simulate', '--iboard-url', 'ws://x'], /cannot be used together/],
    [['--replay', '/no/such/file.jsonl'], /--replay \/no\/such\/file\.jsonl: no such file/],
    [['--replay', new URL(import.meta.url).pathname, '--speed', 'x'], /--speed must be a number/],
    [['--endpoint-port', '70000'], /--endpoint-port must be a port number 0-65535, got "70000"/],
    [['--endpoint-port', '-1'], /argument is ambiguous|must be a port number/],
    [['--dashboard-port', 'abc'], /--dashboard-port must be a port number/],
    [['--clock-start', 'yesterday'], /--clock-start must be an ISO time/],
    [['--clock-speed=-1'], /--clock-speed must be a number greater than 0/],
    [['--iboard-url', 'http://x'], /--iboard-url must be a ws:\/\/ or wss:\/\/ URL/],
    [['--data-dir'], /argument missing/],
    [['--data-dir', ' '], /--data-dir must not be empty/],
    [['--batch-window', '301'], /--batch-window must be a whole number of seconds 1-300, got "301"/],
    [['--batch-window', '1.5'], /--batch-window must be a whole number of seconds/],
    [['--batch-window', '0'], /--batch-window must be a whole number of seconds 1-300, got "0"/],
    [['--sink', 'cassandra'], /--sink must be one of dynamodb, keyspaces, both, got "cassandra"/],
  ];
  for (const [args, message] of bad) {
    it(`rejects ${args.join(' ')}`, () => {
      assert.throws(
        () => parseStartArgs(args),
        (error: unknown) => {
          assert.ok(error instanceof UsageError);
          assert.equal(error.code, 'BAD_FLAG');
          assert.match(error.message, message);
          assert.doesNotMatch(error.message, /\n/);
          return true;
        },
      );
    });
  }
});
