/**
 * Backups under attack, second round (issue 28's backup places in the certificate, "the disk
 * was destroyed", restore reading the recorded places, synced-folder markers): each test was a
 * finding (F) that failed before its fix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Participants } from '../../electron/core/services/participants/participants';
import { addPlace, recordDestroyed, removePlace } from '../../electron/core/services/backup/places';
import { backupAfterWithdrawal, backupStatus, placesForReceipt, runBackup, verifyBackups } from '../../electron/core/services/backup/run';
import { openProject } from '../../electron/core/services/project/open';
import { projectStatus } from '../../electron/core/services/project/status';
import { restoreVault } from '../../electron/core/services/backup/restore';
import { manifestSeqs, repoDir } from '../../electron/core/services/backup/repository';
import { syncedByMarkers } from '../../electron/core/services/backup/synced';
import { enforceProjectEnd } from '../../electron/core/services/project-end/project-end';
import { BACKUP_PLACES_FILE, placeLabel } from '../../electron/core/services/project-end/backup-places';
import { admit, makeVault, pw, tempDir } from './helpers';

const PASS = 'correct horse battery staple';
const NOW = () => new Date('2026-11-27T10:00:00Z');
const AFTER = () => new Date('2031-06-02T10:00:00Z');

function certificateHtml(vault: string): string | null {
  const dir = path.join(vault, 'certificates');
  const f = fs.existsSync(dir) ? fs.readdirSync(dir).find((n) => n.endsWith('.html')) : undefined;
  return f ? fs.readFileSync(path.join(dir, f), 'utf8') : null;
}

async function withPlace() {
  const v = await makeVault(PASS);
  const ragnhild = admit(v.session, { name: 'Ragnhild Testesen' });
  const place = path.join(tempDir('hvelv-place-'), 'Minnepinne');
  fs.mkdirSync(place);
  addPlace(v.session, place, NOW());
  await runBackup(v.session, v.deps.crypto, NOW);
  return { ...v, ragnhild, place };
}

describe('attack: the certificate’s clear list of places', () => {
  it('F1 a date in backup-places.json that is no date does not stop the end date’s certificate from being written', async () => {
    const v = await withPlace();
    v.session.lock();
    const file = path.join(v.dir, BACKUP_PLACES_FILE);
    const clear = JSON.parse(fs.readFileSync(file, 'utf8'));
    clear.places[0].lastCopyAt = 'yesterday';
    fs.writeFileSync(file, JSON.stringify(clear));
    // The daily job at the end date: the stores go, and the certificate must say so.
    enforceProjectEnd(v.dir, { crypto: v.deps.crypto, now: AFTER() });
    const html = certificateHtml(v.dir);
    expect(html).not.toBeNull();
    // The place is not lost from it either: its copy is listed as not yet erased, or the list as not known; never "no places".
    expect(html).toMatch(/copy not yet erased|could not read its list of backup places/);
    expect(html).not.toContain('Hvelv had no backup places recorded');
  });

  it('F2 a vault whose clear list of places is gone (deleted, damaged) is not certified as having had no backup places', async () => {
    const v = await withPlace();
    v.session.lock();
    fs.rmSync(path.join(v.dir, BACKUP_PLACES_FILE));
    enforceProjectEnd(v.dir, { crypto: v.deps.crypto, now: AFTER() });
    const html = certificateHtml(v.dir)!;
    expect(html).not.toContain('Hvelv had no backup places recorded');
    expect(html).not.toContain('Hvelv hadde ingen sikkerhetskopisteder registrert');
  });

  it('H1 markup in a label of backup-places.json reaches the certificate as text, not markup', async () => {
    const v = await withPlace();
    v.session.lock();
    const file = path.join(v.dir, BACKUP_PLACES_FILE);
    const clear = JSON.parse(fs.readFileSync(file, 'utf8'));
    clear.places[0].label = '<img src=x onerror=alert(1)><script>alert(2)</script>';
    fs.writeFileSync(file, JSON.stringify(clear));
    enforceProjectEnd(v.dir, { crypto: v.deps.crypto, now: AFTER() });
    const html = certificateHtml(v.dir)!;
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;');
  });

  it('F3 a place’s folder name from another system’s paths (a vault restored on Linux from Windows) gives only the last name, not the whole path with the user’s name', () => {
    expect(placeLabel('C:\\Users\\Kari Nordmann\\OneDrive - UiO\\Hvelv-kopi')).toBe('Hvelv-kopi');
    expect(placeLabel('D:\\')).not.toContain('\\');
  });
});

describe('attack: "the disk was destroyed"', () => {
  it('F4 cannot be recorded for a place whose copy is right there: it would never be erased again, and the certificate would call it destroyed', async () => {
    const v = await withPlace();
    await new Participants(v.session, NOW).withdraw(v.ragnhild, '2026-11-27');
    // The copy there still holds her; the student (or someone at the keyboard) says the disk is destroyed.
    let refused = false;
    try {
      recordDestroyed(v.session, v.place, '2026-11-27');
    } catch {
      refused = true;
    }
    await runBackup(v.session, v.deps.crypto, NOW);
    // Either it was refused, or the run still reached the copy: the person is not left there.
    const repo = repoDir(v.place, v.session.vaultId);
    expect.soft(refused).toBe(true);
    const p = backupStatus(v.session).places[0]!;
    expect(p.destroyedOn === null || p.carried.includes(v.ragnhild)).toBe(true);
    expect(manifestSeqs(repo).length).toBeGreaterThan(0);
  });
});

describe('attack: "the disk was destroyed", then the disk turns up', () => {
  it('F12 a place recorded destroyed while away, whose copy is reachable again, is brought up by the next run, not left holding the withdrawn for ever', async () => {
    const v = await withPlace();
    fs.renameSync(v.place, `${v.place}-away`); // the stick is lost
    await new Participants(v.session, NOW).withdraw(v.ragnhild, '2026-11-27');
    await runBackup(v.session, v.deps.crypto, NOW);
    recordDestroyed(v.session, v.place, '2026-11-27');
    fs.renameSync(`${v.place}-away`, v.place); // ...and found in a drawer
    const r = await runBackup(v.session, v.deps.crypto, NOW);
    expect(r.map((x) => [x.dir, x.outcome])).toEqual([[v.place, 'copied']]);
    const p = backupStatus(v.session).places[0]!;
    expect(p.carried).toContain(v.ragnhild);
    // Not "destroyed" any more: the certificate and status say what the copy is.
    expect(p.destroyedOn).toBeNull();
  });
});

describe('attack: restore reading the places the copy names', () => {
  it('F15 a place the copy’s record calls destroyed, whose disk turned up and got a newer copy, is read by a restore: the person withdrawn since does not come back', async () => {
    const v = await makeVault(PASS);
    const ragnhild = admit(v.session, { name: 'Ragnhild Testesen' });
    const a = tempDir('hvelv-place-a-');
    const x = path.join(tempDir('hvelv-place-x-'), 'Minnepinne');
    fs.mkdirSync(x);
    addPlace(v.session, a, NOW());
    addPlace(v.session, x, NOW());
    await runBackup(v.session, v.deps.crypto, NOW);
    fs.renameSync(x, `${x}-away`); // the stick is lost...
    recordDestroyed(v.session, x, '2026-11-27');
    await runBackup(v.session, v.deps.crypto, NOW); // A's copy: its record says the stick was destroyed
    fs.renameSync(`${x}-away`, x); // ...and found; A's disk is not plugged in now
    fs.renameSync(a, `${a}-away`);
    await new Participants(v.session, NOW).withdraw(ragnhild, '2026-11-27');
    await runBackup(v.session, v.deps.crypto, NOW);
    v.session.lock();
    fs.renameSync(`${a}-away`, a);
    // The laptop dies; the student restores from A, the stick plugged in where it was.
    const target = path.join(tempDir(), 'restored');
    const r = await restoreVault(a, target, pw(PASS), v.deps, { allowOlder: true });
    expect(r.places.find((p) => p.dir === x)?.outcome).toBe('read');
    const s = await openProject(target, PASS, v.deps);
    try {
      expect(new Participants(s, NOW).list().find((p) => p.code === ragnhild)!.status).toBe('withdrawn');
    } finally {
      s.lock();
    }
  });

  /** Places A and B; a withdrawal reaches B only; B's newest manifest is then altered, its older copy put back beside it. */
  async function forgedNewerAtB() {
    const v = await makeVault(PASS);
    const ragnhild = admit(v.session, { name: 'Ragnhild Testesen' });
    const a = tempDir('hvelv-place-a-');
    const b = tempDir('hvelv-place-b-');
    addPlace(v.session, a, NOW());
    addPlace(v.session, b, NOW());
    await runBackup(v.session, v.deps.crypto, NOW);
    const repoB = repoDir(b, v.session.vaultId);
    const saved = path.join(tempDir(), 'saved-b');
    fs.cpSync(repoB, saved, { recursive: true });
    await new Participants(v.session, NOW).withdraw(ragnhild, '2026-11-27');
    await runBackup(v.session, v.deps.crypto, NOW, { only: b });
    const newest = manifestSeqs(repoB).at(-1)!;
    fs.cpSync(saved, repoB, { recursive: true });
    const mf = path.join(repoB, 'manifests', `${String(newest).padStart(10, '0')}.json`);
    const j = JSON.parse(fs.readFileSync(mf, 'utf8'));
    j.signature = (j.signature[0] === 'A' ? 'B' : 'A') + j.signature.slice(1);
    fs.writeFileSync(mf, JSON.stringify(j));
    v.session.lock();
    return { ...v, ragnhild, a, b };
  }

  it('F5 a recorded place whose newest copy does not check is not read as if its older copy were its newest', async () => {
    const v = await forgedNewerAtB();
    const r = await restoreVault(v.a, path.join(tempDir(), 'restored'), pw(PASS), v.deps);
    const atB = r.places.find((p) => p.dir === v.b)!;
    // B's withdrawal is in the copy that does not check: B must be named as not known, never as read.
    expect(atB.outcome).not.toBe('read');
  });

  it('F6 a place given with --also whose newest copy does not check stops the restore, as the place restored from does', async () => {
    const v = await forgedNewerAtB();
    const target = path.join(tempDir(), 'restored');
    const err = await restoreVault(v.a, target, pw(PASS), v.deps, { also: [v.b] }).then(() => null, (e: unknown) => e);
    expect(err).not.toBeNull();
    expect(fs.existsSync(target) && fs.readdirSync(target).length > 0).toBe(false);
  });
});

describe('attack: synced-folder markers', () => {
  it('F14 macOS: a vault in ~/Documents (or ~/Desktop) while iCloud keeps Desktop & Documents (they are in iCloud Drive) is seen as synced', () => {
    const root = tempDir('hvelv-sync-icloud-dd-');
    const home = path.join(root, 'hjem');
    fs.mkdirSync(path.join(home, 'Documents', 'master', 'studie'), { recursive: true });
    fs.mkdirSync(path.join(home, 'Desktop', 'studie'), { recursive: true });
    for (const d of ['Documents', 'Desktop']) fs.mkdirSync(path.join(home, 'Library', 'Mobile Documents', 'com~apple~CloudDocs', d), { recursive: true });
    const ctx = { platform: 'darwin' as const, home, env: {} };
    expect(syncedByMarkers(path.join(home, 'Documents', 'master', 'studie'), ctx)).toBe('iCloud');
    expect(syncedByMarkers(path.join(home, 'Desktop', 'studie'), ctx)).toBe('iCloud');
  });

  it('F7 a vault reached through a link into a Dropbox folder is seen as synced', () => {
    const root = tempDir('hvelv-sync-link-');
    const synced = path.join(root, 'sky');
    fs.mkdirSync(path.join(synced, '.dropbox.cache'), { recursive: true });
    fs.mkdirSync(path.join(synced, 'studie'));
    const local = path.join(root, 'lokal');
    fs.mkdirSync(local);
    fs.symlinkSync(path.join(synced, 'studie'), path.join(local, 'studie'));
    const home = path.join(root, 'hjem');
    fs.mkdirSync(home);
    expect(syncedByMarkers(path.join(local, 'studie'), { platform: 'linux', home, env: {} })).toBe('Dropbox');
  });
});


describe('attack: the receipt’s and the certificate’s places against what the folders hold', () => {
  it('F8 a place removed and added again, whose folder still holds the old copy, is not listed as updated (nor as never having had a copy) when a withdrawal cannot reach it', async () => {
    const v = await withPlace();
    removePlace(v.session, v.place, { pending: false });
    addPlace(v.session, v.place, NOW());
    await new Participants(v.session, NOW).withdraw(v.ragnhild, '2026-11-27');
    const r = await runBackup(v.session, v.deps.crypto, NOW);
    // The old copy (holding her) is still there: the run does not write over what it did not write last.
    expect(r[0]!.outcome).toBe('refused');
    expect(manifestSeqs(repoDir(v.place, v.session.vaultId)).length).toBeGreaterThan(0);
    // What the receipt and status say of the place must not be that she is gone from it.
    expect.soft(placesForReceipt(v.session, v.ragnhild)).toEqual([{ dir: v.place, updated: false }]);
    expect(backupStatus(v.session).places[0]!.pending.withdrawals).toEqual([v.ragnhild]);
  });

  it('F9 a backup-places.json altered to say a copy was erased is not what the unlocked app’s dashboard shows: it shows the sealed record’s word, and brings the certificate up to it', async () => {
    const v = await withPlace();
    v.session.lock();
    const file = path.join(v.dir, BACKUP_PLACES_FILE);
    const clear = JSON.parse(fs.readFileSync(file, 'utf8'));
    clear.places[0].endCarried = true;
    fs.writeFileSync(file, JSON.stringify(clear));
    fs.renameSync(v.place, `${v.place}-away`); // the disk is not plugged in at the end date
    enforceProjectEnd(v.dir, { crypto: v.deps.crypto, now: AFTER() });
    const s = await openProject(v.dir, PASS, { ...v.deps, now: AFTER });
    try {
      expect(backupStatus(s).places[0]!.pending.end).toBe(true);
      const shown = projectStatus(s, AFTER()).certificates[0]!.backupPlaces!.places[0]!;
      expect(shown.state).toBe('not-erased');
      expect(certificateHtml(v.dir)).toContain('copy not yet erased');
    } finally {
      s.lock();
    }
  });
});

describe('attack: what the withdrawal receipt tells the participant', () => {
  it('F10 the receipt the participant gets names each backup place by its folder’s name, not the student’s whole path (user name, cloud, folders)', async () => {
    const v = await withPlace();
    const p = new Participants(v.session, NOW);
    await p.withdraw(v.ragnhild, '2026-11-27');
    const backupPlaces = await backupAfterWithdrawal(v.session, v.deps.crypto, NOW, v.ragnhild);
    const html = p.receiptHtml(v.ragnhild, 'en', { backupPlaces });
    expect(html).toContain('Minnepinne');
    expect(html).not.toContain(path.dirname(v.place));
  });
});

describe('attack: a place that is not a plain folder of files', () => {
  it.skipIf(process.platform === 'win32')('F11 a manifest that is a named pipe (someone with write access to the place) is not opened: a run, verify or restore would wait on it for ever, the app with them', async () => {
    const v = await withPlace();
    const fifo = path.join(repoDir(v.place, v.session.vaultId), 'manifests', '0000000099.json');
    execFileSync('mkfifo', [fifo]);
    // Something ready to answer should the pipe be opened: it finishes only if the pipe is read.
    const writer = spawn('sh', ['-c', `printf x > '${fifo}'`], { stdio: 'ignore' });
    let answered = false;
    writer.on('exit', () => (answered = true));
    try {
      const ver = verifyBackups(v.session, v.deps.crypto);
      expect(ver[0]!.problems.length).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 500));
      expect(answered).toBe(false);
    } finally {
      writer.kill();
    }
  });
});

describe('attack: a damaged certificate file', () => {
  it('F13 a damaged certificate file does not stop the vault from opening or a backup from running (the list is brought back in the others)', async () => {
    const v = await withPlace();
    v.session.lock();
    fs.mkdirSync(path.join(v.dir, 'certificates'), { recursive: true });
    fs.writeFileSync(path.join(v.dir, 'certificates', 'deletion-2031-01-01.json'), '{"torn');
    const s = await openProject(v.dir, PASS, v.deps);
    try {
      expect((await runBackup(s, v.deps.crypto, NOW)).map((r) => r.outcome)).toEqual(['copied']);
    } finally {
      s.lock();
    }
  });
});
