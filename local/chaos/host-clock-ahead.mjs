/**
 * Preloaded into the chaos run's second ingest task (`NODE_OPTIONS=--import=<this file>`,
 * see `market-faults.ts`): its host's clock runs `CHAOS_CLOCK_AHEAD_MS` ahead, as on another
 * machine whose clock drifted. `Date.now()` moves, so the frames it receives are dated
 * ahead (over MQTT the receipt time is all a frame has) and the runtime's simulated clock
 * it derives from `CLOCK_ORIGIN` runs as far ahead; timers and `performance.now()`
 * (monotonic) do not move, nor does `new Date()` (request signing, far within AWS's skew).
 * Plain JavaScript: it loads before tsx.
 */
const ahead = Number(process.env.CHAOS_CLOCK_AHEAD_MS ?? 0);
if (Number.isFinite(ahead) && ahead !== 0) {
  const now = Date.now;
  Date.now = () => now() + ahead;
}
