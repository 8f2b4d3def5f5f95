/**
 * The analysis as it concerns one participant: what withdrawal counts (and destroys
 * with their key) and what an access request gives them. Their coded segments carry
 * the codes applied to them, by name and definition, so the export is readable on its
 * own; memos are those on their transcripts and segments.
 */
import { formatTimestamp, TextPositions } from '../../../../shared/analysis-text';
import type { VaultSession } from '../../vault/vault';
import { TRANSCRIPT_TABLE, type TranscriptRecord } from '../transcripts/records';
import { timestampAt } from './coding';
import { A, type CodeRecord, type CodingRecord, type MemoRecord } from './records';

/** Tables the access request writes in its own readable form (not as raw records). */
export const ANALYSIS_TABLES_IN_ACCESS: ReadonlySet<string> = new Set([A.coding, A.codingPart, A.memo]);

export interface ParticipantSegment {
  id: string;
  transcript: string;
  start: number;
  end: number;
  timestamp: string | null;
  text: string;
  codes: { name: string; definition: string }[];
  quoteInReport: boolean;
  /** The text was deleted from the transcript after it was coded. */
  orphaned: boolean;
}

export interface ParticipantMemo {
  id: string;
  on: string;
  written: string;
  text: string;
}

export function analysisOfParticipant(session: VaultSession, code: string): { segments: ParticipantSegment[]; memos: ParticipantMemo[] } {
  const store = session.stores.transcripts;
  // Read directly from the store (no cache): withdrawal and access must see what is stored now.
  const codes = new Map(store.list<CodeRecord>(A.code).map((r) => [r.id, r.data]));
  const transcripts = new Map(store.list<TranscriptRecord>(TRANSCRIPT_TABLE, { participant: code }).map((r) => [r.id, r.data]));
  const segments: ParticipantSegment[] = [];
  // Both shapes: parts of a transcript's segments, and the whole-transcript record of
  // vaults coded before parts (each segment is in exactly one of them).
  const byTranscript = new Map<string, CodingRecord['segments']>();
  for (const table of [A.coding, A.codingPart]) {
    for (const row of store.list<CodingRecord>(table, { participant: code })) {
      const tid = row.data.transcriptId ?? row.id;
      byTranscript.set(tid, [...(byTranscript.get(tid) ?? []), ...row.data.segments]);
    }
  }
  for (const [tid, held] of [...byTranscript].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const t = transcripts.get(tid);
    const pos = t ? new TextPositions(t.text) : null;
    for (const s of [...held].sort((a, b) => a.start - b.start || a.end - b.end)) {
      const ms = t && pos ? timestampAt(t, pos.toUtf16(s.start) ?? 0) : null;
      segments.push({
        id: s.id,
        transcript: tid,
        start: s.start,
        end: s.end,
        timestamp: ms === null ? null : formatTimestamp(ms),
        text: s.text,
        codes: s.codeIds.flatMap((c) => {
          const r = codes.get(c);
          return r ? [{ name: r.name, definition: r.definition }] : [];
        }),
        quoteInReport: s.quote,
        orphaned: s.orphanedAt !== null,
      });
    }
  }
  const memos = store.list<MemoRecord>(A.memo, { participant: code }).map((r) => ({
    id: r.id,
    on: r.data.target.kind === 'transcript' || r.data.target.kind === 'segment' ? `${r.data.target.kind} ${r.data.target.id}` : r.data.target.kind,
    written: r.data.createdAt,
    text: r.data.text,
  }));
  return { segments, memos };
}
