import { describe, expect, test } from 'vitest';
import { cleanText, parseAmountFen, parseId, parseTimestamp } from './clean-cell.ts';

describe('cleanText', () => {
  test.each([
    ['\t6917926768823643751', '6917926768823643751'], // Douyin, PDD: tab-prefixed ids (§0.3)
    ['\t13999999999', '13999999999'], // Youzan phone
    ['\t', null], // PDD 用户购买手机号, "all tabs"
    ['="1234567890123456789"', '1234567890123456789'], // Taobao 订单编号 (§0.4)
    ['="say ""hi"""', 'say "hi"'],
    ["'13800138000", '13800138000'], // Taobao 联系手机 (§0.5)
    ['`6930000000000000001', '6930000000000000001'], // Douyin account flow
    ["'S1", 'S1'],
    ['\'="123"', '123'],
    ['="\'123"', '123'],
    ['\u00a0 张三\u3000', '张三'], // NBSP, full-width space
    ['\ufeff订单号', '订单号'],
    ['-', null], // Douyin (§0.9)
    ['——', null], // Youzan
    [' ', null],
    ['N/A', null],
    ['null', null],
    ['None', null],
    ['无', null],
    ['', null],
    ['--', null],
    ['-5', '-5'],
    ['=SUM(A1:A2)', '=SUM(A1:A2)'], // kept as text, never evaluated
    ['@cmd', '@cmd'],
  ])('%j → %j', (raw, expected) => {
    expect(cleanText(raw)).toBe(expected);
    // Idempotent: cleaning clean text changes nothing.
    expect(expected === null ? null : cleanText(expected)).toBe(expected);
  });
});

describe('parseAmountFen', () => {
  test.each([
    ['28.90', 2890],
    ['178.8', 17880],
    ['0.0', 0],
    ['0', 0],
    ['12', 1200],
    ['¥1,234.50', 123450],
    ['￥ 12.3', 1230],
    ['12.00元', 1200], // 打款商家金额 (§0.10)
    ['(12.00)', -1200], // accounting negative
    ['（12.00）', -1200],
    ['-3.5', -350], // Douyin fee columns
    ['¥-3.50', -350],
    ['-¥3.50', -350],
    ['+1', 100],
    ['1.500', 150], // extra decimals that are zeros
    ['１２．３４', 1234], // full-width digits
    ['="9.90"', 990],
    ['\t9.90', 990],
    ['.5', 50],
    ['-0.00', 0],
    ['9999999999999.99', 999999999999999],
    ['0.1', 10],
    ['0.29', 29], // 0.29 * 100 is 28.999999999999996 as a float
    ['1.005', null],
  ])('%j → %j fen', (raw, fen) => {
    const r = parseAmountFen(raw);
    if (fen === null) {
      expect(r.ok).toBe(false);
    } else {
      expect(r).toEqual({ ok: true, value: fen });
      expect(Object.is(r.ok && r.value, -0)).toBe(false);
    }
  });

  test('empty markers are no amount, not zero', () => {
    expect(parseAmountFen('-')).toEqual({ ok: true, value: null });
    expect(parseAmountFen(null)).toEqual({ ok: true, value: null });
  });

  test.each([
    ['1.005', /more than two decimal places/, 'amount_below_fen'],
    ['1,23', /not an amount/, 'not_an_amount'],
    ['12,3456.00', /not an amount/, 'not_an_amount'],
    ['1.2E+3', /not an amount/, 'not_an_amount'],
    ['69.20(分销商等级折扣：47.80)', /not an amount/, 'not_an_amount'], // Youzan 店铺优惠（分摊）packs an explanation in
    ['--5', /more than one sign/, 'amount_two_signs'],
    ['(-5)', /more than one sign/, 'amount_two_signs'],
    ['+-5', /more than one sign/, 'amount_two_signs'],
    ['abc', /not an amount/, 'not_an_amount'],
    ['.', /not an amount/, 'not_an_amount'],
    ['99999999999999', /too large/, 'amount_too_large'],
  ])('%j is refused', (raw, en, code) => {
    const r = parseAmountFen(raw);
    expect(r.ok).toBe(false);
    expect(r.ok ? null : r.reason).toMatchObject({ code, en: expect.stringMatching(en) });
    // The Chinese words name the value too.
    expect(r.ok ? '' : r.reason.zh).toContain(`“${raw}”`);
  });
});

describe('parseTimestamp', () => {
  test.each([
    ['2026-06-19 10:00:00', '2026-06-19T10:00:00+08:00'],
    ['2026-06-19 10:00', '2026-06-19T10:00:00+08:00'],
    ['2026-06-19', '2026-06-19T00:00:00+08:00'],
    ['2024/10/4 11:42', '2024-10-04T11:42:00+08:00'], // re-saved in Excel (§0.7)
    ['2026/9/22', '2026-09-22T00:00:00+08:00'],
    ['2024/10/4 9:05:07', '2024-10-04T09:05:07+08:00'],
    ['2024年10月4日 11:42', '2024-10-04T11:42:00+08:00'],
    ['2026-06-19T10:00:00', '2026-06-19T10:00:00+08:00'],
    ['2026-06-19 10:00:00.120', '2026-06-19T10:00:00.120+08:00'],
    ['="2026-06-19 10:00:00"', '2026-06-19T10:00:00+08:00'], // ERP exports wrap times too (§0.4)
    ['\t2026-06-19 10:00:00', '2026-06-19T10:00:00+08:00'],
    ['2024-02-29 23:59:59', '2024-02-29T23:59:59+08:00'],
  ])('%j → %j', (raw, iso) => {
    expect(parseTimestamp(raw)).toEqual({ ok: true, value: iso });
  });

  test('empty cells and all-zero dates are no time', () => {
    expect(parseTimestamp('')).toEqual({ ok: true, value: null });
    expect(parseTimestamp('-')).toEqual({ ok: true, value: null });
    expect(parseTimestamp('0000-00-00 00:00:00')).toEqual({ ok: true, value: null });
  });

  test('the instant is right: +08:00 by default, the zone given otherwise, summer time included', () => {
    const shanghai = parseTimestamp('2026-06-19 10:00:00');
    expect(shanghai.ok && new Date(shanghai.value!).toISOString()).toBe('2026-06-19T02:00:00.000Z');
    expect(parseTimestamp('2026-07-01 12:00', 'America/New_York')).toEqual({
      ok: true,
      value: '2026-07-01T12:00:00-04:00',
    });
    expect(parseTimestamp('2026-01-15 12:00', 'America/New_York')).toEqual({
      ok: true,
      value: '2026-01-15T12:00:00-05:00',
    });
    expect(parseTimestamp('2026-01-15 12:00', 'UTC')).toEqual({
      ok: true,
      value: '2026-01-15T12:00:00+00:00',
    });
    expect(parseTimestamp('2026-03-08 01:30', 'America/New_York')).toEqual({
      ok: true,
      value: '2026-03-08T01:30:00-05:00',
    });
    expect(parseTimestamp('2026-03-08 03:30', 'America/New_York')).toEqual({
      ok: true,
      value: '2026-03-08T03:30:00-04:00',
    });
  });

  test.each([
    ['2026-02-30 10:00:00', /not a real date/, /不是真实存在的日期时间/],
    ['2026-13-01', /not a real date/, /不是真实存在的日期时间/],
    ['2026-06-19 24:00', /not a real date/, /不是真实存在的日期时间/],
    ['2026-06-19 10:60', /not a real date/, /不是真实存在的日期时间/],
    ['2026-06-19 10', /not a date and time/, /不是 .* 这样的日期时间$/],
    ['2026-06/19', /not a date and time/, /不是 .* 这样的日期时间$/],
    ['19/06/2026', /not a date and time/, /不是 .* 这样的日期时间$/],
    ['2026-06-20 11:00 - 2026-06-20 12:00', /range of times/, /看起来是一个时间段/], // Youzan 同城送达时间
    ['45123.5', /not a date and time/, /不是 .* 这样的日期时间$/], // an Excel serial number
    ['1791430000', /not a date and time/, /不是 .* 这样的日期时间$/],
  ])('%j is refused', (raw, en, zh) => {
    const r = parseTimestamp(raw);
    expect(r.ok).toBe(false);
    expect(r.ok ? '' : r.reason.en).toMatch(en);
    expect(r.ok ? '' : r.reason.zh).toMatch(zh);
  });
});

describe('parseId', () => {
  test('ids are text, cleaned of their Excel and tab armour', () => {
    expect(parseId('="1234567890123456789"')).toEqual({ ok: true, value: '1234567890123456789' });
    expect(parseId('\t6917926768823643751')).toEqual({ ok: true, value: '6917926768823643751' });
    expect(parseId('E20220331142238091806171')).toEqual({ ok: true, value: 'E20220331142238091806171' });
    expect(parseId('220915-123456789')).toEqual({ ok: true, value: '220915-123456789' });
    expect(parseId('-')).toEqual({ ok: true, value: null });
  });

  test.each(['6.91793E+18', '6.9E+18', '1.23457e+15', '6E+18'])(
    'an id in E notation (%s) was rounded by Excel and is refused with a way out',
    (raw) => {
      const r = parseId(raw);
      expect(r.ok).toBe(false);
      expect(r.ok ? '' : r.reason.en).toMatch(
        /rounded by Excel.*cannot be recovered.*export the file again/s,
      );
      expect(r.ok ? null : r.reason).toMatchObject({
        code: 'id_rounded_by_excel',
        zh: expect.stringContaining(raw),
      });
    },
  );
});
