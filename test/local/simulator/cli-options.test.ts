import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSimulateArgs } from '../../../local/simulator/cli-options.ts';
import { SimulatorOptionError } from '../../../local/simulator/options.ts';

describe('parseSimulateArgs', () => {
  it('reads every flag', () => {
    const options = parseSimulateArgs([
      '--port',
      '9000',
      '--symbols',
      'VCB,fpt',
      '--rate',
      'max',
      '--seed',
      's',
      '--v1',
    ]);
    assert.equal(options.port, 9000);
    assert.deepEqual(options.symbols, ['VCB', 'FPT']);
    assert.equal(options.rate, Number.POSITIVE_INFINITY);
    assert.equal(options.seed, 's');
    assert.equal(options.generation, 'v1');
    const replay = parseSimulateArgs(['--replay', 'x.jsonl', '--speed', '10', '--loop']);
    assert.deepEqual([replay.replay, replay.speed, replay.loop], ['x.jsonl', 10, true]);
    assert.equal(parseSimulateArgs(['--symbols', '50']).symbols, 50);
    assert.equal(parseSimulateArgs([]).port, 8080);
  });

  it('starts a clock at --clock or CLOCK_START', () => {
    const clock = parseSimulateArgs([], { CLOCK_START: '2026-04-14T02:00:00Z' }).clock;
    assert.ok(clock);
    assert.ok(Math.abs(clock() - Date.parse('2026-04-14T02:00:00Z')) < 1000);
    assert.equal(parseSimulateArgs(['--clock', 'now']).clock, Date.now);
  });

  it("runs the runtime's clock from CLOCK_ORIGIN at CLOCK_SPEED", () => {
    const start = Date.parse('2026-04-14T01:59:00Z');
    const clock = parseSimulateArgs([], {
      CLOCK_START: String(start),
      CLOCK_ORIGIN: String(Date.now() - 1_000),
      CLOCK_SPEED: '60',
    }).clock;
    assert.ok(clock);
    // One real second (and a little) after the origin at 60x is a minute (and a little) later,
    // as the ingest task and the Lambdas see it.
    const now = clock();
    assert.ok(now >= start + 60_000 && now < start + 120_000, `got ${new Date(now).toISOString()}`);
  });

  it('names a clock variable with a wrong value', () => {
    assert.throws(
      () => parseSimulateArgs([], { CLOCK_START: '1', CLOCK_SPEED: 'fast' }),
      (error: Error & { option?: string }) => error.option === 'CLOCK_SPEED',
    );
  });

  it('turns faults and the User-Agent switch into fault knobs', () => {
    const options = parseSimulateArgs(['--faults', '{"malformedRate":0.1}', '--allow-any-user-agent']);
    assert.deepEqual(options.faults, { malformedRate: 0.1, rejectLibraryUserAgents: false });
  });

  it('rejects bad flags with a message naming the flag', () => {
    const cases: [string[], RegExp][] = [
      [['--rate', '0'], /--rate/],
      [['--rate=-5'], /--rate/],
      [['--port', 'http'], /--port/],
      [['--speed', '2'], /--speed: only applies with --replay/],
      [['--replay', 'f', '--rate', '5'], /--rate: does not apply/],
      [['--symbols', 'FTP'], /--symbols: unknown symbol "FTP" \(did you mean FPT/],
      [['--clock', 'yesterday'], /--clock/],
      [['--faults', '[1]'], /--faults/],
      [['--bogus'], /bogus/],
    ];
    for (const [args, message] of cases) {
      assert.throws(
        () => parseSimulateArgs(args),
        (e: unknown) => e instanceof SimulatorOptionError && message.test(e.message),
        args.join(' '),
      );
    }
  });
});
