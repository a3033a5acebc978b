import { describe, expect, test } from 'vitest';
import { byAge, type GraphIdentity, IdentityGraph } from './identity-graph.ts';

const phone = (n: number): GraphIdentity => ({ key: `phone${n}`, slot: null });
const nick = (n: number): GraphIdentity => ({ key: `nick${n}`, slot: null });
const union = (n: number): GraphIdentity => ({ key: `union${n}`, slot: 'wechat_unionid/' });

function graph() {
  let next = 0;
  return new IdentityGraph(() => --next);
}

describe('IdentityGraph', () => {
  test('a record of unknown identities is a new profile', () => {
    const g = graph();
    expect(g.apply([phone(1), nick(1)])).toEqual({ type: 'new', group: -1, added: ['phone1', 'nick1'] });
    expect(g.groupOf('nick1')).toBe(-1);
  });

  test('a record sharing one identity attaches the rest', () => {
    const g = graph();
    g.apply([phone(1)]);
    expect(g.apply([phone(1), nick(1)])).toEqual({ type: 'attach', group: -1, added: ['nick1'] });
  });

  test('a record joining two profiles merges them into the oldest', () => {
    const g = graph();
    g.seed(7, phone(1));
    g.seed(3, nick(1));
    const outcome = g.apply([phone(1), nick(1), union(1)]);
    expect(outcome).toEqual({
      type: 'merge',
      group: 3,
      absorbed: [{ group: 7, keys: ['phone1'] }],
      added: ['union1'],
    });
    expect(g.groupOf('phone1')).toBe(3);
  });

  test('two unionids never end up in one profile', () => {
    const g = graph();
    g.apply([union(1), phone(1)]);
    g.apply([union(2), nick(2)]);
    const outcome = g.apply([phone(1), nick(2)]);
    expect(outcome).toEqual({ type: 'conflict', groups: [-1, -2], slots: ['wechat_unionid/'], added: [] });
    expect(g.groupOf('phone1')).not.toBe(g.groupOf('nick2'));
  });

  test('a new unionid does not attach to a profile that has another', () => {
    const g = graph();
    g.apply([union(1), phone(1)]);
    const outcome = g.apply([phone(1), union(2)]);
    expect(outcome.type).toBe('conflict');
    expect(g.groupOf('union2')).not.toBe(g.groupOf('union1'));
  });

  test('one record with two unionids merges nothing', () => {
    const g = graph();
    const outcome = g.apply([union(1), union(2), phone(1)]);
    expect(outcome.type).toBe('conflict');
    expect(new Set([g.groupOf('union1'), g.groupOf('union2'), g.groupOf('phone1')]).size).toBe(3);
  });

  test('the same unionid twice is not a conflict', () => {
    const g = graph();
    g.apply([union(1), phone(1)]);
    expect(g.apply([union(1), nick(1)]).type).toBe('attach');
  });

  test('stored profiles are older than new ones, and earlier new ones older than later ones', () => {
    expect([-2, 5, -1, 3].sort(byAge)).toEqual([3, 5, -1, -2]);
  });
});
