/**
 * The synchronous shred (key files, SQLite files, a held copy's files, an export's temp
 * file) between its check and its open: another process that can write the vault folder (a
 * sync client, another account) swaps the file for a link there. The async shred was closed
 * against this in the attack review (tests/core/shred-attack.test.ts); the sync one the same
 * way: O_NOFOLLOW, and the opened file compared with the checked one. Real files; the hook
 * runs right after a real lstatSync of the file it names, nothing else of node:fs changes.
 */
import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const between: { file: string | null; act: (() => void) | null } = { file: null, act: null };
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs')>();
  const lstatSync = ((p: fs.PathLike, o?: fs.StatSyncOptions) => {
    const st = real.lstatSync(p, o as never);
    if (between.file !== null && String(p) === between.file && between.act) {
      const act = between.act;
      between.act = null;
      act();
    }
    return st;
  }) as typeof real.lstatSync;
  return { ...real, lstatSync, default: { ...real, lstatSync } };
});
import { shredFile } from '../../electron/core/vault/safe-delete';
import { tempDir } from './helpers';

const THEIRS = 'the user\'s own file, not the vault\'s';

function setup(): { blob: string; theirs: string } {
  const d = tempDir();
  const blob = path.join(d, 'store.key');
  fs.writeFileSync(blob, randomFillSync(Buffer.alloc(64 * 1024)));
  const theirs = path.join(tempDir(), 'thesis.docx');
  fs.writeFileSync(theirs, THEIRS);
  return { blob, theirs };
}

describe('a file swapped for a link between the sync shred\'s check and its open', () => {
  it('a hard link to the user\'s own file: never zeroed, only our name removed', () => {
    const { blob, theirs } = setup();
    between.file = blob;
    between.act = () => {
      fs.rmSync(blob);
      fs.linkSync(theirs, blob);
    };
    shredFile(blob);
    between.file = null;
    expect(fs.readFileSync(theirs, 'utf8')).toBe(THEIRS);
    expect(fs.readdirSync(path.dirname(blob))).toEqual([]);
  });

  it('a symbolic link: not followed, and not an error (the entry is removed)', () => {
    const { blob, theirs } = setup();
    between.file = blob;
    between.act = () => {
      fs.rmSync(blob);
      fs.symlinkSync(theirs, blob);
    };
    expect(() => shredFile(blob)).not.toThrow();
    between.file = null;
    expect(fs.readFileSync(theirs, 'utf8')).toBe(THEIRS);
    expect(fs.readdirSync(path.dirname(blob))).toEqual([]);
  });

  it('gone in between: done, not an error; a file left alone is still zeroed and removed', () => {
    const { blob } = setup();
    between.file = blob;
    between.act = () => fs.rmSync(blob);
    expect(() => shredFile(blob)).not.toThrow();
    between.file = null;
    expect(fs.existsSync(blob)).toBe(false);
    // Untouched in between: zeroed through the same descriptor, then removed.
    const plain = setup().blob;
    const fd = fs.openSync(plain, 'r');
    shredFile(plain);
    const left = Buffer.alloc(64 * 1024);
    fs.readSync(fd, left, 0, left.length, 0);
    fs.closeSync(fd);
    expect(left.every((b) => b === 0)).toBe(true);
    expect(fs.existsSync(plain)).toBe(false);
  });
});
