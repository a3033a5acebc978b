import type { IdentityInput } from '../../identities/identity.schema.ts';
import { type Reason, reason, type Words } from '../import-reason.ts';
import type { CsvCells } from '../read-csv.ts';
import type { MapOutcome, MapperContext, RowMapper, SourceRow } from './import-format.ts';
import {
  column,
  events,
  type FormatDefinition,
  hasColumn,
  phoneIdentity,
  readFen,
  readId,
  readQuantity,
  readTime,
  rejected,
  skipped,
  statusKey,
  statusSet,
} from './map-row.ts';
import { type OrderItem, paidOrderEvents } from './order-events.ts';
import {
  closedWithoutPayment,
  orderIdEmpty,
  PAID_AMOUNT_EMPTY,
  paidTimeMissing,
  statusNotPaid,
} from './order-reasons.ts';

/**
 * Pinduoduo order export «orders_export» (formats README §5): one row per order (a PDD order is
 * one product, 商品数量(件) pieces of it). Headers are matched after the reader's normalisation,
 * so `商品总价（元）` is `商品总价(元)`; every cell may carry a tab, which the reader trims.
 *
 * Payment: the full 订单状态 vocabulary is not known (§5, §11), so 支付时间 decides — an order
 * with a payment time is a purchase, one without is not — and 订单状态 only adds what it says
 * for certain: `待支付`/`待付款` is not paid, `已取消` after payment means the money went back.
 * 售后状态 `退款成功` refunds the whole payment; `无售后或售后取消` and `售后处理中` refund nothing
 * (yet); other values are not guessed at and reject the row.
 *
 * Buyer: 用户购买手机号 (the buyer's own number, often empty), else 手机 (the receiver's). Only one
 * is used: the receiver of a gift is another person, and two phones on one event would merge them.
 * A masked number is kept for display beside a usable one but never alone (it matches nobody, and
 * ingestion refuses an event without a matchable identity).
 */

const ORDER_ID = ['订单号'];
const STATUS = ['订单状态'];
const PAID_AT = ['支付时间'];
// 拼单成功时间: when a group order formed, after payment; the date for files without 支付时间.
const GROUPED_AT = ['拼单成功时间'];
// 用户实付金额: what the buyer paid; 商家实收金额 (what the shop received) where it is absent.
const AMOUNT = ['用户实付金额(元)', '商家实收金额(元)'];
const AFTER_SALE = ['售后状态'];
const BUYER_PHONE = ['用户购买手机号'];
const RECEIVER_PHONE = ['手机'];
const NAME = ['商品'];
const SPEC = ['商品规格'];
const QUANTITY = ['商品数量(件)'];
const GOODS_TOTAL = ['商品总价(元)'];
const SKU = ['商家编码-SKU维度', '商家编码-规格维度', '商家编码-商品维度', '商品id'];

/** The ≈2020 header of §5 (normalised brackets), then names of other versions. */
const HEADERS = [
  ...'商品,订单号,订单状态,商品总价(元),店铺优惠折扣(元),平台优惠折扣(元),邮费(元),上门安装费(元),送货入户费(元),送货入户并安装费(元),用户实付金额(元),商品数量(件),身份证姓名,身份证号码,收货人,手机,是否异常,省,市,区,街道,支付时间,拼单成功时间,订单确认时间,承诺发货时间,发货时间,确认收货时间,商品id,商品规格,用户购买手机号,样式ID,商家编码-SKU维度,商家编码-商品维度,快递单号,快递公司,海淘清关订单号,支付ID,支付方式,是否抽奖或0元试用,是否顺丰加价,商家备注,售后状态,买家留言'.split(
    ',',
  ),
  ...['商家实收金额(元)', '服务费(元)', '是否审核中', '详细地址', '商家编码-规格维度'],
];

const UNPAID = statusSet(['待支付', '待付款', '未支付']);
const REFUNDED = statusSet(['退款成功']);
const NOT_REFUNDED = statusSet(['无售后或售后取消', '售后处理中']);

type Fault = { ok: false; column: string; reason: Reason };

function paidAtOf(cells: CsvCells, timeZone: string): { ok: true; value: string | null } | Fault {
  const paidAt = readTime(cells, PAID_AT, timeZone);
  if (!paidAt.ok || paidAt.value !== null || hasColumn(cells, PAID_AT)) {
    return paidAt;
  }
  return readTime(cells, GROUPED_AT, timeZone);
}

/** The item of the order, null when its name or price is not in the file or the price does not split. */
function itemOf(cells: CsvCells): { ok: true; item: OrderItem | null } | Fault {
  const quantity = readQuantity(cells, QUANTITY);
  if (!quantity.ok) {
    return quantity;
  }
  const total = readFen(cells, GOODS_TOTAL);
  if (!total.ok) {
    return total;
  }
  let sku: string | null = null;
  for (const name of SKU) {
    const id = readId(cells, [name]);
    if (!id.ok) {
      return id;
    }
    sku ??= id.value;
  }
  const product = column(cells, NAME).value;
  const spec = column(cells, SPEC).value;
  const count = quantity.value ?? 1;
  // 商品总价 is for all the pieces; a unit price is only stated when it divides evenly.
  if (product === null || total.value === null || total.value % count !== 0) {
    return { ok: true, item: null };
  }
  return {
    ok: true,
    item: {
      ...(sku === null ? {} : { sku: sku.slice(0, 128) }),
      name: (spec === null ? product : `${product} ${spec}`).slice(0, 256),
      quantity: count,
      price_fen: total.value / count,
    },
  };
}

/** The buyer's identities, or why there is none to attach the order to. */
function buyerOf(cells: CsvCells): { ok: true; identities: IdentityInput[] } | Fault {
  const buyer = column(cells, BUYER_PHONE).value;
  const receiver = column(cells, RECEIVER_PHONE).value;
  const buyerPhone = phoneIdentity(buyer);
  const receiverPhone = phoneIdentity(receiver);
  const usable = (phone: IdentityInput | null) => phone !== null && !phone.value.includes('*');
  if (usable(buyerPhone)) {
    return { ok: true, identities: [buyerPhone!] };
  }
  if (usable(receiverPhone)) {
    // A masked 用户购买手机号 is the buyer's, shown beside the receiver's number.
    return { ok: true, identities: buyerPhone === null ? [receiverPhone!] : [receiverPhone!, buyerPhone] };
  }
  const problems: Words[] = [];
  for (const [name, value] of [
    [BUYER_PHONE[0]!, buyer],
    [RECEIVER_PHONE[0]!, receiver],
  ] as const) {
    if (value !== null) {
      problems.push(
        value.includes('*')
          ? { en: `${name} "${value}" is masked`, zh: `${name}“${value}”已打码` }
          : { en: `${name} "${value}" is not a mobile number`, zh: `${name}“${value}”不是手机号` },
      );
    }
  }
  return {
    ok: false,
    column: buyer !== null || receiver === null ? BUYER_PHONE[0]! : RECEIVER_PHONE[0]!,
    reason:
      problems.length === 0
        ? reason(
            'no_buyer',
            'No buyer to attach the order to: 用户购买手机号 and 手机 are empty or not in the file.',
            '没有可关联订单的买家：用户购买手机号和手机均为空或不在文件中。',
          )
        : reason(
            'no_buyer',
            `No buyer to attach the order to: ${problems.map((p) => p.en).join(' and ')}, and the export has no other buyer id.`,
            `没有可关联订单的买家：${problems.map((p) => p.zh).join('，')}，且导出文件中没有其他买家编号。`,
          ),
  };
}

function mapRow(row: SourceRow, context: MapperContext): MapOutcome {
  const { line, cells } = row;
  const orderId = readId(cells, ORDER_ID);
  if (!orderId.ok) {
    return rejected(line, orderId.column, orderId.reason);
  }
  if (orderId.value === null) {
    return rejected(line, ORDER_ID[0]!, orderIdEmpty('订单号'));
  }
  const status = column(cells, STATUS).value;
  const key = status === null ? null : statusKey(status);
  if (key !== null && UNPAID.has(key)) {
    return skipped(line, statusNotPaid(status));
  }
  const cancelled = key?.includes('取消') ?? false;
  const afterSale = column(cells, AFTER_SALE).value;
  const afterKey = afterSale === null ? null : statusKey(afterSale);
  if (afterKey !== null && !REFUNDED.has(afterKey) && !NOT_REFUNDED.has(afterKey)) {
    return rejected(
      line,
      AFTER_SALE[0]!,
      reason(
        'unknown_after_sale_status',
        `Unknown after-sale status "${afterSale}": it is not known whether the money went back, so the order is not imported.`,
        `未知的售后状态“${afterSale}”：无法确定款项是否已退回，因此不导入该订单。`,
      ),
    );
  }
  const paidAt = paidAtOf(cells, context.timeZone);
  if (!paidAt.ok) {
    return rejected(line, paidAt.column, paidAt.reason);
  }
  if (paidAt.value === null) {
    if (afterKey !== null && REFUNDED.has(afterKey)) {
      return rejected(
        line,
        PAID_AT[0]!,
        reason(
          'paid_time_empty',
          'The payment time (支付时间) is empty although the order was refunded.',
          '付款时间（支付时间）为空，但订单已退款。',
        ),
      );
    }
    return cancelled
      ? skipped(line, closedWithoutPayment(status))
      : skipped(line, paidTimeMissing('支付时间', status));
  }
  const amount = readFen(cells, AMOUNT);
  if (!amount.ok) {
    return rejected(line, amount.column, amount.reason);
  }
  if (amount.value === null) {
    return rejected(line, column(cells, AMOUNT).name ?? AMOUNT[0]!, PAID_AMOUNT_EMPTY);
  }
  const refunded = (afterKey !== null && REFUNDED.has(afterKey)) || cancelled;
  if (refunded && amount.value === 0) {
    return skipped(
      line,
      reason(
        'unpaid_closed',
        `订单状态 ${status ?? '-'} and nothing paid: not a purchase`,
        `${status === null ? '订单已退款' : `订单状态为“${status}”`}且未付任何金额：不算购买`,
      ),
    );
  }
  const item = itemOf(cells);
  if (!item.ok) {
    return rejected(line, item.column, item.reason);
  }
  const buyer = buyerOf(cells);
  if (!buyer.ok) {
    return rejected(line, buyer.column, buyer.reason);
  }
  return events(
    [line],
    paidOrderEvents({
      source: 'pdd',
      shop: 'pdd',
      orderId: orderId.value,
      paidAt: paidAt.value,
      amountFen: amount.value,
      identities: buyer.identities,
      items: item.item === null ? [] : [item.item],
      // Refunded or cancelled after payment: PDD returns the whole payment.
      refundFen: refunded ? amount.value : null,
    }),
  );
}

export const pddOrders: FormatDefinition = {
  id: 'pdd_orders',
  label: '拼多多订单导出',
  headers: HEADERS,
  minMatches: 5,
  requires: [ORDER_ID, AMOUNT, PAID_AT.concat(GROUPED_AT)],
  createMapper(context: MapperContext): RowMapper {
    return {
      push: (row) => [mapRow(row, context)],
      finish: () => [],
    };
  },
};
