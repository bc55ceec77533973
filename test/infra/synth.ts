/**
 * Test helper: builds the pipeline stack the way `cdk synth` does (the context of
 * `cdk.json`, cdk-nag attached) and returns its template. Asset bundling is skipped
 * (`aws:cdk:bundling-stacks: []`): esbuild output does not change the template's
 * resources, and skipping it keeps a synth around 2 s.
 */
import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildPipeline } from '../../infra/build.ts';
import type { PipelineStack } from '../../infra/pipeline-stack.ts';

/** The `context` block of cdk.json (defaults and feature flags). */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));
  return cdkJson.context;
}

export type Synthesized = { readonly app: App; readonly stack: PipelineStack; readonly template: Template };

export function synthPipeline(context: Record<string, unknown> = {}): Synthesized {
  const app = new App({
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context },
  });
  const stack = buildPipeline(app);
  return { app, stack, template: Template.fromStack(stack) };
}

type Resource = { Type: string; Properties: Record<string, unknown> };

/** Every resource of a type, keyed by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}
