/**
 * Generalised by default: the band or category a study should hold instead of an exact
 * value that narrows a small group down to one person (age 52 → "50-59"; 7 years in the
 * job → "5-10 år"; a year → a five-year span; a municipality → its county). Which rule
 * applies is read from the attribute's kind and its name and labels (an age, years of
 * experience); a value already a band, a span or a county gets no suggestion.
 */
import type { Locale } from '../../../../shared/i18n/locale';
import type { Attribute, Suggestion } from '../../../../shared/attributes';
import { foldLookalikes } from '../deidentify/normalise';
import { countyOf } from './municipalities';

const AGE = /(^|[^a-zæøå])(alder|age|aged|årsalder)([^a-zæøå]|$)/i;
const YEARS = /(erfaring|experience|ansiennitet|tenure|yrkesår|års|antall år|years|år i|år som|i jobben|in the job)/i;
/** A band already: "50-59", "5-10 år", "20+", "2015–2019". */
const BAND = /^\s*\d+\s*[-–]\s*\d+(\s*\p{L}+)?\s*$|^\s*\d+\s*\+(\s*\p{L}+)?\s*$/u;
const NUMBER = /^\s*(\d{1,3})(?:[.,]\d+)?\s*(år|years?|yrs?)?\s*$/i;
const YEAR = /^\s*(1[89]\d\d|20\d\d)(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?\s*$/;

/** Years in a job: half-open bands (7 is in "5-10"). */
const YEAR_BANDS: readonly [number, number | null][] = [
  [0, 2],
  [2, 5],
  [5, 10],
  [10, 20],
  [20, null],
];

function role(a: Pick<Attribute, 'name' | 'labels'>): 'age' | 'years' | null {
  // Read as the identifying-details check reads words: a Cyrillic "а" or a zero-width
  // space in "alder" (a .qdpx Variable's name can hold either) hides no age.
  const words = foldLookalikes([a.name, a.labels.nb, a.labels.en].join(' ').normalize('NFKC')).replace(/\p{Default_Ignorable_Code_Point}/gu, '');
  if (AGE.test(words)) return 'age';
  if (YEARS.test(words)) return 'years';
  return null;
}

/** The generalised value to hold instead of `raw`, or null when `raw` narrows nothing Hvelv can tell. */
export function suggest(a: Pick<Attribute, 'name' | 'labels' | 'kind'>, raw: string, locale: Locale = 'nb', now: Date = new Date()): Suggestion | null {
  if (a.kind === 'list') return null;
  const r = role(a);
  if (BAND.test(raw)) {
    // A band as wide as the rule's own is generalised already; a narrower one ("52-52",
    // "2019-2019") narrows as an exact value does, and is generalised from its start.
    const [lo, hi] = (raw.match(/\d+/g) ?? []).map(Number) as [number, number | undefined];
    const minWidth = lo >= 1800 ? 4 : r === 'age' ? 9 : r === 'years' ? 2 : 0;
    if (hi === undefined || hi - lo >= minWidth) return null;
    raw = String(lo);
  }
  const year = YEAR.exec(raw);
  if (year) {
    const y = Number(year[1]);
    // A year given for an age is a birth year: the age band it makes today.
    if (r === 'age') {
      const from = Math.floor((now.getFullYear() - y) / 10) * 10;
      return { value: `${from}-${from + 9}`, rule: 'age-band' };
    }
    // A year or a date (when someone started in the job, say) narrows whatever the name: a five-year span.
    const from = Math.floor(y / 5) * 5;
    return { value: `${from}-${from + 4}`, rule: 'year-span' };
  }
  const n = NUMBER.exec(raw);
  if (n && (a.kind === 'number' || a.kind === 'text') && r !== null) {
    const v = Number(n[1]);
    if (r === 'age') {
      const from = Math.floor(v / 10) * 10;
      return { value: `${from}-${from + 9}`, rule: 'age-band' };
    }
    const unit = locale === 'nb' ? 'år' : 'years';
    const [lo, hi] = YEAR_BANDS.find(([lo, hi]) => v >= lo && (hi === null || v < hi))!;
    return { value: hi === null ? `${lo}+ ${unit}` : `${lo}-${hi} ${unit}`, rule: 'years-band' };
  }
  if (a.kind === 'text') {
    const county = countyOf(raw);
    if (county) return { value: county, rule: 'county' };
  }
  return null;
}
