/**
 * How the analysis is stored: record kinds (logical tables) in the transcripts store,
 * so it is encrypted, signed and destroyed like the transcripts it comes from, and no
 * new file ever holds it.
 *
 * | table           | participant          | id              | holds                                   |
 * | --------------- | -------------------- | --------------- | --------------------------------------- |
 * | `code`          | null (store key)     | random          | name, definition, colour, parent        |
 * | `theme`         | null                 | random          | name, definition, status, parent, codes |
 * | `coding_part`   | the transcript's     | random          | up to 32 segments of one transcript     |
 * | `coding`        | the transcript's     | transcript id   | (before 2026-12) every segment of it    |
 * | `memo`          | transcript/segment's | random          | target, text, private, phase            |
 * |                 | participant, or null |                 |                                         |
 * | `analysis`      | null                 | `state`         | the current phase and its history       |
 *
 * A transcript's segments are held in parts of at most `CODING_PART_SIZE` segments, so
 * applying a code reseals one small record, not all of an interview's segments with
 * their text (a 500-segment interview was a 125 KB record rewritten on every apply).
 * Each part is sealed under the participant's key: a withdrawal destroys them with it.
 * An edit of the transcript moves its segments in the same transaction as the text,
 * rewriting only the parts whose segments moved. Vaults coded before kept all of a
 * transcript's segments in one `coding` record: both shapes are read, and the first
 * write that adds to such a transcript (anything but a removal) moves its segments
 * into parts in the same transaction (`writeSegments`).
 *
 * Decrypted records are cached per session, in memory only, and checked against the
 * store's record versions (no decryption) before each use, so a write by any path
 * (withdrawal, the CLI in another process, a transcript deleted) is seen at once.
 */
import { daysUntil, localIsoDate } from '../../../../shared/domain';
import type { MemoTarget, Phase, Segment, ThemeStatus } from '../../../../shared/analysis';
import { TextPositions } from '../../../../shared/analysis-text';
import { HvelvError } from '../../errors';
import type { VaultSession } from '../../vault/vault';
import { perSession } from '../../vault/session-cache';

export const A = {
  code: 'code',
  theme: 'theme',
  /** The shape before parts: all of a transcript's segments in one record (read, converted on write). */
  coding: 'coding',
  codingPart: 'coding_part',
  memo: 'memo',
  state: 'analysis',
} as const;

export const STATE_ID = 'state';

export interface CodeRecord {
  name: string;
  definition: string;
  color: string;
  parentId: string | null;
  createdAt: string;
  updatedAt: string;
  /** Participants who withdrew while the definition quoted them (see check.ts). */
  quotesWithdrawn?: string[];
  /** False for a grouping code (never applied to text); absent means codable, as every code before it was. */
  codable?: boolean;
}

export interface ThemeRecord {
  name: string;
  definition: string;
  status: ThemeStatus;
  parentId: string | null;
  codeIds: string[];
  createdAt: string;
  updatedAt: string;
  quotesWithdrawn?: string[];
}

/** A segment as its transcript's coding record holds it: the shared `Segment` without what the record itself says (its transcript; the participant is the record's key). */
export type SegmentRecord = Omit<Segment, 'transcriptId' | 'participant'>;

/** A `coding_part` record (some of a transcript's segments) or a legacy `coding` record (all of them). */
export interface CodingRecord {
  transcriptId: string;
  segments: SegmentRecord[];
}

/** Segments per `coding_part` record: what one apply reseals at most (about 10 KB). */
export const CODING_PART_SIZE = 32;

/** A record holding some of a transcript's segments, as cached. */
export interface CodingPart {
  table: typeof A.coding | typeof A.codingPart;
  id: string;
  version: number;
  /** The cached row itself: the same object while the record is unchanged. */
  row: { participant: string | null; version: number; data: CodingRecord };
}

/** All of one transcript's segments, joined from its records. */
export interface TranscriptCoding {
  participant: string | null;
  data: CodingRecord;
  parts: CodingPart[];
}

export interface MemoRecord {
  target: MemoTarget;
  text: string;
  private: boolean;
  phase: Phase;
  createdAt: string;
  updatedAt: string;
  /** Participants who withdrew while this (project-level) memo quoted them (see check.ts). */
  quotesWithdrawn?: string[];
}

export interface StateRecord {
  current: Phase;
  history: { phase: Phase; at: string }[];
  declined?: Phase;
}

/**
 * Nothing new after the end date: the consent that allowed the processing ran until
 * then ("behandles frem til prosjektslutt"). Removals (deleting a segment, a code, a
 * memo; moving segments while names are replaced) stay allowed. The participant
 * records are also refused by the store's consent gate; this covers the project-level
 * ones (codes, themes, project memos), which no participant's consent gates.
 */
export function assertWritable(session: VaultSession, now: () => Date): void {
  if (session.stores.keylist.destroyed || session.stores.transcripts.destroyed) {
    throw new HvelvError('PROJECT_ENDED', 'the project has ended: the analysis can be read and exported, not changed');
  }
  if (daysUntil(session.facts.endDate, localIsoDate(now())) < 0) {
    throw new HvelvError('PROJECT_ENDED', `the project ended on ${session.facts.endDate}: nothing new may be written`);
  }
}

/** A decrypted table, kept while its record versions stay the same. */
interface CachedTable<T> {
  versions: Map<string, number>;
  rows: Map<string, { participant: string | null; version: number; data: T }>;
}

/**
 * The session's in-memory view of the analysis tables. Never written anywhere; dropped
 * when the vault locks.
 */
export class AnalysisCache {
  private readonly tables = new Map<string, CachedTable<unknown>>();
  /** Other in-memory structures derived from the data (the search index) register here. */
  readonly derived = new Map<string, unknown>();

  constructor(private readonly session: VaultSession) {}

  /** Every record of `table`, decrypting only those added or changed since the last call. */
  rows<T>(table: string): Map<string, { participant: string | null; version: number; data: T }> {
    const store = this.session.stores.transcripts;
    const versions = store.versions(table);
    let cached = this.tables.get(table) as CachedTable<T> | undefined;
    if (!cached) {
      cached = { versions: new Map(), rows: new Map() };
      this.tables.set(table, cached as CachedTable<unknown>);
    }
    for (const id of [...cached.rows.keys()]) if (!versions.has(id)) cached.rows.delete(id);
    for (const [id, v] of versions) {
      if (cached.rows.get(id)?.version === v) continue;
      const r = store.get<T>(table, id);
      if (r) cached.rows.set(id, { participant: r.participant, version: r.version, data: r.data });
    }
    cached.versions = versions;
    return cached.rows;
  }

  private codingView = new Map<string, TranscriptCoding>();

  /**
   * Every transcript's segments, joined from its records of both shapes (parts and a
   * legacy whole-transcript record). A transcript whose records are unchanged keeps
   * the same joined object, so this costs a look at the record versions, not a copy
   * of 10 000 segments.
   */
  codings(): Map<string, TranscriptCoding> {
    const groups = new Map<string, CodingPart[]>();
    const add = (table: CodingPart['table'], id: string, row: CodingPart['row']): void => {
      const tid = row.data.transcriptId ?? id;
      let g = groups.get(tid);
      if (!g) groups.set(tid, (g = []));
      g.push({ table, id, version: row.version, row });
    };
    for (const [id, row] of this.rows<CodingRecord>(A.coding)) add(A.coding, id, row);
    for (const [id, row] of this.rows<CodingRecord>(A.codingPart)) add(A.codingPart, id, row);
    const next = new Map<string, TranscriptCoding>();
    for (const [tid, parts] of groups) {
      parts.sort((a, b) => byCodeUnits(a.table, b.table) || byCodeUnits(a.id, b.id));
      const prev = this.codingView.get(tid);
      if (prev && prev.parts.length === parts.length && prev.parts.every((p, i) => p.row === parts[i]!.row)) {
        next.set(tid, prev);
        continue;
      }
      const segments = parts.length === 1 ? parts[0]!.row.data.segments : parts.flatMap((p) => p.row.data.segments);
      next.set(tid, { participant: parts[0]!.row.participant, data: { transcriptId: tid, segments }, parts });
    }
    this.codingView = next;
    return next;
  }

  /**
   * Decrypt one record into the cache ahead of use (the background warm-up after
   * unlock, a record at a time so the main process stays responsive). `version` is
   * the store's, read without decrypting; a record already cached at it is left alone.
   */
  prefetch<T>(table: string, id: string, version: number): { participant: string | null; version: number; data: T } | undefined {
    let cached = this.tables.get(table) as CachedTable<T> | undefined;
    if (!cached) {
      cached = { versions: new Map(), rows: new Map() };
      this.tables.set(table, cached as CachedTable<unknown>);
    }
    const have = cached.rows.get(id);
    if (have?.version === version) return have;
    const r = this.session.stores.transcripts.get<T>(table, id);
    if (!r) return undefined;
    const row = { participant: r.participant, version: r.version, data: r.data };
    cached.rows.set(id, row);
    return row;
  }

  /**
   * What this session just wrote, so the next read need not decrypt it again (applying a
   * code rewrites a transcript's whole coding record: decrypting it back each time was a
   * third of the cost).
   */
  remember<T>(table: string, id: string, participant: string | null, version: number, data: T): void {
    const cached = this.tables.get(table) as CachedTable<T> | undefined;
    if (!cached) return;
    cached.rows.set(id, { participant, version, data });
  }

  /**
   * Segments this session removed (the last code taken off, or removed outright), with
   * their memos, so an undo brings back the same segment (its id, quote mark and memos)
   * instead of a new bare one. Memory only, the latest few, dropped on lock and when the
   * participant withdraws.
   */
  readonly removed = new Map<string, RemovedSegment>();

  keepRemoved(r: RemovedSegment): void {
    this.removed.delete(r.segment.id);
    this.removed.set(r.segment.id, r);
    while (this.removed.size > REMOVED_KEPT) this.removed.delete(this.removed.keys().next().value!);
  }

  /**
   * A participant withdrew: nothing decrypted of theirs stays in memory (cached rows,
   * the search index, segments kept for undo), not even until the next read.
   */
  forgetParticipant(code: string): void {
    for (const t of this.tables.values()) for (const [id, r] of t.rows) if (r.participant === code) t.rows.delete(id);
    for (const d of this.derived.values()) {
      if (!(d instanceof Map)) continue;
      for (const [k, v] of d) if (typeof v === 'object' && v !== null && (v as { participant?: unknown }).participant === code) d.delete(k);
    }
    for (const [id, r] of this.removed) if (r.participant === code) this.removed.delete(id);
    for (const [tid, c] of this.codingView) if (c.participant === code) this.codingView.delete(tid);
  }

  clear(): void {
    this.tables.clear();
    this.codingView.clear();
    this.derived.clear();
    this.removed.clear();
  }
}

const REMOVED_KEPT = 200;

export interface RemovedSegment {
  transcriptId: string;
  participant: string;
  segment: SegmentRecord;
  memos: { id: string; participant: string | null; data: MemoRecord }[];
}

export const analysisCache: (session: VaultSession) => AnalysisCache = perSession((session) => new AnalysisCache(session));

/** Names are compared as people read them: NFC, trimmed, without regard to case. */
export const nameKey = (s: string): string => s.normalize('NFC').trim().toLocaleLowerCase('nb');

const positions = new WeakMap<object, TextPositions>();

/** The position map of a cached record's text, made once per version (the record object is the key). */
export function positionsOf(rec: { text: string }): TextPositions {
  let p = positions.get(rec);
  if (!p) {
    p = new TextPositions(rec.text);
    positions.set(rec, p);
  }
  return p;
}

/**
 * Orderings, made once: `localeCompare` with options builds a collator on every call,
 * which made sorting a thousand retrieved segments take most of a retrieval.
 */
const codeCollator = new Intl.Collator('en', { numeric: true });
const nameCollator = new Intl.Collator('nb');
/** Participant codes in their natural order (JS2 before JS10). */
export const byParticipant = (a: string, b: string): number => codeCollator.compare(a, b);
/** Names as a Norwegian reader sorts them (æ, ø, å last). */
export const byName = (a: string, b: string): number => nameCollator.compare(a, b);
/** Ids and ISO times: plain order, no collation needed. */
export const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
