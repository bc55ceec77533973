/**
 * Entry point of the ingest task (ECS Fargate, compose service, or a child process of
 * the embedded runtime): `node main.mjs` (bundle) or `tsx ingest-task/main.ts`.
 * Configured only through environment variables (`--help` lists them).
 *
 * Exit codes: 0 after a signal once everything was flushed; 1 when the drain deadline
 * passed with frames undelivered, or on a start failure other than a setting; 2 on a
 * bad setting (one log line naming it); 128+n on a second signal (immediate).
 */
import { IngestStartError, startIngest } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { HELP_TEXT } from './help.ts';
import { logger } from './logger.ts';

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGINT: 2, SIGTERM: 15 };

async function main(): Promise<void> {
  // The SDK warns on stderr that releases after early 2027 need Node 22; the version is
  // pinned (package.json), and the task's output must stay JSON lines.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(HELP_TEXT);
    return;
  }
  let app: Awaited<ReturnType<typeof startIngest>>;
  try {
    app = await startIngest(loadConfig(process.env));
  } catch (error) {
    return failStart(error);
  }
  let signalled = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalled) {
      logger.warn('second signal, exiting now', { signal });
      process.exit(128 + (SIGNAL_NUMBERS[signal] ?? 1));
    }
    signalled = true;
    void app.shutdown(signal).then((flushed) => process.exit(flushed ? 0 : 1));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

function failStart(error: unknown): void {
  if (error instanceof ConfigError) {
    logger.error(`invalid configuration: ${error.message}`, { code: error.code, setting: error.setting });
    process.exit(2);
  }
  if (error instanceof IngestStartError) {
    logger.error(`cannot start: ${error.message}`, { code: error.code });
    process.exit(1);
  }
  logger.error('cannot start', { error: error as Error });
  process.exit(1);
}

void main();
