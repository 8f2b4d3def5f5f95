/**
 * The vault's own record of its backup places (`backup.sealed`, a private file sealed under
 * the user key, so it outlives the stores as the end date's promises must): which folders
 * get a copy, when each last got one, and the record of withdrawals and of the end date that
 * every place must be brought up to. Serves the letter's promises for the copies: a place not
 * updated since a withdrawal or the end date is named until it is.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { fromUtf8, utf8 } from '../../crypto/encoding';
import { HvelvError, integrity } from '../../errors';
import type { VaultSession } from '../../vault/vault';
import { hasControlCharacter, isIsoDate } from '../../../../shared/domain';
import { manifestSeqs, repoDir, type WithdrawalRecord } from './repository';
import { realPathOf } from './synced';
import { placeLabel, readClearPlaces, writeClearPlaces, type ClearPlace } from '../project-end/backup-places';
import { updateCertificatePlaces } from '../project-end/steps';
import { renderCertificateHtml } from '../project-end/documents';

const placeSchema = z.strictObject({
  dir: z.string().min(1).max(1000),
  addedAt: z.string(),
  /** When the last run finished there (the manifest's time), null before the first. */
  lastCopyAt: z.string().nullable(),
  lastSeq: z.number().int().min(0),
  /** When a run last found the folder (null: never). */
  lastSeenAt: z.string().nullable(),
  /** The student's word that the disk was destroyed (date), for a place that can no longer be reached. */
  destroyedOn: z.string().nullable().default(null),
  /** The withdrawals (codes) the copy there was last brought up to. */
  carried: z.array(z.string()).default([]),
  /** Whether the copy there was made after the end date destroyed stores (they are gone from it too). */
  endCarried: z.boolean().default(false),
  /**
   * A run found a copy of this vault there that this vault did not write last (a place removed
   * and added again over its old copy, another copy's): it may hold anyone withdrawn since, so
   * the place is not "never got a copy" until a run writes its own copy there.
   */
  copyFound: z.boolean().default(false),
});
export type Place = z.infer<typeof placeSchema>;

const recordSchema = z.strictObject({
  version: z.literal(1),
  /** The highest manifest sequence number written to any place: a new manifest is always later. */
  seq: z.number().int().min(0),
  places: z.array(placeSchema),
  /** Every withdrawal this vault has seen (from the key list's register), kept past the end date. */
  withdrawals: z.array(z.strictObject({ code: z.string(), date: z.string() })),
});
export type BackupRecord = z.infer<typeof recordSchema>;

const PURPOSE = 'backup';

export function readRecord(session: VaultSession): BackupRecord {
  const raw = session.readPrivateFile(PURPOSE);
  if (!raw) return { version: 1, seq: 0, places: [], withdrawals: [] };
  try {
    return recordSchema.parse(JSON.parse(fromUtf8(raw)));
  } catch (err) {
    throw integrity('backup.sealed is malformed', err);
  }
}

export function writeRecord(session: VaultSession, record: BackupRecord, now: Date = new Date()): void {
  session.writePrivateFile(PURPOSE, utf8(JSON.stringify(recordSchema.parse(record))));
  // The clear companion the deletion certificate is written from without the passphrase
  // (project-end/backup-places.ts), and the certificates already written brought up to it.
  writeClearPlaces(session.path, { format: 'hvelv-backup-places', version: 1, updatedAt: now.toISOString(), places: clearPlacesOf(record) });
  updateCertificatePlaces(session.path, renderCertificateHtml);
}

const clearPlacesOf = (record: BackupRecord): ClearPlace[] =>
  record.places.map((p, i) => ({ n: i + 1, label: placeLabel(p.dir), hasCopy: p.lastSeq > 0 || p.copyFound, lastCopyAt: p.lastCopyAt, endCarried: p.endCarried, destroyedOn: p.destroyedOn }));

/**
 * When the vault is opened: the clear list and the certificates' lists of places brought back
 * to the sealed record if they say otherwise (the clear file is unsigned: altered, damaged or
 * deleted, the dashboard showed, and the certificate kept, what it said). Nothing is written
 * when they agree, or when the vault never recorded a place.
 */
export function syncClearPlaces(session: VaultSession, now: Date): void {
  if (session.readPrivateFile(PURPOSE) === null && readClearPlaces(session.path) === null) return;
  const want = clearPlacesOf(readRecord(session));
  const have = readClearPlaces(session.path);
  if (have === null || have === 'unknown' || JSON.stringify(have.places) !== JSON.stringify(want)) {
    writeClearPlaces(session.path, { format: 'hvelv-backup-places', version: 1, updatedAt: now.toISOString(), places: want });
  }
  updateCertificatePlaces(session.path, renderCertificateHtml);
}

export function normalisePlace(dir: string): string {
  if (!dir.trim() || hasControlCharacter(dir)) throw new HvelvError('INVALID_INPUT', 'a backup place must be a folder path without control characters');
  return path.resolve(dir);
}

/** Add a place. It must not be inside the vault, nor hold it (a copy inside what it copies). */
export function addPlace(session: VaultSession, dir: string, now: Date): Place {
  const abs = normalisePlace(dir);
  // Compared as the file system sees them: a link into the vault, /var and /private/var, or
  // another case of the same folder on macOS and Windows are the same place.
  const fold = (p: string) => (process.platform === 'darwin' || process.platform === 'win32' ? p.toLowerCase() : p);
  const [real, vault] = [realPathOf(abs), realPathOf(path.resolve(session.path))].map(fold) as [string, string];
  const inside = (a: string, b: string) => a === b || a.startsWith(b + path.sep);
  if (inside(real, vault) || inside(vault, real)) throw new HvelvError('INVALID_INPUT', 'a backup place cannot be the vault, a folder inside it, or a folder that holds it');
  const record = readRecord(session);
  const existing = record.places.find((p) => p.dir === abs);
  if (existing) return existing;
  const place: Place = { dir: abs, addedAt: now.toISOString(), lastCopyAt: null, lastSeq: 0, lastSeenAt: null, destroyedOn: null, carried: [], endCarried: false, copyFound: false };
  writeRecord(session, { ...record, places: [...record.places, place] }, now);
  session.audit.append('backup.place-added', { details: { places: record.places.length + 1 } });
  return place;
}

/**
 * Stop copying to a place. The copy already there stays (Hvelv does not delete what it cannot
 * see); while the vault holds a withdrawal or an end date the place has not been brought up
 * to, removing it is refused, so it cannot fall out of the list of copies not yet erased.
 */
export function removePlace(session: VaultSession, dir: string, opts: { pending: boolean }, now: Date = new Date()): void {
  const abs = normalisePlace(dir);
  const record = readRecord(session);
  if (!record.places.some((p) => p.dir === abs)) throw new HvelvError('NOT_FOUND', `${abs} is not a backup place of this vault`);
  if (opts.pending) throw new HvelvError('INVALID_INPUT', `${abs} still holds data a withdrawal or the end date has removed from the vault: run a backup there first, or record the disk as destroyed`);
  writeRecord(session, { ...record, places: record.places.filter((p) => p.dir !== abs) }, now);
  session.audit.append('backup.place-removed', { details: { places: record.places.length - 1 } });
}

/** The student records that a place's disk was destroyed (for a place that can no longer be reached). */
export function recordDestroyed(session: VaultSession, dir: string, on: string, now: Date = new Date()): void {
  const abs = normalisePlace(dir);
  if (!isIsoDate(on)) throw new HvelvError('INVALID_INPUT', 'the date must be YYYY-MM-DD');
  const record = readRecord(session);
  if (!record.places.some((p) => p.dir === abs)) throw new HvelvError('NOT_FOUND', `${abs} is not a backup place of this vault`);
  // A copy that can be reached is not on a destroyed disk: recorded so, no run would erase it
  // again, and the certificate would call it destroyed while it holds the withdrawn.
  if (manifestSeqs(repoDir(abs, session.vaultId)).length > 0) {
    throw new HvelvError('INVALID_INPUT', `the copy in ${abs} can still be reached: run a backup there (it erases what the vault no longer holds) instead of recording its disk destroyed`);
  }
  writeRecord(session, { ...record, places: record.places.map((p) => (p.dir === abs ? { ...p, destroyedOn: on } : p)) }, now);
  session.audit.append('backup.place-destroyed', { details: { on } });
}

export function mergeWithdrawals(a: readonly WithdrawalRecord[], b: readonly WithdrawalRecord[]): WithdrawalRecord[] {
  const by = new Map<string, WithdrawalRecord>();
  for (const w of [...a, ...b]) if (!by.has(w.code)) by.set(w.code, { code: w.code, date: w.date });
  return [...by.values()].sort((x, y) => x.code.localeCompare(y.code));
}

/**
 * What a place still holds that the vault no longer does: withdrawals made since its last
 * copy (codes), and whether the end date has not reached it. A place the student recorded
 * as destroyed holds nothing.
 */
export function pendingAt(place: Place, record: BackupRecord, endReached: boolean): { withdrawals: string[]; end: boolean } {
  if (place.destroyedOn) return { withdrawals: [], end: false };
  // A place that never got a copy holds nothing to erase (unless a run found one there all the same).
  if (place.lastSeq === 0 && !place.copyFound) return { withdrawals: [], end: false };
  return { withdrawals: record.withdrawals.map((w) => w.code).filter((c) => !place.carried.includes(c)), end: endReached && !place.endCarried };
}

