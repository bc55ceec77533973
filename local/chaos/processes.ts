/**
 * Finds this process's children by their command line (Linux `/proc`), so the chaos run
 * can signal the ingest task the runtime spawned, by its pid, the way ECS would signal
 * the container. `IngestProcess` keeps its child private; reading `/proc` avoids
 * reaching into it.
 *
 * @example
 * const [pid] = childPids(process.pid, 'ingest-task/main.ts');
 * process.kill(pid, 'SIGTERM');
 */
import { readdirSync, readFileSync } from 'node:fs';

export function childPids(parentPid: number, commandIncludes: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after "pid (comm) ": state, ppid, ...; comm may contain spaces, so split after ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== parentPid) continue;
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (command.includes(commandIncludes)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** Resolves when `pid` no longer exists, or false after `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
