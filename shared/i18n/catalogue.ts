/**
 * Every user-visible string, in Norwegian bokmål and English. The renderer and the
 * CLI both read from here, so an error says the same thing in the app and in a
 * terminal. `en` must have exactly the keys of `nb` (checked by the type).
 *
 * Placeholders are written {name}. A count's words are written {name|one|other}: the
 * form for 1 and the form for every other number, so "{count} {count|notat|notater}"
 * reads "1 notat", "0 notater", "2 notater". Bokmål and English both have just these
 * two forms for whole numbers (Intl.PluralRules picks), and a form may be a whole
 * phrase where more than the noun changes ("{n|kommentar er|kommentarer er}").
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
import * as notification from './notification';
import * as cli from './cli';
import * as asrWork from './asr-work';
import * as attributes from './attributes';
import * as backup from './backup';
import * as projectEnd from './project-end';

/**
 * A feature's strings: `nb` is the source of the keys, and `en` must have exactly
 * those keys (checked by the type where each file declares `en`). A new feature adds
 * a file beside this one and a line to FEATURES, so features grow without touching
 * each other's strings.
 */
const FEATURES = [core, analysis, analysisScreens, exchange, hardening, deidentify, transcription, asr, screens, supervisor, supervisorScreens, notification, cli, asrWork, attributes, backup, projectEnd] as const;

import { LOCALES, type Locale } from './locale';
export { LOCALES, type Locale };

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

/** {name} or {name|one|other}; a form holds no braces or bars. */
const PLACEHOLDER = /\{(\w+)(?:\|([^{}|]*)\|([^{}|]*))?\}/g;

const PLURAL_RULES: Record<Locale, Intl.PluralRules> = { nb: new Intl.PluralRules('nb'), en: new Intl.PluralRules('en') };

export interface TemplateParams {
  /** Every parameter the template names, plain or plural. */
  names: Set<string>;
  /** The parameters that choose a plural form, and so must be numbers. */
  plurals: Set<string>;
}

/**
 * What a template asks of its caller, or an Error saying why it is not a template: a
 * brace that opens no placeholder, a plural with other than two forms, or a plural
 * whose number the sentence never writes (a misspelt name would otherwise choose its
 * form from a parameter nobody passes).
 */
export function templateParams(template: string): TemplateParams {
  const names = new Set<string>();
  const plurals = new Set<string>();
  const rest = template.replace(PLACEHOLDER, (_m, name: string, one: string | undefined) => {
    names.add(name);
    if (one !== undefined) plurals.add(name);
    return '';
  });
  if (/[{}]/.test(rest)) throw new Error(`not a placeholder in "${template}": write {name} or {name|one|other}`);
  const plain = new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!));
  for (const p of plurals) if (!plain.has(p)) throw new Error(`plural {${p}|…} in "${template}" chooses words for a number the template never writes as {${p}}`);
  return { names, plurals };
}

/** Fill a catalogue template: {name} with its parameter, {name|one|other} with the form its number takes. */
export function formatTemplate(locale: Locale, template: string, params: Record<string, string | number>): string {
  return template.replace(PLACEHOLDER, (m, name: string, one: string | undefined, other: string | undefined) => {
    if (one === undefined || other === undefined) return name in params ? String(params[name]) : m;
    const n = params[name];
    // A string here ("3", or a number already formatted) is a caller's bug. It is said
    // (the browser tests fail on a console error, the CLI's tests on stderr) but never
    // thrown: a screen that will not draw would cost the student more than a plural.
    if (typeof n !== 'number' || !Number.isFinite(n)) {
      console.error(`i18n: {${name}|${one}|${other}} needs a number, got ${n === undefined ? 'nothing' : JSON.stringify(n)}`);
      return other;
    }
    return PLURAL_RULES[locale].select(n) === 'one' ? one : other;
  });
}

export function translate(locale: Locale, key: MessageKey, params: Record<string, string | number> = {}): string {
  return formatTemplate(locale, CATALOGUES[locale][key], params);
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
