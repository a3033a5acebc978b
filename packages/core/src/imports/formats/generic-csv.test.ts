import { describe, expect, test } from 'vitest';
import { createGenericFormat, type Mapping, parseMapping } from './generic-csv.ts';
import type { MapOutcome } from './import-format.ts';
import { csvText, linesOf } from './test-helpers.ts';
import { mapWith } from './test-helpers-direct.ts';

function mappingOf(json: unknown): Mapping {
  const parsed = parseMapping(json);
  if (!parsed.ok) {
    throw new Error(parsed.issues.join('\n'));
  }
  return parsed.mapping;
}

const ORDER_MAPPING = {
  name: 'crm-orders',
  kind: 'order',
  source: 'crm',
  columns: {
    order_id: 'Order No',
    paid_at: 'Paid At',
    amount: 'Total',
    shop_value: 'miniapp',
    refund_amount: 'Refunded',
    status: 'Status',
    paid_statuses: ['paid', 'shipped', '已完成'],
    skip_statuses: ['cancelled'],
    item_name: 'Product',
    item_sku: 'SKU',
    item_quantity: 'Qty',
    item_price: 'Unit Price',
    identities: [
      { kind: 'phone', column: 'Mobile' },
      { kind: 'shop_buyer_id', column: 'Member ID', scope: 'crm' },
    ],
  },
};

const ORDER_HEADER = [
  'Order No',
  'Paid At',
  'Total',
  'Refunded',
  'Status',
  'Product',
  'SKU',
  'Qty',
  'Unit Price',
  'Mobile',
  'Member ID',
];

const orderRow = (order: string, over: Record<string, string> = {}) => ({
  'Order No': order,
  'Paid At': '2024-06-18 10:00:00',
  Total: '¥89.70',
  Status: 'paid',
  Product: '玉肌皂',
  SKU: 'S-1',
  Qty: '1',
  'Unit Price': '39.90',
  Mobile: '13800138000',
  'Member ID': 'm-001',
  ...over,
});

const ORDER_ROWS = [
  orderRow('A1'), // 2
  orderRow('A1', { Product: '玉肌乳', SKU: 'S-2', Qty: '2', 'Unit Price': '24.90' }), // 3
  orderRow('A2', { Total: '10', Refunded: '5', Status: 'shipped', Product: '', Mobile: '138****8000' }), // 4
  orderRow('A3', { Status: 'cancelled' }), // 5
  orderRow('A4', { Status: 'unpaid' }), // 6
  orderRow('6.9E+18'), // 7
  orderRow('A5', { 'Paid At': '' }), // 8
  orderRow('A6', { Total: 'abc' }), // 9
  orderRow('A7', { Mobile: '', 'Member ID': '' }), // 10
  orderRow('A8', { 'Member ID': '1.2E+11' }), // 11
  orderRow('A9', { Qty: 'two' }), // 12
];
const ORDER_TEXT = csvText(ORDER_HEADER, ORDER_ROWS);

describe('generic orders', () => {
  const format = createGenericFormat(mappingOf(ORDER_MAPPING));

  test('the format is named after the mapping and requires its required columns', () => {
    expect(format.id).toBe('generic:crm-orders');
    expect(format.label).toBe('crm-orders');
    expect(format.headers).toEqual([
      'Order No',
      'Paid At',
      'Total',
      'Refunded',
      'Status',
      'Product',
      'SKU',
      'Qty',
      'Unit Price',
      'Mobile',
      'Member ID',
    ]);
    expect(format.minMatches).toBe(3);
    expect(format.requires).toEqual([['Order No'], ['Paid At'], ['Total'], ['Mobile', 'Member ID']]);
  });

  test('adjacent rows of an order become one order.paid with its items; refunds, skips, rejections', async () => {
    const mapped = await mapWith(format, ORDER_TEXT);
    expect(linesOf(mapped.outcomes)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(mapped.outcomes[0]).toEqual({
      kind: 'events',
      lines: [2, 3],
      events: [
        {
          id: 'crm-order-A1',
          kind: 'order.paid',
          occurred_at: '2024-06-18T10:00:00+08:00',
          source: 'crm',
          identities: [
            { kind: 'phone', value: '13800138000' },
            { kind: 'shop_buyer_id', value: 'm-001', scope: 'crm' },
          ],
          properties: {
            shop: 'miniapp',
            order_id: 'A1',
            amount_fen: 8970,
            items: [
              { sku: 'S-1', name: '玉肌皂', quantity: 1, price_fen: 3990 },
              { sku: 'S-2', name: '玉肌乳', quantity: 2, price_fen: 2490 },
            ],
          },
        },
      ],
    });
    const identities = [
      { kind: 'phone', value: '138****8000' },
      { kind: 'shop_buyer_id', value: 'm-001', scope: 'crm' },
    ];
    expect(mapped.outcomes[1]).toEqual({
      kind: 'events',
      lines: [4],
      events: [
        {
          id: 'crm-order-A2',
          kind: 'order.paid',
          occurred_at: '2024-06-18T10:00:00+08:00',
          source: 'crm',
          identities,
          // The SKU names the item when the name is empty.
          properties: {
            shop: 'miniapp',
            order_id: 'A2',
            amount_fen: 1000,
            items: [{ sku: 'S-1', name: 'S-1', quantity: 1, price_fen: 3990 }],
          },
        },
        {
          id: 'crm-refund-A2',
          kind: 'order.refunded',
          occurred_at: '2024-06-18T10:00:00+08:00',
          source: 'crm',
          identities,
          properties: { shop: 'miniapp', order_id: 'A2', amount_fen: 500 },
        },
      ],
    });
    // A bad row does not interrupt the gathering of an order, so outcomes are compared in line order.
    const byLine = (o: MapOutcome) => ('line' in o ? o.line : (o.lines[0] ?? 0));
    expect(mapped.outcomes.slice(2).sort((a, b) => byLine(a) - byLine(b))).toEqual([
      {
        kind: 'skipped',
        line: 5,
        reason: {
          code: 'not_a_purchase',
          en: 'Status cancelled: not a purchase',
          zh: expect.stringContaining('Status 为“cancelled”'),
        },
      },
      {
        kind: 'skipped',
        line: 6,
        reason: {
          code: 'not_paid',
          en: 'Status unpaid: not a paid status',
          zh: expect.stringContaining('“unpaid”'),
        },
      },
      {
        kind: 'rejected',
        line: 7,
        column: 'Order No',
        reason: expect.objectContaining({
          en: expect.stringContaining('The id "6.9E+18" was rounded by Excel'),
        }),
      },
      {
        kind: 'skipped',
        line: 8,
        reason: expect.objectContaining({ code: 'not_paid', en: 'Paid At is empty: not paid' }),
      },
      {
        kind: 'rejected',
        line: 9,
        column: 'Total',
        reason: expect.objectContaining({ en: expect.stringContaining('abc') }),
      },
      {
        kind: 'rejected',
        line: 10,
        column: 'Mobile',
        reason: {
          code: 'no_identifier',
          en: 'No identity: Mobile, Member ID are empty or not usable.',
          zh: expect.stringContaining('Mobile、Member ID'),
        },
      },
      {
        kind: 'rejected',
        line: 11,
        column: 'Member ID',
        reason: expect.objectContaining({ en: expect.stringContaining('rounded by Excel') }),
      },
      {
        kind: 'rejected',
        line: 12,
        column: 'Qty',
        reason: expect.objectContaining({ en: '"two" is not a quantity (a whole number from 1)' }),
      },
    ]);
  });

  test('rows of one order with different amounts are rejected together', async () => {
    const text = csvText(ORDER_HEADER, [orderRow('B1'), orderRow('B1', { Total: '1.00' })]);
    const { outcomes } = await mapWith(format, text);
    const differ = {
      code: 'order_amounts_differ',
      en: expect.stringContaining('different amounts'),
      zh: expect.stringContaining('“1.00”'),
    };
    expect(outcomes).toEqual([
      { kind: 'rejected', line: 2, column: 'Total', reason: differ },
      { kind: 'rejected', line: 3, column: 'Total', reason: differ },
    ]);
  });

  test('a bad item rejects the whole order, the other rows because of its line', async () => {
    const text = csvText(ORDER_HEADER, [orderRow('E1'), orderRow('E1', { Qty: 'two' })]);
    const { outcomes } = await mapWith(format, text);
    expect(outcomes).toEqual([
      {
        kind: 'rejected',
        line: 2,
        column: 'Qty',
        reason: {
          code: 'not_a_quantity',
          en: 'Line 3 of the same order E1 is rejected: "two" is not a quantity (a whole number from 1)',
          zh: expect.stringContaining('同一订单 E1 的第 3 行被拒'),
        },
      },
      {
        kind: 'rejected',
        line: 3,
        column: 'Qty',
        reason: expect.objectContaining({
          code: 'not_a_quantity',
          en: '"two" is not a quantity (a whole number from 1)',
        }),
      },
    ]);
  });

  test('a shop column takes shop ids; an unknown shop rejects the row', async () => {
    const columns = {
      order_id: '单号',
      paid_at: '时间',
      amount: '金额',
      shop: '渠道',
      identities: [{ kind: 'email', column: '邮箱' }],
    };
    const shopFormat = createGenericFormat(mappingOf({ ...ORDER_MAPPING, columns }));
    const text = csvText(
      ['单号', '时间', '金额', '渠道', '邮箱'],
      [
        { 单号: 'C1', 时间: '2024/6/18 9:05', 金额: '12', 渠道: 'Tmall', 邮箱: 'A@Example.com' },
        { 单号: 'C2', 时间: '2024/6/18 9:05', 金额: '12', 渠道: '小红书', 邮箱: 'a@example.com' },
      ],
    );
    const { outcomes } = await mapWith(shopFormat, text);
    expect(outcomes).toEqual([
      {
        kind: 'events',
        lines: [2],
        events: [
          {
            id: 'crm-order-C1',
            kind: 'order.paid',
            occurred_at: '2024-06-18T09:05:00+08:00',
            source: 'crm',
            identities: [{ kind: 'email', value: 'a@example.com' }],
            properties: { shop: 'tmall', order_id: 'C1', amount_fen: 1200 },
          },
        ],
      },
      {
        kind: 'rejected',
        line: 3,
        column: '渠道',
        reason: {
          code: 'unknown_shop',
          en: `"小红书" is not a shop Hatchery knows; expected one of taobao, tmall, jd, youzan, miniapp, douyin, pdd, store.`,
          zh: expect.stringContaining('“小红书”'),
        },
      },
    ]);
  });

  test('mapping the same rows again gives identical events', async () => {
    const first = await mapWith(format, ORDER_TEXT);
    const second = await mapWith(createGenericFormat(mappingOf(ORDER_MAPPING)), ORDER_TEXT);
    expect(second.events).toEqual(first.events);
    expect(second.outcomes).toEqual(first.outcomes);
  });

  test('local times are read in the workspace time zone', async () => {
    const text = csvText(ORDER_HEADER, [orderRow('D1', { Product: '', SKU: '' })]);
    const { events } = await mapWith(format, text, { timeZone: 'Europe/London' });
    expect(events[0]?.occurred_at).toBe('2024-06-18T10:00:00+01:00');
    expect(events[0]?.properties).toEqual({ shop: 'miniapp', order_id: 'D1', amount_fen: 8970 });
  });
});

const LINK_MAPPING = {
  name: '会员系统',
  kind: 'identity_link',
  source: 'member-crm',
  columns: {
    linked_at: '注册时间',
    identities: [
      { kind: 'phone', column: '手机' },
      { kind: 'wechat_unionid', column: 'UnionID' },
      { kind: 'wechat_openid', column: 'OpenID', scope: 'wx-app-1' },
    ],
  },
};
const LINK_HEADER = ['会员名', '手机', 'UnionID', 'OpenID', '注册时间'];
const LINK_TEXT = csvText(LINK_HEADER, [
  {
    会员名: '小明',
    手机: '+86 138-0013-8000',
    UnionID: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M',
    注册时间: '2024-01-02 08:00',
  }, // 2
  { 会员名: '小红', 手机: '010-12345678', OpenID: 'oAbc', 注册时间: '2024-01-03 08:00:00' }, // 3
  { 会员名: '小刚', 手机: '021-1234567', 注册时间: '2024-01-03 08:00:00' }, // 4
  { 会员名: '小李', 手机: '13900139000', 注册时间: '' }, // 5
  { 会员名: '小王', 手机: '13900139000', 注册时间: 'yesterday' }, // 6
  { 会员名: '小赵', UnionID: 'o6 bad', 注册时间: '2024-01-03 08:00:00' }, // 7
]);

describe('generic identity links', () => {
  const format = createGenericFormat(mappingOf(LINK_MAPPING));

  test('each row links its identities in one identity.linked event', async () => {
    const mapped = await mapWith(format, LINK_TEXT);
    expect(format.id).toBe('generic:会员系统');
    expect(linesOf(mapped.outcomes)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(mapped.outcomes[0]).toEqual({
      kind: 'events',
      lines: [2],
      events: [
        {
          id: expect.stringMatching(/^member-crm-identity_link-[0-9a-f]{32}$/),
          kind: 'identity.linked',
          occurred_at: '2024-01-02T08:00:00+08:00',
          source: 'member-crm',
          identities: [
            { kind: 'phone', value: '13800138000' },
            { kind: 'wechat_unionid', value: 'o6_bmjrPTlm6_2sgVt7hMZOPfL2M' },
          ],
          properties: {},
        },
      ],
    });
    // A landline identifies nobody; the openid carries the mapping's scope.
    expect(mapped.outcomes[1]).toEqual({
      kind: 'events',
      lines: [3],
      events: [
        {
          id: expect.stringMatching(/^member-crm-identity_link-[0-9a-f]{32}$/),
          kind: 'identity.linked',
          occurred_at: '2024-01-03T08:00:00+08:00',
          source: 'member-crm',
          identities: [{ kind: 'wechat_openid', value: 'oAbc', scope: 'wx-app-1' }],
          properties: {},
        },
      ],
    });
    expect(mapped.outcomes.slice(2)).toEqual([
      {
        kind: 'skipped',
        line: 4,
        reason: expect.objectContaining({
          code: 'no_identifier',
          en: 'No identity: 手机, UnionID, OpenID are empty or not usable.',
        }),
      },
      {
        kind: 'rejected',
        line: 5,
        column: '注册时间',
        reason: expect.objectContaining({ code: 'link_time_empty', en: 'The time is empty.' }),
      },
      {
        kind: 'rejected',
        line: 6,
        column: '注册时间',
        reason: expect.objectContaining({ en: expect.stringContaining('yesterday') }),
      },
      {
        kind: 'rejected',
        line: 7,
        column: 'UnionID',
        reason: {
          code: 'invalid_identity',
          en: '"o6 bad" is not a valid wechat_unionid: a wechat_unionid has no spaces in it',
          zh: '“o6 bad”不是有效的 wechat_unionid：平台 ID 中不能有空格',
        },
      },
    ]);
  });

  test('ids are deterministic: the same rows give the same ids, other rows other ids', async () => {
    const first = await mapWith(format, LINK_TEXT);
    const second = await mapWith(createGenericFormat(mappingOf(LINK_MAPPING)), LINK_TEXT);
    expect(second.events).toEqual(first.events);
    const ids = first.events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('generic community joins and messages', () => {
  test('community_join: a community name alone gives the shared name-derived id', async () => {
    const format = createGenericFormat(
      mappingOf({
        name: 'groups',
        kind: 'community_join',
        source: 'crm',
        columns: {
          community_name: '群名',
          joined_at: '入群时间',
          identities: [{ kind: 'wechat_wxid', column: '微信号' }],
        },
      }),
    );
    const text = csvText(
      ['群名', '微信号', '入群时间'],
      [
        { 群名: '宝妈群（1）', 微信号: 'wxid_abc', 入群时间: '1718676000' },
        { 群名: '', 微信号: 'wxid_abc', 入群时间: '1718676000' },
      ],
    );
    const { outcomes } = await mapWith(format, text);
    expect(outcomes).toEqual([
      {
        kind: 'events',
        lines: [2],
        events: [
          {
            id: expect.stringMatching(/^crm-community_join-[0-9a-f]{32}$/),
            kind: 'community.joined',
            occurred_at: '2024-06-18T10:00:00+08:00',
            source: 'crm',
            identities: [{ kind: 'wechat_wxid', value: 'wxid_abc' }],
            properties: {
              community_id: expect.stringMatching(/^group-[0-9a-f]{24}$/),
              community_name: '宝妈群（1）',
            },
          },
        ],
      },
      {
        kind: 'rejected',
        line: 3,
        column: '群名',
        reason: {
          code: 'community_empty',
          en: 'The community is empty.',
          zh: expect.stringContaining('社群'),
        },
      },
    ]);
  });

  test('message: type mapped, text only measured, never stored', async () => {
    const format = createGenericFormat(
      mappingOf({
        name: 'chat',
        kind: 'message',
        source: 'crm',
        columns: {
          community_id_value: 'vip-group',
          sent_at: '时间',
          message_type: '类型',
          message_types: { 文本: 'text', 图片: 'image' },
          text: '内容',
          identities: [{ kind: 'wechat_wxid', column: '发送者' }],
        },
      }),
    );
    const text = csvText(
      ['发送者', '时间', '类型', '内容'],
      [
        { 发送者: 'wxid_a', 时间: '2024-06-18 10:00:00', 类型: '文本', 内容: '你好😀' },
        { 发送者: 'wxid_a', 时间: '2024-06-18 10:00:00', 类型: '图片', 内容: '' },
        { 发送者: 'wxid_a', 时间: '2024-06-18 10:00:00', 类型: '红包', 内容: '' },
      ],
    );
    const mapped = await mapWith(format, text);
    expect(mapped.events.map((e) => e.properties)).toEqual([
      { community_id: 'vip-group', message_type: 'text', length: 3 },
      { community_id: 'vip-group', message_type: 'image' },
      { community_id: 'vip-group', message_type: 'other' },
    ]);
    expect(JSON.stringify(mapped.events)).not.toContain('你好');
    expect(new Set(mapped.events.map((e) => e.id)).size).toBe(3);
    const again = await mapWith(format, text);
    expect(again.events).toEqual(mapped.events);
  });
});

describe('parseMapping', () => {
  const issuesOf = (json: unknown): string[] => {
    const parsed = parseMapping(json);
    return parsed.ok ? [] : parsed.issues;
  };

  test('accepts the documented example', () => {
    expect(parseMapping(ORDER_MAPPING).ok).toBe(true);
    expect(parseMapping(LINK_MAPPING).ok).toBe(true);
  });

  test('an unknown identity kind', () => {
    const columns = { ...ORDER_MAPPING.columns, identities: [{ kind: 'qq', column: 'QQ' }] };
    expect(issuesOf({ ...ORDER_MAPPING, columns })).toEqual([
      expect.stringMatching(
        /^columns\.identities\.0\.kind: unknown identity kind "qq"; expected one of phone, /,
      ),
    ]);
  });

  test('a missing required column mapping', () => {
    const { amount: _amount, ...columns } = ORDER_MAPPING.columns;
    expect(issuesOf({ ...ORDER_MAPPING, columns })).toEqual([
      'columns.amount: is required: the header of the paid amount column (in yuan)',
    ]);
    expect(issuesOf({ ...LINK_MAPPING, columns: { identities: [] } })).toEqual([
      'columns.identities: must map at least one identity column (who the row is about)',
      'columns.linked_at: is required: the header of the time the identities were seen together',
    ]);
  });

  test('a bad shop constant, or no shop at all', () => {
    expect(
      issuesOf({ ...ORDER_MAPPING, columns: { ...ORDER_MAPPING.columns, shop_value: 'amazon' } }),
    ).toEqual([
      'columns.shop_value: unknown shop "amazon"; expected one of taobao, tmall, jd, youzan, miniapp, douyin, pdd, store',
    ]);
    const { shop_value: _shop, ...columns } = ORDER_MAPPING.columns;
    expect(issuesOf({ ...ORDER_MAPPING, columns })).toEqual(['columns.shop: map "shop" or "shop_value"']);
  });

  test('unknown keys, at the top and in columns', () => {
    expect(
      issuesOf({ ...ORDER_MAPPING, extra: 1, columns: { ...ORDER_MAPPING.columns, buyer: 'Buyer' } }),
    ).toEqual(['columns: unknown key "buyer"', 'unknown key "extra"']);
  });

  test('scopes, sources, kinds and status lists', () => {
    const identities = [
      { kind: 'shop_buyer_id', column: 'Member ID' },
      { kind: 'phone', column: 'M', scope: 'x' },
    ];
    expect(issuesOf({ ...LINK_MAPPING, columns: { ...LINK_MAPPING.columns, identities } })).toEqual([
      'columns.identities.0.scope: shop_buyer_id needs a scope (the app or shop id its values belong to)',
      'columns.identities.1.scope: phone takes no scope',
    ]);
    expect(issuesOf({ ...LINK_MAPPING, source: 'CRM' })).toEqual([
      'source: must be a lowercase id of at most 20 characters (a-z, 0-9, . _ : -), such as "crm"',
    ]);
    expect(issuesOf({ ...LINK_MAPPING, kind: 'refund' })).toEqual([
      'kind: kind must be one of order, identity_link, community_join, message',
    ]);
    const { paid_statuses: _p, skip_statuses: _s, ...columns } = ORDER_MAPPING.columns;
    expect(issuesOf({ ...ORDER_MAPPING, columns })).toEqual([
      'columns.status: give "paid_statuses" and/or "skip_statuses" to say what the status column means',
    ]);
    expect(issuesOf('not json object')).toHaveLength(1);
  });
});
