/**
 * The text for Sikt's notification form and the data management plan (issue 33): what
 * the vault's settings and state are, as facts without personal data (counts, dates,
 * random ids, model file names), and the IPC methods of the page that shows the text.
 * Joined into the contract (shared/contract.ts) as the supervisor's methods are.
 */
import { z } from 'zod';
import type { IsoDate } from './domain';
import { LOCALES, type Locale } from './i18n/catalogue';

/** The sections of the text, in the order of Sikt's form and of a typical data management plan. */
export const NOTIFICATION_SECTIONS = ['storage', 'access', 'processors', 'withdrawal', 'end', 'deidentification'] as const;
export type NotificationSection = (typeof NOTIFICATION_SECTIONS)[number];

/** A supervisor as the text needs one: no label (it may be a name), only a random id, dates and the switch. */
export interface NotificationSupervisor {
  id: string;
  until: IsoDate;
  recordings: boolean;
}

/**
 * Everything the text is written from. No names, no participant codes: counts, dates,
 * random ids and the file names of speech models. A snapshot of this is what is kept
 * (sealed in the vault) when the student copies or saves the text.
 */
export interface NotificationFacts {
  endDate: IsoDate;
  endAction: 'anonymise' | 'delete-all';
  siktRef: string;
  /** Argon2id's cost, from the vault's header. */
  kdf: { opslimit: number; memlimit: number };
  autoLockMinutes: number;
  /** A cloud service whose synchronised folder holds the vault (by the folder's name), or null. */
  syncedBy: string | null;
  /** Stores already destroyed at the end date. */
  destroyed: ('keylist' | 'recordings' | 'transcripts')[];
  /** When the end date's deletion ran (the latest certificate), or null. */
  deletedOn: IsoDate | null;
  participants: { active: number; withdrawn: number };
  recordings: number;
  transcripts: { total: number; imported: number; drafts: number; withFindings: number };
  /** The speech model files the vault's automatic drafts were made with, sorted. */
  draftModels: string[];
  /** Supervisors with access now (not removed), in the order they were added. */
  supervisors: NotificationSupervisor[];
  /** Removed supervisors who may still hold a copy made before: how many, and until when at the latest. */
  removedHolding: { count: number; until: IsoDate | null };
  /** Moves of the end date, oldest first. */
  endDateMoves: { from: IsoDate; to: IsoDate; changedOn: IsoDate }[];
  /** The operating system's daily deletion job: installed, not installed, or not known here (null). */
  dailyJob: boolean | null;
  /**
   * The backup places (issue 28), each as the cloud service that synchronises it or null (a
   * local folder, an external disk, a network share): never the paths. Absent in snapshots
   * taken before backups were named in the text.
   */
  backupPlaces?: (string | null)[];
}

/** One change since the text was last copied or saved; `notice`: Sikt must be sent a change notice. */
export interface NotificationChange {
  text: string;
  notice: boolean;
}

export interface NotificationText {
  locale: Locale;
  title: string;
  /** "Produced on … from the vault's settings". */
  produced: string;
  sections: { id: NotificationSection; heading: string; paragraphs: string[] }[];
}

/** What the page shows. */
export interface NotificationView {
  text: NotificationText;
  /** The same as Markdown, for the clipboard. */
  markdown: string;
  producedOn: IsoDate;
  /** When the student last copied or saved the text (null: never). */
  lastCopiedOn: IsoDate | null;
  changes: NotificationChange[];
}

const locale = z.enum(LOCALES);

export const notificationApi = {
  /** The text as the vault stands now, and what changed since it was last copied. */
  'notification.get': { input: z.strictObject({ locale }) },
  /** The student copied the text: keep a snapshot of its facts, to compare against next time. */
  'notification.copied': { input: z.strictObject({ locale }) },
  /** Save the text as .docx or .md where the student chooses (null: cancelled); keeps a snapshot as copying does. */
  'notification.save': { input: z.strictObject({ locale, format: z.enum(['docx', 'md']) }) },
} as const;

export interface NotificationOutputs {
  'notification.get': NotificationView;
  'notification.copied': NotificationView;
  'notification.save': string | null;
}
