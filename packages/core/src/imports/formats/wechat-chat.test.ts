import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { IdentityInput } from '../../identities/identity.schema.ts';
import { communityIdFromName } from './community-support.ts';
import { linesOf } from './test-helpers.ts';
import { detectedId, mapWith } from './test-helpers-direct.ts';
import { createWechatChat, wechatChat, wxidReason } from './wechat-chat.ts';

const SAMPLE = fileURLToPath(
  new URL(
    '../../../../../../shared/formats/samples/wechat_chat/pywxdump_v1_content_json.csv',
    import.meta.url,
  ),
);

const OWN = 'Sent by the account the chat was exported from (the brand’s own staff)';
const PRIVATE = 'One-to-one chat, not a group: only group messages are community activity';

/** As if wxids had an identity kind: a lookup the tests give, to see the events built. */
const KNOWN: Record<string, IdentityInput> = {
  wxid_mei: { kind: 'wecom_external_userid', value: 'wmMEI' },
  wxid_lan: { kind: 'wechat_unionid', value: 'oLAN' },
};
const withLookup = createWechatChat((wxid) => KNOWN[wxid] ?? null);

function csv(header: string, rows: readonly string[]): string {
  return `${[header, ...rows].join('\n')}\n`;
}

describe('wechat_chat: the sample (older PyWxDump layout, a one-to-one chat)', () => {
  test('is detected as a chat export, and by no other format', async () => {
    const header = 'id,MsgSvrID,type_name,is_sender,talker,room_name,content,CreateTime'.split(',');
    expect(detectedId(wechatChat, header)).toBe('wechat_chat');
  });

  test('every row is accounted for: a system message, the exporter’s own, and the friend’s in a private chat', async () => {
    const mapped = await mapWith(wechatChat, createReadStream(SAMPLE), {
      fileName: 'pywxdump_v1_content_json.csv',
    });
    expect(linesOf(mapped.outcomes)).toEqual(Array.from({ length: 35 }, (_, i) => i + 2));
    expect(mapped.events).toEqual([]);
    expect(mapped.rejected).toEqual([]);
    const byReason = new Map<string, number[]>();
    for (const s of mapped.skipped) {
      byReason.set(s.reason.en, [...(byReason.get(s.reason.en) ?? []), s.line]);
    }
    expect(new Set(mapped.skipped.map((s) => s.reason.code))).toEqual(
      new Set(['system_message', 'own_staff', 'private_chat']),
    );
    expect(mapped.skipped.find((s) => s.line === 6)?.reason.zh).toContain('私聊');
    expect(byReason).toEqual(
      new Map([
        ['System message (系统通知): not written by a member', [2]],
        [OWN, [3, 4, 5, 9, 10, 11, 12, 15, 16, 17, 18, 19, 22, 23, 24, 25, 30, 32, 34, 35]],
        [PRIVATE, [6, 7, 8, 13, 14, 20, 21, 26, 27, 28, 29, 31, 33, 36]],
      ]),
    );
  });

  test('the same file as a group chat: a member’s message is matched on their wxid', async () => {
    const text = csv('id,MsgSvrID,type_name,is_sender,talker,room_name,content,CreateTime', [
      '1,953020244103908134,文本,0,wxid_fake_friend01,20001@chatroom,"{""src"": """", ""msg"": ""哦吼""}",2023-08-12 23:22:54',
    ]);
    const mapped = await mapWith(wechatChat, text);
    expect(mapped.rejected).toEqual([]);
    expect(mapped.events.map((e) => e.identities)).toEqual([
      [{ kind: 'wechat_wxid', value: 'wxid_fake_friend01' }],
    ]);
  });
});

describe('wechat_chat: PyWxDump, current layout', () => {
  const text = csv('id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime', [
    '1,1001,文本,0,wxid_mei,34567@chatroom,你好👍 ok,,2024-10-04 11:42:05', // 2
    '2,1002,图片,0,wxid_lan,34567@chatroom,图片,FileStorage\\a.dat,2024-10-04 11:43:00', // 3
    '3,1003,(分享)卡片式链接,0,wxid_mei,34567@chatroom,某文章,,2024/10/4 11:44', // 4: re-saved in Excel
    '4,1004,引用回复,0,wxid_mei,34567@chatroom,[引用](2024-10-04)小兰:好,,2024-10-04 11:45:00', // 5
    '5,1005,语音,0,wxid_lan,34567@chatroom,语音时长：3.00秒,,2024-10-04 11:46:00', // 6
    '6,1006,动画表情,0,wxid_lan,34567@chatroom,表情,,2024-10-04 11:47:00', // 7
    '7,1007,视频,0,wxid_mei,34567@chatroom,视频,,2024-10-04 11:48:00', // 8
    '8,1008,位置,0,wxid_mei,34567@chatroom,位置,,2024-10-04 11:49:00', // 9: other
    '9,1009,拍一拍,0,wxid_mei,34567@chatroom,"""小美"" 拍了拍 ""小兰""",,2024-10-04 11:50:00', // 10
    '10,1010,消息撤回5,0,wxid_mei,34567@chatroom,撤回了一条消息,,2024-10-04 11:50:01', // 11
    '11,1011,文本,1,我,34567@chatroom,欢迎欢迎,,2024-10-04 11:51:00', // 12
    '12,1012,文本,0,wxid_zhao,34567@chatroom,谁,,2024-10-04 11:52:00', // 13: unknown wxid
    '13,1013,文本,0,,34567@chatroom,没人,,2024-10-04 11:53:00', // 14
    '14,1014,文本,0,wxid_mei,34567@chatroom,好,,昨天', // 15
    '15,,文本,0,wxid_mei,34567@chatroom,好,,', // 16
    '16,1.23E+18,文本,0,wxid_mei,34567@chatroom,好,,2024-10-04 11:54:00', // 17
    '17,,文本,0,wxid_mei,34567@chatroom,同一秒,,2024-10-04 11:55:00', // 18: no server id
    '18,1018,,0,wxid_mei,34567@chatroom,?,,2024-10-04 11:56:00', // 19
  ]);

  test('is detected', () => {
    const header = 'id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime'.split(',');
    expect(detectedId(wechatChat, header)).toBe('wechat_chat');
    // WeFlow's variant, without room_name.
    expect(
      detectedId(wechatChat, 'id,MsgSvrID,type_name,is_sender,talker,msg,src,CreateTime'.split(',')),
    ).toBe('wechat_chat');
  });

  test('messages become message.sent in the room’s community, keeping only type and length', async () => {
    const mapped = await mapWith(withLookup, text, { fileName: 'wxid_me_0_5000.csv' });
    expect(linesOf(mapped.outcomes)).toEqual(Array.from({ length: 18 }, (_, i) => i + 2));
    const community = 'wechat-room-34567@chatroom';
    const mei = { kind: 'wecom_external_userid', value: 'wmMEI' };
    const lan = { kind: 'wechat_unionid', value: 'oLAN' };
    expect(mapped.events).toEqual([
      {
        id: 'wechat-msg-1001',
        kind: 'message.sent',
        occurred_at: '2024-10-04T11:42:05+08:00',
        source: 'wechat',
        identities: [mei],
        properties: { community_id: community, message_type: 'text', length: 6 },
      },
      expect.objectContaining({
        id: 'wechat-msg-1002',
        identities: [lan],
        properties: { community_id: community, message_type: 'image' },
      }),
      expect.objectContaining({
        id: 'wechat-msg-1003',
        occurred_at: '2024-10-04T11:44:00+08:00',
        properties: { community_id: community, message_type: 'link' },
      }),
      expect.objectContaining({ properties: { community_id: community, message_type: 'text' } }),
      expect.objectContaining({ properties: { community_id: community, message_type: 'voice' } }),
      expect.objectContaining({ properties: { community_id: community, message_type: 'emoji' } }),
      expect.objectContaining({ properties: { community_id: community, message_type: 'video' } }),
      expect.objectContaining({ properties: { community_id: community, message_type: 'other' } }),
      expect.objectContaining({
        id: expect.stringMatching(/^wechat-msg-[0-9a-f]{32}$/),
        occurred_at: '2024-10-04T11:55:00+08:00',
        properties: { community_id: community, message_type: 'text', length: 3 },
      }),
    ]);
    expect(mapped.events.map((e) => e.id).slice(0, 8)).toEqual(
      ['1001', '1002', '1003', '1004', '1005', '1006', '1007', '1008'].map((n) => `wechat-msg-${n}`),
    );
    expect(JSON.stringify(mapped.events)).not.toContain('你好');
    expect(mapped.skipped).toEqual([
      {
        kind: 'skipped',
        line: 10,
        reason: {
          code: 'system_message',
          en: 'System message (拍一拍): not written by a member',
          zh: expect.stringContaining('“拍一拍”'),
        },
      },
      {
        kind: 'skipped',
        line: 11,
        reason: expect.objectContaining({ en: 'System message (消息撤回5): not written by a member' }),
      },
      { kind: 'skipped', line: 12, reason: expect.objectContaining({ code: 'own_staff', en: OWN }) },
    ]);
    expect(mapped.rejected).toEqual([
      { kind: 'rejected', line: 13, column: 'talker', reason: wxidReason('wxid_zhao') },
      {
        kind: 'rejected',
        line: 14,
        column: 'talker',
        reason: { code: 'sender_empty', en: 'The sender is empty.', zh: expect.stringContaining('发送者') },
      },
      {
        kind: 'rejected',
        line: 15,
        column: 'CreateTime',
        reason: expect.objectContaining({ en: '"昨天" is not a date and time like 2026-06-19 10:00:00' }),
      },
      {
        kind: 'rejected',
        line: 16,
        column: 'CreateTime',
        reason: {
          code: 'message_time_empty',
          en: 'The time of the message is empty.',
          zh: expect.stringContaining('消息时间'),
        },
      },
      expect.objectContaining({
        line: 17,
        column: 'MsgSvrID',
        reason: expect.objectContaining({ en: expect.stringContaining('was rounded by Excel') }),
      }),
      {
        kind: 'rejected',
        line: 19,
        column: 'type_name',
        reason: expect.objectContaining({ code: 'message_type_empty', en: 'The message type is empty.' }),
      },
    ]);
    expect(wxidReason('wxid_zhao')).toEqual({
      code: 'sender_unmatched',
      en: 'The sender "wxid_zhao" has no identity to match a customer on.',
      zh: expect.stringContaining('“wxid_zhao”'),
    });
  });

  test('importing the same file twice gives identical outcomes', async () => {
    expect((await mapWith(withLookup, text)).outcomes).toEqual((await mapWith(withLookup, text)).outcomes);
  });
});

describe('wechat_chat: WeChatMsg / 留痕', () => {
  const header =
    'localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender';
  const row = (localId: number, type: string, sub: string, isSender: string, time: string, content: string) =>
    `${localId},88888@chatroom,${type},${sub},${isSender},${time},2,${content},2023-08-12 23:22:41,,小美,${
      isSender === '1' ? 'wxid_me' : 'wxid_mei'
    }`;
  const text = `\ufeff${csv(header, [
    row(1, '1', '0', '0', '1691853761', '早上好'), // 2
    row(2, '3', '0', '0', '1691853762', '<msg><img/></msg>'), // 3
    row(3, '34', '0', '0', '1691853763', '<msg><voicemsg/></msg>'), // 4
    row(4, '43', '0', '0', '1691853764', '<msg/>'), // 5
    row(5, '47', '0', '0', '1691853765', '<msg><emoji/></msg>'), // 6
    row(6, '49', '5', '0', '1691853766', '<msg><appmsg/></msg>'), // 7
    row(7, '49', '57', '0', '1691853767', '<msg><appmsg/></msg>'), // 8
    row(8, '49', '6', '0', '1691853768', '<msg><appmsg/></msg>'), // 9
    row(9, '10000', '0', '0', '1691853769', '小美邀请小兰加入了群聊'), // 10
    row(10, '1', '0', '1', '1691853770', '欢迎'), // 11
    row(11, '1', '0', '0', '', '时间在 StrTime'), // 12
    row(12, 'x', '0', '0', '1691853771', '?'), // 13
    row(13, '1', '0', '0', '1.69185E+09', 'Excel'), // 14
  ])}`;

  test('is detected', () => {
    expect(detectedId(wechatChat, header.split(','))).toBe('wechat_chat');
  });

  test('type codes, Unix-second times in the workspace’s zone, ids from a digest', async () => {
    const mapped = await mapWith(withLookup, text, {
      fileName: '妈妈群_utf8.csv',
      timeZone: 'Europe/Berlin',
    });
    expect(linesOf(mapped.outcomes)).toEqual(Array.from({ length: 13 }, (_, i) => i + 2));
    const props = mapped.events.map((e) => e.properties);
    const community = 'wechat-room-88888@chatroom';
    expect(props).toEqual([
      { community_id: community, message_type: 'text', length: 3 },
      { community_id: community, message_type: 'image' },
      { community_id: community, message_type: 'voice' },
      { community_id: community, message_type: 'video' },
      { community_id: community, message_type: 'emoji' },
      { community_id: community, message_type: 'link' },
      { community_id: community, message_type: 'text' },
      { community_id: community, message_type: 'other' },
      { community_id: community, message_type: 'text', length: 11 },
    ]);
    // 1691853761 is 2023-08-12 15:22:41 UTC: 17:22:41 in Berlin's summer time.
    expect(mapped.events[0]).toMatchObject({
      id: expect.stringMatching(/^wechat-msg-[0-9a-f]{32}$/),
      occurred_at: '2023-08-12T17:22:41+02:00',
      identities: [{ kind: 'wecom_external_userid', value: 'wmMEI' }],
    });
    // CreateTime empty: StrTime, local.
    expect(mapped.events[8]?.occurred_at).toBe('2023-08-12T23:22:41+02:00');
    expect(new Set(mapped.events.map((e) => e.id)).size).toBe(9);
    expect(mapped.skipped).toEqual([
      {
        kind: 'skipped',
        line: 10,
        reason: expect.objectContaining({ en: 'System message (10000/0): not written by a member' }),
      },
      { kind: 'skipped', line: 11, reason: expect.objectContaining({ en: OWN }) },
    ]);
    expect(mapped.rejected).toEqual([
      {
        kind: 'rejected',
        line: 13,
        column: 'Type',
        reason: {
          code: 'not_a_message_type',
          en: '"x" is not a message type code',
          zh: expect.stringContaining('“x”'),
        },
      },
      expect.objectContaining({
        line: 14,
        column: 'CreateTime',
        reason: expect.objectContaining({
          code: 'time_rounded_by_excel',
          en: expect.stringContaining('was rounded by Excel'),
        }),
      }),
    ]);
  });

  test('in Shanghai the same instant is 23:22:41+08:00', async () => {
    const mapped = await mapWith(withLookup, text);
    expect(mapped.events[0]?.occurred_at).toBe('2023-08-12T23:22:41+08:00');
  });

  test('by default every member’s message is matched on the sender’s wxid', async () => {
    const mapped = await mapWith(wechatChat, text);
    expect(mapped.rejected.map((r) => r.line)).toEqual([13, 14]);
    expect([...new Set(mapped.events.map((e) => JSON.stringify(e.identities)))]).toEqual([
      JSON.stringify([{ kind: 'wechat_wxid', value: 'wxid_mei' }]),
    ]);
    expect(mapped.events).toHaveLength(9);
  });
});

describe('wechat_chat: the community from the file name when no row names the room', () => {
  const weflow = csv('id,MsgSvrID,type_name,is_sender,talker,msg,src,CreateTime', [
    '1,2001,文本,0,wxid_mei,hi,,2024-10-04 11:42:05',
  ]);
  const communityOf = async (fileName: string) =>
    (await mapWith(withLookup, weflow, { fileName })).events[0]?.properties?.community_id;

  test('a group name, with or without a tool’s suffix, gives the id the member list gives that name', async () => {
    expect(await communityOf('宝妈福利群.csv')).toBe(communityIdFromName('宝妈福利群'));
    expect(await communityOf('exports/宝妈福利群_utf8.csv')).toBe(communityIdFromName('宝妈福利群'));
    expect(await communityOf('宝妈福利群 (1).csv')).toBe(communityIdFromName('宝妈福利群'));
    expect(communityIdFromName('宝妈福利群')).toMatch(/^group-[0-9a-f]{24}$/);
  });

  test('a PyWxDump page named after the room gives the room’s id', async () => {
    expect(await communityOf('34567@chatroom_0_5000.csv')).toBe('wechat-room-34567@chatroom');
  });
});
