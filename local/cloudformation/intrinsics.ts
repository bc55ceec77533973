/**
 * CloudFormation intrinsic functions as CDK emits them (`Ref`, `Fn::GetAtt`, `Fn::Join`,
 * `Fn::Sub`, `Fn::Select`, pseudo parameters), resolved to the embedded runtime's
 * physical names and ARNs; and the mapping of a function resource back to its source.
 */
export type TemplateContext = { readonly region: string; readonly account: string };

export type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
};

/**
 * The source module a function is built from, the first of `sources` (infra's
 * FUNCTION_ENTRIES keys, e.g. `transform`, `sessionControl`) that matches, in order:
 * a stack output `<Source>FunctionName` whose value is a `Ref` to the function; a
 * segment of its construct path (`aws:cdk:path` metadata); the start of its logical
 * id. Names are compared without case and punctuation.
 */
export function sourceOf(
  logicalId: string,
  resource: Resource,
  sources: readonly string[],
  outputs: Record<string, { Value?: unknown }> = {},
): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
  const byOutput = sources.find((s) => {
    const value = outputs[`${s[0].toUpperCase()}${s.slice(1)}FunctionName`]?.Value as
      | { Ref?: unknown }
      | undefined;
    return value?.Ref === logicalId;
  });
  if (byOutput) return byOutput;
  const path = resource.Metadata?.['aws:cdk:path'];
  const segments = typeof path === 'string' ? path.split('/').slice(1).reverse().map(norm) : [];
  for (const segment of segments) {
    const match = sources.find((s) => norm(s) === segment);
    if (match) return match;
  }
  return sources.find((s) => norm(logicalId).startsWith(norm(s)));
}

const ARN_FORMATS: Record<string, (c: TemplateContext, name: string) => string> = {
  'AWS::Kinesis::Stream': (c, n) => `arn:aws:kinesis:${c.region}:${c.account}:stream/${n}`,
  'AWS::DynamoDB::Table': (c, n) => `arn:aws:dynamodb:${c.region}:${c.account}:table/${n}`,
  'AWS::SQS::Queue': (c, n) => `arn:aws:sqs:${c.region}:${c.account}:${n}`,
  'AWS::Lambda::Function': (c, n) => `arn:aws:lambda:${c.region}:${c.account}:function:${n}`,
  'AWS::IAM::Role': (c, n) => `arn:aws:iam::${c.account}:role/${n}`,
};

const NAME_PROPERTIES: Record<string, string> = {
  'AWS::Kinesis::Stream': 'Name',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::IAM::Role': 'RoleName',
};

export class Resolver {
  constructor(
    private readonly resources: Record<string, Resource>,
    private readonly context: TemplateContext,
    private readonly notes: string[],
  ) {}

  name(id: string): string {
    const r = this.resources[id];
    const property = NAME_PROPERTIES[r?.Type ?? ''];
    const explicit = property ? r.Properties?.[property] : undefined;
    return explicit === undefined ? id : this.string(explicit);
  }

  arn(id: string): string {
    const format = ARN_FORMATS[this.resources[id]?.Type ?? ''];
    return format
      ? format(this.context, this.name(id))
      : `arn:aws:local:${this.context.region}:${this.context.account}:${id}`;
  }

  /** The logical id a `Ref` / `Fn::GetAtt` (or a plain name) points at. */
  target(value: unknown): string | undefined {
    if (value && typeof value === 'object') {
      const ref = (value as { Ref?: unknown }).Ref;
      if (typeof ref === 'string') return ref;
      const att = (value as { 'Fn::GetAtt'?: unknown })['Fn::GetAtt'];
      if (Array.isArray(att) && typeof att[0] === 'string') return att[0];
      return undefined;
    }
    if (typeof value === 'string') {
      return Object.keys(this.resources).find((id) => this.name(id) === value || this.arn(id) === value);
    }
    return undefined;
  }

  string(value: unknown): string {
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (!value || typeof value !== 'object') return '';
    const v = value as Record<string, unknown>;
    if (typeof v.Ref === 'string') return this.ref(v.Ref);
    if (Array.isArray(v['Fn::GetAtt'])) return this.getAtt(v['Fn::GetAtt'] as string[]);
    if (Array.isArray(v['Fn::Join'])) {
      const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => this.string(p)).join(separator);
    }
    if (v['Fn::Sub'] !== undefined) return this.sub(v['Fn::Sub']);
    if (Array.isArray(v['Fn::Select'])) {
      const [index, list] = v['Fn::Select'] as [number, unknown];
      const items = Array.isArray(list) ? list : this.string(list).split(',');
      return this.string(items[Number(index)]);
    }
    this.notes.push(`unresolved intrinsic ${Object.keys(v)[0]}: ${JSON.stringify(value).slice(0, 80)}`);
    return '';
  }

  private ref(name: string): string {
    const pseudo: Record<string, string> = {
      'AWS::Region': this.context.region,
      'AWS::AccountId': this.context.account,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': 'local',
      'AWS::NoValue': '',
    };
    if (name in pseudo) return pseudo[name];
    const r = this.resources[name];
    if (r?.Type === 'AWS::SQS::Queue') {
      return `https://sqs.${this.context.region}.amazonaws.com/${this.context.account}/${this.name(name)}`;
    }
    return this.name(name);
  }

  private getAtt([id, attribute]: string[]): string {
    if (attribute === 'Arn') return this.arn(id);
    if (attribute === 'QueueName' || attribute === 'Name') return this.name(id);
    if (attribute === 'QueueUrl') return this.ref(id);
    this.notes.push(`unresolved Fn::GetAtt ${id}.${attribute}`);
    return `${id}.${attribute}`;
  }

  private sub(value: unknown): string {
    const [text, variables] = Array.isArray(value)
      ? (value as [string, Record<string, unknown>])
      : [value as string, {}];
    return text.replace(/\$\{([^}]+)\}/g, (_, name: string) => {
      if (variables[name] !== undefined) return this.string(variables[name]);
      const [id, attribute] = name.split('.');
      return attribute ? this.getAtt([id, attribute]) : this.ref(id);
    });
  }
}
