/**
 * One process at a time changes a vault: the app while a session is open, or the
 * headless `hvelv enforce`. A lock whose process is gone (a crash) is taken over.
 *
 * The lock must be takeable on a full disk: the end-date deletion frees space and must
 * never need it first (issue 32). So where the system has them (Linux, macOS) the lock
 * is a symbolic link made with symlink(2), which fails if the name exists (as O_EXCL
 * does) and whose target is the holder: "<pid> <purpose> <since, seconds> <host hash>".
 * That is under 60 bytes, which ext4 and tmpfs (and other file systems with "fast"
 * symbolic links) keep inside the inode: no data block is written, and a full disk does
 * not stop it. It is never
 * seen half written, and nothing temporary is made beside it.
 *
 * Where symbolic links cannot be made (Windows without developer mode) it is, as before,
 * a small JSON file written whole under a temporary name and linked into place; that
 * temporary file is removed on every failure. A lock file of either kind left by an
 * earlier version or another platform is read as well.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { HvelvError } from '../errors';

export const LOCK_FILE = 'hvelv.lock';

interface LockInfo {
  pid: number;
  /** The host's name, or (in a link) "#" and a short hash of it: the same host is all that is asked. */
  host: string;
  since: string;
  purpose: string;
}

const hostTag = (host: string): string => `#${createHash('sha256').update(host).digest('hex').slice(0, 8)}`;

function sameHost(host: string): boolean {
  const here = os.hostname();
  return host === here || host === hostTag(here);
}

/** Whether a process with this id runs on this machine (one of another user's counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function linkTarget(info: LockInfo): string {
  return `${info.pid} ${info.purpose} ${Math.floor(Date.parse(info.since) / 1000)} ${hostTag(info.host)}`;
}

function parseLinkTarget(target: string): LockInfo | null {
  const m = /^(\d+) ([a-z-]+) (\d+) (#[0-9a-f]{8})$/.exec(target);
  if (!m) return null;
  return { pid: Number(m[1]), purpose: m[2]!, since: new Date(Number(m[3]) * 1000).toISOString(), host: m[4]! };
}

/** Something at the lock's name that no Hvelv made (a folder, a named pipe, a device): never read, never removed. */
const FOREIGN = Symbol('foreign');

/**
 * The lock at `file`: a link's target, or a small JSON file read without following links
 * and without blocking (a named pipe put there must not hang the daily job), or FOREIGN.
 */
function readLockAt(file: string): LockInfo | null | typeof FOREIGN {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return null;
  }
  if (st.isSymbolicLink()) {
    try {
      return parseLinkTarget(fs.readlinkSync(file));
    } catch {
      return null;
    }
  }
  if (!st.isFile()) return FOREIGN;
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOFOLLOW ?? 0));
    if (!fs.fstatSync(fd).isFile()) return FOREIGN;
    const buf = Buffer.alloc(4096);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    return JSON.parse(buf.subarray(0, n).toString('utf8')) as LockInfo;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export function readLock(vault: string): LockInfo | null {
  const info = readLockAt(path.join(vault, LOCK_FILE));
  return info === FOREIGN ? null : info;
}

/** Who holds the vault, if it is another live process on this host. */
export function lockHolder(vault: string): LockInfo | null {
  const info = readLock(vault);
  if (!info || info.pid === process.pid) return null;
  if (sameHost(info.host) && !processAlive(info.pid)) return null;
  return info;
}

export interface VaultLock {
  release(): void;
}

/** Locks this process holds, by the vault's real path: a second holder here is refused too. */
const heldHere = new Map<string, string>();

function lockKey(vault: string): string {
  try {
    return fs.realpathSync(vault);
  } catch {
    return path.resolve(vault);
  }
}

const TMP_NAME = /^hvelv\.lock\.(\d+)\.\d+\.tmp$/;

/**
 * Temporary lock files an earlier version left after a failure (it did not remove them
 * when the write itself failed, as on a full disk): those of a process that is gone.
 */
function sweepLockTemps(vault: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(vault);
  } catch {
    return;
  }
  for (const name of names) {
    const m = TMP_NAME.exec(name);
    if (m && Number(m[1]) !== process.pid && !processAlive(Number(m[1]))) fs.rmSync(path.join(vault, name), { force: true });
  }
}

/** Make the lock as a symbolic link: true if made, false where this system cannot make links. EEXIST goes on. */
function linkLock(file: string, info: LockInfo): boolean {
  if (process.platform === 'win32') return false;
  try {
    fs.symlinkSync(linkTarget(info), file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPERM' || code === 'ENOSYS' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') return false;
    throw err;
  }
}

/** The lock as a JSON file: written whole under a temporary name, then linked into place. The temporary file never stays. */
function fileLock(file: string, info: LockInfo): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(info), { mode: 0o600, flag: 'wx' });
    fs.linkSync(tmp, file);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

export function acquireLock(vault: string, purpose: string): VaultLock {
  const key = lockKey(vault);
  const mine = heldHere.get(key);
  if (mine) throw new HvelvError('VAULT_BUSY', `the vault is already in use here (${mine})`);
  const file = path.join(vault, LOCK_FILE);
  const info: LockInfo = { pid: process.pid, host: os.hostname(), since: new Date().toISOString(), purpose };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      if (!linkLock(file, info)) fileLock(file, info);
      heldHere.set(key, purpose);
      try {
        sweepLockTemps(vault);
      } catch {
        /* only tidying */
      }
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          heldHere.delete(key);
          const current = readLock(vault);
          if (current?.pid === process.pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new HvelvError('IO', `cannot lock the vault: ${(err as Error).message}`, { cause: err });
      if (readLockAt(file) === FOREIGN) throw new HvelvError('IO', `${file} is not a lock Hvelv made (a folder or a special file): move it away, then try again`);
      const holder = lockHolder(vault);
      if (holder) throw new HvelvError('VAULT_BUSY', `the vault is in use by process ${holder.pid} (${holder.purpose}) since ${holder.since}`);
      // Stale: its process is gone (or a crash of ours left it). Take it over, one taker at a time.
      takeOverStale(vault, file);
    }
  }
  throw new HvelvError('VAULT_BUSY', 'the vault lock could not be taken');
}

const GUARD_FILE = `${LOCK_FILE}.takeover`;
/** A takeover guard older than this whose process is gone was left by a crash during a takeover. */
const GUARD_STALE_MS = 60_000;

/**
 * Remove a stale lock so that it can be taken, without ever removing a live one. Two
 * processes that both found the same stale lock must not both remove "it": the second
 * would remove the first one's fresh lock and both would hold the vault. So a taker first
 * makes the guard (a link, made only if absent), reads the lock again under it, and
 * removes it only if it is still stale; a taker that cannot make the guard gives way.
 * A lock made meanwhile by someone else is never removed: only the guard's holder removes
 * locks, and it re-reads under the guard.
 */
function takeOverStale(vault: string, file: string): void {
  const guard = path.join(vault, GUARD_FILE);
  const mine = `${process.pid} takeover ${Math.floor(Date.now() / 1000)} ${hostTag(os.hostname())}`;
  try {
    if (process.platform === 'win32') fs.writeFileSync(guard, mine, { flag: 'wx', mode: 0o600 });
    else fs.symlinkSync(mine, guard);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new HvelvError('IO', `cannot lock the vault: ${(err as Error).message}`, { cause: err });
    // Another taker is at it; or one died during its takeover long ago: that guard is cleared for the next try.
    const held = readLockAt(guard);
    const age = (() => {
      try {
        return Date.now() - fs.lstatSync(guard).mtimeMs;
      } catch {
        return 0;
      }
    })();
    if (held !== FOREIGN && (held === null || (sameHost(held.host) && !processAlive(held.pid))) && age > GUARD_STALE_MS) fs.rmSync(guard, { force: true });
    throw new HvelvError('VAULT_BUSY', 'another process is taking over the vault lock');
  }
  try {
    const again = readLockAt(file);
    if (again === FOREIGN) throw new HvelvError('IO', `${file} is not a lock Hvelv made (a folder or a special file): move it away, then try again`);
    const stale = again === null || again.pid === process.pid || (sameHost(again.host) && !processAlive(again.pid));
    if (!stale) throw new HvelvError('VAULT_BUSY', `the vault is in use by process ${again.pid} (${again.purpose}) since ${again.since}`);
    fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(guard, { force: true });
  }
}
