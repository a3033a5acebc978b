import { type Reason, reason } from '../import-reason.ts';

/**
 * The reasons every order format gives, in the same words: an operator learns them once. A status
 * the file leaves empty is shown as `-`.
 */

export function orderIdEmpty(column?: string): Reason {
  return reason(
    'order_id_empty',
    `The order number${column === undefined ? '' : ` (${column})`} is empty.`,
    `订单号${column === undefined || column === '订单号' ? '' : `（${column}）`}为空。`,
  );
}

export const PAID_AMOUNT_EMPTY = reason('paid_amount_empty', 'The paid amount is empty.', '实付金额为空。');

/** Skipped: the status says the buyer has not paid. */
export function statusNotPaid(status: string | null): Reason {
  const shown = status ?? '-';
  return reason('not_paid', `订单状态 ${shown}: not paid`, `订单状态为“${shown}”：未付款`);
}

/** Skipped: the column that holds the payment time is empty. */
export function paidTimeMissing(column: string, status: string | null): Reason {
  return reason(
    'not_paid',
    `${column} is empty${status === null ? '' : ` (订单状态 ${status})`}: not paid`,
    `${column}为空${status === null ? '' : `（订单状态为“${status}”）`}：未付款`,
  );
}

/** Skipped: closed or cancelled before anything was paid. */
export function closedWithoutPayment(status: string | null): Reason {
  const shown = status ?? '-';
  return reason(
    'unpaid_closed',
    `订单状态 ${shown} without payment: not a purchase`,
    `订单状态为“${shown}”且未付款：不算购买`,
  );
}

/** Skipped: closed with a paid amount of nothing. */
export function closedNothingPaid(status: string | null): Reason {
  const shown = status ?? '-';
  return reason(
    'unpaid_closed',
    `订单状态 ${shown} and nothing paid: not a purchase`,
    `订单状态为“${shown}”且未付任何金额：不算购买`,
  );
}
