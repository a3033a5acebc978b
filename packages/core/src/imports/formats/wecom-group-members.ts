import type { IdentityInput } from '../../identities/identity.schema.ts';
import { type Reason, reason } from '../import-reason.ts';
import type { CsvCells } from '../read-csv.ts';
import { communityIdFromName, digest, fileStem, prefixedId, readInstant } from './community-support.ts';
import type { MapOutcome, MapperContext, RowMapper, SourceRow } from './import-format.ts';
import { column, events, type FormatDefinition, readId, rejected, skipped, statusKey } from './map-row.ts';

/**
 * WeCom customer-group member list (formats README §7) → one `community.joined` per member who is
 * not the brand's own staff. No admin-console file was seen: the names are the third-party SCRM's
 * export (群成员昵称, 类型, 入群时间, 入群方式, 邀请员工, unionid) plus the API's fields (userid,
 * join_time, join_scene, the group's chat_id and name) under the names a tool adding them would
 * likely give.
 *
 * - Identities: the external user id (a column named as external, or `userid` when the row's 类型
 *   says 外部联系人: the API's member userid is then the external_userid), scoped by a corp id
 *   column when there is one; and the unionid. A member with neither is skipped: a nickname
 *   matches nobody.
 * - Community: `wecom-group-<chat_id>` from a group id column; else `communityIdFromName(<group
 *   name>)` from a group-name column (also sent as community_name); else the same from the file's
 *   name (the SCRM exports one group per file without naming it: name the file after the group).
 * - via: 由群成员邀请入群 / codes 1, 2 (direct invite, invite link) → invitation; 通过扫描群二维码入群 /
 *   code 3 → qr_code; a way mentioning 搜索 → search; anything else is left out.
 * - Event id: `wecom-join-<community>-<member>-<12 hex>`, the member being the external user id or
 *   else the unionid, and the hex a digest of what the event says (time, way, group name, ids): the
 *   same row always gives the same event, and a later export after a rename or a re-join gives a
 *   new event rather than a conflict.
 */

const NICK = ['群成员昵称', '成员昵称', '群昵称', '昵称'];
const MEMBER_TYPE = ['类型', '成员类型', '身份'];
const JOINED = ['入群时间', '加入时间', 'join_time'];
const JOIN_WAY = ['入群方式', 'join_scene'];
const INVITER = ['邀请员工', '邀请人'];
const UNIONID = ['unionid', 'UnionID', 'unionId', 'UnionId'];
const EXTERNAL_ID = ['外部联系人ID', '外部联系人id', '外部联系人userid', 'external_userid', 'externalUserId'];
// The API's member `userid`: the external_userid for external members, the staff's id otherwise.
const USERID = ['成员ID', '群成员ID', 'userid', 'UserID', 'userId'];
const CORP_ID = ['企业ID', '企业id', 'corpid', 'CorpID', 'corp_id'];
const GROUP_ID = ['群ID', '群id', '客户群ID', '群聊ID', 'chat_id', 'chatId'];
const GROUP_NAME = ['群名', '群名字', '群名称', '客户群名称', '所属客户群', '群聊名称'];

const HEADERS = [
  ...NICK,
  ...MEMBER_TYPE,
  ...JOINED,
  ...JOIN_WAY,
  ...INVITER,
  ...UNIONID,
  ...EXTERNAL_ID,
  ...USERID,
  ...CORP_ID,
  ...GROUP_ID,
  ...GROUP_NAME,
];

const STAFF_TYPES = new Set(['企业成员', '成员', '员工', '内部成员', '1'].map(statusKey));
const EXTERNAL_TYPES = new Set(['外部联系人', '客户', '2'].map(statusKey));

type Via = 'package_card' | 'qr_code' | 'invitation' | 'search' | 'other';

/** The join way as the schema's `via`, or null when it is not known. */
export function viaOf(way: string | null): Via | null {
  if (way === null) {
    return null;
  }
  const key = statusKey(way);
  if (key === '1' || key === '2' || key.includes('邀请')) {
    return 'invitation';
  }
  if (key === '3' || key.includes('二维码') || key.includes('扫码')) {
    return 'qr_code';
  }
  if (key.includes('搜索')) {
    return 'search';
  }
  return null;
}

type Found = { ok: true; identities: IdentityInput[] } | { ok: false; column: string; reason: Reason };

function identitiesOf(cells: CsvCells, external: boolean): Found {
  const identities: IdentityInput[] = [];
  const named = readId(cells, EXTERNAL_ID);
  if (!named.ok) {
    return named;
  }
  const userid = external ? readId(cells, USERID) : { ok: true as const, value: null };
  if (!userid.ok) {
    return userid;
  }
  const corp = readId(cells, CORP_ID);
  if (!corp.ok) {
    return corp;
  }
  const externalId = named.value ?? userid.value;
  if (externalId !== null) {
    identities.push({
      kind: 'wecom_external_userid',
      value: externalId,
      ...(corp.value === null ? {} : { scope: corp.value }),
    });
  }
  const unionid = readId(cells, UNIONID);
  if (!unionid.ok) {
    return unionid;
  }
  if (unionid.value !== null) {
    identities.push({ kind: 'wechat_unionid', value: unionid.value });
  }
  return { ok: true, identities };
}

type Community = { id: string; name: string | null } | { ok: false; column: string; reason: Reason };

function communityOf(cells: CsvCells, fileName: string): Community {
  const groupId = readId(cells, GROUP_ID);
  if (!groupId.ok) {
    return groupId;
  }
  const name = column(cells, GROUP_NAME).value;
  const communityName = name === null ? null : name.slice(0, 128);
  if (groupId.value !== null) {
    return { id: prefixedId('wecom-group-', groupId.value), name: communityName };
  }
  if (name !== null) {
    return { id: communityIdFromName(name), name: communityName };
  }
  const stem = fileStem(fileName);
  return { id: communityIdFromName(stem === '' ? fileName : stem), name: null };
}

function mapRow(row: SourceRow, context: MapperContext): MapOutcome {
  const { line, cells } = row;
  const nick = column(cells, NICK).value;
  const type = column(cells, MEMBER_TYPE);
  const typeKey = type.value === null ? null : statusKey(type.value);
  if (typeKey !== null && STAFF_TYPES.has(typeKey)) {
    return skipped(
      line,
      reason(
        'own_staff',
        `A member of the brand’s own staff (${type.name} ${type.value}), not a customer`,
        `品牌自己的员工（${type.name}“${type.value}”），不是客户`,
      ),
    );
  }
  const found = identitiesOf(cells, typeKey !== null && EXTERNAL_TYPES.has(typeKey));
  if (!found.ok) {
    return rejected(line, found.column, found.reason);
  }
  if (found.identities.length === 0) {
    return skipped(
      line,
      reason(
        'no_identifier',
        `No identifier for ${nick === null ? 'this member' : `"${nick}"`} (no external user id or unionid): a nickname alone matches nobody`,
        `${nick === null ? '该群成员' : `“${nick}”`}没有任何标识（无外部联系人 ID 或 unionid）：仅凭昵称无法匹配任何人`,
      ),
    );
  }
  const community = communityOf(cells, context.fileName);
  if ('ok' in community) {
    return rejected(line, community.column, community.reason);
  }
  const joined = readInstant(cells, JOINED, context.timeZone);
  if (!joined.ok) {
    return rejected(line, joined.column, joined.reason);
  }
  if (joined.value === null) {
    return rejected(
      line,
      column(cells, JOINED).name ?? JOINED[0]!,
      reason('join_time_empty', 'The time the member joined is empty.', '入群时间为空。'),
    );
  }
  const via = viaOf(column(cells, JOIN_WAY).value);
  const member = found.identities[0]!.value;
  const key = digest(
    [
      joined.value,
      via ?? '',
      community.name ?? '',
      ...found.identities.map((i) => `${i.kind}:${i.scope ?? ''}:${i.value}`),
    ],
    12,
  );
  const readable = `wecom-join-${community.id}-${member}-${key}`;
  return events(
    [line],
    [
      {
        id: readable.length <= 128 ? readable : `wecom-join-${digest([community.id, member, key])}`,
        kind: 'community.joined',
        occurred_at: joined.value,
        source: 'wecom',
        identities: found.identities,
        properties: {
          community_id: community.id,
          ...(community.name === null ? {} : { community_name: community.name }),
          ...(via === null ? {} : { via }),
        },
      },
    ],
  );
}

export const wecomGroupMembers: FormatDefinition = {
  id: 'wecom_group_members',
  label: '企业微信客户群成员列表',
  headers: HEADERS,
  minMatches: 3,
  requires: [JOINED],
  createMapper(context: MapperContext): RowMapper {
    return {
      push: (row) => [mapRow(row, context)],
      finish: () => [],
    };
  },
};
