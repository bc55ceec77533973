// Number, time and colour formatting for the page (plain ES module, no build step).

const ICT_OFFSET_MS = 7 * 60 * 60 * 1000;
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** `76,400` (prices are VND integers; a decimal price keeps two decimals). */
export function price(value) {
  if (value === null || value === undefined) return '—';
  return Number.isInteger(value) ? integer.format(value) : twoDecimals.format(value);
}

/** `3,733,300` */
export function volume(value) {
  return value === null || value === undefined ? '—' : integer.format(value);
}

/** VND amounts in billions (tỷ): `286.27 bn`. */
export function billions(value) {
  if (value === null || value === undefined) return '—';
  return `${twoDecimals.format(value / 1e9)} bn`;
}

/** `+400` / `-250` / `0` */
export function signed(value, format = price) {
  if (value === null || value === undefined) return '—';
  return value > 0 ? `+${format(value)}` : format(value);
}

/** `+0.53%` */
export function percent(value) {
  if (value === null || value === undefined) return '—';
  return `${value > 0 ? '+' : ''}${twoDecimals.format(value)}%`;
}

/** Index values: `1,254.37` */
export function indexValue(value) {
  return value === null || value === undefined ? '—' : twoDecimals.format(value);
}

/** `HH:MM:SS` in ICT of an epoch-ms time. */
export function ictTime(ms) {
  if (ms === null || ms === undefined) return '—';
  return new Date(ms + ICT_OFFSET_MS).toISOString().slice(11, 19);
}

/** `Tue 14 Apr 2026` in ICT. */
export function ictDay(ms) {
  const d = new Date(ms + ICT_OFFSET_MS);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
    d.getUTCMonth()
  ];
  return `${day} ${d.getUTCDate()} ${month} ${d.getUTCFullYear()}`;
}

/** Chart time: epoch seconds shifted to ICT, so the chart's UTC axis reads Vietnamese time. */
export function chartTime(ms) {
  return Math.floor((ms + ICT_OFFSET_MS) / 1000);
}

/** `4 s`, `2 min 5 s` */
export function age(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * Vietnamese board colours: purple at the ceiling, cyan at the floor, yellow at the
 * reference, green above it, red below.
 */
export function tone(value, ref) {
  if (value === null || value === undefined || !ref || ref.reference === null) return 'flat';
  if (ref.ceiling !== null && value >= ref.ceiling) return 'ceil';
  if (ref.floor !== null && value <= ref.floor) return 'floor';
  if (value > ref.reference) return 'up';
  if (value < ref.reference) return 'down';
  return 'ref';
}

/** Tone of a change (index or stock without limits at hand). */
export function changeTone(change) {
  if (change === null || change === undefined || change === 0) return 'ref';
  return change > 0 ? 'up' : 'down';
}

/** The CSS colour of each tone, for the charts (which draw on a canvas, not with classes). */
export const COLORS = {
  up: '#0ecb81',
  down: '#f6465d',
  ceil: '#c86bfa',
  floor: '#1ec8e0',
  ref: '#f0b90b',
  flat: '#c9d1d9',
  grid: '#1f2933',
  text: '#9aa4ae',
  volume: '#3d7bd9',
};
