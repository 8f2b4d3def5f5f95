/** The app's side of backups (issue 28): Settings → Sikkerhetskopi, over electron/core/services/backup/. */
import { z } from 'zod';

export interface BackupPlaceView {
  dir: string;
  /** When it last got a copy (ISO), null: never. */
  lastCopyAt: string | null;
  reachable: boolean;
  destroyedOn: string | null;
  /** How many people who withdrew the copy there still holds. */
  pendingWithdrawals: number;
  /** The end date has destroyed stores in the vault that the copy there still holds. */
  notErased: boolean;
}

export interface BackupView {
  places: BackupPlaceView[];
  /** The newest copy in any place (ISO), null: none. */
  newestCopyAt: string | null;
  /**
   * What the dashboard reminds of, most pressing first: a copy still holding what a withdrawal
   * or the end date removed; no copy for more than a week (or never); a place not seen for a week.
   */
  reminder: null | 'notErased' | 'old' | 'unseen';
  /** The cloud service whose synced folder holds the vault, if one is recognised. */
  syncedBy: string | null;
}

export interface BackupRunView {
  view: BackupView;
  results: { dir: string; outcome: 'copied' | 'unreachable' | 'failed' | 'refused'; reason?: 'newer-there' | 'not-found'; newBytes: number }[];
}

export const backupApi = {
  'backup.get': { input: z.strictObject({}) },
  /** Choose a folder in main's dialog and add it (null: cancelled). */
  'backup.addPlace': { input: z.strictObject({}) },
  'backup.removePlace': { input: z.strictObject({ dir: z.string().min(1).max(1000) }) },
  'backup.run': { input: z.strictObject({}) },
  /** Read every piece of every reachable place back: the problems found in each. */
  'backup.verify': { input: z.strictObject({}) },
  /** The first screen's "Hent fra sikkerhetskopi": a vault again from a backup place, into a new or empty folder. */
  'backup.restore': {
    input: z.strictObject({
      from: z.string().min(1).max(1000),
      to: z.string().min(1).max(1000),
      passphrase: z.string().min(1).max(1024),
      allowOlder: z.boolean().default(false),
      /** Further places or vaults whose withdrawals and end date apply (`--also`). */
      also: z.array(z.string().min(1).max(1000)).max(20).default([]),
    }),
  },
  /**
   * "Flytt hvelvet til en lokal mappe …": choose the new folder in main's dialog. Main keeps
   * the path it chose (the page only shows it); refused targets (synced, not empty, inside the
   * vault) are refused here, before anything is shown as planned. Null: cancelled.
   */
  'backup.chooseMoveTarget': { input: z.strictObject({}) },
  /** Move the vault to the folder chosen last (backup/move.ts); progress under `jobId`. */
  'backup.move': { input: z.strictObject({ jobId: z.string().min(1).max(100).optional() }) },
  /** The student's word that a place's disk was destroyed, with the date (`hvelv backup destroyed`). */
  'backup.destroyed': { input: z.strictObject({ dir: z.string().min(1).max(1000), on: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }) },
} as const;

export interface RestoreView {
  vault: string;
  copyMadeAt: string;
  newestKnownAt: string;
  applied: { code: string; date: string }[];
  /** The places the copy's own record names, and whether each was read. */
  places: { dir: string; outcome: 'read' | 'unreachable' | 'same'; madeAt?: string }[];
  endFromSource: boolean;
}

export interface MovePlan {
  /** The folder main's dialog returned, where the vault will be. */
  to: string;
  /** The folder that becomes a backup place (the vault's present folder). */
  backupIn: string;
  /** The cloud service keeping the vault's present folder, if recognised. */
  service: string | null;
}

export interface MoveView {
  to: string;
  backupPlace: string | null;
  /** Whether the first copy to the backup place was made. */
  backupCopied: boolean;
  leftInOldFolder: string[];
  /** The vault's own files that could not be shredded: still in the old (synced) folder. */
  notShredded: string[];
  dailyJob: 'moved' | 'none';
  /** The cloud service the vault came from (what it still keeps is said). */
  service: string | null;
  view: BackupView;
}

export interface BackupOutputs {
  'backup.get': BackupView;
  'backup.addPlace': BackupView | null;
  'backup.removePlace': BackupView;
  'backup.run': BackupRunView;
  'backup.verify': { dir: string; problems: string[] }[];
  'backup.restore': RestoreView;
  'backup.destroyed': BackupView;
  'backup.chooseMoveTarget': MovePlan | null;
  'backup.move': MoveView;
}
