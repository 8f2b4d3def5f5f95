/**
 * What a withdrawal took out of the analysis, kept so the analysis can say so once, where
 * it changed (issue 29: the theme and the map shrank with no notice). One small
 * project-level record per withdrawn participant: their pseudonym, how many coded
 * passages went, and the names of the codes and themes that lost them; never the text.
 * Written in the analysis's `beforeDestroy` (holdings.ts), before the passages go; the
 * student dismisses it, and then it is deleted.
 */
import type { WithdrawalNote } from '../../../../shared/analysis';
import type { VaultSession } from '../../vault/vault';
import { analysisOfParticipant } from './participant-data';
import { A, type ThemeRecord } from './records';

export const WITHDRAWN_TABLE = 'withdrawal_note';

interface NoteRecord {
  participant: string;
  at: string;
  passages: number;
  codes: { name: string; passages: number }[];
  themes: string[];
}

/** Records what the participant's withdrawal removes from codes and themes; nothing when they had no coded passages. */
export function noteWithdrawal(session: VaultSession, code: string, now: () => Date): void {
  const store = session.stores.transcripts;
  const id = `withdrawn-${code}`;
  // A repeated step after a crash finds the passages already gone: keep the first note.
  if (store.get(WITHDRAWN_TABLE, id)) return;
  const { segments } = analysisOfParticipant(session, code);
  if (segments.length === 0) return;
  const perCode = new Map<string, number>();
  for (const s of segments) for (const c of s.codes) perCode.set(c.name, (perCode.get(c.name) ?? 0) + 1);
  const names = new Set(perCode.keys());
  const codeIds = new Set(
    store
      .list<{ name: string }>(A.code)
      .filter((r) => names.has(r.data.name))
      .map((r) => r.id),
  );
  const themes = store
    .list<ThemeRecord>(A.theme)
    .filter((r) => r.data.codeIds.some((c) => codeIds.has(c)))
    .map((r) => r.data.name)
    .sort((a, b) => a.localeCompare(b, 'nb'));
  const data: NoteRecord = { participant: code, at: now().toISOString(), passages: segments.length, codes: [...perCode].map(([name, passages]) => ({ name, passages })).sort((a, b) => a.name.localeCompare(b.name, 'nb')), themes };
  // The pseudonym and code names only, as the quotes' withdrawn marks (check.ts) hold: no personal data.
  store.put(WITHDRAWN_TABLE, { id, participant: null, data });
}

/** The notes the student has not dismissed yet, oldest first. */
export function withdrawalNotes(session: VaultSession): WithdrawalNote[] {
  return session.stores.transcripts
    .list<NoteRecord>(WITHDRAWN_TABLE)
    .map((r) => ({ id: r.id, ...r.data }))
    .sort((a, b) => a.at.localeCompare(b.at));
}

/** The student has read it: gone. */
export function dismissWithdrawalNote(session: VaultSession, id: string): void {
  session.stores.transcripts.delete(WITHDRAWN_TABLE, id);
}
