/**
 * What the model installer (install.ts, the calling thread) and its unpacking thread
 * (unpack-worker.ts) share: the rule for an archive's entry paths and the messages
 * between the two.
 */
import * as fs from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import { HvelvError } from '../../errors';

/**
 * An entry's path inside the folder, or a refusal: absolute paths (/, C:\, \\server),
 * ".." anywhere, and anything but files and folders (symbolic and hard links, devices, FIFOs).
 */
export function entryPath(entry: { path: string; type: string }): string[] {
  const raw = entry.path;
  const refuse = (why: string) => new HvelvError('ARCHIVE_UNSAFE', `the archive's entry ${JSON.stringify(raw.slice(0, 200))} ${why}; nothing was installed`);
  if (!['File', 'OldFile', 'ContiguousFile', 'Directory'].includes(entry.type)) throw refuse(`is a ${entry.type}, not a file or folder`);
  if (/^([/\\]|[a-zA-Z]:)/.test(raw)) throw refuse('is an absolute path');
  if (raw.includes('\0')) throw refuse('holds a NUL');
  const parts = raw.split(/[/\\]+/).filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) throw refuse('climbs out of the folder');
  return parts;
}

/** What the unpacking thread is given (workerData). */
export interface UnpackJob {
  /** The archive, opened (and checked a regular file) by the caller: threads share the process's descriptors, so what was checked is what is read. */
  fd: number;
  size: number;
  /** The staging folder's `unpacked` folder. */
  into: string;
  /** Most bytes the archive may decompress to (a bzip2 bomb is stopped there). */
  cap: number;
  /** The ratio cap's factor, said in its error. */
  ratio: number;
  maxUnpacked: number;
  maxEntries: number;
  /**
   * [0]: set by the caller when it has answered an `open` (the thread waits on it);
   * [1]: set by the caller on Cancel (the thread looks before each piece it decodes).
   */
  sync: SharedArrayBuffer;
  /** Where the caller's answers to `open` come (read with receiveMessageOnPort while waiting). */
  port: MessagePort;
}

/** The caller's answer to an `open`: the descriptor of the file it created, or why not. */
export type OpenAnswer = { fd: number } | { code: string; message: string };

export type FromUnpack =
  | { t: 'open'; file: string }
  | { t: 'progress'; bytes: number }
  | { t: 'done'; unpacked: number; sha256: string }
  | { t: 'error'; code: string; message: string; hvelv: boolean; cancelled: boolean };

/** Indices in UnpackJob.sync. */
export const SYNC_ANSWERED = 0;
export const SYNC_CANCEL = 1;

/** A file-system error while a model is written, as the student reads it: the disk full, or another failure naming what was being written. */
export function ioError(err: unknown, what: string): HvelvError {
  if (err instanceof HvelvError) return err;
  const code = (err as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new HvelvError('DISK_FULL', `no space left while writing ${what}`, { cause: err });
  return new HvelvError('IO', `cannot write ${what} (${code ?? 'error'})`, { cause: err });
}

/** Write all of `chunk` to `fd` (both sides of the unpacking write files: the calling thread the download and record, the worker the model). */
export function writeAll(fd: number, chunk: Uint8Array, what: string): void {
  try {
    for (let off = 0; off < chunk.length; ) off += fs.writeSync(fd, chunk, off, chunk.length - off);
  } catch (err) {
    throw ioError(err, what);
  }
}
