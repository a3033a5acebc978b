import { normalizeHeaderName } from '../header-row.ts';
import { douyinOrders } from './douyin-orders.ts';
import type { ImportFormat } from './import-format.ts';
import { jdOrders } from './jd-orders.ts';
import type { FormatDefinition } from './map-row.ts';
import { pddOrders } from './pdd-orders.ts';
import { taobaoOrderItems } from './taobao-order-items.ts';
import { taobaoOrders } from './taobao-orders.ts';
import { wechatChat } from './wechat-chat.ts';
import { wecomCustomers } from './wecom-customers.ts';
import { wecomGroupMembers } from './wecom-group-members.ts';
import { youzanCustomers } from './youzan-customers.ts';
import { youzanOrders } from './youzan-orders.ts';

/**
 * The formats Hatchery can import, in priority order (the first wins a tie), and their detection
 * from a file's header.
 */

const DEFINITIONS: readonly FormatDefinition[] = [
  taobaoOrders,
  jdOrders,
  youzanOrders,
  youzanCustomers,
  douyinOrders,
  pddOrders,
  wecomCustomers,
  wecomGroupMembers,
  wechatChat,
  taobaoOrderItems,
];

export const FORMATS: readonly ImportFormat[] = DEFINITIONS;

export type { ImportFormat, MapOutcome, MapperContext, RowMapper, SourceRow } from './import-format.ts';

export function findFormat(id: string): ImportFormat | null {
  return FORMATS.find((format) => format.id === id) ?? null;
}

/**
 * The format whose header names the file holds most of, among those it holds at least
 * `minMatches` of and every required column of; ties go to the earlier format in FORMATS.
 * Null when none fits.
 */
export function detectFormat(
  headerNames: readonly string[],
): { format: ImportFormat; matched: number } | null {
  const present = new Set(headerNames.map(normalizeHeaderName));
  let best: { format: ImportFormat; matched: number } | null = null;
  for (const format of DEFINITIONS) {
    const matched = new Set(format.headers.map(normalizeHeaderName).filter((name) => present.has(name))).size;
    const complete = format.requires.every((names) => names.some((name) => present.has(name)));
    if (complete && matched >= format.minMatches && (best === null || matched > best.matched)) {
      best = { format, matched };
    }
  }
  return best;
}
