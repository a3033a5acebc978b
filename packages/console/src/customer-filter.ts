import { conjunction, type FilterNode } from './filters.ts';

/**
 * The Customers page's filter controls, kept in the page's URL (so a filtered list can be linked
 * and reloaded) and composed into one filter of the filter language for the server. Pure.
 *
 * URL: `tag=…` (repeated) with `tag_mode=any` (default: all of them), `total_min` / `total_max`
 * and the same for the four values, `rfm=…` and `band=…` (repeated), `segment=<id>`; `q` and
 * `after` belong to the page, not to the filter.
 */
export const SCORE_FIELDS = ['total', 'consumption', 'interaction', 'content', 'social'] as const;
export type ScoreField = (typeof SCORE_FIELDS)[number];

export type Range = { min: number | null; max: number | null };

export type CustomerFilterState = {
  tags: string[];
  tagMode: 'all' | 'any';
  ranges: Record<ScoreField, Range>;
  rfmGroups: string[];
  bands: string[];
  segment: number | null;
};

/** The URL keys the filter owns: changing any of them starts the list again from its first page. */
export const FILTER_KEYS = [
  'tag',
  'tag_mode',
  'rfm',
  'band',
  'segment',
  ...SCORE_FIELDS.flatMap((f) => [`${f}_min`, `${f}_max`]),
];

function number(text: string | null): number | null {
  if (text === null || text.trim() === '') {
    return null;
  }
  const value = Number(text);
  return Number.isFinite(value) ? value : null;
}

export function readFilterState(params: URLSearchParams): CustomerFilterState {
  const ranges = Object.fromEntries(
    SCORE_FIELDS.map((f) => [
      f,
      { min: number(params.get(`${f}_min`)), max: number(params.get(`${f}_max`)) },
    ]),
  ) as Record<ScoreField, Range>;
  const segment = number(params.get('segment'));
  return {
    tags: params.getAll('tag').filter((t) => t !== ''),
    tagMode: params.get('tag_mode') === 'any' ? 'any' : 'all',
    ranges,
    rfmGroups: params.getAll('rfm').filter((g) => g !== ''),
    bands: params.getAll('band').filter((b) => b !== ''),
    segment: segment !== null && Number.isInteger(segment) && segment > 0 ? segment : null,
  };
}

/** The page's URL with these filter controls: other keys stay, `after` goes (a new list starts). */
export function writeFilterState(params: URLSearchParams, state: CustomerFilterState): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const key of [...FILTER_KEYS, 'after']) {
    next.delete(key);
  }
  for (const tag of state.tags) {
    next.append('tag', tag);
  }
  if (state.tagMode === 'any' && state.tags.length > 1) {
    next.set('tag_mode', 'any');
  }
  for (const field of SCORE_FIELDS) {
    const { min, max } = state.ranges[field];
    if (min !== null) {
      next.set(`${field}_min`, String(min));
    }
    if (max !== null) {
      next.set(`${field}_max`, String(max));
    }
  }
  for (const group of state.rfmGroups) {
    next.append('rfm', group);
  }
  for (const band of state.bands) {
    next.append('band', band);
  }
  if (state.segment !== null) {
    next.set('segment', String(state.segment));
  }
  return next;
}

function rangeFilter(field: string, { min, max }: Range): FilterNode | null {
  if (min !== null && max !== null) {
    return { field, op: 'between', value: [Math.min(min, max), Math.max(min, max)] };
  }
  if (min !== null) {
    return { field, op: '>=', value: min };
  }
  if (max !== null) {
    return { field, op: '<=', value: max };
  }
  return null;
}

/**
 * The filter the controls mean (the saved segment is sent apart, as `segment`): every chosen tag
 * (or any of them), each score within its range, the RFM group and the band among those chosen.
 * Null when no control is set.
 */
export function composeFilter(state: CustomerFilterState): FilterNode | null {
  const tags = state.tags.map((tag): FilterNode => ({ tag }));
  const parts: FilterNode[] = state.tagMode === 'any' && tags.length > 1 ? [{ any: tags }] : tags;
  for (const field of SCORE_FIELDS) {
    const node = rangeFilter(`scores.${field}`, state.ranges[field]);
    if (node) {
      parts.push(node);
    }
  }
  if (state.rfmGroups.length > 0) {
    parts.push({ field: 'scores.rfm_group', op: 'in', value: state.rfmGroups });
  }
  if (state.bands.length > 0) {
    parts.push({ field: 'scores.band', op: 'in', value: state.bands });
  }
  return conjunction(parts);
}

export function isFiltered(state: CustomerFilterState): boolean {
  return composeFilter(state) !== null || state.segment !== null;
}
