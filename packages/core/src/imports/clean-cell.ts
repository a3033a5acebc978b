import { type Reason, reason } from './import-reason.ts';
import { wallTimeToIso } from './time-zone.ts';

/**
 * Cleaning of one cell of a shop export (formats README §0.3–§0.5, §0.7, §0.9, §0.10).
 *
 * `cleanText` is applied to every cell by the reader. The typed cleaners are for the columns a
 * format knows to be amounts, times or ids; they take raw or already cleaned text, and return a
 * value or a reason a person can act on. They never throw on bad data.
 */

export type Cleaned<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: Reason };

/** Values that exports write for "nothing" (§0.9): Douyin `-`, Youzan `——`, tools' `N/A`, `null`. */
const EMPTY_MARKERS = new Set(['-', '--', '—', '——', '－', '–', 'n/a', '#n/a', 'null', 'none', '无']);

// `="…"`: Excel's formula trick to keep a long number as text (§0.4). Inside, `""` is one quote.
const FORMULA_WRAPPED = /^="(.*)"$/s;

/**
 * Trim (spaces, tabs, NBSP, full-width space, BOM: what String#trim knows), unwrap `="…"`, drop a
 * leading `'` or backtick (§0.5), and turn empty markers into null. Idempotent.
 */
export function cleanText(raw: string): string | null {
  let text = raw.trim();
  // The wrappers can nest in either order (`'="1"`, `="'1"`). Each round shortens the text or stops.
  for (;;) {
    const wrapped = FORMULA_WRAPPED.exec(text);
    if (wrapped !== null) {
      text = wrapped[1]!.replaceAll('""', '"').trim();
    }
    const first = text.charCodeAt(0);
    if (first === 0x27 || first === 0x60) {
      text = text.replace(/^['`]+/, '').trim();
    } else if (wrapped === null) {
      break;
    }
  }
  if (text === '' || EMPTY_MARKERS.has(text.toLowerCase())) {
    return null;
  }
  return text;
}

const AMOUNT = /^(?<sign1>[-+])?¥?(?<sign2>[-+])?(?<int>\d{1,3}(?:,\d{3})+|\d+)?(?:\.(?<frac>\d+))?(?:元)?$/;
// 13 digits of yuan is 10^15 fen, inside Number's exact integers (9 × 10^15).
const MAX_YUAN_DIGITS = 13;

/**
 * Yuan as written in exports → integer fen. Accepts `¥`/`￥`, a `元` suffix, thousands separators,
 * a sign or accounting parentheses for negatives, full-width digits. Parsed from the digits, never
 * through a float. More than two decimals are refused unless the extra ones are zeros.
 */
export function parseAmountFen(raw: string | null): Cleaned<number | null> {
  const text = raw === null ? null : cleanText(raw);
  if (text === null) {
    return { ok: true, value: null };
  }
  // NFKC folds full-width forms: ０-９, （）, ￥ → ¥, － → -, ， → ,.
  let s = text.normalize('NFKC').replace(/\s+/g, '').replaceAll('\u2212', '-');
  let negative = false;
  const parenthesised = /^\((.*)\)$/.exec(s);
  if (parenthesised !== null) {
    negative = true;
    s = parenthesised[1]!;
  }
  const m = AMOUNT.exec(s)?.groups;
  const intPart = m?.int;
  const fracPart = m?.frac;
  if (m === undefined || (intPart === undefined && fracPart === undefined)) {
    return {
      ok: false,
      reason: reason('not_an_amount', `"${text}" is not an amount in yuan`, `“${text}”不是以元为单位的金额`),
    };
  }
  const sign = m.sign1 ?? m.sign2;
  if ((m.sign1 !== undefined && m.sign2 !== undefined) || (negative && sign !== undefined)) {
    return {
      ok: false,
      reason: reason('amount_two_signs', `"${text}" has more than one sign`, `“${text}”有不止一个正负号`),
    };
  }
  if (sign === '-') {
    negative = true;
  }
  const frac = fracPart ?? '';
  if (frac.length > 2 && !/^0+$/.test(frac.slice(2))) {
    return {
      ok: false,
      reason: reason(
        'amount_below_fen',
        `"${text}" has more than two decimal places; amounts are kept in whole fen`,
        `“${text}”的小数超过两位；金额只精确到分`,
      ),
    };
  }
  const digits = (intPart ?? '0').replaceAll(',', '').replace(/^0+(?=\d)/, '');
  if (digits.length > MAX_YUAN_DIGITS) {
    return {
      ok: false,
      reason: reason(
        'amount_too_large',
        `"${text}" is too large to be an amount`,
        `“${text}”太大，不可能是金额`,
      ),
    };
  }
  const fen = Number(digits) * 100 + Number(frac.slice(0, 2).padEnd(2, '0'));
  return { ok: true, value: negative && fen !== 0 ? -fen : fen };
}

// `2026-06-19 10:00:00`, `2026-06-19 10:00`, `2026-06-19`, Excel's `2024/10/4 11:42` (§0.7), and
// a `T` between date and time. Month and day may have one digit; the separator must not change.
const DATE_TIME =
  /^(?<y>\d{4})(?<sep>[-/.])(?<mo>\d{1,2})\k<sep>(?<d>\d{1,2})(?:(?:\s+|T)(?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2})(?:\.(?<ms>\d{1,3}))?)?)?$/;
// The same as a Chinese-locale Excel writes it: `2024年10月4日 11:42`.
const DATE_TIME_ZH =
  /^(?<y>\d{4})年(?<mo>\d{1,2})月(?<d>\d{1,2})日(?:\s*(?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2}))?)?$/;

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/**
 * A local date-time → ISO 8601 with the zone's offset (`2026-06-19T10:00:00+08:00`). A date alone
 * means its midnight. `0000-00-00 …`, which some back ends write for "never", is empty.
 */
export function parseTimestamp(
  raw: string | null,
  timeZone: string = DEFAULT_TIME_ZONE,
): Cleaned<string | null> {
  const text = raw === null ? null : cleanText(raw);
  if (text === null || /^0{4}\D0{1,2}\D0{1,2}(?:\D|$)/.test(text)) {
    return { ok: true, value: null };
  }
  const s = text.normalize('NFKC');
  const m = (DATE_TIME.exec(s) ?? DATE_TIME_ZH.exec(s))?.groups;
  if (m === undefined) {
    const range = / - |~|至/.test(s);
    return {
      ok: false,
      reason: reason(
        'not_a_time',
        `"${text}" is not a date and time like 2026-06-19 10:00:00${range ? ' (it looks like a range of times)' : ''}`,
        `“${text}”不是 2026-06-19 10:00:00 这样的日期时间${range ? '（看起来是一个时间段）' : ''}`,
      ),
    };
  }
  const year = Number(m.y);
  const month = Number(m.mo);
  const day = Number(m.d);
  const hour = Number(m.h ?? 0);
  const minute = Number(m.mi ?? 0);
  const second = Number(m.s ?? 0);
  const millisecond = Number((m.ms ?? '').padEnd(3, '0'));
  const valid =
    year >= 1900 &&
    year <= 2200 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59;
  if (!valid) {
    return {
      ok: false,
      reason: reason(
        'impossible_time',
        `"${text}" is not a real date and time`,
        `“${text}”不是真实存在的日期时间`,
      ),
    };
  }
  return {
    ok: true,
    value: wallTimeToIso({ year, month, day, hour, minute, second, millisecond }, timeZone),
  };
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// What Excel leaves of a long number it displayed in scientific notation: `6.91793E+18`.
const SCIENTIFIC = /^[-+]?\d+(?:\.\d+)?[eE][-+]?\d+$/;

/**
 * An order, buyer or item id, as text. An id in E notation was rounded by Excel (§0.7) and is
 * refused: its last digits are gone, and a guessed id would merge strangers' orders.
 */
export function parseId(raw: string | null): Cleaned<string | null> {
  const text = raw === null ? null : cleanText(raw);
  if (text === null) {
    return { ok: true, value: null };
  }
  if (SCIENTIFIC.test(text)) {
    return {
      ok: false,
      reason: reason(
        'id_rounded_by_excel',
        `The id "${text}" was rounded by Excel (the file was opened and saved in Excel, which shows long ` +
          'numbers in scientific notation and keeps only their first 15 digits). The original digits ' +
          'cannot be recovered: export the file again from the platform and upload it without saving it in Excel.',
        `编号“${text}”已被 Excel 改写（文件在 Excel 中打开并保存过，Excel 以科学计数法显示长数字，只保留前 15 位），` +
          '原来的数字无法恢复：请从平台重新导出，不经 Excel 保存直接上传。',
      ),
    };
  }
  return { ok: true, value: text };
}
