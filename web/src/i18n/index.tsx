// A small typed i18n layer: English is the reference dictionary, Chinese must
// have exactly the same keys (the compiler and a unit test both check it).
// The language follows the browser until the user picks one.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';

import { detectLang, format, type Lang, type Params } from './format-helpers';

export { detectLang, format };
export type { Lang, Params, MessageKey };
export type TFunction = (key: MessageKey, params?: Params) => string;

export const dictionaries: Record<Lang, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };
const LANG_KEY = 'hujiao.lang';

export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  return format(dictionaries[lang][key] ?? en[key] ?? key, params);
}

/** Translates a dynamic key (e.g. an agent state from the server) when the dictionary has it. */
export function hasKey(key: string): key is MessageKey {
  return key in en;
}

interface I18nValue {
  lang: Lang;
  setLang: (l: Lang) => void;
  t: TFunction;
}

const I18nContext = createContext<I18nValue>({
  lang: 'en',
  setLang: () => undefined,
  t: (k, p) => translate('en', k, p),
});

function initialLang(): Lang {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(LANG_KEY);
  } catch {
    stored = null;
  }
  const browser = navigator.languages?.length ? navigator.languages : [navigator.language];
  return detectLang(stored, browser);
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((l: Lang) => {
    setLangState(l);
    try {
      localStorage.setItem(LANG_KEY, l);
    } catch {
      // Not persisted; the choice still holds for this page.
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = translate(lang, 'app.title');
  }, [lang]);
  const t = useCallback<TFunction>((k, p) => translate(lang, k, p), [lang]);
  const value = useMemo(() => ({ lang, setLang, t }), [lang, setLang, t]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  return useContext(I18nContext);
}

export function useT(): TFunction {
  return useContext(I18nContext).t;
}
