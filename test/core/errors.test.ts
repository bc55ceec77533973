import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArchiveFormatError } from '../../core/archive/format.ts';
import { RederiveError } from '../../core/archive/rederive.ts';
import { ClockSettingError } from '../../core/clock.ts';
import { ControlShapeError } from '../../core/control.ts';
import { InvalidKeyspaceNameError } from '../../core/cql/schema.ts';
import { TransientSinkError } from '../../core/derive/sink.ts';
import {
  AppError,
  ArchiveError,
  ChaosError,
  ConfigurationError,
  FunctionError,
  IngestError,
  LocalRuntimeError,
  SimulatorError,
} from '../../core/errors.ts';
import { FrameFormatError } from '../../core/iboard/format-frame.ts';
import { SnapshotFormatError } from '../../core/iboard/snapshot.ts';
import { SubscribeOptionError } from '../../core/iboard/subscribe.ts';
import { SymbolRefreshError } from '../../core/iboard/symbol-refresh.ts';
import { InvalidSymbolSpecError, resolveSymbols, UnknownSymbolError } from '../../core/iboard/symbols.ts';
import { HolidayFileError } from '../../core/market/holidays.ts';
import { RecordDecodeError } from '../../core/records/codec.ts';
import { ReconcileConfigError } from '../../functions/reconcile/config.ts';
import { SessionControlConfigError } from '../../functions/session-control/config.ts';
import { SessionControlError } from '../../functions/session-control.ts';
import { TransformConfigError } from '../../functions/transform/config.ts';
import { InfraContextError } from '../../infra/context.ts';
import { IngestStartError } from '../../ingest-task/app.ts';
import { ConfigError } from '../../ingest-task/config.ts';
import { SnapshotRequestError } from '../../ingest-task/snapshot-client.ts';
import { ChaosStepError } from '../../local/chaos/fault-actions.ts';
import { ChaosPlanError } from '../../local/chaos/plan.ts';
import { ProvisionError } from '../../local/cloudformation/provision.ts';
import { SynthError } from '../../local/cloudformation/synth.ts';
import { TemplateError } from '../../local/cloudformation/template.ts';
import {
  DashboardInputError,
  DashboardRequestError,
  StoreUnavailableError,
} from '../../local/dashboard/errors.ts';
import { DashboardStartError } from '../../local/dashboard/server.ts';
import { FaultOptionError } from '../../local/emulators/fault-proxy.ts';
import { EmulatorStartError } from '../../local/emulators/launch.ts';
import { ScheduleExpressionError } from '../../local/eventbridge/aws-cron.ts';
import { CheckpointFileError } from '../../local/lambda/checkpoint-store.ts';
import { FunctionLoadError } from '../../local/lambda/load-handlers.ts';
import { UsageError } from '../../local/runtime/cli-args.ts';
import { CqlSinkStartError } from '../../local/runtime/cql-keyspace.ts';
import { DataDirInUseError } from '../../local/runtime/data-dir.ts';
import { PortInUseError } from '../../local/runtime/ports.ts';
import { StartAbortedError } from '../../local/runtime/start-runtime.ts';
import { FaultSettingError } from '../../local/simulator/fault-knobs.ts';
import { SimulatorOptionError } from '../../local/simulator/options.ts';
import { ReplayFileError } from '../../local/simulator/replay-lines.ts';
import { CassandraLauncherError } from '../../scripts/cassandra/server.ts';
import { RederiveUsageError } from '../../scripts/rederive.ts';

type AreaClass = abstract new (...args: never[]) => AppError;

/** Every error of the project, built with a cause: [area, code, name, build]. */
const ERRORS: ReadonlyArray<[AreaClass, string, string, (options: ErrorOptions) => AppError]> = [
  [ConfigurationError, 'CONFIG_INVALID', 'ConfigError', (o) => new ConfigError('LINGER_MS', 'bad', o)],
  [
    ConfigurationError,
    'CLOCK_SETTING_INVALID',
    'ClockSettingError',
    (o) => new ClockSettingError('CLOCK_SPEED', 'bad', o),
  ],
  [
    ConfigurationError,
    'TRANSFORM_CONFIG',
    'TransformConfigError',
    (o) => new TransformConfigError('SINK', 'bad', o),
  ],
  [
    ConfigurationError,
    'SESSION_CONTROL_CONFIG_INVALID',
    'SessionControlConfigError',
    (o) => new SessionControlConfigError('CONTROL_TABLE', 'bad', o),
  ],
  [
    ConfigurationError,
    'RECONCILE_CONFIG_INVALID',
    'ReconcileConfigError',
    (o) => new ReconcileConfigError('TRADES_TABLE', 'is required', o),
  ],
  [
    ConfigurationError,
    'INFRA_CONTEXT_INVALID',
    'InfraContextError',
    (o) => new InfraContextError('k', 'bad', o),
  ],
  [
    ConfigurationError,
    'HOLIDAY_FILE_INVALID',
    'HolidayFileError',
    (o) => new HolidayFileError('/h', 'bad', o),
  ],
  [IngestError, 'INGEST_START_FAILED', 'IngestStartError', (o) => new IngestStartError('m', o)],
  [
    IngestError,
    'SNAPSHOT_REQUEST_FAILED',
    'SnapshotRequestError',
    (o) => new SnapshotRequestError('http://x', 503, 3, 'bad', o),
  ],
  [IngestError, 'SNAPSHOT_FORMAT', 'SnapshotFormatError', (o) => new SnapshotFormatError('m', o)],
  [IngestError, 'SYMBOL_REFRESH', 'SymbolRefreshError', (o) => new SymbolRefreshError('m', ['p'], o)],
  [
    IngestError,
    'INVALID_SUBSCRIBE_OPTION',
    'SubscribeOptionError',
    (o) => new SubscribeOptionError('x', 'm', o),
  ],
  [IngestError, 'FRAME_FORMAT', 'FrameFormatError', (o) => new FrameFormatError('m', 'f', o)],
  [IngestError, 'UNKNOWN_SYMBOL', 'UnknownSymbolError', (o) => new UnknownSymbolError('FTP', ['FPT'], o)],
  [IngestError, 'INVALID_SYMBOL_SPEC', 'InvalidSymbolSpecError', (o) => new InvalidSymbolSpecError(',', o)],
  [
    FunctionError,
    'RECORD_CORRUPT',
    'RecordDecodeError',
    (o) => new RecordDecodeError('RECORD_CORRUPT', 'm', o),
  ],
  [FunctionError, 'SINK_TRANSIENT', 'TransientSinkError', (o) => new TransientSinkError('m', o)],
  [
    FunctionError,
    'INVALID_KEYSPACE_NAME',
    'InvalidKeyspaceNameError',
    (o) => new InvalidKeyspaceNameError('a-b', o),
  ],
  [FunctionError, 'CONTROL_SHAPE_INVALID', 'ControlShapeError', (o) => new ControlShapeError('m', o)],
  [
    FunctionError,
    'CONTROL_READ_FAILED',
    'SessionControlError',
    (o) => new SessionControlError('CONTROL_READ_FAILED', 'm', o),
  ],
  [ArchiveError, 'ARCHIVE_OBJECT_INVALID', 'ArchiveFormatError', (o) => new ArchiveFormatError('m', o)],
  [ArchiveError, 'REDERIVE_BATCH_FAILED', 'RederiveError', (o) => new RederiveError('m', o)],
  [ArchiveError, 'REDERIVE_USAGE', 'RederiveUsageError', (o) => new RederiveUsageError('m', o)],
  [LocalRuntimeError, 'BAD_FLAG', 'UsageError', (o) => new UsageError('m', o)],
  [LocalRuntimeError, 'PORT_IN_USE', 'PortInUseError', (o) => new PortInUseError(1, '--port', 'x', o)],
  [LocalRuntimeError, 'DATA_DIR_IN_USE', 'DataDirInUseError', (o) => new DataDirInUseError('/d', 1, o)],
  [LocalRuntimeError, 'START_ABORTED', 'StartAbortedError', (o) => new StartAbortedError(o)],
  [LocalRuntimeError, 'CQL_SINK_START_FAILED', 'CqlSinkStartError', (o) => new CqlSinkStartError('m', o)],
  [
    LocalRuntimeError,
    'EMULATOR_START_FAILED',
    'EmulatorStartError',
    (o) => new EmulatorStartError('m', 'kinesis', o),
  ],
  [LocalRuntimeError, 'SYNTH_FAILED', 'SynthError', (o) => new SynthError('m', o)],
  [LocalRuntimeError, 'TEMPLATE_INVALID', 'TemplateError', (o) => new TemplateError('m', o)],
  [LocalRuntimeError, 'PROVISION_FAILED', 'ProvisionError', (o) => new ProvisionError('m', o)],
  [LocalRuntimeError, 'FUNCTION_LOAD_FAILED', 'FunctionLoadError', (o) => new FunctionLoadError('m', o)],
  [
    LocalRuntimeError,
    'CHECKPOINT_FILE_INVALID',
    'CheckpointFileError',
    (o) => new CheckpointFileError('/c', o),
  ],
  [
    LocalRuntimeError,
    'SCHEDULE_EXPRESSION_INVALID',
    'ScheduleExpressionError',
    (o) => new ScheduleExpressionError('cron(x)', 'bad', o),
  ],
  [
    LocalRuntimeError,
    'DASHBOARD_START_FAILED',
    'DashboardStartError',
    (o) => new DashboardStartError('m', 1, o),
  ],
  [
    LocalRuntimeError,
    'BAD_SYMBOL',
    'DashboardRequestError',
    (o) => new DashboardRequestError('BAD_SYMBOL', 400, 'm', {}, o),
  ],
  [
    LocalRuntimeError,
    'BAD_SYMBOL',
    'DashboardInputError',
    (o) => new DashboardInputError('BAD_SYMBOL', 'm', {}, o),
  ],
  [LocalRuntimeError, 'STORE_UNAVAILABLE', 'StoreUnavailableError', (o) => new StoreUnavailableError('m', o)],
  [
    LocalRuntimeError,
    'JAVA_MISSING',
    'CassandraLauncherError',
    (o) => new CassandraLauncherError('JAVA_MISSING', 'm', o),
  ],
  [
    SimulatorError,
    'SIMULATOR_OPTION_INVALID',
    'SimulatorOptionError',
    (o) => new SimulatorOptionError('--x', 'm', o),
  ],
  [SimulatorError, 'SIMULATOR_FAULT_INVALID', 'FaultSettingError', (o) => new FaultSettingError('x', 'm', o)],
  [SimulatorError, 'REPLAY_FILE_INVALID', 'ReplayFileError', (o) => new ReplayFileError('m', 3, o)],
  [ChaosError, 'CHAOS_PLAN_INVALID', 'ChaosPlanError', (o) => new ChaosPlanError('m', o)],
  [ChaosError, 'CHAOS_STEP_FAILED', 'ChaosStepError', (o) => new ChaosStepError('m', o)],
  [ChaosError, 'CHAOS_FAULT_INVALID', 'FaultOptionError', (o) => new FaultOptionError('m', o)],
];

const AREAS: readonly AreaClass[] = [
  ConfigurationError,
  IngestError,
  FunctionError,
  ArchiveError,
  LocalRuntimeError,
  SimulatorError,
  ChaosError,
];

describe('AppError', () => {
  for (const [area, code, name, build] of ERRORS) {
    it(`${name} (${code}) carries its cause and is an ${area.name} only`, () => {
      const cause = new Error('underneath');
      const error = build({ cause });
      assert.equal(error.cause, cause);
      assert.equal(error.code, code);
      assert.equal(error.name, name);
      assert.ok(error instanceof Error && error instanceof AppError);
      for (const other of AREAS) assert.equal(error instanceof other, other === area, other.name);
      assert.equal(build({}).cause, undefined);
    });
  }

  it('lets a caller tell a configuration error by its class and read the setting it names', () => {
    const error = new TransformConfigError('BARS_TABLE', 'is required but not set');
    assert.ok(error instanceof ConfigurationError);
    assert.equal(error.setting, 'BARS_TABLE');
    assert.equal(error.variable, 'BARS_TABLE');
    assert.equal(error.message, 'BARS_TABLE: is required but not set');
  });

  it('keeps the thrown error as it was: message and fields unchanged by the base', () => {
    try {
      resolveSymbols('FTP');
      assert.fail('expected UnknownSymbolError');
    } catch (error) {
      assert.ok(error instanceof UnknownSymbolError && error instanceof IngestError);
      assert.match(error.message, /^unknown symbol "FTP" \(did you mean FPT/);
      assert.equal(error.symbol, 'FTP');
    }
  });
});
