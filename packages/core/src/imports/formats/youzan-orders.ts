import { reason } from '../import-reason.ts';
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
  paidTimeMissing,
  statusNotPaid,
} from './order-reasons.ts';

/**
 * Youzan order export, order level (订单维度, «订单数据.csv», formats README §3a): one row per order.
 * The buyer is known by 买家手机号 only: the export has no Youzan user id or openid (买家昵称 is a
 * display name, not an identifier), so a row without a buyer phone cannot be attached to anyone.
 * The item-level view (商品维度, §3b) has no buyer column at all and is not this format.
 */

const ORDER_ID = ['订单号'];
const STATUS = ['订单状态'];
const PAID_AT = ['买家付款时间'];
// 订单实付金额: what the buyer paid; 订单实收金额 (what the shop received) where it is absent.
const AMOUNT = ['订单实付金额', '订单实收金额'];
const PHONE = ['买家手机号'];
const REFUND = ['订单已退款金额'];

/** The 2026 header of §3a (its second 分销员 is read as 分销员#2), then the older variant's names. */
const HEADERS = [
  ...'订单号,销售渠道,归属店铺,订单类型,订单状态,推广方式,订单来源,订单创建时间,买家付款时间,交易成功时间,付款方式,支付流水号,商品金额合计,运费,店铺优惠合计,应收订单金额,订单实付金额,支付优惠合计,订单实收金额,订单抵用积分数,店铺优惠方式,支付优惠方式,全部商品名称,商品种类数,订单配送方式,同城送达时间/提货时间,收货人省份,收货人城市,收货人地区,详细收货地址/提货地址,收货人/提货人,收货人手机号/提货人手机号,买家备注,订单星级,买家昵称,买家是否会员,买家手机号,下单网点,收银员,分销员,销售导购,专属导购,订单退款状态,订单已退款金额,商家订单备注,桌号,挂账主体,挂账手机号,团长订单,订单风险标签,分销员手机号,分销员所属店铺,分销员所属团队,分销员所属分组,分销员等级,订单佣金类型,订单佣金金额,订单下级卖货提成类型,订单下级卖货提成金额'.split(
    ',',
  ),
  ...['支付营销优惠', '外部订单号', '预约同城送达时间/预约自提时间', '买家姓名', '优惠券码名称', '入住时间'],
];

const UNPAID = statusSet(['待付款', '等待买家付款', '待支付']);
const PAID_STATUSES = statusSet([
  '待发货',
  '等待商家发货',
  '部分发货',
  '已发货',
  '商家已发货',
  '待收货',
  '交易完成',
  '交易成功',
]);

function mapRow(row: SourceRow, context: MapperContext): MapOutcome {
  const { line, cells } = row;
  const orderId = readId(cells, ORDER_ID);
  if (!orderId.ok) {
    return rejected(line, orderId.column, orderId.reason);
  }
  if (orderId.value === null) {
    return rejected(line, ORDER_ID[0]!, orderIdEmpty());
  }
  const status = column(cells, STATUS).value;
  const key = status === null ? null : statusKey(status);
  if (key !== null && UNPAID.has(key)) {
    return skipped(line, statusNotPaid(status));
  }
  const closed = key?.includes('关闭') ?? false;
  const paidAt = readTime(cells, PAID_AT, context.timeZone);
  if (!paidAt.ok) {
    return rejected(line, paidAt.column, paidAt.reason);
  }
  if (paidAt.value === null) {
    if (key !== null && PAID_STATUSES.has(key)) {
      return rejected(
        line,
        PAID_AT[0]!,
        reason(
          'paid_time_empty',
          `The payment time is empty although the order is "${status}".`,
          `付款时间（买家付款时间）为空，但订单状态为“${status}”。`,
        ),
      );
    }
    return closed
      ? skipped(line, closedWithoutPayment(status))
      : skipped(line, paidTimeMissing('买家付款时间', status));
  }
  const amount = readFen(cells, AMOUNT);
  if (!amount.ok) {
    return rejected(line, amount.column, amount.reason);
  }
  if (amount.value === null) {
    return rejected(line, column(cells, AMOUNT).name ?? AMOUNT[0]!, PAID_AMOUNT_EMPTY);
  }
  const refund = readFen(cells, REFUND);
  if (!refund.ok) {
    return rejected(line, refund.column, refund.reason);
  }
  let refundFen = refund.value;
  if (closed) {
    if (amount.value === 0) {
      return skipped(line, closedNothingPaid(status));
    }
    // Paid, then closed: the money went back even if 订单已退款金额 is not filled in.
    refundFen = refundFen !== null && refundFen > 0 ? refundFen : amount.value;
  }
  const phoneText = column(cells, PHONE).value;
  const phone = phoneIdentity(phoneText);
  if (phone === null) {
    return rejected(
      line,
      PHONE[0]!,
      phoneText === null
        ? reason(
            'no_buyer',
            'No buyer: 买家手机号 is empty or not in the file, and the export has no other buyer id.',
            '没有买家：买家手机号为空或不在文件中，且导出文件中没有其他买家编号。',
          )
        : reason(
            'no_buyer',
            `"${phoneText}" is not a mobile number, and the export has no other buyer id.`,
            `买家手机号“${phoneText}”不是手机号，且导出文件中没有其他买家编号。`,
          ),
    );
  }
  return events(
    [line],
    paidOrderEvents({
      source: 'youzan',
      shop: 'youzan',
      orderId: orderId.value,
      paidAt: paidAt.value,
      amountFen: amount.value,
      identities: [phone],
      refundFen,
    }),
  );
}

export const youzanOrders: FormatDefinition = {
  id: 'youzan_orders',
  label: '有赞订单导出(订单维度)',
  headers: HEADERS,
  minMatches: 5,
  requires: [ORDER_ID, AMOUNT, PAID_AT],
  createMapper(context: MapperContext): RowMapper {
    return {
      push: (row) => [mapRow(row, context)],
      finish: () => [],
    };
  },
};
