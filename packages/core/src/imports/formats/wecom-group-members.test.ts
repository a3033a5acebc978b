import { describe, expect, test } from 'vitest';
import { communityIdFromName } from './community-support.ts';
import { csvText, linesOf } from './test-helpers.ts';
import { detectedId, mapWith } from './test-helpers-direct.ts';
import { viaOf, wecomGroupMembers } from './wecom-group-members.ts';

/** §7: the third-party SCRM's member export, one group per file. */
const SCRM = '群成员昵称,类型,入群时间,入群方式,邀请员工,unionid'.split(',');

/** The same with the API's ids a tool adds. */
const WITH_IDS = '群ID,群名称,群成员昵称,类型,userid,企业ID,入群时间,入群方式,邀请员工,unionid'.split(',');

const member = (over: Record<string, string>) => ({
  群成员昵称: '小美',
  类型: '外部联系人',
  入群时间: '2024-05-01 09:30:00',
  入群方式: '由群成员邀请入群',
  邀请员工: '运营小王',
  ...over,
});

describe('wecom_group_members', () => {
  test('is detected from the SCRM’s header and from one with ids, and not taken for another format', () => {
    expect(detectedId(wecomGroupMembers, SCRM)).toBe('wecom_group_members');
    expect(detectedId(wecomGroupMembers, WITH_IDS)).toBe('wecom_group_members');
    // The group list (群名字, 群主名字, … 创建时间) has no join time.
    expect(
      detectedId(
        wecomGroupMembers,
        '群名字,群主名字,群主所属部门,群人数,今日进群人数,今日退群人数,群标签,创建时间'.split(','),
      ),
    ).toBeNull();
    // WeCom's customer list stays what it is.
    expect(
      detectedId(
        wecomGroupMembers,
        '客户名称,描述,添加人,添加人账号,添加时间,来源,手机,类型,unionid,外部联系人ID'.split(','),
      ),
    ).toBe('wecom_customers');
  });

  test('the SCRM export: unionids join the group named by the file', async () => {
    const text = csvText(SCRM, [
      member({ unionid: 'oUnionMEI' }), // 2
      member({ 群成员昵称: '运营小王', 类型: '企业成员', 入群方式: '', 邀请员工: '' }), // 3
      member({
        群成员昵称: '小兰',
        入群方式: '通过扫描群二维码入群',
        unionid: 'oUnionLAN',
        入群时间: '2024/5/2 8:05',
      }), // 4
      member({ 群成员昵称: '阿强' }), // 5: no unionid
      member({ 群成员昵称: '小赵', unionid: 'oUnionZHAO', 入群时间: '' }), // 6
      member({ 群成员昵称: '小钱', unionid: 'oUnionQIAN', 入群时间: '五月一日' }), // 7
      member({ 群成员昵称: '小孙', unionid: 'oUnionSUN', 入群方式: '其他' }), // 8
      member({ 群成员昵称: '小李', unionid: '1.23E+18' }), // 9
    ]);
    const mapped = await mapWith(wecomGroupMembers, text, { fileName: '客户群成员/宝妈福利群.xlsx' });
    expect(linesOf(mapped.outcomes)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const community = communityIdFromName('宝妈福利群');
    expect(mapped.events).toEqual([
      {
        id: expect.stringMatching(new RegExp(`^wecom-join-${community}-oUnionMEI-[0-9a-f]{12}$`)),
        kind: 'community.joined',
        occurred_at: '2024-05-01T09:30:00+08:00',
        source: 'wecom',
        identities: [{ kind: 'wechat_unionid', value: 'oUnionMEI' }],
        properties: { community_id: community, via: 'invitation' },
      },
      expect.objectContaining({
        occurred_at: '2024-05-02T08:05:00+08:00',
        identities: [{ kind: 'wechat_unionid', value: 'oUnionLAN' }],
        properties: { community_id: community, via: 'qr_code' },
      }),
      expect.objectContaining({
        identities: [{ kind: 'wechat_unionid', value: 'oUnionSUN' }],
        properties: { community_id: community },
      }),
    ]);
    expect(mapped.skipped).toEqual([
      {
        kind: 'skipped',
        line: 3,
        reason: {
          code: 'own_staff',
          en: 'A member of the brand’s own staff (类型 企业成员), not a customer',
          zh: expect.stringContaining('类型“企业成员”'),
        },
      },
      {
        kind: 'skipped',
        line: 5,
        reason: {
          code: 'no_identifier',
          en: 'No identifier for "阿强" (no external user id or unionid): a nickname alone matches nobody',
          zh: expect.stringContaining('“阿强”'),
        },
      },
    ]);
    expect(mapped.rejected).toEqual([
      {
        kind: 'rejected',
        line: 6,
        column: '入群时间',
        reason: {
          code: 'join_time_empty',
          en: 'The time the member joined is empty.',
          zh: expect.stringContaining('入群时间'),
        },
      },
      {
        kind: 'rejected',
        line: 7,
        column: '入群时间',
        reason: expect.objectContaining({ en: '"五月一日" is not a date and time like 2026-06-19 10:00:00' }),
      },
      expect.objectContaining({
        line: 9,
        column: 'unionid',
        reason: expect.objectContaining({
          code: 'id_rounded_by_excel',
          en: expect.stringContaining('rounded by Excel'),
        }),
      }),
    ]);
  });

  test('with the API’s ids: the group’s chat id, its name, the external user id scoped by the corp', async () => {
    const text = csvText(WITH_IDS, [
      member({
        群ID: 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA',
        群名称: '宝妈福利群',
        userid: 'wmEXTERNAL01',
        企业ID: 'ww1234567890',
        unionid: 'oUnionMEI',
        入群时间: '1714527000',
        入群方式: '3',
      }), // 2
      member({ 群ID: 'wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA', 类型: '1', userid: 'wangxiao' }), // 3: staff by code
      member({ 群名称: '新品体验官群', 类型: '2', userid: 'wmEXTERNAL02', 入群方式: '2' }), // 4: no group id
    ]);
    const mapped = await mapWith(wecomGroupMembers, text, { fileName: 'members.csv' });
    expect(mapped.events).toEqual([
      {
        id: expect.stringMatching(
          /^wecom-join-wecom-group-wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA-wmEXTERNAL01-[0-9a-f]{12}$/,
        ),
        kind: 'community.joined',
        // 1714527000 is 2024-05-01 01:30:00 UTC.
        occurred_at: '2024-05-01T09:30:00+08:00',
        source: 'wecom',
        identities: [
          { kind: 'wecom_external_userid', value: 'wmEXTERNAL01', scope: 'ww1234567890' },
          { kind: 'wechat_unionid', value: 'oUnionMEI' },
        ],
        properties: {
          community_id: 'wecom-group-wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA',
          community_name: '宝妈福利群',
          via: 'qr_code',
        },
      },
      expect.objectContaining({
        identities: [{ kind: 'wecom_external_userid', value: 'wmEXTERNAL02' }],
        properties: {
          community_id: communityIdFromName('新品体验官群'),
          community_name: '新品体验官群',
          via: 'invitation',
        },
      }),
    ]);
    expect(mapped.skipped).toEqual([
      {
        kind: 'skipped',
        line: 3,
        reason: expect.objectContaining({ en: 'A member of the brand’s own staff (类型 1), not a customer' }),
      },
    ]);
    expect(mapped.rejected).toEqual([]);
  });

  test('a userid without a type saying external is not taken for an external user id', async () => {
    const header = '群名称,群成员昵称,userid,入群时间'.split(',');
    const text = csvText(header, [
      { 群名称: '群', 群成员昵称: '谁', userid: 'zhangsan', 入群时间: '2024-05-01 09:30:00' },
      { 群名称: '群', 群成员昵称: '', userid: 'lisi', 入群时间: '2024-05-01 09:30:00' },
    ]);
    const mapped = await mapWith(wecomGroupMembers, text);
    expect(mapped.skipped).toEqual([
      {
        kind: 'skipped',
        line: 2,
        reason: expect.objectContaining({
          en: 'No identifier for "谁" (no external user id or unionid): a nickname alone matches nobody',
        }),
      },
      {
        kind: 'skipped',
        line: 3,
        reason: {
          code: 'no_identifier',
          en: 'No identifier for this member (no external user id or unionid): a nickname alone matches nobody',
          zh: expect.stringMatching(/^该群成员没有任何标识/),
        },
      },
    ]);
  });

  test('join ways', () => {
    expect(
      [
        '由群成员邀请入群',
        '通过邀请链接入群',
        '1',
        '2',
        '通过扫描群二维码入群',
        '3',
        '通过搜索入群',
        '其他',
        '',
      ].map((way) => viaOf(way === '' ? null : way)),
    ).toEqual([
      'invitation',
      'invitation',
      'invitation',
      'invitation',
      'qr_code',
      'qr_code',
      'search',
      null,
      null,
    ]);
  });

  test('importing the same file twice gives identical events, each member its own id', async () => {
    const text = csvText(SCRM, [
      member({ unionid: 'oA' }),
      member({ unionid: 'oB' }),
      member({ unionid: 'oA', 入群时间: '2024-06-01 10:00:00' }), // re-joined later: a new fact
    ]);
    const first = await mapWith(wecomGroupMembers, text, { fileName: 'g.csv' });
    const second = await mapWith(wecomGroupMembers, text, { fileName: 'g.csv' });
    expect(first.outcomes).toEqual(second.outcomes);
    expect(new Set(first.events.map((e) => e.id)).size).toBe(3);
  });
});
