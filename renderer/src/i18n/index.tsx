import { createContext, useContext, type ReactNode } from 'react';
import { translate, errorMessage, type Locale, type MessageKey } from '../../../shared/i18n/catalogue';
import type { ErrorInfo } from '../../../shared/errors';

export interface I18n {
  locale: Locale;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  error(e: ErrorInfo): string;
  date(iso: string): string;
}

export function makeI18n(locale: Locale): I18n {
  const fmt = new Intl.DateTimeFormat(locale === 'nb' ? 'nb-NO' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  return {
    locale,
    t: (key, params) => translate(locale, key, params),
    error: (e) => errorMessage(locale, e.code),
    date: (iso) => fmt.format(new Date(`${iso}T00:00:00Z`)),
  };
}

const Ctx = createContext<I18n>(makeI18n('nb'));

export function I18nProvider({ value, children }: { value: I18n; children: ReactNode }) {
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export const useI18n = (): I18n => useContext(Ctx);
