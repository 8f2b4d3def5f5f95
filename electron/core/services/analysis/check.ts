/**
 * The identifying-details check over analysis text, not only transcripts: a memo can
 * quote a participant, a code can be named after a person ("Karis sjef"), a quote
 * chosen for the report can name a colleague. Uses the same finder as the transcript
 * check (the key list while it exists, patterns always), in memory only.
 */
import type { AnalysisFinding } from '../../../../shared/analysis';
import { TextPositions } from '../../../../shared/analysis-text';
import { T, type Identity } from '../../consent/model';
import type { VaultSession } from '../../vault/vault';
import { TRANSCRIPT_TABLE, type TranscriptRecord } from '../transcripts/records';
import { findIdentifiers, knownDetails } from '../deidentify/deidentify';
import type { DeidFinding } from '../../../../shared/contract';
import { attributeFindings, outgoingAttributeTexts } from '../attributes/outgoing';
import { A, analysisCache, type CodeRecord, type MemoRecord, type ThemeRecord } from './records';

/** Words in a row that make a passage a quote (short enough for "vi møttes hver uke på kafé"). */
const QUOTE_WORDS = 6;

const words = (s: string): string[] => s.toLocaleLowerCase('nb').split(/[^\p{L}\p{N}]+/u).filter(Boolean);

function shingles(text: string): Set<string> {
  const w = words(text);
  const out = new Set<string>();
  for (let i = 0; i + QUOTE_WORDS <= w.length; i++) out.add(w.slice(i, i + QUOTE_WORDS).join(' '));
  return out;
}

/**
 * Project-level analysis text (memos on the project, journal, codes and themes; code and
 * theme definitions) that quotes one participant's transcripts: six words in a row from
 * their text. Withdrawal cannot destroy these (they are not sealed under the
 * participant's key) so it marks them, and the check lists them until the student has
 * changed or deleted them.
 */
export function quotesOf(session: VaultSession, participant: string): { kind: 'memo' | 'code' | 'theme'; id: string; field: 'text' | 'definition' }[] {
  const store = session.stores.transcripts;
  const theirs = new Set<string>();
  for (const t of store.list<TranscriptRecord>(TRANSCRIPT_TABLE, { participant })) for (const sh of shingles(t.data.text)) theirs.add(sh);
  if (theirs.size === 0) return [];
  const quotes = (text: string) => [...shingles(text)].some((sh) => theirs.has(sh));
  const out: { kind: 'memo' | 'code' | 'theme'; id: string; field: 'text' | 'definition' }[] = [];
  for (const m of store.list<MemoRecord>(A.memo)) if (m.participant === null && quotes(m.data.text)) out.push({ kind: 'memo', id: m.id, field: 'text' });
  for (const c of store.list<CodeRecord>(A.code)) if (quotes(c.data.definition)) out.push({ kind: 'code', id: c.id, field: 'definition' });
  for (const t of store.list<ThemeRecord>(A.theme)) if (quotes(t.data.definition)) out.push({ kind: 'theme', id: t.id, field: 'definition' });
  return out;
}

/** Before a withdrawal destroys the transcripts: mark what quotes them (codes only, never text). */
export function markQuotesOfWithdrawn(session: VaultSession, participant: string): number {
  const store = session.stores.transcripts;
  const found = quotesOf(session, participant);
  for (const f of found) {
    const table = f.kind === 'memo' ? A.memo : f.kind === 'code' ? A.code : A.theme;
    const r = store.get<{ quotesWithdrawn?: string[] }>(table, f.id);
    if (!r || r.data.quotesWithdrawn?.includes(participant)) continue;
    // Rewriting a project-level record to add a pseudonym: no participant's consent is involved.
    store.put(table, { id: f.id, participant: null, data: { ...r.data, quotesWithdrawn: [...(r.data.quotesWithdrawn ?? []), participant] } });
  }
  return found.length;
}

export interface CheckScope {
  codes: boolean;
  themes: boolean;
  /** Segments chosen as quotes for the report. */
  quotes: boolean;
  /** All memos, only the journal's (non-private) entries, or none. */
  memos: boolean | 'journal';
  /** The labels and values of the attributes the report's comparison tables print (services/attributes). */
  attributes?: boolean;
}

export function findAnalysisDetails(session: VaultSession, scope: CheckScope): AnalysisFinding[] {
  const known = knownDetails(session.stores.keylist.list<Identity>(T.identity).map((r) => r.data));
  const cache = analysisCache(session);
  const out: AnalysisFinding[] = [];
  const look = (text: string, where: AnalysisFinding['where'], kept: readonly string[] = [], withdrawn: readonly string[] = [], given?: readonly DeidFinding[]): void => {
    if (!text) return;
    // Quotes of a participant who has withdrawn: listed until the text is changed.
    for (const code of withdrawn) out.push({ where, kind: 'withdrawn-quote', text: code, start: 0, end: 0, source: 'keylist' });
    const found = given ?? findIdentifiers(text, known, kept);
    if (found.length === 0) return;
    const pos = new TextPositions(text);
    for (const f of found) out.push({ where, kind: f.kind, text: f.text, start: pos.toCodePoint(f.start)!, end: pos.toCodePoint(f.end)!, source: f.source, ...(where.kind === 'attribute' ? { context: text } : {}) });
  };
  if (scope.codes) {
    for (const [id, r] of cache.rows<CodeRecord>(A.code)) {
      look(r.data.name, { kind: 'code', id, field: 'name' });
      look(r.data.definition, { kind: 'code', id, field: 'definition' }, [], r.data.quotesWithdrawn);
    }
  }
  if (scope.themes) {
    for (const [id, r] of cache.rows<ThemeRecord>(A.theme)) {
      look(r.data.name, { kind: 'theme', id, field: 'name' });
      look(r.data.definition, { kind: 'theme', id, field: 'definition' }, [], r.data.quotesWithdrawn);
    }
  }
  if (scope.quotes) {
    const transcripts = cache.rows<TranscriptRecord>(TRANSCRIPT_TABLE);
    for (const [tid, row] of cache.codings()) {
      // Words the student marked as not identifying in the transcript stay so in its quotes.
      const kept = transcripts.get(tid)?.data.kept ?? [];
      for (const s of row.data.segments) if (s.quote && s.orphanedAt === null) look(s.text, { kind: 'segment', id: s.id, field: 'text' }, kept);
    }
  }
  if (scope.attributes) {
    for (const o of outgoingAttributeTexts(session, () => new Date())) look(o.text, { kind: 'attribute', id: o.attribute.id, field: o.field }, [], [], attributeFindings(o.text, known));
  }
  if (scope.memos) {
    for (const [id, r] of cache.rows<MemoRecord>(A.memo)) {
      if (scope.memos === 'journal' && (r.data.target.kind !== 'journal' || r.data.private)) continue;
      look(r.data.text, { kind: 'memo', id, field: 'text' }, [], r.data.quotesWithdrawn);
    }
  }
  return out;
}
