/**
 * The shape of one registration in the registry of what Hvelv holds about a participant
 * (the list itself: electron/core/services/index.ts). Each feature registers what it
 * keeps about a person once, here, and withdrawal, the dialog that asks before it, the
 * receipt and the access request iterate the registry without naming a feature: so a new
 * feature cannot forget the letter's promise that withdrawal deletes all of a person's data
 * and that they may see all of it (tests/core/participant-data.test.ts fails on a store
 * table holding a participant's rows that no registration claims).
 */
import type { Locale } from '../../../shared/i18n/catalogue';
import type { DataStore } from './layout';
import type { VaultSession } from './vault';

/** Where a kind of data is kept: a table of one of the vault's stores. */
export interface HeldIn {
  store: DataStore;
  table: string;
}

/** Writes one file of an access request (path relative to its folder; `what` is the cover letter's row). */
export type AccessWriter = (rel: string, data: string | Uint8Array, what: string) => void;

export interface AccessContext {
  session: VaultSession;
  code: string;
  locale: Locale;
  now: () => Date;
  write: AccessWriter;
  /** The folder being written (for data streamed to a file, such as a recording). */
  folder: string;
  /** Record a file written directly into the folder (not through `write`). */
  wrote(rel: string, what: string): void;
}

/**
 * What a registration finishes once the participant's rows are gone: a step run at once,
 * or files to overwrite (a recording's sealed blob, unreadable already: its key was in the
 * rows). The withdrawal overwrites those last, once every store has destroyed the person,
 * in slices that leave the thread free, with progress; a crash before they are done leaves
 * only ciphertext, which the orphan sweep at the next open removes.
 */
export type AfterDestroy = (() => void) | { shred: readonly string[] };

export interface ParticipantData {
  /**
   * The row of the withdrawal dialog, the receipt and the audit entry: the catalogue says
   * it as `kind.<kind>` in every language. Several registrations may share a row.
   */
  kind: string;
  /** Every table holding this kind's rows for a participant; withdrawal destroys them with the participant's keys. */
  tables: readonly HeldIn[];
  /** How many items of this kind a withdrawal would destroy now (a waveform belongs to its recording, so counts nothing). */
  count(session: VaultSession, code: string): number;
  /**
   * Before the rows of `store` are destroyed: what must read them first (quotes of the
   * person elsewhere marked, the blobs their keys open listed). Returns what to finish once
   * they are gone (the blobs shredded), if anything.
   */
  beforeDestroy?(session: VaultSession, code: string, store: DataStore, now: () => Date): AfterDestroy | void;
  /** Its part of an access request (GDPR art. 15): what is held, in a form the person can read. */
  access?(ctx: AccessContext): Promise<void> | void;
  /**
   * Whether a supervisor's share carries it (pseudonymised, under the share's own key);
   * 'if-chosen': only for a supervisor the student chose to give it to (recordings).
   */
  inShare: boolean | 'if-chosen';
}
