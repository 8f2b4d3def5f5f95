/**
 * One form of text for matching, with the way back to the stored text. A name can hide
 * from a check behind characters that show nothing (a zero-width space or a soft hyphen
 * pasted from a web page or a PDF), behind compatibility forms (fullwidth "Ｏｌａ") or
 * behind unusual spaces; the key list and the transcript are both brought to one form
 * before matching: default-ignorable characters removed, NFKC, every run of whitespace one
 * space (a newline where the run holds one, since lines are turns). The stored text is
 * never changed by this: each finding is mapped back to the positions it came from.
 */

/** Characters that show nothing (Unicode's Default_Ignorable_Code_Point). */
export const INVISIBLE = /\p{Default_Ignorable_Code_Point}/u;
const INVISIBLE_CP = /^\p{Default_Ignorable_Code_Point}$/u;
const MARK = /^\p{M}$/u;
/** White space, and the Braille blank (U+2800), which shows as a space and is none. */
const SPACE = /^[\s\u2800]$/u;

export interface Normalised {
  text: string;
  /** For each UTF-16 unit of `text`: where in the source the character it came from starts ... */
  from: Int32Array;
  /** ... and ends. */
  to: Int32Array;
}

/** Letters whose NFKC form is themselves: ASCII (but controls and spaces go the other way) and Latin-1/Latin Extended letters. */
const identity = (c: number): boolean => (c > 0x20 && c < 0x7f) || (c >= 0xc0 && c < 0x250 && c !== 0xd7 && c !== 0xf7) || c === 0x0a;

/**
 * Cyrillic and Greek letters that look like Latin ones, as Latin: a name pasted from a
 * web page or typed on a Cyrillic keyboard layout ("Оxaal" with a Cyrillic О) reads as
 * Oxaal to everyone but a string comparison. One UTF-16 unit each way, so positions stay.
 */
const LOOKALIKES: Record<string, string> = Object.fromEntries(
  [
    // Cyrillic
    'аa', 'еe', 'оo', 'рp', 'сc', 'уy', 'хx', 'іi', 'јj', 'ѕs', 'ԁd', 'ԛq', 'ԝw', 'һh', 'ӏl', 'үy',
    'АA', 'ВB', 'ЕE', 'КK', 'МM', 'НH', 'ОO', 'РP', 'СC', 'ТT', 'ХX', 'УY', 'ІI', 'ЈJ', 'ЅS', 'ԚQ', 'ԜW', 'ҮY', 'ҺH', 'ӀI',
    // Greek
    'ΑA', 'ΒB', 'ΕE', 'ΖZ', 'ΗH', 'ΙI', 'ΚK', 'ΜM', 'ΝN', 'ΟO', 'ΡP', 'ΤT', 'ΥY', 'ΧX', 'οo', 'νv', 'ιi', 'κk', 'ρp',
  ].map((p) => [p[0]!, p.at(-1)!]),
);
const NON_LATIN_LOOKALIKE = /[\u0370-\u03ff\u0400-\u052f]/u;
const WORD_WITH_INVISIBLES = /[\p{L}\p{M}\p{Default_Ignorable_Code_Point}]+/gu;
const LATIN = /\p{Script=Latin}/u;
const CYRILLIC_OR_GREEK = /[\p{Script=Cyrillic}\p{Script=Greek}]/u;

/**
 * The look-alikes of words that mix Latin with Cyrillic or Greek, folded to Latin. A word
 * all in one script is left as it is: "Олександр" is a name in Cyrillic, and the check
 * finds it as one.
 */
export function foldLookalikes(s: string): string {
  if (!NON_LATIN_LOOKALIKE.test(s)) return s;
  return s.replace(WORD_WITH_INVISIBLES, (w) => (LATIN.test(w) && CYRILLIC_OR_GREEK.test(w) ? [...w].map((c) => LOOKALIKES[c] ?? c).join('') : w));
}

export function normalise(input: string): Normalised {
  const source = foldLookalikes(input);
  const n = source.length;
  const from = new Int32Array(n * 2 + 8);
  const to = new Int32Array(n * 2 + 8);
  // Pieces joined once at the end: reading the last character of a string built by
  // += flattens it every time, which made a 60 000-character text cost seconds.
  const parts: string[] = [];
  let last = -1;
  let len = 0;
  const push = (s: string, a: number, b: number): void => {
    for (let k = 0; k < s.length; k++) {
      if (len >= from.length) throw new Error('normalised text longer than expected');
      from[len] = a;
      to[len] = b;
      len++;
    }
    parts.push(s);
    last = s.charCodeAt(s.length - 1);
  };
  let i = 0;
  while (i < n) {
    const c = source.codePointAt(i)!;
    const w = c > 0xffff ? 2 : 1;
    const ch = source.slice(i, i + w);
    const next = i + w < n ? source.codePointAt(i + w)! : -1;
    const nextIsMark = next >= 0x300 && MARK.test(String.fromCodePoint(next));
    if (c === 0x0a || (c < 0x80 ? c === 0x20 || (c >= 0x09 && c <= 0x0d) : SPACE.test(ch))) {
      const nl = c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029 || c === 0x85;
      if (len > 0 && (last === 0x20 || last === 0x0a)) {
        // One space (or newline) for the whole run.
        to[len - 1] = i + w;
        if (nl && last === 0x20) {
          parts[parts.length - 1] = `${parts.at(-1)!.slice(0, -1)}\n`;
          last = 0x0a;
        }
      } else push(nl ? '\n' : ' ', i, i + w);
      i += w;
      continue;
    }
    if (!nextIsMark && identity(c)) {
      // A run of characters that stay as they are, in one piece.
      let j = i + 1;
      while (j < n) {
        const d = source.charCodeAt(j);
        if (!identity(d) || d === 0x0a) break;
        const e = j + 1 < n ? source.charCodeAt(j + 1) : 0;
        if (e >= 0x300 && MARK.test(source[j + 1]!)) break;
        j++;
      }
      for (let k = i; k < j; k++) {
        from[len] = k;
        to[len] = k + 1;
        len++;
      }
      parts.push(source.slice(i, j));
      last = source.charCodeAt(j - 1);
      i = j;
      continue;
    }
    if (c >= 0xad && INVISIBLE_CP.test(ch)) {
      i += w;
      continue;
    }
    // A letter and the marks on it, normalised together; every unit that comes out
    // points at the whole cluster.
    let j = i + w;
    while (j < n) {
      const d = source.codePointAt(j)!;
      const dw = d > 0xffff ? 2 : 1;
      const dc = source.slice(j, j + dw);
      if (MARK.test(dc) || INVISIBLE_CP.test(dc)) j += dw;
      else break;
    }
    const cluster = [...source.slice(i, j)].filter((x) => !INVISIBLE_CP.test(x)).join('');
    push(cluster.normalize('NFKC'), i, j);
    i = j;
  }
  return { text: parts.join(''), from: from.subarray(0, len), to: to.subarray(0, len) };
}

/** A term (from the key list, or a kept word) in the same one form, without the way back. */
export function normaliseTerm(term: string): string {
  return normalise(term).text.trim();
}

/** The source range of [start, end) in the normalised text. */
export function back(n: Normalised, start: number, end: number): [number, number] {
  return [n.from[start]!, n.to[end - 1]!];
}

/** Emoji are built with joiners and variation selectors: those are not hiding anything. */
const PICTO = /\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}/u;

/**
 * Runs of characters that show nothing, in the stored text: [start, end) each. Left out:
 * a byte-order mark at the very start (a file's, harmless), and the joiners, variation
 * selectors and tags that build emoji.
 */
export function invisibleRuns(source: string): [number, number][] {
  const out: [number, number][] = [];
  const re = /\p{Default_Ignorable_Code_Point}+/gu;
  for (const m of source.matchAll(re)) {
    const start = m.index;
    const end = start + m[0].length;
    if (start === 0 && m[0] === '\ufeff') continue;
    const before = [...source.slice(Math.max(0, start - 2), start)].at(-1) ?? '';
    const after = [...source.slice(end, end + 2)][0] ?? '';
    const emoji = PICTO.test(before) && (/^(?:\u200d|\ufe0e|\ufe0f|[\u{e0020}-\u{e007f}])+$/u.test(m[0]) || PICTO.test(after));
    // "❤\ufe0f": a variation selector after a symbol chooses how it is drawn.
    const selector = /^(?:\ufe0e|\ufe0f)+$/u.test(m[0]) && before !== '' && !/[\p{L}\p{N}]/u.test(before);
    if (emoji || selector) continue;
    out.push([start, end]);
  }
  return out;
}
