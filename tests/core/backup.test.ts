/**
 * Backups (issue 28): a copy restores into a vault that verifies and holds the same data; a
 * torn or altered piece is found by verify; a withdrawal reaches every place and a copy made
 * before it cannot bring the person back; the end date reaches the places; a place that cannot
 * be reached stays listed; no plaintext and no live database in a place.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { Participants } from '../../electron/core/services/participants/participants';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { Codebook } from '../../electron/core/services/analysis/codebook';
import { Coding } from '../../electron/core/services/analysis/coding';
import { addPlace, readRecord, recordDestroyed, removePlace } from '../../electron/core/services/backup/places';
import { backupStatus, runBackup, verifyBackups } from '../../electron/core/services/backup/run';
import { restoreVault } from '../../electron/core/services/backup/restore';
import { repoDir, manifestSeqs } from '../../electron/core/services/backup/repository';
import { openProject } from '../../electron/core/services/project/open';
import { enforceProjectEnd } from '../../electron/core/services/project-end/project-end';
import { DATA_STORES, storeDbPath } from '../../electron/core/vault/layout';
import { unlockVault, type VaultDeps, type VaultSession } from '../../electron/core/vault/vault';
import { admit, codeOf, findNeedles, listFiles, makeVault, makeWav, pw, recentTempFiles, tempDir } from './helpers';
import { HvelvError } from '../../electron/core/errors';

const PASS = 'correct horse battery staple';
const NOW = () => new Date('2026-11-27T10:00:00Z');

async function errCode(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HvelvError) return e.code;
    throw e;
  }
  return 'NO_ERROR';
}

/** A study with two participants, a recording, transcripts and coding; each with bytes to look for. */
async function study() {
  const v = await makeVault(PASS);
  const s = v.session;
  const ragnhild = admit(s, { name: 'Ragnhild Testesen', email: 'ragnhild@example.no' });
  const other = admit(s, { name: 'Blir Igjen' });
  const dir = tempDir();
  const wav = path.join(dir, 'opptak.wav');
  const audio = makeWav(wav, 4, 42);
  const rec = await new Recordings(s, NOW).import(ragnhild, wav);
  const t = new Transcripts(s, NOW);
  const phrase = 'lilla sykkelen ved fjorden min';
  const tr = t.create(ragnhild, `I: Fortell.\nB: Jeg snakker om den ${phrase} hver dag.`);
  const tOther = t.create(other, 'I: Hva skjer?\nB: Jeg blir med videre i studien.');
  const code = new Codebook(s, NOW).add({ name: 'Tillit' });
  new Coding(s, NOW).apply(tOther.id, { start: 3, end: 13 }, [code.id]);
  new Coding(s, NOW).apply(tr.id, { start: 3, end: 12 }, [code.id]);
  return { ...v, ragnhild, other, audio, rec, phrase, tr, tOther, code, inputDir: dir };
}

/** Everything a user depends on, read through the services, to compare two vaults. */
function contents(s: VaultSession) {
  const p = new Participants(s, NOW);
  const list = p.list();
  return {
    participants: list.map((x) => ({ code: x.code, status: x.status, consent: x.consent?.date ?? null, identity: x.status === 'active' ? p.reveal(x.code) : null })),
    recordings: s.stores.recordings.destroyed ? [] : s.stores.recordings.list('recording').map((r) => ({ id: r.id, data: r.data })),
    transcripts: s.stores.transcripts.destroyed ? [] : new Transcripts(s, NOW).list().map((x) => ({ ...x, text: new Transcripts(s, NOW).get(x.id).text })),
    codes: s.stores.transcripts.destroyed ? [] : new Codebook(s, NOW).list().map((c) => ({ id: c.id, name: c.name })),
  };
}

function blobFiles(vault: string): string[] {
  const dir = path.join(vault, 'recordings', 'blobs');
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

async function reopen(dir: string, deps: VaultDeps): Promise<VaultSession> {
  return openProject(dir, PASS, deps);
}

describe('backup and restore', () => {
  it('restores into a new folder a vault that verifies and holds the same participants, consents, recordings (bit for bit), transcripts and analysis', async () => {
    const v = await study();
    const place = tempDir('hvelv-place-');
    addPlace(v.session, place, NOW());
    const r = await runBackup(v.session, v.deps.crypto, NOW);
    expect(r).toMatchObject([{ outcome: 'copied', seq: 1 }]);
    expect(verifyBackups(v.session, v.deps.crypto)).toEqual([{ dir: place, seq: 1, problems: [] }]);
    const before = contents(v.session);
    const blobsBefore = blobFiles(v.dir).map((b) => fs.readFileSync(path.join(v.dir, 'recordings', 'blobs', b)));
    v.session.lock();

    const target = path.join(tempDir(), 'restored');
    const res = await restoreVault(place, target, pw(PASS), v.deps);
    expect(res.problems).toEqual([]);
    expect(res.applied).toEqual([]);
    const s = await reopen(target, v.deps);
    try {
      expect(s.verify()).toEqual([]);
      expect(contents(s)).toEqual(before);
      expect(blobFiles(target).map((b) => fs.readFileSync(path.join(target, 'recordings', 'blobs', b)))).toEqual(blobsBefore);
      // The recording plays back as the original bytes.
      const exported = path.join(tempDir(), 'out.wav');
      await new Recordings(s, NOW).export(v.rec.id, exported);
      expect(fs.readFileSync(exported).equals(v.audio)).toBe(true);
    } finally {
      s.lock();
    }
  });

  it('copies a recording once: a second run after a small change writes a few pieces, not the recording again', async () => {
    const v = await study();
    const place = tempDir('hvelv-place-');
    addPlace(v.session, place, NOW());
    const first = (await runBackup(v.session, v.deps.crypto, NOW))[0]!;
    new Transcripts(v.session, NOW).update(v.tOther.id, { text: 'I: Hva skjer?\nB: Jeg blir med videre i studien, sa jeg.' });
    const second = (await runBackup(v.session, v.deps.crypto, NOW))[0]!;
    expect(second.outcome).toBe('copied');
    expect(second.newBytes).toBeLessThan(v.audio.length / 2);
    expect(second.newBytes).toBeLessThan(first.newBytes / 4);
    expect(manifestSeqs(repoDir(place, v.session.vaultId))).toEqual([2]);
    expect(verifyBackups(v.session, v.deps.crypto)[0]!.problems).toEqual([]);
    v.session.lock();
  });

  it('finds a torn piece and an altered piece in verify, and a restore refuses them', async () => {
    const v = await study();
    const place = tempDir('hvelv-place-');
    addPlace(v.session, place, NOW());
    await runBackup(v.session, v.deps.crypto, NOW);
    const repo = repoDir(place, v.session.vaultId);
    const pieces = listFiles(path.join(repo, 'pieces')).sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
    const torn = pieces[0]!; // the recording
    fs.truncateSync(torn, fs.statSync(torn).size - 100);
    const altered = pieces.find((p) => p.includes(`${path.sep}transcripts${path.sep}`))!;
    const bytes = fs.readFileSync(altered);
    bytes[bytes.length - 5]! ^= 0x01;
    fs.writeFileSync(altered, bytes);
    const problems = verifyBackups(v.session, v.deps.crypto)[0]!.problems;
    expect(problems.some((p) => p.includes('torn'))).toBe(true);
    expect(problems.some((p) => p.includes('altered'))).toBe(true);
    v.session.lock();
    const target = path.join(tempDir(), 'restored');
    expect(await errCode(restoreVault(place, target, pw(PASS), v.deps))).toBe('INTEGRITY');
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.readdirSync(path.dirname(target))).toEqual([]);
  });

  it('refuses a restore over an existing vault and a wrong passphrase', async () => {
    const v = await study();
    const place = tempDir('hvelv-place-');
    addPlace(v.session, place, NOW());
    await runBackup(v.session, v.deps.crypto, NOW);
    v.session.lock();
    expect(await errCode(restoreVault(place, v.dir, pw(PASS), v.deps))).toBe('VAULT_EXISTS');
    expect(await errCode(restoreVault(place, path.join(tempDir(), 'x'), pw('not the passphrase'), v.deps))).toBe('WRONG_PASSPHRASE');
    expect(await errCode(restoreVault(tempDir(), path.join(tempDir(), 'x'), pw(PASS), v.deps))).toBe('BACKUP_NOT_FOUND');
  });

  it('puts no plaintext, no readable SQLite file and nothing but the header in clear in the place, and no temp file anywhere', async () => {
    const started = Date.now();
    const v = await study();
    const place = tempDir('hvelv-place-');
    addPlace(v.session, place, NOW());
    await runBackup(v.session, v.deps.crypto, NOW);
    const files = listFiles(place);
    const needles = [Buffer.from('Ragnhild'), Buffer.from(v.phrase), Buffer.from('ragnhild@example.no'), Buffer.from('Tillit'), Buffer.from('SQLite format 3'), v.audio.subarray(1000, 1064)];
    expect(findNeedles(files, needles)).toEqual([]);
    const header = path.join(repoDir(place, v.session.vaultId), 'hvelv-vault.json');
    expect(fs.readFileSync(header).equals(fs.readFileSync(path.join(v.dir, 'hvelv-vault.json')))).toBe(true);
    expect(files.filter((f) => /-wal$|-shm$|\.sqlite$|hvelv-tmp$/.test(f))).toEqual([]);
    expect(findNeedles(recentTempFiles(started).filter((f) => !f.startsWith(v.dir)), [Buffer.from(v.phrase), Buffer.from('Ragnhild Testesen')])).toEqual([]);
    v.session.lock();
  });
});

/** Every sealed piece opened again with the passphrase: what the place would give anyone who has it. */
async function decryptedPlace(place: string, vaultId: string, deps: VaultDeps): Promise<Buffer[]> {
  const { readHeader } = await import('../../electron/core/vault/header');
  const { derivedKeysFromHeader } = await import('../../electron/core/vault/vault');
  const { openPiece } = await import('../../electron/core/services/backup/repository');
  const repo = repoDir(place, vaultId);
  const header = readHeader(repo, deps.crypto);
  const [sealKey] = await derivedKeysFromHeader(header, pw(PASS), ['backup-seal'], deps);
  const out: Buffer[] = [];
  for (const f of listFiles(path.join(repo, 'pieces'))) {
    const bytes = fs.readFileSync(f);
    const plain = openPiece({ crypto: deps.crypto, vaultId, sealKey: sealKey!, nameKey: new Uint8Array(32), ownerPublicKey: header.publicKey }, path.basename(f), bytes);
    out.push(plain ? Buffer.from(plain) : bytes);
  }
  return out;
}

/** A participant's wrapped key and sealed rows as they are in the vault's stores: what crypto-shredding must remove. */
function keyMaterial(vault: string, code: string, stores: readonly (typeof DATA_STORES)[number][] = DATA_STORES): Buffer[] {
  const out: Buffer[] = [];
  for (const store of stores) {
    const db = new Database(storeDbPath(vault, store), { readonly: true });
    for (const k of db.prepare('SELECT wrapped FROM participant_keys WHERE participant = ?').all(code) as { wrapped: Buffer }[]) out.push(k.wrapped);
    for (const r of db.prepare('SELECT ct FROM records WHERE participant = ?').all(code) as { ct: Buffer }[]) out.push(r.ct.subarray(0, 32));
    db.close();
  }
  return out;
}

describe('the promises reach every copy', () => {
  it('withdraw, run, restore: no trace of the person in the place (even decrypted) or in the restored vault', async () => {
    const v = await study();
    const place = tempDir('hvelv-place-');
    addPlace(v.session, place, NOW());
    await runBackup(v.session, v.deps.crypto, NOW);
    const material = keyMaterial(v.dir, v.ragnhild);
    expect(material.length).toBeGreaterThan(3);
    const blob = fs.readFileSync(path.join(v.dir, 'recordings', 'blobs', blobFiles(v.dir)[0]!)).subarray(100, 164);
    // Before: the decrypted place holds the person's key material (the scan can find it).
    expect(findInBuffers(await decryptedPlace(place, v.session.vaultId, v.deps), [...material, blob]).length).toBeGreaterThan(0);
    expect(backupStatus(v.session).places[0]!.pending).toEqual({ withdrawals: [], end: false });

    await new Participants(v.session, NOW).withdraw(v.ragnhild, '2026-11-27');
    expect(backupStatus(v.session).places[0]!.pending).toEqual({ withdrawals: [v.ragnhild], end: false });
    const r = (await runBackup(v.session, v.deps.crypto, NOW))[0]!;
    expect(r.removedPieces).toBeGreaterThan(0);
    expect(backupStatus(v.session).places[0]!.pending).toEqual({ withdrawals: [], end: false });
    const decrypted = await decryptedPlace(place, v.session.vaultId, v.deps);
    expect(findInBuffers(decrypted, [...material, blob, Buffer.from('Ragnhild'), Buffer.from(v.phrase)])).toEqual([]);
    expect(findNeedles(listFiles(place), [...material, blob, Buffer.from('Ragnhild'), Buffer.from(v.phrase)])).toEqual([]);
    v.session.lock();

    const target = path.join(tempDir(), 'restored');
    await restoreVault(place, target, pw(PASS), v.deps);
    const s = await reopen(target, v.deps);
    try {
      const p = new Participants(s, NOW).list().find((x) => x.code === v.ragnhild)!;
      expect(p.status).toBe('withdrawn');
      expect(s.verify()).toEqual([]);
    } finally {
      s.lock();
    }
    expect(findNeedles(listFiles(target), [...material, blob, Buffer.from('Ragnhild'), Buffer.from(v.phrase)])).toEqual([]);
  });

  it('a copy made before a withdrawal, restored with the newer place shown, does not bring the person back', async () => {
    const v = await study();
    const old = tempDir('hvelv-old-');
    const current = tempDir('hvelv-new-');
    addPlace(v.session, old, NOW());
    await runBackup(v.session, v.deps.crypto, NOW);
    // The old disk is put away; only the other place gets later copies.
    removePlace(v.session, old, { pending: false });
    addPlace(v.session, current, NOW());
    await new Participants(v.session, NOW).withdraw(v.ragnhild, '2026-11-27');
    await runBackup(v.session, v.deps.crypto, NOW);
    v.session.lock();

    // Older than the other place: refused unless the student says so.
    expect(await errCode(restoreVault(old, path.join(tempDir(), 'r1'), pw(PASS), v.deps, { also: [current] }))).toBe('BACKUP_OLDER');
    const target = path.join(tempDir(), 'restored');
    const res = await restoreVault(old, target, pw(PASS), v.deps, { also: [current], allowOlder: true });
    expect(res.applied).toEqual([{ code: v.ragnhild, date: '2026-11-27' }]);
    const s = await reopen(target, v.deps);
    try {
      expect(new Participants(s, NOW).list().find((x) => x.code === v.ragnhild)!.status).toBe('withdrawn');
      expect(Object.values(s.stores.transcripts.countParticipant(v.ragnhild)).reduce((a, b) => a + b, 0)).toBe(0);
      expect(s.verify()).toEqual([]);
    } finally {
      s.lock();
    }
    expect(findNeedles(listFiles(target), [Buffer.from('Ragnhild'), Buffer.from(v.phrase)])).toEqual([]);

    // A source named that cannot be read: refused, not passed over.
    expect(await errCode(restoreVault(old, path.join(tempDir(), 'r2'), pw(PASS), v.deps, { also: [path.join(tempDir(), 'no-such-place')], allowOlder: true }))).toBe('INVALID_INPUT');
    // The vault itself shown (it is newer than any copy): the same.
    const target2 = path.join(tempDir(), 'restored2');
    expect(await errCode(restoreVault(old, target2, pw(PASS), v.deps, { also: [v.dir] }))).toBe('BACKUP_OLDER');
    const res2 = await restoreVault(old, target2, pw(PASS), v.deps, { also: [v.dir], allowOlder: true });
    expect(res2.applied.map((w) => w.code)).toEqual([v.ragnhild]);
  });

  it('a restore reads on its own the places the copy knows: a newer copy there refuses the older one, or its withdrawals apply; a place it cannot reach is named', async () => {
    const v = await study();
    const old = tempDir('hvelv-old-');
    const current = tempDir('hvelv-new-');
    addPlace(v.session, old, NOW());
    addPlace(v.session, current, NOW());
    await runBackup(v.session, v.deps.crypto, NOW);
    // The old disk is unplugged; the withdrawal reaches only the other place.
    fs.renameSync(old, `${old}-away`);
    await new Participants(v.session, NOW).withdraw(v.ragnhild, '2026-11-27');
    await runBackup(v.session, v.deps.crypto, NOW);
    v.session.lock();
    fs.renameSync(`${old}-away`, old);

    // Nothing shown with --also: the copy's own record names the newer place, which is read.
    expect(await errCode(restoreVault(old, path.join(tempDir(), 'r0'), pw(PASS), v.deps))).toBe('BACKUP_OLDER');
    const target = path.join(tempDir(), 'restored');
    const res = await restoreVault(old, target, pw(PASS), v.deps, { allowOlder: true });
    expect(res.places.map((p) => [p.dir, p.outcome])).toEqual([
      [old, 'same'],
      [current, 'read'],
    ]);
    expect(res.applied).toEqual([{ code: v.ragnhild, date: '2026-11-27' }]);
    const s = await reopen(target, v.deps);
    try {
      expect(new Participants(s, NOW).list().find((x) => x.code === v.ragnhild)!.status).toBe('withdrawn');
    } finally {
      s.lock();
    }

    // The newer place cannot be reached from here: the restore cannot know, and says so by name.
    fs.renameSync(current, `${current}-away`);
    const res2 = await restoreVault(old, path.join(tempDir(), 'r2'), pw(PASS), v.deps);
    expect(res2.places.map((p) => [p.dir, p.outcome])).toEqual([
      [old, 'same'],
      [current, 'unreachable'],
    ]);
    expect(res2.applied).toEqual([]);
    // From when withdrawals may be missing: the copy's own date, the newest known.
    expect(res2.newestKnownAt).toBe(res2.copyMadeAt);
  });

  it('carries the end date into a restored older copy when a place it reads has passed it, whatever the clock says', async () => {
    const v = await study();
    const old = tempDir('hvelv-old-');
    const current = tempDir('hvelv-new-');
    addPlace(v.session, old, NOW());
    addPlace(v.session, current, NOW());
    await runBackup(v.session, v.deps.crypto, NOW);
    v.session.lock();
    fs.renameSync(old, `${old}-away`);
    const after = () => new Date('2031-06-02T10:00:00Z');
    enforceProjectEnd(v.dir, { crypto: v.deps.crypto, now: after() });
    const s = await unlockVault(v.dir, pw(PASS), { ...v.deps, now: after });
    await runBackup(s, v.deps.crypto, after);
    s.lock();
    fs.renameSync(`${old}-away`, old);
    // Restored on a computer whose clock says it is before the end date.
    const target = path.join(tempDir(), 'restored');
    const res = await restoreVault(old, target, pw(PASS), v.deps, { allowOlder: true });
    expect(res.endFromSource).toBe(true);
    const r = await unlockVault(target, pw(PASS), v.deps);
    try {
      expect(r.stores.keylist.destroyed).toBe(true);
      expect(r.stores.recordings.destroyed).toBe(true);
    } finally {
      r.lock();
    }
  });

  it('carries the end date to a place (the key list and recordings gone from it) and lists a place it cannot reach until the disk is recorded destroyed', async () => {
    const v = await study();
    const reachable = tempDir('hvelv-place-');
    const usb = path.join(tempDir('hvelv-usb-'), 'disk');
    fs.mkdirSync(usb);
    addPlace(v.session, reachable, NOW());
    addPlace(v.session, usb, NOW());
    await runBackup(v.session, v.deps.crypto, NOW);
    // The key list and the recordings are destroyed at the end; transcripts stay (anonymise).
    const material = keyMaterial(v.dir, v.other, ['keylist', 'recordings']);
    v.session.lock();
    // The disk is unplugged; the end date passes (as the daily job would carry it out).
    fs.renameSync(usb, `${usb}-away`);
    const after = () => new Date('2031-06-02T10:00:00Z');
    enforceProjectEnd(v.dir, { crypto: v.deps.crypto, now: after() });
    const deps2 = { ...v.deps, now: after };
    const s = await unlockVault(v.dir, pw(PASS), deps2);
    try {
      expect(s.stores.keylist.destroyed).toBe(true);
      const status = backupStatus(s).places;
      expect(status.map((p) => p.pending.end)).toEqual([true, true]);
      const r = await runBackup(s, v.deps.crypto, after);
      expect(r.map((x) => x.outcome)).toEqual(['copied', 'unreachable']);
      const st = backupStatus(s).places;
      expect(st.map((p) => [p.reachable, p.pending.end])).toEqual([[true, false], [false, true]]);
      // The reachable place no longer holds the key list or the recording, even decrypted.
      const dec = await decryptedPlace(reachable, s.vaultId, v.deps);
      expect(findInBuffers(dec, [...material, Buffer.from('Blir Igjen'), v.audio.subarray(1000, 1064)])).toEqual([]);
      // Only each store's tombstone (DESTROYED.json) is left of them there.
      expect(listFiles(path.join(repoDir(reachable, s.vaultId), 'pieces', 'keylist')).length).toBe(1);
      expect(listFiles(path.join(repoDir(reachable, s.vaultId), 'pieces', 'recordings')).length).toBe(1);
      // The disk comes back: the next run erases it there too.
      fs.renameSync(`${usb}-away`, usb);
      await runBackup(s, v.deps.crypto, after);
      expect(backupStatus(s).places.map((p) => p.pending.end)).toEqual([false, false]);
      // A disk that never comes back: listed until recorded destroyed.
      fs.rmSync(usb, { recursive: true });
      const third = path.join(tempDir(), 'lost');
      fs.mkdirSync(third);
      addPlace(s, third, after());
      expect(readRecord(s).places.length).toBe(3);
      expect(codeOf(() => removePlace(s, third, { pending: true }))).toBe('INVALID_INPUT');
      recordDestroyed(s, usb, '2031-06-01');
      expect(backupStatus(s).places.find((p) => p.dir === usb)!.destroyedOn).toBe('2031-06-01');
    } finally {
      s.lock();
    }
    // A restore of the ended copy: the key list stays destroyed, the transcripts are there.
    const target = path.join(tempDir(), 'restored');
    await restoreVault(reachable, target, pw(PASS), deps2);
    const r = await unlockVault(target, pw(PASS), deps2);
    try {
      expect(r.stores.keylist.destroyed).toBe(true);
      expect(r.stores.recordings.destroyed).toBe(true);
      expect(new Transcripts(r, after).list().length).toBeGreaterThan(0);
    } finally {
      r.lock();
    }
  });
});

function findInBuffers(bufs: Buffer[], needles: Buffer[]): number[] {
  const hits: number[] = [];
  needles.forEach((n, i) => {
    if (bufs.some((b) => b.includes(n))) hits.push(i);
  });
  return hits;
}
