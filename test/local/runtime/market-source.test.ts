import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSimulatedStart } from '../../../local/runtime/market-source.ts';

const ict = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 19);

describe('defaultSimulatedStart', () => {
  it("starts 15 s before HOSE's opening match (09:15 ICT) of today when it trades", () => {
    assert.equal(ict(defaultSimulatedStart(Date.parse('2026-04-14T13:00:00Z'))), '2026-04-14T09:14:45');
  });

  it('goes back to the latest trading day on a weekend or holiday', () => {
    // Saturday 2026-04-18 → Friday 17th; Thursday 30 April (Reunification Day) → Wednesday 29th.
    assert.equal(ict(defaultSimulatedStart(Date.parse('2026-04-18T03:00:00Z'))), '2026-04-17T09:14:45');
    assert.equal(ict(defaultSimulatedStart(Date.parse('2026-04-30T03:00:00Z'))), '2026-04-29T09:14:45');
  });
});
