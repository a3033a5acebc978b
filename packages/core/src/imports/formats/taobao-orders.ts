import type { Shop } from '../../events/event.schema.ts';
import type { IdentityInput } from '../../identities/identity.schema.ts';
import { type Reason, reason } from '../import-reason.ts';
import type { MapOutcome, MapperContext, RowMapper, SourceRow } from './import-format.ts';
import {
  column,
  events,
  type FormatDefinition,
  phoneIdentity,
  readFen,
  readId,
  readTime,
  rejected,
  skipped,
  statusKey,
  statusSet,
} from './map-row.ts';
import { paidOrderEvents } from './order-events.ts';
import {
  closedNothingPaid,
  closedWithoutPayment,
  orderIdEmpty,
  PAID_AMOUNT_EMPTY,
  statusNotPaid,
} from './order-reasons.ts';

/**
 * Taobao/Tmall order report (formats README §1): the classic `ExportOrderList*.csv` (GBK, one row
 * per order, 54 columns and its older and newer versions), operator subsets of it, and the newer
 * xlsx 订单报表 (买家实付金额 for 买家实际支付金额). Columns are found by name, never by position.
 *
 * Items: the order file only has 宝贝标题 (all titles run together) and 宝贝总数量, so order.paid
 * carries no items. They live in `ExportOrderDetailList*.csv` / 宝贝销售明细, one row per item,
 * joined to the order on 订单编号 / 主订单编号 and sent as an order.items event once both files
 * are in (taobao-order-items.ts, imports/attach-order-items.ts).
 */

const ORDER_ID = ['订单编号'];
const NICK = ['买家会员名'];
const MOBILE = ['联系手机'];
const LANDLINE = ['联系电话'];
// 买家实付金额: the newer xlsx report; 支付金额: a third-party imitation of the CSV (§1a).
const PAID = ['买家实际支付金额', '买家实付金额', '支付金额'];
const PAID_AT = ['订单付款时间'];
const STATUS = ['订单状态'];
const REFUND = ['退款金额'];
const SHOP_NAME = ['店铺名称'];

/** The 54 columns of §1a, then those of later versions and of the newer xlsx report. */
const HEADERS = [
  ...'订单编号,买家会员名,买家支付宝账号,买家应付货款,买家应付邮费,买家支付积分,总金额,返点积分,买家实际支付金额,买家实际支付积分,订单状态,买家留言,收货人姓名,收货地址,运送方式,联系电话,联系手机,订单创建时间,订单付款时间,宝贝标题,宝贝种类,物流单号,物流公司,订单备注,宝贝总数量,店铺Id,店铺名称,订单关闭原因,卖家服务费,买家服务费,发票抬头,是否手机订单,分阶段订单信息,特权订金订单id,是否上传合同照片,是否上传小票,是否代付,定金排名,修改后的sku,修改后的收货地址,异常信息,天猫卡券抵扣,集分宝抵扣,是否是O2O交易,新零售交易类型,新零售导购门店名称,新零售导购门店id,新零售发货门店名称,新零售发货门店id,退款金额,预约门店,确认收货时间,打款商家金额,含应开票给个人的个人红包'.split(
    ',',
  ),
  ...[
    '直播返现状态',
    '返现金额',
    '延迟发货自动赔付金额',
    '预售订单',
    '发货时间',
    '商家备忘',
    '支付单号',
    '支付详情',
  ],
  ...['买家实付金额', '确认收货打款金额', '商家编码'],
];

/** 订单状态 values (§1a) and what they mean for a purchase. */
const UNPAID = statusSet(['等待买家付款', '没有创建支付宝交易']);
// Cash on delivery: the buyer pays on receipt, so these are purchases only once 订单付款时间 is set.
const CASH_ON_DELIVERY = statusSet(['卖家已发货，等待买家确认收货并付款', '买家已确认，等待卖家发货']);
const PAID_STATUSES = statusSet([
  '买家已付款，等待卖家发货',
  '卖家已发货，等待买家确认',
  '卖家部分发货',
  '买家已签收',
  '交易成功',
]);
// Closed: never paid (not a purchase), or paid and then refunded in full before completion.
const CLOSED = statusSet(['交易关闭', '交易被淘宝关闭']);

type Status = 'unpaid' | 'cash_on_delivery' | 'paid' | 'closed';

function statusOf(text: string): Status | null {
  const key = statusKey(text);
  if (UNPAID.has(key)) {
    return 'unpaid';
  }
  if (CASH_ON_DELIVERY.has(key)) {
    return 'cash_on_delivery';
  }
  if (PAID_STATUSES.has(key)) {
    return 'paid';
  }
  return CLOSED.has(key) ? 'closed' : null;
}

/**
 * The report does not say whether the shop is on Tmall, and the file name is the operator's to
 * change, so only the row decides: a shop name with 天猫, or with a suffix only Tmall shops may
 * use (旗舰店/专卖店/专营店; Taobao shops may not take these names), is Tmall; anything else,
 * including no shop name, is Taobao. The order id is one Alibaba trade id either way, so events
 * always have source `taobao`: a shop judged differently later cannot make the order count twice.
 */
export function taobaoShopOf(shopName: string | null): Shop {
  return shopName !== null && /天猫|(?:旗舰店|专卖店|专营店)$/.test(shopName) ? 'tmall' : 'taobao';
}

function mapRow(row: SourceRow, context: MapperContext): MapOutcome {
  const { line, cells } = row;
  const orderId = readId(cells, ORDER_ID);
  if (!orderId.ok) {
    return rejected(line, orderId.column, orderId.reason);
  }
  if (orderId.value === null) {
    return rejected(line, ORDER_ID[0]!, orderIdEmpty());
  }
  const statusText = column(cells, STATUS).value;
  const status = statusText === null ? null : statusOf(statusText);
  if (statusText !== null && status === null) {
    return rejected(
      line,
      STATUS[0]!,
      reason(
        'unknown_status',
        `Unknown order status "${statusText}": it is not known whether this order was paid, so it is not imported.`,
        `未知的订单状态“${statusText}”：无法判断该订单是否已付款，因此不导入。`,
      ),
    );
  }
  if (status === 'unpaid') {
    return skipped(line, statusNotPaid(statusText));
  }
  const paidAt = readTime(cells, PAID_AT, context.timeZone);
  if (!paidAt.ok) {
    return rejected(line, paidAt.column, paidAt.reason);
  }
  if (paidAt.value === null) {
    switch (status) {
      case 'paid':
        return rejected(
          line,
          PAID_AT[0]!,
          reason(
            'paid_time_empty',
            `The payment time is empty although the order is "${statusText}".`,
            `订单付款时间为空，但订单状态为“${statusText}”。`,
          ),
        );
      case 'closed':
        return skipped(line, closedWithoutPayment(statusText));
      case 'cash_on_delivery':
        return skipped(
          line,
          reason(
            'cash_on_delivery_unpaid',
            `订单状态 ${statusText}: cash on delivery, not paid yet`,
            `订单状态为“${statusText}”：货到付款，买家尚未付款`,
          ),
        );
      default:
        return skipped(
          line,
          reason('not_paid', '订单付款时间 is empty: not paid', '订单付款时间为空：未付款'),
        );
    }
  }
  const amount = readFen(cells, PAID);
  if (!amount.ok) {
    return rejected(line, amount.column, amount.reason);
  }
  if (amount.value === null) {
    return rejected(line, column(cells, PAID).name ?? PAID[0]!, PAID_AMOUNT_EMPTY);
  }
  const refund = readFen(cells, REFUND);
  if (!refund.ok) {
    return rejected(line, refund.column, refund.reason);
  }
  let refundFen = refund.value;
  if (status === 'closed') {
    if (amount.value === 0) {
      return skipped(line, closedNothingPaid(statusText));
    }
    // Paid, then closed before completion: the money went back even if 退款金额 is not filled in.
    refundFen = refundFen !== null && refundFen > 0 ? refundFen : amount.value;
  }
  const buyer = buyerIdentities(cells);
  if (!buyer.ok) {
    return rejected(line, buyer.column, buyer.reason);
  }
  return events(
    [line],
    paidOrderEvents({
      source: 'taobao',
      shop: taobaoShopOf(column(cells, SHOP_NAME).value),
      orderId: orderId.value,
      paidAt: paidAt.value,
      amountFen: amount.value,
      identities: buyer.identities,
      refundFen,
    }),
  );
}

type Buyer = { ok: true; identities: IdentityInput[] } | { ok: false; column: string; reason: Reason };

function buyerIdentities(cells: SourceRow['cells']): Buyer {
  const identities: IdentityInput[] = [];
  const nick = column(cells, NICK).value;
  if (nick !== null) {
    identities.push({ kind: 'taobao_nick', value: nick });
  }
  const mobile = column(cells, MOBILE);
  const phone = phoneIdentity(mobile.value) ?? phoneIdentity(column(cells, LANDLINE).value);
  if (phone !== null) {
    identities.push(phone);
  }
  if (identities.length > 0) {
    return { ok: true, identities };
  }
  if (mobile.value !== null) {
    return {
      ok: false,
      column: mobile.name ?? MOBILE[0]!,
      reason: reason(
        'no_buyer',
        `"${mobile.value}" is not a mobile number and 买家会员名 is empty: the order has no buyer to attach it to.`,
        `“${mobile.value}”不是手机号，且买家会员名为空：订单没有可关联的买家。`,
      ),
    };
  }
  return {
    ok: false,
    column: NICK[0]!,
    reason: reason(
      'no_buyer',
      'No buyer: 买家会员名 and 联系手机 are empty or not in the file, so the order cannot be attached to anyone.',
      '没有买家：买家会员名和联系手机为空或文件中没有这两列，订单无法关联到任何客户。',
    ),
  };
}

export const taobaoOrders: FormatDefinition = {
  id: 'taobao_orders',
  label: '淘宝/天猫订单报表',
  headers: HEADERS,
  // The Tianchi subset (§1c) has 7 of these names; other shops' exports share at most 2 or 3.
  minMatches: 4,
  requires: [ORDER_ID, PAID, PAID_AT],
  createMapper(context: MapperContext): RowMapper {
    return {
      push: (row) => [mapRow(row, context)],
      finish: () => [],
    };
  },
};
