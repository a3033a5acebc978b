import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';
import { describeError } from './error-text.ts';
import { dictionaries, type MessageKey, SHOP_NAMES } from './i18n-dictionary.ts';

export type Lang = 'zh' | 'en';

type I18n = {
  lang: Lang;
  setLang: (lang: Lang) => void;
  t: (key: MessageKey, vars?: Record<string, string | number>) => string;
  shop: (shop: string) => string;
  /** A failed call as the operator should read it: the error code's headline, then the server's words. */
  describeError: (error: unknown) => string;
};

const I18nContext = createContext<I18n | null>(null);
const STORAGE_KEY = 'hatchery.lang';

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(() =>
    localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh',
  );
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang: (next) => {
        localStorage.setItem(STORAGE_KEY, next);
        document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
        setLangState(next);
      },
      t: (key, vars) =>
        dictionaries[lang][key].replace(/\{(\w+)\}/g, (_, name: string) =>
          String(vars?.[name] ?? `{${name}}`),
        ),
      shop: (shop) => SHOP_NAMES[lang][shop] ?? shop,
      describeError: (error) => describeError(lang, error),
    }),
    [lang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) {
    throw new Error('useI18n outside I18nProvider');
  }
  return value;
}
