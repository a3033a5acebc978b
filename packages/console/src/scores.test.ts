import { RUN_STEPS } from '@hatchery/core';
import { expect, test } from 'vitest';
import { dictionaries, type MessageKey } from './i18n-dictionary.ts';
import {
  modelProblems,
  type Reason,
  reasonText,
  runStepName,
  tagName,
  type ValueModelConfig,
  weightsSum,
} from './scores.ts';

const tOf =
  (lang: 'zh' | 'en') =>
  (key: MessageKey, vars?: Record<string, string | number>): string =>
    dictionaries[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars?.[name] ?? `{${name}}`));

test('every reason code is worded in both languages with its numbers', () => {
  const reasons: Reason[] = [
    { code: 'super_user', total: 89.2, cutoff: 71.4, share: 0.01 },
    { code: 'second_tier', total: 60.04, cutoff: 55, share: 0.04 },
    { code: 'koc_candidate', koc: 99, min_score: 60, consumption: 75, min_lead: 20 },
    { code: 'top_value', value: 'social', score: 99 },
  ];
  expect(reasons.map((r) => reasonText(tOf('zh'), r))).toEqual([
    '总分 89.2 ≥ 超级用户门槛 71.4（前 1%）',
    '总分 60.0 ≥ 二级核心门槛 55.0（其后 4%）',
    'KOC 分 99.0 ≥ 60.0，且高出消费价值 24.0（≥ 20.0）',
    '社交价值 99（前 20%）',
  ]);
  expect(reasonText(tOf('en'), reasons[3]!)).toBe('Social value 99 (top 20%)');
  expect(reasonText(tOf('en'), { code: 'super_user', total: 90, cutoff: 80, share: 0.005 })).toBe(
    'Total 90.0 ≥ super-user cut-off 80.0 (top 0.5%)',
  );
  for (const lang of ['zh', 'en'] as const) {
    for (const r of reasons) {
      expect(reasonText(tOf(lang), r)).not.toMatch(/\{\w+\}/);
    }
  }
});

test('tags are named from the glossary; shops by their names', () => {
  const shop = (s: string) => (s === 'tmall' ? '天猫' : s);
  expect(tagName('activity:very_active', 'zh', shop)).toBe('极其活跃');
  expect(tagName('activity:silent', 'en', shop)).toBe('Silent');
  expect(tagName('shop:tmall', 'zh', shop)).toBe('天猫');
  expect(tagName('manual:vip', 'zh', shop)).toBe('manual:vip');
});

const MODEL: ValueModelConfig = {
  weights: { consumption: 0.4, interaction: 0.2, content: 0.2, social: 0.2 },
  super_user_share: 0.01,
  second_tier_share: 0.04,
  koc: { min_score: 60, min_lead_over_consumption: 20 },
  activity_days: { very_active: 15, active: 5, occasional: 1 },
};

test('the settings refuse what the server would: weights off 1, bad shares, thresholds out of order', () => {
  expect(modelProblems(MODEL)).toEqual([]);
  // 0.1 + 0.7 + 0.1 + 0.1 is 0.9999999999999999 in floating point: still 1.
  expect(
    modelProblems({ ...MODEL, weights: { consumption: 0.1, interaction: 0.7, content: 0.1, social: 0.1 } }),
  ).toEqual([]);
  expect(weightsSum({ consumption: 0.1, interaction: 0.2, content: 0.2, social: 0.2 })).toBe(0.7);
  expect(modelProblems({ ...MODEL, weights: { ...MODEL.weights, consumption: 0.1 } })).toEqual([
    'settings.weightsMustSum',
  ]);
  expect(modelProblems({ ...MODEL, super_user_share: 0 })).toEqual(['settings.superShareZero']);
  expect(modelProblems({ ...MODEL, super_user_share: 0.6, second_tier_share: 0.5 })).toEqual([
    'settings.sharesTooBig',
  ]);
  expect(modelProblems({ ...MODEL, activity_days: { very_active: 5, active: 5, occasional: 1 } })).toEqual([
    'settings.activityOrder',
  ]);
  expect(modelProblems({ ...MODEL, activity_days: { very_active: 15, active: 5, occasional: 0 } })).toEqual([
    'settings.activityOrder',
  ]);
});

test('every step a scoring run reports is worded in both languages', () => {
  for (const step of RUN_STEPS) {
    const zh = runStepName(step, 'zh');
    expect(zh, step).toMatch(/\p{Script=Han}/u);
    expect(runStepName(step, 'en'), step).not.toBe(step);
  }
  expect(runStepName('cutoffs', 'zh')).toBe('计算分位门槛，拟合生命周期模型');
  expect(runStepName('a-step-from-a-newer-server', 'zh')).toBe('a-step-from-a-newer-server');
});
