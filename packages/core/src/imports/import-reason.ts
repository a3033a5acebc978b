/**
 * Why a line or a file was not imported. Operators read the report in the console's language, so
 * every reason is written in both (English and Chinese) where it is made, next to the values it
 * names; programs read `code`, which is stable (snake_case) whatever the words become.
 */
export type Reason = { readonly code: string; readonly en: string; readonly zh: string };

/** The words of a reason without its code: a part that a reason is built from. */
export type Words = Omit<Reason, 'code'>;

export function reason(code: string, en: string, zh: string): Reason {
  return { code, en, zh };
}

/**
 * A reason about one line that another line of the same order inherits: the first line's own
 * reason, said of it. The code stays the underlying one, so the summary counts them together.
 */
export function becauseOfLine(line: number, orderId: string, cause: Reason): Reason {
  return {
    code: cause.code,
    en: `Line ${line} of the same order ${orderId} is rejected: ${cause.en}`,
    zh: `同一订单 ${orderId} 的第 ${line} 行被拒：${cause.zh}`,
  };
}
