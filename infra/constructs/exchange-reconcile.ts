/**
 * Reconciliation against the exchange, after the afternoon close: an EventBridge cron
 * rule (wired like the session schedule) invokes the `reconcile` function, which compares
 * each subscribed symbol's stored day with iboard's REST snapshot, writes one summary item
 * per trading day to the control table (`reconcile#YYYY-MM-DD`) and publishes
 * `ReconcileMismatches`; an alarm fires when any symbol disagrees.
 *
 * Least privilege: `dynamodb:Query` on the trades table; `dynamodb:PutItem` on the control
 * table only for keys starting `reconcile#` (`dynamodb:LeadingKeys`), so it can never
 * change the `ingest` control item.
 *
 * @example
 * new ExchangeReconcile(this, 'Reconcile', { tradesTable, controlTable, symbols: 'ALL' });
 */
import { Duration } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { METRICS } from '../../core/metric-names.ts';
import { ENV } from '../../core/settings.ts';
import { SUMMARY_KEY_PREFIX } from '../../functions/reconcile/summary-store.ts';
import { FUNCTION_ENTRIES } from '../paths.ts';
import { pipelineMetric } from './operations-dashboard.ts';
import { PipelineFunction } from './pipeline-function.ts';
import { type SessionRule, TRADING_WEEKDAYS } from './session-schedule.ts';

/**
 * 15:30 ICT (08:30 UTC), Monday to Friday: 30 min after put-through ends at 15:00 and 25 min
 * after the schedule stops ingestion (15:05), so the transform has written the day's last
 * batches (its batching window is 20 s) and the snapshot shows the final totals.
 */
export const RECONCILE_RULE: Pick<SessionRule, 'id' | 'minute' | 'hour' | 'why'> = {
  id: 'AfterClose',
  minute: '30',
  hour: '8',
  why: '15:30 ICT: 30 min after put-through ends, the day is stored; compare it with the exchange',
};

export type ExchangeReconcileProps = {
  readonly tradesTable: Table;
  readonly controlTable: Table;
  /** The ingest task's SYMBOLS spec: which symbols should have been stored. @default 'ALL' */
  readonly symbols?: string;
  /** Where the alarm notifies. @default no action (state only) */
  readonly alarmAction?: IAlarmAction;
  /** The handler module. @default FUNCTION_ENTRIES.reconcile */
  readonly entry?: string;
};

export class ExchangeReconcile extends Construct {
  public readonly fn: PipelineFunction;
  public readonly rule: Rule;
  public readonly mismatchAlarm: Alarm;

  constructor(scope: Construct, id: string, props: ExchangeReconcileProps) {
    super(scope, id);
    this.fn = new PipelineFunction(this, 'Function', {
      entry: props.entry ?? FUNCTION_ENTRIES.reconcile,
      description: "Compares each symbol's stored day with the exchange's total after the close",
      // ~1,600 partition queries (16 at a time) and three snapshot requests of ~1 s with retries.
      timeout: Duration.minutes(5),
      environment: {
        [ENV.TRADES_TABLE]: props.tradesTable.tableName,
        [ENV.CONTROL_TABLE]: props.controlTable.tableName,
        [ENV.SYMBOLS]: props.symbols ?? 'ALL',
      },
    });
    props.tradesTable.grant(this.fn, 'dynamodb:Query');
    this.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem'],
        resources: [props.controlTable.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${SUMMARY_KEY_PREFIX}*`] } },
      }),
    );
    this.rule = new Rule(this, RECONCILE_RULE.id, {
      description: RECONCILE_RULE.why,
      schedule: Schedule.cron({
        minute: RECONCILE_RULE.minute,
        hour: RECONCILE_RULE.hour,
        weekDay: TRADING_WEEKDAYS,
      }),
      targets: [
        new LambdaFunction(this.fn, {
          // Names itself among the schedule's events; the function checks today (ICT).
          event: RuleTargetInput.fromObject({ action: 'reconcile' }),
          // A late run still reads the day's final totals until the next morning's open.
          maxEventAge: Duration.hours(2),
          retryAttempts: 2,
        }),
      ],
    });
    this.mismatchAlarm = new Alarm(this, 'MismatchAlarm', {
      alarmDescription: "A symbol's stored day differs from the exchange's total (see the reconcile# item)",
      // One data point per trading day: a day-long period keeps the alarm up until the next run.
      metric: pipelineMetric(METRICS.reconcileMismatches, 'Maximum', Duration.days(1)),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmAction) this.mismatchAlarm.addAlarmAction(props.alarmAction);
  }
}
