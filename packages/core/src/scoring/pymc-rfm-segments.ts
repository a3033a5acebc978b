/**
 * Peer mode: pymc-marketing `clv.utils.rfm_segments` (default segment config), reproduced exactly so
 * that its output on CDNOW can be asserted customer by customer (cdnow/SOURCE.md). Not Hatchery's rule
 * — see rfm-scores.ts — but proof that we read the peer right, and a way to compare with it.
 *
 * The peer, step by step (pandas 1.5, numpy 1.24):
 * 1. the classic RFM row (`rfm_summary(include_first_transaction=True)`; purchase-summary.ts
 *    `classicRfm`): frequency = purchase days, recency = days since the last, monetary = mean per day;
 * 2. for each measure `pandas.qcut(values, 4, duplicates='drop')`: edges = numpy linear-interpolation
 *    quantiles at 0, .25, .5, .75, 1; duplicate edges dropped; right-closed bins (e[i−1], e[i]] with the
 *    minimum in the first;
 * 3. labels 1…k for k surviving bins (pymc tries 4, then 3, then 2 labels; with a single bin it raises),
 *    reversed for recency (k = most recent);
 * 4. `rfm_score` = the three digits as a string (r f m); `segment` = the config list holding the score,
 *    later lists overriding earlier ones, else "Other".
 */

/** pymc-marketing's `_default_rfm_segment_config`, in its order. */
export const PYMC_DEFAULT_SEGMENTS: readonly (readonly [string, readonly string[]])[] = [
  ['Premium Customer', ['334', '443', '444', '344', '434', '433', '343', '333']],
  ['Repeat Customer', ['244', '234', '232', '332', '143', '233', '243']],
  [
    'Top Spender',
    ['424', '414', '144', '314', '324', '124', '224', '423', '413', '133', '323', '313', '134'],
  ],
  ['At Risk Customer', ['422', '223', '212', '122', '222', '132', '322', '312', '412', '123', '214']],
  ['Inactive Customer', ['411', '111', '113', '114', '112', '211', '311']],
];

/**
 * numpy `_lerp(a, b, t)`: a + (b − a)·t, computed from b's side when t ≥ 0.5 (numpy ≥ 1.22), which
 * rounds differently — the edges must agree bit for bit, since a value equal to an edge is in its bin.
 */
function lerp(a: number, b: number, t: number): number {
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** `numpy.quantile(values, q)`, method 'linear' (virtual index (n − 1)·q), on ascending `sorted`. */
export function numpyQuantileLinear(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) {
    throw new RangeError('the quantile of no values');
  }
  const virtual = (n - 1) * q;
  if (virtual >= n - 1) {
    return sorted[n - 1] ?? Number.NaN;
  }
  if (virtual < 0) {
    return sorted[0] ?? Number.NaN;
  }
  const previous = Math.floor(virtual);
  return lerp(sorted[previous] ?? Number.NaN, sorted[previous + 1] ?? Number.NaN, virtual - previous);
}

/** `pandas.qcut(values, q, duplicates='drop')`'s bin edges: the quantile edges, duplicates removed. */
export function qcutEdges(values: readonly number[], q = 4): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const edges: number[] = [];
  const step = 1 / q; // numpy.linspace(0, 1, q + 1): i × step, the last exactly 1
  for (let i = 0; i <= q; i += 1) {
    const edge = numpyQuantileLinear(sorted, i === q ? 1 : i * step);
    if (edges[edges.length - 1] !== edge) {
      edges.push(edge);
    }
  }
  return edges;
}

/** The 1-based bin of a value in right-closed bins (e[i−1], e[i]], the first edge included in bin 1. */
export function qcutBin(edges: readonly number[], value: number): number {
  // pandas: searchsorted(edges, value, side='left'), then value == edges[0] → 1.
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((edges[mid] ?? Number.NaN) < value) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return value === edges[0] ? 1 : lo;
}

/** The quartile labels of one measure, as pymc assigns them (recency reversed). */
function quartileLabels(
  values: readonly number[],
  reversed: boolean,
  measure: string,
): {
  edges: number[];
  labels: number[];
} {
  const edges = qcutEdges(values, 4);
  const bins = edges.length - 1;
  if (bins < 2) {
    throw new RangeError(
      `pymc-marketing rfm_segments fails here: ${measure} has ${bins} quartile bin (too few distinct values)`,
    );
  }
  return {
    edges,
    labels: values.map((v) => {
      const bin = qcutBin(edges, v);
      return reversed ? bins + 1 - bin : bin;
    }),
  };
}

/** pymc's classic RFM row: days since the last purchase, purchase days, mean spend per purchase day. */
export type PymcRfmRow = {
  readonly recency: number;
  readonly frequency: number;
  readonly monetaryValue: number;
};

export type PymcRfmSegments = {
  /** The qcut edges per measure, duplicates dropped (cdnow/SOURCE.md lists CDNOW's). */
  readonly edges: { readonly recency: number[]; readonly frequency: number[]; readonly monetary: number[] };
  /** Per input row, same order: the three digits as pymc's string, and the segment name. */
  readonly customers: { readonly rfmScore: string; readonly segment: string }[];
};

/**
 * `rfm_segments` over a population's classic RFM rows. Money in any unit (the oracle's dollars);
 * quantile bins are scale-free, but pass the peer's unit to compare edges.
 */
export function pymcRfmSegments(
  rows: readonly PymcRfmRow[],
  segments: readonly (readonly [string, readonly string[]])[] = PYMC_DEFAULT_SEGMENTS,
): PymcRfmSegments {
  const r = quartileLabels(
    rows.map((row) => row.recency),
    true,
    'recency',
  );
  const f = quartileLabels(
    rows.map((row) => row.frequency),
    false,
    'frequency',
  );
  const m = quartileLabels(
    rows.map((row) => row.monetaryValue),
    false,
    'monetary_value',
  );
  const segmentOf = new Map<string, string>();
  for (const [name, scores] of segments) {
    for (const score of scores) {
      segmentOf.set(score, name); // a later list overrides, as pandas' successive .loc assignments do
    }
  }
  return {
    edges: { recency: r.edges, frequency: f.edges, monetary: m.edges },
    customers: rows.map((_, i) => {
      const rfmScore = `${r.labels[i]}${f.labels[i]}${m.labels[i]}`;
      return { rfmScore, segment: segmentOf.get(rfmScore) ?? 'Other' };
    }),
  };
}
