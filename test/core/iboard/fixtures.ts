/**
 * Frames from the spec (`shared/spec/iboard-protocol.md`), built field by field so each
 * example value sits at its documented position.
 */

/** FPT on 2026-04-14: the spec's example values by field index (fields 0 and 1 added per generation). */
export const FPT_FIELDS: Readonly<Record<number, string>> = {
  2: '76300',
  3: '11800',
  22: '76400',
  23: '61200',
  42: '76400',
  43: '1000',
  44: '77200',
  45: 'hose',
  46: '76200',
  47: '76679.65',
  48: '81543',
  49: '6246588100',
  50: '1375466',
  51: '105425698200',
  52: '400',
  53: '0.53',
  54: '3733300',
  55: '286268130000',
  59: '81300',
  60: '70700',
  61: '76000',
  65: '276457777',
  66: 's',
  67: 'N',
  72: '1703507121',
  75: '77000',
  96: '77000',
  97: '93100',
  98: '1000',
  99: '1.32',
  100: '1776132899614',
  101: '1776148328137',
};

/** Joins `count` fields, taking values from `fields` (empty elsewhere). */
export function frameOf(count: number, fields: Readonly<Record<number, string>>): string {
  const out = new Array<string>(count).fill('');
  for (const [index, value] of Object.entries(fields)) if (Number(index) < count) out[Number(index)] = value;
  return out.join('|');
}

/** The V2 FPT frame: `MAIN|S#FPT|76300|11800|...|1776148328137`, 102 fields. */
export const FPT_V2 = frameOf(102, { ...FPT_FIELDS, 0: 'MAIN', 1: 'S#FPT' });

/** A V1 (2023-style) FPT frame: `S#hose:974|FPT|...`, 92 fields (no V2-only fields). */
export const FPT_V1 = frameOf(92, { ...FPT_FIELDS, 0: 'S#hose:974', 1: 'FPT' });

export const HNX_INDEX =
  'I#HNXIndex|207.63|20424600|295725610000|54|53|66|3|6|20669600|302810810000|||1681900960757|20422600|208.25|208.93|207.16|-0.62|-0.30';

export const TRADE = 'L#hose:643|17550|300|11364900|11:29:53|17400|sd|150.00|0.9|U';
