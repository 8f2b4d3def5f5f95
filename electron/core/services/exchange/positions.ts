/**
 * Positions in exchanged text are Unicode code points (what QDA-XML means by a
 * character), while JavaScript strings count UTF-16 units: an emoji is one position
 * in the file and two units in a string. Everything here counts code points, so that
 * difference never reaches a file.
 *
 * Two changes move positions: line endings (CRLF is two code points, LF one) and
 * Unicode normalisation (`a` + combining ring, two code points, composes to `å`, one).
 * Each is described as a list of changed ranges, through which a position is mapped.
 * Counting uses shared/analysis-text.ts, the one code point helper core and renderer share.
 */

import { codePointLength, TextPositions } from '../../../../shared/analysis-text';

export { codePointLength, TextPositions };

/** The text between two code point positions (clamped to the text). */
export function sliceCodePoints(s: string, start: number, end: number, pos = new TextPositions(s)): string {
  return pos.slice(start, end);
}

/** A range of the old text `[from, to)` that became `[newFrom, newTo)` of the new one. */
interface Change {
  from: number;
  to: number;
  newFrom: number;
  newTo: number;
}

/**
 * How positions move from one text to another. A position inside a changed range
 * (between `a` and its combining ring, between CR and LF) has no exact counterpart:
 * a start moves to the beginning of the change and an end to its end, so a coded
 * range never shrinks off the text it coded.
 */
export class PositionMap {
  constructor(private readonly changes: readonly Change[]) {}

  static readonly identity = new PositionMap([]);

  get isIdentity(): boolean {
    return this.changes.length === 0;
  }

  map(cp: number, side: 'start' | 'end'): number {
    const list = this.changes;
    // The last change starting at or before cp.
    let lo = 0;
    let hi = list.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.from <= cp) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (at < 0) return cp;
    const c = list[at]!;
    if (cp === c.from) return c.newFrom;
    if (cp < c.to) return side === 'start' ? c.newFrom : c.newTo;
    return cp - c.to + c.newTo;
  }
}

/**
 * Text as transcripts are stored (LF line endings, composed letters: NFC) and the map
 * from positions in the given text to positions in the stored one.
 */
export function normaliseWithMap(text: string): { text: string; map: PositionMap } {
  const target = text.replace(/\r\n?/g, '\n').normalize('NFC');
  if (target === text) return { text, map: PositionMap.identity };
  // Normalise piece by piece, a piece being a base character with the marks that follow
  // it (or a CRLF), so each change is small and positions outside it move exactly.
  const byCluster = mapPieces(text, /\r\n|\r|\P{M}\p{M}*|\p{M}+/gsu);
  if (byCluster.text === target) return byCluster;
  // Composition across base characters (Hangul jamo, a few scripts) makes pieces differ
  // from the whole; lines never compose with each other, so lines are exact.
  const byLine = mapPieces(text, /\r\n|\r|[^\r\n]+|\n/gu);
  return { text: target, map: byLine.map };
}

function mapPieces(text: string, pieces: RegExp): { text: string; map: PositionMap } {
  const changes: Change[] = [];
  let out = '';
  let oldCp = 0;
  let newCp = 0;
  for (const m of text.matchAll(pieces)) {
    const piece = m[0];
    const norm = piece === '\r\n' || piece === '\r' ? '\n' : piece.normalize('NFC');
    const oldLen = codePointLength(piece);
    const newLen = norm === piece ? oldLen : codePointLength(norm);
    if (norm !== piece) changes.push({ from: oldCp, to: oldCp + oldLen, newFrom: newCp, newTo: newCp + newLen });
    out += norm;
    oldCp += oldLen;
    newCp += newLen;
  }
  return { text: out, map: new PositionMap(changes) };
}

/**
 * LF text written with CRLF line endings (MAXQDA on Windows wants them), and the map
 * from LF positions to CRLF positions: each position moves by the line breaks before it.
 */
export function toCrlf(text: string): { text: string; map: PositionMap } {
  const changes: Change[] = [];
  let cp = 0;
  let shift = 0;
  for (const ch of text) {
    if (ch === '\n') {
      changes.push({ from: cp, to: cp + 1, newFrom: cp + shift, newTo: cp + shift + 2 });
      shift++;
    }
    cp++;
  }
  return { text: text.replace(/\n/g, '\r\n'), map: new PositionMap(changes) };
}
