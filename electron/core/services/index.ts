/**
 * The features of core, a folder each, and the one registry of what Hvelv holds about a
 * participant.
 *
 *   participants/  the key list's operations: codes, consent, withdrawal, access requests
 *                  (the letter: voluntary, withdraw at any time and all is deleted; see,
 *                  correct and delete what is held)
 *   recordings/    recordings sealed as they are imported, their waveform, playback in
 *                  ranges (recordings are locked away)
 *   transcripts/   transcripts and the formats they come in
 *   deidentify/    the identifying-details check (names replaced by a code)
 *   analysis/      the thematic analysis inside the vault
 *   attributes/    participant attributes (a role, an age band) to compare coded passages
 *                  by, generalised by default (sealed under the participant's key; the
 *                  identifying ones end with the key list)
 *   exchange/      REFI-QDA projects and codebooks in and out
 *   supervisor/    the supervisor's read-only, time-limited share, and feedback (only the
 *                  student and the supervisor have access)
 *   asr/           automatic drafts on the student's own machine
 *   project/       making, opening, checking the vault, its session and the app's settings
 *   project-end/   the end date, kept even when nobody opens the app (anonymised, the
 *                  recordings and the key list deleted)
 *   backup/        encrypted copies in backup places, and restore; withdrawal and the end
 *                  date reach every copy (the same promises, for the copies)
 *
 * PARTICIPANT_DATA is every kind of data a feature keeps about a participant, in the order
 * the withdrawal dialog, the receipt and the access request list them. A new feature that
 * keeps anything about a person adds its registration here; tests/core/participant-data.test.ts
 * fails on a store table with a participant's rows that no registration claims.
 */
import type { ParticipantData } from '../vault/participant-data';
import type { DataStore } from '../vault/layout';
import type { VaultSession } from '../vault/vault';
import { ANALYSIS_HOLDINGS } from './analysis/holdings';
import { ATTRIBUTE_HOLDINGS } from './attributes/holdings';
import { PARTICIPANT_HOLDINGS } from './participants/holdings';
import { RECORDING_HOLDINGS } from './recordings/holdings';
import { ASR_HOLDINGS } from './asr/holdings';
import { SUPERVISOR_HOLDINGS } from './supervisor/holdings';
import { TRANSCRIPT_HOLDINGS } from './transcripts/holdings';

export const PARTICIPANT_DATA: readonly ParticipantData[] = [...PARTICIPANT_HOLDINGS, ...RECORDING_HOLDINGS, ...ASR_HOLDINGS, ...TRANSCRIPT_HOLDINGS, ...ANALYSIS_HOLDINGS, ...ATTRIBUTE_HOLDINGS, ...SUPERVISOR_HOLDINGS];

/**
 * What a supervisor's share carries of the participants' data, kind by kind, with how many
 * items of each for the participants it holds, and what it does not carry (recordings
 * unless this supervisor is given them): the share's plan shows both, in the receipt's words.
 */
export function shareHoldings(session: VaultSession, codes: readonly string[], recordingsChosen: boolean): { carries: { kind: string; count: number }[]; never: string[] } {
  const carried = (d: ParticipantData): boolean => d.inShare === true || (d.inShare === 'if-chosen' && recordingsChosen);
  const counts = new Map<string, number>();
  for (const d of PARTICIPANT_DATA.filter(carried)) counts.set(d.kind, (counts.get(d.kind) ?? 0) + codes.reduce((n, c) => n + d.count(session, c), 0));
  // A kind the share could carry but of which these participants have nothing is not listed at all.
  return { carries: [...counts].filter(([, n]) => n > 0).map(([kind, count]) => ({ kind, count })), never: PARTICIPANT_DATA_KINDS.filter((k) => !counts.has(k)) };
}

/**
 * What the end date does to each kind of a participant's data, given the stores it
 * destroyed: a kind is deleted when every table of it was in one of them, and kept
 * (with no link to names) otherwise. The deletion certificate lists both, in the receipt's
 * words; the end date itself runs without the passphrase, store by store.
 */
export function kindsAtEnd(destroyed: readonly DataStore[]): { deleted: string[]; kept: string[] } {
  const gone = (k: string): boolean => PARTICIPANT_DATA.filter((d) => d.kind === k).every((d) => d.tables.every((t) => destroyed.includes(t.store)));
  return { deleted: PARTICIPANT_DATA_KINDS.filter(gone), kept: PARTICIPANT_DATA_KINDS.filter((k) => !gone(k)) };
}

/** The receipt's rows, in order (a row several registrations share appears once). */
export const PARTICIPANT_DATA_KINDS: readonly string[] = [...new Set(PARTICIPANT_DATA.map((d) => d.kind))];
