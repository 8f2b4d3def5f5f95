/**
 * Dates as people write them in a text field: dd.mm.yyyy in Norwegian, dd/mm/yyyy in
 * English. A browser's own date input follows the browser's locale, not the app's, and
 * showed mm/dd/yyyy to a Norwegian student; so the app reads and writes the text itself.
 */
import { isIsoDate } from './domain';
import type { Locale } from './i18n/catalogue';

/** How a date is shown in a field (and what its placeholder says). */
export function dateText(iso: string, locale: Locale): string {
  if (!isIsoDate(iso)) return iso;
  const [y, m, d] = iso.split('-');
  return locale === 'nb' ? `${d}.${m}.${y}` : `${d}/${m}/${y}`;
}

/**
 * The calendar date a person typed, as YYYY-MM-DD, or null when it is none: d.m.yyyy,
 * dd.mm.yyyy, d/m/yyyy (day first, in either language) and YYYY-MM-DD are read.
 */
export function parseDateText(text: string): string | null {
  const s = text.trim();
  let y: string, m: string, d: string;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  const dayFirst = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(s);
  if (iso) [, y, m, d] = iso as unknown as [string, string, string, string];
  else if (dayFirst) [, d, m, y] = dayFirst as unknown as [string, string, string, string];
  else return null;
  const out = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return isIsoDate(out) ? out : null;
}
