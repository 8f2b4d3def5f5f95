/**
 * Every user-visible string, in Norwegian bokmål and English. The renderer and the
 * CLI both read from here, so an error says the same thing in the app and in a
 * terminal. `en` must have exactly the keys of `nb` (checked by the type).
 * Placeholders are written {name}.
 */
import type { ErrorCode } from '../errors';

import * as core from './core';
import * as analysis from './analysis';
import * as exchange from './exchange';
import * as hardening from './hardening';
import * as deidentify from './deidentify';
import * as transcription from './transcription';
import * as asr from './asr';
import * as analysisScreens from './analysis-screens';
import * as screens from './screens';
import * as supervisor from './supervisor';
import * as supervisorScreens from './supervisor-screens';

/**
 * A feature's strings: `nb` is the source of the keys, and `en` must have exactly
 * those keys (checked by the type where each file declares `en`). A new feature adds
 * a file beside this one and a line to FEATURES, so features grow without touching
 * each other's strings.
 */
const FEATURES = [core, analysis, analysisScreens, exchange, hardening, deidentify, transcription, asr, screens, supervisor, supervisorScreens] as const;

export const LOCALES = ['nb', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

type Feature = (typeof FEATURES)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type NbKeys = UnionToIntersection<Feature['nb']>;
export type MessageKey = keyof NbKeys & string;
type Catalogue = Record<MessageKey, string>;

function join(locale: Locale): Catalogue {
  const out: Record<string, string> = {};
  for (const f of FEATURES) {
    for (const [k, v] of Object.entries(f[locale])) {
      // A key defined twice would make one feature's text silently win.
      if (k in out) throw new Error(`i18n key defined twice: ${k}`);
      out[k] = v;
    }
  }
  return out as Catalogue;
}

export const CATALOGUES: Record<Locale, Catalogue> = { nb: join('nb'), en: join('en') };

export function translate(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = CATALOGUES[locale][key];
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function errorMessage(locale: Locale, code: ErrorCode): string {
  return translate(locale, `error.${code}`);
}

/** Pick nb for Norwegian system locales (nb, nn, no), English otherwise. */
export function localeFromSystem(tag: string | undefined): Locale {
  return /^(nb|nn|no)([-_.]|$)/i.test(tag ?? '') ? 'nb' : 'en';
}

/** A calendar date (YYYY-MM-DD) or instant as people write it: "30. mai 2031", "30 May 2031". */
export function formatLongDate(iso: string, locale: Locale): string {
  const fmt = new Intl.DateTimeFormat(locale === 'nb' ? 'nb-NO' : 'en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  return fmt.format(new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso));
}

/** Text made safe to put inside HTML (documents Hvelv writes: letters, receipts, certificates). */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
