/**
 * Identifying details the key list does not know: other people's names, places,
 * workplaces and institutions, and narrowing facts (ages, dates of events, "the only
 * one ..."). Interviews name bosses, children, clients, towns and schools; after the end
 * date the key list is gone and this is all the check has.
 *
 * Works on text already normalised (deidentify-normalise.ts) and needs nothing but the
 * word lists: no key list, no network. Norwegian writes only proper nouns with a capital
 * inside a sentence, so a capitalised word there that is not an ordinary word is taken
 * for a name or a place; at the start of a sentence or turn, where every word has a
 * capital, only words the name and place lists know (and that are not also ordinary
 * words) are. Titles and kinship words ("fru Haugen", "sjefen min, Arne") and place
 * prepositions ("i Kvassheimfjorden") say what the next word is even when it is also a word.
 */
import type { DeidConfidence, DeidKind } from '../../../../shared/domain';
import { lexicon, type Lexicon } from './lexicon';

export interface Detail {
  start: number;
  end: number;
  kind: DeidKind;
  confidence: DeidConfidence;
}

// toLowerCase, not toLocaleLowerCase('nb'): the same for Norwegian letters, and many times faster.
const lower = (s: string): string => s.toLowerCase();

/** Words that begin turns and sentences and are never names, even where a list has them ("Per", "Jo" are names too). */
const NEVER = new Set(
  (
    'ja nei jo joda jada neida nja nåja hm hmm mhm mm øh eh ehm æh okei ok oki greit javisst jaha åja å ah oi uff huff ' +
    'jeg eg je æ du han hun ho vi me de dem dere deg meg seg oss det den dette disse du dokker dykk ' +
    'januar februar mars april mai juni juli august september oktober november desember ' +
    'mandag tirsdag onsdag torsdag fredag lørdag søndag måndag tysdag laurdag sundag ' +
    'gud herregud jesus jul påske pinse nyttår'
  ).split(' '),
);
/** Abbreviations whose full stop does not end a sentence. */
const ABBREVIATIONS = new Set(['dr', 'fr', 'hr', 'st', 'nr', 'ca', 'kl', 'bl.a', 'f.eks', 'mht', 'jf', 'ev', 'evt', 'osv', 'prof', 'adv']);
/** Before a name: titles, kinship and roles ("fru Haugen", "datteren min Ingrid", "sjefen min, Arne"). */
const TITLES = new Set(
  (
    'fru frøken herr frk hr dr doktor professor pastor prest sogneprest rektor ordfører advokat ' +
    'sjefen sjefen lederen avdelingslederen nestlederen kollegaen kollega kollegene naboen nabo mannen kona kone ektemannen samboeren kjæresten ' +
    'datteren dattera dotter dottera sønnen sonen broren bror søsteren søstera syster mora moren mor faren far fars mors ' +
    'bestemor bestefar mormor morfar farmor farfar onkel tante fetter kusine nevø niese svigermor svigerfar svogeren ' +
    'venninna venninnen venninne vennen venn kameraten barnet gutten jenta jentungen ' +
    'veilederen rådgiveren legen fastlegen psykologen saksbehandleren terapeuten kontaktpersonen brukeren klienten deltakeren kandidaten ' +
    'arbeidsgiveren mentoren læreren kontaktlæreren eleven sjef leder'
  ).split(' '),
);
const POSSESSIVES = new Set(['min', 'mi', 'mitt', 'mine', 'din', 'di', 'hans', 'hennes', 'vår', 'vår', 'deres', 'sin', 'si']);
/** Before a place. */
const PLACE_PREPOSITIONS = new Set(['i', 'på', 'fra', 'frå', 'til', 'ved', 'utenfor', 'utanfor', 'nær', 'mot', 'gjennom', 'innom', 'rundt', 'forbi', 'bortover', 'oppe', 'nede']);
/** Prepositions that only places take ("i Obrestad"; a person is never "i"). */
const IN_PREPOSITIONS = new Set(['i', 'ved', 'utenfor', 'utanfor', 'nær', 'rundt', 'oppe', 'nede', 'bortover', 'gjennom']);
/** Verbs of moving and living: the preposition after them leads to a place ("flyttet til", "bodde på"). */
const MOTION = new Set(
  ('flyttet flytta flytter flytte kjørte kjører reiste reiser dro drog drar kom kommer bodde bor budde vokste opp født fødd jobbet jobber jobba arbeidet arbeider ute hjemme ned opp inn ut over videre tilbake hjem dit ' +
    'butikken gården garden hytta huset kontoret jobben skolen leiligheten hjemme oppvokst').split(' '),
);
/** Words that begin a place's name ("Ytre Snørvik", "Nedre Eiker"). */
const PLACE_PREFIX = new Set(['ytre', 'indre', 'nedre', 'øvre', 'nordre', 'søndre', 'vestre', 'østre', 'store', 'lille', 'gamle', 'nye', 'øvste', 'austre', 'nord', 'sør', 'vest', 'øst']);
/** Between a preposition and a place: "i hele Gausel", "på selve Madla". */
const PLACE_WORDS = new Set(['hele', 'heile', 'selve', 'sjølve', 'nedre', 'øvre', 'indre', 'ytre', 'sentrum', 'sentrale']);
/** Verbs (and "og") that follow a subject at the start of a sentence. */
const SUBJECT_VERBS = new Set(
  'sa sier seier var er har hadde kom kommer ringte ringer husker hugsar mente meiner syntes synes ville vil skulle skal kunne kan måtte må gikk går fikk får tok tar bestemte jobbet jobber bodde bor flyttet sluttet begynte døde'.split(' '),
);
/** "Lund og Berg eide gården": two capitalised words joined make both names; "Liv og helse" does not. */
const AND = new Set(['og', 'eller', 'å']);
/**
 * Endings of Norwegian place names. Strong: a natural feature or a street in the definite
 * form ("Kvassheimfjorden", "Solbakken"), seldom a surname. Weak: endings that many
 * surnames share (Birkeland, Solheim, Aarstad): a place only after a place preposition.
 */
const STRONG_PLACE_SHAPE =
  /(?:fjorden|dalen|vika|viken|vågen|bygda|sundet|neset|øya|øyene|lia|stranda|byen|setra|marka|vollen|åsen|holmen|havn|hamn|elva|vatnet|vannet|fjellet|bakken|torget|gata|gate|veien|vegen|vei|veg|berget|sjøen|toppen|kollen|skogen|kroken|brygga|bukta|odden|tunet|myra|myrene|heia|nuten|fossen|vassdraget)$/u;
const PLACE_SHAPE = new RegExp(`(?:${STRONG_PLACE_SHAPE.source.slice(4, -2)}|fjord|dal|vik|våg|stad|heimen|heim|bygd|sund|nes|øy|haugen|li|strand|land|landet|rud|by|seter|mark|voll|ås|holm|elv|vatn|fjell|lund|moen|sand|hagen|tun)$`, 'u');
/** Words that follow a name of a workplace or an institution ("Kvassheim skole", "Oxaal Bygg AS"). */
const INSTITUTION_AFTER = new Set(
  (
    'skole skolen skule skulen barneskole barneskolen ungdomsskole ungdomsskolen barnehage barnehagen barnehagar sykehjem sykehjemmet sjukeheim sjukeheimen ' +
    'legekontor legekontoret legesenter legesenteret helsesenter helsestasjon helsestasjonen omsorgssenter kommune kommunes kommunen fylkeskommune ' +
    'sykehus sykehuset sjukehus sjukehuset kirke kirken kyrkje menighet menighet bibliotek biblioteket idrettslag fotballklubb ' +
    'bygg transport eiendom regnskap rør elektro senter senteret hotell bakeri kafé kafe butikk verksted verkstedet ' +
    'videregående vgs dps bup mottak asylmottak fengsel fengsel fengselet bo- arbeidssenter'
  ).split(' '),
);
/** Company and club suffixes, as written ("sa" is also "said"). */
const SUFFIXES = new Set(['AS', 'ASA', 'SA', 'ANS', 'DA', 'IL', 'FK', 'BIL', 'SK']);
/** Institutions named with a place after them ("Universitetet i Stavanger", "Helse Bergen"). */
const INSTITUTION_BEFORE = new Set(
  (
    'universitetet høgskolen høgskulen sykehuset sjukehuset helse statsforvalteren fylkesmannen politiet politistasjonen tingretten lagmannsretten fengselet ' +
    'barnevernet barneverntjenesten bufetat kriminalomsorgen kirkens frelsesarmeen nav nav-kontoret fylkeskommunen kommunen'
  ).split(' '),
);

// A word stands between non-word characters; digits count as word characters, so "Kari3"
// or "E6" is one token and never yields a finding ("Kari") that a replacement could not
// take out as a whole word (removalSpans counts letters and digits as word characters).
const WORD = /(?<![\p{L}\p{M}\p{N}])\p{L}[\p{L}\p{M}]*(?:['’ʼ-]\p{L}[\p{L}\p{M}]*)*(?![\p{L}\p{M}\p{N}])/gu;
const UPPER = /^\p{Lu}/u;
const ALL_CAPS = /^[\p{Lu}\p{M}'’ʼ-]+$/u;
const SENTENCE_END = /[.!?:;«»"“”„(…–—\-\n#]/u;

interface Token {
  start: number;
  end: number;
  text: string;
  lower: string;
  /** At the start of a sentence or turn, where every word has a capital. */
  initial: boolean;
  /** Nothing but a space between this word and the one before. */
  joined: boolean;
  /** The word before is a place preposition ("i", "på"). */
  preposition: boolean;
  /** This word (a preposition) follows a verb of moving or living, or a place-like noun: "flyttet til", "butikken på", "fra Kvinesdal til". */
  place: boolean;
  /** The preposition that governs this word, if any ("i" in "i hele Gausel"). */
  prep: string | null;
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let prevEnd = 0;
  for (const m of text.matchAll(WORD)) {
    let word = m[0];
    // "Nordvik-familien": the name is the capitalised part before the hyphen.
    if (word.includes('-')) {
      const parts = word.split('-');
      if (UPPER.test(parts[0]!) && !UPPER.test(parts.at(-1)!)) {
        const keep = parts.findIndex((p, i) => i > 0 && !UPPER.test(p));
        word = parts.slice(0, keep).join('-');
      }
    }
    // Most words follow one space: no need to look at the gap further.
    const gap = m.index - prevEnd === 1 && text.charCodeAt(prevEnd) === 0x20 ? ' ' : text.slice(prevEnd, m.index);
    const prev = out.at(-1);
    let initial = prev === undefined || (gap !== ' ' && SENTENCE_END.test(gap));
    // "f.eks. Oslo", "dr. Lie": the full stop of an abbreviation ends nothing.
    if (initial && prev && /^\.\s*$/u.test(gap) && (ABBREVIATIONS.has(prev.lower) || prev.text.length === 1)) initial = false;
    out.push({ start: m.index, end: m.index + word.length, text: word, lower: lower(word), initial, joined: gap === ' ', preposition: prev !== undefined && gap === ' ' && PLACE_PREPOSITIONS.has(prev.lower),
      place: prev !== undefined && (out.slice(-3).some((x) => MOTION.has(x.lower)) || (UPPER.test(prev.text) && ['fra', 'frå'].includes(out.at(-2)?.lower ?? ''))),
      prep: prev === undefined || gap !== ' ' ? null : PLACE_PREPOSITIONS.has(prev.lower) ? prev.lower : PLACE_WORDS.has(prev.lower) && prev.preposition ? (out.at(-2)?.lower ?? null) : null,
    });
    prevEnd = m.index + m[0].length;
  }
  return out;
}

const genitive = (w: string): string | null => (w.length > 3 && /[sS]$/u.test(w) && !/[sxzSXZ]s$/u.test(w) ? w.slice(0, -1) : null);

interface Judgement {
  kind: 'name' | 'place' | null;
  confidence: DeidConfidence;
}

/** What one capitalised word is, by the lists and by where it stands. */
function judge(L: Lexicon, t: Token, before: Token | undefined, titled: boolean, after?: Token, gapAfter = '', next2?: Token): Judgement {
  const none: Judgement = { kind: null, confidence: 'low' };
  if (t.text.length < 2) return none;
  // Typed in haste or shouted ("torleif", "TORLEIF"): a name only when the name lists know
  // it and it is no ordinary word ("liv", "per" are). Abbreviations ("NAV", "BUP") are in
  // no name list; the key list finds its own names in any case.
  if (!UPPER.test(t.text) || ALL_CAPS.test(t.text)) {
    if (t.text.length < 3 || NEVER.has(t.lower)) return none;
    const title = t.lower.charAt(0).toUpperCase() + t.lower.slice(1);
    if (L.ordinary(t.lower) || !(L.given(title) || L.surname(title) || L.place(title) || L.proper(title))) return none;
    return { kind: L.place(title) && !L.given(title) && !L.surname(title) ? 'place' : 'name', confidence: 'low' };
  }
  if (NEVER.has(t.lower) || L.notName(t.text)) return none;
  const base = genitive(t.text);
  const is = (f: (w: string) => boolean) => f(t.text) || (base !== null && f(base));
  const given = is(L.given);
  const surname = is(L.surname);
  const place = is(L.place);
  const proper = L.proper(t.text);
  const ordinary = L.ordinary(t.lower);
  const shaped = PLACE_SHAPE.test(t.lower);
  const afterPreposition = before !== undefined && !t.initial && before.text === before.lower && (PLACE_PREPOSITIONS.has(before.lower) || (PLACE_WORDS.has(before.lower) && before.preposition));
  // "fru Kolnes", "sjefen min, Arne": a person, whatever else the word is.
  if (titled) return { kind: 'name', confidence: 'high' };
  if (afterPreposition) {
    // "i Ytre Snørvik", "på Nedre Sviland".
    if (PLACE_PREFIX.has(t.lower) && after?.joined && UPPER.test(after.text)) return { kind: 'place', confidence: 'medium' };
    if (place) return { kind: 'place', confidence: 'high' };
    if ((given || surname) && !ordinary) return { kind: 'name', confidence: 'medium' };
    if (ordinary && !proper && !shaped) return none;
    // One is "i" a place, never in a person; "på", "til", "fra" go with both ("hørte på
    // Obrestad", "flyttet til Obrestad"): a place where a verb of moving or living comes
    // before, or the word has a place's shape.
    const governing = PLACE_WORDS.has(before!.lower) ? before! : before!;
    const viaPlace = governing.place || STRONG_PLACE_SHAPE.test(t.lower);
    if (viaPlace || IN_PREPOSITIONS.has(t.prep ?? '')) return { kind: 'place', confidence: 'medium' };
    return { kind: 'name', confidence: 'medium' };
  }
  const listed = given || surname || place || proper;
  if (t.initial) {
    if (ordinary) {
      // "Per i dag", "Berg og dal": a word that is also an ordinary word starts a
      // sentence as a name only when a verb (or "og", or a question mark) follows it
      // directly, since a bare noun seldom starts a Norwegian sentence: "Berg var streng",
      // "Geir?", "Lund og Berg eide gården".
      const verbNext = after !== undefined && after.joined && (SUBJECT_VERBS.has(after.lower) || (AND.has(after.lower) && next2 !== undefined && UPPER.test(next2.text)));
      if (!listed || (!verbNext && !/^\s*\?/u.test(gapAfter))) return none;
      return { kind: place && !given && !surname ? 'place' : 'name', confidence: 'medium' };
    }
    // Not an ordinary word and capitalised: a name the lists do not know ("Oxaal sa").
    if (!listed) return t.text.length >= 3 ? { kind: STRONG_PLACE_SHAPE.test(t.lower) ? 'place' : 'name', confidence: 'low' } : none;
  }
  // A surname that is also a place (Birkeland, Varhaug) is a person here: no place preposition before it.
  if (given || surname) return { kind: 'name', confidence: ordinary ? 'medium' : 'high' };
  if (place) return { kind: 'place', confidence: ordinary ? 'medium' : 'high' };
  if (STRONG_PLACE_SHAPE.test(t.lower)) return { kind: 'place', confidence: 'medium' };
  // A capitalised ordinary word inside a sentence ("sier Vetle"): most likely a name, but it may be a miswritten word.
  return { kind: 'name', confidence: ordinary ? 'low' : 'medium' };
}

const rank: Record<DeidConfidence, number> = { high: 0, medium: 1, low: 2 };
const surer = (a: DeidConfidence, b: DeidConfidence): DeidConfidence => (rank[a] <= rank[b] ? a : b);

export function findDetails(text: string, L: Lexicon = lexicon()): Detail[] {
  const tokens = tokenize(text);
  const out: Detail[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    const prev = tokens[i - 1];
    // A title or kinship word, perhaps with "min" and a comma, before this word.
    const titleAt = (k: number): boolean => {
      const a = tokens[k - 1];
      if (!a) return false;
      if (TITLES.has(a.lower) && a.text === a.lower) return true;
      const b = tokens[k - 2];
      return POSSESSIVES.has(a.lower) && b !== undefined && TITLES.has(b.lower) && b.text === b.lower;
    };

    // Places of more than one word ("Mo i Rana", "Indre Østfold"), wherever they stand.
    const phrase = UPPER.test(t.text) ? L.placePhrases(t.text).find((p) => text.startsWith(p, t.start) && !/[\p{L}\p{N}]/u.test(text.charAt(t.start + p.length))) : undefined;
    let end: number;
    let kind: 'name' | 'place' | 'workplace';
    let confidence: DeidConfidence;
    let j: number;
    if (phrase) {
      end = t.start + phrase.length;
      j = i;
      while (j + 1 < tokens.length && tokens[j + 1]!.start < end) j++;
      kind = 'place';
      confidence = 'high';
    } else {
      // "NAV Sandnes", "Nav Time".
      // An institution with its place after it: "Universitetet i Stavanger".
      const inst = instituteWithPlace(L, tokens, i);
      if (inst) {
        out.push(inst);
        while (i < tokens.length && tokens[i]!.start < inst.end) i++;
        continue;
      }
      const nav = t.lower === 'nav' && (t.text === 'NAV' || t.text === 'Nav');
      const first = nav ? null : judge(L, t, prev, titleAt(i), tokens[i + 1], text.slice(t.end, t.end + 2), tokens[i + 2]);
      if (!nav && !first?.kind) {
        i++;
        continue;
      }
      kind = first?.kind ?? 'workplace';
      confidence = first?.confidence ?? 'high';
      j = i;
      // A run of capitalised words: "Brynjulf Oxaal", "Anne Marie Haugen".
      while (j + 1 < tokens.length && tokens[j + 1]!.joined && j - i < 3) {
        const n = tokens[j + 1]!;
        const next = judge(L, { ...n, initial: false }, tokens[j], false, tokens[j + 2]);
        const capital = UPPER.test(n.text) && !ALL_CAPS.test(n.text) && !NEVER.has(n.lower);
        if (!capital || (!next.kind && !nav)) break;
        // "i Ytre Snørvik" stays a place; "Brynjulf Oxaal" is a name.
        if (next.kind === 'name' && kind !== 'workplace' && !(kind === 'place' && !L.given(n.text))) kind = 'name';
        confidence = surer(confidence, next.confidence);
        j++;
      }
      end = tokens[j]!.end;
    }
    // "Per Hansen" at the start of a turn: "Per" alone was not enough, the run is.
    // (judge() let the first word through already when it was a listed name.)
    // What follows a name may make it a workplace: "Kvassheim skole", "Oxaal Bygg AS".
    let k = j + 1;
    while (k < tokens.length && tokens[k]!.joined && (INSTITUTION_AFTER.has(tokens[k]!.lower) || SUFFIXES.has(tokens[k]!.text)) && k - j <= 3) {
      kind = 'workplace';
      end = tokens[k]!.end;
      k++;
    }
    if (kind === 'workplace' && end === t.end && t.lower === 'nav') {
      // "NAV" alone says nothing about where.
      i++;
      continue;
    }
    out.push({ start: t.start, end, kind, confidence });
    i = k;
  }
  // A listed given name at the start of a sentence that was not flagged because it is
  // also a word ("Per"), when a surname follows: "Per Hansen sa".
  return joinInitialGiven(tokens, out, L).concat(narrowing(text)).sort((a, b) => a.start - b.start);
}

function joinInitialGiven(tokens: Token[], found: Detail[], L: Lexicon): Detail[] {
  const byStart = new Map(found.map((f) => [f.start, f]));
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i]!;
    const n = tokens[i + 1]!;
    const f = byStart.get(n.start);
    if (t.initial && n.joined && f && f.kind === 'name' && L.given(t.text) && !byStart.has(t.start) && !NEVER.has(t.lower)) {
      f.start = t.start;
    }
  }
  return found;
}

function instituteWithPlace(L: Lexicon, tokens: Token[], i: number): Detail | null {
  const t = tokens[i]!;
  const p = tokens[i + 1];
  const place = tokens[i + 2];
  if (!UPPER.test(t.text) || !INSTITUTION_BEFORE.has(t.lower)) return null;
  // "Helse Bergen": directly; "Universitetet i Stavanger": with i/på.
  if (p && p.joined && UPPER.test(p.text) && (L.place(p.text) || !L.ordinary(p.lower)) && t.lower === 'helse') return { start: t.start, end: p.end, kind: 'workplace', confidence: 'high' };
  if (!p || !place || !p.joined || !place.joined || !['i', 'på', 'for'].includes(p.text)) return null;
  if (!UPPER.test(place.text)) return null;
  let end = place.end;
  // "Universitetet i Sørøst-Norge", "Høgskulen på Vestlandet", "Politiet i Agder"; "Sykehuset i Vestfold".
  const q = tokens[i + 3];
  if (q && q.joined && UPPER.test(q.text)) end = q.end;
  return { start: t.start, end, kind: 'workplace', confidence: 'high' };
}

const MONTHS = 'januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember|jan|feb|mar|apr|jun|jul|aug|sep|sept|okt|nov|des';
const SMALL_NUMBERS = 'to|tre|fire|fem|2|3|4|5';
/**
 * Ages as many transcription guides want them, in words: eleven and up ("femtito",
 * "førtifem", "to og femti", nynorsk "tjueein"); below that "er to" is seldom an age.
 */
const UNITS = 'en|ein|ett|eitt|to|tre|fire|fem|seks|sju|syv|åtte|ni';
const TENS = 'tjue|tyve|tretti|tredve|førti|femti|seksti|sytti|søtti|åtti|nitti';
const AGE_WORDS = `(?:(?:${TENS})(?:${UNITS})?|(?:${UNITS}) ?og ?(?:${TENS})|elleve|tolv|tretten|fjorten|femten|seksten|sytten|atten|nitten|hundre)(?![\\p{L}])`;
/**
 * Narrowing facts, all of low confidence: what makes a person one of very few. The
 * patterns are Norwegian, bokmål and nynorsk.
 */
const NARROWING: { kind: DeidKind; re: RegExp }[] = [
  // Born: "født i 1964", "født 3. mars 1964", "fødd i 1970", "årgang 1964".
  { kind: 'age', re: new RegExp(`(?<![\\p{L}])(?:født|fødd)(?: i| den)? (?:\\d{1,2}\\.? ?(?:${MONTHS})\\.? )?(?:(?:19|20)\\d\\d|[-'’]\\d\\d|(?:nitten|tjue)?(?:${TENS})(?:${UNITS})?)(?![\\d\\p{L}])|(?<![\\p{L}])årgang (?:19|20)\\d\\d(?!\\d)`, 'gu') },
  // "52 år gammel", "52 år", after "er/var/blir/fylte ...", "52-åring", "i 40-årene".
  { kind: 'age', re: new RegExp(`(?<![\\p{L}\\d])(?:\\d{1,3}|${AGE_WORDS}) (?:år gam(?:m)?el|år gamle|år gammal|år gamal)(?![\\p{L}])`, 'giu') },
  // Not "det var 3. mars": a day of a month is a date.
  { kind: 'age', re: new RegExp(`(?<![\\p{L}])(?:fylte|fyller|fylt|fyllte|fylde|fyll|er|var|blir|ble|vart|blei|snart|nesten|akkurat) (?:\\d{1,3}(?![\\d.,:]\\d)(?!\\. ?(?:${MONTHS})(?![\\p{L}]))|${AGE_WORDS})(?: år)?(?=[.,;!?)]| og | nå| no| i dag| da| i år| i fjor| i (?:vår|sommar|sommer|høst|haust|vinter)|$)`, 'gu') },
  { kind: 'age', re: /(?<![\p{L}\d])\d{1,3}-åring(?:en|er|ene|ane|ar)?(?![\p{L}])/gu },
  { kind: 'age', re: new RegExp(`(?<![\\p{L}])i (?:(?:tidlig|sein|sen)e |(?:slutten|starten|begynnelsen|midten|byrjinga) av )?(?:\\d0-|${TENS.replace(/\|/gu, '-?|')}-?)åra?ene(?![\\p{L}])`, 'gu') },
  // Dates of events: "3. mars", "3. mars 2021", "03.03.2021", "2021-03-03".
  { kind: 'date', re: new RegExp(`(?<![\\p{L}\\d.])\\d{1,2}\\. ?(?:${MONTHS})(?![\\p{L}])\\.?(?: (?:19|20)\\d\\d(?!\\d))?`, 'gu') },
  { kind: 'date', re: /(?<![\d.])(?:0?[1-9]|[12]\d|3[01])\.(?:0?[1-9]|1[0-2])\.(?:19|20)?\d\d(?!\d|\.\d)|(?<!\d)(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])(?!\d)/gu },
  // Uniqueness: "den eneste mannlige sosionomen i kommunen", "ingen andre", "bare tre ansatte", "vi er fire stykker".
  { kind: 'unique', re: /(?<![\p{L}])(?:den|det|de|dei) (?:eneste|einaste|einaste|første|fyrste) (?!gangen|gongen|dagen|året|uka|veka|tida|tiden|måneden|jeg|eg)[^.!?,\n]{3,60}/giu },
  { kind: 'unique', re: /(?<![\p{L}])(?:eneste|einaste) (?:mannlige|kvinnelige|mannlege|kvinnelege|samiske|utenlandske|ansatte|\p{L}+(?:en|et|a|ene|ane)) (?:i|på|ved|med|som)[^.!?,\n]{1,40}/giu },
  { kind: 'unique', re: /(?<![\p{L}])ingen andre(?: enn| som)?[^.!?,\n]{0,40}/giu },
  { kind: 'unique', re: new RegExp(`(?<![\\p{L}])(?:bare|kun|berre) (?:${SMALL_NUMBERS}) (?:ansatte|tilsette|stykker|stykk|kvinner|menn|damer|karer|personer|folk|av oss|i \\p{L}+|på \\p{L}+|\\p{L}+(?:er|ar|ere|ene|ane))(?![\\p{L}])`, 'giu') },
  { kind: 'unique', re: new RegExp(`(?<![\\p{L}])vi (?:er|var) (?:bare |berre |kun )?(?:${SMALL_NUMBERS}) (?:stykker|stykk|ansatte|tilsette|på (?:kontoret|avdelinga|avdelingen|teamet|huset|jobben))(?![\\p{L}])`, 'giu') },
];

function narrowing(text: string): Detail[] {
  const out: Detail[] = [];
  for (const { kind, re } of NARROWING) for (const m of text.matchAll(re)) out.push({ start: m.index, end: m.index + m[0].trimEnd().length, kind, confidence: 'low' });
  return out;
}
