import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RuleScheduler, type ScheduledRule } from '../../../local/eventbridge/scheduler.ts';
import { simulatedClock } from '../../../local/runtime/clock.ts';

const iso = (ms: number) => new Date(ms).toISOString();

function rule(
  name: string,
  expression: string,
  fired: { name: string; at: string }[],
  enabled = true,
): ScheduledRule {
  return { name, expression, enabled, fire: async (at) => void fired.push({ name, at: iso(at) }) };
}

describe('RuleScheduler', () => {
  it('fires each rule once per firing time, in time order, on a fast simulated clock', async () => {
    const fired: { name: string; at: string }[] = [];
    // Tuesday 2026-04-14 01:20 UTC (08:20 ICT), one real ms = 2 simulated minutes. The
    // origin is 100 real ms ahead (the clock shows 22:00 Monday until then, when no rule
    // fires), so a slow start of the scheduler on a loaded machine cannot miss 01:55.
    const clock = simulatedClock(Date.parse('2026-04-14T01:20:00Z'), 120_000, { origin: Date.now() + 100 });
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
    while (clock.now() < Date.parse('2026-04-17T12:00:00Z')) await new Promise((r) => setTimeout(r, 5));
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
    // Friday 2026-04-17 05:00 UTC to Monday 2026-04-20 12:00 UTC, one real ms = 6
    // simulated minutes: ~100 real ms of margin after Monday's firing for a loaded machine.
    const clock = simulatedClock(Date.parse('2026-04-17T05:00:00Z'), 360_000);
    const scheduler = new RuleScheduler({
      clock,
      rules: [rule('start', 'cron(55 1 ? * MON-FRI *)', fired)],
      maxSleepMs: 5,
    });
    scheduler.start();
    while (clock.now() < Date.parse('2026-04-20T12:00:00Z')) await new Promise((r) => setTimeout(r, 5));
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
    while (scheduler.firings.length < 3) await new Promise((r) => setTimeout(r, 5));
    await scheduler.stop();
    assert.ok(scheduler.firings.every((f) => !f.ok && f.error === 'table missing'));
  });
});
