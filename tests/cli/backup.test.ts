/**
 * `hvelv backup` and `hvelv restore` as a user runs them, and a backup killed with SIGKILL
 * at several points (a piece half written, pieces written but no manifest, the manifest
 * written before the old copy is pruned): the place always restores to a vault that verifies.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import { testIo, type TestIo } from './io';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { openProject } from '../../electron/core/services/project/open';
import { repoDir } from '../../electron/core/services/backup/repository';
import { admit, listFiles, makeVault, makeWav, tempDir, TEST_KDF, TEST_KDF_POLICY } from '../core/helpers';

const ROOT = path.join(import.meta.dirname, '..', '..');
const PASS = 'cli backup passphrase here';
const fast = { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } };
const NOW = () => new Date('2026-11-27T10:00:00Z');

const fakeIo = (env: Record<string, string | undefined> = { HVELV_PASSPHRASE: PASS }): TestIo => testIo(env, NOW);

async function cli(args: string[]) {
  const io = fakeIo();
  const code = await run(args, io, fast);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('hvelv backup and restore', () => {
  it('adds, lists, runs, verifies, restores; status names a place it cannot reach', async () => {
    const v = await makeVault(PASS);
    const code = admit(v.session);
    new Transcripts(v.session, NOW).create(code, 'I: Hei.\nB: Hei igjen.');
    v.session.lock();
    const place = tempDir('hvelv-place-');
    const gone = path.join(tempDir(), 'usb');
    fs.mkdirSync(gone);
    expect((await cli(['backup', 'add', v.dir, place])).code).toBe(EXIT.ok);
    expect((await cli(['backup', 'add', v.dir, gone])).code).toBe(EXIT.ok);
    expect((await cli(['backup', 'add', v.dir, path.join(v.dir, 'inside')])).code).toBe(EXIT.usage);
    fs.rmdirSync(gone);
    const r = await cli(['backup', 'run', v.dir, '--json']);
    expect(r.code).toBe(EXIT.ok);
    expect(JSON.parse(r.out).results.map((x: { outcome: string }) => x.outcome)).toEqual(['copied', 'unreachable']);
    const list = JSON.parse((await cli(['backup', 'list', v.dir, '--json'])).out);
    expect(list.places.map((p: { reachable: boolean; lastSeq: number }) => [p.reachable, p.lastSeq])).toEqual([[true, 1], [false, 0]]);
    const ver = await cli(['backup', 'verify', v.dir, '--place', place]);
    expect(ver.code).toBe(EXIT.ok);
    expect(ver.out).toMatch(/every piece read and checked/);
    const target = path.join(tempDir(), 'restored');
    const res = await cli(['restore', place, target]);
    expect(res.code).toBe(EXIT.ok);
    expect(res.out).toMatch(/Withdrawals after 2026-11-27 may be missing/);
    // The copy's own record names the other place; it cannot be reached, and the restore says so.
    expect(res.out).toContain(`${gone}: not reachable from this computer`);
    expect((await cli(['verify', target])).code).toBe(EXIT.ok);
    expect((await cli(['restore', place, target])).code).toBe(EXIT.other); // VAULT_EXISTS
    const st = await cli(['status', v.dir, '--unlock']);
    expect(st.out).toContain(`${gone}: last copy never (not reachable now)`);

    // A withdrawal reaches the place that can be reached at once; the receipt says which were updated.
    fs.mkdirSync(gone);
    expect((await cli(['backup', 'run', v.dir])).code).toBe(EXIT.ok);
    fs.renameSync(gone, `${gone}-away`);
    const receipt = path.join(tempDir(), 'kvittering.html');
    const w = await cli(['withdraw', v.dir, code, '--yes', '--json', '--receipt', receipt]);
    expect(w.code).toBe(EXIT.ok);
    expect(JSON.parse(w.out).receipt.backupPlaces).toEqual([{ dir: place, updated: true }, { dir: gone, updated: false }]);
    expect(fs.readFileSync(receipt, 'utf8')).toContain('not updated yet; your data is deleted from it at the next backup');
    const after = await cli(['status', v.dir, '--unlock']);
    expect(after.out).toContain(`still holds data about ${code}, who withdrew`);
    // The place that was not reached cannot be dropped from the list while it holds the person.
    expect((await cli(['backup', 'remove', v.dir, gone])).code).toBe(EXIT.usage);
  });

  it('warns when the vault lies in a synced folder, and takes that folder as a backup place', async () => {
    const root = path.join(tempDir(), 'OneDrive - Universitetet i Stavanger');
    fs.mkdirSync(root);
    const made = await cli(['init', path.join(root, 'hvelv'), '--title', 'Synket', '--end-date', '2030-01-01']);
    expect(made.code).toBe(EXIT.ok);
    const st = await cli(['status', path.join(root, 'hvelv'), '--unlock']);
    expect(st.out).toContain('The vault is in a folder OneDrive synchronises');
    // Moved out to a local folder, the synced folder becomes a backup place.
    const local = path.join(tempDir(), 'hvelv');
    fs.renameSync(path.join(root, 'hvelv'), local);
    expect((await cli(['status', local, '--unlock'])).out).not.toContain('synchronises');
    expect((await cli(['backup', 'add', local, root])).code).toBe(EXIT.ok);
    expect((await cli(['backup', 'run', local])).code).toBe(EXIT.ok);
    expect((await cli(['backup', 'verify', local])).code).toBe(EXIT.ok);
  });

  it('a backup killed with SIGKILL at any step leaves a place that restores to a vault that verifies', async () => {
    const v = await makeVault(PASS);
    const code = admit(v.session);
    const dir = tempDir();
    await new Recordings(v.session, NOW).import(code, (makeWav(path.join(dir, 'a.wav'), 2, 1), path.join(dir, 'a.wav')));
    v.session.lock();
    const place = tempDir('hvelv-place-');
    expect((await cli(['backup', 'add', v.dir, place])).code).toBe(EXIT.ok);
    expect((await cli(['backup', 'run', v.dir])).code).toBe(EXIT.ok);
    // A long recording added after the first copy, so the next run has a large piece to write.
    const s = await openProject(v.dir, PASS, { ...v.deps });
    makeWav(path.join(dir, 'long.wav'), 900, 7); // about 29 MB
    await new Recordings(s, NOW).import(code, path.join(dir, 'long.wav'));
    s.lock();
    const repo = repoDir(place, JSON.parse(fs.readFileSync(path.join(v.dir, 'hvelv-vault.json'), 'utf8')).body.vaultId);
    const pieces = () => listFiles(path.join(repo, 'pieces'));
    const points: [string, () => boolean][] = [
      ['a piece half written', () => pieces().some((f) => f.endsWith('.hvelv-tmp'))],
      ['a new piece written, no manifest yet', () => pieces().filter((f) => !f.endsWith('.hvelv-tmp')).length > before],
      ['the new manifest written', () => fs.readdirSync(path.join(repo, 'manifests')).some((n) => n !== '0000000001.json')],
    ];
    let before = pieces().length;
    const killedAt: string[] = [];
    for (const [what, reached] of points) {
      before = pieces().filter((f) => !f.endsWith('.hvelv-tmp')).length;
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests', 'cli', 'backup-child.ts'), 'backup', 'run', v.dir], { env: { ...process.env, HVELV_PASSPHRASE: PASS }, stdio: 'ignore' });
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      let done = false;
      void exited.then(() => (done = true));
      while (!done && !reached()) await new Promise((r) => setTimeout(r, 1));
      if (!done) {
        child.kill('SIGKILL');
        killedAt.push(what);
      }
      await exited;
      // Whatever the kill left, the place restores to a vault that verifies.
      const target = path.join(tempDir(), 'restored');
      const res = await cli(['restore', place, target]);
      expect(res.code, `${what}: ${res.err}`).toBe(EXIT.ok);
      expect((await cli(['verify', target])).code).toBe(EXIT.ok);
      if (done && !killedAt.includes(what)) break;
    }
    // Each point was reached and the child killed there (the long recording takes a while to copy).
    expect(killedAt).toEqual(points.map(([what]) => what));
    // A full run afterwards leaves a whole copy with no leftovers, holding the long recording.
    expect((await cli(['backup', 'run', v.dir])).code).toBe(EXIT.ok);
    expect(pieces().filter((f) => f.endsWith('.hvelv-tmp'))).toEqual([]);
    expect((await cli(['backup', 'verify', v.dir])).code).toBe(EXIT.ok);
    const target = path.join(tempDir(), 'final');
    expect((await cli(['restore', place, target])).code).toBe(EXIT.ok);
    expect(fs.readdirSync(path.join(target, 'recordings', 'blobs')).length).toBe(2);
  }, 180_000);
});
