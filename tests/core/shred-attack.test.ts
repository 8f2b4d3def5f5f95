/**
 * Attacks on the async shred (issue 27): now that the overwriting of a withdrawn person's
 * recordings yields to the event loop, other work runs in between. Each test is one thing
 * that can come in between and what the withdrawal's promise needs to hold through it.
 * Real files, real SQLite and libsodium.
 */
import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';

/**
 * The moment between the shred's lstat and its open: there an attacker who can write the
 * vault folder (a sync client, another account) swaps the blob for a link. The hook runs
 * right after a real lstat of the file it names; nothing else of fs/promises is changed.
 */
const between: { file: string | null; act: (() => void) | null; failOpen: Set<string> } = { file: null, act: null, failOpen: new Set() };
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const lstat = (async (p: fs.PathLike, o?: fs.StatOptions) => {
    const st = await real.lstat(p, o as never);
    if (between.file !== null && String(p) === between.file && between.act) {
      const act = between.act;
      between.act = null;
      act();
    }
    return st;
  }) as typeof real.lstat;
  // A disk that fails to open one file (a bad sector, a sync client holding it): EIO.
  const open = (async (p: fs.PathLike, ...rest: unknown[]) => {
    if (between.failOpen.has(String(p))) throw Object.assign(new Error(`EIO: i/o error, open '${String(p)}'`), { code: 'EIO', errno: -5, syscall: 'open' });
    return (real.open as (...a: unknown[]) => Promise<unknown>)(p, ...rest);
  }) as typeof real.open;
  return { ...real, lstat, open, default: { ...real, lstat, open } };
});
import { Participants } from '../../electron/core/services/participants/participants';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { openProject } from '../../electron/core/services/project/open';
import { enforceProjectEnd } from '../../electron/core/services/project-end/project-end';
import { registryEntry } from '../../electron/core/consent/model';
import { storeDir } from '../../electron/core/vault/layout';
import { wavHeader } from '../wav';
import { shredFileAsync, shredFilesAsync } from '../../electron/core/vault/safe-delete';
import { addPlace } from '../../electron/core/services/backup/places';
import { backupAfterWithdrawal, backupStatus, runBackup, verifyBackups } from '../../electron/core/services/backup/run';
import { admit, makeVault, makeWav, tempDir } from './helpers';

const PASS = 'correct horse battery staple';
const NOW = () => new Date('2026-11-27T10:00:00Z');
/** Many 4 MiB slices: long enough for other work to come in between. */
const SIZE = 64 * 1024 * 1024;

function randomWav(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, wavHeader(bytes, 16000, 1));
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  for (let left = bytes; left > 0; left -= chunk.length) fs.writeSync(fd, randomFillSync(chunk), 0, Math.min(chunk.length, left));
  fs.closeSync(fd);
}

const blobsIn = (dir: string): string[] => {
  const d = path.join(storeDir(dir, 'recordings'), 'blobs');
  return fs.existsSync(d) ? fs.readdirSync(d) : [];
};

async function withRecording(bytes = SIZE) {
  const v = await makeVault(PASS);
  const code = admit(v.session);
  const wav = path.join(tempDir(), 'large.wav');
  randomWav(wav, bytes);
  const info = await new Recordings(v.session, NOW).import(code, wav);
  fs.rmSync(wav);
  return { ...v, code, info };
}

describe('two withdrawals at once', () => {
  it('of the same person: the second is refused at once (the first already marked them withdrawing); of two people: both complete, each receipt once, no blob left', { timeout: 120_000 }, async () => {
    const { dir, session, code, deps } = await withRecording(16 * 1024 * 1024);
    const other = admit(session, { name: 'Other Person' });
    const wav = path.join(tempDir(), 'other.wav');
    randomWav(wav, 16 * 1024 * 1024);
    await new Recordings(session, NOW).import(other, wav);
    const p = new Participants(session, NOW);
    const one = p.withdraw(code, '2026-11-27');
    await expect(p.withdraw(code, '2026-11-27')).rejects.toMatchObject({ code: 'PARTICIPANT_WITHDRAWN' });
    const two = p.withdraw(other, '2026-11-27');
    const [r1, r2] = await Promise.all([one, two]);
    expect([r1.counts.recordings, r2.counts.recordings]).toEqual([1, 1]);
    expect(blobsIn(dir)).toEqual([]);
    for (const c of [code, other]) expect(session.audit.list().filter((e) => e.action === 'participant.withdrawn' && e.participant === c)).toHaveLength(1);
    session.lock();
    const again = await openProject(dir, PASS, deps);
    expect(again.verify()).toEqual([]);
    again.lock();
  });
});

describe('an import for the same person while they withdraw', () => {
  it('the import that was streaming is not stored (the consent gate refuses it) and leaves no blob; an import started during the shred is refused', { timeout: 120_000 }, async () => {
    const { dir, session, code } = await withRecording(16 * 1024 * 1024);
    const wav = path.join(tempDir(), 'second.wav');
    randomWav(wav, 32 * 1024 * 1024);
    const rec = new Recordings(session, NOW);
    let withdrawal: Promise<unknown> | null = null;
    let during: Promise<unknown> | null = null;
    const importing = rec.import(code, wav, {
      onProgress: () => {
        // Half-way through the import, the withdrawal; during its shred, another import.
        withdrawal ??= new Participants(session, NOW).withdraw(code, '2026-11-27', {
          onProgress: ({ bytes }) => {
            if (bytes > 0) during ??= rec.import(code, wav).then(() => 'stored', (e: unknown) => e);
          },
        });
      },
    });
    await expect(importing).rejects.toMatchObject({ code: 'PARTICIPANT_WITHDRAWN' });
    await withdrawal;
    expect(during).not.toBeNull();
    expect(await during).toMatchObject({ code: 'PARTICIPANT_WITHDRAWN' });
    expect(rec.list()).toEqual([]);
    expect(blobsIn(dir)).toEqual([]);
    session.lock();
  });
});

describe('a blob swapped for a link between the check and the open (the async shred gives that moment away)', () => {
  const setup = () => {
    const d = tempDir();
    const blob = path.join(d, 'blob.hvr');
    fs.writeFileSync(blob, randomFillSync(Buffer.alloc(1024 * 1024)));
    const theirs = path.join(tempDir(), 'thesis.docx');
    fs.writeFileSync(theirs, 'the user\'s own file, not the vault\'s');
    return { blob, theirs };
  };

  it('a hard link to the user\'s own file: never zeroed, only our name removed', async () => {
    const { blob, theirs } = setup();
    between.file = blob;
    between.act = () => {
      fs.rmSync(blob);
      fs.linkSync(theirs, blob);
    };
    await shredFilesAsync([blob]);
    between.file = null;
    expect(fs.readFileSync(theirs, 'utf8')).toBe('the user\'s own file, not the vault\'s');
    expect(fs.readdirSync(path.dirname(blob))).toEqual([]);
  });

  it('a symbolic link: not followed, and the withdrawal is not failed for it (the entry is removed)', async () => {
    const { blob, theirs } = setup();
    between.file = blob;
    between.act = () => {
      fs.rmSync(blob);
      fs.symlinkSync(theirs, blob);
    };
    await shredFilesAsync([blob]);
    between.file = null;
    expect(fs.readFileSync(theirs, 'utf8')).toBe('the user\'s own file, not the vault\'s');
    expect(fs.readdirSync(path.dirname(blob))).toEqual([]);
  });
});

describe('what can come in between while a withdrawal overwrites', () => {
  it('two overwritings of the same file at once (a lock and an open mid-shred: the old shred and the open\'s sweep) both end without error, and the file is gone', { timeout: 60_000 }, async () => {
    const d = tempDir();
    const file = path.join(d, 'blob.hvr');
    const fd = fs.openSync(file, 'w');
    const chunk = randomFillSync(Buffer.alloc(8 * 1024 * 1024));
    for (let i = 0; i < 4; i++) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
    // One of the two removes the name first; the other must take that as done, not as a failure
    // (in the open, a failure here refuses the vault to its user).
    const results = await Promise.allSettled([shredFileAsync(file), shredFilesAsync([file])]);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))).toEqual(['ok', 'ok']);
    expect(fs.existsSync(file)).toBe(false);
  });

  it('the vault locked mid-shred and opened again at once: the open completes the withdrawal (it does not fail on the blob the first shred is still removing)', { timeout: 120_000 }, async () => {
    const { dir, session, code, deps } = await withRecording();
    let locked = false;
    const first = new Participants(session, NOW).withdraw(code, '2026-11-27', {
      onProgress: ({ bytes }) => {
        // The user's Lock button (or the screen lock) after the first slice.
        if (bytes > 0 && !locked) {
          locked = true;
          session.lock();
        }
      },
    });
    // The first withdrawal's promise settles some way; its outcome is not what is asserted here.
    const settled = first.then(
      () => 'fulfilled',
      (e: unknown) => `rejected: ${(e as Error).message}`,
    );
    while (!locked) await new Promise((r) => setImmediate(r));
    // Opened again while the first shred is still writing its zeros.
    const again = await openProject(dir, PASS, deps);
    try {
      await settled;
      expect(registryEntry(again.stores.keylist, code)!.status).toBe('withdrawn');
      expect(new Participants(again, NOW).receipt(code).counts.recordings).toBe(1);
      expect(blobsIn(dir)).toEqual([]);
      expect(again.audit.list().filter((e) => e.action === 'participant.withdrawn' && e.participant === code)).toHaveLength(1);
    } finally {
      again.lock();
    }
  });
});

describe('a backup run and the withdrawal\'s own run at the same time', () => {
  it('the user presses Backup while the withdrawal\'s own run copies: neither breaks the other\'s copy, the place is not left refused, and it ends up without the person', { timeout: 120_000 }, async () => {
    const { session, deps } = await makeVault(PASS);
    const a = admit(session, { name: 'Aase Aasen' });
    const b = admit(session, { name: 'Berit Berg' });
    const rec = new Recordings(session, NOW);
    const importSome = async (round: number) => {
      for (let i = 0; i < 4; i++) {
        for (const code of [a, b]) {
          const wav = path.join(tempDir(), `${code}-${round}-${i}.wav`);
          makeWav(wav, 2, round * 100 + i * 2 + (code === a ? 1 : 2));
          await rec.import(code, wav);
        }
      }
    };
    await importSome(0);
    const place = tempDir('hvelv-place-');
    addPlace(session, place, NOW());
    expect((await runBackup(session, deps.crypto, NOW)).map((r) => r.outcome)).toEqual(['copied']);
    // New recordings since: the next run copies them, giving way after each.
    await importSome(1);
    // The withdrawal brings the places up to it (its own run, as the handler does), and the
    // user presses Backup meanwhile (the window answers all along: nothing waits for the other).
    await new Participants(session, NOW).withdraw(a, '2026-11-27');
    const [receiptPlaces, users] = await Promise.all([backupAfterWithdrawal(session, deps.crypto, NOW, a), runBackup(session, deps.crypto, NOW)]);
    expect(receiptPlaces).toEqual([{ dir: place, updated: true }]);
    expect(users.map((r) => r.outcome)).toEqual(['copied']);
    // The copy there reads back whole, no longer holds the person, and the next run is taken.
    expect(verifyBackups(session, deps.crypto).flatMap((v) => v.problems)).toEqual([]);
    expect(backupStatus(session).places[0]!.pending.withdrawals).toEqual([]);
    const next = await runBackup(session, deps.crypto, NOW);
    expect(next.map((r) => r.outcome)).toEqual(['copied']);
    expect(verifyBackups(session, deps.crypto).flatMap((v) => v.problems)).toEqual([]);
    session.lock();
  });
});

describe('a blob the disk cannot overwrite', () => {
  it('an I/O error on a withdrawn person\'s blob does not lock the user out: the next open completes the withdrawal and opens, the blob left for a later open', { timeout: 60_000 }, async () => {
    const { dir, session, code, deps } = await withRecording(8 * 1024 * 1024);
    const blob = path.join(storeDir(dir, 'recordings'), 'blobs', blobsIn(dir)[0]!);
    between.failOpen.add(blob);
    try {
      // The withdrawal itself says the overwriting failed (its keys are gone already).
      await expect(new Participants(session, NOW).withdraw(code, '2026-11-27')).rejects.toThrow(/EIO/);
      session.lock();
      const again = await openProject(dir, PASS, deps);
      expect(registryEntry(again.stores.keylist, code)!.status).toBe('withdrawn');
      expect(new Participants(again, NOW).receipt(code).counts.recordings).toBe(1);
      // Still there, keyless: listed as a leftover (hvelv verify says so), removed by a later open.
      expect(new Recordings(again, NOW).orphans().map((o) => o.kind)).toEqual(['orphan-blob']);
      again.lock();
    } finally {
      between.failOpen.delete(blob);
    }
    const later = await openProject(dir, PASS, deps);
    expect(blobsIn(dir)).toEqual([]);
    later.lock();
  });

  it('the same when the process died before the records went (the open\'s resume meets the I/O error): the withdrawal is completed, the vault opens', { timeout: 60_000 }, async () => {
    const { dir, session, code, deps } = await withRecording(8 * 1024 * 1024);
    const blob = path.join(storeDir(dir, 'recordings'), 'blobs', blobsIn(dir)[0]!);
    class Crash extends Error {}
    await expect(
      new Participants(session, NOW).withdraw(code, '2026-11-27', {
        afterStep: (s) => {
          if (s === 'journal') throw new Crash(s);
        },
      }),
    ).rejects.toThrow(Crash);
    session.lock();
    between.failOpen.add(blob);
    try {
      const again = await openProject(dir, PASS, deps);
      expect(registryEntry(again.stores.keylist, code)!.status).toBe('withdrawn');
      expect(again.audit.list().filter((e) => e.action === 'participant.withdrawn' && e.participant === code)).toHaveLength(1);
      again.lock();
    } finally {
      between.failOpen.delete(blob);
    }
    const later = await openProject(dir, PASS, deps);
    expect(blobsIn(dir)).toEqual([]);
    later.lock();
  });
});

describe('the end date comes while a withdrawal overwrites', () => {
  it('the app locks the vault and destroys the stores at once: the shred that was running ends (it does not fail on the blob the end removed), nothing of the person or the blob is left', { timeout: 120_000 }, async () => {
    const { dir, session, code, deps } = await withRecording();
    const AFTER_END = new Date('2031-06-02T10:00:00Z');
    let ended = false;
    let shredError: unknown = null;
    const first = new Participants(session, NOW)
      .withdraw(code, '2026-11-27', {
        onProgress: ({ bytes }) => {
          // The deadline watch: the open vault locked, then the end enforced (synchronously).
          if (bytes > 0 && !ended) {
            ended = true;
            session.lock();
            enforceProjectEnd(dir, { crypto: deps.crypto, now: AFTER_END });
          }
        },
      })
      .catch((e: unknown) => (shredError = e));
    await first;
    expect(ended).toBe(true);
    // The withdrawal could not be finished on the locked session; the shred itself did not fail on the gone blob.
    expect(String((shredError as NodeJS.ErrnoException | null)?.code ?? '')).not.toBe('ENOENT');
    expect(blobsIn(dir)).toEqual([]);
  });
});
