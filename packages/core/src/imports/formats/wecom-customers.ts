import { createHash } from 'node:crypto';
import type { IdentityInput } from '../../identities/identity.schema.ts';
import { normaliseIdentity } from '../../identities/normalise-identity.ts';
import { type Reason, reason } from '../import-reason.ts';
import type { CsvCells } from '../read-csv.ts';
import type { MapOutcome, MapperContext, RowMapper, SourceRow } from './import-format.ts';
import {
  column,
  events,
  type FormatDefinition,
  phoneIdentity,
  readId,
  readTime,
  rejected,
  skipped,
} from './map-row.ts';

/**
 * WeCom customer list (管理后台 → 客户联系 → 客户 → 导出, formats README §6). No real file was seen:
 * the names are those two re-implementations use, plus the API's ids (external_userid, unionid,
 * remark mobiles) under the names an export or a tool adding them would likely give. One row is
 * one (customer × staff member who added them); each becomes an identity.linked event joining
 * what the row knows of the customer, so a Taobao or JD buyer with the same phone and the WeCom
 * contact become one profile. A row with a single identifier still makes the contact exist.
 */

const EXTERNAL_ID = ['外部联系人ID', '外部联系人id', '外部联系人userid', 'external_userid', 'externalUserId'];
// The corp the external id belongs to (not 企业, which is the customer's own company).
const CORP_ID = ['企业ID', '企业id', 'corpid', 'CorpID', 'corp_id'];
const UNIONID = ['unionid', 'UnionID', 'unionId', 'UnionId'];
// 手机/电话 as the customer's, 备注手机号 as staff typed them (the API's remark_mobiles, maybe several).
const PHONES = [['手机'], ['手机号'], ['电话'], ['备注手机号'], ['备注手机']];
const EMAIL = ['邮箱'];
const ADDED_AT = ['添加时间'];
const STAFF = ['添加人账号', '添加人'];
const NAME = ['客户名称'];

const HEADERS = [
  ...'客户名称,描述,添加人,添加人账号,添加人所属部门,添加时间,来源,手机,企业,邮箱,地址,职务,电话,标签组,其他添加人'.split(
    ',',
  ),
  ...EXTERNAL_ID,
  ...CORP_ID,
  ...UNIONID,
  ...['手机号', '备注手机号', '备注手机', '备注', '类型', '性别'],
];

const MAX_IDENTITIES = 20;

function identitiesOf(
  cells: CsvCells,
): { ok: true; identities: IdentityInput[] } | { ok: false; column: string; reason: Reason } {
  const identities: IdentityInput[] = [];
  const seen = new Set<string>();
  const add = (identity: IdentityInput) => {
    const key = `${identity.kind}\u0000${identity.value}`;
    if (!seen.has(key) && identities.length < MAX_IDENTITIES) {
      seen.add(key);
      identities.push(identity);
    }
  };
  const external = readId(cells, EXTERNAL_ID);
  if (!external.ok) {
    return external;
  }
  const corp = readId(cells, CORP_ID);
  if (!corp.ok) {
    return corp;
  }
  if (external.value !== null) {
    add({
      kind: 'wecom_external_userid',
      value: external.value,
      ...(corp.value === null ? {} : { scope: corp.value }),
    });
  }
  const unionid = readId(cells, UNIONID);
  if (!unionid.ok) {
    return unionid;
  }
  if (unionid.value !== null) {
    add({ kind: 'wechat_unionid', value: unionid.value });
  }
  for (const names of PHONES) {
    for (const part of (column(cells, names).value ?? '').split(/[、,，;；\s]+/)) {
      const phone = phoneIdentity(part === '' ? null : part);
      if (phone !== null) {
        add(phone);
      }
    }
  }
  const email = column(cells, EMAIL).value;
  const normalised = email === null ? null : normaliseIdentity({ kind: 'email', value: email });
  if (normalised?.ok === true && normalised.identity.matchable) {
    add({ kind: 'email', value: normalised.identity.value });
  }
  return { ok: true, identities };
}

function mapRow(row: SourceRow, context: MapperContext): MapOutcome {
  const { line, cells } = row;
  const found = identitiesOf(cells);
  if (!found.ok) {
    return rejected(line, found.column, found.reason);
  }
  const addedAt = readTime(cells, ADDED_AT, context.timeZone);
  if (!addedAt.ok) {
    return rejected(line, addedAt.column, addedAt.reason);
  }
  const name = column(cells, NAME).value;
  if (found.identities.length === 0) {
    return skipped(
      line,
      reason(
        'no_identifier',
        `No identifier for ${name === null ? 'this contact' : `"${name}"`} (no external id, unionid, mobile or email): a name alone matches nobody`,
        `${name === null ? '该客户' : `“${name}”`}没有任何标识（无外部联系人 ID、unionid、手机号或邮箱）：仅凭名称无法匹配任何人`,
      ),
    );
  }
  if (addedAt.value === null) {
    return rejected(
      line,
      ADDED_AT[0]!,
      reason('added_time_empty', 'The time the contact was added is empty.', '添加时间为空。'),
    );
  }
  const staff = column(cells, STAFF).value;
  // The row's identity is what it links: the same row always gives the same id and body, and a
  // later export that knows more (a remark mobile added) gives a new link instead of a conflict.
  const key = JSON.stringify([staff, found.identities.map((i) => [i.kind, i.scope ?? '', i.value])]);
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return events(
    [line],
    [
      {
        id: `wecom-contact-${digest}`,
        kind: 'identity.linked',
        occurred_at: addedAt.value,
        source: 'wecom',
        identities: found.identities,
        properties: {},
      },
    ],
  );
}

export const wecomCustomers: FormatDefinition = {
  id: 'wecom_customers',
  label: '企业微信客户列表',
  headers: HEADERS,
  minMatches: 4,
  requires: [ADDED_AT, NAME.concat(EXTERNAL_ID)],
  createMapper(context: MapperContext): RowMapper {
    return {
      push: (row) => [mapRow(row, context)],
      finish: () => [],
    };
  },
};
