/**
 * Files the user names (a recording, a transcript, consent evidence): only ordinary
 * files are read. A named pipe opened for reading waits for a writer that may never
 * come, and it would wait holding the vault lock; a device never ends; a folder is not
 * what the user meant. Each is refused before anything is read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HvelvError } from '../../errors';

/** A file-system error as the user's kind of failure: the file is not there, or not readable. */
function unreadable(file: string, err: unknown): HvelvError {
  const code = (err as NodeJS.ErrnoException)?.code ?? 'error';
  return new HvelvError('FILE_UNREADABLE', `cannot read ${path.basename(file)}: ${code}`, { cause: err });
}

function assertStats(file: string, st: fs.Stats): void {
  if (!st.isFile()) {
    const kind = st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a named pipe' : st.isSocket() ? 'a socket' : 'a device';
    throw new HvelvError('FILE_NOT_REGULAR', `${path.basename(file)} is ${kind}, not an ordinary file`);
  }
}

/**
 * Refuse anything but an ordinary file (links to one are followed), without opening
 * it: stat never blocks, open on a FIFO does. Returns its size.
 */
export function assertRegularFile(file: string): number {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (err) {
    throw unreadable(file, err);
  }
  assertStats(file, st);
  return st.size;
}

/**
 * Open an ordinary file for reading without ever blocking: O_NONBLOCK makes the open of
 * a FIFO swapped in after a check return at once, and fstat on the open descriptor
 * then says what was really opened. The caller closes the descriptor.
 */
export function openRegularFile(file: string): { fd: number; size: number } {
  assertRegularFile(file);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw unreadable(file, err);
  }
  try {
    const st = fs.fstatSync(fd);
    assertStats(file, st);
    return { fd, size: st.size };
  } catch (err) {
    fs.closeSync(fd);
    throw err;
  }
}

/** The whole of an ordinary file of at most `maxBytes`, read through one descriptor. */
export function readUserFile(file: string, maxBytes: number): Uint8Array {
  const { fd, size } = openRegularFile(file);
  try {
    if (size > maxBytes) throw new HvelvError('FILE_TOO_LARGE', `${path.basename(file)} is ${size} bytes; the limit is ${maxBytes}`);
    const out = Buffer.alloc(size);
    let off = 0;
    try {
      while (off < size) {
        const n = fs.readSync(fd, out, off, size - off, off);
        if (n === 0) break;
        off += n;
      }
    } catch (err) {
      throw unreadable(file, err);
    }
    // A file that shrank while it was read is not the file that was checked; nor is one
    // that grew (an editor still saving, or a file whose size the system does not know,
    // as /proc's say 0): its end would be cut off without a word.
    let grew = false;
    if (off === size) {
      try {
        grew = fs.readSync(fd, Buffer.alloc(1), 0, 1, size) > 0;
      } catch (err) {
        throw unreadable(file, err);
      }
    }
    if (off !== size || grew) throw new HvelvError('FILE_UNREADABLE', `${path.basename(file)} changed while it was read`);
    return out;
  } finally {
    fs.closeSync(fd);
  }
}

/** Where this system names an open descriptor as a path (Linux, macOS), or null. */
const FD_DIR = ['/proc/self/fd', '/dev/fd'].find((d) => {
  try {
    return fs.statSync(d).isDirectory();
  } catch {
    return false;
  }
});

/**
 * Hold an ordinary file open (`openRegularFile`: O_NONBLOCK, then fstat of the
 * descriptor) while `use` reads it through `opened`, a path that names that open file
 * itself (/proc/self/fd/N, /dev/fd/N): a library that opens by path (music-metadata)
 * then reads the file that was checked, never a FIFO or another file swapped in at the
 * user's path since. Where no such path exists (Windows, which has no FIFOs in folders),
 * `opened` is the path as given.
 */
export async function withRegularFile<T>(file: string, use: (opened: string, size: number) => Promise<T>): Promise<T> {
  const { fd, size } = openRegularFile(file);
  try {
    return await use(FD_DIR ? `${FD_DIR}/${fd}` : file, size);
  } finally {
    fs.closeSync(fd);
  }
}
