/**
 * Coding: segments (ranges of one transcript) with the codes applied to them, chosen
 * as quotes for the report, retrieved per code or theme across interviews.
 *
 * A transcript's segments are one record (`coding`, id = the transcript's id) sealed
 * under its participant's key: withdrawal destroys them with the key, the consent gate
 * refuses coding a withdrawn participant's transcript, and an edit of the transcript
 * moves all of them in the same transaction as the text (`remapAfterEdit`).
 */
import type { RetrievalFilter, RetrievedSegment, Segment, SegmentRange } from '../../../../shared/analysis';
import { touchesMachineText } from '../transcripts/machine-text';
import { TextPositions } from '../../../../shared/analysis-text';
import { randomBytes } from 'node:crypto';
import { HvelvError } from '../../errors';
import type { VaultSession } from '../../vault/vault';
import { TRANSCRIPT_TABLE, type TranscriptRecord } from '../transcripts/records';
import { Codebook } from './codebook';
import { A, analysisCache, assertWritable, positionsOf,  type RemovedSegment, type CodeRecord, type MemoRecord, type SegmentRecord, type ThemeRecord, byParticipant, byCodeUnits } from './records';
import { diffHunks, remapSegments, replacementHunks } from './segments';
import { writeSegments } from './segment-store';
export { writeSegments };

/** Words of context on each side of a retrieved segment or a search hit. */
export const CONTEXT_CHARS = 80;

export class Coding {
  constructor(
    private readonly session: VaultSession,
    private readonly now: () => Date,
  ) {}

  private get store() {
    return this.session.stores.transcripts;
  }

  /** Every segment of one transcript (orphans included), by start: what the margin bars draw. */
  forTranscript(transcriptId: string): Segment[] {
    const t = this.transcript(transcriptId);
    const row = analysisCache(this.session).codings().get(transcriptId);
    return (row?.data.segments ?? []).map((s) => toSegment(s, transcriptId, t.participant)).sort((a, b) => a.start - b.start || a.end - b.end);
  }

  get(segmentId: string): Segment {
    const f = this.find(segmentId);
    return toSegment(f.segment, f.transcriptId, f.participant);
  }

  /**
   * Where a quote is in a transcript: the `occurrence`-th (1-based) exact match.
   * QUOTE_NOT_FOUND when it is not there, QUOTE_AMBIGUOUS when it is there more than
   * once and no occurrence was given.
   */
  findQuote(transcriptId: string, quote: string, occurrence?: number): { start: number; end: number } {
    const text = this.transcript(transcriptId).data.text;
    const q = quote.normalize('NFC');
    if (q.length === 0) throw new HvelvError('INVALID_INPUT', 'the quote is empty');
    const hits: number[] = [];
    for (let i = text.indexOf(q); i >= 0; i = text.indexOf(q, i + 1)) hits.push(i);
    if (hits.length === 0) throw new HvelvError('QUOTE_NOT_FOUND', 'that text is not in the transcript');
    if (occurrence === undefined && hits.length > 1) throw new HvelvError('QUOTE_AMBIGUOUS', `that text occurs ${hits.length} times in the transcript: say which (--occurrence 1 … ${hits.length})`);
    const n = occurrence ?? 1;
    if (!Number.isInteger(n) || n < 1 || n > hits.length) throw new HvelvError('QUOTE_NOT_FOUND', `occurrence ${n}: the text occurs ${hits.length} time(s)`);
    const pos = positionsOf(this.transcript(transcriptId).data);
    const start = pos.toCodePoint(hits[n - 1]!)!;
    return { start, end: start + Array.from(q).length };
  }

  /**
   * Apply codes to a range: to the segment with exactly that range if there is one,
   * otherwise to a new segment. Refused (nothing changed) for positions out of range,
   * an empty range, an unknown code, a withdrawn participant's transcript (the store's
   * consent gate), and after the end date.
   */
  apply(transcriptId: string, range: SegmentRange, codeIds: readonly string[]): Segment {
    assertWritable(this.session, this.now);
    const t = this.transcript(transcriptId);
    if (codeIds.length === 0) throw new HvelvError('INVALID_INPUT', 'no code given');
    assertCodable(analysisCache(this.session).rows<CodeRecord>(A.code), codeIds);
    const { start, end } = 'quote' in range ? this.findQuote(transcriptId, range.quote, range.occurrence) : checkRange(positionsOf(t.data), range.start, range.end);
    const pos = positionsOf(t.data);
    const at = this.now().toISOString();
    const segments = this.segmentsOf(transcriptId);
    let seg = segments.find((s) => s.orphanedAt === null && s.start === start && s.end === end);
    if (seg) {
      seg = { ...seg, codeIds: [...new Set([...seg.codeIds, ...codeIds])], updatedAt: at };
      segments.splice(segments.findIndex((s) => s.id === seg!.id), 1, seg);
    } else {
      seg = { id: randomBytes(16).toString('hex'), start, end, text: pos.slice(start, end), codeIds: [...new Set(codeIds)], quote: false, orphanedAt: null, createdAt: at, updatedAt: at };
      segments.push(seg);
    }
    this.write(transcriptId, t.participant, segments);
    return toSegment(seg, transcriptId, t.participant);
  }

  /**
   * Many ranges of one transcript coded in one write (a REFI-QDA import): each checked
   * as `apply` checks it (codes known and codable, positions in range and not empty,
   * the consent gate of the store, the end date), all before anything is written; a
   * range that is already a segment gets the codes added, the same range twice is one
   * segment. Returns the segment of each range, in the order given.
   */
  applyMany(transcriptId: string, ranges: readonly { start: number; end: number; codeIds: readonly string[] }[]): Segment[] {
    assertWritable(this.session, this.now);
    const t = this.transcript(transcriptId);
    const codes = analysisCache(this.session).rows<CodeRecord>(A.code);
    const pos = positionsOf(t.data);
    const at = this.now().toISOString();
    const segments = this.segmentsOf(transcriptId);
    const byRange = new Map<string, number>();
    segments.forEach((s, i) => {
      if (s.orphanedAt === null) byRange.set(`${s.start}:${s.end}`, i);
    });
    const out: number[] = [];
    for (const r of ranges) {
      if (r.codeIds.length === 0) throw new HvelvError('INVALID_INPUT', 'no code given');
      assertCodable(codes, r.codeIds);
      const { start, end } = checkRange(pos, r.start, r.end);
      const key = `${start}:${end}`;
      const i = byRange.get(key);
      if (i !== undefined) {
        const seg = segments[i]!;
        segments[i] = { ...seg, codeIds: [...new Set([...seg.codeIds, ...r.codeIds])], updatedAt: at };
        out.push(i);
      } else {
        segments.push({ id: randomBytes(16).toString('hex'), start, end, text: pos.slice(start, end), codeIds: [...new Set(r.codeIds)], quote: false, orphanedAt: null, createdAt: at, updatedAt: at });
        byRange.set(key, segments.length - 1);
        out.push(segments.length - 1);
      }
    }
    if (ranges.length) this.write(transcriptId, t.participant, segments);
    return out.map((i) => toSegment(segments[i]!, transcriptId, t.participant));
  }

  /**
   * The quick-code box: apply the code called `name` (under `parentId`), making it first
   * if there is none; one step, so one undo.
   */
  applyByName(transcriptId: string, range: SegmentRange, name: string, parentId: string | null = null): { segment: Segment; createdCode: string | null } {
    const book = new Codebook(this.session, this.now);
    const key = name.normalize('NFC').trim().toLocaleLowerCase('nb');
    const existing = book.list().find((c) => c.parentId === parentId && c.name.toLocaleLowerCase('nb') === key);
    // Check the range before making a code, so a bad range leaves the codebook as it was.
    if (!('quote' in range)) checkRange(positionsOf(this.transcript(transcriptId).data), range.start, range.end);
    else this.findQuote(transcriptId, range.quote, range.occurrence);
    const code = existing ?? book.add({ name, parentId });
    return { segment: this.apply(transcriptId, range, [code.id]), createdCode: existing ? null : code.id };
  }

  /** Add codes to an existing segment. */
  applyToSegment(segmentId: string, codeIds: readonly string[]): Segment {
    const f = this.find(segmentId);
    return this.apply(f.transcriptId, { start: f.segment.start, end: f.segment.end }, codeIds);
  }

  /**
   * Take one code off a segment. A segment left with no code is removed (with its
   * memos), and null is returned. A removal: allowed after the end date.
   */
  unapply(segmentId: string, codeId: string): Segment | null {
    const f = this.find(segmentId);
    if (!f.segment.codeIds.includes(codeId)) throw new HvelvError('NOT_FOUND', 'that code is not applied to this segment');
    const codeIds = f.segment.codeIds.filter((c) => c !== codeId);
    if (codeIds.length === 0) {
      this.removeSegment(segmentId);
      return null;
    }
    const next = { ...f.segment, codeIds, updatedAt: this.now().toISOString() };
    this.write(f.transcriptId, f.participant, f.segments.map((s) => (s.id === segmentId ? next : s)), true);
    return toSegment(next, f.transcriptId, f.participant);
  }

  /**
   * Remove a segment and the memos on it (undo of a coding, or the student's decision).
   * The session keeps them in memory for `restore` (an undo).
   */
  removeSegment(segmentId: string): void {
    const f = this.find(segmentId);
    const cache = analysisCache(this.session);
    const memos: RemovedSegment['memos'] = [];
    this.store.atomically(() => {
      this.write(f.transcriptId, f.participant, f.segments.filter((s) => s.id !== segmentId), true);
      for (const [mid, m] of cache.rows<MemoRecord>(A.memo)) {
        if (m.data.target.kind === 'segment' && m.data.target.id === segmentId) {
          memos.push({ id: mid, participant: m.participant, data: m.data });
          this.store.delete(A.memo, mid);
        }
      }
    });
    cache.keepRemoved({ transcriptId: f.transcriptId, participant: f.participant, segment: f.segment, memos });
  }

  /**
   * Undo of a removal: the segment this session removed comes back as it was, with its
   * id, codes, quote mark and memos (taking the last code off a segment removes it, and
   * an undo that coded the text afresh lost the mark and the memos). Where the
   * transcript was edited since, it comes back where its words now are, if they occur
   * exactly once; otherwise SEGMENT_TEXT_CHANGED. Codes deleted since are left off.
   */
  restore(segmentId: string): Segment {
    assertWritable(this.session, this.now);
    const cache = analysisCache(this.session);
    const kept = cache.removed.get(segmentId);
    if (!kept) throw new HvelvError('NOT_FOUND', `no removed segment ${segmentId} to restore`);
    const t = this.transcript(kept.transcriptId);
    const codes = cache.rows<CodeRecord>(A.code);
    const codeIds = kept.segment.codeIds.filter((c) => codes.has(c));
    if (codeIds.length === 0) throw new HvelvError('NOT_FOUND', 'the codes of that segment were deleted');
    const pos = positionsOf(t.data);
    let { start, end } = kept.segment;
    if (end > pos.codePoints || pos.slice(start, end) !== kept.segment.text) {
      const hits: number[] = [];
      const text = t.data.text;
      for (let i = text.indexOf(kept.segment.text); i >= 0 && hits.length < 2; i = text.indexOf(kept.segment.text, i + 1)) hits.push(i);
      if (hits.length !== 1 || kept.segment.text === '') throw new HvelvError('SEGMENT_TEXT_CHANGED', 'the transcript changed since the segment was removed');
      start = pos.toCodePoint(hits[0]!)!;
      end = start + Array.from(kept.segment.text).length;
    }
    const segments = this.segmentsOf(kept.transcriptId);
    if (segments.some((s) => s.id === segmentId)) throw new HvelvError('NOT_FOUND', 'that segment is there already');
    const seg: SegmentRecord = { ...kept.segment, start, end, codeIds, updatedAt: this.now().toISOString() };
    segments.push(seg);
    this.store.atomically(() => {
      this.write(kept.transcriptId, kept.participant, segments);
      for (const m of kept.memos) this.store.put(A.memo, { id: m.id, participant: m.participant, data: m.data });
    });
    cache.removed.delete(segmentId);
    return toSegment(seg, kept.transcriptId, kept.participant);
  }

  /** Mark (or unmark) a segment as a quote for the report. Unmarking is a removal. */
  setQuote(segmentId: string, quote: boolean): Segment {
    if (quote) assertWritable(this.session, this.now);
    const f = this.find(segmentId);
    if (f.segment.orphanedAt !== null && quote) throw new HvelvError('INVALID_INPUT', 'the text of this segment was deleted: re-attach it first');
    const next = { ...f.segment, quote, updatedAt: this.now().toISOString() };
    this.write(f.transcriptId, f.participant, f.segments.map((s) => (s.id === segmentId ? next : s)), !quote);
    return toSegment(next, f.transcriptId, f.participant);
  }

  /** Segments whose text was deleted by an edit, waiting for the student's decision. */
  orphans(): Segment[] {
    const out: Segment[] = [];
    for (const [tid, row] of analysisCache(this.session).codings()) {
      for (const s of row.data.segments) if (s.orphanedAt !== null) out.push(toSegment(s, tid, row.participant!));
    }
    return out.sort((a, b) => (a.orphanedAt! < b.orphanedAt! ? -1 : 1));
  }

  /** Re-attach an orphan to a range of the current text (its codes and memos stay). */
  reattach(segmentId: string, range: SegmentRange): Segment {
    assertWritable(this.session, this.now);
    const f = this.find(segmentId);
    if (f.segment.orphanedAt === null) throw new HvelvError('INVALID_INPUT', 'this segment is not an orphan');
    const pos = positionsOf(this.transcript(f.transcriptId).data);
    const { start, end } = 'quote' in range ? this.findQuote(f.transcriptId, range.quote, range.occurrence) : checkRange(pos, range.start, range.end);
    const next: SegmentRecord = { ...f.segment, start, end, text: pos.slice(start, end), orphanedAt: null, updatedAt: this.now().toISOString() };
    this.write(f.transcriptId, f.participant, f.segments.map((s) => (s.id === segmentId ? next : s)));
    return toSegment(next, f.transcriptId, f.participant);
  }

  /**
   * Every segment of a code (or of a theme's codes), across interviews, with participant
   * code, timestamp and context; optionally for one participant. Orphans are left out
   * (they have no place in the text); `orphans()` lists them.
   */
  retrieve(of: { codeId: string } | { themeId: string }, filter: RetrievalFilter = {}): RetrievedSegment[] {
    const cache = analysisCache(this.session);
    const codes = cache.rows<CodeRecord>(A.code);
    const wanted = new Set<string>();
    const withChildren = (id: string): void => {
      wanted.add(id);
      if (filter.descendants === false) return;
      for (const [cid, c] of codes) if (c.data.parentId === id && !wanted.has(cid)) withChildren(cid);
    };
    if ('codeId' in of) {
      if (!codes.has(of.codeId)) throw new HvelvError('NOT_FOUND', `no code ${of.codeId}`);
      withChildren(of.codeId);
    } else {
      const themes = cache.rows<ThemeRecord>(A.theme);
      if (!themes.has(of.themeId)) throw new HvelvError('NOT_FOUND', `no theme ${of.themeId}`);
      const visit = (tid: string): void => {
        for (const c of themes.get(tid)?.data.codeIds ?? []) withChildren(c);
        if (filter.descendants === false) return;
        for (const [sub, t] of themes) if (t.data.parentId === tid) visit(sub);
      };
      visit(of.themeId);
    }
    const transcripts = cache.rows<TranscriptRecord>(TRANSCRIPT_TABLE);
    // Transcripts in their order (participant, then id), ranked once: sorting a thousand
    // segments with the collator compared participant codes some 10 000 times.
    const among = filter.participants === undefined ? null : new Set(filter.participants);
    const order = [...cache.codings()]
      .filter(([tid, row]) => transcripts.has(tid) && (filter.participant === undefined || row.participant === filter.participant) && (among === null || among.has(row.participant!)))
      .sort(([ta, a], [tb, b]) => byParticipant(a.participant!, b.participant!) || byCodeUnits(ta, tb));
    const out: RetrievedSegment[] = [];
    const here: RetrievedSegment[] = [];
    for (const [tid, row] of order) {
      const t = transcripts.get(tid)!;
      let pos: TextPositions | null = null;
      for (const s of row.data.segments) {
        if (s.orphanedAt !== null) continue;
        let hit = false;
        for (const c of s.codeIds) if (wanted.has(c)) hit = true;
        if (!hit) continue;
        pos ??= positionsOf(t.data);
        here.push(retrieved(s, tid, row.participant!, t.data, pos, codes));
      }
      here.sort((a, b) => a.start - b.start);
      for (const r of here) out.push(r);
      here.length = 0;
    }
    return out;
  }

  /** A segment with its codes' names, timestamp and context (for one-off display). */
  retrieveOne(segmentId: string): RetrievedSegment {
    const f = this.find(segmentId);
    const t = this.transcript(f.transcriptId);
    return retrieved(f.segment, f.transcriptId, f.participant, t.data, new TextPositions(t.data.text), analysisCache(this.session).rows<CodeRecord>(A.code));
  }

  // ---- internals ----------------------------------------------------------------

  private transcript(id: string): { participant: string; data: TranscriptRecord } {
    const r = analysisCache(this.session).rows<TranscriptRecord>(TRANSCRIPT_TABLE).get(id);
    if (!r || !r.participant) throw new HvelvError('NOT_FOUND', `no transcript ${id}`);
    return { participant: r.participant, data: r.data };
  }

  /** A copy of a transcript's segments, to change and write back. */
  private segmentsOf(transcriptId: string): SegmentRecord[] {
    return [...(analysisCache(this.session).codings().get(transcriptId)?.data.segments ?? [])];
  }

  private find(segmentId: string): { transcriptId: string; participant: string; segment: SegmentRecord; segments: SegmentRecord[] } {
    for (const [tid, row] of analysisCache(this.session).codings()) {
      const segment = row.data.segments.find((s) => s.id === segmentId);
      if (segment) return { transcriptId: tid, participant: row.participant!, segment, segments: [...row.data.segments] };
    }
    throw new HvelvError('NOT_FOUND', `no segment ${segmentId}`);
  }

  private write(transcriptId: string, participant: string, segments: SegmentRecord[], removal = false): void {
    writeSegments(this.session, transcriptId, participant, segments, { removal });
  }
}

/** Every code known, and none a grouping code (those hold codes, not text). */
function assertCodable(codes: ReadonlyMap<string, { data: CodeRecord }>, codeIds: readonly string[]): void {
  for (const c of codeIds) {
    const code = codes.get(c);
    if (!code) throw new HvelvError('NOT_FOUND', `no code ${c}`);
    if (code.data.codable === false) throw new HvelvError('INVALID_INPUT', `"${code.data.name}" is a grouping code: it holds codes and is not applied to text`);
  }
}

/** Code point positions checked against a text: whole numbers, in range, not empty. */
export function checkRange(pos: TextPositions, start: number, end: number): { start: number; end: number } {
  const n = pos.codePoints;
  if (!Number.isInteger(start) || !Number.isInteger(end)) throw new HvelvError('RANGE_INVALID', 'positions are whole numbers (code points)');
  if (start < 0 || end > n) throw new HvelvError('RANGE_INVALID', `positions must lie within 0 … ${n}`);
  if (end <= start) throw new HvelvError('RANGE_INVALID', 'the end must come after the start');
  return { start, end };
}

function toSegment(s: SegmentRecord, transcriptId: string, participant: string): Segment {
  return { id: s.id, transcriptId, participant, start: s.start, end: s.end, text: s.text, codeIds: [...s.codeIds], quote: s.quote, orphanedAt: s.orphanedAt, createdAt: s.createdAt, updatedAt: s.updatedAt };
}

/**
 * A transcript's sync points as two arrays for a binary search, made once per cached
 * record (the record object is the key): retrieval asks for a thousand timestamps at a
 * time, and scanning the list from its start for each was most of a retrieval.
 */
const syncIndexes = new WeakMap<TranscriptRecord, { offsets: Float64Array; ms: Float64Array } | null>();

function syncIndexOf(t: TranscriptRecord): { offsets: Float64Array; ms: Float64Array } | null {
  let idx = syncIndexes.get(t);
  if (idx === undefined) {
    const n = t.syncPoints.length;
    idx = { offsets: new Float64Array(n), ms: new Float64Array(n) };
    for (let i = 0; i < n; i++) {
      const p = t.syncPoints[i]!;
      // Parsed in text order, so offsets never go back; if they ever did, the plain scan below decides.
      if (i > 0 && p.offset < idx.offsets[i - 1]!) {
        idx = null;
        break;
      }
      idx.offsets[i] = p.offset;
      idx.ms[i] = p.ms;
    }
    syncIndexes.set(t, idx);
  }
  return idx;
}

/** The last sync point at or before a position (UTF-16 offsets, as the transcript stores them). */
export function timestampAt(t: TranscriptRecord, utf16: number): number | null {
  const idx = syncIndexOf(t);
  if (idx) {
    // The first sync point after the position; the one before it is the answer.
    let lo = 0;
    let hi = idx.offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (idx.offsets[mid]! <= utf16) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? null : idx.ms[lo - 1]!;
  }
  let best: number | null = null;
  for (const p of t.syncPoints) {
    if (p.offset <= utf16) best = p.ms;
    else break;
  }
  return best;
}

const ONE_SPACE = /\s+/g;
const LEADING_PART_WORD = /^\S*\s/;
const TRAILING_PART_WORD = /\s\S*$/;

/** About `n` characters before/after a range, cut at a word boundary, on one line. */
export function context(text: string, u16Start: number, u16End: number, n = CONTEXT_CHARS): { before: string; after: string } {
  let b = text.slice(Math.max(0, u16Start - n), u16Start);
  let a = text.slice(u16End, u16End + n);
  if (u16Start - n > 0) b = b.replace(LEADING_PART_WORD, '');
  if (u16End + n < text.length) a = a.replace(TRAILING_PART_WORD, '');
  return { before: b.replace(ONE_SPACE, ' '), after: a.replace(ONE_SPACE, ' ') };
}

function retrieved(s: SegmentRecord, tid: string, participant: string, t: TranscriptRecord, pos: TextPositions, codes: Map<string, { data: CodeRecord }>): RetrievedSegment {
  const u0 = pos.toUtf16(s.start) ?? 0;
  const u1 = pos.toUtf16(s.end) ?? u0;
  const named: RetrievedSegment['codes'] = [];
  for (const c of s.codeIds) {
    const r = codes.get(c);
    if (r) named.push({ id: c, name: r.data.name, color: r.data.color });
  }
  const { before, after } = context(t.text, u0, u1);
  return {
    id: s.id,
    transcriptId: tid,
    participant,
    start: s.start,
    end: s.end,
    text: s.text,
    codeIds: [...s.codeIds],
    quote: s.quote,
    orphanedAt: s.orphanedAt,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    codes: named,
    timestampMs: timestampAt(t, u0),
    before,
    after,
    // Only where true, so a typed transcript's segments read as before.
    ...(touchesMachineText(t, u0, u1) ? { machineText: true } : {}),
  };
}

/**
 * Called by `Transcripts` inside the transaction that stores a changed text: carries
 * the transcript's segments over to it. `replacements` (identifying details replaced
 * with placeholders, UTF-16 offsets) give the changes exactly; otherwise the texts are
 * compared. `removal` passes the flag of the text's own write on: moving segments with
 * a removal is part of that removal.
 */
export function remapAfterEdit(
  session: VaultSession,
  transcriptId: string,
  oldText: string,
  newText: string,
  opts: { at: string; removal?: boolean; replacements?: readonly { start: number; end: number; with: string }[] },
): { moved: number; orphaned: number } {
  if (oldText === newText) return { moved: 0, orphaned: 0 };
  const row = analysisCache(session).codings().get(transcriptId);
  if (!row || row.data.segments.length === 0) return { moved: 0, orphaned: 0 };
  const hunks = opts.replacements ? replacementHunks(oldText, opts.replacements) : diffHunks(oldText, newText);
  const next = remapSegments(row.data.segments, hunks, newText, opts.replacements ? 'replace' : 'edit', opts.at, oldText);
  let moved = 0;
  let orphaned = 0;
  next.forEach((s, i) => {
    const was = row.data.segments[i]!;
    if (s !== was) moved++;
    if (s.orphanedAt !== null && was.orphanedAt === null) orphaned++;
  });
  if (moved === 0) return { moved, orphaned };
  writeSegments(session, transcriptId, row.participant!, next, { removal: opts.removal ?? false });
  return { moved, orphaned };
}

/** A transcript deleted: its segments and the memos on it and on its segments are removed with it. */
export function removeTranscriptAnalysis(session: VaultSession, transcriptId: string): void {
  const store = session.stores.transcripts;
  const row = analysisCache(session).codings().get(transcriptId);
  const segmentIds = new Set(row?.data.segments.map((s) => s.id) ?? []);
  for (const m of store.list<MemoRecord>(A.memo)) {
    const t = m.data.target;
    if ((t.kind === 'transcript' && t.id === transcriptId) || (t.kind === 'segment' && segmentIds.has(t.id))) store.delete(A.memo, m.id);
  }
  for (const p of row?.parts ?? []) store.delete(p.table, p.id);
}
