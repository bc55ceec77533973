/**
 * Child-process entry that synthesizes the CDK app for the embedded runtime
 * (`ingestHost=external`, asset bundling skipped: the runtime imports the handler
 * sources directly), with the context of `cdk.json`, into the directory given as the
 * first argument, with the context given as JSON in the second (optional) laid over it.
 * Prints one JSON line `{ "template": PATH }`.
 *
 * Usage: node --import tsx local/cloudformation/synth-main.ts OUTDIR ['{"batchWindowSeconds":1}']
 * Kept out of the runtime's own process so aws-cdk-lib's memory is given back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildPipeline, STACK_NAME } from '../../infra/build.ts';
import { REPO_ROOT } from '../../infra/paths.ts';

const outdir = process.argv[2];
if (!outdir) {
  console.error('usage: synth-main.ts OUTDIR');
  process.exit(2);
}
const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
  context?: Record<string, unknown>;
};
const overrides = JSON.parse(process.argv[3] ?? '{}') as Record<string, unknown>;
const app = new App({
  outdir,
  context: {
    ...cdkJson.context,
    ...overrides,
    ingestHost: 'external',
    // Bundle no Lambda asset: the local runtime runs functions/*.ts in-process.
    'aws:cdk:bundling-stacks': [],
  },
});
buildPipeline(app);
const assembly = app.synth();
const artifact = assembly.getStackByName(STACK_NAME);
console.log(JSON.stringify({ template: join(outdir, artifact.templateFile) }));
