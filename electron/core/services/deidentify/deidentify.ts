/**
 * Finding identifying details in a transcript before it is shared or kept past the
 * project's end. The information letter promises that the data are anonymised on the
 * end date; deleting the key list and the recordings does that only if the
 * transcripts no longer name anyone. In the study's transcripts people say their own
 * first name, a colleague's, a phone number to call, the office they work at.
 *
 * Two sources, both read only in memory:
 * - the key list: every name part, e-mail, phone number and workplace of every
 *   participant (so a colleague who shares a participant's first name is found too);
 * - patterns that need no key list (and so still work after it is deleted): e-mail
 *   addresses, Norwegian phone numbers however grouped, national identity numbers.
 *
 * Nothing is replaced without the user choosing it; what they mark as not identifying
 * is remembered with the transcript.
 */
import type { DeidFinding } from '../../../../shared/contract';
import { NARROWING_KINDS, type DeidConfidence, type DeidKind } from '../../../../shared/domain';
import { findDetails } from './details';
import { lexicon, type Lexicon } from './lexicon';
import { back, invisibleRuns, normalise, normaliseTerm } from './normalise';
import { translate, type Locale } from '../../../../shared/i18n/catalogue';

export interface KnownDetails {
  /** Each name part (and the whole name) of every participant. */
  names: string[];
  emails: string[];
  /** Digits only. */
  phones: string[];
  workplaces: string[];
}

/**
 * Words in a workplace's name that say nothing about where (NAV is everyone's employer
 * in the study): not looked for alone, nor as a whole workplace.
 */
const ORGANISATION_WORDS = new Set([
  'nav', 'kommune', 'kommunes', 'fylkeskommune', 'avdeling', 'avd', 'kontor', 'kontoret', 'senter', 'senteret', 'as', 'asa', 'sa', 'og', 'i', 'på',
  'helse', 'sykehus', 'sykehuset', 'skole', 'skolen', 'barnehage', 'barnehagen', 'universitet', 'universitetet', 'høgskole', 'høgskolen',
  'politiet', 'barnevern', 'barnevernet', 'barnevernstjenesten', 'tjeneste', 'tjenesten', 'tjenester', 'arbeid', 'velferd',
]);
/** A name part worth looking for alone: capitalised, more than an initial ("Kari", "D’Souza", "Per-Arne"; not "van", "K."). */
const NAME_PART = /^\p{Lu}\p{M}*[\p{L}\p{M}'’ʼ-]*\p{L}\p{M}*$/u;
/** "jon olsen" typed in lower case means "Jon Olsen"; a name with any capital is kept as typed ("van der Berg"). */
const asWritten = (s: string): string => (s === s.toLocaleLowerCase('nb') ? s.replace(/(^|[\s-])(\p{L})/gu, (_, sep: string, c: string) => sep + c.toLocaleUpperCase('nb')) : s);

/** The same terms in the form the text is matched in (a KnownDetails made elsewhere may not be). */
function normaliseKnown(k: KnownDetails): KnownDetails {
  const f = (xs: string[]) => [...new Set(xs.map(normaliseTerm).filter(Boolean))];
  return { names: f(k.names), emails: f(k.emails), phones: k.phones, workplaces: f(k.workplaces) };
}

export const NO_KNOWN_DETAILS: KnownDetails = { names: [], emails: [], phones: [], workplaces: [] };

/** The parts of people's identities worth looking for. */
export function knownDetails(identities: { name: string; email: string; phone: string; workplace: string }[]): KnownDetails {
  const out: KnownDetails = { names: [], emails: [], phones: [], workplaces: [] };
  for (const id of identities) {
    // A zero-width space stands where a space was ("Ola\u200bNordvik" is Ola and Nordvik).
    const name = asWritten(normaliseTerm(id.name.replace(/\u200b/gu, ' ')));
    // The whole name, each word ("Per-Arne"), and each part of a hyphenated word ("Arne").
    if (name) out.names.push(name, ...[...name.split(/\s+/u), ...name.split(/[\s-]+/u)].filter((p) => NAME_PART.test(p)));
    const email = normaliseTerm(id.email);
    if (email) out.emails.push(email);
    const digits = id.phone.replace(/\D/g, '').replace(/^(?:0047|47)(?=\d{8}$)/, '');
    if (digits.length >= 5) out.phones.push(digits);
    const workplace = asWritten(normaliseTerm(id.workplace.replace(/\u200b/gu, ' ')));
    if (workplace && !ORGANISATION_WORDS.has(workplace.toLocaleLowerCase('nb'))) {
      out.workplaces.push(workplace);
      // "Arbeidsgiverne på Klepp": the place in "NAV Klepp" identifies on its own.
      out.workplaces.push(...workplace.split(/[\s,/-]+/u).filter((p) => p.length >= 3 && /^\p{Lu}/u.test(p) && !ORGANISATION_WORDS.has(p.toLocaleLowerCase('nb'))));
    }
  }
  const uniq = (xs: string[]) => [...new Set(xs)];
  return { names: uniq(out.names), emails: uniq(out.emails), phones: uniq(out.phones), workplaces: uniq(out.workplaces) };
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Not inside a word: letters and digits of any script count as word characters. */
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
/** Straight, typographic and modifier apostrophes are one and the same in a name. */
const APOSTROPHES = "'’ʼ";
/** The first letter as written, the rest in any case ("Kari", "KARI"; not "kari"). */
function capitalised(term: string): string {
  const [first = '', ...rest] = [...term];
  const any = (c: string) => (APOSTROPHES.includes(c) ? `[${APOSTROPHES}]` : c.toLowerCase() !== c.toUpperCase() ? `[${c.toLowerCase()}${c.toUpperCase()}]` : escape(c));
  return escape(first) + rest.map(any).join('');
}
/** Every letter in any case: for key-list terms that are no ordinary word ("oxaal" typed in haste is Oxaal). */
function anyCase(term: string): string {
  return [...term].map((c) => (APOSTROPHES.includes(c) ? `[${APOSTROPHES}]` : c.toLowerCase() !== c.toUpperCase() ? `[${c.toLowerCase()}${c.toUpperCase()}]` : escape(c))).join('');
}
/**
 * A key-list term as a pattern: with its capital when any word of it is also an ordinary
 * word ("Lie", "Berg", "Per": only the capitalised one is the name), in any case when none
 * is (a transcript typed fast, or a draft, may write "brynjulf oxaal").
 */
function keyListForm(L: Lexicon): (term: string) => string {
  return (term) => (term.split(/[\s'’ʼ-]+/u).some((w) => w !== '' && L.ordinary(w.toLowerCase())) ? capitalised(term) : anyCase(term));
}
/** What people put between groups of digits: space, no-break and thin spaces, dot, dash. */
const SEP = '[ .\\-\\u00A0\\u202F\\u2009]';
/** Digits with separators between them, as people write phone numbers. */
const spacedDigits = (digits: string): string => digits.split('').join(`${SEP}?`);

interface Pattern {
  kind: DeidKind;
  re: RegExp;
  source: 'keylist' | 'pattern';
}

function patterns(known: KnownDetails): Pattern[] {
  const out: Pattern[] = [];
  // Longest first, so "Kari Nordmann" wins over "Kari".
  const alt = (xs: string[], form: (x: string) => string = escape) => [...xs].sort((a, b) => b.length - a.length).map(form).join('|');
  // Names and places keep their capital: many Norwegian surnames and places are also
  // words ("Lie", "Berg", "Time"), and in running text only the capitalised one is the name.
  // A name may take the genitive -s ("Karis kontor").
  const form = known.names.length + known.workplaces.length > 0 ? keyListForm(lexicon()) : capitalised;
  if (known.names.length) out.push({ kind: 'name', source: 'keylist', re: new RegExp(`${B}(?:${alt(known.names, form)})[sS]?${E}`, 'gu') });
  if (known.workplaces.length) out.push({ kind: 'workplace', source: 'keylist', re: new RegExp(`${B}(?:${alt(known.workplaces, form)})${E}`, 'gu') });
  if (known.emails.length) out.push({ kind: 'email', source: 'keylist', re: new RegExp(`${B}(?:${alt(known.emails)})${E}`, 'giu') });
  for (const p of known.phones) out.push({ kind: 'phone', source: 'keylist', re: new RegExp(`(?<!\\d)(?:\\+?47${SEP}?)?${spacedDigits(p)}(?!\\d)`, 'gu') });
  out.push({ kind: 'email', source: 'pattern', re: /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu });
  // Norwegian numbers: 8 digits starting with 2-9 (so no date or time of day starting
  // 0 or 1), with an optional +47, grouped as people write them: 3-2-3 or 4-2-2 or 4-4
  // with any separators, 2-2-2-2 with a separator in every gap or none (21.02.2021 is a
  // date). Not: two years (2019-2021), an ISO date (2021-12-24), a time span
  // (22.30-23.30). A colon before is fine ("tlf:41234567"), after a digit it is a time.
  const S = `${SEP}?`;
  const NS = SEP;
  out.push({
    kind: 'phone',
    source: 'pattern',
    re: new RegExp(
      `(?<![\\d#-])(?<!\\d:)(?:\\+47${S})?(?!\\d\\d[.:]\\d\\d[-–]\\d\\d[.:]\\d\\d)(?!(?:19|20)\\d\\d${S}(?:19|20)\\d\\d(?!\\d))(?!(?:19|20)\\d\\d[-./]\\d\\d[-./]\\d\\d)` +
        `(?:[2-9]\\d{2}${S}\\d{2}${S}\\d{3}|[2-9]\\d{3}${S}\\d{2}${S}\\d{2}|[2-9]\\d{3}${S}\\d{4}|[2-9]\\d${NS}\\d{2}${NS}\\d{2}${NS}\\d{2}|[2-9]\\d{7})(?![\\d#:-])`,
      'gu',
    ),
  });
  // Fødselsnummer: 6 digits of birth date and 5 more, perhaps with a space.
  out.push({ kind: 'national-id', source: 'pattern', re: /(?<!\d)[0-7]\d[01]\d{3}[ -]?\d{5}(?!\d)/gu });
  return out;
}

/** The first of `sorted` (by start, not overlapping each other) that overlaps [start, end). */
function firstOverlap<T extends { start: number; end: number }>(sorted: readonly T[], start: number, end: number): T | undefined {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]!.end <= start) lo = mid + 1;
    else hi = mid;
  }
  const x = sorted[lo];
  return x && x.start < end ? x : undefined;
}

/** A finding in the normalised text, before it is mapped back. */
interface Raw {
  start: number;
  end: number;
  kind: DeidKind;
  source: 'keylist' | 'pattern';
  confidence: DeidConfidence;
}

const NARROWING = new Set<DeidKind>(NARROWING_KINDS);

/**
 * Every identifying detail found in `text`, in order, without overlaps (the longer
 * match wins, a key-list match over a pattern; a narrowing fact gives way to a name or
 * place inside it). Terms in `kept` (compared without regard to case) were marked as not
 * identifying and are left out.
 *
 * Pure: the text, what the key list knows (none after the end), and the kept terms; the
 * word lists are the app's own files. Used on transcripts and, by analysis, on memos and
 * the names of codes and themes.
 *
 * Matching runs on one form of the text (deidentify-normalise.ts: characters that show
 * nothing removed, NFKC, one kind of space), so an invisible character or a fullwidth
 * letter cannot hide a name; each finding's positions and text are the stored text's.
 */
export function findIdentifiers(text: string, known: KnownDetails = NO_KNOWN_DETAILS, kept: readonly string[] = [], keptForKeyList: readonly string[] = kept): DeidFinding[] {
  // toLowerCase, not toLocaleLowerCase('nb'): the same for these letters, and far faster over thousands of findings.
  const keep = new Set(kept.map((k) => normaliseTerm(k).toLowerCase()));
  // A term judged for what the word lists found ("Lund", the Swedish town) does not hide
  // what the key list finds ("Lund", a participant added later): that needs a judgement
  // of its own (the project's choices keep the two apart; other callers pass one list).
  const keepKeyList = keptForKeyList === kept ? keep : new Set(keptForKeyList.map((k) => normaliseTerm(k).toLowerCase()));
  const kept_ = (f: Raw, start: number, end: number): boolean => {
    const set = f.source === 'keylist' ? keepKeyList : keep;
    return set.size > 0 && set.has(n.text.slice(start, end).toLowerCase());
  };
  const n = normalise(text);
  const raw: Raw[] = [];
  for (const p of patterns(normaliseKnown(known))) {
    if (p.kind === 'email' && !n.text.includes('@')) continue;
    for (const m of n.text.matchAll(p.re)) raw.push({ start: m.index, end: m.index + m[0].length, kind: p.kind, source: p.source, confidence: 'high' });
  }
  for (const d of findDetails(n.text)) raw.push({ ...d, source: 'pattern' });

  raw.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start) || (a.source === 'keylist' ? -1 : 1));
  const firm: Raw[] = [];
  for (const f of raw) {
    if (NARROWING.has(f.kind)) continue;
    const prev = firm.at(-1);
    if (prev && f.start < prev.end) continue;
    if (kept_(f, f.start, f.end)) continue;
    firm.push(f);
  }
  const all = [...firm];
  for (const f of raw) {
    if (!NARROWING.has(f.kind)) continue;
    // A narrowing fact stops before the first name or place inside it ("den eneste
    // sosionomen i [Sandnes]"), so both can be replaced.
    const inside = firstOverlap(firm, f.start, f.end);
    let end = f.end;
    if (inside) {
      if (inside.start <= f.start) continue;
      end = f.start + n.text.slice(f.start, inside.start).replace(/(?:\s+(?:i|på|fra|til|ved|for|med))?[\s,]*$/u, '').length;
      if (end - f.start < 6) continue;
    }
    if (kept_(f, f.start, end)) continue;
    all.push({ ...f, end });
  }
  all.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: DeidFinding[] = [];
  for (const f of all) {
    const prev = out.at(-1);
    const [start, end] = back(n, f.start, f.end);
    if (prev && start < prev.end) continue;
    out.push({ start, end, kind: f.kind, text: text.slice(start, end), source: f.source, confidence: f.confidence });
  }
  // Characters that show nothing can hide a name from every check, this one too: each run is listed.
  const mapped = [...out];
  for (const [start, end] of invisibleRuns(text)) {
    if (firstOverlap(mapped, start, end)) continue;
    out.push({ start, end, kind: 'invisible', text: text.slice(start, end), source: 'pattern', confidence: 'high' });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** What a finding of `kind` is replaced with: Hvelv's label in the user's language; invisible characters by nothing. */
export function placeholderFor(kind: DeidKind, locale: Locale): string {
  return kind === 'invisible' ? '' : translate(locale, `deid.placeholder.${kind}`);
}

/** Kinds replaced unless the user says otherwise: not the narrowing facts, which identify only together. */
export const replacedByDefault = (kind: DeidKind): boolean => !NARROWING.has(kind);

export interface Replacement {
  start: number;
  end: number;
  /** The text the user saw there: a stale view must not replace the wrong words. */
  expected: string;
  with: string;
}

const WORD_CHAR = /[\p{L}\p{N}]/u;
const BRACKETED = /\[[^[\]\n]{1,40}\]/gu;

/**
 * A test of whether replacing [start, end) of `text` only takes words out: it covers
 * whole words (no letter or digit just outside it, at least one inside) and does not
 * touch one of `placeholders` already in the text. Then each word can be replaced once
 * and nothing can be built out of pieces of placeholders. The text is scanned once,
 * however many spans are tested (a 5 MB transcript can have tens of thousands).
 */
export function removalSpans(text: string, placeholders: ReadonlySet<string>): (start: number, end: number) => boolean {
  const ours: [number, number][] = [];
  for (const m of text.matchAll(BRACKETED)) if (placeholders.has(m[0])) ours.push([m.index, m.index + m[0].length]);
  return (start, end) => {
    if (start < 0 || end > text.length || end <= start) return false;
    if (WORD_CHAR.test(text.charAt(start - 1)) || WORD_CHAR.test(text.charAt(end))) return false;
    if (!WORD_CHAR.test(text.slice(start, end))) return false;
    // The first placeholder ending at or after `start` is the only one that can touch the span.
    let lo = 0;
    let hi = ours.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ours[mid]![1] < start) lo = mid + 1;
      else hi = mid;
    }
    return !(lo < ours.length && ours[lo]![0] <= end);
  };
}

/** Apply replacements (non-overlapping, each checked against what it replaces); null when any no longer matches. */
export function applyReplacements(text: string, replacements: readonly Replacement[]): string | null {
  const sorted = [...replacements].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const r of sorted) {
    if (r.start < at || r.end <= r.start || r.end > text.length || text.slice(r.start, r.end) !== r.expected) return null;
    out += text.slice(at, r.start) + r.with;
    at = r.end;
  }
  return out + text.slice(at);
}
