/**
 * Crash safety of the files that are replaced whole: the header and the store key
 * files. A write that fails at any byte, or a crash before or after the rename,
 * leaves a vault that opens with the old state or the new, never neither.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeFileOps, TEMP_SUFFIX, type FileOps } from '../../electron/core/vault/atomic-file';
import { createVault, unlockVault } from '../../electron/core/vault/vault';
import { headerPath } from '../../electron/core/vault/layout';
import { listFiles, makeVault, pw, SAMPLE_FACTS, tempDir, testDeps, TEST_KDF } from './helpers';

class Crash extends Error {}

/**
 * File operations that die after `budget` bytes have been written, or at a named
 * step. With `hard`, cleanup fails too, as when the process is killed: the temp
 * file stays behind, as a real crash would leave it.
 */
function faultyOps(opts: { budget?: number; failAt?: 'fsync' | 'rename'; hard?: boolean; onlyFile?: RegExp }): FileOps & { tripped: boolean } {
  let remaining = opts.budget ?? Infinity;
  const fdNames = new Map<number, string>();
  const ops = {
    tripped: false,
    open(f: string, flags: string, mode?: number) {
      const fd = nodeFileOps.open(f, flags, mode);
      fdNames.set(fd, f);
      return fd;
    },
    write(fd: number, data: Uint8Array, offset: number, length: number) {
      const applies = !opts.onlyFile || opts.onlyFile.test(fdNames.get(fd) ?? '');
      if (applies && length > remaining) {
        const n = remaining;
        if (n > 0) nodeFileOps.write(fd, data, offset, n);
        remaining = 0;
        ops.tripped = true;
        throw new Crash(`disk full after ${n} bytes`);
      }
      if (applies) remaining -= length;
      return nodeFileOps.write(fd, data, offset, length);
    },
    fsync(fd: number) {
      if (opts.failAt === 'fsync') {
        ops.tripped = true;
        throw new Crash('fsync failed');
      }
      nodeFileOps.fsync(fd);
    },
    close: (fd: number) => nodeFileOps.close(fd),
    rename(a: string, b: string) {
      if (opts.failAt === 'rename') {
        ops.tripped = true;
        throw new Crash('crash before rename');
      }
      nodeFileOps.rename(a, b);
    },
    unlink(f: string) {
      if (opts.hard) throw new Crash('process died; nothing cleaned up');
      nodeFileOps.unlink(f);
    },
  };
  return ops;
}

describe('header replacement under faults', () => {
  it('a settings change interrupted at any byte leaves the old settings or the new', async () => {
    const { dir, session, deps } = await makeVault('crash test passphrase');
    session.lock();
    const size = fs.statSync(headerPath(dir)).size;
    const offsets = new Set<number>([0, 1, 2, size - 2, size - 1]);
    for (let o = 0; o < size; o += Math.ceil(size / 16)) offsets.add(o);
    let attempt = 0;
    let crashes = 0;
    for (const budget of [...offsets].sort((a, b) => a - b)) {
      for (const hard of [false, true]) {
        attempt++;
        const ops = faultyOps({ budget, hard });
        const s = await unlockVault(dir, pw('crash test passphrase'), { ...deps, fileOps: ops });
        const before = s.facts.title;
        const wanted = `Tittel nummer ${attempt}`;
        let crashed = false;
        try {
          s.updateSettings({ title: wanted });
        } catch (e) {
          if (!(e instanceof Crash)) throw e;
          crashed = true;
        }
        expect(crashed).toBe(ops.tripped);
        if (crashed) crashes++;
        s.lock();
        const reopened = await unlockVault(dir, pw('crash test passphrase'), deps);
        expect(reopened.facts.title).toBe(crashed ? before : wanted);
        reopened.lock();
        // A crash's temp file is cleaned up on the next open, and never read as the header.
        expect(listFiles(dir).filter((f) => f.endsWith(TEMP_SUFFIX))).toEqual([]);
      }
    }
    expect(crashes).toBeGreaterThan(20);
    // And without a fault the change lands.
    const s = await unlockVault(dir, pw('crash test passphrase'), deps);
    s.updateSettings({ title: 'Ny tittel' });
    s.lock();
    const done = await unlockVault(dir, pw('crash test passphrase'), deps);
    expect(done.facts.title).toBe('Ny tittel');
    done.lock();
  });

  it.each(['fsync', 'rename'] as const)('a passphrase change that fails at %s keeps the old passphrase working', async (failAt) => {
    const { dir, session, deps } = await makeVault('the old passphrase');
    session.lock();
    const s = await unlockVault(dir, pw('the old passphrase'), { ...deps, fileOps: faultyOps({ failAt, hard: true }) });
    await expect(s.changePassphrase(pw('the new passphrase'), { kdf: TEST_KDF })).rejects.toBeInstanceOf(Crash);
    s.lock();
    (await unlockVault(dir, pw('the old passphrase'), deps)).lock();
    await expect(unlockVault(dir, pw('the new passphrase'), deps)).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
  });
});

describe('key files under faults', () => {
  it('creation interrupted while writing any key file leaves no half vault, and a retry succeeds', async () => {
    const deps = await testDeps();
    const parent = tempDir();
    const target = path.join(parent, 'prosjekt');
    // A store.key file is about 250 bytes; fail each of the three at several offsets.
    for (const budget of [0, 1, 50, 120, 200, 240]) {
      for (const n of [0, 1, 2]) {
        let seen = 0;
        const inner = faultyOps({ budget, onlyFile: /store\.key/ });
        const ops: FileOps = {
          ...inner,
          open(f, flags, mode) {
            // Let the first n key files through untouched, fail the next one.
            if (/store\.key/.test(f) && seen++ < n) return nodeFileOps.open(f, flags, mode);
            return inner.open(f, flags, mode);
          },
        };
        await expect(createVault(target, pw('x'.repeat(16)), SAMPLE_FACTS, { ...deps, fileOps: ops }, { kdf: TEST_KDF })).rejects.toMatchObject({ code: 'IO' });
        expect(fs.existsSync(target), `budget ${budget}, key file ${n}`).toBe(false);
      }
    }
    const ok = await createVault(target, pw('x'.repeat(16)), SAMPLE_FACTS, deps, { kdf: TEST_KDF });
    ok.lock();
    (await unlockVault(target, pw('x'.repeat(16)), deps)).lock();
  });
});
