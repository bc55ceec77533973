/**
 * The CDK app (`cdk.json`: `npx tsx infra/app.ts`).
 *
 * @example
 * npx cdk synth                       # ingest on Fargate (needs Docker only to deploy)
 * npx cdk synth -c ingestHost=external # no ECS: LocalStack, the embedded runtime, moto
 */
import { App } from 'aws-cdk-lib';
import { buildPipeline } from './build.ts';

const app = new App();
buildPipeline(app);
app.synth();
