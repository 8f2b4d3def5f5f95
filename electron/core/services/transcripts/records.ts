/**
 * How a transcript is stored: its table and record. Apart from the Transcripts service so
 * that the analysis reads transcripts without importing the service that, on an edit,
 * moves the analysis's coded passages (the one arrow between the two runs transcripts →
 * analysis: an edit calls the analysis's remapAfterEdit).
 */
import type { AsrLanguage } from '../../../../shared/asr';
import type { DeidKind } from '../../../../shared/domain';
import type { TodayProgress } from '../../../../shared/transcription';
import type { SyncPoint, TranscriptFormat } from './formats';

export const TRANSCRIPT_TABLE = 'transcript';
/** The project's remembered "not identifying" choices: one record, no participant. */
export const DEID_CHOICES_TABLE = 'deid_choices';
/**
 * In the key list: the replacements of identifying details not yet accepted, one record per
 * transcript (id = the transcript's), under the participant's key. They hold the words that
 * were taken out, so they live where the names live: the end date destroys the key list,
 * and the words with it, even when nobody opens the app (the transcripts store is kept,
 * anonymised).
 */
export const DEID_PENDING_TABLE = 'deid_pending';

export interface PendingRecord {
  replacements: PendingReplacement[];
}

export interface TranscriptRecord {
  text: string;
  syncPoints: SyncPoint[];
  sourceFormat: TranscriptFormat | 'hvelv' | 'asr';
  complete: boolean;
  /**
   * Made by speech recognition (shared/asr.ts): which model, which language, and when
   * the student said it was checked. Absent in transcripts typed or imported.
   */
  draft?: { model: string; language: AsrLanguage; checkedAt: string | null; machine?: MachineText };
  recordingId: string | null;
  createdAt: string;
  updatedAt: string;
  /**
   * Terms the user marked as not identifying in this transcript, from before the choices
   * were kept for the whole project (DEID_CHOICES_TABLE); read until that record exists.
   */
  kept?: string[];
  /**
   * What the check found the last time the key list was there (issue 15): the count, and
   * the key list's own findings, so that after the key list is deleted they are still
   * listed (they are words of this text; nothing the text does not hold) and the count of
   * what is left does not shrink. Kept in step with removals after the end.
   */
  lastWithKeyList?: { at: string; unresolved: number; keyList: Span[] };
  /** Speaker labels for Ctrl+1…8, of the student's choosing (absent: the defaults, I and B). */
  speakers?: string[];
  /** Today's counters for the workspace's progress (words typed, pace). */
  today?: TodayProgress;
  /** When an edit was last written to the audit log: autosaves are logged once per quarter hour. */
  editAuditedAt?: string;
  /**
   * Replacements of identifying details not yet accepted (issue 29: "Supported Employment"
   * became "[navn]" with no way back), oldest first, each with the words it took out so
   * the last can be undone. Written here by versions before the key list held them
   * (DEID_PENDING_TABLE): still read, moved there at the next change, and dropped once the
   * key list is gone (transcripts.ts).
   */
  pendingReplacements?: PendingReplacement[];
}

/**
 * Machine text not yet checked (shared/machine-text.ts): how many passages the draft had,
 * and those the student has neither heard nor edited, each known by its stamp's time and
 * the SHA-256 of its words as the engine wrote them (so an edit shows as a change of
 * words, and the count survives reopening). Absent in drafts made before it existed.
 */
export interface MachineText {
  total: number;
  unchecked: { ms: number; sha: string }[];
}

/** One click on "Bytt ut valgte": where each placeholder went, and what it replaced. */
export interface PendingReplacement {
  at: string;
  /** The text right after the replacement (sha256): an undo applies to that text only. */
  after: string;
  /** In the text after the replacement (UTF-16 offsets), in order. */
  items: { start: number; end: number; was: string; with: string }[];
}

/** A key-list finding remembered: where, what kind, and the words (to see it is still there). */
export interface Span {
  start: number;
  end: number;
  kind: DeidKind;
  text: string;
}
