/**
 * The one `NodejsFunction` flavour of the pipeline: Node.js 22 on arm64, bundled by the
 * local esbuild as ESM with source maps, its own log group with a retention, and its
 * own role whose only built-in permission is writing to that log group.
 *
 * Runtime: Node.js 22, not 20: `nodejs20.x` reached end of life in April 2026 and Lambda
 * deprecated it; 22 runs the same ESM and AWS SDK v3 code as the Node 20 used in
 * development (`engines` >= 20.18) and is supported by LocalStack 4.14 and moto.
 *
 * @example
 * const fn = new PipelineFunction(this, 'Transform', {
 *   entry: FUNCTION_ENTRIES.transform,
 *   description: 'Kinesis frames to DynamoDB rows',
 *   memorySize: 1024,
 * });
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { LOCK_FILE, REPO_ROOT } from '../paths.ts';

export type PipelineFunctionProps = {
  /** Absolute path of the handler module (exports `handler`). */
  readonly entry: string;
  readonly description: string;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** @default {} */
  readonly environment?: Record<string, string>;
  /** @default RetentionDays.TWO_WEEKS */
  readonly logRetention?: RetentionDays;
  /** Modules left out of the bundle (only for code paths the configuration never loads). @default [] */
  readonly externalModules?: string[];
};

/**
 * Lets ESM bundles load the CommonJS dependencies that call `require` (esbuild turns
 * them into `__require`, which needs a real `require` in scope).
 */
const ESM_REQUIRE_BANNER =
  "import { createRequire as __cjsRequire } from 'node:module'; const require = __cjsRequire(import.meta.url);";

export class PipelineFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.TWO_WEEKS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role: without one, CDK attaches AWSLambdaBasicExecutionRole, which
    // allows creating any log group and writing to any log stream in the account.
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${id} function`,
    });
    super(scope, id, {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      timeout: props.timeout ?? Duration.seconds(30),
      // Stack traces point at the TypeScript sources (the bundle ships its .map file).
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      role,
      logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        // Stack traces need the mappings, not a copy of every source file (a 3x smaller map).
        sourcesContent: false,
        // Bundle the pinned AWS SDK (package.json) instead of the runtime's copy, so
        // Lambda runs the exact client versions the tests ran against.
        bundleAwsSDK: true,
        externalModules: props.externalModules ?? [],
      },
    });
    logGroup.grantWrite(role);
  }
}
