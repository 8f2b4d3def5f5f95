/**
 * Issue 29: the CLI's listings (`code list`, `status`, `transcript list`) spoke English
 * only. They speak the system's language (LANG), or the one `--lang nb|en` asks for.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import type { CliIo } from '../../electron/cli/io';
import { tempDir, TEST_KDF, TEST_KDF_POLICY } from '../core/helpers';

const PASS = 'cli listings passphrase';
const fast = { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } };

async function hv(lang: string, ...argv: string[]): Promise<{ code: number; text: string; err: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = { out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: { HVELV_PASSPHRASE: PASS, LANG: lang }, isTty: false, promptHidden: () => Promise.reject(new Error('no terminal')), now: () => new Date('2026-11-27T12:00:00Z') };
  const code = await run(argv, io, fast);
  return { code, text: stdout.join('\n'), err: stderr.join('\n') };
}

describe('the listings in the catalogue’s languages', () => {
  it('code list, transcript list and status in Norwegian under a Norwegian LANG, in English with --lang en', { timeout: 120_000 }, async () => {
    const nb = 'nb_NO.UTF-8';
    const vault = path.join(tempDir(), 'v');
    expect((await hv(nb, 'init', vault, '--title', 'Relasjonsarbeid', '--end-date', '2027-05-30', '--student', 'Turid Test', '--code-prefix', 'JS')).code).toBe(EXIT.ok);
    expect((await hv(nb, 'code', 'list', vault)).text).toBe('ingen koder ennå');
    expect((await hv(nb, 'participant', 'add', vault, '--name', 'Åse Nilsen')).code).toBe(EXIT.ok);
    expect((await hv(nb, 'consent', 'record', vault, 'JS01', '--date', '2026-11-20', '--form-version', '1', '--unfinished-letter')).code).toBe(EXIT.ok);
    const file = path.join(tempDir(), 'js01.txt');
    fs.writeFileSync(file, '#00:00:05-0# I: Hva betyr tillit?\n#00:00:09-0# B: Å bli sett.\n');
    expect((await hv(nb, 'transcript', 'import', vault, 'JS01', file)).code).toBe(EXIT.ok);
    expect((await hv(nb, 'code', 'add', vault, 'Tillit')).code).toBe(EXIT.ok);

    const codes = await hv(nb, 'code', 'list', vault);
    expect(codes.text).toMatch(/Tillit .* {2}0 utdrag i 0 intervjuer$/m);
    expect((await hv(nb, 'code', 'list', vault, '--lang', 'en')).text).toMatch(/Tillit .* {2}0 segments in 0 interviews$/m);
    expect((await hv('C', 'code', 'list', vault)).text).toMatch(/0 segments in 0 interviews$/m);

    const transcripts = await hv(nb, 'transcript', 'list', vault);
    expect(transcripts.text).toMatch(/JS01 +under arbeid +\d+ tegn {2}2 tidskoder$/m);
    expect((await hv(nb, 'transcript', 'list', vault, '--lang', 'en')).text).toMatch(/JS01 +in progress +\d+ chars {2}2 timestamps$/m);

    const status = await hv(nb, 'status', vault);
    expect(status.text).toContain('  student Turid Test, veileder -, Sikt -');
    expect(status.text).toContain('  prosjektslutt 2027-05-30 (184 dager), deretter: Slett navnelisten og lydopptakene, behold avidentifiserte transkripsjoner');
    expect(status.text).toMatch(/^ {2}keylist: \d+ poster$/m);
    expect(status.text).not.toMatch(/project end|records/);
    const statusEn = await hv(nb, 'status', vault, '--lang', 'en');
    expect(statusEn.text).toContain('  project end 2027-05-30 (184 days), then: Delete the key list and the recordings, keep de-identified transcripts');
    expect((await hv(nb, 'code', 'list', vault, '--lang', 'de')).code).toBe(EXIT.usage);
  });
});
