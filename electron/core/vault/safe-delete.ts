/**
 * Overwrite-and-remove for files inside a vault, refusing to follow links: someone
 * who can write the vault folder (a sync service, another account) must not be able
 * to point a blob or a store folder at the user's other files and have Hvelv zero
 * them. Only regular files under the vault's real path are touched.
 */
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
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
    // A symlink (or anything else: a named pipe, a socket, a device node) where a data file
    // should be: remove the entry only, never opened (a pipe would block). Left in place, it
    // kept a store's folder from ever emptying: the end date's deletion failed on every run
    // and the vault never opened again. A folder is its caller's to walk.
    if (!st.isDirectory()) unlinkIfThere(file);
    return;
  }
  if (st.nlink > 1) {
    // A hard link: the same bytes are someone else's file too. Remove our name only.
    fs.unlinkSync(file);
    return;
  }
  // The lstat and this open are two system calls apart, and another process (a sync client,
  // another account) can swap the file in between, as in shredFileAsync: a symbolic link is
  // refused by O_NOFOLLOW (the entry is removed), and what was opened must be what was
  // checked, else a hard link to the user's own file put there meanwhile would be zeroed.
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDWR | (fs.constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ELOOP') return unlinkIfThere(file);
    throw err;
  }
  try {
    const now = fs.fstatSync(fd);
    if (!now.isFile() || now.nlink !== 1 || now.ino !== st.ino || now.dev !== st.dev) {
      fs.closeSync(fd);
      fd = -1;
      return unlinkIfThere(file);
    }
    const size = now.size;
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
    if (fd >= 0) fs.closeSync(fd);
  }
  unlinkIfThere(file);
}

/** Remove a name; one already gone is done, not an error. */
function unlinkIfThere(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** The bytes shredFile would overwrite in `file`: a regular file's size, 0 for a link, a hard link or nothing. */
export function shredBytes(file: string): number {
  try {
    const st = fs.lstatSync(file);
    return st.isFile() && st.nlink === 1 ? st.size : 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

/** Zeros written at a time by shredFileAsync: large enough for the disk's speed, small enough to give way often. */
const SHRED_SLICE = 4 * 1024 * 1024;

/**
 * shredFile for large files (recordings of gigabytes): the same checks and the same
 * result, but the zeros are written by the thread pool a slice at a time, so the calling
 * thread's event loop keeps turning (the window answers; a worker is not needed for
 * writes). `onBytes` hears each slice's length as it is written: a progress bar's source.
 * Not cancellable on purpose: it runs where a promise to delete is kept.
 */
export async function shredFileAsync(file: string, opts: { onBytes?: (n: number) => void } = {}): Promise<void> {
  let st: fs.Stats;
  try {
    st = await fsp.lstat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!st.isFile()) {
    // A symlink (or anything else but a folder) where a data file should be: the entry only, as in shredFile.
    if (!st.isDirectory()) await fsp.unlink(file).catch(goneIsNull);
    return;
  }
  if (st.nlink > 1) {
    // A hard link: the same bytes are someone else's file too. Remove our name only.
    await fsp.unlink(file);
    return;
  }
  // Yielding, this can meet another overwriting of the same file (the vault locked and opened
  // again mid-withdrawal: the old shred and the open's orphan sweep): whichever removes the
  // name first has done it; for the other, gone is done, not an error (the open would fail).
  let fh: fsp.FileHandle | null;
  try {
    fh = await fsp.open(file, fs.constants.O_RDWR | (fs.constants.O_NOFOLLOW ?? 0));
  } catch (err) {
    // A symlink put in its place after the lstat (O_NOFOLLOW refused it): the entry only.
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') return void (await fsp.unlink(file).catch(goneIsNull));
    fh = goneIsNull(err);
  }
  if (!fh) return;
  try {
    // The lstat and this open are two turns apart: what was opened must be what was checked,
    // else a hard link to the user's own file swapped in meanwhile would be zeroed.
    const now = await fh.stat();
    if (!now.isFile() || now.nlink !== 1 || now.ino !== st.ino || now.dev !== st.dev) {
      await fh.close();
      fh = null;
      await fsp.unlink(file).catch(goneIsNull);
      return;
    }
    const size = now.size;
    const zeros = Buffer.alloc(Math.min(Math.max(size, 1), SHRED_SLICE));
    for (let off = 0; off < size; ) {
      const { bytesWritten } = await fh.write(zeros, 0, Math.min(zeros.length, size - off), off);
      off += bytesWritten;
      opts.onBytes?.(bytesWritten);
    }
    await fh.sync();
  } catch (err) {
    // As in shredFile: on a full copy-on-write disk removing the file is what frees the room.
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOSPC' && code !== 'EDQUOT') throw err;
  } finally {
    await fh?.close();
  }
  await fsp.unlink(file).catch(goneIsNull);
}

function goneIsNull(err: unknown): null {
  if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
  throw err;
}

/**
 * shredFileAsync for several files, one after the other, with one progress over them all
 * (bytes overwritten of the total), ending at total even when a file was gone already.
 */
export async function shredFilesAsync(files: readonly string[], onProgress?: (p: { bytes: number; total: number }) => void): Promise<void> {
  const total = files.reduce((n, f) => n + shredBytes(f), 0);
  let bytes = 0;
  onProgress?.({ bytes, total });
  for (const f of files) {
    await shredFileAsync(f, { onBytes: (n) => onProgress?.({ bytes: (bytes = Math.min(total, bytes + n)), total }) });
  }
  if (bytes < total) onProgress?.({ bytes: total, total });
}
