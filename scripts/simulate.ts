/**
 * `npm run simulate -- [--port 8080] [--replay FILE [--speed N|max] [--loop]] [--symbols N|A,B,C]
 * [--rate N|max] [--seed S] [--v1] [--clock now|ISO]`: runs the iboard simulator until Ctrl-C.
 * Prints the websocket URL alone on the first stdout line (scripts can read it), details on stderr.
 */
import { parseSimulateArgs, SIMULATE_USAGE } from '../local/simulator/cli-options.ts';
import { startSimulator } from '../local/simulator/simulator.ts';

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    console.log(SIMULATE_USAGE);
    return;
  }
  let options: ReturnType<typeof parseSimulateArgs>;
  try {
    options = parseSimulateArgs(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`simulate: ${(error as Error).message}\n\n${SIMULATE_USAGE}`);
    process.exit(2);
  }
  const sim = await startSimulator(options);
  console.log(sim.url);
  const source = options.replay
    ? `replay ${options.replay} at ${options.speed === Number.POSITIVE_INFINITY ? 'max' : `${options.speed}x`}${options.loop ? ', looping' : ''}`
    : `synthetic market: ${sim.market?.instruments.length} stocks, ${options.rate ?? 1000} frames/s, seed ${options.seed ?? 1}`;
  console.error(`simulate: ${options.generation} protocol, ${source}; Ctrl-C to stop`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const clients = sim.ledger.clientIds().map((id) => ({ id, ...sim.ledger.client(id) }));
    await sim.stop();
    console.error(
      JSON.stringify({
        framesGenerated: sim.ledger.framesGenerated,
        framesWithoutClients: sim.ledger.framesWithoutClients,
        clients,
      }),
    );
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error) => {
  console.error(`simulate: ${(error as Error).message}`);
  process.exit(1);
});
