import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { RuleScheduler, type ScheduledRule } from '../../../local/eventbridge/scheduler.ts';
import { type Clock, simulatedClock } from '../../../local/runtime/clock.ts';

const iso = (ms: number) => new Date(ms).toISOString();

function rule(
  name: string,
  expression: string,
  fired: { name: string; at: string }[],
  enabled = true,
): ScheduledRule {
  return { name, expression, enabled, fire: async (at) => void fired.push({ name, at: iso(at) }) };
}

/**
 * Moves node:test's mock clock (real time for the scheduler's timers and for the simulated
 * clock's `Date.now`) on in `stepMs` steps until the simulated clock shows `untilMs`,
 * letting the scheduler's promises settle after each step: no sleeping, no dependence on load.
 */
async function runUntil(clock: Clock, untilMs: number, stepMs = 5): Promise<void> {
  while (clock.now() < untilMs) {
    mock.timers.tick(stepMs);
    await new Promise((r) => setImmediate(r));
  }
}

describe('RuleScheduler', () => {
  // The simulated clocks below are created after this, so they read the mocked Date.now.
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'setInterval', 'Date'] }));
  afterEach(() => mock.timers.reset());

  it('fires each rule once per firing time, in time order, on a fast simulated clock', async () => {
    const fired: { name: string; at: string }[] = [];
    // Tuesday 2026-04-14 01:20 UTC (08:20 ICT), one (mocked) real ms = 2 simulated minutes.
    const clock = simulatedClock(Date.parse('2026-04-14T01:20:00Z'), 120_000);
    const scheduler = new RuleScheduler({
      clock,
      rules: [
        rule('start', 'cron(55 1 ? * MON-FRI *)', fired),
        rule('stop', 'cron(35 4 ? * MON-FRI *)', fired),
        rule('off', 'cron(0 3 ? * MON-FRI *)', fired, false),
      ],
      maxSleepMs: 5,
    });
    scheduler.start();
    // ~4 simulated days.
    await runUntil(clock, Date.parse('2026-04-17T12:00:00Z'));
    await scheduler.stop();
    const upTo = fired.filter((f) => f.at < '2026-04-17T12:00:00Z');
    assert.deepEqual(upTo, [
      { name: 'start', at: '2026-04-14T01:55:00.000Z' },
      { name: 'stop', at: '2026-04-14T04:35:00.000Z' },
      { name: 'start', at: '2026-04-15T01:55:00.000Z' },
      { name: 'stop', at: '2026-04-15T04:35:00.000Z' },
      { name: 'start', at: '2026-04-16T01:55:00.000Z' },
      { name: 'stop', at: '2026-04-16T04:35:00.000Z' },
      { name: 'start', at: '2026-04-17T01:55:00.000Z' },
      { name: 'stop', at: '2026-04-17T04:35:00.000Z' },
    ]);
  });

  it('skips the weekend', async () => {
    const fired: { name: string; at: string }[] = [];
    // Friday 2026-04-17 05:00 UTC to Monday 2026-04-20 12:00 UTC, one (mocked) real ms = 6
    // simulated minutes.
    const clock = simulatedClock(Date.parse('2026-04-17T05:00:00Z'), 360_000);
    const scheduler = new RuleScheduler({
      clock,
      rules: [rule('start', 'cron(55 1 ? * MON-FRI *)', fired)],
      maxSleepMs: 5,
    });
    scheduler.start();
    await runUntil(clock, Date.parse('2026-04-20T12:00:00Z'));
    await scheduler.stop();
    assert.deepEqual(
      fired.filter((f) => f.at < '2026-04-20T12:00:00Z'),
      [{ name: 'start', at: '2026-04-20T01:55:00.000Z' }],
    );
  });

  it('catches up on start with each rule’s latest firing, oldest first', async () => {
    const fired: { name: string; at: string }[] = [];
    // Tuesday 10:00 ICT: the morning start (08:55) fired today, the afternoon stop yesterday.
    const clock = simulatedClock(Date.parse('2026-04-14T03:00:00Z'), 1);
    const scheduler = new RuleScheduler({
      clock,
      rules: [
        rule('afternoon-stop', 'cron(5 8 ? * MON-FRI *)', fired),
        rule('morning-start', 'cron(55 1 ? * MON-FRI *)', fired),
        rule('morning-stop', 'cron(35 4 ? * MON-FRI *)', fired),
      ],
    });
    const caught = await scheduler.catchUp();
    assert.deepEqual(
      caught.map((f) => [f.rule, iso(f.at)]),
      [
        ['morning-stop', '2026-04-13T04:35:00.000Z'],
        ['afternoon-stop', '2026-04-13T08:05:00.000Z'],
        ['morning-start', '2026-04-14T01:55:00.000Z'],
      ],
    );
    assert.equal(fired.length, 3);
  });

  it('reports a failing target and keeps going', async () => {
    const clock = simulatedClock(Date.parse('2026-04-14T01:54:59Z'), 60_000);
    const scheduler = new RuleScheduler({
      clock,
      rules: [
        {
          name: 'broken',
          expression: 'cron(* * ? * MON-FRI *)',
          enabled: true,
          fire: async () => {
            throw new Error('table missing');
          },
        },
      ],
      maxSleepMs: 5,
    });
    scheduler.start();
    while (scheduler.firings.length < 3) {
      mock.timers.tick(5);
      await new Promise((r) => setImmediate(r));
    }
    await scheduler.stop();
    assert.ok(scheduler.firings.every((f) => !f.ok && f.error === 'table missing'));
  });
});
