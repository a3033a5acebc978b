/**
 * The header row: how its names are normalised, kept apart, and how it is told from banner lines.
 *
 * Exports spell the same column differently across versions: trailing spaces (Taobao's
 * `收货地址 `, §0.6), full-width or half-width brackets (PDD's `商品总价（元）` / `商品总价(元)`),
 * a BOM glued to the first name (§0.2). Names are compared only after `normalizeHeaderName`, on
 * both sides: the file's header and the names a format expects.
 */

const BRACKETS: Record<string, string> = { '（': '(', '）': ')', '【': '[', '】': ']', '［': '[', '］': ']' };

/** Trimmed (spaces, tabs, NBSP, full-width space), without BOM or zero-width characters, brackets half-width. */
export function normalizeHeaderName(raw: string): string {
  return raw
    .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
    .trim()
    .replace(/[（）【】［］]/g, (c) => BRACKETS[c] ?? c);
}

/**
 * Normalised names, each unique: a repeated name gets `#2`, `#3` … (Youzan repeats `分销员`, §0.14),
 * and an empty header cell is named by its position, `#35` (Youzan's customer export ends its
 * header with a comma).
 */
export function uniqueHeaderNames(cells: readonly string[]): string[] {
  const taken = new Set<string>();
  return cells.map((cell, index) => {
    const base = normalizeHeaderName(cell);
    let name = base === '' ? `#${index + 1}` : base;
    for (let n = 2; taken.has(name); n++) {
      name = `${base}#${n}`;
    }
    taken.add(name);
    return name;
  });
}

/** How many distinct cells of a line are expected header names (already normalised). */
export function countHeaderMatches(cells: readonly string[], expected: ReadonlySet<string>): number {
  const seen = new Set<string>();
  for (const cell of cells) {
    const name = normalizeHeaderName(cell);
    if (expected.has(name)) {
      seen.add(name);
    }
  }
  return seen.size;
}
