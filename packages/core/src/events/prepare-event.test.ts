import { describe, expect, test } from 'vitest';
import { prepareEvent } from './prepare-event.ts';

const key = Buffer.alloc(32, 1);
const now = new Date('2026-06-01T00:00:00Z');
const order = (overrides: Record<string, unknown> = {}) => ({
  id: 'o-1',
  kind: 'order.paid',
  occurred_at: '2026-05-01T10:00:00+08:00',
  source: 'tmall',
  identities: [{ kind: 'phone', value: '13800138000' }],
  properties: { shop: 'tmall', order_id: 'T1', amount_fen: 12900 },
  ...overrides,
});

function errorsOf(raw: unknown) {
  const r = prepareEvent(raw, 0, key, now);
  return r.ok ? [] : r.errors;
}

describe('prepareEvent', () => {
  test('a valid order is prepared with its identities hashed, never in the clear', () => {
    const r = prepareEvent(order(), 0, key, now);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.event.identities[0]?.masked).toBe('138****8000');
      expect(r.event.identities[0]?.key).toMatch(/^[0-9a-f]{64}$/);
      expect(JSON.stringify(r.event.properties)).not.toContain('13800138000');
      expect(r.event.source).toBe('tmall');
    }
  });

  test.each([
    [{ kind: 'order.shipped' }, 'kind'],
    [{ id: undefined }, 'id'],
    [{ id: 42 }, 'id'],
    [{ occurred_at: '2026-05-01 10:00' }, 'occurred_at'],
    [{ identities: [] }, 'identities'],
    [{ identities: [{ kind: 'phone', value: '12345' }] }, 'identities.0.value'],
    [{ identities: [{ kind: 'wechat_openid', value: 'o1' }] }, 'identities.0.scope'],
    [{ properties: { shop: 'tmall', order_id: 'T1', amount_fen: '129' } }, 'properties.amount_fen'],
    [{ properties: { shop: 'tmall', order_id: 'T1', amount_fen: 12.5 } }, 'properties.amount_fen'],
    [{ properties: { shop: 'amazon', order_id: 'T1', amount_fen: 1 } }, 'properties.shop'],
    [{ properties: { shop: 'tmall', order_id: 'T1', amount_fen: 1, phone: '13800138000' } }, 'properties'],
    [{ extra: true }, '(event)'],
    [{ occurred_at: '2026-06-03T00:00:00Z' }, 'occurred_at'],
    [{ occurred_at: '1999-12-31T00:00:00Z' }, 'occurred_at'],
  ])('%j is rejected at %s', (overrides, path) => {
    const errors = errorsOf(order(overrides));
    expect(errors.map((e) => e.path)).toContain(path);
  });

  test('an event whose only identity is masked is rejected: it could never be matched', () => {
    const errors = errorsOf(order({ identities: [{ kind: 'phone', value: '138****8000' }] }));
    expect(errors).toEqual([
      { path: 'identities', message: expect.stringContaining('no matchable identity') },
    ]);
  });

  test('the body hash ignores spelling and key order but not content', () => {
    const hash = (raw: unknown) => {
      const r = prepareEvent(raw, 0, key, now);
      return r.ok ? r.event.bodyHash.toString('hex') : 'rejected';
    };
    const base = hash(order());
    expect(hash(order({ identities: [{ kind: 'phone', value: '+86 138 0013 8000' }] }))).toBe(base);
    expect(hash(order({ occurred_at: '2026-05-01T02:00:00Z' }))).toBe(base);
    expect(hash(order({ properties: { amount_fen: 12900, order_id: 'T1', shop: 'tmall' } }))).toBe(base);
    expect(hash(order({ properties: { shop: 'tmall', order_id: 'T1', amount_fen: 12901 } }))).not.toBe(base);
  });

  test("another person's identity in properties is kept only hashed and masked", () => {
    const r = prepareEvent(
      {
        id: 'r1',
        kind: 'referral',
        occurred_at: '2026-05-01T10:00:00Z',
        identities: [{ kind: 'phone', value: '13800138000' }],
        properties: { invitee: { kind: 'phone', value: '13900139000' } },
      },
      0,
      key,
      now,
    );
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(JSON.stringify(r.event.properties)).not.toContain('13900139000');
      expect(r.event.properties.invitee).toMatchObject({ kind: 'phone', masked: '139****9000' });
    }
  });
});
