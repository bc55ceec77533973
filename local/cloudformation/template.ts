/**
 * Reads a synthesized CloudFormation template into what the embedded runtime runs:
 * streams, tables, queues, functions (mapped back to their source module), event
 * source mappings and schedule rules, with the intrinsic functions CDK emits
 * (`Ref`, `Fn::GetAtt`, `Fn::Join`, `Fn::Sub`, pseudo parameters) resolved to the
 * local physical names and ARNs.
 *
 * Physical names: the template's explicit name (`Name`, `TableName`, `QueueName`,
 * `FunctionName`) when set, else the logical id.
 */
import { LocalRuntimeError } from '../../core/errors.ts';
import type { MappingSettings } from '../lambda/event-source-mapping.ts';
import { Resolver, type Resource, sourceOf, type TemplateContext } from './intrinsics.ts';

export type { TemplateContext } from './intrinsics.ts';

export type KeyAttribute = { readonly name: string; readonly type: string };

export type StreamSpec = {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  /** Provisioned shard count; for an on-demand stream the 4 shards AWS starts one with. */
  readonly shardCount: number;
  readonly onDemand: boolean;
  readonly retentionHours: number;
};

export type TableSpec = {
  readonly logicalId: string;
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly ttlAttribute?: string;
  readonly attributeDefinitions: readonly KeyAttribute[];
  readonly globalIndexes: readonly { name: string; partitionKey: KeyAttribute; sortKey?: KeyAttribute }[];
};

export type QueueSpec = { readonly logicalId: string; readonly name: string; readonly arn: string };

export type FunctionSpec = {
  readonly logicalId: string;
  readonly name: string;
  readonly arn: string;
  readonly roleArn: string;
  /** Which source module it is built from (a key of infra's FUNCTION_ENTRIES), if recognised. */
  readonly source?: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly memoryMb: number;
};

export type MappingSpec = {
  readonly logicalId: string;
  readonly functionLogicalId: string;
  readonly streamLogicalId: string;
  readonly enabled: boolean;
  readonly settings: MappingSettings;
  readonly onFailureQueueLogicalId?: string;
};

export type RuleSpec = {
  readonly logicalId: string;
  readonly name: string;
  readonly expression: string;
  readonly enabled: boolean;
  readonly targets: readonly { readonly functionLogicalId: string; readonly input: unknown }[];
};

export type RuntimeTemplate = {
  readonly streams: readonly StreamSpec[];
  readonly tables: readonly TableSpec[];
  readonly queues: readonly QueueSpec[];
  readonly functions: readonly FunctionSpec[];
  readonly mappings: readonly MappingSpec[];
  readonly rules: readonly RuleSpec[];
  /** Things the runtime does not emulate or could not resolve, one line each. */
  readonly notes: readonly string[];
};

export class TemplateError extends LocalRuntimeError {
  readonly code = 'TEMPLATE_INVALID';
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TemplateError';
  }
}

type Template = { Resources?: Record<string, Resource>; Outputs?: Record<string, { Value?: unknown }> };

/** AWS's defaults for a Kinesis event source mapping, where the template leaves a setting out. */
const MAPPING_DEFAULTS = { batchSize: 100, window: 0, retries: -1, age: -1, parallel: 1 } as const;
/** An on-demand stream starts with capacity for 4 MB/s in: 4 shards. */
const ON_DEMAND_SHARDS = 4;

export function readTemplate(
  template: unknown,
  context: TemplateContext,
  sources: readonly string[] = [],
): RuntimeTemplate {
  const resources = (template as Template)?.Resources;
  if (!resources || typeof resources !== 'object') throw new TemplateError('the template has no Resources');
  const notes: string[] = [];
  const resolver = new Resolver(resources, context, notes);
  const of = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  const reading: TemplateReading = {
    resources,
    resolver,
    notes,
    context,
    sources,
    outputs: (template as Template).Outputs,
  };
  const streams = of('AWS::Kinesis::Stream').map(([id, r]) => streamSpec(reading, id, r));
  const tables = of('AWS::DynamoDB::Table').map(([id, r]) => tableSpec(reading, id, r));
  const queues = of('AWS::SQS::Queue').map(([id]) => ({
    logicalId: id,
    name: resolver.name(id),
    arn: resolver.arn(id),
  }));
  const functions = of('AWS::Lambda::Function').map(([id, r]) => functionSpec(reading, id, r));
  const mappings = of('AWS::Lambda::EventSourceMapping').flatMap(([id, r]) => mappingSpecs(reading, id, r));
  const rules = of('AWS::Events::Rule').flatMap(([id, r]) => ruleSpecs(reading, id, r));

  return { streams, tables, queues, functions, mappings, rules, notes };
}

/** What reading one resource needs: the template's resources, the resolver, where notes go. */
type TemplateReading = {
  readonly resources: Record<string, Resource>;
  readonly resolver: Resolver;
  readonly notes: string[];
  readonly context: TemplateContext;
  readonly sources: readonly string[];
  readonly outputs: Template['Outputs'];
};

function streamSpec(reading: TemplateReading, id: string, r: Resource): StreamSpec {
  const { resolver, notes } = reading;
  const p = r.Properties ?? {};
  const onDemand = (p.StreamModeDetails as { StreamMode?: string } | undefined)?.StreamMode === 'ON_DEMAND';
  if (onDemand)
    notes.push(
      `stream ${resolver.name(id)} is on-demand: kinesalite has no on-demand mode, created with ${ON_DEMAND_SHARDS} shards`,
    );
  return {
    logicalId: id,
    name: resolver.name(id),
    arn: resolver.arn(id),
    shardCount: onDemand ? ON_DEMAND_SHARDS : Number(p.ShardCount ?? 1),
    onDemand,
    retentionHours: Number(p.RetentionPeriodHours ?? 24),
  };
}

function tableSpec(reading: TemplateReading, id: string, r: Resource): TableSpec {
  const { resolver } = reading;
  const p = r.Properties ?? {};
  const definitions = (
    (p.AttributeDefinitions ?? []) as { AttributeName: string; AttributeType: string }[]
  ).map((d) => ({ name: d.AttributeName, type: d.AttributeType }));
  const keys = (schema: unknown) => keyPair(schema, definitions, id);
  const ttl = p.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
  const indexes = ((p.GlobalSecondaryIndexes ?? []) as { IndexName: string; KeySchema: unknown }[]).map(
    (g) => ({
      name: g.IndexName,
      ...keys(g.KeySchema),
    }),
  );
  return {
    logicalId: id,
    name: resolver.name(id),
    ...keys(p.KeySchema),
    ...(ttl?.Enabled && ttl.AttributeName ? { ttlAttribute: ttl.AttributeName } : {}),
    attributeDefinitions: definitions,
    globalIndexes: indexes,
  };
}

function functionSpec(reading: TemplateReading, id: string, r: Resource): FunctionSpec {
  const { resolver, notes } = reading;
  const p = r.Properties ?? {};
  const variables = ((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
    {}) as Record<string, unknown>;
  const environment = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, resolver.string(v)]));
  const source = sourceOf(id, r, reading.sources, reading.outputs);
  if (!source)
    notes.push(
      `function ${id} matches no source module (${reading.sources.join(', ')}): it is not run locally`,
    );
  return {
    logicalId: id,
    name: resolver.name(id),
    arn: resolver.arn(id),
    roleArn: p.Role ? resolver.string(p.Role) : `arn:aws:iam::${reading.context.account}:role/${id}`,
    ...(source ? { source } : {}),
    environment,
    timeoutMs: Number(p.Timeout ?? 3) * 1000,
    memoryMb: Number(p.MemorySize ?? 128),
  };
}

function mappingSpecs(reading: TemplateReading, id: string, r: Resource): MappingSpec[] {
  const { resolver, notes } = reading;
  const p = r.Properties ?? {};
  const functionLogicalId = resolver.target(p.FunctionName);
  const streamLogicalId = resolver.target(p.EventSourceArn);
  if (
    !functionLogicalId ||
    !streamLogicalId ||
    reading.resources[streamLogicalId]?.Type !== 'AWS::Kinesis::Stream'
  ) {
    notes.push(`event source mapping ${id} is not Kinesis → a function of this template: not run locally`);
    return [];
  }
  const parallel = Number(p.ParallelizationFactor ?? MAPPING_DEFAULTS.parallel);
  if (parallel > 1)
    notes.push(`mapping ${id}: ParallelizationFactor ${parallel} runs as 1 (one batch per shard at a time)`);
  const destination = (p.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)
    ?.OnFailure?.Destination;
  const onFailure = destination ? resolver.target(destination) : undefined;
  return [
    {
      logicalId: id,
      functionLogicalId,
      streamLogicalId,
      enabled: p.Enabled !== false,
      ...(onFailure ? { onFailureQueueLogicalId: onFailure } : {}),
      settings: {
        batchSize: Number(p.BatchSize ?? MAPPING_DEFAULTS.batchSize),
        maxBatchingWindowMs: Number(p.MaximumBatchingWindowInSeconds ?? MAPPING_DEFAULTS.window) * 1000,
        reportBatchItemFailures: ((p.FunctionResponseTypes ?? []) as string[]).includes(
          'ReportBatchItemFailures',
        ),
        bisectOnError: p.BisectBatchOnFunctionError === true,
        maxRetryAttempts: Number(p.MaximumRetryAttempts ?? MAPPING_DEFAULTS.retries),
        maxRecordAgeMs: ageMs(p.MaximumRecordAgeInSeconds),
        parallelizationFactor: parallel,
        startingPosition: p.StartingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON',
      },
    },
  ];
}

function ruleSpecs(reading: TemplateReading, id: string, r: Resource): RuleSpec[] {
  const { resolver, notes } = reading;
  const p = r.Properties ?? {};
  if (typeof p.ScheduleExpression !== 'string') return [];
  const targets = ((p.Targets ?? []) as { Arn: unknown; Input?: unknown }[]).flatMap((t) => {
    const functionLogicalId = resolver.target(t.Arn);
    if (!functionLogicalId || reading.resources[functionLogicalId]?.Type !== 'AWS::Lambda::Function') {
      notes.push(`rule ${id}: a target that is not a function of this template is skipped`);
      return [];
    }
    return [{ functionLogicalId, input: parseInput(t.Input, resolver) }];
  });
  return [
    {
      logicalId: id,
      name: typeof p.Name === 'string' ? p.Name : id,
      expression: p.ScheduleExpression,
      enabled: p.State === undefined || p.State === 'ENABLED',
      targets,
    },
  ];
}

function ageMs(seconds: unknown): number {
  const n = Number(seconds ?? -1);
  return n < 0 ? -1 : n * 1000;
}

function parseInput(input: unknown, resolver: Resolver): unknown {
  if (input === undefined) return {};
  const text = resolver.string(input);
  try {
    return JSON.parse(text);
  } catch {
    throw new TemplateError(`a rule target's Input is not JSON: ${text}`);
  }
}

function keyPair(
  schema: unknown,
  definitions: readonly KeyAttribute[],
  id: string,
): { partitionKey: KeyAttribute; sortKey?: KeyAttribute } {
  const entries = (schema ?? []) as { AttributeName: string; KeyType: string }[];
  const attribute = (keyType: string): KeyAttribute | undefined => {
    const name = entries.find((e) => e.KeyType === keyType)?.AttributeName;
    if (!name) return undefined;
    const type = definitions.find((d) => d.name === name)?.type;
    if (!type) throw new TemplateError(`table ${id}: key ${name} has no AttributeDefinition`);
    return { name, type };
  };
  const partitionKey = attribute('HASH');
  if (!partitionKey) throw new TemplateError(`table ${id} has no HASH key`);
  const sortKey = attribute('RANGE');
  return { partitionKey, ...(sortKey ? { sortKey } : {}) };
}
