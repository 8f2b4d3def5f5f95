/** `hvelv notification`: the text on stdout, .docx and .md with --out, and the changes since on stderr. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import type { CliIo } from '../../electron/cli/io';
import { tempDir, TEST_KDF, TEST_KDF_POLICY } from '../core/helpers';

const PASS = 'cli notification passphrase';
const fast = { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } };
const NAME = 'Sigvalda Ørneberg';

async function hv(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = {
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    // A config folder of its own: no daily job of this machine's user is looked at.
    env: { HVELV_PASSPHRASE: PASS, LANG: 'nb_NO.UTF-8', XDG_CONFIG_HOME: path.join(tempDir(), 'config') },
    isTty: false,
    promptHidden: () => Promise.reject(new Error('no terminal')),
    now: () => new Date('2026-12-07T12:00:00Z'),
  };
  const code = await run(argv, io, fast);
  return { code, out: stdout.join('\n'), err: stderr.join('\n') };
}

describe('hvelv notification', () => {
  it('prints the text, writes .docx and .md, and lists what changed since with the change notice marked', { timeout: 120_000 }, async () => {
    const vault = path.join(tempDir(), 'v');
    expect((await hv('init', vault, '--title', 'Relasjonsarbeid', '--end-date', '2031-05-30', '--sikt-ref', '654321', '--code-prefix', 'JS')).code).toBe(EXIT.ok);
    expect((await hv('participant', 'add', vault, '--name', NAME)).code).toBe(EXIT.ok);

    const nb = await hv('notification', vault);
    expect(nb.code, nb.err).toBe(EXIT.ok);
    expect(nb.out).toMatch(/^# Datahåndtering i prosjektet «Relasjonsarbeid»\n\nSkrevet 7\. desember 2026/);
    expect(nb.out).toContain('## Lagring og sikring');
    expect(nb.out).toContain('Prosjektet slutter 30. mai 2031 (Sikts referansenummer 654321).');
    expect(nb.err).toBe('');

    const en = await hv('notification', vault, '--lang', 'en', '--json');
    const json = JSON.parse(en.out) as { ok: boolean; text: string; lastCopiedOn: string | null; changes: unknown[] };
    expect(json).toMatchObject({ ok: true, lastCopiedOn: null, changes: [] });
    expect(json.text).toContain('## Storage and security');

    const docx = path.join(tempDir(), 'sikt.docx');
    const w = await hv('notification', vault, '--lang', 'en', '--out', docx);
    expect(w.code, w.err).toBe(EXIT.ok);
    expect(w.out).toBe(`Wrote ${docx}.`);
    const xml = strFromU8(unzipSync(fs.readFileSync(docx))['word/document.xml']!);
    expect(xml).toContain('Data handling in the project “Relasjonsarbeid”');
    expect(xml).toContain('The project ends on 30 May 2031 (Sikt reference number 654321).');

    // The end date moved: Sikt must be told, and stderr says so; stdout is still only the text.
    expect((await hv('deadline', 'extend', vault, '--to', '2031-12-31', '--reason', 'Forsinket', '--sikt-ref', '654321')).code).toBe(EXIT.ok);
    const after = await hv('notification', vault);
    expect(after.err).toBe(
      [
        'Endret siden teksten sist ble kopiert eller lagret (7. desember 2026):',
        '  * Sluttdatoen er endret fra 30. mai 2031 til 31. desember 2031.',
        'Sikt må få en endringsmelding om det som er merket med *.',
      ].join('\n'),
    );
    expect(after.out.startsWith('# Datahåndtering')).toBe(true);

    const md = path.join(tempDir(), 'sikt.md');
    expect((await hv('notification', vault, '--out', md)).code).toBe(EXIT.ok);
    const text = fs.readFileSync(md, 'utf8');
    expect(text).toContain('Prosjektet slutter 31. desember 2031 (Sikts referansenummer 654321).');
    // Saved: nothing has changed since.
    expect((await hv('notification', vault)).err).toBe('');

    for (const out of [nb.out, en.out, xml, text, after.out, after.err]) {
      expect(out).not.toContain('Sigvalda');
      expect(out).not.toContain('Ørneberg');
      expect(out).not.toContain('JS01');
    }

    expect((await hv('notification', vault, '--out', path.join(tempDir(), 'x.pdf'))).code).toBe(EXIT.usage);
    expect((await hv('notification', vault, '--lang', 'de')).code).toBe(EXIT.usage);
  });
});
