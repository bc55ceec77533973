// Child-process entry for one AWS-API emulator (kinesalite or dynalite).
// Plain JavaScript so it starts without a TypeScript loader.
// Usage: node local/emulators/emulator-main.mjs kinesis|dynamodb PORT [DATA_DIR]
// Prints one JSON line {"ready":true,"port":N} once listening (PORT 0 picks a free port).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [kind, portArg, dataDir] = process.argv.slice(2);
const factories = { kinesis: 'kinesalite', dynamodb: 'dynalite' };
if (!factories[kind]) {
  console.error(`unknown emulator kind "${kind}" (expected kinesis or dynamodb)`);
  process.exit(2);
}
const create = require(factories[kind]);
// 0 ms for create/delete/update: the runtime provisions on start and waits for ACTIVE anyway.
const options = {
  path: dataDir || undefined,
  createStreamMs: 0,
  deleteStreamMs: 0,
  updateStreamMs: 0,
  createTableMs: 0,
  deleteTableMs: 0,
  updateTableMs: 0,
  shardLimit: 50,
};
const server = create(options);
server.on('error', (error) => {
  console.error(JSON.stringify({ ready: false, code: error.code, message: error.message }));
  process.exit(1);
});
server.listen(Number(portArg) || 0, '127.0.0.1', () => {
  console.log(JSON.stringify({ ready: true, port: server.address().port }));
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// If the parent dies without stopping us, don't linger: it holds our stdin pipe,
// which closes when it exits, however it exits.
process.stdin.on('end', stop);
process.stdin.resume();
