import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexRow } from '../../../core/derive/indices.ts';
import { parseFrame } from '../../../core/iboard/parse-frame.ts';
import type { IndexFrame } from '../../../core/iboard/types.ts';

/** The spec's real VNINDEX frame of 2024-06-11. */
const VNINDEX =
  'I#VNINDEX|1284.41|993342917|25420890000000|146|301|63|9|3|993342917|25420890000000|||1718118124789|993342917|1295.03|1296.41|1279.47|-6.26|-0.49|||||';

describe('indexRow', () => {
  it('keeps the totals with put-through, the ceiling/floor counts and the open/high/low', () => {
    const row = indexRow(parseFrame(VNINDEX) as IndexFrame, 0);
    assert.deepEqual(row, {
      indexId: 'VNINDEX',
      tradingDate: '2024-06-11',
      time: 1718118124789,
      value: 1284.41,
      change: -6.26,
      changePercent: -0.49,
      totalVolume: 993342917,
      totalValue: 25420890000000,
      advances: 146,
      declines: 301,
      unchanged: 63,
      ceilingCount: 9,
      floorCount: 3,
      allVolume: 993342917,
      allValue: 25420890000000,
      open: 1295.03,
      high: 1296.41,
      low: 1279.47,
    });
  });
});
