import type { CellValue } from 'exceljs';

/**
 * One xlsx cell → the text a CSV export would hold for it, for `cleanText` and the typed cleaners
 * (clean-cell.ts) to take from there:
 *
 * - numbers as their shortest exact decimal (`178.8`, `1234567890123`), rounded to Excel's 15
 *   significant digits when they have a fraction (`0.30000000000000004` → `0.3`);
 * - whole numbers beyond 2^53 as Excel shows them, `6.91793E+18`: such an id was stored as a
 *   number, so its last digits are already gone, and this form is what `parseId` refuses with
 *   its "rounded by Excel" message (§0.7);
 * - dates and times as `YYYY-MM-DD HH:MM:SS`, the wall-clock value written in the sheet (Excel
 *   keeps no zone), which `parseTimestamp` then places in the workspace's zone; a time alone as
 *   `HH:MM:SS`;
 * - booleans as `TRUE`/`FALSE`; errors as written (`#N/A`, which `cleanText` empties, `#DIV/0!`);
 * - rich text and hyperlinks as their plain text; formulas as their cached result (none: empty).
 */
export function cellText(
  value: CellValue | undefined,
  numFmt: string | undefined,
  date1904: boolean,
): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'string') {
    return unescapeXlsx(value);
  }
  if (typeof value === 'number') {
    return isDateFormat(numFmt) ? serialText(value, date1904) : numberText(value);
  }
  if (typeof value === 'boolean') {
    return value ? 'TRUE' : 'FALSE';
  }
  if (value instanceof Date) {
    return dateText(value);
  }
  if ('error' in value) {
    return value.error;
  }
  if ('richText' in value) {
    return unescapeXlsx(value.richText.map((run) => run.text).join(''));
  }
  if ('hyperlink' in value) {
    const text: unknown = value.text;
    return typeof text === 'string' ? unescapeXlsx(text) : cellText(text as CellValue, undefined, date1904);
  }
  if ('formula' in value || 'sharedFormula' in value) {
    const result: unknown = value.result;
    // The streaming reader parses every non-string result as a number: an error result is NaN.
    if (typeof result === 'number' && Number.isNaN(result)) {
      return '';
    }
    return cellText(result as CellValue | undefined, numFmt, date1904);
  }
  return '';
}

const MAX_EXACT = Number.MAX_SAFE_INTEGER;

export function numberText(n: number): string {
  if (!Number.isFinite(n)) {
    return '';
  }
  if (Number.isInteger(n)) {
    if (Math.abs(n) <= MAX_EXACT) {
      return Object.is(n, -0) ? '0' : String(n);
    }
    // As Excel's General format shows it: six significant digits, E notation.
    const [mantissa, exponent] = n.toExponential(5).split('e') as [string, string];
    const digits = mantissa.replace(/\.?0+$/, '');
    const power = Number(exponent);
    return `${digits}E${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`;
  }
  const rounded = Number(n.toPrecision(15));
  const text = String(rounded);
  if (!text.includes('e')) {
    return text;
  }
  // Below 1e-6 String() switches to E notation; write the digits out instead.
  return rounded.toFixed(20).replace(/\.?0+$/, '');
}

/** Excel's test: a number format with date or time letters outside quotes and brackets. */
export function isDateFormat(numFmt: string | undefined): boolean {
  if (numFmt === undefined || numFmt === '') {
    return false;
  }
  const bare = numFmt.replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, '');
  return /[ymdhs]/i.test(bare.replace(/General/gi, ''));
}

const MS_PER_DAY = 86_400_000;
// Serial 0 is 1899-12-30 in the 1900 system (which keeps Lotus's missing 1900-02-29) and
// 1904-01-01 in the 1904 system.
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

export function serialText(serial: number, date1904: boolean): string {
  if (!Number.isFinite(serial) || serial < 0 || serial > 2_958_465) {
    return numberText(serial);
  }
  const ms = Math.round(serial * MS_PER_DAY);
  if (ms < MS_PER_DAY) {
    return dateText(new Date(ms)).slice(11);
  }
  return dateText(new Date((date1904 ? EPOCH_1904 : EPOCH_1900) + ms));
}

/** The exceljs Date's UTC fields are the sheet's wall-clock fields. Rounded to the second. */
export function dateText(date: Date): string {
  const time = date.getTime();
  if (Number.isNaN(time)) {
    return '';
  }
  const d = new Date(Math.round(time / 1000) * 1000);
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${String(d.getUTCFullYear()).padStart(4, '0')}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`
  );
}

/** Excel escapes characters XML cannot hold as `_xHHHH_` (`_x000D_` for CR; `_x005F_` for `_`). */
function unescapeXlsx(text: string): string {
  return text.includes('_x')
    ? text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
    : text;
}
