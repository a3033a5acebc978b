/**
 * Exact decimal rounding on integers. Fader & Hardie's published CDNOW summary rounds t_x, T and zbar
 * half-up to 2 dp *of the exact decimal value* (22.345 → 22.35). Rounding the binary float instead
 * (Python's round(x, 2), JavaScript's toFixed) goes the other way whenever the float lands just below
 * the tie — 69 of the 2,357 zbar values (cdnow/SOURCE.md). So we never round a float: the quantity is
 * kept as an integer fraction and the rounding is done on the integers.
 */

/**
 * numerator ÷ denominator rounded to the nearest integer, ties away from zero — Python's
 * `Decimal.quantize(..., ROUND_HALF_UP)`, which is what "half-up" means for negative amounts (refunds) too.
 * Both arguments must be safe integers and the denominator positive; every step below is then exact.
 */
export function divideRoundHalfUp(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new RangeError(
      `divideRoundHalfUp needs safe integers and a positive denominator: ${numerator}/${denominator}`,
    );
  }
  const remainder = numerator % denominator; // exact for integers; carries the numerator's sign
  const quotient = (numerator - remainder) / denominator; // exact: the division leaves no remainder
  if (2 * Math.abs(remainder) >= denominator) {
    return quotient + Math.sign(numerator);
  }
  return quotient;
}

/**
 * An integer count of hundredths written as a decimal with two places ('30.43', '-0.05', '0.00'), for
 * display and for comparing with peers' CSV files without going through a binary float.
 */
export function formatHundredths(hundredths: number): string {
  if (!Number.isSafeInteger(hundredths)) {
    throw new RangeError(`not an integer number of hundredths: ${hundredths}`);
  }
  const sign = hundredths < 0 ? '-' : '';
  const digits = String(Math.abs(hundredths)).padStart(3, '0');
  return `${sign}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/**
 * Parses a decimal with at most two places ('22.35', '0', '1.7', '-3.05') into an integer count of
 * hundredths, exactly — the inverse of {@link formatHundredths}.
 */
export function parseHundredths(text: string): number {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec(text.trim());
  if (match === null) {
    throw new RangeError(`not a decimal with at most two places: ${JSON.stringify(text)}`);
  }
  const [, sign, whole, fraction] = match;
  const value = Number(whole) * 100 + Number((fraction ?? '').padEnd(2, '0'));
  return sign === '-' && value !== 0 ? -value : value;
}
