import { createContext, useContext, type ReactNode } from 'react';
import { translate, errorMessage, formatLongDate, type Locale, type MessageKey } from '../../../shared/i18n/catalogue';
import type { ErrorInfo } from '../../../shared/errors';

export interface I18n {
  locale: Locale;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  error(e: ErrorInfo): string;
  date(iso: string): string;
}

export function makeI18n(locale: Locale): I18n {
  return {
    locale,
    t: (key, params) => translate(locale, key, params),
    // Where a file is wrong, when main says it ("line 2: …"): the student can find the line.
    error: (e) => {
      const line = /^line (\d+): /.exec(e.message)?.[1];
      const text = errorMessage(locale, e.code);
      return line ? `${text} ${translate(locale, 'hardening.errorAtLine', { line: Number(line) })}` : text;
    },
    date: (iso) => formatLongDate(iso, locale),
  };
}

const Ctx = createContext<I18n>(makeI18n('nb'));

export function I18nProvider({ value, children }: { value: I18n; children: ReactNode }) {
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export const useI18n = (): I18n => useContext(Ctx);
