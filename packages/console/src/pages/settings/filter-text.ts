/** Pure helpers of the filter editor: reading the text, naming the bad node, adding a condition. */

export type FilterField = { name: string; type: string };

export function parseFilterText(
  text: string,
): { ok: true; filter: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, filter: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The server names a refused node by its path from the body (`filter.all.1.not.op: …`); this
 * parts it from the message and writes list indices as such: `filter.all[1].not.op`.
 */
export function splitErrorPath(message: string): { path: string; message: string } | null {
  const match = /^([A-Za-z_]\w*(?:\.\w+)*): ([\s\S]+)$/.exec(message);
  if (!match) {
    return null;
  }
  const path = (match[1] ?? '')
    .split('.')
    .reduce((out, part) => (/^\d+$/.test(part) ? `${out}[${part}]` : `${out}.${part}`));
  return { path, message: match[2] ?? '' };
}

/** A comparison on a field that is valid as it stands, for the operator to adjust. */
export function conditionFor(field: FilterField): { field: string; op: string; value: unknown } {
  switch (field.type) {
    case 'text_list':
      return { field: field.name, op: 'contains', value: '' };
    case 'text':
      return { field: field.name, op: '=', value: '' };
    case 'boolean':
      return { field: field.name, op: '=', value: true };
    default:
      return { field: field.name, op: '>=', value: 0 };
  }
}

/** Adds a condition to a filter: into its top `all`, or by making one. */
export function addCondition(filter: unknown, field: FilterField): unknown {
  const condition = conditionFor(field);
  if (filter === null || filter === undefined) {
    return condition;
  }
  if (typeof filter === 'object' && 'all' in filter && Array.isArray(filter.all)) {
    return { ...filter, all: [...filter.all, condition] };
  }
  return { all: [filter, condition] };
}

/**
 * The filter fields the server accepts, read from its OpenAPI document (the Filter schema's
 * `field` enum, and the types its description lists), so the console never keeps its own copy.
 */
export function filterFields(doc: unknown): FilterField[] {
  const filter = at(doc, ['components', 'schemas', 'Filter']);
  const variants = at(filter, ['anyOf']);
  if (!Array.isArray(variants)) {
    return [];
  }
  const names = variants
    .map((v: unknown) => at(v, ['properties', 'field', 'enum']))
    .find((e): e is unknown[] => Array.isArray(e));
  const description = at(filter, ['description']);
  const types = new Map(
    [
      ...(typeof description === 'string' ? description : '').matchAll(/([a-z_]+\.[a-z_0-9]+) \((\w+)\)/g),
    ].map((m) => [m[1] ?? '', m[2] ?? '']),
  );
  return (names ?? [])
    .filter((n): n is string => typeof n === 'string')
    .map((name) => ({ name, type: types.get(name) ?? 'number' }));
}

function at(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !(key in node)) {
      return undefined;
    }
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}
