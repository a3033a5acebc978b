import { describe, expect, test } from 'vitest';
import { countHeaderMatches, normalizeHeaderName, uniqueHeaderNames } from './header-row.ts';

describe('header names', () => {
  test.each([
    ['收货地址 ', '收货地址'], // Taobao's trailing spaces (§0.6)
    ['\ufeff主订单编号', '主订单编号'], // BOM glued to the first name (§0.2)
    ['\t订单号\u00a0', '订单号'],
    ['\u3000订单号', '订单号'],
    ['商品总价（元）', '商品总价(元)'], // PDD, both spellings meet
    ['商品总价(元)', '商品总价(元)'],
    ['商家备注等级（等级1-5为由高到低）', '商家备注等级(等级1-5为由高到低)'], // JD
    ['【赠品】', '[赠品]'],
    ['订单\u200b号', '订单号'],
  ])('%j → %j', (raw, name) => {
    expect(normalizeHeaderName(raw)).toBe(name);
  });

  test('repeated names are kept apart and empty ones named by position (Youzan: §0.14)', () => {
    expect(uniqueHeaderNames(['订单号', '分销员', '买家', '分销员 ', '分销员', ''])).toEqual([
      '订单号',
      '分销员',
      '买家',
      '分销员#2',
      '分销员#3',
      '#6',
    ]);
    expect(uniqueHeaderNames(['a', 'a#2', 'a'])).toEqual(['a', 'a#2', 'a#3']);
  });

  test('matches are counted on normalised, distinct names', () => {
    const expected = new Set(['订单编号', '订单付款时间', '商品总价(元)']);
    expect(
      countHeaderMatches(['订单编号', '订单编号', '订单付款时间 ', '商品总价（元）', '其他'], expected),
    ).toBe(3);
    expect(countHeaderMatches(['订单报表'], expected)).toBe(0);
  });
});
