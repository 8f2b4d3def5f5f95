/**
 * Making and opening a share with recordings in a worker thread (issue 27): the share it
 * writes opens with the supervisor's Hvelv and its recordings are the student's bytes;
 * progress comes as it goes; Cancel leaves nothing (no share, no temporary file; nothing in
 * the supervisor's folder); a damaged recording leaves nothing either; and the calling
 * thread (the app's main process) keeps turning while it runs, counted in turns of its
 * event loop, not in time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { initSupervisorFolder, type SupervisorDeps } from '../../electron/core/services/supervisor/folder';
import { HeldShares } from '../../electron/core/services/supervisor/held';
import { Supervisors } from '../../electron/core/services/supervisor/student';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import type { IsoDate } from '@shared/domain';
import { admit, listFiles, makeVault, makeWav, pw, TEST_KDF, TEST_KDF_POLICY, tempDir } from './helpers';

const NOW = () => new Date('2026-11-27T10:00:00Z');
const UNTIL = '2027-03-01' as IsoDate;
const TEXT = '#00:00:01-0# I: Hva betyr tillit for deg?\n#00:00:02-5# B: Å bli trodd.\n';

/** Two participants with a recording each (`seconds` of 16 kHz mono), shared with recordings. */
async function setup(seconds: number) {
  const { dir, session, deps } = await makeVault();
  const work = tempDir('hvelv-sharew-');
  const a = admit(session, { name: 'Kari Nordmann' });
  const b = admit(session, { name: 'Ola Hansen' });
  const recordings = new Recordings(session, NOW);
  const wavA = makeWav(path.join(work, 'a.wav'), seconds, 11);
  const wavB = makeWav(path.join(work, 'b.wav'), seconds, 23);
  const ra = await recordings.import(a, path.join(work, 'a.wav'));
  const rb = await recordings.import(b, path.join(work, 'b.wav'));
  // A share carries the recordings of the participants whose transcripts it holds.
  const transcripts = new Transcripts(session, NOW);
  transcripts.create(a, TEXT, 'hvelv', ra.id);
  transcripts.create(b, TEXT, 'hvelv', rb.id);
  fs.rmSync(work, { recursive: true, force: true });
  const supDir = path.join(tempDir('hvelv-sharew-sup-'), 'veileder');
  const supDeps: SupervisorDeps = { crypto: deps.crypto, kdfPolicy: TEST_KDF_POLICY, now: NOW };
  const sup = await initSupervisorFolder(supDir, pw('veileders passord 1'), supDeps, { kdf: TEST_KDF });
  const students = new Supervisors(session, NOW, deps.crypto);
  const entry = students.add({ key: sup.identity.key, label: 'Hovedveileder', until: UNTIL, recordings: true });
  const made = () => students.create(entry.id, students.plan(entry.id).findings.map((f) => f.id));
  return { dir, session, sup, students, entry, made, wavA, wavB, out: tempDir('hvelv-sharew-out-'), held: new HeldShares(sup) };
}

/** Turns of this thread's event loop while `work` runs. */
async function countTurns(work: () => Promise<unknown> | unknown): Promise<number> {
  let turns = 0;
  let on = true;
  const spin = (): void => {
    if (!on) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  await work();
  on = false;
  return turns;
}

/** The files of the supervisor's shares folder, less locks. */
const heldFiles = (supDir: string): string[] => (fs.existsSync(path.join(supDir, 'shares')) ? listFiles(path.join(supDir, 'shares')).filter((f) => !f.endsWith('.lock')) : []);

describe('a share with recordings, made in a worker thread', () => {
  it('opens with the supervisor’s Hvelv, each recording the student’s bytes, with progress up to the whole', async () => {
    const s = await setup(20);
    const file = path.join(s.out, 'del.hvelvshare');
    const seen: { bytes: number; total: number }[] = [];
    await s.students.writeShareInWorker(file, s.made(), { onProgress: (p) => seen.push(p) });
    expect(fs.readdirSync(s.out)).toEqual(['del.hvelvshare']);
    const total = s.wavA.length + s.wavB.length;
    expect(seen.at(-1)).toEqual({ bytes: total, total });
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.bytes).toBeGreaterThanOrEqual(seen[i - 1]!.bytes);
    const held = s.held.open(file);
    const recs = s.held.content(held.vaultId).recordings;
    expect(recs).toHaveLength(2);
    const got = recs.map((r) => {
      const { reader } = s.held.openRecording(held.vaultId, r.id);
      try {
        return reader.read(0, reader.plainSize - 1);
      } finally {
        reader.close();
      }
    });
    expect(got.map((g) => g.toString('hex')).sort()).toEqual([s.wavA, s.wavB].map((w) => w.toString('hex')).sort());
    s.sup.lock();
    s.session.lock();
  }, 60_000);

  it('cancelled part way: no share and no temporary file in the folder, and the made share cannot be written after', async () => {
    const s = await setup(240); // 2 × 7.7 MB: progress comes every 4 MiB, before the end
    const file = path.join(s.out, 'del.hvelvshare');
    const ctl = new AbortController();
    let progressed = 0;
    const created = s.made();
    const err = await s.students
      .writeShareInWorker(file, created, {
        signal: ctl.signal,
        onProgress: (p) => {
          progressed = p.bytes;
          ctl.abort();
        },
      })
      .catch((e: unknown) => e as { code?: string });
    expect(err).toMatchObject({ code: 'CANCELLED' });
    expect(progressed).toBeGreaterThan(0);
    expect(progressed).toBeLessThan(s.wavA.length + s.wavB.length);
    expect(fs.readdirSync(s.out)).toEqual([]);
    // The stream keys were overwritten: this made share is never written with them.
    await expect(s.students.writeShareInWorker(file, created)).rejects.toThrow(/written once/);
    expect(fs.readdirSync(s.out)).toEqual([]);
    s.sup.lock();
    s.session.lock();
  }, 60_000);

  it('a recording damaged in the student’s store: INTEGRITY and no file at all', async () => {
    const s = await setup(20);
    const blob = listFiles(s.dir).find((f) => f.endsWith('.hvr'))!;
    const bytes = fs.readFileSync(blob);
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 0xff;
    fs.writeFileSync(blob, bytes);
    const err = await s.students.writeShareInWorker(path.join(s.out, 'x.hvelvshare'), s.made()).catch((e: unknown) => e as { code?: string });
    expect(err).toMatchObject({ code: 'INTEGRITY' });
    expect(fs.readdirSync(s.out)).toEqual([]);
    s.sup.lock();
    s.session.lock();
  }, 60_000);

  it('the calling thread keeps turning while the worker re-seals (the same share on the thread turns it not at all)', async () => {
    const s = await setup(240);
    const inWorker = await countTurns(() => s.students.writeShareInWorker(path.join(s.out, 'a.hvelvshare'), s.made()));
    const onThread = await countTurns(() => s.students.writeShare(path.join(s.out, 'b.hvelvshare'), s.made()));
    expect(onThread).toBe(0);
    // 15 MB re-sealed: the loop turned between the worker's progress messages, many times.
    expect(inWorker).toBeGreaterThan(20);
    expect(fs.statSync(path.join(s.out, 'a.hvelvshare')).size).toBe(fs.statSync(path.join(s.out, 'b.hvelvshare')).size);
    s.sup.lock();
    s.session.lock();
  }, 60_000);
});

describe('a share with recordings, opened in a worker thread', () => {
  it('holds the student’s bytes, with progress, while the thread keeps turning (on the thread: not at all)', async () => {
    const s = await setup(240);
    const file = path.join(s.out, 'del.hvelvshare');
    await s.students.writeShareInWorker(file, s.made());
    const seen: { bytes: number; total: number }[] = [];
    let held!: { vaultId: string };
    const turns = await countTurns(async () => (held = await s.held.openInWorker(file, { onProgress: (p) => seen.push(p) })));
    expect(turns).toBeGreaterThan(20);
    const total = s.wavA.length + s.wavB.length;
    expect(seen.at(-1)).toEqual({ bytes: total, total });
    const recs = s.held.content(held.vaultId).recordings;
    const got = recs.map((r) => {
      const { reader } = s.held.openRecording(held.vaultId, r.id);
      try {
        return reader.read(0, reader.plainSize - 1).toString('hex');
      } finally {
        reader.close();
      }
    });
    expect(got.sort()).toEqual([s.wavA, s.wavB].map((w) => w.toString('hex')).sort());
    // The same share's next version on the thread, for the count beside it.
    const next = path.join(s.out, 'del-2.hvelvshare');
    s.students.recordShare(s.entry.id, s.made().made);
    await s.students.writeShareInWorker(next, s.made());
    expect(await countTurns(() => s.held.open(next))).toBe(0);
    s.sup.lock();
    s.session.lock();
  }, 60_000);

  it('cancelled part way: nothing imported and nothing of it in the supervisor’s folder', async () => {
    const s = await setup(240);
    const file = path.join(s.out, 'del.hvelvshare');
    await s.students.writeShareInWorker(file, s.made());
    const ctl = new AbortController();
    const err = await s.held.openInWorker(file, { signal: ctl.signal, onProgress: () => ctl.abort() }).catch((e: unknown) => e as { code?: string });
    expect(err).toMatchObject({ code: 'CANCELLED' });
    expect(s.held.list()).toEqual([]);
    expect(heldFiles(s.sup.path)).toEqual([]);
    // And it opens afterwards, whole.
    await s.held.openInWorker(file);
    expect(s.held.list()).toHaveLength(1);
    s.sup.lock();
    s.session.lock();
  }, 60_000);

  it('a byte changed in a recording of the share: SHARE_DAMAGED, nothing imported', async () => {
    const s = await setup(20);
    const file = path.join(s.out, 'del.hvelvshare');
    await s.students.writeShareInWorker(file, s.made());
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 200] = bytes[bytes.length - 200]! ^ 0x01;
    fs.writeFileSync(file, bytes);
    const err = await s.held.openInWorker(file).catch((e: unknown) => e as { code?: string });
    expect(err).toMatchObject({ code: 'SHARE_DAMAGED' });
    expect(s.held.list()).toEqual([]);
    expect(heldFiles(s.sup.path)).toEqual([]);
    s.sup.lock();
    s.session.lock();
  }, 60_000);

  it('the vault locking while it runs stops it: no share is left that the vault would not know it made (attack review)', async () => {
    const s = await setup(120);
    const file = path.join(s.out, 'del.hvelvshare');
    let locked = false;
    const err = await s.students
      .writeShareInWorker(file, s.made(), {
        onProgress: () => {
          if (!locked) {
            locked = true;
            s.session.lock();
          }
        },
      })
      .then(() => null, (e: unknown) => e as { code?: string });
    expect(locked).toBe(true);
    // A share on the disk that the locked vault never recorded could not be withdrawn from, nor is it in the log.
    expect(fs.readdirSync(s.out)).toEqual([]);
    expect(err).toMatchObject({ code: 'CANCELLED' });
    s.sup.lock();
  }, 120_000);
});
