import type { IdentityInput } from '../../identities/identity.schema.ts';
import { becauseOfLine, type Reason, reason } from '../import-reason.ts';
import type { CsvCells } from '../read-csv.ts';
import type { MapOutcome, MapperContext, RowMapper } from './import-format.ts';
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
import { closedWithoutPayment, orderIdEmpty, paidTimeMissing, statusNotPaid } from './order-reasons.ts';
import { gatherOrderRows, type OrderRow } from './order-rows.ts';

/**
 * JD POP order export (formats README §2): one row per SKU, the order's amounts repeated on each
 * row. The rows of an order are adjacent; they are gathered into one order.paid with its items.
 * No JD file was seen, so the status vocabulary below is partly from JD's back end as commonly
 * described, and the payment time decides wherever the status does not.
 */

const ORDER_ID = ['订单号'];
const PIN = ['下单帐号', '下单账号'];
const PHONE = ['联系电话'];
// 应付金额 is what the customer pays (after discounts, with freight); 订单金额 where it is absent.
const AMOUNT = ['应付金额', '订单金额'];
const ORDERED_AT = ['下单时间'];
const PAID_AT = ['付款确认时间'];
const COMPLETED_AT = ['订单完成时间'];
const STATUS = ['订单状态'];
const SKU = ['商品ID', '货号'];
const NAME = ['商品名称'];
const QUANTITY = ['订购数量'];
const PRICE = ['京东价'];

const HEADERS = [
  ...'订单号,商品ID,商品名称,订购数量,支付方式,下单时间,京东价,订单金额,结算金额,余额支付,应付金额,订单状态,订单类型,下单帐号,客户姓名,客户地址,联系电话,订单备注,发票类型,发票抬头,发票内容,商家备注,商家备注等级(等级1-5为由高到低),运费金额,付款确认时间,增值税发票,货号,订单完成时间,订单来源,订单渠道'.split(
    ',',
  ),
  ...['下单账号', '店铺ID', '店铺名称', '送装服务', '服务费', '仓库id', '仓库名称'],
];

const UNPAID = statusSet(['等待付款', '等待付款确认']);
const PAID_STATUSES = statusSet(['等待出库', '等待发货', '已发货', '等待确认收货', '完成', '已完成']);
const COMPLETED = statusSet(['完成', '已完成']);

type Row = OrderRow;

type Decision =
  | { kind: 'skip'; reason: Reason }
  | { kind: 'reject'; column: string; reason: Reason }
  | { kind: 'paid'; paidAt: string; refundAll: boolean };

/** Whether, when and how the order was paid, from its first row. */
function decide(cells: CsvCells, timeZone: string): Decision {
  const status = column(cells, STATUS).value;
  const key = status === null ? null : statusKey(status);
  if (key !== null && UNPAID.has(key)) {
    return {
      kind: 'skip',
      reason: statusNotPaid(status),
    };
  }
  const cancelled = key?.includes('取消') ?? false;
  for (const names of [PAID_AT, COMPLETED_AT, ORDERED_AT]) {
    const at = readTime(cells, names, timeZone);
    if (!at.ok) {
      return { kind: 'reject', column: at.column, reason: at.reason };
    }
  }
  const time = (names: readonly string[]) => {
    const at = readTime(cells, names, timeZone);
    return at.ok ? at.value : null;
  };
  let paidAt = time(PAID_AT);
  if (paidAt === null && !cancelled) {
    if (key !== null && COMPLETED.has(key)) {
      // Cash on delivery: paid on receipt, which the completion time dates.
      paidAt = time(COMPLETED_AT) ?? time(ORDERED_AT);
    } else if (!hasColumn(cells, PAID_AT) && (key === null || PAID_STATUSES.has(key))) {
      // A trimmed export without the payment time (the ERP subset of §2): orders placed are sales.
      paidAt = time(ORDERED_AT);
    }
  }
  if (paidAt === null) {
    return cancelled
      ? {
          kind: 'skip',
          reason: closedWithoutPayment(status),
        }
      : {
          kind: 'skip',
          reason: paidTimeMissing('付款确认时间', status),
        };
  }
  // Cancelled after payment: JD returns the whole payment.
  return { kind: 'paid', paidAt, refundAll: cancelled };
}

function buyerIdentities(cells: CsvCells): IdentityInput[] {
  const identities: IdentityInput[] = [];
  const pin = column(cells, PIN).value;
  if (pin !== null) {
    identities.push({ kind: 'jd_pin', value: pin });
  }
  const phone = phoneIdentity(column(cells, PHONE).value);
  if (phone !== null) {
    identities.push(phone);
  }
  return identities;
}

/** The item a row describes, null when it names none, or the column at fault. */
function itemOf(
  cells: CsvCells,
): { ok: true; item: OrderItem | null } | { ok: false; column: string; reason: Reason } {
  const quantity = readQuantity(cells, QUANTITY);
  if (!quantity.ok) {
    return quantity;
  }
  const price = readFen(cells, PRICE);
  if (!price.ok) {
    return price;
  }
  const sku = readId(cells, SKU);
  if (!sku.ok) {
    return sku;
  }
  const name = column(cells, NAME).value ?? sku.value;
  if (name === null || price.value === null) {
    return { ok: true, item: null };
  }
  const item: OrderItem = {
    ...(sku.value === null ? {} : { sku: sku.value }),
    name: name.slice(0, 256),
    quantity: quantity.value ?? 1,
    price_fen: price.value,
  };
  return { ok: true, item };
}

function mapOrder(rows: readonly Row[], timeZone: string): MapOutcome[] {
  const lines = rows.map((r) => r.line);
  const first = rows[0]!;
  const orderId = first.orderId;
  const rejectAll = (col: string, why: Reason) => lines.map((line) => rejected(line, col, why));
  const items: OrderItem[] = [];
  for (const row of rows) {
    const item = itemOf(row.cells);
    if (!item.ok) {
      return rows.map((r) =>
        r === row
          ? rejected(r.line, item.column, item.reason)
          : rejected(r.line, item.column, becauseOfLine(row.line, orderId, item.reason)),
      );
    }
    if (item.item !== null && items.length < 200) {
      items.push(item.item);
    }
  }
  const decision = decide(first.cells, timeZone);
  if (decision.kind === 'skip') {
    return lines.map((line) => skipped(line, decision.reason));
  }
  if (decision.kind === 'reject') {
    return rejectAll(decision.column, decision.reason);
  }
  const amount = readFen(first.cells, AMOUNT);
  if (!amount.ok) {
    return rejectAll(amount.column, amount.reason);
  }
  const amountColumn = column(first.cells, AMOUNT).name ?? AMOUNT[0]!;
  if (amount.value === null) {
    return rejectAll(
      amountColumn,
      reason('paid_amount_empty', 'The order amount is empty.', '订单金额为空。'),
    );
  }
  for (const row of rows.slice(1)) {
    const other = readFen(row.cells, AMOUNT);
    if (!other.ok || other.value !== amount.value) {
      const firstAmount = column(first.cells, AMOUNT).value;
      const otherAmount = column(row.cells, AMOUNT).value;
      return rejectAll(
        amountColumn,
        reason(
          'order_amounts_differ',
          `The rows of order ${orderId} give different amounts (line ${first.line}: ${firstAmount}, ` +
            `line ${row.line}: ${otherAmount}); the export should repeat the order's amount on each row.`,
          `订单 ${orderId} 的各行金额不一致（第 ${first.line} 行：“${firstAmount}”，第 ${row.line} 行：“${otherAmount}”）；` +
            '导出文件应在每一行重复订单金额。',
        ),
      );
    }
  }
  const identities = buyerIdentities(first.cells);
  if (identities.length === 0) {
    const phone = column(first.cells, PHONE).value;
    return phone === null
      ? rejectAll(
          PIN[0]!,
          reason(
            'no_buyer',
            'No buyer: 下单帐号 and 联系电话 are empty or not in the file.',
            '没有买家：下单帐号和联系电话为空或文件中没有这两列。',
          ),
        )
      : rejectAll(
          PHONE[0]!,
          reason(
            'no_buyer',
            `"${phone}" is not a mobile number and 下单帐号 is empty: no buyer to attach the order to.`,
            `“${phone}”不是手机号，且下单帐号为空：订单没有可关联的买家。`,
          ),
        );
  }
  if (decision.refundAll && amount.value === 0) {
    const why = reason(
      'unpaid_closed',
      '订单状态 cancelled and nothing paid: not a purchase',
      '订单已取消且未付任何金额：不算购买',
    );
    return lines.map((line) => skipped(line, why));
  }
  return [
    events(
      lines,
      paidOrderEvents({
        source: 'jd',
        shop: 'jd',
        orderId,
        paidAt: decision.paidAt,
        amountFen: amount.value,
        identities,
        items,
        refundFen: decision.refundAll ? amount.value : null,
      }),
    ),
  ];
}

function createMapper(context: MapperContext): RowMapper {
  return gatherOrderRows(ORDER_ID, orderIdEmpty(), (rows) => mapOrder(rows, context.timeZone));
}

export const jdOrders: FormatDefinition = {
  id: 'jd_orders',
  label: '京东订单导出',
  headers: HEADERS,
  minMatches: 5,
  requires: [ORDER_ID, AMOUNT, PIN.concat(PHONE)],
  createMapper,
};
