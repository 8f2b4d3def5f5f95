/**
 * Attacks on moving a vault out of a synced folder (issue 28, services/backup/move.ts): each
 * test is a finding that failed before its fix.
 *
 * M1  The app locked (idle timer, the lock button, the screen locking) while the move's first
 *     backup ran: main then took the moved vault as its open session all the same, so a vault
 *     the page had been told was locked answered every call without the passphrase.
 * M2  A move into a folder that is one of this vault's backup places, or lies inside one:
 *     the vault then sat in (or was) its own copy's folder, the very thing addPlace refuses.
 * M4  Another vault (or a supervisor's folder) kept in a folder inside the vault's folder: open
 *     (in the app beside the vault, or in a CLI), it was copied along, its lock file skipped,
 *     and shredded at its place under its open session, so its own daily end-date job and the
 *     app's recent list named a folder that was gone; closed, the move was refused every time
 *     as "the vault changed while it was copied, try again" (reading its store wrote its WAL).
 * M5  The daily end-date job, or the app's recent list, naming the vault's folder by another
 *     spelling (through a link to the synced folder, as ~/Dropbox often is): the move left both
 *     on the old folder, now shredded, and said no daily job was installed.
 * M7  The old folder gone from under the move once the copy held (the sync client removing it,
 *     the student deleting it on another device): the move threw after the vault had moved,
 *     so the caller said it had failed, and the moved vault's session, open with its keys and
 *     holding the new folder's lock, was left with nobody to lock it.
 * M8  A vault file that could not be shredded (held by the sync client on Windows, immutable,
 *     a read-only share) stayed in the synced folder and was reported as one of the files "that
 *     were not the vault's"; the student was told nothing of the vault was left there.
 * M9  A new folder inside another vault's folder (or a supervisor's) was accepted: that vault's
 *     backup runs copy every file under its folder, so this vault's key list and key files,
 *     withdrawn people's among them, went on living in the other vault's backup places, where
 *     no withdrawal or end date of this vault reaches.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Participants } from '../../electron/core/services/participants/participants';
import { moveVault } from '../../electron/core/services/backup/move';
import { addPlace } from '../../electron/core/services/backup/places';
import { runBackup } from '../../electron/core/services/backup/run';
import { SessionManager, type LockReason } from '../../electron/core/services/project/session-manager';
import { createVault } from '../../electron/core/vault/vault';
import { openProject } from '../../electron/core/services/project/open';
import { AppConfig } from '../../electron/core/services/project/app-config';
import { jobName, systemdUnits } from '../../electron/core/services/project-end/schedule';
import { HvelvError } from '../../electron/core/errors';
import { admit, pw, SAMPLE_FACTS, TEST_KDF, tempDir, testDeps } from './helpers';

const PASS = 'correct horse battery staple';
const NOW = () => new Date('2026-11-27T10:00:00Z');
const CTX = { platform: 'linux' as const, home: '/nonexistent-home', env: {} };
/** The idle timer never fires by itself here: the test locks when it means to. */
const NO_TIMERS = { setTimeout: () => 0, clearTimeout: () => undefined };

async function syncedStudy() {
  const dropbox = path.join(tempDir('hvelv-move-atk-'), 'Dropbox');
  fs.mkdirSync(dropbox);
  fs.writeFileSync(path.join(dropbox, '.dropbox.cache'), '');
  const dir = path.join(dropbox, 'Studie');
  const deps = await testDeps();
  const session = await createVault(dir, pw(PASS), SAMPLE_FACTS, deps, { kdf: TEST_KDF });
  admit(session, { name: 'Ragnhild Testesen' });
  return { dropbox, dir, deps, session };
}

async function codeOfAsync(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HvelvError) return e.code;
    throw e;
  }
  return 'NO_ERROR';
}

describe('attacks on moving a vault', () => {
  it('M1 a lock while the move ran (its first backup) is not undone: main does not take the moved vault as open', async () => {
    const v = await syncedStudy();
    const locks: LockReason[] = [];
    const sessions = new SessionManager((reason) => locks.push(reason), NO_TIMERS);
    sessions.open(v.session);
    const target = path.join(tempDir(), 'lokal');
    const r = await moveVault(v.session, target, v.deps.crypto, { now: NOW, syncContext: CTX, configHome: tempDir() });
    // The idle timer fired while moveVault awaited the first copy to the synced folder (after it
    // had locked the old session itself): the page is told the vault is locked.
    sessions.lock('idle');
    expect(locks).toEqual(['idle']);
    // What backup.move then did with the result (handlers.ts: sessions.moved).
    sessions.moved(r.session, v.session);
    expect(sessions.current).toBeNull();
    expect(r.session.isLocked).toBe(true);
    // The vault did move: it opens at its new place with the passphrase, holding its data.
    expect(fs.existsSync(path.join(target, 'hvelv-vault.json'))).toBe(true);
  });

  it('M1 with no lock meanwhile, main holds the moved vault (the old session is replaced, no lock announced)', async () => {
    const v = await syncedStudy();
    const locks: LockReason[] = [];
    const sessions = new SessionManager((reason) => locks.push(reason), NO_TIMERS);
    sessions.open(v.session);
    const r = await moveVault(v.session, path.join(tempDir(), 'lokal'), v.deps.crypto, { now: NOW, syncContext: CTX, configHome: tempDir() });
    sessions.moved(r.session, v.session);
    expect(sessions.current).toBe(r.session);
    expect(locks).toEqual([]);
    expect(new Participants(sessions.require(), NOW).list().length).toBe(1);
    sessions.lock('user');
  });

  it('M2 refuses a new folder that is, or lies inside, one of this vault\'s backup places; the vault stays open and untouched', async () => {
    const v = await syncedStudy();
    // A place on an external disk with a copy, and one added but never copied to (still empty).
    const disk = tempDir('hvelv-usb-');
    addPlace(v.session, disk, NOW());
    expect((await runBackup(v.session, v.deps.crypto, NOW))[0]!.outcome).toBe('copied');
    const empty = path.join(tempDir('hvelv-usb2-'), 'Kopi');
    fs.mkdirSync(empty);
    addPlace(v.session, empty, NOW());
    for (const target of [path.join(disk, 'Studie'), empty, path.join(empty, 'Studie')]) {
      expect(await codeOfAsync(moveVault(v.session, target, v.deps.crypto, { now: NOW, syncContext: CTX, configHome: tempDir() })), target).toBe('MOVE_TARGET_PLACE');
      expect(v.session.isLocked).toBe(false);
      expect(fs.existsSync(path.join(target, 'hvelv-vault.json'))).toBe(false);
    }
    expect(fs.existsSync(path.join(disk, 'Studie'))).toBe(false);
    expect(fs.readdirSync(empty)).toEqual([]);
    expect(new Participants(v.session, NOW).list().length).toBe(1);
    v.session.lock();
  });

  it('M4 another vault kept inside the vault\'s folder is neither copied nor shredded: it stays whole where it was', async () => {
    const v = await syncedStudy();
    const nested = path.join(v.dir, 'Pilot');
    const other = await createVault(nested, pw(PASS), SAMPLE_FACTS, v.deps, { kdf: TEST_KDF });
    admit(other, { name: 'Pilot Person' });
    // Open meanwhile (as a supervisor's folder can be, in the same app as the vault).
    const target = path.join(tempDir(), 'lokal');
    const r = await moveVault(v.session, target, v.deps.crypto, { now: NOW, syncContext: CTX, configHome: tempDir(), backupIn: null });
    expect(fs.existsSync(path.join(target, 'Pilot'))).toBe(false);
    other.lock();
    const again = await openProject(nested, PASS, v.deps);
    expect(again.verify()).toEqual([]);
    expect(new Participants(again, NOW).list().length).toBe(1);
    again.lock();
    // The moved vault is whole at its new place, and the other vault's files are named as left.
    expect(r.session.verify()).toEqual([]);
    expect(r.leftInOldFolder).toContain('Pilot/hvelv-vault.json');
    r.session.lock();
    // Closed, it does not stop a move either (it was refused as 'changed while copied' every time).
    const w = await syncedStudy();
    const closed = await createVault(path.join(w.dir, 'Pilot'), pw(PASS), SAMPLE_FACTS, w.deps, { kdf: TEST_KDF });
    closed.lock();
    const r2 = await moveVault(w.session, path.join(tempDir(), 'lokal'), w.deps.crypto, { now: NOW, syncContext: CTX, configHome: tempDir(), backupIn: null });
    expect(fs.existsSync(path.join(w.dir, 'Pilot', 'hvelv-vault.json'))).toBe(true);
    r2.session.lock();
  });

  it('M5 the daily job and the recent list, naming the folder through a link, follow the move all the same', async () => {
    const v = await syncedStudy();
    const alias = path.join(tempDir(), 'Dropbox-lenke');
    fs.symlinkSync(v.dropbox, alias);
    const aliasDir = path.join(alias, 'Studie');
    const config = new AppConfig(path.join(tempDir(), 'config.json'));
    config.rememberVault(aliasDir, 'Studie', NOW());
    const configHome = tempDir('hvelv-xdg-');
    for (const f of systemdUnits({ vaultPath: aliasDir, vaultId: v.session.vaultId, title: 'Studie', ownerKey: 'KEY', command: { argv: ['/usr/bin/node', '/opt/hvelv/cli.js'], env: {} } }, configHome)) {
      fs.mkdirSync(path.dirname(f.path), { recursive: true });
      fs.writeFileSync(f.path, f.content);
    }
    const target = path.join(tempDir(), 'lokal');
    const r = await moveVault(v.session, target, v.deps.crypto, { now: NOW, syncContext: CTX, configHome, backupIn: null, beforeRemovingOld: (from, to) => config.vaultMoved(from, to) });
    expect(r.dailyJob).toBe('moved');
    const service = fs.readFileSync(path.join(configHome, 'systemd', 'user', `${jobName(r.session.vaultId)}.service`), 'utf8');
    expect(service).toContain(`"enforce" "${target}"`);
    expect(service).not.toContain(aliasDir);
    expect(config.recent().map((x) => x.path)).toEqual([target]);
    r.session.lock();
  });

  it('M7 the old folder gone once the copy holds: the move is reported done, the moved vault handed over', async () => {
    const v = await syncedStudy();
    const target = path.join(tempDir(), 'lokal');
    const gone = `${v.dir}-slettet-annet-sted`;
    const r = await moveVault(v.session, target, v.deps.crypto, { now: NOW, syncContext: CTX, configHome: tempDir(), backupIn: null, beforeRemovingOld: () => fs.renameSync(v.dir, gone) });
    expect(v.session.isLocked).toBe(true);
    expect(r.to).toBe(target);
    expect(r.session.isLocked).toBe(false);
    expect(r.session.verify()).toEqual([]);
    expect(new Participants(r.session, NOW).list().length).toBe(1);
    r.session.lock();
  });

  /** An immutable file (chattr +i) cannot be overwritten even by root; where chattr is not allowed, this test cannot be made. */
  const chattr = (flag: '+i' | '-i', file: string): boolean => spawnSync('chattr', [flag, file]).status === 0;
  const probe = path.join(tempDir(), 'probe');
  fs.writeFileSync(probe, '');
  const canImmutable = chattr('+i', probe) && chattr('-i', probe);

  it.skipIf(!canImmutable)('M8 a vault file that could not be shredded is said to be the vault\'s, still in the old folder', async () => {
    const v = await syncedStudy();
    const stuck = path.join(v.dir, 'keylist', 'store.key');
    const r = await moveVault(v.session, path.join(tempDir(), 'lokal'), v.deps.crypto, {
      now: NOW,
      syncContext: CTX,
      configHome: tempDir(),
      backupIn: null,
      beforeRemovingOld: () => expect(chattr('+i', stuck)).toBe(true),
    });
    try {
      expect(fs.existsSync(stuck)).toBe(true);
      expect(r.notShredded).toEqual(['keylist/store.key']);
      expect(r.leftInOldFolder).not.toContain('keylist/store.key');
    } finally {
      chattr('-i', stuck);
      r.session.lock();
    }
  });

  it('M9 refuses a new folder inside another vault\'s folder; the vault stays open and untouched', async () => {
    const v = await syncedStudy();
    const otherDir = path.join(tempDir('hvelv-other-'), 'Annen studie');
    const other = await createVault(otherDir, pw(PASS), SAMPLE_FACTS, v.deps, { kdf: TEST_KDF });
    other.lock();
    for (const target of [path.join(otherDir, 'Studie'), path.join(otherDir, 'recordings', 'ny', 'Studie')]) {
      expect(await codeOfAsync(moveVault(v.session, target, v.deps.crypto, { now: NOW, syncContext: CTX, configHome: tempDir() })), target).toBe('MOVE_TARGET_INSIDE');
      expect(fs.existsSync(target)).toBe(false);
    }
    expect(v.session.isLocked).toBe(false);
    expect(new Participants(v.session, NOW).list().length).toBe(1);
    v.session.lock();
  });
});
