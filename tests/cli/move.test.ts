/**
 * `hvelv move` (issue 28) as a user runs it: the vault out of a Dropbox folder into a local one,
 * the old folder a backup place whose copy `backup verify` accepts; refused targets get the
 * reason in the user's language and leave the vault where it was.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import { testIo } from './io';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { createVault } from '../../electron/core/vault/vault';
import { AppConfig } from '../../electron/core/services/project/app-config';
import { admit, pw, SAMPLE_FACTS, TEST_KDF, TEST_KDF_POLICY, tempDir, testDeps } from '../core/helpers';

const PASS = 'cli move passphrase here';
const fast = { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } };
const NOW = () => new Date('2026-11-27T10:00:00Z');

async function cli(args: string[], env: Record<string, string> = {}) {
  const io = testIo({ HVELV_PASSPHRASE: PASS, XDG_CONFIG_HOME: tempDir('hvelv-xdg-'), HVELV_DATA_DIR: tempDir('hvelv-appdata-'), ...env }, NOW);
  const code = await run(args, io, fast);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

async function inDropbox() {
  const dropbox = path.join(tempDir('hvelv-cli-move-'), 'Sky');
  fs.mkdirSync(dropbox);
  fs.writeFileSync(path.join(dropbox, '.dropbox.cache'), '');
  const dir = path.join(dropbox, 'Studie');
  const s = await createVault(dir, pw(PASS), SAMPLE_FACTS, await testDeps(), { kdf: TEST_KDF });
  const code = admit(s, { name: 'Ragnhild Testesen' });
  new Transcripts(s, NOW).create(code, 'I: Hei.\nB: Om sykkelen ved fjorden.');
  s.lock();
  return { dropbox, dir };
}

describe('hvelv move', () => {
  it('moves the vault, makes the old folder a backup place that verifies, and says what the cloud still keeps', async () => {
    const v = await inDropbox();
    expect((await cli(['status', v.dir])).out).toMatch(/Dropbox/);
    const target = path.join(tempDir(), 'lokal');
    // The app on this computer lists the vault among its recent ones.
    const dataDir = tempDir('hvelv-appdata-');
    new AppConfig(path.join(dataDir, 'hvelv-config.json')).rememberVault(v.dir, 'Studie', NOW());
    const r = await cli(['move', v.dir, target], { HVELV_DATA_DIR: dataDir });
    expect(r.err).toBe('');
    expect(r.code).toBe(EXIT.ok);
    expect(r.out).toContain(`The vault is now in ${target}.`);
    expect(r.out).toContain(`${v.dir} is now a backup place holding an encrypted copy.`);
    expect(r.out).toMatch(/Dropbox keeps older versions and a recycle bin/);
    expect((await cli(['verify', target])).code).toBe(EXIT.ok);
    const ver = await cli(['backup', 'verify', target, '--json']);
    expect(ver.code).toBe(EXIT.ok);
    expect(JSON.parse(ver.out).places).toEqual([{ dir: v.dir, seq: 1, problems: [] }]);
    expect(fs.readdirSync(v.dir).filter((n) => !n.startsWith('hvelv-backup-'))).toEqual([]);
    expect((await cli(['status', target])).out).not.toMatch(/Dropbox/);
    expect(new AppConfig(path.join(dataDir, 'hvelv-config.json')).recent().map((x) => x.path)).toEqual([target]);
  });

  it('--keep-backup-in puts the backup place in a folder of the student\'s choosing; --json reports it', async () => {
    const v = await inDropbox();
    const keep = path.join(v.dropbox, 'Sikkerhetskopi');
    const target = path.join(tempDir(), 'lokal');
    const r = await cli(['move', v.dir, target, '--keep-backup-in', keep, '--json']);
    expect(r.code).toBe(EXIT.ok);
    const j = JSON.parse(r.out);
    expect(j).toMatchObject({ ok: true, from: v.dir, to: target, backupPlace: keep, backup: { outcome: 'copied' } });
    expect(fs.existsSync(v.dir)).toBe(false);
  });

  it('refuses a synced or non-empty target in the user\'s language, and the vault stays', async () => {
    const v = await inDropbox();
    const synced = await cli(['move', v.dir, path.join(v.dropbox, 'Annet')], { LANG: 'nb_NO.UTF-8' });
    expect(synced.code).toBe(EXIT.other);
    expect(synced.err).toContain('Den mappen synkroniseres av en skytjeneste');
    const full = tempDir();
    fs.writeFileSync(path.join(full, 'x'), 'x');
    const busy = await cli(['move', v.dir, full]);
    expect(busy.code).toBe(EXIT.other);
    expect(busy.err).toContain('That folder already holds files');
    expect((await cli(['move', v.dir, full, '--no-backup', '--keep-backup-in', full])).code).toBe(EXIT.usage);
    expect((await cli(['verify', v.dir])).code).toBe(EXIT.ok);
  });
});
