import type { MapperContext, RowMapper } from './import-format.ts';
import type { FormatDefinition } from './map-row.ts';

/**
 * Taobao/Tmall item file: the classic `ExportOrderDetailList*.csv` (formats README §1a) and the
 * newer 宝贝销售明细 (§1b). Operators download it with the order report and often upload both, so
 * it is recognised — and every row skipped with the reason — rather than refused as unknown. Its
 * rows carry no buyer and no payment; what they would add (items of an order.paid) is described
 * in taobao-orders.ts.
 */

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

const REASON =
  'An item file (ExportOrderDetailList / 宝贝销售明细): items are not imported yet; import the order report (ExportOrderList / 订单报表) for the orders';

export const taobaoOrderItems: FormatDefinition = {
  id: 'taobao_order_items',
  label: '淘宝/天猫宝贝明细',
  headers: HEADERS,
  minMatches: 5,
  requires: [['购买数量'], ['订单编号', '主订单编号']],
  createMapper(_context: MapperContext): RowMapper {
    return {
      push: (row) => [{ kind: 'skipped', line: row.line, reason: REASON }],
      finish: () => [],
    };
  },
};
