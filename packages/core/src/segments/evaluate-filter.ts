import { FIELDS, type FieldName, type Filter, type Scalar, type TagPredicate } from './filter.schema.ts';

/**
 * The reference semantics of the filter language, in memory: what compile-filter.ts's SQL must
 * agree with on every customer (the property test in segments.test.ts checks exactly that). Pure.
 */

export type FieldValue = number | string | boolean | string[] | null;

export type FilterRow = {
  /** Every field's value for this customer; null when it has none (no scores yet, no purchase). */
  fields: Readonly<Record<FieldName, FieldValue>>;
  tags: readonly { tag: string; since: Date }[];
};

const MS_PER_DAY = 86_400_000;

/** Single-precision fields compare as the database does: both sides rounded to float4. */
function comparable(field: FieldName, value: Scalar): Scalar {
  return FIELDS[field].type === 'number' && typeof value === 'number' ? Math.fround(value) : value;
}

function compare(a: Scalar, op: string, b: Scalar): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}

function tagMatches(node: TagPredicate, row: FilterRow, now: Date): boolean {
  return row.tags.some((t) => {
    const name = 'tag' in node ? t.tag === node.tag : t.tag.startsWith(node.tag_prefix);
    const age = now.getTime() - t.since.getTime();
    const since = node.since_days === undefined || age >= node.since_days * MS_PER_DAY;
    const within = node.within_days === undefined || age < node.within_days * MS_PER_DAY;
    return name && since && within;
  });
}

export function evaluateFilter(filter: Filter, row: FilterRow, now: Date): boolean {
  if ('all' in filter) {
    return filter.all.every((f) => evaluateFilter(f, row, now));
  }
  if ('any' in filter) {
    return filter.any.some((f) => evaluateFilter(f, row, now));
  }
  if ('not' in filter) {
    return !evaluateFilter(filter.not, row, now);
  }
  if (!('field' in filter)) {
    return tagMatches(filter, row, now);
  }
  const raw = row.fields[filter.field];
  if (raw === null) {
    return false;
  }
  if (Array.isArray(raw)) {
    return filter.op === 'contains' && raw.includes(filter.value);
  }
  const value = comparable(filter.field, raw);
  switch (filter.op) {
    case 'between':
      return (
        compare(value, '>=', comparable(filter.field, filter.value[0])) &&
        compare(value, '<=', comparable(filter.field, filter.value[1]))
      );
    case 'in':
      return filter.value.some((v) => value === comparable(filter.field, v));
    case 'contains':
      return false;
    default:
      return compare(value, filter.op, comparable(filter.field, filter.value));
  }
}
