import { type EventInput, SHOPS, type Shop } from '../../events/event.schema.ts';
import type { IdentityInput, IdentityKind } from '../../identities/identity.schema.ts';
import { type NormaliseProblem, normaliseIdentity } from '../../identities/normalise-identity.ts';
import { normalizeHeaderName } from '../header-row.ts';
import { becauseOfLine, type Reason, reason } from '../import-reason.ts';
import type { CsvCells } from '../read-csv.ts';
import { communityIdFromName, digest, readInstant } from './community-support.ts';
import {
  type IdentityColumn,
  type Mapping,
  MESSAGE_TYPES,
  type MessageType,
} from './generic-mapping.schema.ts';
import type { MapOutcome, MapperContext, RowMapper, SourceRow } from './import-format.ts';
import {
  column,
  events,
  type FormatDefinition,
  phoneIdentity,
  type Read,
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
import { orderIdEmpty } from './order-reasons.ts';
import { gatherOrderRows, type OrderRow } from './order-rows.ts';

/**
 * A generic CSV/XLSX format for exports Hatchery does not know, driven by a small JSON mapping
 * file (GENERIC-MAPPING.md): which header holds which event field. Rows are cleaned like every
 * other format's (E+ ids refused, amounts in yuan, local times in the workspace's zone) and
 * become events with deterministic ids, so importing the same file twice changes nothing.
 */

export { type Mapping, MappingSchema, parseMapping } from './generic-mapping.schema.ts';

// ---------------------------------------------------------------------------------------------
// Mapping rows

type Failure = { ok: false; column: string; reason: Reason };

const h = (name: string): string[] => [normalizeHeaderName(name)];

/** The row's identities, from the mapped columns (empty cells and invalid phones/emails dropped). */
function identitiesOf(
  cells: CsvCells,
  mapped: readonly IdentityColumn[],
): { ok: true; identities: IdentityInput[] } | Failure {
  const found: IdentityInput[] = [];
  const seen = new Set<string>();
  for (const entry of mapped) {
    const names = h(entry.column);
    const id = readId(cells, names);
    if (!id.ok) {
      return id;
    }
    if (id.value === null) {
      continue;
    }
    const identity = identityOf(entry.kind, id.value, entry.scope);
    if (identity === 'drop') {
      continue;
    }
    if (!identity.ok) {
      return { ok: false, column: names[0]!, reason: identity.reason };
    }
    const key = JSON.stringify([identity.value.kind, identity.value.scope ?? '', identity.value.value]);
    if (!seen.has(key)) {
      seen.add(key);
      found.push(identity.value);
    }
  }
  return { ok: true, identities: found };
}

function identityOf(
  kind: IdentityKind,
  value: string,
  scope: string | undefined,
): 'drop' | { ok: true; value: IdentityInput } | { ok: false; reason: Reason } {
  if (kind === 'phone') {
    // Masked phones are kept for display; landlines and typos identify nobody (README §0.8).
    const phone = phoneIdentity(value);
    return phone === null ? 'drop' : { ok: true, value: phone };
  }
  const normalised = normaliseIdentity({ kind, value, ...(scope === undefined ? {} : { scope }) });
  if (!normalised.ok) {
    return kind === 'email'
      ? 'drop'
      : {
          ok: false,
          reason: reason(
            'invalid_identity',
            `"${value.slice(0, 40)}" is not a valid ${kind}: ${normalised.reason}`,
            `“${value.slice(0, 40)}”不是有效的 ${kind}：${PROBLEM_ZH[normalised.problem]}`,
          ),
        };
  }
  const kept = normalised.identity.matchable ? normalised.identity.value : value;
  return { ok: true, value: { kind, value: kept, ...(scope === undefined ? {} : { scope }) } };
}

const PROBLEM_ZH: Record<NormaliseProblem, string> = {
  empty: '去掉空白后为空',
  malformed: '格式不对',
  whitespace: '平台 ID 中不能有空格',
};

function noIdentity(mapped: readonly IdentityColumn[]): Reason {
  const names = mapped.map((m) => m.column);
  return reason(
    'no_identifier',
    `No identity: ${names.join(', ')} ${mapped.length === 1 ? 'is' : 'are'} empty or not usable.`,
    `没有任何标识：${names.join('、')} ${mapped.length === 1 ? '' : '均'}为空或不可用。`,
  );
}

function digestId(source: string, kind: string, parts: readonly string[]): string {
  return `${source}-${kind}-${digest(parts)}`;
}

function identityParts(list: readonly IdentityInput[]): string[] {
  return list.map((i) => `${i.kind}\u0000${i.scope ?? ''}\u0000${i.value}`);
}

/** A row mapper that maps each row on its own. */
function perRow(map: (row: SourceRow) => MapOutcome): RowMapper {
  return { push: (row) => [map(row)], finish: () => [] };
}

// Orders ----------------------------------------------------------------------------------------

type OrderMapping = Extract<Mapping, { kind: 'order' }>;

function orderMapper(mapping: OrderMapping, context: MapperContext): RowMapper {
  const c = mapping.columns;
  const paid = c.paid_statuses === undefined ? null : statusSet(c.paid_statuses);
  const skip = c.skip_statuses === undefined ? null : statusSet(c.skip_statuses);

  const shopOf = (cells: CsvCells): { ok: true; shop: Shop } | Failure => {
    if (c.shop_value !== undefined) {
      return { ok: true, shop: c.shop_value };
    }
    const names = h(c.shop ?? '');
    const value = column(cells, names).value;
    const key = value?.normalize('NFKC').trim().toLowerCase() ?? null;
    const shop = SHOPS.find((s) => s === key);
    return shop === undefined
      ? {
          ok: false,
          column: names[0]!,
          reason:
            value === null
              ? reason('shop_empty', 'The shop is empty.', '店铺为空。')
              : reason(
                  'unknown_shop',
                  `"${value}" is not a shop Hatchery knows; expected one of ${SHOPS.join(', ')}.`,
                  `“${value}”不是 Hatchery 支持的店铺；应为以下之一：${SHOPS.join('、')}。`,
                ),
        }
      : { ok: true, shop };
  };

  const itemOf = (cells: CsvCells): { ok: true; item: OrderItem | null } | Failure => {
    if (c.item_name === undefined) {
      return { ok: true, item: null };
    }
    const quantity: Read<number | null> =
      c.item_quantity === undefined ? { ok: true, value: null } : readQuantity(cells, h(c.item_quantity));
    if (!quantity.ok) {
      return quantity;
    }
    const price = readFen(cells, h(c.item_price ?? ''));
    if (!price.ok) {
      return price;
    }
    const sku: Read<string | null> =
      c.item_sku === undefined ? { ok: true, value: null } : readId(cells, h(c.item_sku));
    if (!sku.ok) {
      return sku;
    }
    const name = column(cells, h(c.item_name)).value ?? sku.value;
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
  };

  const mapOrder = (rows: readonly OrderRow[]): MapOutcome[] => {
    const lines = rows.map((r) => r.line);
    const first = rows[0]!;
    const { orderId, cells } = first;
    const rejectAll = (col: string, why: Reason) => lines.map((line) => rejected(line, col, why));
    const items: OrderItem[] = [];
    for (const row of rows) {
      const item = itemOf(row.cells);
      if (!item.ok) {
        return rows.map((r) =>
          rejected(
            r.line,
            item.column,
            r === row ? item.reason : becauseOfLine(row.line, orderId, item.reason),
          ),
        );
      }
      if (item.item !== null && items.length < 200) {
        items.push(item.item);
      }
    }
    if (c.status !== undefined) {
      const status = column(cells, h(c.status)).value;
      const key = status === null ? null : statusKey(status);
      if (key !== null && skip?.has(key) === true) {
        return lines.map((line) =>
          skipped(
            line,
            reason(
              'not_a_purchase',
              `${c.status} ${status}: not a purchase`,
              `${c.status} 为“${status}”：不算购买`,
            ),
          ),
        );
      }
      if (paid !== null && (key === null || !paid.has(key))) {
        return lines.map((line) =>
          skipped(
            line,
            status === null
              ? reason(
                  'not_paid',
                  `${c.status} is empty: not a paid status`,
                  `${c.status} 为空：不是已付款状态`,
                )
              : reason(
                  'not_paid',
                  `${c.status} ${status}: not a paid status`,
                  `${c.status} 为“${status}”：不是已付款状态`,
                ),
          ),
        );
      }
    }
    const paidAt = readTime(cells, h(c.paid_at), context.timeZone);
    if (!paidAt.ok) {
      return rejectAll(paidAt.column, paidAt.reason);
    }
    if (paidAt.value === null) {
      return lines.map((line) =>
        skipped(line, reason('not_paid', `${c.paid_at} is empty: not paid`, `${c.paid_at} 为空：未付款`)),
      );
    }
    const amountNames = h(c.amount);
    const amount = readFen(cells, amountNames);
    if (!amount.ok) {
      return rejectAll(amount.column, amount.reason);
    }
    if (amount.value === null) {
      return rejectAll(
        amountNames[0]!,
        reason('paid_amount_empty', 'The order amount is empty.', '订单金额为空。'),
      );
    }
    for (const row of rows.slice(1)) {
      const other = readFen(row.cells, amountNames);
      if (!other.ok || other.value !== amount.value) {
        const firstAmount = column(cells, amountNames).value;
        const otherAmount = column(row.cells, amountNames).value;
        const zhAmount = (value: string | null) => (value === null ? '空' : `“${value}”`);
        return rejectAll(
          amountNames[0]!,
          reason(
            'order_amounts_differ',
            `The rows of order ${orderId} give different amounts (line ${first.line}: ${firstAmount}, ` +
              `line ${row.line}: ${otherAmount}); the file should repeat the order's amount on each row.`,
            `订单 ${orderId} 的各行金额不一致（第 ${first.line} 行：${zhAmount(firstAmount)}，` +
              `第 ${row.line} 行：${zhAmount(otherAmount)}）；文件应在该订单的每一行重复同一金额。`,
          ),
        );
      }
    }
    const refund: Read<number | null> =
      c.refund_amount === undefined ? { ok: true, value: null } : readFen(cells, h(c.refund_amount));
    if (!refund.ok) {
      return rejectAll(refund.column, refund.reason);
    }
    const shop = shopOf(cells);
    if (!shop.ok) {
      return rejectAll(shop.column, shop.reason);
    }
    const found = identitiesOf(cells, c.identities);
    if (!found.ok) {
      return rejectAll(found.column, found.reason);
    }
    if (found.identities.length === 0) {
      return rejectAll(normalizeHeaderName(c.identities[0]!.column), noIdentity(c.identities));
    }
    return [
      events(
        lines,
        paidOrderEvents({
          source: mapping.source,
          shop: shop.shop,
          orderId,
          paidAt: paidAt.value,
          amountFen: amount.value,
          identities: found.identities,
          items,
          refundFen: refund.value,
        }),
      ),
    ];
  };

  return gatherOrderRows(h(c.order_id), orderIdEmpty(), mapOrder);
}

// Identity links ---------------------------------------------------------------------------------

type LinkMapping = Extract<Mapping, { kind: 'identity_link' }>;

function linkMapper(mapping: LinkMapping, context: MapperContext): RowMapper {
  const c = mapping.columns;
  return perRow(({ line, cells }) => {
    const found = identitiesOf(cells, c.identities);
    if (!found.ok) {
      return rejected(line, found.column, found.reason);
    }
    const at = readTime(cells, h(c.linked_at), context.timeZone);
    if (!at.ok) {
      return rejected(line, at.column, at.reason);
    }
    if (found.identities.length === 0) {
      return skipped(line, noIdentity(c.identities));
    }
    if (at.value === null) {
      return rejected(
        line,
        normalizeHeaderName(c.linked_at),
        reason('link_time_empty', 'The time is empty.', '时间为空。'),
      );
    }
    const event: EventInput = {
      id: digestId(mapping.source, 'identity_link', [at.value, ...identityParts(found.identities)]),
      kind: 'identity.linked',
      occurred_at: at.value,
      source: mapping.source,
      identities: found.identities,
      properties: {},
    };
    return events([line], [event]);
  });
}

// Communities ------------------------------------------------------------------------------------

type Community = { id: string; name: string | null };

/** The row's community from the mapped id and/or name (a name alone gives the shared name id). */
function communityOf(
  cells: CsvCells,
  c: {
    community_id?: string | undefined;
    community_id_value?: string | undefined;
    community_name?: string | undefined;
    community_name_value?: string | undefined;
  },
): { ok: true; community: Community | null } | Failure {
  let id: string | null = c.community_id_value ?? null;
  if (c.community_id !== undefined) {
    const read = readId(cells, h(c.community_id));
    if (!read.ok) {
      return read;
    }
    id = read.value;
  }
  const name =
    c.community_name_value ??
    (c.community_name === undefined ? null : column(cells, h(c.community_name)).value);
  if (id === null && name === null) {
    return { ok: true, community: null };
  }
  return {
    ok: true,
    community: { id: id ?? communityIdFromName(name ?? ''), name: name === null ? null : name.slice(0, 128) },
  };
}

function communityColumn(c: {
  community_id?: string | undefined;
  community_name?: string | undefined;
}): string {
  return normalizeHeaderName(c.community_id ?? c.community_name ?? '');
}

type CommunityColumns = Parameters<typeof communityOf>[1] & { identities: readonly IdentityColumn[] };

/**
 * What joins and messages both read: the member's identities, the community and the time. A row
 * missing any of them is the outcome instead: rejected with its column, or skipped without identity.
 */
function readCommunityRow(
  { line, cells }: SourceRow,
  c: CommunityColumns,
  timeColumn: string,
  emptyTime: Reason,
  context: MapperContext,
): MapOutcome | { identities: IdentityInput[]; community: Community; at: string } {
  const found = identitiesOf(cells, c.identities);
  if (!found.ok) {
    return rejected(line, found.column, found.reason);
  }
  const community = communityOf(cells, c);
  if (!community.ok) {
    return rejected(line, community.column, community.reason);
  }
  const at = readInstant(cells, h(timeColumn), context.timeZone);
  if (!at.ok) {
    return rejected(line, at.column, at.reason);
  }
  if (found.identities.length === 0) {
    return skipped(line, noIdentity(c.identities));
  }
  if (community.community === null) {
    return rejected(
      line,
      communityColumn(c),
      reason('community_empty', 'The community is empty.', '社群为空。'),
    );
  }
  if (at.value === null) {
    return rejected(line, normalizeHeaderName(timeColumn), emptyTime);
  }
  return { identities: found.identities, community: community.community, at: at.value };
}

type JoinMapping = Extract<Mapping, { kind: 'community_join' }>;

function joinMapper(mapping: JoinMapping, context: MapperContext): RowMapper {
  const c = mapping.columns;
  const emptyTime = reason('join_time_empty', 'The join time is empty.', '入群时间为空。');
  return perRow((row) => {
    const read = readCommunityRow(row, c, c.joined_at, emptyTime, context);
    if ('kind' in read) {
      return read;
    }
    const { identities, community, at } = read;
    const { id, name } = community;
    const event: EventInput = {
      id: digestId(mapping.source, 'community_join', [id, at, ...identityParts(identities)]),
      kind: 'community.joined',
      occurred_at: at,
      source: mapping.source,
      identities,
      properties: { community_id: id, ...(name === null ? {} : { community_name: name }) },
    };
    return events([row.line], [event]);
  });
}

type MessageMapping = Extract<Mapping, { kind: 'message' }>;

function messageMapper(mapping: MessageMapping, context: MapperContext): RowMapper {
  const c = mapping.columns;
  const types = new Map<string, MessageType>();
  for (const [from, to] of Object.entries(c.message_types ?? {})) {
    types.set(statusKey(from), to);
  }
  const typeOf = (value: string | null): MessageType => {
    if (value === null) {
      return 'text';
    }
    const key = statusKey(value);
    return types.get(key) ?? MESSAGE_TYPES.find((t) => t === key.toLowerCase()) ?? 'other';
  };
  const emptyTime = reason(
    'message_time_empty',
    'The time the message was sent is empty.',
    '消息发送时间为空。',
  );
  return perRow((row) => {
    const { line, cells } = row;
    const read = readCommunityRow(row, c, c.sent_at, emptyTime, context);
    if ('kind' in read) {
      return read;
    }
    const { identities, community, at } = read;
    const type = typeOf(c.message_type === undefined ? null : column(cells, h(c.message_type)).value);
    // The text is personal: only its length is kept. It enters the id's digest (one-way) so
    // that two messages of one sender in the same second stay two.
    const text = c.text === undefined ? null : column(cells, h(c.text)).value;
    const id = community.id;
    const event: EventInput = {
      id: digestId(mapping.source, 'message', [id, at, type, text ?? '', ...identityParts(identities)]),
      kind: 'message.sent',
      occurred_at: at,
      source: mapping.source,
      identities,
      properties: {
        community_id: id,
        message_type: type,
        ...(text === null ? {} : { length: Array.from(text).length }),
      },
    };
    return events([line], [event]);
  });
}

// The format -------------------------------------------------------------------------------------

/** The headers a file must have for the mapping to apply (identities: any one of theirs). */
function requiredHeaders(mapping: Mapping): string[] {
  switch (mapping.kind) {
    case 'order': {
      const cols = mapping.columns;
      return [cols.order_id, cols.paid_at, cols.amount, ...(cols.shop === undefined ? [] : [cols.shop])];
    }
    case 'identity_link':
      return [mapping.columns.linked_at];
    case 'community_join': {
      const cols = mapping.columns;
      return [
        cols.joined_at,
        ...(cols.community_id === undefined ? [] : [cols.community_id]),
        ...(cols.community_name === undefined ? [] : [cols.community_name]),
      ];
    }
    case 'message': {
      const cols = mapping.columns;
      return [cols.sent_at, ...(cols.community_id === undefined ? [] : [cols.community_id])];
    }
  }
}

/** Every header the mapping names. */
function mappedHeaders(mapping: Mapping): string[] {
  const names: string[] = [];
  for (const [key, value] of Object.entries(mapping.columns)) {
    if (
      key === 'identities' ||
      key.endsWith('_value') ||
      key.endsWith('_statuses') ||
      key === 'message_types'
    ) {
      continue;
    }
    if (typeof value === 'string') {
      names.push(value);
    }
  }
  names.push(...mapping.columns.identities.map((i) => i.column));
  return names;
}

/**
 * The import format a mapping describes: id `generic:<name>`, detected when the file has every
 * required column and at least one identity column.
 */
export function createGenericFormat(mapping: Mapping): FormatDefinition {
  const requiredNames = [...new Set(requiredHeaders(mapping).map(normalizeHeaderName))];
  const identityNames = [...new Set(mapping.columns.identities.map((i) => normalizeHeaderName(i.column)))];
  return {
    id: `generic:${mapping.name}`,
    label: mapping.name,
    headers: [...new Set(mappedHeaders(mapping).map(normalizeHeaderName))],
    minMatches: requiredNames.length,
    requires: [...requiredNames.map((name) => [name]), identityNames],
    createMapper(context: MapperContext): RowMapper {
      switch (mapping.kind) {
        case 'order':
          return orderMapper(mapping, context);
        case 'identity_link':
          return linkMapper(mapping, context);
        case 'community_join':
          return joinMapper(mapping, context);
        case 'message':
          return messageMapper(mapping, context);
      }
    },
  };
}
