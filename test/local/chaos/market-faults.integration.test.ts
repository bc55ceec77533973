import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { FaultEvent } from '../../../local/chaos/fault-actions.ts';
import { confirmableCorrection } from '../../../local/chaos/market-faults.ts';
import { type Simulator, startSimulator } from '../../../local/simulator/simulator.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let sim: Simulator | undefined;

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe('confirmableCorrection', () => {
  it('corrects the most traded symbol and returns once the confirmation delay has passed', async () => {
    let now = Date.parse('2026-04-14T03:00:00Z');
    sim = await startSimulator({ symbols: 10, rate: 2000, seed: 4, clock: () => now, recordTrades: false });
    await sleep(500);
    const events: FaultEvent[] = [];
    const pending = confirmableCorrection(
      sim,
      0.5,
      () => now,
      (e) => events.push(e),
    );
    now += 10_000;
    const correction = await pending;
    assert.equal(events.length, 1);
    assert.match(events[0].name, new RegExp(`^exchange: ${correction.symbol} volume corrected`));
    const top = Math.max(
      ...(sim.market?.instruments ?? []).map((i) => sim?.ledger.totals(i.symbol).volume ?? 0),
    );
    assert.ok(correction.fromVolume >= top / 2, 'the most traded symbol');
  });

  it('corrects again while new trades overtake the correction, and gives up after 4', async () => {
    const now = Date.parse('2026-04-14T03:00:00Z');
    sim = await startSimulator({ symbols: 3, rate: 5000, seed: 4, clock: () => now, recordTrades: false });
    await sleep(500);
    const events: FaultEvent[] = [];
    // A hundredth of the volume is traded again within a few frames: every attempt is overtaken.
    await assert.rejects(
      confirmableCorrection(
        sim,
        0.01,
        () => now,
        (e) => events.push(e),
      ),
      /4 exchange corrections were all overtaken by new trades within 10 s/,
    );
    assert.equal(events.length, 4);
    assert.ok(sim.ledger.corrections.every((c) => c.overtakenAt !== undefined));
  });
});
