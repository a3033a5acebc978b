import { describe, expect, test } from 'vitest';
import { detectFormat } from './index.ts';
import { csvText, linesOf, mapFile } from './test-helpers.ts';

/** §6: the columns of the admin export as re-implemented, plus the ids an export may carry. */
const HEADER =
  '客户名称,描述,添加人,添加人账号,添加人所属部门,添加时间,来源,手机,企业,邮箱,地址,职务,电话,标签组1(学员等级),外部联系人ID,企业ID,unionid,备注手机号'.split(
    ',',
  );

const contact = (over: Record<string, string>) => ({
  客户名称: '小美',
  添加人: '运营小王',
  添加人账号: 'wangxiao',
  添加时间: '2024-05-01 09:30:00',
  ...over,
});

describe('wecom_customers', () => {
  const text = csvText(HEADER, [
    contact({
      外部联系人ID: 'wmABCDEF123',
      企业ID: 'ww1234567890',
      unionid: 'oUnion001',
      手机: '13800138000',
      备注手机号: '13800138000、13900139000',
      邮箱: 'Mei@Example.com',
    }), // 2
    contact({ 外部联系人ID: 'wmONLY' }), // 3
    contact({ 手机: '138****1234' }), // 4: a masked phone only
    contact({ 电话: '021-12345678' }), // 5: a landline only: nothing to match on
    contact({ 外部联系人ID: 'wmX', 添加时间: '' }), // 6
    contact({ 外部联系人ID: 'wmY', 添加时间: '五月一日' }), // 7
    contact({ 外部联系人ID: 'wmONLY', 添加人账号: 'lisi', 添加时间: '2024-05-02 10:00:00' }), // 8: a second staff
  ]);

  test('is detected from the inferred header, and from the two re-implementations’ columns alone', () => {
    expect(detectFormat(HEADER)?.format.id).toBe('wecom_customers');
    expect(
      detectFormat(
        '客户名称,描述,添加人,添加人账号,添加人所属部门,添加时间,来源,手机,企业,邮箱,地址,职务,电话'.split(
          ',',
        ),
      )?.format.id,
    ).toBe('wecom_customers');
  });

  test('each row links what it knows of the customer', async () => {
    const mapped = await mapFile(text, { expect: 'wecom_customers' });
    expect(linesOf(mapped.outcomes)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const [full, only, masked, , , , second] = mapped.outcomes;
    expect(full).toEqual({
      kind: 'events',
      lines: [2],
      events: [
        {
          id: expect.stringMatching(/^wecom-contact-[0-9a-f]{32}$/),
          kind: 'identity.linked',
          occurred_at: '2024-05-01T09:30:00+08:00',
          source: 'wecom',
          identities: [
            { kind: 'wecom_external_userid', value: 'wmABCDEF123', scope: 'ww1234567890' },
            { kind: 'wechat_unionid', value: 'oUnion001' },
            { kind: 'phone', value: '13800138000' },
            { kind: 'phone', value: '13900139000' },
            { kind: 'email', value: 'mei@example.com' },
          ],
          properties: {},
        },
      ],
    });
    expect(only).toMatchObject({
      events: [{ identities: [{ kind: 'wecom_external_userid', value: 'wmONLY' }] }],
    });
    expect(masked).toMatchObject({ events: [{ identities: [{ kind: 'phone', value: '138****1234' }] }] });
    expect(second).toMatchObject({ events: [{ occurred_at: '2024-05-02T10:00:00+08:00' }] });
    // The same customer added by two staff members: two facts, two ids.
    const ids = mapped.events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(mapped.skipped).toEqual([
      {
        kind: 'skipped',
        line: 5,
        reason: {
          code: 'no_identifier',
          en: 'No identifier for "小美" (no external id, unionid, mobile or email): a name alone matches nobody',
          zh: expect.stringContaining('“小美”'),
        },
      },
    ]);
    expect(mapped.rejected).toEqual([
      {
        kind: 'rejected',
        line: 6,
        column: '添加时间',
        reason: {
          code: 'added_time_empty',
          en: 'The time the contact was added is empty.',
          zh: expect.stringContaining('添加时间'),
        },
      },
      expect.objectContaining({
        line: 7,
        column: '添加时间',
        reason: expect.objectContaining({ code: 'not_a_time', zh: expect.stringContaining('“五月一日”') }),
      }),
    ]);
  });

  test('importing the same file twice gives identical events', async () => {
    expect((await mapFile(text)).outcomes).toEqual((await mapFile(text)).outcomes);
  });
});
