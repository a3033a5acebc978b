/**
 * The filter language as the console handles it: the JSON shape it sends (the server validates
 * and compiles it; FILTER-LANGUAGE.md in core is the reference), the field catalogue the server
 * describes it with (GET /v1/segments/fields), and saved segments. Pure; no I/O.
 */

export type Scalar = number | string | boolean;

export type FilterNode =
  | { all: FilterNode[] }
  | { any: FilterNode[] }
  | { not: FilterNode }
  | { field: string; op: string; value: Scalar | Scalar[] }
  | ({ tag: string } & TagTiming)
  | ({ tag_prefix: string } & TagTiming);

export type TagTiming = { since_days?: number; within_days?: number };

export type FieldType = 'integer' | 'number' | 'text' | 'boolean' | 'text_list';

export type CatalogueField = {
  name: string;
  type: FieldType;
  doc: string;
  ops: string[];
  values?: string[];
  suggestions?: string[];
  unit?: 'fen' | 'days';
  range?: [number, number];
};

export type Catalogue = {
  fields: CatalogueField[];
  tag_prefixes: string[];
  limits: { depth: number; nodes: number; list: number; text: number };
};

export type Segment = {
  id: number;
  name: string;
  filter: FilterNode;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
};

export type TagCount = { tag: string; customers: number };

/** `{ all: [a] }` is `a`; nothing at all is null (no narrowing). */
export function conjunction(parts: FilterNode[]): FilterNode | null {
  if (parts.length === 0) {
    return null;
  }
  return parts.length === 1 && parts[0] ? parts[0] : { all: parts };
}

/** The query string that narrows the customer list, its count and its export the same way. */
export function selectionQuery(selection: {
  q?: string | null;
  filter?: FilterNode | null;
  segment?: number | null;
}): URLSearchParams {
  const params = new URLSearchParams();
  if (selection.q) {
    params.set('q', selection.q);
  }
  if (selection.filter) {
    params.set('filter', JSON.stringify(selection.filter));
  }
  if (selection.segment) {
    params.set('segment', String(selection.segment));
  }
  return params;
}
