import { expect, test } from 'vitest';
import { dateTime, yuan } from './format.ts';
import { dictionaries } from './i18n-dictionary.ts';

test('money is shown in yuan with two decimals', () => {
  expect(yuan(0)).toBe('¥0.00');
  expect(yuan(29_900)).toBe('¥299.00');
  expect(yuan(123_456_789)).toBe('¥1,234,567.89');
  expect(yuan(-5)).toBe('-¥0.05');
});

test('times are shown in the workspace time zone', () => {
  expect(dateTime('2026-11-10T16:03:12Z', 'Asia/Shanghai')).toBe('2026-11-11 00:03');
  expect(dateTime('2026-11-10T16:03:12Z', 'UTC')).toBe('2026-11-10 16:03');
  expect(dateTime(null, 'UTC')).toBe('—');
});

test('the English dictionary has every Chinese key and no empty text', () => {
  expect(Object.keys(dictionaries.en).sort()).toEqual(Object.keys(dictionaries.zh).sort());
  for (const text of [...Object.values(dictionaries.en), ...Object.values(dictionaries.zh)]) {
    expect(text.trim()).not.toBe('');
  }
});
