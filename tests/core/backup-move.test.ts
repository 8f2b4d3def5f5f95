/**
 * Moving a vault out of a synced folder (issue 28): the copy at the new place opens, verifies
 * and holds the same data (recordings bit for bit); the old folder holds no vault file; the
 * synced folder is a backup place whose copy verifies and restores; a failed or refused move
 * leaves the old vault working and no partial copy; the app's records of the path follow.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Participants } from '../../electron/core/services/participants/participants';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { backupStatus, verifyBackups } from '../../electron/core/services/backup/run';
import { restoreVault } from '../../electron/core/services/backup/restore';
import { moveVault, moveDailyJob } from '../../electron/core/services/backup/move';
import { syncedBy } from '../../electron/core/services/notification';
import { jobName, systemdUnits } from '../../electron/core/services/project-end/schedule';
import { AppConfig } from '../../electron/core/services/project/app-config';
import { openProject } from '../../electron/core/services/project/open';
import { HEADER_FILE } from '../../electron/core/vault/layout';
import { createVault, type VaultSession } from '../../electron/core/vault/vault';
import { HvelvError } from '../../electron/core/errors';
import { admit, listFiles, makeWav, pw, SAMPLE_FACTS, TEST_KDF, tempDir, testDeps } from './helpers';

const PASS = 'correct horse battery staple';
const NOW = () => new Date('2026-11-27T10:00:00Z');
/** No sync client's settings on the test machine are looked at: the marker file alone tells. */
const CTX = { platform: 'linux' as const, home: '/nonexistent-home', env: {} };

/** A study in a folder Dropbox keeps (its marker file in the synced folder's root). */
async function syncedStudy() {
  const root = tempDir('hvelv-move-');
  const dropbox = path.join(root, 'Skylagring');
  fs.mkdirSync(dropbox);
  fs.writeFileSync(path.join(dropbox, '.dropbox.cache'), '');
  const dir = path.join(dropbox, 'Masteroppgave');
  const deps = await testDeps();
  const session = await createVault(dir, pw(PASS), SAMPLE_FACTS, deps, { kdf: TEST_KDF });
  const code = admit(session, { name: 'Ragnhild Testesen', email: 'ragnhild@example.no' });
  admit(session, { name: 'Blir Igjen' });
  const wav = path.join(tempDir(), 'opptak.wav');
  const audio = makeWav(wav, 3, 7);
  const rec = await new Recordings(session, NOW).import(code, wav);
  new Transcripts(session, NOW).create(code, 'I: Fortell.\nB: Om den lilla sykkelen ved fjorden.');
  return { root, dropbox, dir, deps, session, code, audio, rec };
}

function contents(s: VaultSession) {
  const p = new Participants(s, NOW);
  return {
    participants: p.list().map((x) => ({ code: x.code, status: x.status, identity: p.reveal(x.code) })),
    recordings: s.stores.recordings.list('recording').map((r) => ({ id: r.id, data: r.data })),
    transcripts: new Transcripts(s, NOW).list().map((x) => ({ ...x, text: new Transcripts(s, NOW).get(x.id).text })),
  };
}

const blobs = (vault: string) => listFiles(path.join(vault, 'recordings', 'blobs')).map((f) => ({ name: path.basename(f), bytes: fs.readFileSync(f) }));

async function codeOfAsync(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof HvelvError) return e.code;
    throw e;
  }
  return 'NO_ERROR';
}

describe('moving a vault out of a synced folder', () => {
  it('moves, verifies, shreds the old files and makes the synced folder a backup place that verifies and restores', async () => {
    const v = await syncedStudy();
    expect(syncedBy(v.dir, CTX)).toBe('Dropbox');
    const before = contents(v.session);
    const blobsBefore = blobs(v.dir);
    expect(blobsBefore.length).toBe(1);
    const target = path.join(tempDir('hvelv-local-'), 'Hvelv', 'Masteroppgave');
    const progress: number[] = [];
    const r = await moveVault(v.session, target, v.deps.crypto, { now: NOW, syncContext: CTX, onProgress: (p) => progress.push(p.bytes / p.total), configHome: tempDir() });
    expect(v.session.isLocked).toBe(true);
    const s = r.session;
    try {
      expect(r.to).toBe(target);
      expect(s.path).toBe(target);
      expect(s.verify()).toEqual([]);
      expect(contents(s)).toEqual(before);
      expect(blobs(target)).toEqual(blobsBefore);
      const out = path.join(tempDir(), 'ut.wav');
      await new Recordings(s, NOW).export(v.rec.id, out);
      expect(fs.readFileSync(out).equals(v.audio)).toBe(true);
      expect(progress.at(-1)).toBe(1);
      // No vault file is left in the old folder: only the backup place's own folder.
      expect(fs.existsSync(path.join(v.dir, HEADER_FILE))).toBe(false);
      expect(fs.readdirSync(v.dir).filter((n) => !n.startsWith('hvelv-backup-'))).toEqual([]);
      // The sync client's marker is not the vault's: it stays.
      expect(fs.existsSync(path.join(v.dropbox, '.dropbox.cache'))).toBe(true);
      expect(r.leftInOldFolder).toEqual([]);
      // The old folder is a backup place with a copy that verifies.
      expect(r.backupPlace).toBe(v.dir);
      expect(r.backup?.outcome).toBe('copied');
      expect(backupStatus(s).places.map((p) => p.dir)).toEqual([v.dir]);
      expect(verifyBackups(s, v.deps.crypto)).toEqual([{ dir: v.dir, seq: 1, problems: [] }]);
      expect(syncedBy(s.path, CTX)).toBeNull();
    } finally {
      s.lock();
    }
    // The copy in the synced folder restores into a vault with the same data.
    const restored = path.join(tempDir(), 'hentet');
    const res = await restoreVault(v.dir, restored, pw(PASS), v.deps);
    expect(res.problems).toEqual([]);
    const back = await openProject(restored, PASS, v.deps);
    try {
      expect(back.verify()).toEqual([]);
      expect(contents(back)).toEqual(before);
      expect(blobs(restored)).toEqual(blobsBefore);
    } finally {
      back.lock();
    }
    // And the moved vault opens with the passphrase at its new place.
    const again = await openProject(target, PASS, v.deps);
    expect(contents(again)).toEqual(before);
    again.lock();
  });

  it('refuses a target in a synced folder, a non-empty one, one inside the vault; the vault stays open and untouched', async () => {
    const v = await syncedStudy();
    const files = () => listFiles(v.dir).filter((f) => !/-(wal|shm)$/.test(f) && !f.endsWith('hvelv.lock')).map((f) => [f, fs.readFileSync(f).toString('base64')]);
    const was = files();
    const full = tempDir('hvelv-full-');
    fs.writeFileSync(path.join(full, 'i-veien.txt'), 'x');
    const aFile = path.join(tempDir(), 'fil');
    fs.writeFileSync(aFile, 'x');
    expect(await codeOfAsync(moveVault(v.session, path.join(v.dropbox, 'Annet'), v.deps.crypto, { now: NOW, syncContext: CTX }))).toBe('MOVE_TARGET_SYNCED');
    expect(await codeOfAsync(moveVault(v.session, path.join(v.dir, 'inni'), v.deps.crypto, { now: NOW, syncContext: CTX }))).toBe('MOVE_TARGET_INSIDE');
    expect(await codeOfAsync(moveVault(v.session, v.dir, v.deps.crypto, { now: NOW, syncContext: CTX }))).toBe('MOVE_TARGET_INSIDE');
    expect(await codeOfAsync(moveVault(v.session, full, v.deps.crypto, { now: NOW, syncContext: CTX }))).toBe('VAULT_EXISTS');
    expect(await codeOfAsync(moveVault(v.session, aFile, v.deps.crypto, { now: NOW, syncContext: CTX }))).toBe('VAULT_EXISTS');
    expect(fs.existsSync(path.join(v.dropbox, 'Annet'))).toBe(false);
    expect(fs.existsSync(path.join(v.dir, 'inni'))).toBe(false);
    expect(fs.readdirSync(full)).toEqual(['i-veien.txt']);
    expect(v.session.isLocked).toBe(false);
    expect(v.session.verify()).toEqual([]);
    expect(files()).toEqual(was);
    v.session.lock();
  });

  it('a copy that fails (a folder it cannot write, a write that fails half way) leaves the old vault working and no partial copy', async () => {
    const v = await syncedStudy();
    const before = contents(v.session);
    // A folder it cannot write in.
    const ro = tempDir('hvelv-ro-');
    fs.chmodSync(ro, 0o500);
    try {
      if (process.getuid?.() !== 0) {
        expect(await codeOfAsync(moveVault(v.session, path.join(ro, 'hvelv'), v.deps.crypto, { now: NOW, syncContext: CTX }))).toBe('MOVE_FAILED');
        expect(fs.readdirSync(ro)).toEqual([]);
      }
    } finally {
      fs.chmodSync(ro, 0o700);
    }
    // Folders in the way of the files still to come (made after the first file is in place):
    // a real rename over a folder fails, whoever runs the test (root writes a read-only folder).
    const blocked = path.join(tempDir(), 'blokkert');
    let first = true;
    const blockCode = await codeOfAsync(
      moveVault(v.session, blocked, v.deps.crypto, {
        now: NOW,
        syncContext: CTX,
        afterFile: () => {
          if (!first) return;
          first = false;
          for (const f of listFiles(v.dir)) {
            const rel = path.relative(v.dir, f);
            if (!fs.existsSync(path.join(blocked, rel))) fs.mkdirSync(path.join(blocked, rel), { recursive: true });
          }
        },
      }),
    );
    expect(blockCode).toBe('MOVE_FAILED');
    expect(fs.existsSync(blocked)).toBe(false);
    // A write that fails after some files are in place: the empty folder chosen is emptied again, not removed.
    const empty = tempDir('hvelv-empty-');
    let n = 0;
    const code = await codeOfAsync(
      moveVault(v.session, empty, v.deps.crypto, {
        now: NOW,
        syncContext: CTX,
        afterFile: (rel) => {
          if (++n === 4) throw Object.assign(new Error(`EIO: i/o error, write ${rel}`), { code: 'EIO' });
        },
      }),
    );
    expect(code).toBe('MOVE_FAILED');
    expect(fs.existsSync(empty)).toBe(true);
    expect(fs.readdirSync(empty)).toEqual([]);
    // The old vault is still open, whole, and opens again.
    expect(v.session.isLocked).toBe(false);
    expect(v.session.verify()).toEqual([]);
    expect(contents(v.session)).toEqual(before);
    v.session.lock();
    const again = await openProject(v.dir, PASS, v.deps);
    expect(again.verify()).toEqual([]);
    again.lock();
  });

  it('refuses when the vault changes while it is copied, and removes the copy', async () => {
    const v = await syncedStudy();
    const target = path.join(tempDir(), 'ny');
    let wrote = false;
    const code = await codeOfAsync(
      moveVault(v.session, target, v.deps.crypto, {
        now: NOW,
        syncContext: CTX,
        afterFile: () => {
          if (!wrote) admit(v.session, { name: 'Kom Underveis' });
          wrote = true;
        },
      }),
    );
    expect(code).toBe('MOVE_FAILED');
    expect(fs.existsSync(target)).toBe(false);
    expect(new Participants(v.session, NOW).list().length).toBe(3);
    v.session.lock();
  });

  it('the records of the path follow: recent vaults and the daily end-date job', async () => {
    const dataDir = tempDir('hvelv-config-');
    const config = new AppConfig(path.join(dataDir, 'config.json'));
    const v = await syncedStudy();
    const other = tempDir('hvelv-other-');
    config.rememberVault(v.dir, 'Studie', NOW());
    config.rememberVault(other, 'Annen', NOW());
    const configHome = tempDir('hvelv-xdg-');
    const unit = systemdUnits({ vaultPath: v.dir, vaultId: v.session.vaultId, title: 'Studie', ownerKey: 'KEY', command: { argv: ['/usr/bin/node', '/opt/hvelv/cli.js'], env: {} } }, configHome);
    for (const f of unit) {
      fs.mkdirSync(path.dirname(f.path), { recursive: true });
      fs.writeFileSync(f.path, f.content);
    }
    const target = path.join(tempDir(), 'lokal');
    const r = await moveVault(v.session, target, v.deps.crypto, { now: NOW, syncContext: CTX, configHome });
    config.vaultMoved(r.from, r.to);
    expect(r.dailyJob).toBe('moved');
    const service = fs.readFileSync(path.join(configHome, 'systemd', 'user', `${jobName(r.session.vaultId)}.service`), 'utf8');
    expect(service).toContain(`"enforce" "${target}"`);
    expect(service).not.toContain(v.dir);
    expect(new AppConfig(path.join(dataDir, 'config.json')).recent().map((x) => x.path)).toEqual([other, target]);
    expect(moveDailyJob(r.session.vaultId, '/not/this', '/nor/this', configHome)).toBe('none');
    r.session.lock();
  });

  it('with no backup place asked for, the old folder is removed altogether', async () => {
    const v = await syncedStudy();
    const target = path.join(tempDir(), 'lokal');
    const r = await moveVault(v.session, target, v.deps.crypto, { now: NOW, syncContext: CTX, backupIn: null, configHome: tempDir() });
    expect(r.backupPlace).toBeNull();
    expect(fs.existsSync(v.dir)).toBe(false);
    expect(backupStatus(r.session).places).toEqual([]);
    r.session.lock();
  });
});
