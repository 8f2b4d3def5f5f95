/** `hvelv transcript export` passes the identifying-details check, as `hvelv export qdpx` does. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import { testIo, type TestIo } from './io';
import { tempDir, TEST_KDF_POLICY, TEST_KDF } from '../core/helpers';
import { zipOf } from '../zip';

const fakeIo = (env: Record<string, string | undefined> = {}): TestIo => testIo(env);

const env = { HVELV_PASSPHRASE: 'cli test passphrase here', LANG: 'nb_NO.UTF-8' };
const fast = { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } };

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = fakeIo(env);
  const code = await run(args, io, fast);
  return { code, out: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('hvelv transcript export', () => {
  it('lists the findings with their ids and writes nothing until each is accepted with --accept', async () => {
    const dir = tempDir();
    const vault = path.join(dir, 'v');
    expect((await cli(['init', vault, '--title', 'Relasjonsarbeid', '--end-date', '2027-05-30'])).code).toBe(EXIT.ok);
    expect((await cli(['participant', 'add', vault, '--name', 'Ola Nordmann'])).code).toBe(EXIT.ok);
    expect((await cli(['consent', 'record', vault, 'P01', '--date', '2026-11-20', '--form-version', '1', '--unfinished-letter'])).code).toBe(EXIT.ok);
    const src = path.join(dir, 'i.txt');
    fs.writeFileSync(src, 'I: Hvem var med?\nB: Ola Nordmann var med.\n');
    const imported = await cli(['transcript', 'import', vault, 'P01', src]);
    expect(imported.code, imported.err).toBe(EXIT.ok);
    const id = imported.out.trim();
    const out = path.join(dir, 'ut.docx');

    const refused = await cli(['transcript', 'export', vault, id, '--out', out]);
    expect(refused.code).not.toBe(EXIT.ok);
    expect(refused.out).toContain('Ola Nordmann');
    expect(refused.err).toMatch(/--accept/);
    expect(fs.existsSync(out)).toBe(false);

    const json = await cli(['transcript', 'export', vault, id, '--out', out, '--json']);
    expect(json.code).toBe(EXIT.other);
    const body = JSON.parse(json.out) as { ok: boolean; error: { code: string }; findings: { id: string; text: string }[] };
    expect(body).toMatchObject({ ok: false, error: { code: 'DETAILS_UNCHECKED' } });
    const ids = body.findings.map((f) => f.id);
    expect(body.findings.map((f) => f.text)).toContain('Ola Nordmann');
    // Every id shown in the listing above, to be copied into --accept.
    for (const f of ids) expect(refused.out).toContain(f);
    expect(fs.existsSync(out)).toBe(false);

    const stray = await cli(['transcript', 'export', vault, id, '--out', out, ...ids.flatMap((f) => ['--accept', f]), '--accept', 'abcdef0123']);
    expect(stray.code).not.toBe(EXIT.ok);
    expect(fs.existsSync(out)).toBe(false);

    const done = await cli(['transcript', 'export', vault, id, '--out', out, ...ids.flatMap((f) => ['--accept', f])]);
    expect(done.code, done.err).toBe(EXIT.ok);
    expect(fs.statSync(out).size).toBeGreaterThan(0);
  });
});

describe('hvelv transcript import of a .docx with a comment and a footnote', () => {
  it('imports the body and says, in the user\'s language, what was not imported', async () => {
    const dir = tempDir();
    const vault = path.join(dir, 'v');
    expect((await cli(['init', vault, '--title', 'Relasjonsarbeid', '--end-date', '2027-05-30'])).code).toBe(EXIT.ok);
    expect((await cli(['participant', 'add', vault, '--name', 'Ola Nordmann'])).code).toBe(EXIT.ok);
    expect((await cli(['consent', 'record', vault, 'P01', '--date', '2026-11-20', '--form-version', '1', '--unfinished-letter'])).code).toBe(EXIT.ok);
    const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
    const p = (t: string) => `<w:p><w:r><w:t>${t}</w:t></w:r></w:p>`;
    const docx = path.join(dir, 'i.docx');
    fs.writeFileSync(docx, zipOf([
      { name: 'word/document.xml', data: Buffer.from(`<w:document ${W}><w:body>${p('B: Hei.')}</w:body></w:document>`) },
      { name: 'word/comments.xml', data: Buffer.from(`<w:comments ${W}><w:comment w:id="0">${p('Uklart her.')}</w:comment></w:comments>`) },
      { name: 'word/footnotes.xml', data: Buffer.from(`<w:footnotes ${W}><w:footnote w:id="1">${p('Se over.')}</w:footnote></w:footnotes>`) },
    ]));
    const r = await cli(['transcript', 'import', vault, 'P01', docx]);
    expect(r.code, r.err).toBe(EXIT.ok);
    expect(r.err).toContain('Ikke importert fra .docx-filen');
    expect(r.err).toContain('fotnoter 1');
    expect(r.err).toContain('kommentarer 1');
  });
});
