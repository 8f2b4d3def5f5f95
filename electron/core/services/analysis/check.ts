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
import { TRANSCRIPT_TABLE, type TranscriptRecord } from '../transcripts';
import { findIdentifiers, knownDetails } from '../deidentify';
import { A, analysisCache, type CodeRecord, type CodingRecord, type MemoRecord, type ThemeRecord } from './records';

export interface CheckScope {
  codes: boolean;
  themes: boolean;
  /** Segments chosen as quotes for the report. */
  quotes: boolean;
  /** All memos, only the journal's (non-private) entries, or none. */
  memos: boolean | 'journal';
}

export function findAnalysisDetails(session: VaultSession, scope: CheckScope): AnalysisFinding[] {
  const known = knownDetails(session.stores.keylist.list<Identity>(T.identity).map((r) => r.data));
  const cache = analysisCache(session);
  const out: AnalysisFinding[] = [];
  const look = (text: string, where: AnalysisFinding['where'], kept: readonly string[] = []): void => {
    if (!text) return;
    const found = findIdentifiers(text, known, kept);
    if (found.length === 0) return;
    const pos = new TextPositions(text);
    for (const f of found) out.push({ where, kind: f.kind, text: f.text, start: pos.toCodePoint(f.start)!, end: pos.toCodePoint(f.end)!, source: f.source });
  };
  if (scope.codes) {
    for (const [id, r] of cache.rows<CodeRecord>(A.code)) {
      look(r.data.name, { kind: 'code', id, field: 'name' });
      look(r.data.definition, { kind: 'code', id, field: 'definition' });
    }
  }
  if (scope.themes) {
    for (const [id, r] of cache.rows<ThemeRecord>(A.theme)) {
      look(r.data.name, { kind: 'theme', id, field: 'name' });
      look(r.data.definition, { kind: 'theme', id, field: 'definition' });
    }
  }
  if (scope.quotes) {
    const transcripts = cache.rows<TranscriptRecord>(TRANSCRIPT_TABLE);
    for (const [tid, row] of cache.rows<CodingRecord>(A.coding)) {
      // Words the student marked as not identifying in the transcript stay so in its quotes.
      const kept = transcripts.get(tid)?.data.kept ?? [];
      for (const s of row.data.segments) if (s.quote && s.orphanedAt === null) look(s.text, { kind: 'segment', id: s.id, field: 'text' }, kept);
    }
  }
  if (scope.memos) {
    for (const [id, r] of cache.rows<MemoRecord>(A.memo)) {
      if (scope.memos === 'journal' && (r.data.target.kind !== 'journal' || r.data.private)) continue;
      look(r.data.text, { kind: 'memo', id, field: 'text' });
    }
  }
  return out;
}
