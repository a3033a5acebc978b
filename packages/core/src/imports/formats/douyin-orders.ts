import type { IdentityInput } from '../../identities/identity.schema.ts';
import { normaliseIdentity } from '../../identities/normalise-identity.ts';
import { becauseOfLine, type Reason, reason, type Words } from '../import-reason.ts';
import type { CsvCells } from '../read-csv.ts';
import type { MapOutcome, MapperContext, RowMapper } from './import-format.ts';
import {
  column,
  events,
  type FormatDefinition,
  hasColumn,
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
import { closedWithoutPayment, orderIdEmpty, statusNotPaid } from './order-reasons.ts';
import { gatherOrderRows, type OrderRow } from './order-rows.ts';

/**
 * Douyin shop (抖店) order export «订单导出» (formats README §4): one row per 子订单 (sub-order),
 * the sub-orders of one 主订单 adjacent. They are gathered into one order.paid (amount: the sum of
 * the sub-orders' 订单应付金额) with its items, and one order.refunded for the sub-orders whose
 * money went back (售后状态 退款成功, or 已关闭 after payment).
 *
 * The buyer: Douyin's order export carries no buyer id at all. 达人ID/达人昵称 name the creator who
 * promoted the product, not the buyer; 收件人 / 收件人手机号 / 详细地址 come encrypted (`##…`,
 * `$$…`) or masked. So an order can be attached to a customer only when 收件人手机号 holds a plain
 * mobile number (an older export, or one decrypted by the shop's ERP). Otherwise its rows are
 * rejected with that reason rather than imported under an invented customer: ingestion would
 * refuse an event with no matchable identity anyway, and the report says why. When Douyin exports
 * ever carry a stable buyer id, it becomes a `douyin_id` identity here.
 */

const ORDER_ID = ['主订单编号'];
const SUB_ORDER_ID = ['子订单编号'];
// 订单应付金额: what the buyer pays for the sub-order, after discounts (accounting-workbench sums it per 主订单).
const AMOUNT = ['订单应付金额'];
const PAID_AT = ['支付完成时间'];
const SUBMITTED_AT = ['订单提交时间'];
const STATUS = ['订单状态'];
const AFTER_SALE = ['售后状态'];
const PHONE = ['收件人手机号'];
const NAME = ['选购商品'];
const SPEC = ['商品规格'];
const QUANTITY = ['商品数量'];
const SKU = ['商家编码', '商品ID'];
const PRICE = ['商品单价'];

/** The 65 columns of §4, then those other readers of the export know. */
const HEADERS = [
  ...'主订单编号,子订单编号,选购商品,商品规格,商品数量,商品ID,商家编码,商品单价,订单应付金额,运费,优惠总金额,平台优惠,商家优惠,达人优惠,商家改价,支付优惠,红包抵扣,支付方式,手续费,收件人,收件人手机号,省,市,区,街道,详细地址,是否修改过地址,买家留言,订单提交时间,旗帜颜色,商家备注,订单完成时间,支付完成时间,APP渠道,流量来源,订单状态,承诺发货时间,订单类型,鲁班落地页ID,达人ID,达人昵称,所属门店ID,售后状态,取消原因,预约发货时间,仓库ID,仓库名称,是否安心购,广告渠道,流量类型,流量体裁,流量渠道,发货主体,发货主体明细,发货时间,降价类优惠,平台实际承担优惠金额,商家实际承担优惠金额,达人实际承担优惠金额,预计送达时间,是否平台仓自流转,车型,预约送达时间,建议发货时间(起),建议发货时间(止)'.split(
    ',',
  ),
  ...['商品金额', '快递单号', '快递公司', '快递信息', '收件地址', '商家收入金额'],
];

/** 订单状态 (§4, accounting-workbench's ranks) and what each says of the payment. */
const UNPAID = statusSet(['待支付', '待付款']);
const PAID_STATUSES = statusSet(['已支付', '待发货', '已发货', '已完成']);
// Closed: cancelled before payment (not a purchase), or after it, when the money went back.
const CLOSED = statusSet(['已关闭']);

/** 售后状态 (§4): the one that means the money went back, and those that do not (yet). */
const REFUNDED = statusSet(['退款成功']);
const NOT_REFUNDED = statusSet([
  '售后关闭',
  '售后已拒绝',
  '换货成功',
  '补寄成功',
  '待收退货',
  '待退货',
  '售后待处理',
]);

type Status = 'unpaid' | 'paid' | 'closed';

type Line = Readonly<{
  line: number;
  status: Status | null;
  statusText: string | null;
  refunded: boolean;
  paidAt: string | null;
  amountFen: number;
  item: OrderItem | null;
  /** Several sub-orders joined with `;` in one row (§4, seen in one importer's fixture). */
  joined: boolean;
}>;

type Row = OrderRow;

type Fault = { ok: false; column: string; reason: Reason };

function statusOf(text: string | null): Status | null | undefined {
  if (text === null) {
    return null;
  }
  const key = statusKey(text);
  if (UNPAID.has(key)) {
    return 'unpaid';
  }
  if (PAID_STATUSES.has(key)) {
    return 'paid';
  }
  return CLOSED.has(key) ? 'closed' : undefined;
}

/** One sub-order's row read, or the column at fault. */
function readLine(row: Row, timeZone: string): { ok: true; line: Line } | Fault {
  const { cells } = row;
  const subOrder = readId(cells, SUB_ORDER_ID);
  if (!subOrder.ok) {
    return subOrder;
  }
  const statusText = column(cells, STATUS).value;
  const status = statusOf(statusText);
  if (status === undefined) {
    return {
      ok: false,
      column: STATUS[0]!,
      reason: reason(
        'unknown_status',
        `Unknown order status "${statusText}": it is not known whether this order was paid, so it is not imported.`,
        `未知的订单状态“${statusText}”：无法确定该订单是否已付款，因此不导入。`,
      ),
    };
  }
  const afterSale = column(cells, AFTER_SALE).value;
  const afterKey = afterSale === null ? null : statusKey(afterSale);
  if (afterKey !== null && !REFUNDED.has(afterKey) && !NOT_REFUNDED.has(afterKey)) {
    return {
      ok: false,
      column: AFTER_SALE[0]!,
      reason: reason(
        'unknown_after_sale_status',
        `Unknown after-sale status "${afterSale}": it is not known whether the money went back, so the order is not imported.`,
        `未知的售后状态“${afterSale}”：无法确定款项是否已退回，因此不导入该订单。`,
      ),
    };
  }
  const paidAt = readTime(cells, PAID_AT, timeZone);
  if (!paidAt.ok) {
    return paidAt;
  }
  const amount = readFen(cells, AMOUNT);
  if (!amount.ok) {
    return amount;
  }
  if (amount.value === null) {
    return {
      ok: false,
      column: AMOUNT[0]!,
      reason: reason(
        'paid_amount_empty',
        'The amount (订单应付金额) is empty.',
        '金额（订单应付金额）为空。',
      ),
    };
  }
  const joined = [...NAME, ...SKU, ...QUANTITY, ...SUB_ORDER_ID].some((name) =>
    (cells[name] ?? '').includes(';'),
  );
  const item = joined ? { ok: true as const, item: null } : itemOf(cells);
  if (!item.ok) {
    return item;
  }
  return {
    ok: true,
    line: {
      line: row.line,
      status,
      statusText,
      refunded: afterKey !== null && REFUNDED.has(afterKey),
      paidAt: paidAt.value,
      amountFen: amount.value,
      item: item.item,
      joined,
    },
  };
}

/** The item a row describes, null when its name or unit price is not in the file. */
function itemOf(cells: CsvCells): { ok: true; item: OrderItem | null } | Fault {
  const quantity = readQuantity(cells, QUANTITY);
  if (!quantity.ok) {
    return quantity;
  }
  const price = readFen(cells, PRICE);
  if (!price.ok) {
    return price;
  }
  // 商家编码 (the shop's own code) where filled in, else Douyin's 商品ID.
  let sku = readId(cells, SKU.slice(0, 1));
  if (sku.ok && sku.value === null) {
    sku = readId(cells, SKU.slice(1));
  }
  if (!sku.ok) {
    return sku;
  }
  const product = column(cells, NAME).value;
  const spec = column(cells, SPEC).value;
  const name = product === null ? sku.value : spec === null ? product : `${product} ${spec}`;
  if (name === null || price.value === null) {
    return { ok: true, item: null };
  }
  return {
    ok: true,
    item: {
      ...(sku.value === null ? {} : { sku: sku.value.slice(0, 128) }),
      name: name.slice(0, 256),
      quantity: quantity.value ?? 1,
      price_fen: price.value,
    },
  };
}

const NO_BUYER_ID: Words = {
  en: 'Douyin order exports carry no buyer id (达人ID is the creator who promoted the product, not the buyer)',
  zh: '抖店订单导出不含买家编号（达人ID 是推广商品的达人，不是买家）',
};

/** Why there is no buyer to attach the order to: `cause` (English, Chinese), then the missing id. */
function noBuyer(cause: Words): Reason {
  return reason(
    'no_buyer',
    `No buyer to attach the order to: ${cause.en}, and ${NO_BUYER_ID.en}.`,
    `没有可关联订单的买家：${cause.zh}，且${NO_BUYER_ID.zh}。`,
  );
}

/**
 * The buyer's identities: 收件人手机号 when it is a plain mobile number. Ciphertext (`##…`, `$$…`)
 * and masked numbers are dropped: they never match, and they would be the event's only identity.
 */
function buyerOf(rows: readonly Row[]): { ok: true; identities: IdentityInput[] } | Fault {
  const first = rows[0]!.cells;
  if (!hasColumn(first, PHONE)) {
    return {
      ok: false,
      column: PHONE[0]!,
      reason: noBuyer({ en: 'the file has no 收件人手机号 column', zh: '文件中没有收件人手机号列' }),
    };
  }
  let problem: Words | null = null;
  for (const row of rows) {
    const value = column(row.cells, PHONE).value;
    if (value === null) {
      continue;
    }
    if (/^[#$]/.test(value)) {
      const shown = value.length > 12 ? `${value.slice(0, 12)}…` : value;
      problem ??= {
        en: `收件人手机号 is encrypted ("${shown}"), as Douyin exports it`,
        zh: `收件人手机号已加密（“${shown}”），抖店导出时即为密文`,
      };
      continue;
    }
    if (value.includes('*')) {
      problem ??= {
        en: `收件人手机号 "${value}" is masked and never matches anyone`,
        zh: `收件人手机号“${value}”已打码，无法匹配任何人`,
      };
      continue;
    }
    const phone = normaliseIdentity({ kind: 'phone', value });
    if (phone.ok && phone.identity.matchable) {
      return { ok: true, identities: [{ kind: 'phone', value: phone.identity.value }] };
    }
    problem ??= {
      en: `收件人手机号 "${value}" is not a mobile number`,
      zh: `收件人手机号“${value}”不是手机号`,
    };
  }
  return {
    ok: false,
    column: PHONE[0]!,
    reason: noBuyer(problem ?? { en: '收件人手机号 is empty', zh: '收件人手机号为空' }),
  };
}

function mapOrder(rows: readonly Row[], context: MapperContext): MapOutcome[] {
  const numbers = rows.map((r) => r.line);
  const orderId = rows[0]!.orderId;
  const rejectAll = (col: string, why: Reason) => numbers.map((line) => rejected(line, col, why));
  const lines: Line[] = [];
  for (const row of rows) {
    const read = readLine(row, context.timeZone);
    if (!read.ok) {
      return rows.map((r) =>
        r === row
          ? rejected(r.line, read.column, read.reason)
          : rejected(r.line, read.column, becauseOfLine(row.line, orderId, read.reason)),
      );
    }
    lines.push(read.line);
  }

  // Douyin takes the payment for a whole 主订单, so its sub-orders are all paid or none is.
  const paid = lines.filter((l) => l.status === 'paid' || l.refunded || l.paidAt !== null);
  const unpaid = lines.filter((l) => l.status === 'unpaid');
  if (paid.length > 0 && unpaid.length > 0) {
    const [u, p] = [unpaid[0]!, paid[0]!];
    return rejectAll(
      STATUS[0]!,
      reason(
        'sub_orders_disagree_paid',
        `The sub-orders of order ${orderId} disagree on whether it was paid (line ${u.line}: ` +
          `${u.statusText}, line ${p.line}: ${p.statusText ?? 'paid'}).`,
        `订单 ${orderId} 的子订单对是否已付款不一致（第 ${u.line} 行：“${u.statusText}”，` +
          `第 ${p.line} 行：${p.statusText === null ? '已付款' : `“${p.statusText}”`}）。`,
      ),
    );
  }
  if (paid.length === 0) {
    return lines.map((l) =>
      l.status === 'closed'
        ? skipped(l.line, closedWithoutPayment(l.statusText))
        : skipped(
            l.line,
            l.statusText === null
              ? reason('not_paid', '支付完成时间 is empty: not paid', '支付完成时间为空：未付款')
              : statusNotPaid(l.statusText),
          ),
    );
  }

  const buyer = buyerOf(rows);
  if (!buyer.ok) {
    return rejectAll(buyer.column, buyer.reason);
  }

  let paidAt = lines.find((l) => l.paidAt !== null)?.paidAt ?? null;
  if (paidAt === null) {
    const first = rows[0]!.cells;
    if (hasColumn(first, PAID_AT)) {
      const status = paid[0]!.statusText;
      return rejectAll(
        PAID_AT[0]!,
        reason(
          'paid_time_empty',
          `The payment time (支付完成时间) is empty although the order is ${status === null ? 'refunded' : `"${status}"`}.`,
          `付款时间（支付完成时间）为空，但订单${status === null ? '已退款' : `状态为“${status}”`}。`,
        ),
      );
    }
    // A trimmed export without the payment time: Douyin orders are paid when submitted or not at all.
    const submitted = readTime(first, SUBMITTED_AT, context.timeZone);
    if (!submitted.ok) {
      return rejectAll(submitted.column, submitted.reason);
    }
    if (submitted.value === null) {
      return rejectAll(
        PAID_AT[0]!,
        reason(
          'paid_time_unknown',
          'The payment cannot be dated: the file has no 支付完成时间 column and 订单提交时间 is empty or not in the file.',
          '无法确定付款时间：文件中没有支付完成时间列，订单提交时间也为空或不在文件中。',
        ),
      );
    }
    paidAt = submitted.value;
  }

  const amountFen = lines.reduce((sum, l) => sum + l.amountFen, 0);
  // A sub-order closed after payment was refunded in full, whatever 售后状态 says.
  const refundFen = lines
    .filter((l) => l.refunded || l.status === 'closed')
    .reduce((sum, l) => sum + l.amountFen, 0);
  if (amountFen === 0 && lines.every((l) => l.refunded || l.status === 'closed')) {
    const why = reason(
      'unpaid_closed',
      'Every sub-order closed and nothing paid: not a purchase',
      '所有子订单均已关闭且未付任何金额：不算购买',
    );
    return numbers.map((line) => skipped(line, why));
  }
  const joined = lines.some((l) => l.joined);
  const items = joined ? [] : lines.flatMap((l) => (l.item === null ? [] : [l.item])).slice(0, 200);
  return [
    events(
      numbers,
      paidOrderEvents({
        source: 'douyin',
        shop: 'douyin',
        orderId,
        paidAt,
        amountFen,
        identities: buyer.identities,
        items,
        refundFen: refundFen > 0 ? refundFen : null,
      }),
    ),
  ];
}

function createMapper(context: MapperContext): RowMapper {
  return gatherOrderRows(ORDER_ID, orderIdEmpty('主订单编号'), (rows) => mapOrder(rows, context));
}

export const douyinOrders: FormatDefinition = {
  id: 'douyin_orders',
  label: '抖店订单导出',
  headers: HEADERS,
  // The 8-column sample (§4) has 8 of these names; other shops' exports share at most 主订单编号/订单状态.
  minMatches: 4,
  requires: [ORDER_ID, SUB_ORDER_ID, AMOUNT],
  createMapper,
};
