/**
 * Fast decimal number parsing straight from a slice of the frame text, without allocating
 * the substring. The fast path covers what the feed sends (`76400`, `-0.62`, `286268130000`);
 * anything else (more than 15 significant digits, an exponent) goes through a strict
 * character check and `Number()`.
 *
 * @example
 * parseNumberAt('a|76679.65|b', 2, 10); // 76679.65
 * parseNumberAt('0x10', 0, 4);          // NaN (not a decimal number)
 */

/** Exact powers of ten: a mantissa below 2^53 divided by one of them is correctly rounded (Clinger's fast path). */
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
/** 15 decimal digits always fit below 2^53, so the digit-by-digit accumulation stays exact. */
const FAST_DIGITS = 15;

const MINUS = 45;
const DOT = 46;
const ZERO = 48;

/**
 * Parses `text[start, end)` as a decimal number. Returns NaN when it is not one (also for
 * an empty slice) and for an integer written without a fraction that is not a safe integer
 * (it would silently lose precision).
 */
export function parseNumberAt(text: string, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (text.charCodeAt(i) === MINUS) {
    negative = true;
    i++;
  }
  const digitsStart = i;
  let n = 0;
  let d = 0;
  while (i < end) {
    d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
    i++;
  }
  const intDigits = i - digitsStart;
  if (i === end) {
    if (intDigits === 0) return Number.NaN;
    if (intDigits > FAST_DIGITS) return slowInteger(text, start, end);
    return negative ? -n : n;
  }
  if (text.charCodeAt(i) !== DOT) return slowNumber(text, start, end);
  return withFraction(text, start, i + 1, end, n, intDigits, negative);
}

/** The number whose integer digits (`intDigits` of them) made `n`, with the fraction from `fracStart`. */
function withFraction(
  text: string,
  start: number,
  fracStart: number,
  end: number,
  n: number,
  intDigits: number,
  negative: boolean,
): number {
  let i = fracStart;
  let m = n;
  while (i < end) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) break;
    m = m * 10 + d;
    i++;
  }
  const fracDigits = i - fracStart;
  if (i !== end || intDigits + fracDigits > FAST_DIGITS) return slowNumber(text, start, end);
  if (intDigits + fracDigits === 0) return Number.NaN;
  const value = fracDigits === 0 ? m : m / POW10[fracDigits];
  return negative ? -value : value;
}

function slowInteger(text: string, start: number, end: number): number {
  const value = Number(text.slice(start, end));
  return Number.isSafeInteger(value) ? value : Number.NaN;
}

/** Strict grammar `-?digits[.digits][(e|E)[+-]digits]`, at least one mantissa digit; then `Number()`. */
function slowNumber(text: string, start: number, end: number): number {
  let i = start;
  if (text.charCodeAt(i) === MINUS) i++;
  const intEnd = skipDigits(text, i, end);
  let mantissaDigits = intEnd - i;
  i = intEnd;
  if (i < end && text.charCodeAt(i) === DOT) {
    const fracEnd = skipDigits(text, i + 1, end);
    mantissaDigits += fracEnd - (i + 1);
    i = fracEnd;
  }
  if (mantissaDigits === 0) return Number.NaN;
  if (i < end && (text.charCodeAt(i) | 0x20) === 0x65 /* e or E */) i = exponentEnd(text, i + 1, end);
  if (i !== end) return Number.NaN;
  const value = Number(text.slice(start, end));
  return Number.isFinite(value) ? value : Number.NaN;
}

/** The index after the digits from `i`. */
function skipDigits(text: string, i: number, end: number): number {
  let j = i;
  while (j < end && isDigit(text.charCodeAt(j))) j++;
  return j;
}

/** The index after an exponent's optional sign and digits from `i` (after the `e`); -1 without a digit. */
function exponentEnd(text: string, i: number, end: number): number {
  const sign = text.charCodeAt(i);
  const digitsStart = sign === 43 /* + */ || sign === MINUS ? i + 1 : i;
  const digitsEnd = skipDigits(text, digitsStart, end);
  return digitsEnd === digitsStart ? -1 : digitsEnd;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= ZERO + 9;
}
