import type { EventInput } from '../../events/event.schema.ts';
import type { IdentityInput } from '../../identities/identity.schema.ts';
import { type Reason, reason } from '../import-reason.ts';
import type { CsvCells } from '../read-csv.ts';
import { communityIdFromName, digest, fileStem, prefixedId, readInstant } from './community-support.ts';
import type { MapOutcome, MapperContext, RowMapper, SourceRow } from './import-format.ts';
import { column, events, type FormatDefinition, readId, rejected, skipped } from './map-row.ts';

/**
 * Group chat histories exported by desktop tools (formats README §8) → one `message.sent` per
 * message a member wrote, in the group's community. The text is never kept: only its type and,
 * for plain text, its length in characters.
 *
 * Layouts read (one file is one chat):
 * - PyWxDump (§8b): `id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,CreateTime`, its
 *   older layout with `content` as JSON `{"src": …, "msg": …}` (the sample), and the WeFlow
 *   variant without `room_name` (§8c). `type_name` is Chinese (文本, 图片, …).
 * - WeChatMsg / 留痕 (§8a): `localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,
 *   StrTime,Remark,NickName,Sender`, numeric Type/SubType, CreateTime in Unix seconds.
 *
 * Decisions:
 * - Community: the chat-room id when the export has one (`room_name` / `TalkerId` ending in
 *   `@chatroom`): `wechat-room-<room id>`; it is the same in every tool and every page of a long
 *   chat. Otherwise the file name: PyWxDump's `<room id>_<start>_<end>.csv` gives the same room id;
 *   `<group name>.csv` or WeChatMsg's `<group name>_utf8.csv` gives `communityIdFromName(<group
 *   name>)`, the id the WeCom member list gives a group of that name.
 * - A chat whose room id is a person's wxid (no `@chatroom`) is a one-to-one chat, not a
 *   community: its rows are skipped. So are system messages (joins, pats, recalls: they name people
 *   by display name only) and the messages of the account the chat was exported from (the brand's
 *   own staff).
 * - The sender is known by their wxid only. A wxid is none of Hatchery's identity kinds: it is not
 *   a unionid or an openid (those are per developer account / per app) and not a WeCom external
 *   user id. Until there is a kind for it, `senderIdentity` returns null and such rows are rejected
 *   with a reason; a lookup from wxid to a known identity can be given to `createWechatChat`.
 * - Event id: `wechat-msg-<MsgSvrID>` (the server's id, unique across chats); without one, a digest
 *   of (community, localId, sender, time, type, content).
 */

const MSG_SVR_ID = ['MsgSvrID'];
const LOCAL_ID = ['localId', 'id'];
const TYPE_NAME = ['type_name'];
const TYPE = ['Type'];
const SUB_TYPE = ['SubType'];
const IS_SENDER = ['is_sender', 'IsSender'];
const SENDER = ['talker', 'Sender'];
const ROOM = ['room_name', 'TalkerId'];
const TEXT = ['msg', 'StrContent'];
const JSON_CONTENT = ['content'];
const TIME = ['CreateTime', 'StrTime'];

const HEADERS = [
  ...'id,MsgSvrID,type_name,is_sender,talker,room_name,msg,src,content,CreateTime'.split(','),
  ...'localId,TalkerId,Type,SubType,IsSender,Status,StrContent,StrTime,Remark,NickName,Sender'.split(','),
];

export type MessageType = 'text' | 'image' | 'voice' | 'video' | 'link' | 'emoji' | 'other';

/** What a message is, or null for a system message; `measured`: its length is the text's. */
type Kind = { type: MessageType; measured: boolean } | null;

const SYSTEM: Kind = null;

/** PyWxDump's type names (its `type_converter`), by the name or its prefix. */
const TYPE_NAMES: ReadonlyMap<string, Kind> = new Map<string, Kind>([
  ['文本', { type: 'text', measured: true }],
  ['图片', { type: 'image', measured: false }],
  ['语音', { type: 'voice', measured: false }],
  ['视频', { type: 'video', measured: false }],
  ['动画表情', { type: 'emoji', measured: false }],
  ['用户上传的GIF表情', { type: 'emoji', measured: false }],
  // A reply with a quote is a text, but PyWxDump writes the quoted message too: no length.
  ['引用回复', { type: 'text', measured: false }],
  ['粘贴的文本', { type: 'text', measured: false }],
  ['系统通知', SYSTEM],
  ['拍一拍', SYSTEM],
  ['邀请加群', SYSTEM],
]);

function kindOfTypeName(name: string): Kind {
  const known = TYPE_NAMES.get(name);
  if (known !== undefined) {
    return known;
  }
  if (name.startsWith('消息撤回')) {
    return SYSTEM;
  }
  // `(分享)卡片式链接`, `(分享)小程序`, `(分享)音乐`, `(分享)视频号视频`: a shared card.
  if (name.startsWith('(分享)')) {
    return { type: 'link', measured: false };
  }
  return { type: 'other', measured: false };
}

/** WeChat's numeric Type/SubType (WeChatMsg's exporters, PyWxDump's `type_converter`). */
function kindOfTypeCode(type: number, subType: number): Kind {
  switch (type) {
    case 1:
      return { type: 'text', measured: true };
    case 3:
      return { type: 'image', measured: false };
    case 34:
      return { type: 'voice', measured: false };
    case 43:
      return { type: 'video', measured: false };
    case 47:
      return { type: 'emoji', measured: false };
    case 10000:
    case 10002:
      return SYSTEM;
    case 49:
      if (subType === 57) {
        return { type: 'text', measured: false };
      }
      if (subType === 8) {
        return { type: 'emoji', measured: false };
      }
      // Music, link cards, notes, mini-programs, Channels videos: shared cards.
      if ([3, 4, 5, 24, 33, 36, 51].includes(subType)) {
        return { type: 'link', measured: false };
      }
      return { type: 'other', measured: false };
    default:
      return { type: 'other', measured: false };
  }
}

/** A message as read from a row, before its sender is turned into an identity. */
export type ChatMessage = Readonly<{
  line: number;
  id: string;
  communityId: string;
  /** The sender's wxid, as the export writes it. */
  sender: string;
  senderColumn: string;
  type: MessageType;
  /** Characters of a plain text; null for other types. */
  length: number | null;
  occurredAt: string;
}>;

const MESSAGE_TYPE_EMPTY = reason('message_type_empty', 'The message type is empty.', '消息类型为空。');

function readKind(
  cells: CsvCells,
): { ok: true; kind: Kind; label: string } | { ok: false; column: string; reason: Reason } {
  const name = column(cells, TYPE_NAME);
  if (name.name !== null) {
    if (name.value === null) {
      return { ok: false, column: name.name, reason: MESSAGE_TYPE_EMPTY };
    }
    return { ok: true, kind: kindOfTypeName(name.value.normalize('NFKC')), label: name.value };
  }
  const type = column(cells, TYPE);
  const sub = column(cells, SUB_TYPE);
  if (type.value === null || !/^\d{1,6}$/.test(type.value)) {
    return {
      ok: false,
      column: type.name ?? TYPE[0]!,
      reason:
        type.value === null
          ? MESSAGE_TYPE_EMPTY
          : reason(
              'not_a_message_type',
              `"${type.value}" is not a message type code`,
              `“${type.value}”不是消息类型代码`,
            ),
    };
  }
  const subType = sub.value !== null && /^\d{1,6}$/.test(sub.value) ? Number(sub.value) : 0;
  return {
    ok: true,
    kind: kindOfTypeCode(Number(type.value), subType),
    label: `${type.value}${sub.value === null ? '' : `/${sub.value}`}`,
  };
}

/** The message's text: `msg`/`StrContent`, or the `msg` of the older layout's JSON `content`. */
function textOf(cells: CsvCells): string | null {
  const direct = column(cells, TEXT);
  if (direct.name !== null) {
    return direct.value;
  }
  const raw = column(cells, JSON_CONTENT).value;
  if (raw === null) {
    return null;
  }
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed === 'object' && parsed !== null && 'msg' in parsed) {
      const msg = (parsed as { msg: unknown }).msg;
      return typeof msg === 'string' && msg !== '' ? msg : null;
    }
  } catch {
    // Not JSON: the cell is the text itself.
  }
  return raw;
}

const GROUP_ROOM = /@(?:im\.)?chatroom$/;

/** The community of the file's chat, or null when the row's chat is a one-to-one chat. */
function communityOf(cells: CsvCells, fileName: string): { id: string } | { privateWith: string } {
  const room = column(cells, ROOM).value;
  if (room !== null) {
    return GROUP_ROOM.test(room) ? { id: prefixedId('wechat-room-', room) } : { privateWith: room };
  }
  const stem = fileStem(fileName);
  if (GROUP_ROOM.test(stem)) {
    return { id: prefixedId('wechat-room-', stem) };
  }
  return { id: communityIdFromName(stem === '' ? fileName : stem) };
}

function isOwn(cells: CsvCells, sender: string | null): boolean {
  const flag = column(cells, IS_SENDER).value;
  return flag === '1' || flag?.toLowerCase() === 'true' || sender === '我';
}

/** A row read as a message, or the outcome that explains why it is not one. */
export function readChatMessage(row: SourceRow, context: MapperContext): ChatMessage | MapOutcome {
  const { line, cells } = row;
  const kind = readKind(cells);
  if (!kind.ok) {
    return rejected(line, kind.column, kind.reason);
  }
  if (kind.kind === null) {
    return skipped(
      line,
      reason(
        'system_message',
        `System message (${kind.label}): not written by a member`,
        `系统消息（“${kind.label}”）：不是群成员发的`,
      ),
    );
  }
  const sender = readId(cells, SENDER);
  if (!sender.ok) {
    return rejected(line, sender.column, sender.reason);
  }
  if (isOwn(cells, sender.value)) {
    return skipped(
      line,
      reason(
        'own_staff',
        'Sent by the account the chat was exported from (the brand’s own staff)',
        '由导出聊天记录的账号（品牌自己的员工）发送',
      ),
    );
  }
  const community = communityOf(cells, context.fileName);
  if ('privateWith' in community) {
    return skipped(
      line,
      reason(
        'private_chat',
        'One-to-one chat, not a group: only group messages are community activity',
        '一对一私聊，不是群聊：只有群消息才算社群活动',
      ),
    );
  }
  const senderColumn = column(cells, SENDER).name ?? SENDER[0]!;
  if (sender.value === null) {
    return rejected(line, senderColumn, reason('sender_empty', 'The sender is empty.', '发送者为空。'));
  }
  // WeChatMsg writes both CreateTime (Unix seconds) and StrTime (local): the first one filled.
  const filled = TIME.filter((name) => (cells[name] ?? null) !== null);
  const at = readInstant(cells, filled.length > 0 ? filled : TIME, context.timeZone);
  if (!at.ok) {
    return rejected(line, at.column, at.reason);
  }
  if (at.value === null) {
    return rejected(
      line,
      column(cells, TIME).name ?? TIME[0]!,
      reason('message_time_empty', 'The time of the message is empty.', '消息时间为空。'),
    );
  }
  const serverId = readId(cells, MSG_SVR_ID);
  if (!serverId.ok) {
    return rejected(line, serverId.column, serverId.reason);
  }
  const text = textOf(cells);
  const { type, measured } = kind.kind;
  const id =
    serverId.value !== null && /^[1-9]\d{0,19}$/.test(serverId.value)
      ? `wechat-msg-${serverId.value}`
      : `wechat-msg-${digest([community.id, column(cells, LOCAL_ID).value ?? '', sender.value, at.value, type, text ?? ''])}`;
  return {
    line,
    id,
    communityId: community.id,
    sender: sender.value,
    senderColumn,
    type,
    length: measured ? Array.from(text ?? '').length : null,
    occurredAt: at.value,
  };
}

/** The event of a message whose sender is `identity`. */
export function messageEvent(message: ChatMessage, identity: IdentityInput): EventInput {
  return {
    id: message.id,
    kind: 'message.sent',
    occurred_at: message.occurredAt,
    source: 'wechat',
    identities: [identity],
    properties: {
      community_id: message.communityId,
      message_type: message.type,
      ...(message.length === null ? {} : { length: message.length }),
    },
  };
}

/** How a sender's wxid becomes an identity; null: it cannot (yet). */
export type SenderIdentity = (wxid: string) => IdentityInput | null;

/** Why a message stays unmatched when a lookup has no identity for its sender. */
export function wxidReason(wxid: string): Reason {
  return reason(
    'sender_unmatched',
    `The sender "${wxid}" has no identity to match a customer on.`,
    `发送者“${wxid}”没有可用来匹配客户的身份标识。`,
  );
}

/** Senders are matched on their wxid (`wechat_wxid`), the one stable id chat exports carry. */
const BY_WXID: SenderIdentity = (wxid) => ({ kind: 'wechat_wxid', value: wxid });

export function createWechatChat(senderIdentity: SenderIdentity): FormatDefinition {
  return {
    id: 'wechat_chat',
    label: '微信群聊天记录导出（PyWxDump/留痕）',
    headers: HEADERS,
    minMatches: 5,
    requires: [TIME, TYPE_NAME.concat(TYPE), SENDER],
    createMapper(context: MapperContext): RowMapper {
      return {
        push(row) {
          const message = readChatMessage(row, context);
          if ('kind' in message) {
            return [message];
          }
          const identity = senderIdentity(message.sender);
          if (identity === null) {
            return [rejected(message.line, message.senderColumn, wxidReason(message.sender))];
          }
          return [events([message.line], [messageEvent(message, identity)])];
        },
        finish: () => [],
      };
    },
  };
}

export const wechatChat: FormatDefinition = createWechatChat(BY_WXID);
