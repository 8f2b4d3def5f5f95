/**
 * Search across all transcripts and memos, Norwegian-aware (see `foldForSearch`:
 * "aase" and "ase" find "Åse", "oystein" finds "Øystein"), words matched at the start of
 * a word, phrases in double quotes.
 *
 * The index is the folded text of every transcript and memo, in memory only, built on
 * the first search after unlock (or by `warm()`), kept in the session's analysis cache
 * and brought up to date from the store's record versions before each search: a
 * transcript edited, a memo added, a participant withdrawn is seen by the next search,
 * and what a withdrawal destroyed is gone from the index too. Never written to disk;
 * dropped when the vault locks.
 */
import type { MemoTarget, SearchHit, SearchResult } from '../../../../shared/analysis';
import { foldForSearch, parseQuery, TextPositions, type Folded } from '../../../../shared/analysis-text';
import { HvelvError } from '../../errors';
import type { VaultSession } from '../../vault/vault';
import { TRANSCRIPT_TABLE, type TranscriptRecord } from '../transcripts/records';
import { context, timestampAt } from './coding';
import { A, analysisCache, positionsOf, type AnalysisCache, type MemoRecord, byParticipant, byCodeUnits } from './records';

export const SEARCH_LIMIT = 200;
const QUERY_MAX = 500;

interface Doc {
  kind: 'transcript' | 'memo';
  version: number;
  participant: string | null;
  transcriptId: string | null;
  text: string;
  folded: Folded;
  positions: TextPositions;
  transcript: TranscriptRecord | null;
}

type Index = Map<string, Doc>;

const WORD = /[\p{L}\p{N}]/u;

export class Search {
  constructor(
    private readonly session: VaultSession,
    // Kept for symmetry with the other services (and a future "since" filter).
    _now: () => Date,
  ) {}

  /** Build (or bring up to date) the in-memory index now, in one go. */
  warm(): void {
    this.index();
  }

  /**
   * Build the index and decrypt the analysis into the session's cache in the background,
   * right after unlock: one record (or one transcript, decrypted and folded) per turn of
   * the event loop, so the window's calls are answered in between. The first search,
   * retrieval or transcript opened afterwards finds it all in memory (issue 9: the first
   * search after unlock under a second). Stops when the vault locks; a search that comes
   * before it is done simply finishes the rest itself. Returns the longest single step
   * (ms), which is how long a call from the window could have had to wait.
   */
  async warmInBackground(pause: () => Promise<void> = () => new Promise((r) => setImmediate(r))): Promise<{ longestStepMs: number; completed: boolean }> {
    let locked = false;
    const stop = this.session.onLock(() => (locked = true));
    let longest = 0;
    const step = async (fn: () => void): Promise<boolean> => {
      if (locked) return false;
      const t = performance.now();
      fn();
      longest = Math.max(longest, performance.now() - t);
      await pause();
      return !locked;
    };
    try {
      const cache = analysisCache(this.session);
      const store = this.session.stores.transcripts;
      const idx = this.indexMap();
      for (const table of [A.code, A.theme, A.state]) if (!(await step(() => cache.rows(table)))) return { longestStepMs: longest, completed: false };
      for (const table of [A.coding, A.codingPart, A.memo]) {
        for (const [id, v] of store.versions(table)) if (!(await step(() => cache.prefetch(table, id, v)))) return { longestStepMs: longest, completed: false };
      }
      for (const [id, v] of store.versions(TRANSCRIPT_TABLE)) {
        const ok = await step(() => {
          const r = cache.prefetch<TranscriptRecord>(TRANSCRIPT_TABLE, id, v);
          if (r) indexTranscript(idx, id, r);
        });
        if (!ok) return { longestStepMs: longest, completed: false };
      }
      // Memos and whatever changed meanwhile.
      if (!(await step(() => this.index()))) return { longestStepMs: longest, completed: false };
      return { longestStepMs: longest, completed: true };
    } finally {
      stop();
    }
  }

  /**
   * Every place `query` occurs. Terms are each required (in any order, in the same
   * transcript or memo) and match at the start of a word; "a phrase" matches those words
   * in that order. Results: transcripts by participant and position, then memos.
   */
  query(query: string, opts: { limit?: number; participant?: string; participants?: readonly string[] } = {}): SearchResult {
    if (query.length > QUERY_MAX) throw new HvelvError('INVALID_INPUT', `a search can be at most ${QUERY_MAX} characters`);
    const { terms, phrases } = parseQuery(query);
    const needles = [...phrases, ...terms];
    if (needles.length === 0) throw new HvelvError('INVALID_INPUT', 'nothing to search for');
    // Documents in the order results are shown; hits are built only up to the limit
    // (a common word occurs tens of thousands of times in a thesis's interviews) and
    // the rest only counted.
    const limit = opts.limit ?? SEARCH_LIMIT;
    const docs = [...this.index()]
      .filter(([, d]) => opts.participant === undefined || d.participant === opts.participant)
      // An attribute filter keeps its participants' transcripts and memos (a project memo has no participant).
      .filter(([, d]) => opts.participants === undefined || (d.participant !== null && opts.participants.includes(d.participant)))
      .sort(([ka, a], [kb, b]) => kindOrder(a) - kindOrder(b) || byParticipant(a.participant ?? '', b.participant ?? '') || byCodeUnits(ka, kb));
    const hits: SearchHit[] = [];
    let total = 0;
    for (const [key, doc] of docs) {
      const found: { s: number; e: number }[] = [];
      let all = true;
      for (const n of needles) {
        const at = occurrences(doc.folded.text, n);
        if (at.length === 0) {
          all = false;
          break;
        }
        for (const s of at) found.push({ s, e: s + n.length });
      }
      if (!all) continue;
      total += found.length;
      if (hits.length >= limit) continue;
      found.sort((a, b) => a.s - b.s);
      const id = key.slice(key.indexOf(':') + 1);
      for (const f of found.slice(0, limit - hits.length)) {
        const start = doc.folded.origin[f.s]!;
        // The end: just after the last folded character's own code point.
        const end = doc.folded.origin[f.e - 1]! + 1;
        const u0 = doc.positions.toUtf16(start)!;
        const u1 = doc.positions.toUtf16(end)!;
        const ctx = context(doc.text, u0, u1, 60);
        hits.push({
          kind: doc.kind,
          id,
          transcriptId: doc.transcriptId,
          participant: doc.participant,
          start,
          end,
          before: ctx.before,
          match: doc.text.slice(u0, u1),
          after: ctx.after,
          timestampMs: doc.transcript ? timestampAt(doc.transcript, u0) : null,
        });
      }
    }
    return { query, hits, total };
  }

  private index(): Index {
    const idx = this.indexMap();
    refresh(idx, analysisCache(this.session));
    return idx;
  }

  private indexMap(): Index {
    const cache = analysisCache(this.session);
    let idx = cache.derived.get('search') as Index | undefined;
    if (!idx) {
      idx = new Map();
      cache.derived.set('search', idx);
    }
    return idx;
  }
}

const kindOrder = (h: { kind: SearchHit['kind'] }): number => (h.kind === 'transcript' ? 0 : 1);

function refresh(idx: Index, cache: AnalysisCache): void {
  const seen = new Set<string>();
  const transcripts = cache.rows<TranscriptRecord>(TRANSCRIPT_TABLE);
  for (const [id, r] of transcripts) {
    seen.add(`t:${id}`);
    indexTranscript(idx, id, r);
  }
  let segmentTranscript: Map<string, string> | null = null;
  for (const [id, r] of cache.rows<MemoRecord>(A.memo)) {
    const key = `m:${id}`;
    seen.add(key);
    if (idx.get(key)?.version === r.version) continue;
    let transcriptId: string | null = null;
    const t: MemoTarget = r.data.target;
    if (t.kind === 'transcript') transcriptId = t.id;
    if (t.kind === 'segment') {
      segmentTranscript ??= new Map([...cache.codings()].flatMap(([tid, row]) => row.data.segments.map((s) => [s.id, tid] as [string, string])));
      transcriptId = segmentTranscript.get(t.id) ?? null;
    }
    idx.set(key, { kind: 'memo', version: r.version, participant: r.participant, transcriptId, text: r.data.text, folded: foldForSearch(r.data.text), positions: new TextPositions(r.data.text), transcript: null });
  }
  for (const key of [...idx.keys()]) if (!seen.has(key)) idx.delete(key);
}

/** One transcript into the index, unless it is there at this version already. */
function indexTranscript(idx: Index, id: string, r: { participant: string | null; version: number; data: TranscriptRecord }): void {
  const key = `t:${id}`;
  if (idx.get(key)?.version === r.version) return;
  idx.set(key, { kind: 'transcript', version: r.version, participant: r.participant, transcriptId: id, text: r.data.text, folded: foldForSearch(r.data.text), positions: positionsOf(r.data), transcript: r.data });
  // Retrieval and opening use the same position map and sync-point index: made here, in the warm-up.
  timestampAt(r.data, 0);
}

/** Where `needle` occurs in `hay` at the start of a word. */
function occurrences(hay: string, needle: string): number[] {
  const out: number[] = [];
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) {
    if (i > 0 && WORD.test(hay[i - 1]!) && WORD.test(needle[0]!)) continue;
    out.push(i);
  }
  return out;
}
