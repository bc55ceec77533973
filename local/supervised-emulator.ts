/**
 * An emulator that is started again, on the same port and data directory, when its
 * process ends without being asked to: a crash, or the SIGINT a terminal sends to the
 * whole foreground process group on Ctrl-C (the emulators would otherwise stop before
 * the runtime has drained the ingest task and the event source mapping into them).
 * Clients and the router keep the same endpoint; they retry across the gap.
 */
import { type Emulator, type EmulatorKind, startDynamo, startKinesis } from './emulators.ts';

export type SupervisedEmulator = {
  readonly kind: EmulatorKind;
  readonly endpoint: string;
  readonly port: number;
  readonly restarts: number;
  stop(): Promise<void>;
  /** SIGKILL, for an immediate exit. */
  kill(): void;
};

export async function startSupervised(
  kind: EmulatorKind,
  dataDir: string,
  onRestart: (message: string) => void,
): Promise<SupervisedEmulator> {
  const start = kind === 'kinesis' ? startKinesis : startDynamo;
  let current: Emulator = await start({ dataDir });
  const port = current.port;
  let stopping = false;
  let restarts = 0;
  let restarting: Promise<void> | undefined;

  const watch = (emulator: Emulator) => {
    emulator.process.once('exit', (code, signal) => {
      if (stopping) return;
      restarts++;
      restarting = (async () => {
        // A few attempts: the old socket may take a moment to be released.
        for (let attempt = 1; attempt <= 5 && !stopping; attempt++) {
          try {
            current = await start({ dataDir, port });
            watch(current);
            onRestart(`${kind} emulator exited (${signal ?? `code ${code}`}); restarted on port ${port}`);
            return;
          } catch (error) {
            if (attempt === 5)
              onRestart(`${kind} emulator exited and could not be restarted: ${(error as Error).message}`);
            await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
          }
        }
      })();
    });
  };
  watch(current);
  const exitHook = () => current.process.kill('SIGKILL');
  process.once('exit', exitHook);

  return {
    kind,
    endpoint: current.endpoint,
    port,
    get restarts() {
      return restarts;
    },
    stop: async () => {
      stopping = true;
      await restarting;
      process.off('exit', exitHook);
      await current.stop();
    },
    kill: () => {
      stopping = true;
      current.process.kill('SIGKILL');
    },
  };
}
