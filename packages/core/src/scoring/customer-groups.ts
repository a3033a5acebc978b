/**
 * Identical customer rows folded into one weighted row. The models' likelihoods depend on a customer only
 * through (frequency, recency, T) or (frequency, monetary value), and real data repeats those tuples a lot —
 * every one-purchase customer who started on the same day is the same row — so a fit evaluates each
 * distinct tuple once per step, with its count as the weight. Exact: a sum of equal terms is their product
 * with the count.
 */

/**
 * Distinct tuples of `key(row)` with summed weights (`count`, default 1), and for each column the
 * distinct values with each group's index into them, so that a likelihood can take a logarithm once
 * per distinct value instead of once per group.
 */
export type Grouped<K extends string> = {
  readonly weights: Float64Array;
  readonly totalWeight: number;
  readonly columns: Record<K, GroupedColumn>;
};

export type GroupedColumn = {
  /** Distinct values of the column, in first-seen order. */
  readonly values: Float64Array;
  /** For each group, its value's index in `values`. */
  readonly index: Int32Array;
};

/** Rows of numbers with an optional multiplicity (e.g. a `COUNT(*)` of a `GROUP BY` on those columns). */
export type Weighted = { readonly count?: number };

type Trie = Map<number, Trie | number>;

/** The group index stored under the values' path, or `next` newly stored there. */
function findOrAdd(root: Trie, values: readonly number[], next: number): number {
  let node = root;
  const last = values.length - 1;
  for (let c = 0; c < last; c += 1) {
    const value = values[c] ?? 0;
    let child = node.get(value);
    if (child === undefined) {
      child = new Map();
      node.set(value, child);
    }
    if (typeof child === 'number') {
      throw new Error('rows must all have the same number of columns');
    }
    node = child;
  }
  const leaf = node.get(values[last] ?? 0);
  if (typeof leaf === 'number') {
    return leaf;
  }
  node.set(values[last] ?? 0, next);
  return next;
}

export function groupRows<R extends Weighted, K extends string>(
  rows: readonly R[],
  columns: readonly K[],
  read: (row: R) => readonly number[],
): Grouped<K> {
  // Nested maps keyed by number, one level a column: about twice as fast as joining a string key.
  const root: Trie = new Map();
  const groups: number[][] = [];
  const weights: number[] = [];
  let totalWeight = 0;
  for (const row of rows) {
    const weight = row.count ?? 1;
    if (!(weight > 0) || !Number.isFinite(weight)) {
      throw new RangeError(`a row's count must be positive: ${weight}`);
    }
    totalWeight += weight;
    const values = read(row);
    const at = findOrAdd(root, values, groups.length);
    if (at === groups.length) {
      groups.push([...values]);
      weights.push(weight);
    } else {
      weights[at] = (weights[at] ?? 0) + weight;
    }
  }
  const out = {} as Record<K, GroupedColumn>;
  columns.forEach((column, c) => {
    const indexOf = new Map<number, number>();
    const values: number[] = [];
    const index = new Int32Array(groups.length);
    groups.forEach((group, g) => {
      const value = group[c] ?? 0;
      let at = indexOf.get(value);
      if (at === undefined) {
        at = values.length;
        indexOf.set(value, at);
        values.push(value);
      }
      index[g] = at;
    });
    out[column] = { values: Float64Array.from(values), index };
  });
  return { weights: Float64Array.from(weights), totalWeight, columns: out };
}
