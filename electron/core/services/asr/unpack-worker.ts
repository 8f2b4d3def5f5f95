/**
 * The model archive's unpacking thread (install.ts unpackInWorker): bzip2 and tar, and
 * the SHA-256 of the very bytes read, off the calling thread. The app's main process
 * unpacked in JavaScript on its own thread (about 6 MB/s, in pieces that gave way), so
 * every window waited on the decoder for minutes; here it runs at the decoder's speed and
 * the main thread only receives progress.
 *
 * The rules are install.ts's, unchanged: every entry stays inside the staging folder
 * (archive-entry.ts entryPath), a file is created only once ('wx', by the caller, see
 * below), the total is capped (a bzip2 bomb stops at the cap, not at 12 GiB), and any
 * failure or Cancel ends the job; the caller removes the staging folder.
 *
 * Every file is created by the calling thread (an `open` message, answered through a
 * shared flag this thread waits on): the installer's openForWrite, which the tests use to
 * meet a full disk, stays the one place files are made. This thread writes and closes them.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { Parser, type ReadEntry } from 'tar';
import { HvelvError } from '../../errors';
import { Bunzip2 } from './bunzip2';
import { entryPath, SYNC_ANSWERED, SYNC_CANCEL, ioError, type FromUnpack, type OpenAnswer, type UnpackJob, writeAll } from './archive-entry';

const job = workerData as UnpackJob;
const sync = new Int32Array(job.sync);
const post = (m: FromUnpack): void => parentPort!.postMessage(m);
class Cancelled extends Error {}


/**
 * A name the staging folder already holds (EEXIST), or a file where a folder must be
 * (ENOTDIR, EISDIR): the staging folder starts empty, so only the archive itself, with two
 * entries of one name, can have put it there. Said as the archive's fault, not as a disk
 * that could not be written (IO tells the student to look at the disk's room and access).
 */
function clash(err: unknown, name: string): HvelvError | null {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code !== 'EEXIST' && code !== 'ENOTDIR' && code !== 'EISDIR') return null;
  return new HvelvError('ARCHIVE_UNSAFE', `the archive holds two entries named ${JSON.stringify(name.slice(0, 200))} (or a file where a folder is); nothing was installed`, { cause: err });
}

/** Ask the calling thread to create `file` and wait for its descriptor. */
function openOut(file: string): number {
  Atomics.store(sync, SYNC_ANSWERED, 0);
  post({ t: 'open', file });
  Atomics.wait(sync, SYNC_ANSWERED, 0);
  const answer = receiveMessageOnPort(job.port)?.message as OpenAnswer | undefined;
  if (!answer) throw new HvelvError('IO', 'the installer did not answer');
  if ('fd' in answer) return answer.fd;
  const err = Object.assign(new Error(answer.message), { code: answer.code });
  throw clash(err, path.relative(job.into, file)) ?? ioError(err, path.basename(file));
}

async function run(): Promise<{ unpacked: number; sha256: string }> {
  const readHash = createHash('sha256');
  let decompressed = 0;
  const parser = new Parser({ strict: true });
  let failure: unknown = null;
  let unpacked = 0;
  let entries = 0;
  /** Files being written: closed whatever happens. */
  const openFds = new Set<number>();
  const closeOut = (out: number) => {
    if (openFds.delete(out)) fs.closeSync(out);
  };
  const fail = (err: unknown) => {
    failure ??= err;
  };
  const stop = () => {
    if (Atomics.load(sync, SYNC_CANCEL) !== 0) fail(new Cancelled());
  };
  parser.on('entry', (entry: ReadEntry) => {
    if (failure) return entry.resume();
    try {
      if (++entries > job.maxEntries) throw new HvelvError('ARCHIVE_UNSAFE', 'the archive holds too many entries');
      const parts = entryPath(entry);
      const target = path.join(job.into, ...parts);
      // Belt and braces: the joined path is inside the folder.
      if (parts.length > 0 && !target.startsWith(job.into + path.sep)) throw new HvelvError('ARCHIVE_UNSAFE', 'an entry climbs out of the folder');
      if (entry.type === 'Directory' || parts.length === 0) {
        if (parts.length) fs.mkdirSync(target, { recursive: true });
        return entry.resume();
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      // Created 'wx' by the caller: a second entry of the same name is refused, never written over or through.
      const out = openOut(target);
      openFds.add(out);
      entry.on('data', (chunk: Buffer) => {
        if (failure) return;
        unpacked += chunk.length;
        if (unpacked > job.maxUnpacked) return fail(new HvelvError('ARCHIVE_UNSAFE', 'the archive unpacks to more than 12 GiB'));
        try {
          writeAll(out, chunk, path.basename(target));
        } catch (err) {
          fail(err);
        }
      });
      entry.on('end', () => closeOut(out));
    } catch (err) {
      fail(err instanceof HvelvError ? err : clash(err, entry.path) ?? ioError(err, 'the model'));
      entry.resume();
    }
  });
  parser.on('error', (err: Error) => fail(new HvelvError('ARCHIVE_UNSAFE', `the archive is damaged: ${err.message}`, { cause: err })));
  const done = new Promise<void>((resolve) => {
    parser.on('end', () => resolve());
    parser.on('error', () => resolve());
  });
  const bz = new Bunzip2((chunk) => {
    if (failure) throw failure;
    decompressed += chunk.length;
    if (decompressed > job.cap) fail(new HvelvError('ARCHIVE_UNSAFE', `the archive unpacks to more than ${Math.round(job.cap / 2 ** 20)} MiB, ${job.ratio} times its size or more: not a model; nothing was installed`));
    else parser.write(chunk);
    // Thrown here, the failure stops the decoder mid-block (a bomb's next bytes would
    // otherwise keep this thread, and its memory, for hours). Cancel is looked at here
    // too, so it never waits for more than a MiB of decoded bytes.
    stop();
    if (failure) throw failure;
  });
  /** The decoder's own throw (damaged bzip2) said as such; a failure onData threw is already kept. */
  const decode = (f: () => void): void => {
    try {
      f();
    } catch (err) {
      fail(err instanceof HvelvError || err instanceof Cancelled ? err : new HvelvError('ARCHIVE_UNSAFE', `the archive is not bzip2 or is damaged: ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
    }
  };
  const piece = Buffer.allocUnsafe(256 << 10);
  let bytes = 0;
  let last = 0;
  try {
    for (;;) {
      stop();
      if (failure) break;
      const n = fs.readSync(job.fd, piece, 0, piece.length, bytes);
      if (n === 0) break;
      // A copy: the stream may hold on to what it is given, and the piece is read into again.
      const chunk = Buffer.from(piece.subarray(0, n));
      readHash.update(chunk);
      decode(() => bz.write(chunk));
      bytes += n;
      const now = Date.now();
      if (now - last >= 100) {
        last = now;
        post({ t: 'progress', bytes });
      }
    }
    if (!failure) decode(() => bz.end());
    if (!failure) {
      parser.end();
      await done;
    }
  } finally {
    for (const out of [...openFds]) closeOut(out);
  }
  if (failure) throw failure;
  return { unpacked, sha256: readHash.digest('hex') };
}

run().then(
  (r) => post({ t: 'done', ...r }),
  (err: unknown) => {
    const cancelled = err instanceof Cancelled;
    const hvelv = err instanceof HvelvError;
    post({ t: 'error', cancelled, hvelv, code: hvelv ? err.code : ((err as NodeJS.ErrnoException)?.code ?? 'IO'), message: err instanceof Error ? err.message : String(err) });
  },
).finally(() => job.port.close());
