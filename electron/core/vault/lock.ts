/**
 * One process at a time changes a vault: the app while a session is open, or the
 * headless `hvelv enforce`. The lock is a file created with O_EXCL holding the pid
 * and host; a lock whose process is gone (a crash) is taken over.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HvelvError } from '../errors';

export const LOCK_FILE = 'hvelv.lock';

interface LockInfo {
  pid: number;
  host: string;
  since: string;
  purpose: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function readLock(vault: string): LockInfo | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(vault, LOCK_FILE), 'utf8')) as LockInfo;
  } catch {
    return null;
  }
}

/** Who holds the vault, if it is another live process on this host. */
export function lockHolder(vault: string): LockInfo | null {
  const info = readLock(vault);
  if (!info || info.pid === process.pid) return null;
  if (info.host === os.hostname() && !alive(info.pid)) return null;
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

export function acquireLock(vault: string, purpose: string): VaultLock {
  const key = lockKey(vault);
  const mine = heldHere.get(key);
  if (mine) throw new HvelvError('VAULT_BUSY', `the vault is already in use here (${mine})`);
  const file = path.join(vault, LOCK_FILE);
  const info = JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString(), purpose });
  for (let attempt = 0; attempt < 2; attempt++) {
    // Written whole under a temporary name, then linked into place: the lock file is
    // never seen empty, and link() fails if another process got there first.
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    try {
      fs.writeFileSync(tmp, info, { mode: 0o600, flag: 'wx' });
      try {
        fs.linkSync(tmp, file);
      } finally {
        fs.rmSync(tmp, { force: true });
      }
      heldHere.set(key, purpose);
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
      const holder = lockHolder(vault);
      if (holder) throw new HvelvError('VAULT_BUSY', `the vault is in use by process ${holder.pid} (${holder.purpose}) since ${holder.since}`);
      // Stale: its process is gone (or a crash of ours left it). Take it over.
      fs.rmSync(file, { force: true });
    }
  }
  throw new HvelvError('VAULT_BUSY', 'the vault lock could not be taken');
}
