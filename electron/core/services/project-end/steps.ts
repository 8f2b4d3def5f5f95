/**
 * The end date: "Opplysningene anonymiseres når prosjektet avsluttes … Datamaterialene
 * vil bli anonymisert og lydopptak slettet." Enforced without a passphrase, so that it
 * happens even if nobody opens Hvelv again: on the end date the key list and the
 * recordings (or, if the project chose so, every store) are destroyed: a tombstone,
 * then the key file, then the data files overwritten and removed. A crash part way
 * leaves the store unreadable (its key is gone first) and the next run finishes it.
 *
 * The steps, without the certificate's text: `hvelv enforce` with nothing due loads
 * neither SQLite nor the string catalogue (enforceProjectEndLazily); the app calls
 * project-end.ts's enforceProjectEndAsync and the tests its enforceProjectEnd, the same
 * steps with the text at hand. Where the thread must stay free (the app, the daily job),
 * the recordings' ciphertext is overwritten after the keys in slices, in the same pass
 * (enforceProjectEndWith answers the steps' 'overwrite').
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { daysUntil, localIsoDate, type IsoDate } from '../../../../shared/domain';
import type { SignatureVerifier } from '../../crypto/ed25519';
import { toB64 } from '../../crypto/encoding';
import { HvelvError, integrity } from '../../errors';
import { appendSystemEvent } from '../../stores/system-events';
import { fsyncDir, TEMP_SUFFIX, writeFileAtomic } from '../../vault/atomic-file';
import { isIsoDateTime, readHeader } from '../../vault/header';
import { AUDIT_STORE, DATA_STORES, isDestroyed, storeDbPath, storeDir, storeKeyPath, TOMBSTONE, type DataStore } from '../../vault/layout';
import { acquireLock } from '../../vault/lock';
import { insideVault, shredFile, shredFilesAsync } from '../../vault/safe-delete';
// Types only: the certificate's text needs the whole string catalogue, loaded only when a
// certificate is written (project-end.ts's enforceProjectEnd, or enforceProjectEndLazily).
import type { DeletionCertificate, DestroyedStore } from './documents';
import { placesAtEnd, readClearPlaces, type CertificatePlaces } from './backup-places';

const CLOCK_FILE = 'clock.json';

/**
 * better-sqlite3, loaded only when something is due: a daily run with nothing to do
 * needs no native module (it starts in a tenth of a second, see docs/benchmarks.md).
 */
const requireHere = createRequire(import.meta.url);
const sqlite = (): typeof import('better-sqlite3') => requireHere('better-sqlite3') as typeof import('better-sqlite3');
export const CERTIFICATE_DIR = 'certificates';

/** Destroyed completely: nothing left in the store's folder but its tombstone. */
function fullyDestroyed(vault: string, store: DataStore): boolean {
  const dir = storeDir(vault, store);
  return isDestroyed(vault, store) && fs.readdirSync(dir).every((f) => f === TOMBSTONE);
}

/**
 * A tombstone's counts; null when there is none or it is damaged (a bad sector, a sync
 * conflict, a hand): a damaged one is written again from what is left (destroyStore). Thrown,
 * its SyntaxError failed every run from then on: the store's key was never destroyed and the
 * vault never opened again.
 */
function tombstoneInfo(file: string): DestroyedStore | null {
  try {
    const t = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<DestroyedStore> | null;
    if (typeof t !== 'object' || t === null || !DATA_STORES.includes(t.store as DataStore)) return null;
    const n = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
    if (!n(t.records) || !n(t.participants) || !n(t.recordingFiles) || !n(t.recordingBytes)) return null;
    return { store: t.store!, records: t.records, participants: t.participants, recordingFiles: t.recordingFiles, recordingBytes: t.recordingBytes };
  } catch {
    return null;
  }
}

/** A destroyed store's counts: its tombstone's, or, that damaged, what is left of it (no key needed). */
function storeTombstone(vault: string, store: DataStore): DestroyedStore {
  return tombstoneInfo(path.join(storeDir(vault, store), TOMBSTONE)) ?? survey(vault, store);
}


export function storesDueAtEnd(endAction: 'anonymise' | 'delete-all'): DataStore[] {
  return endAction === 'anonymise' ? ['keylist', 'recordings'] : ['keylist', 'recordings', 'transcripts'];
}

/** clock.json's one field; anything else in the file is ignored. */
function clockLatestSeen(raw: string): string {
  const c = JSON.parse(raw) as { latestSeen?: unknown } | null;
  if (typeof c !== 'object' || c === null || !isIsoDateTime(c.latestSeen)) throw new Error('clock.json is damaged');
  return c.latestSeen;
}

/**
 * The time to judge the deadline by: the latest of the system clock, a time asked for
 * (`--now`, forward only), the latest time the owner's app signed into the header, and
 * the latest time any enforce run has seen. Setting the computer's clock back changes
 * none of the last three.
 */
export function effectiveNow(vault: string, headerLatest: string | undefined, now: Date, requested?: Date): Date {
  let t = now.getTime();
  if (requested) t = Math.max(t, requested.getTime());
  if (headerLatest) t = Math.max(t, Date.parse(headerLatest));
  try {
    t = Math.max(t, Date.parse(clockLatestSeen(fs.readFileSync(path.join(vault, CLOCK_FILE), 'utf8'))));
  } catch {
    /* none yet, or damaged: the signed time in the header still holds */
  }
  return new Date(t);
}

/**
 * What `verify` should say about clock.json: it is not signed (by design, see
 * docs/threat-model.md), so damage is a warning, not a failure; but never silence,
 * since a damaged or future clock changes when deletion comes.
 */
export function clockFileWarning(vault: string, now: Date): { code: 'clock-damaged' | 'clock-ahead'; message: string } | null {
  let raw: string;
  try {
    raw = fs.readFileSync(path.join(vault, CLOCK_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return { code: 'clock-damaged', message: `clock.json cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}` };
  }
  let seen: number;
  try {
    seen = Date.parse(clockLatestSeen(raw));
  } catch {
    return { code: 'clock-damaged', message: 'clock.json is damaged and is ignored; the signed time in the header still holds' };
  }
  // A day of slack for time zones and a machine whose clock was fixed since.
  if (seen > now.getTime() + 24 * 3600 * 1000) return { code: 'clock-ahead', message: `clock.json says ${new Date(seen).toISOString()} has been seen, later than now: deletion would come early` };
  return null;
}

function recordClock(vault: string, at: Date): void {
  writeFileAtomic(path.join(vault, CLOCK_FILE), new TextEncoder().encode(`${JSON.stringify({ latestSeen: at.toISOString() })}\n`));
}

/** No room on the disk (or in the user's quota): what deleting can fix. */
function noRoom(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

/**
 * Write what must come before a deletion (a tombstone) on a disk that may be full: when
 * there is no room, delete `frees` one at a time (files of the store being destroyed,
 * its key first: the very next step anyway) and try again. The write never waits for
 * room that only the deletion can make.
 */
function writeMakingRoom(write: () => void, frees: () => string[]): void {
  for (;;) {
    try {
      write();
      return;
    } catch (err) {
      if (!noRoom(err)) throw err;
      const next = frees()[0];
      if (!next) throw err;
      shredFile(next);
    }
  }
}

/** A store's files that may go to make room, the key first, then the largest: never the tombstone. */
function storeFilesToFree(vault: string, store: DataStore): string[] {
  const dir = storeDir(vault, store);
  const files: { p: string; size: number }[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name !== TOMBSTONE && !e.name.endsWith(TEMP_SUFFIX)) files.push({ p, size: fs.lstatSync(p).size });
    }
  };
  walk(dir);
  const key = storeKeyPath(vault, store);
  return files.sort((a, b) => (a.p === key ? -1 : b.p === key ? 1 : b.size - a.size)).map((f) => f.p);
}

export interface EnforceResult {
  vaultId: string;
  title: string;
  endDate: IsoDate;
  endAction: 'anonymise' | 'delete-all';
  effectiveDate: IsoDate;
  daysLeft: number;
  due: boolean;
  destroyedNow: DataStore[];
  destroyedBefore: DataStore[];
  certificate: { json: string; html: string } | null;
  /** A preview (`preview: true`): what would be destroyed at `effectiveDate`; nothing was. */
  wouldDestroy?: DataStore[];
}

/**
 * Run `count` on a store's database opened read-only. On a full disk SQLite cannot size
 * the shared-memory file a database in WAL mode needs even to be read (SQLITE_IOERR_SHMSIZE
 * at the first query); then, if no write-ahead log holds changes not yet in the file (there
 * is none after a clean close), the file's bytes are read into memory and counted there
 * (marked as a rollback-journal database in the copy, as SQLite needs to open a WAL
 * database's bytes in memory).
 */
function countIn<T>(file: string, count: (db: import('better-sqlite3').Database) => T): T {
  const Database = sqlite();
  const use = (db: import('better-sqlite3').Database): T => {
    try {
      return count(db);
    } finally {
      db.close();
    }
  };
  try {
    return use(new Database(file, { readonly: true, fileMustExist: true }));
  } catch (err) {
    let wal = 0;
    try {
      wal = fs.statSync(`${file}-wal`).size;
    } catch {
      /* none */
    }
    if (wal > 0) throw err;
    const bytes = fs.readFileSync(file);
    if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) {
      bytes[18] = 1;
      bytes[19] = 1;
    }
    return use(new Database(bytes, { readonly: true }));
  }
}

/** What a store holds, from its plaintext columns only (no key needed): for the certificate. */
function survey(vault: string, store: DataStore): DestroyedStore {
  const out: DestroyedStore = { store, records: 0, participants: 0, recordingFiles: 0, recordingBytes: 0 };
  const file = storeDbPath(vault, store);
  if (fs.existsSync(file)) {
    try {
      countIn(file, (db) => {
        const row = db.prepare('SELECT count(*) AS n, count(DISTINCT participant) AS p FROM records').get() as { n: number; p: number };
        out.records = row.n;
        out.participants = row.p;
        if (store === 'keylist') {
          out.participants = (db.prepare("SELECT count(*) AS n FROM records WHERE tbl = 'participant'").get() as { n: number }).n;
        }
      });
    } catch {
      /* a damaged store is destroyed all the same; the count stays 0 */
    }
  }
  const blobs = path.join(storeDir(vault, store), 'blobs');
  if (fs.existsSync(blobs)) {
    for (const f of fs.readdirSync(blobs)) {
      out.recordingFiles++;
      out.recordingBytes += fs.statSync(path.join(blobs, f)).size;
    }
  }
  return out;
}

/**
 * Destroy one store: tombstone first (so every later reader knows), then the key file
 * (from that moment the data are noise), then every data file overwritten and removed.
 * Idempotent: a run after a crash finishes what is left.
 */
export function destroyStore(vault: string, store: DataStore, info: DestroyedStore, at: Date, hooks: { afterStep?: (step: string) => void } = {}, deferBlobs?: string[]): void {
  const dir = storeDir(vault, store);
  fs.mkdirSync(dir, { recursive: true });
  // Never follow a store folder that was replaced by a link to somewhere else.
  if (fs.lstatSync(dir).isSymbolicLink()) throw integrity(`${store}: the store folder is a link; refusing to delete through it`);
  insideVault(vault, dir);
  const tomb = path.join(dir, TOMBSTONE);
  if (!tombstoneInfo(tomb)) {
    // On a full disk the key goes first to make room (the counts in `info` were taken
    // before anything was deleted, and a run after a crash counts the data files, which
    // need no key): the tombstone still comes before any data file is removed but that.
    const bytes = new TextEncoder().encode(`${JSON.stringify({ ...info, store, destroyedAt: at.toISOString(), reason: 'project-end' })}\n`);
    writeMakingRoom(() => writeFileAtomic(tomb, bytes), () => storeFilesToFree(vault, store));
  }
  hooks.afterStep?.('tombstone');
  if (fs.existsSync(storeKeyPath(vault, store))) {
    shredFile(storeKeyPath(vault, store));
    fsyncDir(dir);
  }
  hooks.afterStep?.('key');
  const blobs = path.join(dir, 'blobs');
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      // Dirent types come from lstat: a link to a folder is not a directory here.
      if (e.isDirectory()) {
        walk(p);
        if (!(deferBlobs && p === blobs && fs.readdirSync(p).length > 0)) fs.rmdirSync(p);
      } else if (deferBlobs && d === blobs) {
        // The recordings' ciphertext, keyless from the line above: overwritten afterwards
        // in slices (enforceSteps' 'overwrite'), the folder and the store left not fully
        // destroyed (no certificate) until then.
        deferBlobs.push(p);
      } else if (p !== tomb) {
        shredFile(p);
        hooks.afterStep?.(`file:${e.name}`);
      }
    }
  };
  walk(dir);
  fsyncDir(dir);
}

export interface EnforceOptions {
  crypto: SignatureVerifier;
  now: Date;
  requestedNow?: Date;
  ownerKey?: string;
  preview?: boolean;
  hooks?: { afterStep?: (step: string) => void };
}

/**
 * What the steps ask their driver for, the lock let go or held: the recordings' ciphertext
 * overwritten (keyless by then; `files`, in slices, with progress), or the certificate's
 * renderer (its text loaded only now).
 */
export type EnforceNeed = { need: 'overwrite'; files: string[] } | { need: 'certificate-renderer' };

/** Renders a deletion certificate as HTML (project-end-documents.ts's renderCertificateHtml). */
export type CertificateRenderer = (cert: DeletionCertificate) => string;

/**
 * Enforce the end date on a vault, with no passphrase. Nothing happens before the end
 * date. A header that does not verify (or is signed by another key than `ownerKey`,
 * the key pinned when the daily job was installed) is refused and reported, never
 * taken as a reason to wait.
 *
 * As steps, one pass: the tombstones, the key files and the records are destroyed at once.
 * With `inSlices`, the recordings' ciphertext (keyless from then on) is left to the driver:
 * the steps let the lock go and yield 'overwrite' with the files (seconds to minutes of
 * zeros, the thread free meanwhile; an open of the vault is not refused for that time, as
 * before), then take the lock again, remove the emptied folders, and go on to the
 * certificate. Before a certificate is written they yield once for the renderer of its
 * text (holding the lock). A driver answers each (enforceProjectEndWith; the synchronous
 * enforceProjectEnd runs without `inSlices` and overwrites in place).
 *
 * A crash while the driver overwrites leaves keyless ciphertext under a tombstone: the
 * store is not fully destroyed, so the next enforce (the daily job, the app's watch, the
 * next open) overwrites what is left and writes the certificate.
 */
export function* enforceSteps(vault: string, opts: EnforceOptions, inSlices = false): Generator<EnforceNeed, EnforceResult, CertificateRenderer | undefined> {
  const header = readHeader(vault, opts.crypto);
  if (opts.ownerKey && opts.ownerKey !== toB64(header.publicKey)) {
    throw integrity('the header is signed by a key other than the owner key this job was set up with');
  }
  const { settings } = header.body;
  let lock: ReturnType<typeof acquireLock> | null = acquireLock(vault, 'enforce');
  try {
    // Remember the latest real time seen; a --now preview is not a time that passed.
    // On a full disk that waits until the deletion has made room (below).
    const seen = effectiveNow(vault, settings.latestSeen, opts.now);
    let clockRecorded = false;
    try {
      recordClock(vault, seen);
      clockRecorded = true;
    } catch (err) {
      if (!noRoom(err)) throw err;
    }
    const eff = opts.requestedNow && opts.requestedNow > seen ? opts.requestedNow : seen;
    const today = localIsoDate(eff);
    const endDate = settings.endDate as IsoDate;
    const daysLeft = daysUntil(endDate, today);
    const targets = storesDueAtEnd(settings.endAction);
    const destroyedBefore = DATA_STORES.filter((s) => fullyDestroyed(vault, s));
    const result: EnforceResult = {
      vaultId: header.body.vaultId,
      title: settings.title,
      endDate,
      endAction: settings.endAction,
      effectiveDate: today,
      daysLeft,
      due: daysLeft <= 0,
      destroyedNow: [],
      destroyedBefore,
      certificate: null,
    };
    if (daysLeft > 0) return result;
    // A preview of a later day (`hvelv enforce --now …` without --yes) says what would go
    // and destroys nothing: the key list and the recordings are kept until the end date
    // the participants were told, and a typed date must not end the project early.
    if (opts.preview) return { ...result, wouldDestroy: targets.filter((s) => !destroyedBefore.includes(s)) };
    const later: string[] | undefined = inSlices ? [] : undefined;
    for (const store of targets) {
      if (destroyedBefore.includes(store)) continue;
      // After a crash the tombstone holds the counts taken before anything was deleted.
      const info = storeTombstone(vault, store);
      destroyStore(vault, store, info, eff, opts.hooks, later);
      result.destroyedNow.push(store);
    }
    if (!clockRecorded) recordClock(vault, seen);
    if (later && later.length > 0) {
      lock.release();
      lock = null;
      yield { need: 'overwrite', files: later };
      try {
        lock = acquireLock(vault, 'enforce');
      } catch (err) {
        // Another run finished the deletion meanwhile and the vault is held now (an open of it,
        // in this app or another Hvelv): nothing is left for this one, which is done, not failed
        // (the daily job reported VAULT_BUSY for a deletion carried out, the window's panel
        // vanished). Anything else left is the holder's, or the next run's.
        if (err instanceof HvelvError && err.code === 'VAULT_BUSY' && result.destroyedNow.every((s) => fullyDestroyed(vault, s)) && hasCertificate(vault)) return result;
        throw err;
      }
      // Another run (the daily job, an open in another Hvelv) joined while the lock was let go
      // and finished first: it removed the folders and wrote the certificate and the audit event.
      // Writing them again certified and audited one deletion twice.
      if (result.destroyedNow.every((s) => fullyDestroyed(vault, s)) && hasCertificate(vault)) return result;
      // The emptied blobs folders go (and anything put there meanwhile is overwritten in place).
      for (const store of result.destroyedNow) {
        if (!fullyDestroyed(vault, store)) destroyStore(vault, store, storeTombstone(vault, store), eff);
      }
    }
    // A certificate for every completed destruction, also when a crash came between
    // the last deletion and the certificate; written only when nothing is left of the
    // recordings (it says they are gone).
    if (result.destroyedNow.length > 0 || !hasCertificate(vault)) {
      const stores = targets.filter((s) => fullyDestroyed(vault, s)).map((s) => storeTombstone(vault, s));
      if (stores.length > 0) {
        const render = yield { need: 'certificate-renderer' };
        if (!render) throw new Error('enforceSteps: the driver gave no certificate renderer');
        result.certificate = writeCertificate(vault, render, {
          vaultId: header.body.vaultId,
          title: settings.title,
          endDate,
          endAction: settings.endAction,
          // When it was due (the time judged by: the end date reached, or a day asked
          // for with --now --yes), kept under its old name, which the app looks
          // certificates up by; and when it was carried out, by this computer's clock.
          executedAt: eff.toISOString(),
          dueOn: today,
          carriedOutAt: opts.now.toISOString(),
          stores,
          kept: DATA_STORES.filter((s) => !targets.includes(s)),
          // The backup places as the unlocked app last recorded them (the sealed list cannot
          // be read here): each holds a copy not yet erased until the app reaches it.
          ...backupPlacesNow(vault),
        });
        if (fs.existsSync(storeDbPath(vault, AUDIT_STORE))) {
          appendSystemEvent(storeDbPath(vault, AUDIT_STORE), header.body.vaultId, eff, 'project-end.enforced', {
            endDate,
            destroyed: stores.map((s) => s.store).join(','),
            participants: stores.find((s) => s.store === 'keylist')?.participants ?? 0,
            recordings: stores.find((s) => s.store === 'recordings')?.recordingFiles ?? 0,
          });
        }
      }
    }
    return result;
  } finally {
    lock?.release();
  }
}

/** Progress of the recordings' overwriting at the end date: bytes overwritten of the total. */
export type OverwriteProgress = (p: { bytes: number; total: number }) => void;

/**
 * Runs enforceSteps to the end in one pass, the thread free while the recordings' ciphertext
 * is overwritten: the keys and records go at once, the ciphertext then in slices
 * (shredFilesAsync; `onProgress` told, no Cancel: a promise to delete is kept), the
 * certificate last. `renderer` is asked for only when a certificate is to be written (under
 * the lock). If anything fails, the steps' own cleanup (the lock) runs and the error goes on.
 */
export async function enforceProjectEndWith(vault: string, opts: EnforceOptions, renderer: () => CertificateRenderer | Promise<CertificateRenderer>, onProgress?: OverwriteProgress): Promise<EnforceResult> {
  const steps = enforceSteps(vault, opts, true);
  let step = steps.next();
  try {
    while (!step.done) {
      if (step.value.need === 'overwrite') {
        await shredFilesAsync(step.value.files, onProgress);
        step = steps.next(undefined);
      } else step = steps.next(await renderer());
    }
  } finally {
    if (!step.done) steps.return(undefined as never);
  }
  return step.value;
}

/** `hvelv enforce`: the certificate's text (and with it every string of the app) loaded only when one is written. */
export function enforceProjectEndLazily(vault: string, opts: EnforceOptions, onProgress?: OverwriteProgress): Promise<EnforceResult> {
  return enforceProjectEndWith(vault, opts, async () => (await import('./documents')).renderCertificateHtml, onProgress);
}

function writeCertificate(vault: string, render: CertificateRenderer, cert: DeletionCertificate): { json: string; html: string } {
  const dir = path.join(vault, CERTIFICATE_DIR);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const base = `deletion-${cert.executedAt.slice(0, 10)}`;
  const json = path.join(dir, `${base}.json`);
  const html = path.join(dir, `${base}.html`);
  writeFileAtomic(json, new TextEncoder().encode(`${JSON.stringify(cert, null, 2)}\n`));
  writeFileAtomic(html, new TextEncoder().encode(render(cert)));
  return { json, html };
}

function backupPlacesNow(vault: string): { backupPlaces?: CertificatePlaces; placesUnknown?: true } {
  const clear = readClearPlaces(vault);
  return clear === 'unknown' ? { placesUnknown: true } : clear ? { backupPlaces: placesAtEnd(clear) } : {};
}

/**
 * Bring every certificate's list of backup places up to the vault's record (the unlocked app,
 * after a backup run reached a place or a disk was recorded destroyed), so the certificate
 * says of each place what `hvelv status` and the dashboard say. Nothing else in it changes.
 */
export function updateCertificatePlaces(vault: string, render: CertificateRenderer): number {
  const dir = path.join(vault, CERTIFICATE_DIR);
  if (!fs.existsSync(dir)) return 0;
  const now = backupPlacesNow(vault);
  let changed = 0;
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    const file = path.join(dir, f);
    let cert: DeletionCertificate;
    try {
      cert = JSON.parse(fs.readFileSync(file, 'utf8')) as DeletionCertificate;
    } catch {
      // A damaged certificate is left as it is: it must not stop the record of places being
      // written (every backup run, so every withdrawal reaching the places) nor the vault opening.
      continue;
    }
    if (typeof cert !== 'object' || cert === null) continue;
    if (JSON.stringify(cert.backupPlaces?.places) === JSON.stringify(now.backupPlaces?.places) && cert.placesUnknown === now.placesUnknown) continue;
    const { backupPlaces: _was, placesUnknown: _wasUnknown, ...rest } = cert;
    const next: DeletionCertificate = { ...rest, ...now };
    writeFileAtomic(file, new TextEncoder().encode(`${JSON.stringify(next, null, 2)}\n`));
    writeFileAtomic(file.replace(/\.json$/, '.html'), new TextEncoder().encode(render(next)));
    changed++;
  }
  return changed;
}

/**
 * Whether a certificate was written (a file there, readable or not): the deletion it certifies
 * is not certified again on a later day with that day's date.
 */
function hasCertificate(vault: string): boolean {
  try {
    return fs.readdirSync(path.join(vault, CERTIFICATE_DIR)).some((f) => f.endsWith('.json'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/**
 * The certificates already written, newest last. One damaged after it was written (a sync
 * conflict, a hand) is left out (its .html beside it still says what it said): thrown, its
 * SyntaxError failed every end-date run, so the vault never opened again, nor its overview.
 */
export function listCertificates(vault: string): DeletionCertificate[] {
  const dir = path.join(vault, CERTIFICATE_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      try {
        const c = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as DeletionCertificate | null;
        return typeof c === 'object' && c !== null && typeof c.executedAt === 'string' && Array.isArray(c.stores) ? [c] : [];
      } catch {
        return [];
      }
    });
}

