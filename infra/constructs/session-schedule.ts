/**
 * The trading-hours schedule: EventBridge cron rules (UTC, weekdays by name) that invoke
 * the session-control function, which consults the holiday calendar, writes the control
 * item the ingest task obeys and, when the ingest runs on Fargate, sets the service's
 * desired count.
 *
 * HOSE/HNX/UPCoM trade 09:00–11:30 and 13:00–15:00 ICT (UTC+7, no daylight saving), so
 * the rules below are fixed UTC times all year, derived from `SESSION_SCHEDULE` (core/).
 * The check is level-triggered (core/session-reconcile.ts): it writes what the calendar
 * implies unless an operator override holds, so a deploy mid-session starts ingestion
 * at the next check, not at the next start rule.
 *
 * @example
 * new SessionSchedule(this, 'Schedule', { controlTable, ingestService: { clusterName, service } });
 */
import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IBaseService } from 'aws-cdk-lib/aws-ecs';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ControlAction, IngestSession } from '../../core/control.ts';
import { hm, ICT_OFFSET_MS } from '../../core/market/ict-time.ts';
import { SESSION_SCHEDULE } from '../../core/session-reconcile.ts';
import { ENV } from '../../core/settings.ts';
import { FUNCTION_ENTRIES } from '../paths.ts';
import { PipelineFunction } from './pipeline-function.ts';

/** One schedule rule: what it sends and when it fires (UTC, Monday to Friday). */
export type SessionRule = {
  readonly id: string;
  readonly action: ControlAction;
  readonly session?: IngestSession;
  /** Cron minute and hour fields, UTC. */
  readonly minute: string;
  readonly hour: string;
  readonly why: string;
};

/** The cron minute and hour (UTC) of an ICT time of {@link SESSION_SCHEDULE}: ICT is UTC+7 all year. */
function utcCron(ict: string): { minute: string; hour: string } {
  const utc = (hm(ict) - ICT_OFFSET_MS / 60_000 + 24 * 60) % (24 * 60);
  return { minute: String(utc % 60), hour: String(Math.floor(utc / 60)) };
}

const { morning, afternoon } = SESSION_SCHEDULE;

export const SESSION_RULES: readonly SessionRule[] = [
  {
    id: 'MorningStart',
    action: 'start',
    session: 'morning',
    ...utcCron(morning.start),
    why: `${morning.start} ICT: 5 min before the 09:00 open (ATO), time to start a task and connect`,
  },
  {
    id: 'MorningStop',
    action: 'stop',
    session: 'morning',
    ...utcCron(morning.stop),
    why: `${morning.stop} ICT: 5 min after the 11:30 lunch break, late frames included`,
  },
  {
    id: 'AfternoonStart',
    action: 'start',
    session: 'afternoon',
    ...utcCron(afternoon.start),
    why: `${afternoon.start} ICT: 5 min before the 13:00 reopening`,
  },
  {
    id: 'AfternoonStop',
    action: 'stop',
    session: 'afternoon',
    ...utcCron(afternoon.stop),
    why: `${afternoon.stop} ICT: 5 min after put-through ends at 15:00`,
  },
  {
    id: 'SessionCheck',
    action: 'check',
    minute: '0/5',
    hour: '2-8',
    why:
      'every 5 min 09:00–15:55 ICT: enforce the state the calendar implies (level-triggered: a deploy, ' +
      'a restart or a missed rule heals here), publish SessionOpen, re-apply the desired count',
  },
];

/** Cron day-of-week field: names, not numbers (EventBridge counts SUN=1, cron counts SUN=0). */
export const TRADING_WEEKDAYS = 'MON-FRI';

/** The EventBridge expression a rule synthesizes to. */
export function cronExpression(rule: SessionRule): string {
  return Schedule.cron({ minute: rule.minute, hour: rule.hour, weekDay: TRADING_WEEKDAYS }).expressionString;
}

export type SessionScheduleProps = {
  readonly controlTable: Table;
  /** The Fargate ingest service whose desired count the schedule sets; absent for an external host. */
  readonly ingestService?: { readonly clusterName: string; readonly service: IBaseService };
  /** The handler module. @default FUNCTION_ENTRIES.sessionControl */
  readonly entry?: string;
};

export class SessionSchedule extends Construct {
  public readonly fn: PipelineFunction;
  public readonly rules: readonly Rule[];

  constructor(scope: Construct, id: string, props: SessionScheduleProps) {
    super(scope, id);
    const ecs = props.ingestService;
    this.fn = new PipelineFunction(this, 'Function', {
      entry: props.entry ?? FUNCTION_ENTRIES.sessionControl,
      description: 'Starts and stops ingestion on the trading calendar',
      timeout: Duration.seconds(20),
      environment: {
        [ENV.CONTROL_TABLE]: props.controlTable.tableName,
        ...(ecs ? { [ENV.ECS_CLUSTER]: ecs.clusterName, [ENV.ECS_SERVICE]: ecs.service.serviceName } : {}),
      },
    });
    props.controlTable.grant(this.fn, 'dynamodb:GetItem', 'dynamodb:PutItem');
    if (ecs) {
      // Only the desired count of this one service; the service ARN names its cluster.
      this.fn.addToRolePolicy(
        new PolicyStatement({ actions: ['ecs:UpdateService'], resources: [ecs.service.serviceArn] }),
      );
    }
    this.rules = SESSION_RULES.map(
      (rule) =>
        new Rule(this, rule.id, {
          description: rule.why,
          schedule: Schedule.cron({ minute: rule.minute, hour: rule.hour, weekDay: TRADING_WEEKDAYS }),
          targets: [
            new LambdaFunction(this.fn, {
              event: RuleTargetInput.fromObject(
                rule.session ? { action: rule.action, session: rule.session } : { action: rule.action },
              ),
              // A start or stop older than 10 min is superseded by the next check.
              maxEventAge: Duration.minutes(10),
              retryAttempts: 3,
            }),
          ],
        }),
    );
  }
}
