import type { EventInput } from '../events/event.schema.ts';

type Identity = EventInput['identities'][number];

export const phone = (value: string): Identity => ({ kind: 'phone', value });
export const nick = (value: string): Identity => ({ kind: 'taobao_nick', value });
export const pin = (value: string): Identity => ({ kind: 'jd_pin', value });
export const unionid = (value: string): Identity => ({ kind: 'wechat_unionid', value });
export const wecom = (value: string): Identity => ({
  kind: 'wecom_external_userid',
  value,
  scope: 'ww_test',
});

/** An order paid in a shop, as a shop integration would send it. */
export function paid(
  shop: 'tmall' | 'taobao' | 'jd' | 'miniapp',
  orderId: string,
  at: string,
  fen: number,
  ids: Identity[],
): EventInput {
  return {
    id: `${shop}-${orderId}`,
    source: shop,
    kind: 'order.paid',
    occurred_at: at,
    identities: ids,
    properties: {
      shop,
      order_id: orderId,
      amount_fen: fen,
      items: [{ name: '精华液', quantity: 1, price_fen: fen }],
    },
  };
}

export function linked(id: string, at: string, ids: Identity[]): EventInput {
  return {
    id,
    kind: 'identity.linked',
    occurred_at: at,
    identities: ids,
    properties: { via: 'package_card' },
  };
}
