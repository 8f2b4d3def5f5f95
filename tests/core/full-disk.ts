/**
 * A full disk, for the tests that cannot mount a small filesystem: under `root`, every
 * write of new bytes fails with ENOSPC (an empty file may still be made, as on a real
 * full disk where a free inode needs no data block, and `writeFileSync` leaves its empty
 * file behind as it does there). Overwriting bytes a file already has is allowed; so are
 * renames, links, symlinks and folders. Once a non-empty file under `root` is deleted the
 * disk has room again (unless `freeOnDelete` is false).
 *
 * It changes node:fs itself (the CommonJS object, then syncBuiltinESMExports so that every
 * `import * as fs from 'node:fs'` sees it), so the code under test runs unchanged.
 */
import fs from 'node:fs';
import * as path from 'node:path';
import { syncBuiltinESMExports } from 'node:module';

export interface FullDisk {
  /** How many writes were refused. */
  readonly refused: number;
  restore(): void;
}

function enospc(syscall: string, p?: string): NodeJS.ErrnoException {
  const e = new Error(`ENOSPC: no space left on device, ${syscall}${p ? ` '${p}'` : ''}`) as NodeJS.ErrnoException;
  e.code = 'ENOSPC';
  e.errno = -28;
  e.syscall = syscall;
  if (p) e.path = p;
  return e;
}

export function fullDisk(root: string, opts: { freeOnDelete?: boolean } = {}): FullDisk {
  const real = { openSync: fs.openSync, writeSync: fs.writeSync, writeFileSync: fs.writeFileSync, appendFileSync: fs.appendFileSync, unlinkSync: fs.unlinkSync, rmSync: fs.rmSync, closeSync: fs.closeSync };
  const top = path.resolve(root);
  const under = (p: unknown): boolean => typeof p === 'string' && (path.resolve(p) === top || path.resolve(p).startsWith(top + path.sep));
  let full = true;
  let refused = 0;
  /** Descriptors opened under root while full: how many bytes each file had when opened. */
  const opened = new Map<number, number>();
  const refuse = (syscall: string, p?: string): never => {
    refused++;
    throw enospc(syscall, p);
  };
  const freed = (p: unknown): void => {
    if (opts.freeOnDelete === false || !under(p)) return;
    try {
      const st = fs.lstatSync(p as string);
      if (st.isFile() && st.size > 0) full = false;
    } catch {
      /* not there */
    }
  };
  const patched = {
    openSync(p: fs.PathLike, flags?: fs.OpenMode, mode?: fs.Mode): number {
      const fd = real.openSync(p, flags ?? 'r', mode);
      if (under(p)) opened.set(fd, fs.fstatSync(fd).size);
      return fd;
    },
    closeSync(fd: number): void {
      opened.delete(fd);
      real.closeSync(fd);
    },
    writeSync(fd: number, buffer: NodeJS.ArrayBufferView | string, ...rest: unknown[]): number {
      const had = opened.get(fd);
      if (full && had !== undefined) {
        // Only an overwrite of bytes the file already has, at a given position, needs no room.
        const length = typeof buffer === 'string' ? Buffer.byteLength(buffer) : typeof rest[1] === 'number' ? rest[1] : buffer.byteLength;
        const position = typeof buffer === 'string' ? rest[0] : rest[2];
        if (typeof position !== 'number' || position + length > had) refuse('write');
      }
      return (real.writeSync as (...a: unknown[]) => number)(fd, buffer, ...rest);
    },
    writeFileSync(p: fs.PathOrFileDescriptor, data: unknown, options?: fs.WriteFileOptions): void {
      if (full && under(p) && (typeof data === 'string' ? data.length : (data as Uint8Array).byteLength) > 0) {
        const flag = typeof options === 'object' && options?.flag ? String(options.flag) : 'w';
        real.closeSync(real.openSync(p as string, flag, typeof options === 'object' && options?.mode ? options.mode : 0o666));
        refuse('write', p as string);
      }
      return (real.writeFileSync as (...a: unknown[]) => void)(p, data, options);
    },
    appendFileSync(p: fs.PathOrFileDescriptor, data: unknown, options?: fs.WriteFileOptions): void {
      if (full && under(p)) refuse('write', p as string);
      return (real.appendFileSync as (...a: unknown[]) => void)(p, data, options);
    },
    unlinkSync(p: fs.PathLike): void {
      freed(p);
      real.unlinkSync(p);
    },
    rmSync(p: fs.PathLike, options?: fs.RmOptions): void {
      freed(p);
      real.rmSync(p, options);
    },
  };
  Object.assign(fs, patched);
  syncBuiltinESMExports();
  return {
    get refused() {
      return refused;
    },
    restore() {
      Object.assign(fs, real);
      syncBuiltinESMExports();
    },
  };
}

/** Fill a real filesystem to its last byte (a file at `file`, written until ENOSPC, in ever smaller blocks). */
export function fillToTheLastByte(file: string): void {
  const fd = fs.openSync(file, 'w');
  const block = Buffer.alloc(64 * 1024, 1);
  let size = block.length;
  try {
    for (;;) {
      try {
        fs.writeSync(fd, block, 0, size);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
        if (size === 1) break;
        size = Math.max(1, size >> 1);
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}
