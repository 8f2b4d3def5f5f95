/**
 * What the key-list store holds about participants and consent, and how to read it.
 *
 * - `participant` (one per code, under the store key, not the participant's key):
 *   the code register. It survives withdrawal, so a code stays retired forever. It
 *   holds no personal data: code, dates, status, and the withdrawal's counts.
 * - `identity`, `consent`, `evidence` (under the participant's key): destroyed on
 *   withdrawal with the key.
 * - `form` (under the store key): versions of the information letter and consent form.
 */
import type { ConsentMethod, IsoDate, ParticipantStatus, Purpose } from '../../../shared/domain';
import { HvelvError } from '../errors';
import type { RecordStore } from '../stores/record-store';

export const T = {
  participant: 'participant',
  identity: 'identity',
  consent: 'consent',
  evidence: 'evidence',
  form: 'form',
} as const;

export interface WithdrawalJournal {
  date: IsoDate;
  startedAt: string;
  completedAt: string | null;
  /** What was (or is being) destroyed: kind → number of items. */
  counts: Record<string, number>;
  consentGivenOn: IsoDate | null;
}

export interface RegistryEntry {
  code: string;
  addedAt: string;
  status: ParticipantStatus;
  withdrawal: WithdrawalJournal | null;
}

export type { Identity } from '../../../shared/contract';

export interface ConsentRecord {
  date: IsoDate;
  formVersion: number;
  locale: 'nb' | 'en';
  formHash: string;
  method: ConsentMethod;
  statements: string[];
  evidenceId: string | null;
  recordedAt: string;
  /** Set when the student chose to record consent on a letter with these [fields] unfilled. */
  unfilledFields?: string[];
  /** The consent was given before the vault existed and entered later (absent in records from before this was kept). */
  recordedAfterwards?: boolean;
}

export interface EvidenceRecord {
  filename: string;
  mediaType: string;
  size: number;
  sha256: string;
  base64: string;
}

export function registryEntry(keylist: RecordStore, code: string): RegistryEntry | null {
  return keylist.get<RegistryEntry>(T.participant, code)?.data ?? null;
}

export function requireActive(keylist: RecordStore, code: string): RegistryEntry {
  const entry = registryEntry(keylist, code);
  if (!entry) throw new HvelvError('UNKNOWN_PARTICIPANT', `no participant ${code}`);
  if (entry.status !== 'active') throw new HvelvError('PARTICIPANT_WITHDRAWN', `${code} has withdrawn consent`);
  return entry;
}

/** The consent that is in force: the one given most recently (by date, then when recorded). */
export function currentConsent(keylist: RecordStore, code: string): ConsentRecord | null {
  const all = keylist.list<ConsentRecord>(T.consent, { participant: code }).map((r) => r.data);
  all.sort((a, b) => (a.date === b.date ? a.recordedAt.localeCompare(b.recordedAt) : a.date.localeCompare(b.date)));
  return all.at(-1) ?? null;
}

/** Which purpose a write to a store's table serves. */
export function purposeOf(store: 'recordings' | 'transcripts', table: string): Purpose {
  if (store === 'recordings') return 'recording';
  return table === 'transcript' ? 'transcript' : 'analysis';
}
