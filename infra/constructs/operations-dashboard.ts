/**
 * The operator's CloudWatch dashboard and the four alarms: the transform falling behind
 * (iterator age), batches given up on (DLQ not empty), a session open with no frames
 * coming in, and more than 1% of frames rejected (the feed changed shape). Custom metrics are those of `core/metric-names.ts`.
 *
 * @example
 * new OperationsDashboard(this, 'Ops', { dashboardName: 'vn-stock', stream, transform, deadLetterQueue });
 */
import { Duration } from 'aws-cdk-lib';
import type { IAlarmAction, IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { BaseService } from 'aws-cdk-lib/aws-ecs';
import type { Stream } from 'aws-cdk-lib/aws-kinesis';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { MetricName } from '../../core/metric-names.ts';
import {
  METRIC_EMITTER,
  METRIC_NAMESPACE,
  METRIC_SERVICE_DIMENSION,
  METRICS,
} from '../../core/metric-names.ts';

export type OperationsDashboardProps = {
  readonly dashboardName: string;
  readonly stream: Stream;
  readonly transform: IFunction;
  readonly deadLetterQueue: IQueue;
  /** The Fargate ingest service, when there is one (adds its CPU panel). */
  readonly ingestService?: BaseService;
  /** Where alarms send notifications. @default no action (state only) */
  readonly alarmAction?: IAlarmAction;
};

/** Alarm thresholds, each with its reason. */
export const ALARM_SETTINGS = {
  /**
   * 2 min behind the stream: batching does not explain that (IteratorAge is the age of a
   * batch's newest record, so a 20 s window keeps it low); the transform is failing or too slow.
   */
  iteratorAgeMs: 120_000,
  /** 3 of 5 one-minute periods, so one slow retry does not page anyone. */
  iteratorAgeDatapoints: 3,
  iteratorAgePeriods: 5,
  /** Two 5-minute periods with a session open and no frame: the feed or the task is down. */
  noFramesPeriods: 2,
  /**
   * Rejected frames above 1% of frames over 5 minutes: the parser is lenient (only the
   * fields the derivation needs can reject a frame), so this many means the feed changed.
   */
  rejectRatePercent: 1,
} as const;

/** A custom pipeline metric, with the one `service` dimension its emitter sets. */
export function pipelineMetric(name: MetricName, statistic = 'Sum', period = Duration.minutes(1)): Metric {
  return new Metric({
    namespace: METRIC_NAMESPACE,
    metricName: name,
    dimensionsMap: { [METRIC_SERVICE_DIMENSION]: METRIC_EMITTER[name] },
    statistic,
    period,
  });
}

export class OperationsDashboard extends Construct {
  public readonly dashboard: Dashboard;
  public readonly iteratorAgeAlarm: Alarm;
  public readonly deadLetterAlarm: Alarm;
  public readonly noFramesAlarm: Alarm;
  public readonly rejectRateAlarm: Alarm;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const metrics = dashboardMetrics(props);
    this.iteratorAgeAlarm = new Alarm(this, 'IteratorAgeAlarm', {
      alarmDescription: 'The transform is more than 2 minutes behind the stream',
      metric: metrics.iteratorAge,
      threshold: ALARM_SETTINGS.iteratorAgeMs,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: ALARM_SETTINGS.iteratorAgePeriods,
      datapointsToAlarm: ALARM_SETTINGS.iteratorAgeDatapoints,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.deadLetterAlarm = new Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'Batches the transform gave up on are waiting in the DLQ (replay them within 24 h)',
      metric: metrics.dlqDepth,
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.noFramesAlarm = new Alarm(this, 'NoFramesAlarm', {
      alarmDescription: 'A trading session is open and no frame has arrived for 10 minutes',
      metric: metrics.noFrames,
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: ALARM_SETTINGS.noFramesPeriods,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.rejectRateAlarm = new Alarm(this, 'RejectRateAlarm', {
      alarmDescription: 'More than 1% of frames were rejected over 5 minutes: has the feed changed shape?',
      metric: metrics.rejectRate,
      threshold: ALARM_SETTINGS.rejectRatePercent,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    if (props.alarmAction) {
      for (const alarm of [
        this.iteratorAgeAlarm,
        this.deadLetterAlarm,
        this.noFramesAlarm,
        this.rejectRateAlarm,
      ]) {
        alarm.addAlarmAction(props.alarmAction);
      }
    }

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: props.dashboardName });
    addWidgets(this.dashboard, props, metrics);
  }
}

/** The metrics and expressions the alarms and the graphs share. */
type DashboardMetrics = {
  iteratorAge: IMetric;
  dlqDepth: IMetric;
  noFrames: MathExpression;
  rejectRate: MathExpression;
  unseenShare: MathExpression;
  fiveMinutes: Duration;
  volume: (name: MetricName) => IMetric;
};

function dashboardMetrics(props: OperationsDashboardProps): DashboardMetrics {
  const iteratorAge = props.transform.metric('IteratorAge', {
    statistic: 'Maximum',
    period: Duration.minutes(1),
  });
  const dlqDepth = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
    statistic: 'Maximum',
    period: Duration.minutes(5),
  });
  const fiveMinutes = Duration.minutes(5);
  const noFrames = new MathExpression({
    // 1 when the calendar says a session is open and no frame arrived in the period.
    expression: 'IF(sessionOpen >= 1 AND FILL(frames, 0) < 1, 1, 0)',
    usingMetrics: {
      sessionOpen: pipelineMetric(METRICS.sessionOpen, 'Maximum', fiveMinutes),
      frames: pipelineMetric(METRICS.framesIn, 'Sum', fiveMinutes),
    },
    period: fiveMinutes,
    label: 'session open, no frames',
  });

  const rejectRate = new MathExpression({
    expression: 'IF(FILL(frames, 0) > 0, 100 * FILL(rejects, 0) / frames, 0)',
    usingMetrics: {
      rejects: pipelineMetric(METRICS.rejects, 'Sum', fiveMinutes),
      frames: pipelineMetric(METRICS.framesTotal, 'Sum', fiveMinutes),
    },
    period: fiveMinutes,
    label: 'rejected frames (% of frames)',
  });
  const volume = (name: MetricName) => pipelineMetric(name, 'Sum', fiveMinutes);
  const unseenShare = new MathExpression({
    // Share of the stored volume the pipeline did not see trade by trade.
    expression: 'IF(FILL(t + o + p + g, 0) > 0, 100 * FILL(p + g, 0) / (t + o + p + g), 0)',
    usingMetrics: {
      t: volume(METRICS.volumeTrade),
      o: volume(METRICS.volumeOpening),
      p: volume(METRICS.volumePreExisting),
      g: volume(METRICS.volumeGap),
    },
    period: fiveMinutes,
    label: 'volume in gap / pre-existing rows (%)',
  });
  return { iteratorAge, dlqDepth, noFrames, rejectRate, unseenShare, fiveMinutes, volume };
}

function addWidgets(dashboard: Dashboard, props: OperationsDashboardProps, metrics: DashboardMetrics): void {
  const { iteratorAge, dlqDepth, noFrames, rejectRate, unseenShare, fiveMinutes, volume } = metrics;
  const graph = (title: string, left: IMetric[], right: IMetric[] = []) =>
    new GraphWidget({ title, left, right, width: 8, height: 6 });
  dashboard.addWidgets(
    graph('Frames in (ingest)', [pipelineMetric(METRICS.framesIn)], [pipelineMetric(METRICS.framesShed)]),
    graph(
      'Records put (ingest) / records in (stream)',
      [pipelineMetric(METRICS.recordsPut), props.stream.metricIncomingRecords({ statistic: 'Sum' })],
      [props.stream.metricWriteProvisionedThroughputExceeded({ statistic: 'Sum' })],
    ),
    graph('Transform iterator age (ms)', [iteratorAge]),
  );
  dashboard.addWidgets(
    graph(
      'Ingest source (1 = V2, 2 = MQTT, 3 = REST polling) / transport switches',
      [pipelineMetric(METRICS.ingestSource, 'Maximum')],
      [pipelineMetric(METRICS.transportSwitches)],
    ),
  );
  dashboard.addWidgets(
    graph(
      'Rows written (transform)',
      [pipelineMetric(METRICS.rowsWritten)],
      [pipelineMetric(METRICS.rejects)],
    ),
    graph(
      'Transform errors / duration',
      [props.transform.metricErrors()],
      [props.transform.metricDuration()],
    ),
    new SingleValueWidget({ title: 'DLQ depth', metrics: [dlqDepth], width: 8, height: 6 }),
  );
  const running: IMetric[] = [
    pipelineMetric(METRICS.sessionOpen, 'Maximum', fiveMinutes),
    pipelineMetric(METRICS.ingestDesired, 'Maximum', fiveMinutes),
  ];
  // Fargate publishes service CPU for free; its sample count is the tasks reporting.
  const tasks = props.ingestService
    ? [props.ingestService.metricCpuUtilization({ statistic: 'SampleCount', label: 'tasks reporting' })]
    : [];
  dashboard.addWidgets(
    graph('Ingest running during a session', running, tasks),
    graph('Session open, no frames (alarm)', [noFrames]),
  );
  dashboard.addWidgets(
    graph('Rejected frames, % (alarm above 1)', [rejectRate]),
    graph('Volume not seen as trades, %', [unseenShare]),
    graph('Volume by row kind', [
      volume(METRICS.volumeTrade),
      volume(METRICS.volumeOpening),
      volume(METRICS.volumePreExisting),
      volume(METRICS.volumeGap),
      volume(METRICS.volumeCorrection),
    ]),
  );
}
