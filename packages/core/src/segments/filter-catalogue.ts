import { SHOPS } from '../events/event.schema.ts';
import { CLASSIC_RFM_GROUPS } from '../scoring/rfm-groups.ts';
import {
  FIELD_NAMES,
  FIELDS,
  FILTER_LIMITS,
  type FieldName,
  type FieldType,
  OPS_BY_TYPE,
} from './filter.schema.ts';

/**
 * The filter language described for a builder (GET /v1/segments/fields): every field with its
 * type, the operators that type takes, and what its values look like, so that a console builds
 * only filters the server accepts without keeping its own copy of the language. Pure.
 *
 * `values` is a closed set (the server refuses anything else); `suggestions` are the usual values
 * of an open text field (a workspace may have RFM groups of its own, shops not listed here).
 */
export type CatalogueField = {
  name: FieldName;
  type: FieldType;
  doc: string;
  ops: readonly string[];
  values?: readonly string[];
  suggestions?: readonly string[];
  /** `fen`: money in fen (show yuan); `days`: a number of days. */
  unit?: 'fen' | 'days';
  /** Where the field's values lie, when they are bounded. */
  range?: readonly [number, number];
};

const UNITS: Partial<Record<FieldName, 'fen' | 'days'>> = {
  'stats.net_fen': 'fen',
  'stats.brought_fen': 'fen',
  'stats.days_since_last_order': 'days',
  'stats.active_days_7': 'days',
  'stats.active_days_30': 'days',
};

const RANGES: Partial<Record<FieldName, readonly [number, number]>> = {
  'stats.active_days_7': [0, 7],
  'stats.active_days_30': [0, 30],
  'scores.r': [0, 5],
  'scores.f': [0, 5],
  'scores.m': [0, 5],
  'scores.v': [0, 5],
  'scores.consumption': [0, 99],
  'scores.interaction': [0, 99],
  'scores.content': [0, 99],
  'scores.social': [0, 99],
  'scores.total': [0, 99],
  'scores.koc': [0, 99],
};

const SUGGESTIONS: Partial<Record<FieldName, readonly string[]>> = {
  'scores.rfm_group': [...CLASSIC_RFM_GROUPS.map((g) => g.code), 'none'],
  'profile.shops': SHOPS,
};

/** Tag families a filter can name (FILTER-LANGUAGE.md, Tags). */
export const TAG_PREFIXES = ['activity:', 'shop:', 'rule:', 'manual:'] as const;

export function filterCatalogue() {
  const fields: CatalogueField[] = FIELD_NAMES.map((name) => {
    const spec: { type: FieldType; doc: string; values?: readonly string[] } = FIELDS[name];
    const unit = UNITS[name];
    const range = RANGES[name];
    const suggestions = SUGGESTIONS[name];
    return {
      name,
      type: spec.type,
      doc: spec.doc,
      ops: OPS_BY_TYPE[spec.type],
      ...(spec.values ? { values: spec.values } : {}),
      ...(suggestions ? { suggestions } : {}),
      ...(unit ? { unit } : {}),
      ...(range ? { range } : {}),
    };
  });
  return { fields, tag_prefixes: TAG_PREFIXES, limits: FILTER_LIMITS };
}
