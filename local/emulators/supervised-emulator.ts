/**
 * An emulator that is started again, on the same port and data directory, when its
 * process ends without being asked to: a crash, or a signal from outside (the emulators
 * run in their own process group, so a terminal's Ctrl-C does not reach them, but a
 * `kill` can). Clients and the router keep the same endpoint; they retry across the gap.
 *
 * It can also recycle the emulator when its data directory has grown by a set amount:
 * dynalite 4.0.0 leaves a LevelDB iterator open after each Query (its streams are never
 * destroyed when `takeWhile` stops reading), and every open iterator keeps the LevelDB
 * files of its time alive, so under a steady write load any Query traffic (the
 * dashboard, the AWS CLI) makes disk and memory grow with every write (measured: ~2 GB
 * per million frames). A restart closes the iterators and LevelDB deletes the obsolete
 * files when it opens again.
 */
import { dirBytes } from '../runtime/disk-usage.ts';
import { type Emulator, type EmulatorKind, startDynamo, startKinesis } from './launch.ts';

export type SupervisedEmulator = {
  readonly kind: EmulatorKind;
  readonly endpoint: string;
  readonly port: number;
  readonly restarts: number;
  stop(): Promise<void>;
  /** SIGKILL, for an immediate exit. */
  kill(): void;
};

export type SupervisionOptions = {
  /** Recycle when the data directory has grown by this much since the last start. @default never */
  readonly recycleGrowthBytes?: number;
  /** @default 60000 */
  readonly recycleCheckMs?: number;
};

export async function startSupervised(
  kind: EmulatorKind,
  dataDir: string,
  onRestart: (message: string) => void,
  options: SupervisionOptions = {},
): Promise<SupervisedEmulator> {
  const start = kind === 'kinesis' ? startKinesis : startDynamo;
  let current: Emulator = await start({ dataDir });
  const port = current.port;
  let stopping = false;
  let restarts = 0;
  let restarting: Promise<void> | undefined;
  let recycling = false;
  // Size after the last start, read one check later: LevelDB deletes obsolete files after it opens.
  let baseline: number | undefined;

  const watch = (emulator: Emulator) => {
    emulator.process.once('exit', (code, signal) => {
      if (stopping) return;
      restarts++;
      const why = recycling
        ? `recycled: its data dir had grown by more than ${mb(options.recycleGrowthBytes ?? 0)} MB`
        : `exited (${signal ?? `code ${code}`})`;
      restarting = (async () => {
        // A few attempts: the old socket may take a moment to be released.
        for (let attempt = 1; attempt <= 5 && !stopping; attempt++) {
          try {
            current = await start({ dataDir, port });
            watch(current);
            recycling = false;
            baseline = undefined;
            onRestart(`${kind} emulator ${why}; restarted on port ${port}`);
            return;
          } catch (error) {
            if (attempt === 5)
              onRestart(`${kind} emulator ${why} and could not be restarted: ${(error as Error).message}`);
            await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
          }
        }
      })();
    });
  };
  watch(current);
  const exitHook = () => current.process.kill('SIGKILL');
  process.once('exit', exitHook);

  const growth = options.recycleGrowthBytes;
  const recycler = growth
    ? setInterval(() => {
        if (stopping || recycling) return;
        const size = dirBytes(dataDir);
        if (baseline === undefined || size < baseline) baseline = size;
        if (size - baseline < growth) return;
        recycling = true;
        // A clean stop (LevelDB closed); the exit watcher starts it again.
        void current.stop();
      }, options.recycleCheckMs ?? 60_000)
    : undefined;
  recycler?.unref();

  return {
    kind,
    endpoint: current.endpoint,
    port,
    get restarts() {
      return restarts;
    },
    stop: async () => {
      stopping = true;
      clearInterval(recycler);
      await restarting;
      process.off('exit', exitHook);
      await current.stop();
    },
    kill: () => {
      stopping = true;
      clearInterval(recycler);
      current.process.kill('SIGKILL');
    },
  };
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}
