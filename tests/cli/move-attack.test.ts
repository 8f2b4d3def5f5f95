/**
 * `hvelv move` killed with SIGKILL (attacks on issue 28's move, see
 * tests/core/backup-move-attack.test.ts for the others).
 *
 * M3  Killed once the old vault's files were being shredded: the recent list (which the app's
 *     end-date watch reads) and the daily end-date job (systemd) still named the old folder,
 *     half shredded, so the end date no longer reached the study at its new place and the app
 *     offered a broken vault. They must follow the move before the first old file is touched.
 * M6  Killed while the copy was being written: the partial copy (the vault's key files and
 *     stores among it) stayed in the new folder, and every later move there was refused as
 *     "already exists and is not an empty folder", a second copy of the study the student had
 *     to find and delete by hand. A folder holding a killed move of this vault is taken again,
 *     its leftovers shredded first.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import { testIo } from './io';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { createVault } from '../../electron/core/vault/vault';
import { AppConfig } from '../../electron/core/services/project/app-config';
import { jobName, systemdUnits } from '../../electron/core/services/project-end/schedule';
import { admit, makeWav, pw, SAMPLE_FACTS, TEST_KDF, TEST_KDF_POLICY, tempDir, testDeps } from '../core/helpers';

const ROOT = path.join(import.meta.dirname, '..', '..');
const PASS = 'cli move attack passphrase';
const NOW = () => new Date('2026-11-27T10:00:00Z');

async function study() {
  const dropbox = path.join(tempDir('hvelv-cli-move-atk-'), 'Dropbox');
  fs.mkdirSync(dropbox);
  fs.writeFileSync(path.join(dropbox, '.dropbox.cache'), '');
  const dir = path.join(dropbox, 'Studie');
  const s = await createVault(dir, pw(PASS), SAMPLE_FACTS, await testDeps(), { kdf: TEST_KDF });
  const code = admit(s, { name: 'Ragnhild Testesen' });
  // Long recordings, so shredding the old copies (overwritten and fsynced) takes a while.
  const wavDir = tempDir();
  for (let i = 0; i < 3; i++) {
    const wav = path.join(wavDir, `r${i}.wav`);
    makeWav(wav, 400, i + 1);
    await new Recordings(s, NOW).import(code, wav);
  }
  const vaultId = s.vaultId;
  s.lock();
  const xdg = tempDir('hvelv-xdg-');
  const data = tempDir('hvelv-appdata-');
  new AppConfig(path.join(data, 'hvelv-config.json')).rememberVault(dir, 'Studie', NOW());
  for (const f of systemdUnits({ vaultPath: dir, vaultId, title: 'Studie', ownerKey: 'KEY', command: { argv: ['/usr/bin/node', '/opt/hvelv/cli.js'], env: {} } }, xdg)) {
    fs.mkdirSync(path.dirname(f.path), { recursive: true });
    fs.writeFileSync(f.path, f.content);
  }
  return { dir, vaultId, xdg, data };
}

function child(args: string[], env: NodeJS.ProcessEnv) {
  const c = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'tests', 'cli', 'backup-child.ts'), ...args], { env, stdio: 'ignore' });
  const state = { done: false };
  const exited = new Promise<void>((resolve) => c.on('exit', () => resolve()));
  void exited.then(() => (state.done = true));
  return { c, state, exited };
}

describe('hvelv move killed half way', () => {
  it('M3 killed while the old files are shredded: the recent list and the daily job already name the new folder, which verifies', async () => {
    const { dir, vaultId, xdg, data } = await study();
    const target = path.join(tempDir('hvelv-local-'), 'Studie');
    // The first file the move shreds (the list is sorted): its absence says shredding began.
    const first = path.join(dir, 'audit', 'audit.sqlite');
    const env = { ...process.env, HVELV_PASSPHRASE: PASS, XDG_CONFIG_HOME: xdg, HVELV_DATA_DIR: data };
    const run1 = child(['move', dir, target, '--no-backup'], env);
    while (!run1.state.done && fs.existsSync(first)) await new Promise((r) => setTimeout(r, 1));
    const killed = !run1.state.done;
    if (killed) run1.c.kill('SIGKILL');
    await run1.exited;
    expect(killed).toBe(true);
    // Some of the old vault is gone: it no longer opens. The copy at the new folder is whole.
    expect(fs.existsSync(first)).toBe(false);
    const io = testIo({ HVELV_PASSPHRASE: PASS, XDG_CONFIG_HOME: tempDir(), HVELV_DATA_DIR: tempDir() }, NOW);
    expect(await run(['verify', target], io, { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } })).toBe(EXIT.ok);
    // What the app and the end date go by already name the new folder.
    expect(new AppConfig(path.join(data, 'hvelv-config.json')).recent().map((r) => r.path)).toEqual([target]);
    const service = fs.readFileSync(path.join(xdg, 'systemd', 'user', `${jobName(vaultId)}.service`), 'utf8');
    expect(service).toContain(`"enforce" "${target}"`);
    expect(service).not.toContain(`"${dir}"`);
  }, 120_000);

  it('M6 killed while copying: the partial copy does not block the next move there, which shreds it and moves', async () => {
    const { dir, xdg, data } = await study();
    const target = path.join(tempDir('hvelv-local-'), 'Studie');
    const env = { ...process.env, HVELV_PASSPHRASE: PASS, XDG_CONFIG_HOME: xdg, HVELV_DATA_DIR: data };
    const run1 = child(['move', dir, target, '--no-backup'], env);
    // Killed once the copy holds some of the vault's files (its stores and key files come first).
    const blobs = path.join(target, 'recordings', 'blobs');
    while (!run1.state.done && !(fs.existsSync(blobs) && fs.readdirSync(blobs).length > 0)) await new Promise((r) => setTimeout(r, 1));
    const killed = !run1.state.done;
    if (killed) run1.c.kill('SIGKILL');
    await run1.exited;
    expect(killed).toBe(true);
    // The old vault is whole and still where it was.
    const fast = { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } };
    const io = () => testIo({ HVELV_PASSPHRASE: PASS, XDG_CONFIG_HOME: xdg, HVELV_DATA_DIR: data }, NOW);
    expect(await run(['verify', dir], io(), fast)).toBe(EXIT.ok);
    // The same move again: taken, the leftovers shredded, the vault moved and whole.
    const again = io();
    expect(await run(['move', dir, target, '--no-backup'], again, fast), again.stderr.join('\n')).toBe(EXIT.ok);
    expect(await run(['verify', target], io(), fast)).toBe(EXIT.ok);
    expect(fs.existsSync(dir)).toBe(false);
    const left: string[] = [];
    const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : left.push(e.name)));
    walk(target);
    expect(left.filter((n) => n.endsWith('.hvelv-tmp') || n.startsWith('.hvelv-move'))).toEqual([]);
  }, 120_000);
});
