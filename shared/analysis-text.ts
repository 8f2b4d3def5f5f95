/**
 * Positions in text: analysis stores them as Unicode code points (what a person and a
 * script count: an emoji or a rare name letter outside the BMP is one), JavaScript
 * strings index UTF-16 units. The one place the two are converted; core and renderer
 * both use it, so a segment drawn in the margin covers exactly the text core stored.
 */

const isHigh = (u: number): boolean => u >= 0xd800 && u <= 0xdbff;
const isLow = (u: number): boolean => u >= 0xdc00 && u <= 0xdfff;

/** How many code points `text` has. */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    if (isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1))) i++;
    n++;
  }
  return n;
}

/**
 * Converts positions in one text both ways, fast for many conversions (a transcript
 * with hundreds of segments): it remembers only where the surrogate pairs are.
 */
export class TextPositions {
  /** UTF-16 index of each surrogate pair's first unit, ascending. */
  private readonly pairs: number[] = [];
  readonly codePoints: number;

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      if (isHigh(text.charCodeAt(i)) && isLow(text.charCodeAt(i + 1))) {
        this.pairs.push(i);
        i++;
      }
    }
    this.codePoints = text.length - this.pairs.length;
  }

  /** The UTF-16 index of code point `cp` (0 … codePoints); null when out of range or not a whole number. */
  toUtf16(cp: number): number | null {
    if (!Number.isInteger(cp) || cp < 0 || cp > this.codePoints) return null;
    // Pairs before code point cp: the k-th pair starts at code point pairs[k] - k.
    let lo = 0;
    let hi = this.pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pairs[mid]! - mid < cp) lo = mid + 1;
      else hi = mid;
    }
    return cp + lo;
  }

  /**
   * The code point at UTF-16 index `u` (0 … text.length); null when out of range, not a
   * whole number, or between the two halves of a surrogate pair (no character starts there).
   */
  toCodePoint(u: number): number | null {
    if (!Number.isInteger(u) || u < 0 || u > this.text.length) return null;
    let lo = 0;
    let hi = this.pairs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.pairs[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    // pairs[lo - 1] < u: if that pair's second half is at u, u is inside it.
    if (lo > 0 && this.pairs[lo - 1]! + 1 === u) return null;
    return u - lo;
  }

  /** The text between two code points (clamped to the text). */
  slice(start: number, end: number): string {
    const s = this.toUtf16(Math.max(0, Math.min(start, this.codePoints))) ?? 0;
    const e = this.toUtf16(Math.max(0, Math.min(end, this.codePoints))) ?? this.text.length;
    return this.text.slice(s, e);
  }
}

/** One-off conversions; for many on the same text, make a `TextPositions`. */
export const toUtf16 = (text: string, cp: number): number | null => new TextPositions(text).toUtf16(cp);
export const toCodePoint = (text: string, u: number): number | null => new TextPositions(text).toCodePoint(u);

// ---- Norwegian-aware folding for search -----------------------------------------

/**
 * How one letter is folded: case folded, accents dropped, and the Norwegian letters as
 * people type them without a Norwegian keyboard (å as a or aa, ø as o or oe, æ as ae or
 * a). Both the text and the query are folded the same way, and the two-letter forms
 * (aa, oe, ae) fold to one letter, so "aase", "ase" and "Åse" all become "ase".
 * Whitespace runs become one space.
 */
const LETTER: Record<string, string> = { å: 'a', ø: 'o', æ: 'a', ß: 'ss', đ: 'd', ł: 'l', þ: 'th', œ: 'o' };

function foldChar(ch: string): string {
  const lower = ch.toLowerCase();
  let out = '';
  for (const c of lower) {
    const mapped = LETTER[c];
    if (mapped !== undefined) out += mapped;
    else out += c.normalize('NFD').replace(/\p{M}/gu, '');
  }
  return out;
}

/**
 * A folded text and where each of its characters came from. `origin[i]` is the code
 * point (in the original) that UTF-16 unit i of the folded text came from; `origin[length]` is the
 * original's length, so a folded range [s, e) is the original [origin[s], origin[e]).
 */
export interface Folded {
  text: string;
  origin: Uint32Array;
}

const UTF16 = new TextDecoder('utf-16le');

/** Folded forms of the characters outside ASCII met so far (a text has few distinct ones). */
const FOLD_CACHE = new Map<string, string>();

/**
 * Fold a whole text for searching (see `foldChar`); positions map back through `origin`.
 * Built in typed buffers with a fast path for ASCII: a thesis's 200 interviews are 12
 * million characters, folded on the first search after unlock.
 */
export function foldForSearch(text: string): Folded {
  // At most 3 folded units per UTF-16 unit (ß → ss, þ → th; a ligature expands to 3).
  let out = new Uint16Array(text.length + 16);
  let origin = new Uint32Array(text.length + 17);
  let n = 0;
  let cp = 0;
  /** The code point the last folded unit came from (pairs join only across characters). */
  let lastFrom = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    let f: string | null = null;
    let unit = c;
    if (c < 0x80) {
      if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) unit = 0x20;
      else if (c >= 0x41 && c <= 0x5a) unit = c + 32;
    } else {
      const pair = c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
      const ch = pair ? text.slice(i, i + 2) : text[i]!;
      if (pair) i++;
      f = FOLD_CACHE.get(ch) ?? null;
      if (f === null) {
        f = /\s/u.test(ch) ? ' ' : foldChar(ch);
        FOLD_CACHE.set(ch, f);
      }
      if (f === ' ') {
        unit = 0x20;
        f = null;
      } else if (f.length === 1) {
        unit = f.charCodeAt(0);
        f = null;
      }
    }
    const count = f === null ? 1 : f.length;
    if (n + count >= out.length) {
      const o2 = new Uint16Array(out.length * 2 + 16);
      o2.set(out);
      out = o2;
      const g2 = new Uint32Array(out.length + 1);
      g2.set(origin.subarray(0, n));
      origin = g2;
    }
    for (let k = 0; k < count; k++) {
      const u = f === null ? unit : f.charCodeAt(k);
      if (n > 0) {
        const prev = out[n - 1]!;
        // Any run of whitespace is one space, so a phrase matches across line breaks.
        if (u === 0x20 && prev === 0x20) continue;
        // aa, oe, ae: the first letter stands for both, whichever way it was typed
        // ("Aasen", "Åsen"; "Oeystein", "Øystein"); only across characters.
        if (lastFrom !== cp && ((prev === 0x61 && (u === 0x61 || u === 0x65)) || (prev === 0x6f && u === 0x65))) continue;
      }
      out[n] = u;
      origin[n] = cp;
      n++;
      lastFrom = cp;
    }
    cp++;
  }
  // UTF-16 units to a string in one pass (little-endian: every platform Hvelv runs on).
  // A lone surrogate becomes U+FFFD, one unit for one: positions stay as they are.
  const folded = UTF16.decode(new Uint8Array(out.buffer, 0, n * 2));
  const o = new Uint32Array(n + 1);
  o.set(origin.subarray(0, n));
  o[n] = cp;
  return { text: folded, origin: o };
}

/** Fold a query the same way (no positions needed). */
export const foldQuery = (q: string): string => foldForSearch(q.normalize('NFC')).text;

/**
 * A search query: words (each must occur, at the start of a word) and phrases in double
 * quotes (the words in that order, any whitespace between them). Empty parts are dropped.
 */
export function parseQuery(q: string): { terms: string[]; phrases: string[] } {
  const phrases: string[] = [];
  const rest = q.replace(/["“”«»]([^"“”«»]*)["“”«»]?/g, (_, p: string) => {
    const f = foldQuery(p).trim().replace(/\s+/g, ' ');
    if (f) phrases.push(f);
    return ' ';
  });
  const terms = rest
    .split(/\s+/)
    .map((t) => foldQuery(t).replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter(Boolean);
  return { terms, phrases };
}

/** How a findings chapter cites a quote: "(JS02, 00:14:32)", or "(JS02)" without a timestamp. The report and the supervisor's reader alike. */
export function quoteCitation(s: { participant: string; timestampMs: number | null }): string {
  return s.timestampMs === null ? `(${s.participant})` : `(${s.participant}, ${formatTimestamp(s.timestampMs)})`;
}

/** f4-style time for a report or a hit: "00:14:32". */
export function formatTimestamp(ms: number): string {
  const s = Math.floor(ms / 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor(s / 60) % 60)}:${p(s % 60)}`;
}
