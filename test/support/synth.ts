/**
 * Test helper: builds the pipeline stack the way `cdk synth` does (the context of
 * `cdk.json`, cdk-nag attached) and returns its template. Asset bundling is skipped
 * (`aws:cdk:bundling-stacks: []`): esbuild output does not change the template's
 * resources, and skipping it keeps a synth around 2 s.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** One output folder per test process, removed on exit (CDK would leave a temp dir per synth). */
let outRoot: string | undefined;
function outdir(): string {
  if (!outRoot) {
    const root = mkdtempSync(join(tmpdir(), 'vn-stock-cdk-test-'));
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    outRoot = root;
  }
  return mkdtempSync(join(outRoot, 'app-'));
}

/** An app with the cdk.json context (plus `context`), no bundling, a self-cleaning outdir. */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({
    outdir: outdir(),
    context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [], ...context },
  });
}

/** Synthesized variants of this test process, by their context (keys sorted). */
const synthesized = new Map<string, Synthesized>();

/**
 * The pipeline stack synthesized with `context` (on top of cdk.json's), once per variant
 * per test process: a second call with the same context returns the same app, stack and
 * template. Read them only; a test that changes the construct tree (adds a construct, an
 * aspect) builds its own with `buildPipeline(testApp(context))`.
 */
export function synthPipeline(context: Record<string, unknown> = {}): Synthesized {
  const key = JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  let variant = synthesized.get(key);
  if (!variant) {
    const app = testApp(context);
    const stack = buildPipeline(app);
    variant = { app, stack, template: Template.fromStack(stack) };
    synthesized.set(key, variant);
  }
  return variant;
}

type Resource = { Type: string; Properties: Record<string, unknown> };

/** Every resource of a type, keyed by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}
