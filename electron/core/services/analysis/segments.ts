/**
 * Segments move with their text. When a transcript is edited (or identifying details
 * are replaced), the old and new texts are compared and every segment's range is
 * carried over; a segment none of whose text is left becomes an orphan, listed for the
 * student to decide, never dropped. Pure functions over code points.
 */
import type { SegmentRecord } from './records';

/** A changed region: old [oldStart, oldEnd) became new [newStart, newEnd). Code points. */
export interface Hunk {
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

/**
 * Above this many edits in one save, the character diff gives way to a line diff (a
 * pasted-over transcript): the cost of Myers' algorithm grows with the square of it.
 */
const MAX_CHAR_EDITS = 2000;
const MAX_LINE_EDITS = 4000;

/** The changed regions between two texts, in order, none touching another. */
export function diffHunks(oldText: string, newText: string): Hunk[] {
  const a = Array.from(oldText);
  const b = Array.from(newText);
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const aMid = a.slice(pre, a.length - suf);
  const bMid = b.slice(pre, b.length - suf);
  if (aMid.length === 0 && bMid.length === 0) return [];
  if (aMid.length === 0 || bMid.length === 0) return [{ oldStart: pre, oldEnd: pre + aMid.length, newStart: pre, newEnd: pre + bMid.length }];
  const chars = myers(aMid, bMid, MAX_CHAR_EDITS);
  if (chars) return shift(semanticCleanup(chars), pre);
  // Too many edits for a character diff: compare lines, which a rewrite keeps apart.
  const aLines = splitLines(aMid);
  const bLines = splitLines(bMid);
  const lines = myers(aLines.map((l) => l.text), bLines.map((l) => l.text), MAX_LINE_EDITS);
  if (!lines) return [{ oldStart: pre, oldEnd: pre + aMid.length, newStart: pre, newEnd: pre + bMid.length }];
  const at = (ls: { start: number }[], i: number, total: number) => (i < ls.length ? ls[i]!.start : total);
  return shift(
    lines.map((h) => ({ oldStart: at(aLines, h.oldStart, aMid.length), oldEnd: at(aLines, h.oldEnd, aMid.length), newStart: at(bLines, h.newStart, bMid.length), newEnd: at(bLines, h.newEnd, bMid.length) })),
    pre,
  );
}

/** The hunks of a set of replacements (identifying details → placeholders): exact, no diff needed. */
export function replacementHunks(oldText: string, replacements: readonly { start: number; end: number; with: string }[]): Hunk[] {
  // Replacements arrive in UTF-16 offsets (as the check reports them); hunks are code points.
  const sorted = [...replacements].sort((x, y) => x.start - y.start);
  const out: Hunk[] = [];
  let delta = 0;
  let u = 0;
  let cp = 0;
  const advance = (to: number): void => {
    for (; u < to; u++) {
      const c = oldText.charCodeAt(u);
      if (c >= 0xd800 && c <= 0xdbff && u + 1 < to) u++;
      cp++;
    }
  };
  for (const r of sorted) {
    advance(r.start);
    const oldStart = cp;
    advance(r.end);
    const oldEnd = cp;
    const len = Array.from(r.with).length;
    out.push({ oldStart, oldEnd, newStart: oldStart + delta, newEnd: oldStart + delta + len });
    delta += len - (oldEnd - oldStart);
  }
  return out;
}

/**
 * A character diff of a rewritten sentence keeps letters the two happen to share
 * ("Hva betyr tillit" → "spørsmålet slettet" keeps an e, a t, an l…), which would leave
 * a segment clinging to scattered letters instead of becoming an orphan. As in
 * diff-match-patch's semantic cleanup: an unchanged run no longer than the changes on
 * both sides of it is folded into one change.
 */
function semanticCleanup(hunks: Hunk[]): Hunk[] {
  const out = hunks.map((h) => ({ ...h }));
  const size = (h: Hunk) => Math.max(h.oldEnd - h.oldStart, h.newEnd - h.newStart);
  let changed = true;
  while (changed) {
    changed = false;
    for (let i = 0; i + 1 < out.length; i++) {
      const a = out[i]!;
      const b = out[i + 1]!;
      const gap = b.oldStart - a.oldEnd;
      if (gap <= size(a) && gap <= size(b)) {
        out.splice(i, 2, { oldStart: a.oldStart, oldEnd: b.oldEnd, newStart: a.newStart, newEnd: b.newEnd });
        changed = true;
      }
    }
  }
  return out;
}

function shift(hunks: Hunk[], by: number): Hunk[] {
  return hunks.map((h) => ({ oldStart: h.oldStart + by, oldEnd: h.oldEnd + by, newStart: h.newStart + by, newEnd: h.newEnd + by }));
}

function splitLines(cps: string[]): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  let start = 0;
  for (let i = 0; i < cps.length; i++) {
    if (cps[i] === '\n' || i === cps.length - 1) {
      out.push({ text: cps.slice(start, i + 1).join(''), start });
      start = i + 1;
    }
  }
  return out;
}

/**
 * Myers' O(ND) diff, as hunks; null when more than `maxD` edits are needed. Keeps the
 * frontier of each round to walk the path back (memory grows with the edits, not the text).
 */
function myers(a: readonly string[], b: readonly string[], maxD: number): Hunk[] | null {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxD);
  const off = max + 1;
  let v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    const next = v;
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[off + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
    v = next;
    if (found >= 0) break;
  }
  if (found < 0) return null;
  // Walk back: each round adds one insertion or deletion between diagonal runs.
  const edits: { type: 'del' | 'ins'; x: number; y: number }[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    // The frontier as it was when round d began.
    const vPrev = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && vPrev[off + k - 1]! < vPrev[off + k + 1]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = vPrev[off + prevK]!;
    const prevY = prevX - prevK;
    while (x > (down ? prevX : prevX + 1) && y > (down ? prevY + 1 : prevY)) {
      x--;
      y--;
    }
    if (down) edits.push({ type: 'ins', x: prevX, y: prevY });
    else edits.push({ type: 'del', x: prevX, y: prevY });
    x = prevX;
    y = prevY;
  }
  edits.reverse();
  const hunks: Hunk[] = [];
  for (const e of edits) {
    const h: Hunk = e.type === 'del' ? { oldStart: e.x, oldEnd: e.x + 1, newStart: e.y, newEnd: e.y } : { oldStart: e.x, oldEnd: e.x, newStart: e.y, newEnd: e.y + 1 };
    const last = hunks.at(-1);
    if (last && last.oldEnd === h.oldStart && last.newEnd === h.newStart) {
      last.oldEnd = h.oldEnd;
      last.newEnd = h.newEnd;
    } else hunks.push(h);
  }
  return hunks;
}

/**
 * Where position `p` of the old text is in the new one. `side` says which end of a
 * range it is: text inserted exactly at a segment's start or end stays outside it,
 * text inserted inside it joins it. `mode` says what a boundary inside a changed
 * region does: an edit leaves the rewritten words out (only what survived is the
 * segment), a replacement (a name → [navn]) takes the placeholder in.
 */
export function mapPosition(p: number, hunks: readonly Hunk[], side: 'start' | 'end', mode: 'edit' | 'replace'): number {
  let lastOld = 0;
  let lastNew = 0;
  for (const h of hunks) {
    if (h.oldStart > p) break;
    if (h.oldStart === p) {
      if (h.oldEnd === h.oldStart) return side === 'start' ? h.newEnd : h.newStart;
      // A segment that begins where words were rewritten: in an edit the new words are
      // not the ones the student coded (they stay outside); a placeholder is taken in.
      return side === 'start' && mode === 'edit' ? h.newEnd : h.newStart;
    }
    if (h.oldEnd >= p) {
      if (h.oldEnd === p) return h.newEnd;
      if (side === 'start') return mode === 'replace' ? h.newStart : h.newEnd;
      return mode === 'replace' ? h.newEnd : h.newStart;
    }
    lastOld = h.oldEnd;
    lastNew = h.newEnd;
  }
  return lastNew + (p - lastOld);
}

/** How many of [start, end)'s code points no hunk touched. */
function survivors(start: number, end: number, hunks: readonly Hunk[]): number {
  let n = end - start;
  for (const h of hunks) {
    if (h.oldStart >= end) break;
    n -= Math.max(0, Math.min(end, h.oldEnd) - Math.max(start, h.oldStart));
  }
  return n;
}

const WORD_CHAR = /[\p{L}\p{N}\p{M}]/u;

/**
 * Whether a whole word of the segment (old text, code points) came through untouched.
 * A rewritten question that happens to end in the same letters ("arbeidsgiveren?" →
 * "sjefen din?") keeps "n?" and nothing the student coded: such a segment is an orphan,
 * not a scrap of punctuation. A segment with no word characters at all (an emoji)
 * survives by its characters.
 */
function aWordSurvives(oldCps: readonly string[], start: number, end: number, hunks: readonly Hunk[]): boolean {
  let sawWord = false;
  for (let i = start; i < end; ) {
    if (!WORD_CHAR.test(oldCps[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j < end && WORD_CHAR.test(oldCps[j]!)) j++;
    sawWord = true;
    const ws = i;
    const we = j;
    if (!hunks.some((h) => (h.oldStart < we && h.oldEnd > ws) || (h.oldStart === h.oldEnd && h.oldStart > ws && h.oldStart < we))) return true;
    i = j;
  }
  return !sawWord && survivors(start, end, hunks) > 0;
}

/**
 * Carry every segment over to the new text. A segment whose every character was
 * deleted (or rewritten) becomes an orphan at the place its text was, unless its text
 * was replaced by a placeholder (it then covers the placeholder). Orphans move as points.
 */
export function remapSegments(segments: readonly SegmentRecord[], hunks: readonly Hunk[], newText: string, mode: 'edit' | 'replace', at: string, oldText: string): SegmentRecord[] {
  if (hunks.length === 0) return [...segments];
  const cps = Array.from(newText);
  const oldCps = Array.from(oldText);
  return segments.map((s) => {
    if (s.orphanedAt !== null) {
      const p = mapPosition(s.start, hunks, 'start', mode);
      return p === s.start ? s : { ...s, start: p, end: p, updatedAt: at };
    }
    const start = mapPosition(s.start, hunks, 'start', mode);
    const end = mapPosition(s.end, hunks, 'end', mode);
    const keep = end > start && (mode === 'replace' || aWordSurvives(oldCps, s.start, s.end, hunks));
    if (!keep) return { ...s, start, end: start, orphanedAt: at, updatedAt: at };
    const text = cps.slice(start, end).join('');
    if (start === s.start && end === s.end && text === s.text) return s;
    return { ...s, start, end, text, updatedAt: at };
  });
}

/**
 * After a merge: segments of one transcript that carry `codeId`, overlap, and carry the
 * same codes become one (their ranges joined); one lying inside another whose codes
 * include all of its own is absorbed. Returns the segments and, for each absorbed
 * segment, the one it became part of.
 */
export function joinOverlaps(segments: readonly SegmentRecord[], codeId: string): { segments: SegmentRecord[]; absorbed: Map<string, string> } {
  const live = segments.filter((s) => s.orphanedAt === null && s.codeIds.includes(codeId)).sort((x, y) => x.start - y.start || y.end - x.end);
  const absorbed = new Map<string, string>();
  const replaced = new Map<string, SegmentRecord>();
  const sameSet = (x: string[], y: string[]) => x.length === y.length && x.every((c) => y.includes(c));
  const subset = (x: string[], y: string[]) => x.every((c) => y.includes(c));
  for (let i = 0; i < live.length; i++) {
    let a = replaced.get(live[i]!.id) ?? live[i]!;
    if (absorbed.has(a.id)) continue;
    for (let j = i + 1; j < live.length; j++) {
      const b = live[j]!;
      if (absorbed.has(b.id)) continue;
      if (b.start >= a.end) break;
      if (sameSet(a.codeIds, b.codeIds)) {
        const cps = Array.from(a.text);
        const tail = b.end > a.end ? Array.from(b.text).slice(a.end - b.start).join('') : '';
        a = { ...a, end: Math.max(a.end, b.end), text: cps.join('') + tail, quote: a.quote || b.quote, createdAt: a.createdAt < b.createdAt ? a.createdAt : b.createdAt };
        absorbed.set(b.id, a.id);
      } else if (b.end <= a.end && subset(b.codeIds, a.codeIds)) {
        a = { ...a, quote: a.quote || b.quote };
        absorbed.set(b.id, a.id);
      }
    }
    replaced.set(a.id, a);
  }
  // A segment inside another that was itself absorbed ends up in the survivor.
  for (const [k, v] of absorbed) {
    let t = v;
    while (absorbed.has(t)) t = absorbed.get(t)!;
    absorbed.set(k, t);
  }
  return { segments: segments.filter((s) => !absorbed.has(s.id)).map((s) => replaced.get(s.id) ?? s), absorbed };
}
