/**
 * Replacing a file so that a crash, power cut or full disk leaves either the old
 * content or the new, never a mix: write a temp file beside it, fsync it, rename
 * it over the target, fsync the directory (so the rename itself is durable).
 *
 * Only non-secret or already-encrypted bytes pass through here (the header, wrapped
 * key files); plaintext personal data is never written to disk at all.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';

/** The few file operations atomic replacement needs; tests inject faults through it. */
export interface FileOps {
  open(file: string, flags: string, mode?: number): number;
  write(fd: number, data: Uint8Array, offset: number, length: number): number;
  fsync(fd: number): void;
  close(fd: number): void;
  rename(from: string, to: string): void;
  unlink(file: string): void;
}

export const nodeFileOps: FileOps = {
  open: (f, flags, mode) => fs.openSync(f, flags, mode),
  write: (fd, data, offset, length) => fs.writeSync(fd, data, offset, length),
  fsync: (fd) => fs.fsyncSync(fd),
  close: (fd) => fs.closeSync(fd),
  rename: (a, b) => fs.renameSync(a, b),
  unlink: (f) => fs.unlinkSync(f),
};

export const TEMP_SUFFIX = '.hvelv-tmp';

export function fsyncDir(dir: string): void {
  // Windows cannot open a directory for fsync; NTFS journals the rename itself.
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** A fresh hidden temporary name beside `target`. */
export function atomicTempPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`);
}

export function writeFileAtomic(target: string, data: Uint8Array, ops: FileOps = nodeFileOps, tmp: string = atomicTempPath(target)): void {
  writeFileAtomicWith(target, (write) => write(data), ops, tmp);
}

/**
 * The same, for content written in pieces (a share's recording streams, a held recording):
 * `fill` gets a function that writes all of one piece. The temporary file is made new
 * (never an existing one), fsynced, renamed over `target`, and its folder fsynced; on any
 * error it is closed and removed, and the error goes on.
 */
/**
 * `syncDir: false` leaves the folder's fsync to the caller, who writes many files and syncs
 * the folder once per batch (a backup's pieces).
 */
export function writeFileAtomicWith(target: string, fill: (write: (bytes: Uint8Array) => void) => void, ops: FileOps = nodeFileOps, tmp: string = atomicTempPath(target), syncDir = true): void {
  const dir = path.dirname(target);
  let fd: number | undefined;
  try {
    const opened = (fd = ops.open(tmp, 'wx', 0o600));
    fill((data) => {
      let off = 0;
      while (off < data.length) off += ops.write(opened, data, off, data.length - off);
    });
    ops.fsync(opened);
    ops.close(opened);
    fd = undefined;
    ops.rename(tmp, target);
  } catch (err) {
    if (fd !== undefined) {
      try {
        ops.close(fd);
      } catch {
        /* already failing; the original error matters */
      }
    }
    try {
      ops.unlink(tmp);
    } catch {
      /* a crash would leave it too; removeStaleTemps cleans up on open */
    }
    throw err;
  }
  if (syncDir) fsyncDir(dir);
}

/** Remove temp files a crash left behind in `dir`. They hold only encrypted bytes. */
export function removeStaleTemps(dir: string): void {
  if (!fs.existsSync(dir)) return;
  for (const name of fs.readdirSync(dir)) {
    if (name.endsWith(TEMP_SUFFIX)) fs.rmSync(path.join(dir, name), { force: true });
  }
}
