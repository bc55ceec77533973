/**
 * Runs EventBridge schedule rules on the runtime's clock (real or simulated): one loop
 * that waits for the earliest next firing of any rule, fires every rule that is due in
 * time order, and repeats. With a fast simulated clock several firings can fall due
 * in one wake-up; each still fires once, in order.
 *
 * On start it can catch up: each enabled rule's most recent firing within a window
 * (default 24 h) is fired once, oldest first, so a runtime started in the middle of a
 * session ends up in the state the schedule would have left it in.
 */

import type { Clock } from '../runtime/clock.ts';
import { parseSchedule, type Schedule } from './aws-cron.ts';

export type ScheduledRule = {
  readonly name: string;
  readonly expression: string;
  readonly enabled: boolean;
  /** Invoked with the rule's target input; a rejection is reported, not fatal. */
  readonly fire: (scheduledAtMs: number) => Promise<void>;
};

export type Firing = {
  readonly rule: string;
  readonly at: number;
  readonly ok: boolean;
  readonly error?: string;
};

export type SchedulerOptions = {
  readonly rules: readonly ScheduledRule[];
  readonly clock: Clock;
  readonly onFiring?: (firing: Firing) => void;
  /** Longest single timer; the loop re-reads the clock at least this often. @default 30000 */
  readonly maxSleepMs?: number;
};

export class RuleScheduler {
  readonly firings: Firing[] = [];
  private readonly schedules: { rule: ScheduledRule; schedule: Schedule; next?: number }[];
  private timer?: NodeJS.Timeout;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;

  constructor(private readonly options: SchedulerOptions) {
    const anchor = options.clock.now();
    this.schedules = options.rules
      .filter((rule) => rule.enabled)
      .map((rule) => ({ rule, schedule: parseSchedule(rule.expression, anchor) }));
  }

  /** Fires each rule's latest firing within `windowMs` before now, oldest first. */
  async catchUp(windowMs = 24 * 60 * 60 * 1000): Promise<Firing[]> {
    const now = this.options.clock.now();
    const due = this.schedules
      .map(({ rule, schedule }) => ({ rule, at: schedule.previous(now, now - windowMs) }))
      .filter((d): d is { rule: ScheduledRule; at: number } => d.at !== undefined)
      .sort((a, b) => a.at - b.at);
    const fired: Firing[] = [];
    for (const { rule, at } of due) fired.push(await this.fire(rule, at));
    return fired;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const now = this.options.clock.now();
    for (const s of this.schedules) s.next = s.schedule.next(now);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
  }

  /** The next firing of each enabled rule. */
  upcoming(): { rule: string; at: number }[] {
    return this.schedules
      .filter((s) => s.next !== undefined)
      .map((s) => ({ rule: s.rule.name, at: s.next! }))
      .sort((a, b) => a.at - b.at);
  }

  private async run(): Promise<void> {
    const { clock } = this.options;
    while (this.running) {
      const earliest = Math.min(...this.schedules.map((s) => s.next ?? Number.POSITIVE_INFINITY));
      if (!Number.isFinite(earliest)) return;
      const delay = clock.realDelayUntil(earliest);
      if (delay > 0) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, Math.min(delay, this.options.maxSleepMs ?? 30_000));
        });
        continue;
      }
      const due = this.schedules.filter((s) => s.next !== undefined && s.next <= clock.now());
      due.sort((a, b) => a.next! - b.next!);
      for (const s of due) {
        if (!this.running) return;
        const at = s.next!;
        s.next = s.schedule.next(at);
        await this.fire(s.rule, at);
      }
    }
  }

  private async fire(rule: ScheduledRule, at: number): Promise<Firing> {
    let firing: Firing;
    try {
      await rule.fire(at);
      firing = { rule: rule.name, at, ok: true };
    } catch (error) {
      firing = { rule: rule.name, at, ok: false, error: (error as Error).message };
    }
    this.firings.push(firing);
    this.options.onFiring?.(firing);
    return firing;
  }
}
