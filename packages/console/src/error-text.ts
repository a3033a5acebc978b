import { ApiError } from './api.ts';
import type { Lang } from './i18n.tsx';
import { dictionaries, type MessageKey } from './i18n-dictionary.ts';

/**
 * A failed call as an operator should read it: the headline of the API's error code in the
 * console's language, then the server's own words (English, naming the field or value at fault).
 */
export function describeError(lang: Lang, error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error);
  const headline = headlineOf(error);
  if (headline === null) {
    return detail;
  }
  return `${dictionaries[lang][headline]}${lang === 'zh' ? '：' : ': '}${detail}`;
}

function headlineOf(error: unknown): MessageKey | null {
  if (error instanceof ApiError) {
    const key = `error.${error.code}`;
    return key in dictionaries.zh ? (key as MessageKey) : 'error.internal';
  }
  // fetch() rejects with a TypeError when the server cannot be reached.
  return error instanceof TypeError ? 'error.network' : null;
}
