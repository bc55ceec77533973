/**
 * Lambda: the trading-hours switch. Invoked by the EventBridge schedule with
 * `{ action: 'start' | 'stop', session }` around each session and `{ action: 'check' }`
 * every five minutes, or by an operator with `override` / `resume`; a thin adapter over
 * `core/session-reconcile.ts`:
 * 1. read the control item, reconcile it with the event and the calendar (level-triggered:
 *    a check writes the calendar's state unless an operator override holds), write it if
 *    it changed;
 * 2. with an ECS host (`ECS_CLUSTER`, `ECS_SERVICE`), set the service's desired count;
 * 3. publish `SessionOpen` and `IngestDesired` (EMF) for the dashboard and the alarm.
 *
 * @example
 * aws lambda invoke --function-name <SessionControlFunctionName> \
 *   --payload '{"action":"start","session":"morning"}' --cli-binary-format raw-in-base64-out out.json
 * # stop ingestion until 13:00 ICT, on record:
 * aws lambda invoke --function-name <SessionControlFunctionName> --cli-binary-format raw-in-base64-out \
 *   --payload '{"action":"override","desired":"stopped","by":"lan","why":"SSI feed outage","until":"2026-04-14T13:00:00+07:00"}' out.json
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { clockFromEnv } from '../core/clock.ts';
import { readAtInit } from '../core/config.ts';
import type { ControlState } from '../core/control.ts';
import {
  ControlShapeError,
  controlKey,
  desiredTaskCount,
  fromControlItem,
  INGEST_STATES,
  parseControlEvent,
  toControlItem,
} from '../core/control.ts';
import { FunctionError } from '../core/errors.ts';
import { isMarketTradingAt } from '../core/market/calendar.ts';
import { METRIC_NAMESPACE, METRIC_SERVICES, METRICS } from '../core/metric-names.ts';
import { reconcileControl } from '../core/session-reconcile.ts';
import { readSessionControlConfig } from './session-control/config.ts';

/** Thrown when an AWS call fails; EventBridge's async invoke retries the event. */
export class SessionControlError extends FunctionError {
  readonly code: 'CONTROL_READ_FAILED' | 'CONTROL_WRITE_FAILED' | 'ECS_UPDATE_FAILED';
  constructor(code: SessionControlError['code'], message: string, options: ErrorOptions) {
    super(message, options);
    this.name = 'SessionControlError';
    this.code = code;
  }
}

export type SessionControlResult = {
  readonly action: string;
  readonly desired: string;
  readonly reason: string;
  readonly sessionOpen: boolean;
  /** Whether this invocation wrote the control item. */
  readonly written: boolean;
  /** Who holds the schedule off, while an override holds. */
  readonly override?: { readonly by: string; readonly why: string; readonly until: string };
  /** The desired count set on the ECS service, when there is one. */
  readonly desiredCount?: number;
};

const logger = new Logger({ serviceName: METRIC_SERVICES.sessionControl });
const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: METRIC_SERVICES.sessionControl });
/** Read and checked at init; a bad variable fails every invocation naming it. */
const settings = readAtInit(() => readSessionControlConfig(process.env));
const dynamo = new DynamoDBClient({});
/** Built on the first call that needs it: only with an ECS host. */
let ecs: ECSClient | undefined;

export async function handler(input: unknown): Promise<SessionControlResult> {
  const config = settings();
  // Real time on AWS; the embedded runtime's simulated clock when it sets CLOCK_START.
  const now = clockFromEnv(process.env)();
  const event = parseControlEvent(input);
  const { state, write } = reconcileControl(event, await readControl(config.controlTable), now);
  if (write) await writeControl(config.controlTable, state);

  let desiredCount: number | undefined;
  if (config.ecs) {
    desiredCount = desiredTaskCount(event, state, now);
    ecs ??= new ECSClient({});
    await setDesiredCount(ecs, config.ecs, desiredCount);
  }

  const sessionOpen = isMarketTradingAt(now);
  metrics.addMetric(METRICS.sessionOpen, MetricUnit.Count, sessionOpen ? 1 : 0);
  metrics.addMetric(METRICS.ingestDesired, MetricUnit.Count, state.desired === INGEST_STATES.RUNNING ? 1 : 0);
  metrics.publishStoredMetrics();

  const result: SessionControlResult = {
    action: event.action,
    desired: state.desired,
    reason: state.reason,
    sessionOpen,
    written: write,
    ...(state.override
      ? {
          override: {
            by: state.override.by,
            why: state.override.why,
            until: new Date(state.override.until).toISOString(),
          },
        }
      : {}),
    ...(desiredCount === undefined ? {} : { desiredCount }),
  };
  logger.info('session control applied', { ...result, session: event.session });
  return result;
}

async function readControl(table: string): Promise<ControlState | undefined> {
  try {
    const out = await dynamo.send(
      new GetItemCommand({ TableName: table, Key: controlKey(), ConsistentRead: true }),
    );
    return fromControlItem(out.Item);
  } catch (cause) {
    if (cause instanceof ControlShapeError) throw cause;
    throw new SessionControlError('CONTROL_READ_FAILED', `cannot read the control item of ${table}`, {
      cause,
    });
  }
}

async function writeControl(table: string, state: ControlState): Promise<void> {
  try {
    await dynamo.send(new PutItemCommand({ TableName: table, Item: toControlItem(state) }));
  } catch (cause) {
    throw new SessionControlError('CONTROL_WRITE_FAILED', `cannot write the control item of ${table}`, {
      cause,
    });
  }
}

async function setDesiredCount(
  client: ECSClient,
  target: { cluster: string; service: string },
  desiredCount: number,
): Promise<void> {
  try {
    await client.send(
      new UpdateServiceCommand({ cluster: target.cluster, service: target.service, desiredCount }),
    );
  } catch (cause) {
    throw new SessionControlError(
      'ECS_UPDATE_FAILED',
      `cannot set ${target.service} to ${desiredCount} task(s)`,
      {
        cause,
      },
    );
  }
}
