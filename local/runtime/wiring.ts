/**
 * Connects the template's declarations to the in-process functions: one event source
 * poller per Kinesis event source mapping, one schedule rule per EventBridge rule
 * target, and the table names by role (from the functions' environment variables,
 * the names the deployables themselves read).
 */
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { ictDateTime } from '../../core/market/ict-time.ts';
import { ENV } from '../../core/settings.ts';
import type { FunctionSpec, RuntimeTemplate } from '../cloudformation/template.ts';
import type { ScheduledRule } from '../eventbridge/scheduler.ts';
import type { CheckpointStore } from '../lambda/checkpoint-store.ts';
import { type DeadLetterFile, failureMessage } from '../lambda/dead-letter-file.ts';
import { KinesisEventSource, type KinesisHandler } from '../lambda/event-source-mapping.ts';
import { lambdaContext } from '../lambda/invocation.ts';
import type { LoadedFunction } from '../lambda/load-handlers.ts';
import type { Clock } from './clock.ts';

const ROLE_VARIABLES = {
  trades: ENV.TRADES_TABLE,
  quotes: ENV.QUOTES_TABLE,
  bars: ENV.BARS_TABLE,
  indices: ENV.INDICES_TABLE,
  rejects: ENV.REJECTS_TABLE,
  control: ENV.CONTROL_TABLE,
} as const;

/** Table names by role (`trades`, `quotes`, ... `control`), as the functions are told them. */
export function tableRoles(functions: readonly FunctionSpec[]): Record<string, string> {
  const roles: Record<string, string> = {};
  for (const [role, variable] of Object.entries(ROLE_VARIABLES)) {
    const name = functions.map((f) => f.environment[variable]).find(Boolean);
    if (name) roles[role] = name;
  }
  return roles;
}

export type EventSourceWiring = {
  readonly template: RuntimeTemplate;
  readonly functions: ReadonlyMap<string, LoadedFunction>;
  readonly kinesis: KinesisClient;
  readonly checkpoints: CheckpointStore;
  readonly deadLetters: ReadonlyMap<string, DeadLetterFile>;
  readonly countFrames?: (data: Uint8Array) => number;
  readonly onError?: (error: Error, shardId: string) => void;
};

export function eventSourcesFor(wiring: EventSourceWiring): KinesisEventSource[] {
  const { template, functions } = wiring;
  return template.mappings.flatMap((mapping) => {
    const fn = functions.get(mapping.functionLogicalId);
    const stream = template.streams.find((s) => s.logicalId === mapping.streamLogicalId);
    if (!mapping.enabled || !fn || !stream) return [];
    const dlq = mapping.onFailureQueueLogicalId
      ? wiring.deadLetters.get(mapping.onFailureQueueLogicalId)
      : undefined;
    return [
      new KinesisEventSource({
        kinesis: wiring.kinesis,
        streamName: stream.name,
        streamArn: stream.arn,
        roleArn: fn.spec.roleArn,
        fn: identity(fn.spec),
        handler: fn.handler as KinesisHandler,
        settings: mapping.settings,
        checkpoints: wiring.checkpoints,
        countFrames: wiring.countFrames,
        onError: wiring.onError,
        onFailure: async (failure, shardId, requestId) => {
          // Without a destination Lambda drops the batch; the runtime still says so.
          const message = failureMessage(failure, {
            shardId,
            streamArn: stream.arn,
            functionArn: fn.spec.arn,
            requestId,
          });
          if (dlq) dlq.write(message);
          else
            wiring.onError?.(
              new Error(`discarded batch (no on-failure destination): ${JSON.stringify(message)}`),
              shardId,
            );
        },
      }),
    ];
  });
}

export function scheduleRulesFor(
  template: RuntimeTemplate,
  functions: ReadonlyMap<string, LoadedFunction>,
  clock: Clock,
  log: (line: string) => void,
): ScheduledRule[] {
  // Each rule's last outcome: a repeated one (the every-5-minutes check) is not logged again.
  const last = new Map<string, string>();
  return template.rules.flatMap((rule) =>
    rule.targets.flatMap((target) => {
      const fn = functions.get(target.functionLogicalId);
      if (!fn) return [];
      return [
        {
          name: rule.logicalId,
          expression: rule.expression,
          enabled: rule.enabled,
          fire: async (at: number) => {
            const result = await fn.handler(structuredClone(target.input), lambdaContext(identity(fn.spec)));
            const outcome = summary(result);
            if (last.get(rule.logicalId) === outcome) return;
            last.set(rule.logicalId, outcome);
            log(
              `schedule: ${rule.logicalId} (${ictDateTime(at)} ICT${clock.simulated ? ', simulated clock' : ''}) → ${outcome}`,
            );
          },
        },
      ];
    }),
  );
}

function identity(spec: FunctionSpec) {
  return {
    functionName: spec.name,
    functionArn: spec.arn,
    memoryMb: spec.memoryMb,
    timeoutMs: spec.timeoutMs,
  };
}

function summary(result: unknown): string {
  const r = (result ?? {}) as { desired?: unknown; reason?: unknown };
  return r.desired ? `${r.desired} (${r.reason})` : JSON.stringify(result ?? null);
}
