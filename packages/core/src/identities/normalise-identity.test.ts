import { describe, expect, test } from 'vitest';
import { maskIdentity, matchKey, normaliseIdentity } from './normalise-identity.ts';

const norm = (kind: Parameters<typeof normaliseIdentity>[0]['kind'], value: string, scope?: string) =>
  normaliseIdentity({ kind, value, ...(scope ? { scope } : {}) });

describe('normaliseIdentity', () => {
  test.each([
    '13800138000',
    '+86 138 0013 8000',
    '0086-138-0013-8000',
    '86 13800138000',
    '１３８００１３８０００',
    ' 138 0013 8000 ',
  ])('phone %j becomes 13800138000', (raw) => {
    const r = norm('phone', raw);
    expect(r).toEqual({
      ok: true,
      identity: { kind: 'phone', scope: '', value: '13800138000', matchable: true },
    });
  });

  test.each(['12800138000', '1380013800', '138001380001', 'abc', '021-12345678'])(
    'phone %j is rejected',
    (raw) => {
      expect(norm('phone', raw).ok).toBe(false);
    },
  );

  test.each([
    ['phone', '138****8000'],
    ['taobao_nick', 't**1'],
    ['phone', '##AAECAwQFBgc='],
    ['douyin_id', '$$abc$$'],
  ] as const)('%s %j is kept but never matches', (kind, raw) => {
    const r = norm(kind, raw);
    expect(r.ok && r.identity.matchable).toBe(false);
  });

  test('email is case-folded, platform ids are not', () => {
    const email = norm('email', 'Li.Lei@Example.COM');
    expect(email.ok && email.identity.value).toBe('li.lei@example.com');
    const openid = norm('wechat_openid', 'oAbC123', 'wxapp');
    expect(openid.ok && openid.identity.value).toBe('oAbC123');
  });

  test('the match key separates kinds and scopes', () => {
    const a = norm('wechat_openid', 'o1', 'app1');
    const b = norm('wechat_openid', 'o1', 'app2');
    const c = norm('jd_pin', 'o1');
    if (!a.ok || !b.ok || !c.ok) {
      throw new Error('expected valid identities');
    }
    expect(new Set([matchKey(a.identity), matchKey(b.identity), matchKey(c.identity)]).size).toBe(3);
  });
});

describe('maskIdentity', () => {
  test('phones show the first three and last four digits', () => {
    expect(maskIdentity('phone', '13800138000')).toBe('138****8000');
  });
  test('other values keep only their edges', () => {
    expect(maskIdentity('taobao_nick', '小鹿爱美丽88')).toBe('小***8');
    expect(maskIdentity('email', 'lilei@example.com')).toBe('l***@example.com');
    expect(maskIdentity('wechat_unionid', 'oUnion1234567890abcd')).toBe('oUni***abcd');
    expect(maskIdentity('jd_pin', 'ab')).toBe('a*');
  });
  test('already masked values stay as they are', () => {
    expect(maskIdentity('phone', '138****8000')).toBe('138****8000');
  });
});
