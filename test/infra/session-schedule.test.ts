import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cron } from 'croner';
import { INGEST_WINDOWS, inIngestWindow } from '../../core/control.ts';
import { isMarketTradingAt, phaseAt } from '../../core/market/calendar.ts';
import { hm, ictMinuteOfDay } from '../../core/market/ict-time.ts';
import { resourcesOf, synthPipeline } from '../support/synth.ts';

const { template } = synthPipeline({ ingestHost: 'external' });

type RuleTarget = {
  Input: string;
  RetryPolicy?: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number };
};
type ScheduledRule = { expression: string; input: { action: string; session?: string } };

/** The session schedule's rules (the stack's other rule, reconcile, has tests of its own). */
const sessionRules = Object.values(resourcesOf(template, 'AWS::Events::Rule')).filter((rule) =>
  /^ScheduleFunction/.test(
    (rule.Properties.Targets as { Arn: { 'Fn::GetAtt': string[] } }[])[0].Arn['Fn::GetAtt'][0],
  ),
);

const rules: ScheduledRule[] = sessionRules.map((rule) => {
  const targets = rule.Properties.Targets as RuleTarget[];
  assert.equal(targets.length, 1);
  return { expression: String(rule.Properties.ScheduleExpression), input: JSON.parse(targets[0].Input) };
});

const ruleFor = (action: string, session?: string): ScheduledRule => {
  const rule = rules.find((r) => r.input.action === action && r.input.session === session);
  assert.ok(rule, `a ${action} rule for ${session ?? 'any session'}`);
  return rule;
};

/** Firing instants of an EventBridge cron expression in [from, to), evaluated in UTC. */
function firings(expression: string, from: number, to: number): number[] {
  const fields = /^cron\((.+)\)$/.exec(expression)?.[1].split(' ');
  assert.ok(fields && fields.length === 6, expression);
  const [minute, hour, dayOfMonth, month, dayOfWeek, year] = fields.map((f) => (f === '?' ? '*' : f));
  // croner's 7-part mode (seconds first, year last) with Quartz weekday numbering, as AWS.
  const cron = new Cron(`0 ${minute} ${hour} ${dayOfMonth} ${month} ${dayOfWeek} ${year}`, {
    timezone: 'UTC',
    mode: '7-part',
    alternativeWeekdays: true,
    sloppyRanges: true, // AWS writes steps as start/step (0/5)
  });
  const out: number[] = [];
  for (let next = cron.nextRun(new Date(from - 1)); next && next.getTime() < to; next = cron.nextRun(next)) {
    out.push(next.getTime());
  }
  return out;
}

/** Monday 2026-04-13 00:00 ICT to Monday 2026-04-20 00:00 ICT: one ordinary trading week. */
const WEEK_START = Date.parse('2026-04-12T17:00:00Z');
const WEEK_END = Date.parse('2026-04-19T17:00:00Z');
const ict = (t: number) => new Date(t + 7 * 3600_000).toISOString().slice(11, 16);

describe('session schedule rules', () => {
  it('are UTC crons on weekdays by name, with the start/stop inputs', () => {
    assert.deepEqual(rules.map((r) => r.expression).sort(), [
      'cron(0/5 2-8 ? * MON-FRI *)',
      'cron(35 4 ? * MON-FRI *)',
      'cron(5 8 ? * MON-FRI *)',
      'cron(55 1 ? * MON-FRI *)',
      'cron(55 5 ? * MON-FRI *)',
    ]);
    assert.equal(ruleFor('start', 'morning').expression, 'cron(55 1 ? * MON-FRI *)');
    assert.equal(ruleFor('stop', 'morning').expression, 'cron(35 4 ? * MON-FRI *)');
    assert.equal(ruleFor('start', 'afternoon').expression, 'cron(55 5 ? * MON-FRI *)');
    assert.equal(ruleFor('stop', 'afternoon').expression, 'cron(5 8 ? * MON-FRI *)');
  });

  it('target session-control with retries and a maximum event age', () => {
    assert.equal(sessionRules.length, 5);
    for (const rule of sessionRules) {
      const [target] = rule.Properties.Targets as (RuleTarget & { Arn: { 'Fn::GetAtt': string[] } })[];
      assert.match(target.Arn['Fn::GetAtt'][0], /^ScheduleFunction/);
      assert.deepEqual(target.RetryPolicy, { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 });
    }
  });

  it('fire once per trading weekday and never on Saturday or Sunday', () => {
    for (const rule of rules.filter((r) => r.input.action !== 'check')) {
      const times = firings(rule.expression, WEEK_START, WEEK_END);
      assert.equal(times.length, 5, rule.expression);
      const weekdays = times.map((t) => new Date(t + 7 * 3600_000).getUTCDay());
      assert.deepEqual(weekdays, [1, 2, 3, 4, 5], `${rule.expression} in ICT days`);
    }
  });

  it('start each session 5 minutes before it opens, inside its ingest window', () => {
    for (const [session, opens] of [
      ['morning', '09:00'],
      ['afternoon', '13:00'],
    ] as const) {
      for (const t of firings(ruleFor('start', session).expression, WEEK_START, WEEK_END)) {
        assert.equal(hm(opens) - ictMinuteOfDay(t), 5, `${session} start at ${ict(t)} ICT`);
        assert.equal(isMarketTradingAt(t), false, 'before the open');
        assert.equal(isMarketTradingAt(t + 5 * 60_000), true, 'the session opens 5 min later');
        assert.equal(inIngestWindow(t), true, `${ict(t)} inside ${INGEST_WINDOWS[session].from}`);
      }
    }
  });

  it('stop each session 5 minutes after it closes, still inside its ingest window', () => {
    for (const [session, closes] of [
      ['morning', '11:30'],
      ['afternoon', '15:00'],
    ] as const) {
      for (const t of firings(ruleFor('stop', session).expression, WEEK_START, WEEK_END)) {
        assert.equal(ictMinuteOfDay(t) - hm(closes), 5, `${session} stop at ${ict(t)} ICT`);
        assert.equal(isMarketTradingAt(t - 5 * 60_000 - 1), true, 'trading until the close');
        assert.equal(isMarketTradingAt(t), false, 'closed when the stop fires');
        assert.equal(phaseAt(t, 'hose'), session === 'morning' ? 'lunch' : 'closed');
        assert.equal(inIngestWindow(t), true, `${ict(t)} before ${INGEST_WINDOWS[session].to}`);
      }
    }
  });

  it('check at least every 5 minutes through every trading minute of the week', () => {
    const checks = firings(ruleFor('check').expression, WEEK_START, WEEK_END);
    for (let t = WEEK_START; t < WEEK_END; t += 60_000) {
      if (!isMarketTradingAt(t)) continue;
      const last = checks.findLast((c) => c <= t);
      assert.ok(last !== undefined && t - last < 5 * 60_000, `a check in the 5 minutes before ${ict(t)} ICT`);
    }
  });
});
