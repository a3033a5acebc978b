import type { CatalogueField, FilterNode, Scalar } from './filters.ts';

/**
 * The segment builder's model: rows of conditions (a field, an operator, a value; or a tag) in
 * groups that are all-of (AND) or any-of (OR), any of which may be negated (NOT), turned into a
 * filter of the language and back. Pure. What fields there are, their operators and units come
 * from the server's catalogue; the builder keeps no list of its own.
 *
 * Money fields (unit `fen`) are edited in yuan and sent in fen.
 */

export type FieldValue = Scalar | null | [number | null, number | null] | (string | number)[];

export type BuilderNode =
  | { id: string; kind: 'group'; not: boolean; mode: 'all' | 'any'; children: BuilderNode[] }
  | { id: string; kind: 'field'; not: boolean; field: string | null; op: string | null; value: FieldValue }
  | {
      id: string;
      kind: 'tag';
      not: boolean;
      prefix: boolean;
      tag: string;
      sinceDays: number | null;
      withinDays: number | null;
    };

export type Group = Extract<BuilderNode, { kind: 'group' }>;

let counter = 0;
export function newId(): string {
  counter += 1;
  return `n${counter}`;
}

export function emptyGroup(mode: 'all' | 'any' = 'all'): Group {
  return { id: newId(), kind: 'group', not: false, mode, children: [] };
}

export function emptyCondition(): BuilderNode {
  return { id: newId(), kind: 'field', not: false, field: null, op: null, value: null };
}

export function emptyTag(): BuilderNode {
  return { id: newId(), kind: 'tag', not: false, prefix: false, tag: '', sinceDays: null, withinDays: null };
}

/** The value a field's editor starts from when the field or operator changes. */
export function initialValue(field: CatalogueField, op: string): FieldValue {
  if (op === 'between') {
    return [null, null];
  }
  if (op === 'in') {
    return [];
  }
  return field.type === 'boolean' ? true : null;
}

type Result = { ok: true; filter: FilterNode } | { ok: false; incomplete: string[] };

const toFen = (yuan: number) => Math.round(yuan * 100);

function fieldValue(field: CatalogueField, op: string, value: FieldValue): Scalar | Scalar[] | null {
  const money = field.unit === 'fen';
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? (money ? toFen(v) : v) : null);
  if (op === 'between') {
    if (!Array.isArray(value) || value.length !== 2) {
      return null;
    }
    const [low, high] = [num(value[0]), num(value[1])];
    return low === null || high === null ? null : [low, high];
  }
  if (op === 'in') {
    if (!Array.isArray(value) || value.length === 0) {
      return null;
    }
    if (field.type === 'integer') {
      const numbers = value.map((v) => (typeof v === 'number' ? v : Number(v)));
      return numbers.every(Number.isInteger) ? numbers : null;
    }
    return value.map(String);
  }
  if (field.type === 'integer' || field.type === 'number') {
    return num(value);
  }
  if (field.type === 'boolean') {
    return typeof value === 'boolean' ? value : null;
  }
  return typeof value === 'string' && value !== '' ? value : null;
}

/**
 * The filter a builder tree stands for, or the ids of the rows that are not filled in yet (a
 * row without its field, operator or value; a tag row without a tag). An empty all-of group is
 * everyone, an empty any-of group nobody, as in the language.
 */
export function toFilter(root: BuilderNode, fields: readonly CatalogueField[]): Result {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const incomplete: string[] = [];
  const visit = (node: BuilderNode): FilterNode | null => {
    let inner: FilterNode | null = null;
    if (node.kind === 'group') {
      const children = node.children.map(visit);
      if (children.some((c) => c === null)) {
        return null;
      }
      const kept = children.filter((c): c is FilterNode => c !== null);
      inner = node.mode === 'all' ? { all: kept } : { any: kept };
    } else if (node.kind === 'tag') {
      const tag = node.tag.trim();
      if (tag === '') {
        incomplete.push(node.id);
        return null;
      }
      const timing = {
        ...(node.sinceDays !== null ? { since_days: node.sinceDays } : {}),
        ...(node.withinDays !== null ? { within_days: node.withinDays } : {}),
      };
      inner = node.prefix ? { tag_prefix: tag, ...timing } : { tag, ...timing };
    } else {
      const field = node.field === null ? undefined : byName.get(node.field);
      const value = field && node.op !== null ? fieldValue(field, node.op, node.value) : null;
      if (!field || node.op === null || value === null) {
        incomplete.push(node.id);
        return null;
      }
      inner = { field: field.name, op: node.op, value };
    }
    return node.not ? { not: inner } : inner;
  };
  const filter = visit(root);
  return filter === null ? { ok: false, incomplete } : { ok: true, filter };
}

function builderValue(field: CatalogueField | undefined, value: Scalar | Scalar[]): FieldValue {
  const money = field?.unit === 'fen';
  const shown = (v: Scalar) => (money && typeof v === 'number' ? v / 100 : v);
  if (Array.isArray(value)) {
    return value.map((v) => (typeof v === 'boolean' ? String(v) : (shown(v) as string | number)));
  }
  return shown(value);
}

/**
 * A builder tree for a stored filter (to edit a saved segment). Every filter has one: `not` is a
 * row's or a group's NOT; a NOT of a NOT becomes a negated group around a negated row. The root
 * is always a group.
 */
export function fromFilter(filter: FilterNode, fields: readonly CatalogueField[]): Group {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const visit = (node: FilterNode): BuilderNode => {
    if ('all' in node || 'any' in node) {
      const mode = 'all' in node ? 'all' : 'any';
      const children = 'all' in node ? node.all : node.any;
      return { id: newId(), kind: 'group', not: false, mode, children: children.map(visit) };
    }
    if ('not' in node) {
      const inner = visit(node.not);
      return inner.not
        ? { id: newId(), kind: 'group', not: true, mode: 'all', children: [inner] }
        : { ...inner, not: true };
    }
    if ('tag' in node || 'tag_prefix' in node) {
      return {
        id: newId(),
        kind: 'tag',
        not: false,
        prefix: 'tag_prefix' in node,
        tag: 'tag' in node ? node.tag : node.tag_prefix,
        sinceDays: node.since_days ?? null,
        withinDays: node.within_days ?? null,
      };
    }
    const value = builderValue(byName.get(node.field), node.value);
    return { id: newId(), kind: 'field', not: false, field: node.field, op: node.op, value };
  };
  const root = visit(filter);
  return root.kind === 'group' && !root.not
    ? root
    : { id: newId(), kind: 'group', not: false, mode: 'all', children: [root] };
}

/** The tree with one node replaced (by id), for immutable updates from the editor. */
export function replaceNode(root: Group, id: string, next: BuilderNode | null): Group {
  const visit = (node: BuilderNode): BuilderNode | null => {
    if (node.id === id) {
      return next;
    }
    if (node.kind !== 'group') {
      return node;
    }
    const children = node.children.map(visit).filter((c): c is BuilderNode => c !== null);
    return { ...node, children };
  };
  const result = visit(root);
  return result && result.kind === 'group' ? result : emptyGroup();
}

/** How deep groups nest under the root (root alone: 1), to stop adding groups at the language's limit. */
export function depthOf(root: BuilderNode): number {
  return root.kind === 'group' ? 1 + Math.max(0, ...root.children.map(depthOf)) : 1;
}
