import type { Lang } from './i18n.tsx';
import { dictionaries, type MessageKey } from './i18n-dictionary.ts';
import { rfmGroupName, tagName } from './scores.ts';

/**
 * How the filter language's fields, operators and values are worded on screen. The catalogue
 * (which fields exist, their types and operators) comes from the server; only the words are here,
 * and a field the console has no words for yet shows its name.
 */
type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

function known(key: string): key is MessageKey {
  return key in dictionaries.zh;
}

export function fieldLabel(t: T, name: string): string {
  const key = `field.${name}`;
  return known(key) ? t(key) : name;
}

export function opLabel(t: T, op: string): string {
  const key = `op.${op}`;
  return known(key) ? t(key) : op;
}

/** A value of a closed or suggested list: bands, RFM groups and shops have names. */
export function valueLabel(
  t: T,
  lang: Lang,
  shop: (s: string) => string,
  field: string,
  value: string,
): string {
  if (field === 'scores.band') {
    const key = `band.${value}`;
    return known(key) ? t(key) : value;
  }
  if (field === 'scores.rfm_group') {
    return rfmGroupName(value, lang);
  }
  if (field === 'profile.shops') {
    return shop(value);
  }
  return value;
}

/** A tag with its name (沉默, 天猫) and, when that differs, the tag itself. */
export function tagLabel(lang: Lang, shop: (s: string) => string, tag: string): string {
  const name = tagName(tag, lang, shop);
  return name === tag ? tag : `${name} · ${tag}`;
}
