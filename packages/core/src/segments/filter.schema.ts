import { z } from 'zod';
import { AppError } from '../shared/errors.ts';

/**
 * The JSON filter language of segments and tag rules (FILTER-LANGUAGE.md beside this file is its
 * reference). Pure: validation only. A filter is a tree of groups (all / any / not), comparisons
 * of a whitelisted field with a value, and tag predicates. Validation walks the tree node by node
 * (rather than handing the whole tree to one recursive zod union) so that an error names the
 * exact node that is wrong — `all.2.value: …` — instead of "no union member matched" at the root.
 */

/** Bounds that keep a filter cheap to validate, compile and plan, and its SQL a sane size. */
export const FILTER_LIMITS = {
  /** Nesting of groups: a root comparison has depth 1. */
  depth: 8,
  /** Nodes in the whole tree (groups, comparisons, tag predicates). */
  nodes: 200,
  /** Values of one `in`. */
  list: 500,
  /** Characters of a text value or a tag. */
  text: 200,
} as const;

export type FieldType = 'integer' | 'number' | 'text' | 'boolean' | 'text_list';

type FieldSpec = { type: FieldType; doc: string; values?: readonly string[] };

export const BANDS = ['super_user', 'second_tier', 'other'] as const;

/**
 * Every field a filter may name. Only these reach SQL (compile-filter.ts maps each to its
 * expression); a field of customer_stats / customer_scores not listed here cannot be filtered on.
 */
export const FIELDS = {
  'stats.orders': { type: 'integer', doc: 'paid orders, not counting wholly refunded ones' },
  'stats.order_days': { type: 'integer', doc: 'purchase days (same-day orders are one purchase)' },
  'stats.net_fen': { type: 'integer', doc: 'spend net of refunds, in fen (1 yuan = 100 fen)' },
  'stats.days_since_last_order': {
    type: 'integer',
    doc: 'whole days in the workspace calendar since the last purchase (0: today); no value without purchases',
  },
  'stats.messages': { type: 'integer', doc: 'messages sent in communities' },
  'stats.checkins': { type: 'integer', doc: 'check-ins' },
  'stats.pats_received': { type: 'integer', doc: 'distinct people who patted the customer' },
  'stats.posts': { type: 'integer', doc: 'published UGC posts' },
  'stats.exposure': { type: 'integer', doc: 'latest exposure summed over their posts' },
  'stats.engagement': { type: 'integer', doc: 'latest likes + comments + saves + shares over their posts' },
  'stats.shares': { type: 'integer', doc: 'shares' },
  'stats.referrals': { type: 'integer', doc: 'referrals' },
  'stats.brought_people': {
    type: 'integer',
    doc: 'people brought: the first referral to name them was theirs',
  },
  'stats.brought_fen': {
    type: 'integer',
    doc: 'net spend (fen) of the people brought, since they were invited',
  },
  'stats.active_days_7': { type: 'integer', doc: 'active days in communities over the last 7 days' },
  'stats.active_days_30': { type: 'integer', doc: 'active days in communities over the last 30 days' },
  'profile.shops': { type: 'text_list', doc: 'shops the customer bought in (tmall, taobao, jd, miniapp, …)' },
  'scores.r': { type: 'integer', doc: 'RFM recency score 1–5 (0: never bought)' },
  'scores.f': { type: 'integer', doc: 'RFM frequency score 1–5 (0: never bought)' },
  'scores.m': { type: 'integer', doc: 'RFM monetary score 1–5 (0: never bought)' },
  'scores.v': {
    type: 'integer',
    doc: 'lifetime value score 1–5: quintile of expected 12-month CLV (0: never bought, or too few buyers to fit)',
  },
  'scores.rfm_group': { type: 'text', doc: 'RFM group code (important_value, …; none: never bought)' },
  'scores.consumption': { type: 'integer', doc: 'consumption value 0–99' },
  'scores.interaction': { type: 'integer', doc: 'interaction value 0–99' },
  'scores.content': { type: 'integer', doc: 'content value 0–99' },
  'scores.social': { type: 'integer', doc: 'social value 0–99' },
  'scores.total': { type: 'number', doc: 'weighted total 0–99 (compared in single precision)' },
  'scores.koc': { type: 'number', doc: 'KOC score: (content + social) / 2' },
  'scores.band': { type: 'text', doc: 'super_user, second_tier or other', values: BANDS },
  'scores.koc_candidate': { type: 'boolean', doc: 'named a KOC candidate' },
} as const satisfies Record<string, FieldSpec>;

export type FieldName = keyof typeof FIELDS;
export const FIELD_NAMES = Object.keys(FIELDS) as FieldName[];

export const SCALAR_OPS = ['=', '!=', '<', '<=', '>', '>='] as const;
export const OPS = [...SCALAR_OPS, 'between', 'in', 'contains'] as const;
export type ScalarOp = (typeof SCALAR_OPS)[number];
export type Op = (typeof OPS)[number];

/** Which operators each field type takes: ordering only where values are ordered. */
export const OPS_BY_TYPE: Readonly<Record<FieldType, readonly Op[]>> = {
  integer: [...SCALAR_OPS, 'between', 'in'],
  number: [...SCALAR_OPS, 'between'],
  text: ['=', '!=', 'in'],
  boolean: ['=', '!='],
  text_list: ['contains'],
};

export type Scalar = number | string | boolean;

export type Comparison =
  | { field: FieldName; op: ScalarOp; value: Scalar }
  | { field: FieldName; op: 'between'; value: [number, number] }
  | { field: FieldName; op: 'in'; value: (number | string)[] }
  | { field: FieldName; op: 'contains'; value: string };

/** `since_days`: carries the tag for at least n days; `within_days`: got it in the last n days. */
export type TagTiming = { since_days?: number; within_days?: number };
export type TagPredicate = ({ tag: string } | { tag_prefix: string }) & TagTiming;

export type Filter = { all: Filter[] } | { any: Filter[] } | { not: Filter } | Comparison | TagPredicate;

export type FilterIssueCode =
  | 'not_an_object'
  | 'unknown_node'
  | 'unknown_key'
  | 'unknown_field'
  | 'bad_operator'
  | 'bad_value'
  | 'bad_tag'
  | 'too_deep'
  | 'too_many_nodes';

export type FilterIssue = { code: FilterIssueCode; path: (string | number)[]; message: string };

export type FilterResult = { ok: true; filter: Filter } | { ok: false; issues: FilterIssue[] };

/** A tag as written in filters and on customers: `activity:silent`, `shop:tmall`, `rule:vip`, `manual:…`. */
export const TagSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^\s\p{Cc}](?:[^\p{Cc}]*[^\s\p{Cc}])?$/u, 'no control characters, no spaces at either end');

const Days = z.number().int().min(0).max(3650);
const Timing = { since_days: Days.optional(), within_days: Days.optional() };
const TagNode = z.strictObject({ tag: TagSchema, ...Timing });
const TagPrefixNode = z.strictObject({ tag_prefix: TagSchema, ...Timing });
const GroupNode = (key: 'all' | 'any') =>
  z.strictObject({ [key]: z.array(z.unknown()).max(FILTER_LIMITS.nodes) });
const NotNode = z.strictObject({ not: z.unknown() });
const ComparisonNode = z.strictObject({ field: z.string(), op: z.string(), value: z.unknown() });

const KIND_KEYS = ['all', 'any', 'not', 'field', 'tag', 'tag_prefix'] as const;

const integer = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);
const text = z.string().max(FILTER_LIMITS.text);

function scalarSchema(spec: FieldSpec): z.ZodType<Scalar> {
  switch (spec.type) {
    case 'integer':
      return integer;
    case 'number':
      // scores are 0–100; the bound keeps single-precision rounding finite
      return z.number().min(-1e9).max(1e9);
    case 'boolean':
      return z.boolean();
    default:
      return spec.values ? z.enum(spec.values as [string, ...string[]]) : text;
  }
}

function valueSchema(spec: FieldSpec, op: Op): z.ZodType {
  const scalar = scalarSchema(spec);
  if (op === 'between') {
    return z.tuple([scalar, scalar]);
  }
  if (op === 'in') {
    return z.array(scalar).min(1).max(FILTER_LIMITS.list);
  }
  if (op === 'contains') {
    return text.min(1);
  }
  return scalar;
}

function issue(code: FilterIssueCode, path: (string | number)[], message: string): FilterIssue {
  return { code, path, message };
}

function fromZod(
  code: FilterIssueCode,
  base: (string | number)[],
  error: z.ZodError,
  unknownKey: FilterIssueCode,
): FilterIssue {
  const first = error.issues[0];
  const path = [...base, ...(first?.path ?? []).map((p) => (typeof p === 'symbol' ? String(p) : p))];
  if (first?.code === 'unrecognized_keys') {
    return issue(unknownKey, path, `unknown key ${first.keys.map((k) => JSON.stringify(k)).join(', ')}`);
  }
  return issue(code, path, first?.message ?? 'invalid');
}

/**
 * Validates a filter tree. The answer is the filter (typed) or the issues found, each with the
 * path of the bad node from the root (`['all', 2, 'value']`). Issues stop at the first bad node
 * of each branch: what lies under a broken node is not worth reporting.
 */
export function parseFilter(input: unknown): FilterResult {
  const issues: FilterIssue[] = [];
  let nodes = 0;

  const walk = (node: unknown, path: (string | number)[], depth: number): Filter | null => {
    nodes += 1;
    if (nodes > FILTER_LIMITS.nodes) {
      if (nodes === FILTER_LIMITS.nodes + 1) {
        issues.push(issue('too_many_nodes', path, `a filter has at most ${FILTER_LIMITS.nodes} nodes`));
      }
      return null;
    }
    if (depth > FILTER_LIMITS.depth) {
      issues.push(issue('too_deep', path, `filters nest at most ${FILTER_LIMITS.depth} levels deep`));
      return null;
    }
    if (typeof node !== 'object' || node === null || Array.isArray(node)) {
      issues.push(issue('not_an_object', path, 'a filter node is a JSON object'));
      return null;
    }
    const kinds = KIND_KEYS.filter((k) => k in node);
    if (kinds.length !== 1) {
      issues.push(
        issue(
          'unknown_node',
          path,
          kinds.length === 0
            ? `a node has one of ${KIND_KEYS.join(', ')}`
            : `a node has only one of ${kinds.join(', ')}`,
        ),
      );
      return null;
    }
    const kind = kinds[0];
    if (kind === 'all' || kind === 'any') {
      const parsed = GroupNode(kind).safeParse(node);
      if (!parsed.success) {
        issues.push(fromZod('unknown_node', path, parsed.error, 'unknown_key'));
        return null;
      }
      const children = (parsed.data[kind] ?? []).map((child, i) =>
        walk(child, [...path, kind, i], depth + 1),
      );
      const ok = children.filter((c): c is Filter => c !== null);
      if (ok.length !== children.length) {
        return null;
      }
      return kind === 'all' ? { all: ok } : { any: ok };
    }
    if (kind === 'not') {
      const parsed = NotNode.safeParse(node);
      if (!parsed.success) {
        issues.push(fromZod('unknown_node', path, parsed.error, 'unknown_key'));
        return null;
      }
      const inner = walk(parsed.data.not, [...path, 'not'], depth + 1);
      return inner === null ? null : { not: inner };
    }
    if (kind === 'tag' || kind === 'tag_prefix') {
      const parsed = (kind === 'tag' ? TagNode : TagPrefixNode).safeParse(node);
      if (!parsed.success) {
        issues.push(fromZod('bad_tag', path, parsed.error, 'unknown_key'));
        return null;
      }
      return parsed.data;
    }
    const parsed = ComparisonNode.safeParse(node);
    if (!parsed.success) {
      issues.push(fromZod('bad_value', path, parsed.error, 'unknown_key'));
      return null;
    }
    const { field, op, value } = parsed.data;
    if (!(field in FIELDS)) {
      issues.push(
        issue(
          'unknown_field',
          [...path, 'field'],
          `unknown field ${JSON.stringify(field)} (see FILTER-LANGUAGE.md)`,
        ),
      );
      return null;
    }
    const spec: FieldSpec = FIELDS[field as FieldName];
    const allowed = OPS_BY_TYPE[spec.type];
    if (!(allowed as readonly string[]).includes(op)) {
      issues.push(
        issue(
          'bad_operator',
          [...path, 'op'],
          `${field} (${spec.type}) takes ${allowed.join(' ')}, not ${JSON.stringify(op)}`,
        ),
      );
      return null;
    }
    const checked = valueSchema(spec, op as Op).safeParse(value);
    if (!checked.success) {
      const bad = fromZod('bad_value', [...path, 'value'], checked.error, 'bad_value');
      issues.push({ ...bad, message: `${field} ${op}: ${bad.message}` });
      return null;
    }
    return { field, op, value: checked.data } as Comparison;
  };

  const filter = walk(input, [], 1);
  return filter !== null && issues.length === 0 ? { ok: true, filter } : { ok: false, issues };
}

/** The path as the API's messages write it: `all.2.value` (`(root)` for the root itself). */
export function formatPath(path: readonly (string | number)[]): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

/** Validates a filter at an edge, or throws invalid_request naming the first bad node under `label`. */
export function requireFilter(input: unknown, label = 'filter'): Filter {
  const result = parseFilter(input);
  if (result.ok) {
    return result.filter;
  }
  const first = result.issues[0];
  const path = first ? [label, ...first.path] : [label];
  throw new AppError('invalid_request', `${path.join('.')}: ${first?.message ?? 'invalid filter'}`, {
    issues: result.issues.map((i) => ({ ...i, path: [label, ...i.path] })),
  });
}

/** Every tag a filter names, and every tag prefix: rule filters may not depend on rule tags. */
export function tagsNamedBy(filter: Filter): { tags: string[]; prefixes: string[] } {
  const tags: string[] = [];
  const prefixes: string[] = [];
  const visit = (node: Filter) => {
    if ('all' in node) {
      node.all.forEach(visit);
    } else if ('any' in node) {
      node.any.forEach(visit);
    } else if ('not' in node) {
      visit(node.not);
    } else if ('tag' in node) {
      tags.push(node.tag);
    } else if ('tag_prefix' in node) {
      prefixes.push(node.tag_prefix);
    }
  };
  visit(filter);
  return { tags, prefixes };
}

/**
 * The shape of a filter for documentation (OpenAPI). Requests are checked by `parseFilter`, which
 * also enforces what a JSON schema cannot say well: operators per field type, value types per
 * field, the limits.
 */
export const FilterDocSchema: z.ZodType = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(FilterDocSchema) }),
    z.strictObject({ any: z.array(FilterDocSchema) }),
    z.strictObject({ not: FilterDocSchema }),
    z.strictObject({
      field: z.enum(FIELD_NAMES as [FieldName, ...FieldName[]]),
      op: z.enum(OPS),
      value: z.union([z.number(), z.string(), z.boolean(), z.array(z.union([z.number(), z.string()]))]),
    }),
    z.strictObject({ tag: TagSchema, ...Timing }),
    z.strictObject({ tag_prefix: TagSchema, ...Timing }),
  ]),
);
