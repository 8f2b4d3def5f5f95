/**
 * Backups under attack (issue 28, the attack review of this round): each test was a finding
 * (F) that failed before its fix, or something tried that held (H). What the review found and
 * was left (a recording over 2 GiB read whole by verify and restore) is in docs/backup.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Participants } from '../../electron/core/services/participants/participants';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { addPlace } from '../../electron/core/services/backup/places';
import { backupStatus, runBackup, verifyBackups } from '../../electron/core/services/backup/run';
import { restoreVault } from '../../electron/core/services/backup/restore';
import { manifestSeqs, repoDir } from '../../electron/core/services/backup/repository';
import { openProject } from '../../electron/core/services/project/open';
import { admit, makeVault, pw, tempDir } from './helpers';
import { HvelvError } from '../../electron/core/errors';

const PASS = 'correct horse battery staple';
const NOW = () => new Date('2026-11-27T10:00:00Z');

async function small() {
  const v = await makeVault(PASS);
  const ragnhild = admit(v.session, { name: 'Ragnhild Testesen' });
  const other = admit(v.session, { name: 'Blir Igjen' });
  new Transcripts(v.session, NOW).create(ragnhild, 'I: Fortell.\nB: den lilla sykkelen ved fjorden min.');
  return { ...v, ragnhild, other };
}

async function statusIn(vault: string, code: string, deps: Parameters<typeof openProject>[2]): Promise<string> {
  const s = await openProject(vault, PASS, deps);
  try {
    return new Participants(s, NOW).list().find((x) => x.code === code)!.status;
  } finally {
    s.lock();
  }
}

async function restoredStatus(place: string, code: string, deps: Parameters<typeof openProject>[2], opts = {}): Promise<string> {
  const target = path.join(tempDir(), 'restored');
  await restoreVault(place, target, pw(PASS), deps, opts);
  return statusIn(target, code, deps);
}

describe('attack: backups', () => {
  it('F1 a restored twin (a test restore, an old disk) does not back up over the newer copy: the withdrawn person does not come back into the place', async () => {
    const v = await small();
    const place = tempDir('hvelv-place-');
    addPlace(v.session, place, NOW());
    await runBackup(v.session, v.deps.crypto, NOW);
    // The student tries the restore (as docs encourage), into another folder.
    const twin = path.join(tempDir(), 'twin');
    await restoreVault(place, twin, pw(PASS), v.deps);

    // In the real vault: the person withdraws; the place is brought up to it.
    await new Participants(v.session, NOW).withdraw(v.ragnhild, '2026-11-27');
    await runBackup(v.session, v.deps.crypto, NOW);
    expect(backupStatus(v.session).places[0]!.pending.withdrawals).toEqual([]);
    expect(await restoredStatus(place, v.ragnhild, v.deps)).toBe('withdrawn');

    // Later the twin is opened and backed up (the app's "Ta sikkerhetskopi nå", or a withdrawal of someone else).
    const t = await openProject(twin, PASS, v.deps);
    try {
      const r = await runBackup(t, v.deps.crypto, NOW);
      // Promise: a run must not overwrite a copy newer than anything this vault wrote there
      // (the place's manifest holds a withdrawal this vault does not know).
      expect.soft(r[0]!.outcome).not.toBe('copied');
    } finally {
      t.lock();
    }
    // The real vault still says the place holds nothing of the person...
    expect.soft(backupStatus(v.session).places[0]!.pending.withdrawals).toEqual([]);
    // ...but a restore from it brings her back, and the place's record of her withdrawal is gone.
    expect(await restoredStatus(place, v.ragnhild, v.deps)).toBe('withdrawn');
  });

  it('F2 an empty folder where a place was (a disk not mounted, a re-created sync folder) is not counted as the place: the real copy stays listed as holding the withdrawn person', async () => {
    const v = await small();
    const place = tempDir('hvelv-place-');
    addPlace(v.session, place, NOW());
    await runBackup(v.session, v.deps.crypto, NOW);
    // The disk is unplugged; its mount point (an empty folder) stays at the same path.
    const realDisk = `${place}.the-real-disk`;
    fs.renameSync(place, realDisk);
    fs.mkdirSync(place);
    await new Participants(v.session, NOW).withdraw(v.ragnhild, '2026-11-27');
    const r = await runBackup(v.session, v.deps.crypto, NOW);
    // The real disk still holds her:
    expect(await restoredStatus(realDisk, v.ragnhild, v.deps)).toBe('active');
    // Promise: the place is listed as still holding data about the code until the copy there is reached.
    expect.soft(r[0]!.outcome).not.toBe('copied');
    expect.soft(backupStatus(v.session).places[0]!.pending.withdrawals).toEqual([v.ragnhild]);
  });

  it('F3 a pre-withdrawal copy put back beside a damaged newest manifest is not restored in silence', async () => {
    const v = await small();
    const place = tempDir('hvelv-place-');
    addPlace(v.session, place, NOW());
    await runBackup(v.session, v.deps.crypto, NOW);
    const repo = repoDir(place, v.session.vaultId);
    const saved = path.join(tempDir(), "attacker-saved");
    fs.cpSync(repo, saved, { recursive: true }); // the cloud's version history does this for free
    await new Participants(v.session, NOW).withdraw(v.ragnhild, '2026-11-27');
    await runBackup(v.session, v.deps.crypto, NOW);
    const [newest] = manifestSeqs(repo).reverse();
    // Put the old manifest and its pieces back; flip one byte of the newest manifest's signature.
    fs.cpSync(saved, repo, { recursive: true });
    const mf = path.join(repo, 'manifests', `${String(newest).padStart(10, '0')}.json`);
    const j = JSON.parse(fs.readFileSync(mf, 'utf8'));
    j.signature = (j.signature[0] === 'A' ? 'B' : 'A') + j.signature.slice(1);
    fs.writeFileSync(mf, JSON.stringify(j));
    v.session.lock();
    const target = path.join(tempDir(), 'restored');
    // A newer manifest that does not check stops the restore; nothing is left at the target.
    const err = await restoreVault(place, target, pw(PASS), v.deps).then(() => null, (e: unknown) => e);
    expect(err instanceof HvelvError && err.code).toBe('BACKUP_OLDER');
    expect(fs.existsSync(target) && fs.readdirSync(target).length > 0).toBe(false);
  });

  it('F4 a place that is a link into the vault is refused', async () => {
    const v = await small();
    const link = path.join(tempDir(), 'looks-like-a-usb-disk');
    fs.symlinkSync(path.join(v.dir, 'recordings'), link);
    expect(() => addPlace(v.session, link, NOW())).toThrow(/cannot be the vault/);
  });

  it('H3 a garbage manifest with a higher number is reported by verify', async () => {
    const v = await small();
    const place = tempDir('hvelv-place-');
    addPlace(v.session, place, NOW());
    await runBackup(v.session, v.deps.crypto, NOW);
    const repo = repoDir(place, v.session.vaultId);
    fs.writeFileSync(path.join(repo, 'manifests', '9999999999.json'), '{"not":"a manifest"}');
    const ver = verifyBackups(v.session, v.deps.crypto);
    expect(ver[0]!.problems.length).toBeGreaterThan(0);
    // A number higher than this vault wrote there: the run does not write over it, and says so.
    expect((await runBackup(v.session, v.deps.crypto, NOW)).map((r) => [r.outcome, r.reason])).toEqual([['refused', 'newer-there']]);
  });
});

describe('attack: restore cut short', () => {
  it('F6 a restore killed half way leaves its staging folder (a whole vault from before the withdrawals): the next restore to that place removes it first', async () => {
    const v = await small();
    const place = tempDir('hvelv-place-');
    addPlace(v.session, place, NOW());
    await runBackup(v.session, v.deps.crypto, NOW);
    v.session.lock();
    const parent = tempDir('hvelv-restore-parent-');
    const target = path.join(parent, 'restored');
    // What a killed restore leaves: a staging folder holding a vault (here a whole copy of it).
    const leftover = path.join(parent, '.restored.0123456789ab.hvelv-restoring');
    fs.cpSync(v.dir, leftover, { recursive: true });
    // Not ours: a folder of a similar name that is not a staging folder of this target stays.
    const bystander = path.join(parent, '.restored-notes');
    fs.mkdirSync(bystander);
    await restoreVault(place, target, pw(PASS), v.deps);
    expect(fs.existsSync(leftover)).toBe(false);
    expect(fs.existsSync(bystander)).toBe(true);
    expect(fs.readdirSync(parent).filter((n) => n.endsWith('.hvelv-restoring'))).toEqual([]);
  });
});

describe('held: things tried that did not break', () => {
  it('H1 a second session on the same vault (app + CLI) is refused by the lock, so two runs cannot race on one vault', async () => {
    const v = await small();
    let code = 'NO_ERROR';
    try {
      const s2 = await openProject(v.dir, PASS, v.deps);
      s2.lock();
    } catch (e) {
      code = e instanceof HvelvError ? e.code : String(e);
    }
    expect(code).not.toBe('NO_ERROR');
  });

  it('H2 pieces/manifest from another vault, a swapped piece, a renamed manifest: refused', async () => {
    const a = await small();
    const b = await small();
    const place = tempDir('hvelv-place-');
    addPlace(a.session, place, NOW());
    await runBackup(a.session, a.deps.crypto, NOW);
    await runBackup(a.session, a.deps.crypto, NOW);
    const repo = repoDir(place, a.session.vaultId);
    // rename manifest 2 to 3 (claimed newer): does not check, passed over with a problem
    fs.renameSync(path.join(repo, 'manifests', '0000000002.json'), path.join(repo, 'manifests', '0000000003.json'));
    const ver = verifyBackups(a.session, a.deps.crypto);
    expect(ver[0]!.seq).toBeNull();
    // swap two sealed pieces of the same group
    fs.renameSync(path.join(repo, 'manifests', '0000000003.json'), path.join(repo, 'manifests', '0000000002.json'));
    const dir = path.join(repo, 'pieces', 'vault');
    const [p1, p2] = fs.readdirSync(dir);
    const t = fs.readFileSync(path.join(dir, p1!));
    fs.copyFileSync(path.join(dir, p2!), path.join(dir, p1!));
    fs.writeFileSync(path.join(dir, p2!), t);
    expect(verifyBackups(a.session, a.deps.crypto)[0]!.problems.length).toBeGreaterThan(0);
    // b's manifest dropped into a's folder
    const placeB = tempDir('hvelv-place-');
    addPlace(b.session, placeB, NOW());
    await runBackup(b.session, b.deps.crypto, NOW);
    fs.copyFileSync(path.join(repoDir(placeB, b.session.vaultId), 'manifests', '0000000001.json'), path.join(repo, 'manifests', '0000000009.json'));
    expect(verifyBackups(a.session, a.deps.crypto)[0]!.problems.join()).toMatch(/another vault|not signed|malformed/);
  });
});

describe('attack: a place that is the vault under another name', () => {
  it('F4b a place that becomes a link into the vault after it was added: the copy never holds a copy of itself, so a withdrawal leaves it', async () => {
    const { findRepo } = await import('../../electron/core/services/backup/restore');
    const v = await small();
    const link = path.join(tempDir(), 'usb');
    fs.mkdirSync(link);
    addPlace(v.session, link, NOW());
    // The folder is replaced by a link into the vault (a remount, a sync client's doing).
    fs.rmSync(link, { recursive: true });
    fs.symlinkSync(path.join(v.dir, 'recordings'), link);
    await runBackup(v.session, v.deps.crypto, NOW);
    await runBackup(v.session, v.deps.crypto, NOW);
    await new Participants(v.session, NOW).withdraw(v.ragnhild, '2026-11-27');
    await runBackup(v.session, v.deps.crypto, NOW);
    v.session.lock();
    const outer = path.join(tempDir(), 'outer');
    await restoreVault(link, outer, pw(PASS), v.deps);
    expect(await statusIn(outer, v.ragnhild, v.deps)).toBe('withdrawn');
    // No earlier copy inside the restored vault to restore the person from.
    expect(findRepo(path.join(outer, 'recordings'))).toBeNull();
  });
});
