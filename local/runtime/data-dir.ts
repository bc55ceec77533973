/**
 * The runtime's data directory: one place for everything that must survive a restart,
 * and a pid file so two runtimes never share it (the emulators' LevelDB would refuse
 * with a less helpful message).
 *
 * Layout: kinesis/ and dynamodb/ (emulator LevelDB), archive/YYYY-MM-DD/ (the raw-feed
 * archive, see core/archive), cdk.out/ (the synthesized template), checkpoints.json (event source positions), dlq/<queue>.jsonl (on-failure
 * destination), logs/ingest.log, runtime.pid.
 */

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LocalRuntimeError } from '../../core/errors.ts';

export class DataDirInUseError extends LocalRuntimeError {
  readonly code = 'DATA_DIR_IN_USE';
  constructor(
    readonly dir: string,
    readonly pid: number,
    options?: ErrorOptions,
  ) {
    super(
      `data dir ${dir} is in use by another runtime (pid ${pid}): stop it, or choose another with --data-dir DIR`,
      options,
    );
    this.name = 'DataDirInUseError';
  }
}

/** The raw-feed archive's directory inside a data directory. */
export function archiveDirOf(root: string): string {
  return join(root, 'archive');
}

export type DataDir = {
  readonly root: string;
  readonly kinesis: string;
  readonly dynamodb: string;
  readonly checkpoints: string;
  readonly logs: string;
  release(): void;
};

export function claimDataDir(dir: string): DataDir {
  const root = resolve(dir);
  mkdirSync(root, { recursive: true });
  const pidFile = join(root, 'runtime.pid');
  const holder = readPid(pidFile);
  if (holder !== undefined && holder !== process.pid && alive(holder))
    throw new DataDirInUseError(root, holder);
  writeFileSync(pidFile, `${process.pid}\n`);
  return {
    root,
    kinesis: join(root, 'kinesis'),
    dynamodb: join(root, 'dynamodb'),
    checkpoints: join(root, 'checkpoints.json'),
    logs: join(root, 'logs'),
    release: () => {
      if (readPid(pidFile) === process.pid) rmSync(pidFile, { force: true });
    },
  };
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
