/**
 * The ingest task's one structured JSON logger (Powertools), created once.
 *
 * Every level goes to stdout as one JSON line (Powertools sends warnings and errors to
 * stderr): the embedded runtime and the compose service read a single stream, and
 * CloudWatch sees both the same way. The level comes from `POWERTOOLS_LOG_LEVEL`
 * (default `INFO`).
 *
 * @example
 * logger.info('connected', { connectionId, attempts });
 */
import { Logger, type LogItem } from '@aws-lambda-powertools/logger';

class StdoutLogger extends Logger {
  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    // On Linux, writes to a pipe or file are synchronous, so a line logged just before
    // process.exit() is not lost.
    process.stdout.write(`${JSON.stringify(log.getAttributes(), this.getJsonReplacer())}\n`);
  }
}

type LogFunction = (message: string, details?: Record<string, unknown>) => void;

/** What the task's modules need of a logger (tests pass a recording one). */
export type IngestLogger = {
  readonly debug: LogFunction;
  readonly info: LogFunction;
  readonly warn: LogFunction;
  readonly error: LogFunction;
};

const powertools: Logger = new StdoutLogger({ serviceName: 'ingest-task' });

export const logger: IngestLogger = {
  debug: (message, details) => (details ? powertools.debug(message, details) : powertools.debug(message)),
  info: (message, details) => (details ? powertools.info(message, details) : powertools.info(message)),
  warn: (message, details) => (details ? powertools.warn(message, details) : powertools.warn(message)),
  error: (message, details) => (details ? powertools.error(message, details) : powertools.error(message)),
};
