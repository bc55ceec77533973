/**
 * The ingest task as an ECS Fargate service: one arm64 task built from
 * `ingest-task/Dockerfile`, desired count 0 until the schedule raises it, outbound-only
 * networking (a VPC of public subnets, a public IP per task, a security group with no
 * inbound rule, no load balancer, no NAT gateway), logs with a retention, a stop timeout
 * matching the task's drain deadline, and a task role that may only put records to the
 * stream and read the control item.
 *
 * @example
 * const ingest = new IngestService(this, 'Ingest', { stream, controlTable });
 * ingest.service.serviceName;
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, IgnoreMode, RemovalPolicy } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { SecurityGroup, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import {
  Cluster,
  ContainerImage,
  CpuArchitecture,
  FargateService,
  FargateTaskDefinition,
  LogDrivers,
  OperatingSystemFamily,
} from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IStream } from 'aws-cdk-lib/aws-kinesis';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ENV } from '../../core/settings.ts';
import { INGEST_DOCKERFILE, REPO_ROOT } from '../paths.ts';

export type IngestServiceProps = {
  readonly stream: IStream;
  readonly controlTable: Table;
  /** Extra task environment (symbols, iboard URL...), on top of the stream and control table. @default {} */
  readonly environment?: Record<string, string>;
  /** Docker build context. @default REPO_ROOT */
  readonly buildContext?: string;
  /** Dockerfile, relative to the build context. @default INGEST_DOCKERFILE */
  readonly dockerfile?: string;
};

/**
 * The task's drain deadline (DRAIN_DEADLINE_SECONDS, 25 s by default) plus 5 s for the
 * process to exit: ECS sends SIGKILL when the stop timeout runs out.
 */
export const INGEST_STOP_TIMEOUT = Duration.seconds(30);
export const INGEST_DRAIN_DEADLINE_SECONDS = 25;

/** Stream actions of the producer: PutRecords (batches), PutRecord, and the start-up check that the stream exists. */
export const INGEST_STREAM_ACTIONS = [
  'kinesis:PutRecords',
  'kinesis:PutRecord',
  'kinesis:DescribeStreamSummary',
] as const;

/** Paths never sent to the Docker build when the Dockerfile has no ignore file of its own. */
const BUILD_EXCLUDES = [
  'node_modules',
  'cdk.out',
  '.local-data',
  '.git',
  '.tmp',
  'test-artifacts',
  'bench/results',
];

/**
 * The patterns of `<Dockerfile>.dockerignore` (BuildKit's per-Dockerfile ignore file),
 * so the CDK stages, hashes and uploads exactly what `docker build` would see.
 */
export function dockerIgnorePatterns(buildContext: string, dockerfile: string): string[] | undefined {
  const path = join(buildContext, `${dockerfile}.dockerignore`);
  if (!existsSync(path)) return undefined;
  return readFileSync(path, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * ECS ignores the image's HEALTHCHECK, so the task definition repeats it: the same Node
 * one-liner against `/healthz` on METRICS_PORT (8080), for a distroless image (no shell).
 */
const HEALTH_CHECK_COMMAND = [
  'CMD',
  '/nodejs/bin/node',
  '-e',
  "fetch('http://127.0.0.1:'+(process.env.METRICS_PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))",
];

export class IngestService extends Construct {
  public readonly cluster: Cluster;
  public readonly service: FargateService;
  public readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: IngestServiceProps) {
    super(scope, id);
    // Public subnets only: the task needs outbound internet (iboard websocket, AWS APIs)
    // and nothing inbound; a NAT gateway would cost ~$33/month for no benefit.
    const vpc = new Vpc(this, 'Vpc', {
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'public', subnetType: SubnetType.PUBLIC, cidrMask: 24 }],
    });
    const securityGroup = new SecurityGroup(this, 'TaskSecurityGroup', {
      vpc,
      description: 'ingest task: outbound only, no inbound rule',
      allowAllOutbound: true,
    });
    this.cluster = new Cluster(this, 'Cluster', { vpc });
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.TWO_WEEKS,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // 0.25 vCPU / 512 MiB (bench/results/ingest.json): 2.45 CPU-s per 100k frames is
    // ~0.05 vCPU at the market's ~2,000 frames/s peak, and RSS peaked at 182 MB at ten
    // times that rate. arm64 is ~20% cheaper than x86 on Fargate.
    const taskDefinition = new FargateTaskDefinition(this, 'Task', {
      cpu: 256,
      memoryLimitMiB: 512,
      runtimePlatform: {
        cpuArchitecture: CpuArchitecture.ARM64,
        operatingSystemFamily: OperatingSystemFamily.LINUX,
      },
    });
    const buildContext = props.buildContext ?? REPO_ROOT;
    const dockerfile = props.dockerfile ?? INGEST_DOCKERFILE;
    taskDefinition.addContainer('ingest', {
      image: ContainerImage.fromAsset(buildContext, {
        file: dockerfile,
        platform: Platform.LINUX_ARM64,
        exclude: dockerIgnorePatterns(buildContext, dockerfile) ?? BUILD_EXCLUDES,
        ignoreMode: IgnoreMode.DOCKER,
      }),
      essential: true,
      healthCheck: {
        command: HEALTH_CHECK_COMMAND,
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        startPeriod: Duration.seconds(20),
        retries: 3,
      },
      stopTimeout: INGEST_STOP_TIMEOUT,
      logging: LogDrivers.awsLogs({ streamPrefix: 'ingest', logGroup: this.logGroup }),
      environment: {
        [ENV.STREAM_NAME]: props.stream.streamName,
        [ENV.CONTROL_TABLE]: props.controlTable.tableName,
        [ENV.INGEST_MODE]: 'control',
        [ENV.DRAIN_DEADLINE_SECONDS]: String(INGEST_DRAIN_DEADLINE_SECONDS),
        ...props.environment,
      },
    });
    taskDefinition.addToTaskRolePolicy(
      new PolicyStatement({ actions: [...INGEST_STREAM_ACTIONS], resources: [props.stream.streamArn] }),
    );
    props.controlTable.grant(taskDefinition.taskRole, 'dynamodb:GetItem');

    this.service = new FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition,
      // The schedule sets the count (0 outside sessions). Note: a deploy resets it to 0;
      // the schedule's 5-minute check re-applies the control item's desired state.
      desiredCount: 0,
      assignPublicIp: true,
      vpcSubnets: { subnetType: SubnetType.PUBLIC },
      securityGroups: [securityGroup],
      // A replacement starts before the old task stops: a short overlap of duplicate
      // frames (the transform's writes are idempotent) rather than a gap.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
    });
  }
}
