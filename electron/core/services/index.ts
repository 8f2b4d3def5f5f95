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
import { ANALYSIS_HOLDINGS } from './analysis/holdings';
import { PARTICIPANT_HOLDINGS } from './participants/holdings';
import { RECORDING_HOLDINGS } from './recordings/holdings';
import { SUPERVISOR_HOLDINGS } from './supervisor/holdings';
import { TRANSCRIPT_HOLDINGS } from './transcripts/holdings';

export const PARTICIPANT_DATA: readonly ParticipantData[] = [...PARTICIPANT_HOLDINGS, ...RECORDING_HOLDINGS, ...TRANSCRIPT_HOLDINGS, ...ANALYSIS_HOLDINGS, ...SUPERVISOR_HOLDINGS];

/** The receipt's rows, in order (a row several registrations share appears once). */
export const PARTICIPANT_DATA_KINDS: readonly string[] = [...new Set(PARTICIPANT_DATA.map((d) => d.kind))];
