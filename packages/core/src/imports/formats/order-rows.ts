import type { Reason } from '../import-reason.ts';
import type { CsvCells } from '../read-csv.ts';
import type { MapOutcome, RowMapper, SourceRow } from './import-format.ts';
import { readId, rejected } from './map-row.ts';

/** One line-item row of an order, with the order id it was read with. */
export type OrderRow = Readonly<{ line: number; orderId: string; cells: CsvCells }>;

/**
 * The mapper of an export with one row per line item (JD SKUs, Douyin sub-orders, a generic
 * mapping with item columns): rows of one order are gathered while they are adjacent, as every
 * known export writes them, and the order is mapped when the next one starts or the file ends.
 * A row without a readable order id is rejected on its own and does not interrupt the gathering.
 */
export function gatherOrderRows(
  orderColumns: readonly string[],
  emptyReason: Reason,
  mapOrder: (rows: readonly OrderRow[]) => MapOutcome[],
): RowMapper {
  let current: OrderRow[] = [];
  const flush = (): MapOutcome[] => {
    const rows = current;
    current = [];
    return rows.length === 0 ? [] : mapOrder(rows);
  };
  return {
    push(row: SourceRow): MapOutcome[] {
      const orderId = readId(row.cells, orderColumns);
      if (!orderId.ok) {
        return [rejected(row.line, orderId.column, orderId.reason)];
      }
      if (orderId.value === null) {
        return [rejected(row.line, orderColumns[0]!, emptyReason)];
      }
      const entry = { line: row.line, orderId: orderId.value, cells: row.cells };
      if (current.length > 0 && current[0]!.orderId === orderId.value) {
        current.push(entry);
        return [];
      }
      const done = flush();
      current = [entry];
      return done;
    },
    finish: flush,
  };
}
