/**
 * Builds the pipeline stack into an app and puts cdk-nag's AwsSolutions pack on it, so
 * every synth (the CLI's, the tests') is checked the same way. `infra/app.ts` is the
 * CLI entry; tests call {@link buildPipeline} with their own app.
 *
 * @example
 * const stack = buildPipeline(new App({ context: { ingestHost: 'external' } }));
 */
import type { App } from 'aws-cdk-lib';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readSettings } from './context.ts';
import { suppressAcceptedFindings } from './nag-suppressions.ts';
import type { PipelineSources } from './pipeline-stack.ts';
import { PipelineStack } from './pipeline-stack.ts';

/** The stack's name (and CloudFormation stack name). */
export const STACK_NAME = 'VnStockStream';

export function buildPipeline(app: App, sources?: PipelineSources): PipelineStack {
  const stack = new PipelineStack(app, STACK_NAME, {
    settings: readSettings(app.node),
    sources,
    description:
      'Vietnamese stock prices: iboard websocket -> Kinesis -> Lambda -> DynamoDB (vn-stock-stream)',
  });
  suppressAcceptedFindings(stack);
  // cdk-nag v3 is a CDK policy-validation plugin (v2 was an Aspect): a finding that is
  // not acknowledged fails the synth, in the CLI and in Template.fromStack alike.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stack;
}
