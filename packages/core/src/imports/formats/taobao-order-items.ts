import { becauseOfLine, type Reason, reason } from '../import-reason.ts';
import type { MapOutcome, MapperContext, RowMapper } from './import-format.ts';
import { column, type FormatDefinition, readFen, readId, readQuantity, rejected } from './map-row.ts';
import type { OrderItem } from './order-events.ts';
import { orderIdEmpty } from './order-reasons.ts';
import { gatherOrderRows, type OrderRow } from './order-rows.ts';

/**
 * Taobao/Tmall item file: the classic `ExportOrderDetailList*.csv` (formats README §1a: 订单编号,
 * 标题, 价格, 购买数量, 商家编码 …, one row per item) and the newer 宝贝销售明细 (§1b: 主订单编号,
 * 商品标题, 商品价格 …). It names no buyer and no payment, so its rows cannot be events of their
 * own: each order's items go out as an `items` outcome, which the import holds until the order
 * file's order.paid (`taobao-order-<id>`) is stored and then sends as one order.items event
 * (imports/attach-order-items.ts). The two files can therefore come in either order, and a second
 * import of either changes nothing. 订单状态 and 退款状态 are left to the order file, which says
 * what was paid and refunded for the whole order.
 */

const ORDER_ID = ['订单编号', '主订单编号'];
const NAME = ['标题', '商品标题', '宝贝标题'];
const PRICE = ['价格', '商品价格'];
const QUANTITY = ['购买数量'];
// 商家编码 is the merchant's code of the SKU; older files may only have the item's 外部系统编号.
const SKU = ['商家编码', '外部系统编号'];
const ITEM_ID = ['商品ID'];

const HEADERS = [
  ...[
    '订单编号',
    '标题',
    '价格',
    '购买数量',
    '外部系统编号',
    '商品属性',
    '套餐信息',
    '备注',
    '订单状态',
    '商家编码',
  ],
  ...['子订单编号', '主订单编号', '商品价格', '退款状态', '商品ID', '商品标题'],
];

/** The most items an order.items event holds (event.schema.ts); no Taobao order comes near it. */
const MAX_ITEMS = 200;

type ItemRead = { ok: true; item: OrderItem } | { ok: false; column: string; reason: Reason };

function itemOf(row: OrderRow): ItemRead {
  const { cells } = row;
  const quantity = readQuantity(cells, QUANTITY);
  if (!quantity.ok) {
    return quantity;
  }
  if (quantity.value === null) {
    return {
      ok: false,
      column: QUANTITY[0]!,
      reason: reason('quantity_empty', 'The quantity (购买数量) is empty.', '购买数量为空。'),
    };
  }
  const price = readFen(cells, PRICE);
  if (!price.ok) {
    return price;
  }
  if (price.value === null) {
    return {
      ok: false,
      column: column(cells, PRICE).name ?? PRICE[0]!,
      reason: reason('price_empty', 'The price is empty.', '价格为空。'),
    };
  }
  // The first of the two codes that is filled in: a file has both columns, often one empty.
  const code = readId(cells, SKU.slice(0, 1));
  const sku = code.ok && code.value === null ? readId(cells, SKU.slice(1)) : code;
  if (!sku.ok) {
    return sku;
  }
  const itemId = readId(cells, ITEM_ID);
  if (!itemId.ok) {
    return itemId;
  }
  const name = column(cells, NAME).value ?? sku.value ?? itemId.value;
  if (name === null) {
    return {
      ok: false,
      column: column(cells, NAME).name ?? NAME[0]!,
      reason: reason(
        'item_unnamed',
        'The item has no title, 商家编码 or 商品ID: nothing says what was bought.',
        '商品的标题、商家编码和商品ID都为空：无法知道买的是什么。',
      ),
    };
  }
  return {
    ok: true,
    item: {
      ...(sku.value === null ? {} : { sku: sku.value }),
      name: name.slice(0, 256),
      quantity: quantity.value,
      price_fen: price.value,
    },
  };
}

/** An order's rows → its items, or every row rejected when one is bad (half an order is wrong). */
function mapOrder(rows: readonly OrderRow[]): MapOutcome[] {
  const orderId = rows[0]!.orderId;
  const items: OrderItem[] = [];
  for (const row of rows) {
    const read = itemOf(row);
    if (!read.ok) {
      return rows.map((r) =>
        r === row
          ? rejected(r.line, read.column, read.reason)
          : rejected(r.line, read.column, becauseOfLine(row.line, orderId, read.reason)),
      );
    }
    items.push(read.item);
  }
  if (items.length > MAX_ITEMS) {
    return rows.map((r) =>
      rejected(
        r.line,
        ORDER_ID[0]!,
        reason(
          'too_many_items',
          `Order ${orderId} lists ${items.length} items, more than the ${MAX_ITEMS} an order may hold; none of its rows are imported.`,
          `订单 ${orderId} 有 ${items.length} 个商品，超过每个订单最多 ${MAX_ITEMS} 个的上限：这个订单的行都没有导入。`,
        ),
      ),
    );
  }
  return [{ kind: 'items', lines: rows.map((r) => r.line), source: 'taobao', orderId, items }];
}

export const taobaoOrderItems: FormatDefinition = {
  id: 'taobao_order_items',
  label: '淘宝/天猫宝贝明细',
  headers: HEADERS,
  minMatches: 5,
  requires: [['购买数量'], ORDER_ID],
  createMapper(_context: MapperContext): RowMapper {
    return gatherOrderRows(ORDER_ID, orderIdEmpty(), mapOrder);
  },
};
