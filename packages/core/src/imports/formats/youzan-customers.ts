import { createHash } from 'node:crypto';
import type { IdentityInput } from '../../identities/identity.schema.ts';
import { type Reason, reason } from '../import-reason.ts';
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
 * Youzan customer export (客户列表导出, «客户数据_<shopId>.csv», formats README §3c): one row per
 * customer. Each row becomes an identity.linked event joining what it knows of the customer — the
 * phone (客户手机号), and the Youzan and WeChat ids when an export carries them (the 2026 header
 * has none; the names below are those a version or a tool adding them would likely use) — so a
 * Youzan buyer, a WeCom contact and a Taobao buyer with the same phone become one profile, as the
 * foundation's matching rules say. Two customers sharing a phone therefore meet in one profile;
 * merges are logged and can be undone.
 *
 * A masked phone (`186******05`) is kept for display and never matched (§0.8): a row with nothing
 * else is skipped with the reason, not linked to anyone. 标签, 消费次数, 消费金额 and 企微好友 have
 * no event to go to yet and are not imported.
 */

const PHONE = ['客户手机号', '手机号'];
// The shop's own customer id: yz_uid in Youzan's APIs.
const YOUZAN_UID = ['客户ID', '客户id', '有赞UID', '有赞uid', 'yz_uid', 'youzan_uid', '用户ID'];
const UNIONID = ['unionid', 'UnionID', 'unionId', '微信unionid'];
const WXID = ['微信号'];
// When the person became the shop's customer: the link dates from then, the same in every export.
const SINCE = ['成为客户时间', '成为会员时间'];
const NAME = ['客户姓名', '客户昵称'];

const HEADERS = [
  ...'客户姓名,客户昵称,客户手机号,客户生日,客户性别,标签,是否会员,成长值,免费等级,付费等级,权益卡,客户积分,客户储值余额,消费次数,消费金额,累计退款金额,累计退款订单数,笔单价,上次消费时间,分销员,导购员,企微好友,来源渠道,来源方式,成为客户时间,成为会员时间,成为会员店铺,公众号,公众号关注时间,最近浏览时间,微信地域,所属区域,指定时间消费次数,指定时间消费金额'.split(
    ',',
  ),
  ...YOUZAN_UID,
  ...UNIONID,
  ...WXID,
];

type Found = { ok: true; identities: IdentityInput[] } | { ok: false; column: string; reason: Reason };

function identitiesOf(cells: SourceRow['cells']): Found {
  const identities: IdentityInput[] = [];
  const uid = readId(cells, YOUZAN_UID);
  if (!uid.ok) {
    return uid;
  }
  if (uid.value !== null) {
    identities.push({ kind: 'youzan_uid', value: uid.value });
  }
  const unionid = readId(cells, UNIONID);
  if (!unionid.ok) {
    return unionid;
  }
  if (unionid.value !== null) {
    identities.push({ kind: 'wechat_unionid', value: unionid.value });
  }
  const wxid = readId(cells, WXID);
  if (!wxid.ok) {
    return wxid;
  }
  if (wxid.value !== null) {
    identities.push({ kind: 'wechat_wxid', value: wxid.value });
  }
  const phone = readId(cells, PHONE);
  if (!phone.ok) {
    return phone;
  }
  const identity = phoneIdentity(phone.value);
  if (identity !== null) {
    identities.push(identity);
  }
  return { ok: true, identities };
}

function mapRow(row: SourceRow, context: MapperContext): MapOutcome {
  const { line, cells } = row;
  const found = identitiesOf(cells);
  if (!found.ok) {
    return rejected(line, found.column, found.reason);
  }
  const name = column(cells, NAME.slice(0, 1)).value ?? column(cells, NAME.slice(1)).value;
  const who = name === null ? 'this customer' : `"${name}"`;
  const whoZh = name === null ? '该客户' : `“${name}”`;
  if (!found.identities.some((i) => !i.value.includes('*'))) {
    const phone = column(cells, PHONE).value;
    return skipped(
      line,
      phone === null
        ? reason(
            'no_identifier',
            `No identifier for ${who} (no phone or id): a name alone matches nobody`,
            `${whoZh}没有任何标识（无手机号或编号）：仅凭姓名无法匹配任何人`,
          )
        : reason(
            'unmatchable_phone',
            `客户手机号 "${phone}" is masked or not a mobile number and ${who} has no other id: it matches nobody`,
            `客户手机号“${phone}”已打码或不是手机号，且${whoZh}没有其他编号：无法匹配任何人`,
          ),
    );
  }
  const since = readTime(cells, SINCE.slice(0, 1), context.timeZone);
  const fallback =
    since.ok && since.value === null ? readTime(cells, SINCE.slice(1), context.timeZone) : since;
  if (!fallback.ok) {
    return rejected(line, fallback.column, fallback.reason);
  }
  if (fallback.value === null) {
    return rejected(
      line,
      SINCE[0]!,
      reason(
        'customer_since_empty',
        'The time the person became a customer (成为客户时间) is empty.',
        '成为客户的时间（成为客户时间）为空。',
      ),
    );
  }
  // The id is what the row links and since when: the same row always gives the same event, a later
  // export that knows more of the customer (a phone added) gives a new link instead of a conflict,
  // and two customers sharing a phone (§3c) are two links, not one event sent twice.
  const key = JSON.stringify([fallback.value, found.identities.map((i) => [i.kind, i.value])]);
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return events(
    [line],
    [
      {
        id: `youzan-customer-${digest}`,
        kind: 'identity.linked',
        occurred_at: fallback.value,
        source: 'youzan',
        identities: found.identities,
        properties: { shop: 'youzan' },
      },
    ],
  );
}

export const youzanCustomers: FormatDefinition = {
  id: 'youzan_customers',
  label: '有赞客户列表',
  headers: HEADERS,
  minMatches: 4,
  requires: [PHONE.concat(YOUZAN_UID), SINCE],
  createMapper(context: MapperContext): RowMapper {
    return {
      push: (row) => [mapRow(row, context)],
      finish: () => [],
    };
  },
};
