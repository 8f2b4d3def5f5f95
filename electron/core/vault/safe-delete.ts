/**
 * Overwrite-and-remove for files inside a vault, refusing to follow links: someone
 * who can write the vault folder (a sync service, another account) must not be able
 * to point a blob or a store folder at the user's other files and have Hvelv zero
 * them. Only regular files under the vault's real path are touched.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { integrity } from '../errors';

/** The real path of `p`, which must lie inside the real path of `vault`. */
export function insideVault(vault: string, p: string): string {
  const root = fs.realpathSync(vault);
  const real = fs.realpathSync(p);
  if (real !== root && !real.startsWith(root + path.sep)) throw integrity(`${p} leads outside the vault`);
  return real;
}

/** Zero a regular file's bytes, sync, unlink. Links are unlinked, never followed. Missing is fine. */
export function shredFile(file: string): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!st.isFile()) {
    // A symlink (or anything else) where a data file should be: remove the entry only.
    if (st.isSymbolicLink()) fs.unlinkSync(file);
    return;
  }
  if (st.nlink > 1) {
    // A hard link: the same bytes are someone else's file too. Remove our name only.
    fs.unlinkSync(file);
    return;
  }
  const fd = fs.openSync(file, fs.constants.O_RDWR | (fs.constants.O_NOFOLLOW ?? 0));
  try {
    const size = fs.fstatSync(fd).size;
    const zeros = Buffer.alloc(Math.min(Math.max(size, 1), 1024 * 1024));
    for (let off = 0; off < size; off += zeros.length) fs.writeSync(fd, zeros, 0, Math.min(zeros.length, size - off), off);
    fs.fsyncSync(fd);
  } catch (err) {
    // A full disk that writes every change to new blocks (btrfs, APFS, ZFS) cannot
    // overwrite even in place; there the old blocks are not overwritten anyway. Removing
    // the file is what frees the room, so it is removed all the same.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOSPC' && code !== 'EDQUOT') throw err;
  } finally {
    fs.closeSync(fd);
  }
  fs.unlinkSync(file);
}
