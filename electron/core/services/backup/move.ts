/**
 * Moving a vault out of a synced folder (issue 28, "Synced folders"): the vault is copied to a
 * local folder, the copy is opened and verified, only then are the old vault's files shredded,
 * and the synced folder becomes a backup place, so the cloud keeps the copy the university asked
 * for, now encrypted, with withdrawals and the end date reaching it.
 *
 * Consistency: the caller holds the vault unlocked (this session) and makes no writes meanwhile.
 * Every store is read as SQLite's own consistent image (its WAL included), never as a live
 * file; each file of the vault is stat'ed before and after the copy, and a vault that changed
 * meanwhile is not moved. Each file is written whole under a temporary name, fsynced and renamed
 * into place; nothing is written in clear that the vault does not already hold in clear (the
 * files are the vault's own, byte for byte, or its stores' images, which are as encrypted as
 * the stores are). Any failure before the old files are touched removes the partial copy and
 * leaves the old vault as it was, still open.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { HvelvError } from '../../errors';
import type { Crypto } from '../../crypto/sodium';
import { openDb } from '../../stores/sqlite';
import { fsyncDir, writeFileAtomicWith, TEMP_SUFFIX } from '../../vault/atomic-file';
import { insideVault, shredFile } from '../../vault/safe-delete';
import { LOCK_FILE } from '../../vault/lock';
import { HEADER_FILE } from '../../vault/layout';
import { SUPERVISOR_HEADER } from '../supervisor/folder';
import { hasControlCharacter } from '../../../../shared/domain';
import type { VaultSession } from '../../vault/vault';
import { syncedBy } from '../notification';
import { isSyncMarker, realPathOf, type SyncContext } from './synced';
import { addPlace, readRecord } from './places';
import { runBackup, type PlaceResult } from './run';
import { jobName, systemdWord } from '../project-end/schedule';

/**
 * Written first in the new folder and removed once the records of the folder follow the move:
 * a folder holding it (with this vault's id) holds a move that was killed, whose leftovers the
 * next move there shreds before it copies.
 */
const MOVING = '.hvelv-move-incomplete';

function killedMoveOf(dir: string): string | null {
  try {
    const v = (JSON.parse(fs.readFileSync(path.join(dir, MOVING), 'utf8')) as { vaultId?: unknown }).vaultId;
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

/** What is not copied: the lock, temp files, a live database's journals (its image is), a backup place's folder, a sync client's markers. */
const SKIP = (name: string): boolean => name === LOCK_FILE || name.endsWith(TEMP_SUFFIX) || /-(wal|shm|journal)$/.test(name) || /^hvelv-backup-/.test(name) || isSyncMarker(name);

export interface MoveProgress {
  bytes: number;
  total: number;
}

export interface MoveOptions {
  now: () => Date;
  /**
   * Where the backup place goes: the old vault's folder (the default: it lies in the synced
   * folder the vault came from), a folder the student picked, or null for none.
   */
  backupIn?: string | null;
  onProgress?: (p: MoveProgress) => void;
  /** Tests: the sync clients' settings looked at (default: this machine's). */
  syncContext?: SyncContext;
  /** Where systemd user units are (XDG_CONFIG_HOME); the default is ~/.config. */
  configHome?: string;
  /** Tests: called after each file of the copy is in place (a fault injected there). */
  afterFile?: (rel: string) => void;
  /**
   * The copy verified, before the first old file is shredded: the caller's records of the
   * vault's folder (the app's recent list, which its end-date watch reads) follow here, so a
   * move killed while shredding leaves nothing naming the half-shredded old folder. A throw
   * here stops the move with the old vault whole.
   */
  beforeRemovingOld?: (from: string, to: string) => void;
}

export interface MoveResult {
  from: string;
  to: string;
  /** The vault, open at its new place: the caller holds it from now on (the old session is locked). */
  session: VaultSession;
  files: number;
  bytes: number;
  /** Files in the old folder that were not the vault's and were left there (a sync client's markers, the student's own). */
  leftInOldFolder: string[];
  /** The vault's own files that could not be shredded and are still in the old (synced) folder. */
  notShredded: string[];
  /** The backup place added in the synced folder, and how its first copy went (null: none asked). */
  backupPlace: string | null;
  backup: PlaceResult | null;
  backupError?: string;
  /** The daily end-date job (systemd) now runs on the new folder; 'none': no job was installed here. */
  dailyJob: 'moved' | 'none';
}

const fold = (p: string): string => (process.platform === 'darwin' || process.platform === 'win32' ? p.toLowerCase() : p);
const inside = (a: string, b: string): boolean => a === b || a.startsWith(b.endsWith(path.sep) ? b : b + path.sep);

/** A folder that is another vault or a supervisor's folder: never the vault's to move or shred, nor a place to move into. */
const holdsOther = (dir: string): boolean => fs.existsSync(path.join(dir, HEADER_FILE)) || fs.existsSync(path.join(dir, SUPERVISOR_HEADER));

/** The checks made before anything is written; the target as an absolute path. */
export function checkMoveTarget(vault: string, target: string, ctx?: SyncContext, vaultId?: string): string {
  if (!target.trim() || hasControlCharacter(target)) throw new HvelvError('INVALID_INPUT', 'the new folder must be a path without control characters');
  const abs = path.resolve(target);
  const [realTarget, realVault] = [realPathOf(abs), realPathOf(path.resolve(vault))].map(fold) as [string, string];
  if (inside(realTarget, realVault) || inside(realVault, realTarget)) throw new HvelvError('MOVE_TARGET_INSIDE', `${abs} is the vault, a folder inside it, or a folder that holds it`);
  // Nor inside another vault's folder or a supervisor's: that one's backups copy every file
  // under its folder, and this vault's withdrawals and end date would never reach them.
  for (let dir = path.dirname(realPathOf(abs)); ; dir = path.dirname(dir)) {
    if (holdsOther(dir)) throw new HvelvError('MOVE_TARGET_INSIDE', `${abs} lies inside ${dir}, another vault or a supervisor's folder`);
    if (path.dirname(dir) === dir) break;
  }
  const service = syncedBy(abs, ctx) ?? syncedBy(realPathOf(abs), ctx);
  if (service) throw new HvelvError('MOVE_TARGET_SYNCED', `${abs} is inside a folder ${service} synchronises: choose a local folder`);
  let st: fs.Stats | null = null;
  try {
    st = fs.lstatSync(abs);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new HvelvError('IO', `${abs} cannot be read: ${(err as Error).message}`);
  }
  const killed = st?.isDirectory() && vaultId !== undefined && killedMoveOf(abs) === vaultId;
  if (st && !killed && (!st.isDirectory() || fs.readdirSync(abs).length > 0)) throw new HvelvError('VAULT_EXISTS', `${abs} already exists and is not an empty folder`);
  return abs;
}

/**
 * A new folder that is one of this vault's backup places, lies inside one or holds one: the
 * vault would sit in (or be) its own copy's folder, what addPlace refuses for a place.
 */
export function checkNotAPlace(session: VaultSession, to: string): void {
  const real = fold(realPathOf(path.resolve(to)));
  for (const p of readRecord(session).places) {
    const place = fold(realPathOf(p.dir));
    if (inside(real, place) || inside(place, real)) throw new HvelvError('MOVE_TARGET_PLACE', `${to} is, lies in or holds ${p.dir}, a backup place of this vault: choose another folder`);
  }
}

interface Entry {
  rel: string;
  size: number;
  mtimeMs: number;
}

/**
 * The vault's files (regular files only: a link is never followed), and the extra files beside
 * them; a folder holding another vault or a supervisor's folder is left where it is (it has its
 * own session, lock, daily job and place in the recent list).
 */
function listVault(vault: string): { files: Entry[]; dirs: string[] } {
  const files: Entry[] = [];
  const dirs: string[] = [];
  const walk = (dir: string, base: string) => {
    insideVault(vault, dir);
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (SKIP(e.name)) continue;
      const rel = base ? `${base}/${e.name}` : e.name;
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (holdsOther(abs)) continue;
        dirs.push(rel);
        walk(abs, rel);
      } else if (e.isFile()) {
        const st = fs.lstatSync(abs);
        files.push({ rel, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
  };
  walk(vault, '');
  files.sort((a, b) => a.rel.localeCompare(b.rel));
  return { files, dirs };
}

/** Stores' journals too: a write to a store shows in its WAL before its file. */
function stamp(vault: string, files: readonly Entry[]): string {
  const parts: string[] = [];
  for (const f of files) {
    const abs = path.join(vault, ...f.rel.split('/'));
    for (const p of f.rel.endsWith('.sqlite') ? [abs, `${abs}-wal`] : [abs]) {
      try {
        const st = fs.statSync(p);
        parts.push(`${p}:${st.size}:${st.mtimeMs}`);
      } catch {
        parts.push(`${p}:-`);
      }
    }
  }
  return parts.join('\n');
}

const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Shred every regular file under `root` (links unlinked, never followed), then remove the emptied folders. */
function shredTree(root: string, only?: { files: readonly string[]; dirs: readonly string[] }): string[] {
  const left: string[] = [];
  if (!fs.existsSync(root)) return left;
  const files = only?.files ?? [];
  const dirs = only?.dirs ?? [];
  if (!only) {
    const walk = (dir: string, base: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const rel = base ? `${base}/${e.name}` : e.name;
        if (e.isDirectory()) {
          (dirs as string[]).push(rel);
          walk(path.join(dir, e.name), rel);
        } else (files as string[]).push(rel);
      }
    };
    walk(root, '');
  }
  for (const rel of files) {
    try {
      shredFile(path.join(root, ...rel.split('/')));
    } catch {
      left.push(rel);
    }
  }
  for (const rel of [...dirs].sort((a, b) => b.length - a.length)) {
    const dir = path.join(root, ...rel.split('/'));
    try {
      fs.rmdirSync(dir);
    } catch {
      left.push(rel);
    }
  }
  return left;
}

/**
 * Move the vault `session` holds to `target` (a new or empty local folder). On success the old
 * session is locked and the returned one is open at the new place; on failure before the old
 * files are touched, nothing of the copy is left and the old session is still open.
 */
export async function moveVault(session: VaultSession, target: string, crypto: Crypto, opts: MoveOptions): Promise<MoveResult> {
  const from = path.resolve(session.path);
  const to = checkMoveTarget(from, target, opts.syncContext, session.vaultId);
  checkNotAPlace(session, to);
  const backupIn = opts.backupIn === undefined ? from : opts.backupIn === null ? null : path.resolve(opts.backupIn);
  const { files, dirs } = listVault(from);
  const before = stamp(from, files);
  const total = files.reduce((n, f) => n + f.size, 0);
  const createdTarget = !fs.existsSync(to);
  let copy: VaultSession | null = null;
  let done = 0;
  const removeCopy = () => {
    try {
      copy?.lock();
    } catch {
      /* already failing; the copy is removed all the same */
    }
    copy = null;
    if (!fs.existsSync(to)) return;
    shredTree(to);
    if (createdTarget) fs.rmdirSync(to);
  };
  try {
    // A move of this vault killed here before: its leftovers are shredded first.
    if (!createdTarget && killedMoveOf(to) === session.vaultId) {
      const left = shredTree(to);
      if (left.length > 0) throw new HvelvError('MOVE_FAILED', `what a killed move left in ${to} could not be removed: ${left.slice(0, 3).join(', ')}`);
    }
    fs.mkdirSync(to, { recursive: true, mode: 0o700 });
    writeFileAtomicWith(path.join(to, MOVING), (write) => write(new TextEncoder().encode(JSON.stringify({ vaultId: session.vaultId }))));
    for (const d of dirs) {
      fs.mkdirSync(path.join(to, ...d.split('/')), { mode: 0o700 });
    }
    const hashes = new Map<string, string>();
    const touched = new Set<string>();
    for (const f of files) {
      const src = path.join(from, ...f.rel.split('/'));
      const dst = path.join(to, ...f.rel.split('/'));
      const hash = createHash('sha256');
      if (f.rel.endsWith('.sqlite')) {
        // SQLite's consistent image of the store (the WAL's pages included), never the live file.
        const db = openDb(src, { create: false, readonly: true });
        let image: Uint8Array;
        try {
          image = db.serialize();
        } finally {
          db.close();
        }
        writeFileAtomicWith(dst, (write) => write(image), undefined, undefined, false);
        hash.update(image);
        done += f.size;
      } else {
        const fd = fs.openSync(src, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
        const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
        try {
          writeFileAtomicWith(
            dst,
            (write) => {
              for (;;) {
                const n = fs.readSync(fd, buf, 0, buf.length, null);
                if (n === 0) break;
                const part = buf.subarray(0, n);
                hash.update(part);
                write(part);
                done += n;
              }
            },
            undefined,
            undefined,
            false,
          );
        } finally {
          fs.closeSync(fd);
        }
      }
      hashes.set(f.rel, hash.digest('hex'));
      touched.add(path.dirname(dst));
      opts.afterFile?.(f.rel);
      opts.onProgress?.({ bytes: Math.min(done, total), total });
      if (f.size > 1024 * 1024) await yieldNow();
    }
    for (const d of touched) fsyncDir(d);
    fsyncDir(to);
    // Read back: what is on the new disk is what was read from the old one.
    for (const f of files) {
      const h = createHash('sha256').update(fs.readFileSync(path.join(to, ...f.rel.split('/')))).digest('hex');
      if (h !== hashes.get(f.rel)) throw new HvelvError('MOVE_FAILED', `${f.rel} does not read back as written`);
    }
    if (stamp(from, files) !== before || listVault(from).files.length !== files.length) {
      throw new HvelvError('MOVE_FAILED', 'the vault changed while it was copied; nothing was moved, try again');
    }
    // Opened and verified as the vault: every record, key file and the audit chain.
    copy = session.openCopy(to);
    const problems = copy.verify();
    if (problems.length > 0) throw new HvelvError('MOVE_FAILED', `the copy does not verify: ${problems.slice(0, 3).join('; ')}`);
  } catch (err) {
    try {
      removeCopy();
    } catch {
      /* the original error is what the student needs to read */
    }
    if (err instanceof HvelvError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new HvelvError(code === 'ENOSPC' || code === 'EDQUOT' ? 'DISK_FULL' : 'MOVE_FAILED', `the vault could not be copied to ${to}: ${(err as Error).message}`, { cause: err });
  }
  const moved: VaultSession = copy;
  // What names the vault's folder follows it before any old file is touched (a move killed
  // while shredding must not leave the end date's job, or the app, on a half-shredded folder).
  // If that cannot be done, nothing is moved.
  let dailyJob: 'moved' | 'none' = 'none';
  try {
    dailyJob = moveDailyJob(moved.vaultId, from, to, opts.configHome);
    opts.beforeRemovingOld?.(from, to);
    fs.unlinkSync(path.join(to, MOVING));
    fsyncDir(to);
  } catch (err) {
    try {
      if (dailyJob === 'moved') moveDailyJob(moved.vaultId, to, from, opts.configHome);
    } catch {
      /* the original error is what the student needs to read */
    }
    try {
      removeCopy();
    } catch {
      /* as above */
    }
    throw new HvelvError('MOVE_FAILED', `the records of the vault's folder could not follow the move; nothing was moved: ${(err as Error).message}`, { cause: err });
  }
  // The copy holds; the old vault is closed (its lock released) and its files shredded. From
  // here the vault has moved: nothing below throws, what could not be removed is named.
  try {
    session.lock();
  } catch {
    /* its keys are wiped before its lock file is let go; a lock file gone with its folder is no matter */
  }
  let leftover: string[];
  try {
    leftover = removeOldVault(from, files.map((f) => f.rel), dirs);
  } catch {
    try {
      leftover = fs.existsSync(from) ? listAll(from).files : [];
    } catch {
      leftover = [from];
    }
  }
  // What is left is the vault's own (a copied file, or a journal, temp file or lock in one of
  // its folders) or not; the vault's own still there is said as such, never as the student's.
  const copied = new Set(files.map((f) => f.rel));
  const vaultDirs = new Set(['', ...dirs]);
  const own = (rel: string): boolean => rel === from || copied.has(rel) || (vaultDirs.has(path.posix.dirname(rel) === '.' ? '' : path.posix.dirname(rel)) && VAULT_OWN(path.posix.basename(rel)));
  const notShredded = leftover.filter(own);
  const leftInOldFolder = leftover.filter((r) => !own(r));
  try {
    moved.audit.append('vault.moved', { details: { files: files.length } });
  } catch {
    /* the move is done; its audit line is the only thing missing */
  }
  let backupPlace: string | null = null;
  let backup: PlaceResult | null = null;
  let backupError: string | undefined;
  if (backupIn) {
    try {
      fs.mkdirSync(backupIn, { recursive: true, mode: 0o700 });
      backupPlace = addPlace(moved, backupIn, opts.now()).dir;
      backup = (await runBackup(moved, crypto, opts.now, { only: backupPlace }))[0] ?? null;
    } catch (err) {
      backupError = (err as Error).message;
    }
  }
  return { from, to, session: moved, files: files.length, bytes: total, leftInOldFolder, notShredded, backupPlace, backup, ...(backupError ? { backupError } : {}), dailyJob };
}

/** The vault's own leftovers beside its files: the stores' journals, temp files, the lock. */
const VAULT_OWN = (name: string): boolean => name === LOCK_FILE || name.endsWith(TEMP_SUFFIX) || /-(wal|shm|journal)$/.test(name);

function listAll(root: string): { files: string[]; dirs: string[] } {
  const files: string[] = [];
  const dirs: string[] = [];
  const walk = (dir: string, base: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const rel = base ? `${base}/${e.name}` : e.name;
      if (e.isDirectory()) {
        dirs.push(rel);
        walk(path.join(dir, e.name), rel);
      } else files.push(rel);
    }
  };
  walk(root, '');
  return { files, dirs };
}

/**
 * The old vault's files shredded (the ones copied, and its own leftovers: the stores' journals,
 * temp files, the lock), its folders removed when emptied; anything else there is left and named.
 */
function removeOldVault(vault: string, files: readonly string[], dirs: readonly string[]): string[] {
  const extra: string[] = [];
  const vaultOwn = VAULT_OWN;
  const walk = (dir: string, base: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const rel = base ? `${base}/${e.name}` : e.name;
      if (e.isDirectory() && dirs.includes(rel)) walk(path.join(dir, e.name), rel);
      else if (vaultOwn(e.name)) extra.push(rel);
    }
  };
  walk(vault, '');
  const left = shredTree(vault, { files: [...files, ...extra], dirs });
  const remaining = listAll(vault).files;
  try {
    if (remaining.length === 0 && left.length === 0) fs.rmdirSync(vault);
  } catch {
    /* the folder itself may be kept by the sync client; it holds nothing of the vault */
  }
  return remaining;
}

/** A word as systemdWord wrote it, read back. */
function unSystemdWord(w: string): string {
  return w.slice(1, -1).replace(/\\x([0-9a-f]{2})|\\(["\\])|%%|\$\$/g, (all, hex: string | undefined, ch: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : (ch ?? all[0]!)));
}

/** The systemd user job that keeps the end date runs `enforce <vault>`: rewritten to the new folder. */
export function moveDailyJob(vaultId: string, from: string, to: string, configHome = path.join(os.homedir(), '.config')): 'moved' | 'none' {
  const unit = path.join(configHome, 'systemd', 'user', `${jobName(vaultId)}.service`);
  let text: string;
  try {
    text = fs.readFileSync(unit, 'utf8');
  } catch {
    return 'none';
  }
  // The job is this vault's (named by its id); the folder it names may be spelled otherwise
  // than `from` (through a link to the synced folder): the same folder on disk is the same job.
  const m = /"enforce" ("(?:[^"\\]|\\.)*")/.exec(text);
  const named = m ? unSystemdWord(m[1]!) : null;
  const same = named !== null && (named === from || fold(realPathOf(path.resolve(named))) === fold(realPathOf(from)));
  if (!m || !same) return 'none';
  const next = text.slice(0, m.index) + `"enforce" ${systemdWord(to)}` + text.slice(m.index + m[0].length);
  writeFileAtomicWith(unit, (write) => write(new TextEncoder().encode(next)));
  fs.chmodSync(unit, 0o644);
  spawnSync('systemctl', ['--user', 'daemon-reload'], { timeout: 20_000 });
  return 'moved';
}
