/** The supervisor's commands added after the attack review (issue 10): the student redacts, deletes and checks; the daily job pins the folder's key. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import type { CliIo } from '../../electron/cli/io';
import { tempDir, TEST_KDF, TEST_KDF_POLICY } from '../core/helpers';

const STUDENT = 'studentens passord 1';
const SUPERVISOR = 'veileders passord 2';
const fast = { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } };
let clock = new Date('2026-11-27T12:00:00Z');

async function as(pass: string, ...argv: string[]): Promise<{ code: number; json: Record<string, unknown>; text: string; err: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = { out: (t) => stdout.push(t), err: (t) => stderr.push(t), env: { HVELV_PASSPHRASE: pass, LANG: 'nb_NO.UTF-8' }, isTty: false, promptHidden: () => Promise.reject(new Error('no terminal')), now: () => clock };
  const code = await run(argv, io, fast);
  const text = stdout.join('\n');
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  return { code, json, text, err: stderr.join('\n') };
}
const student = (...a: string[]) => as(STUDENT, ...a);
const sup = (...a: string[]) => as(SUPERVISOR, ...a);

describe('hvelv feedback list|redact|delete, share verify-certificate, share enforce --owner-key', () => {
  it('the student replaces a phone number in a comment, deletes another, and checks the certificate of deletion; a re-signed folder header is refused by the pinned job', { timeout: 300_000 }, async () => {
    clock = new Date('2026-11-27T12:00:00Z');
    const vault = path.join(tempDir(), 'v');
    const dir = path.join(tempDir(), 'veileder');
    expect((await student('init', vault, '--title', 'Relasjonsarbeid', '--end-date', '2027-05-30', '--code-prefix', 'JS')).code).toBe(EXIT.ok);
    expect((await student('code', 'add', vault, 'Tillit')).code).toBe(EXIT.ok);
    expect((await student('theme', 'add', vault, 'Å bli sett')).code).toBe(EXIT.ok);
    const init = await sup('supervisor', 'init', dir, '--json');
    const { key } = init.json as { key: string };
    expect((await student('supervisor', 'add', vault, '--key', key, '--until', '2027-03-01')).code).toBe(EXIT.ok);
    const share = path.join(tempDir(), 'r.hvelvshare');
    const made = await student('share', 'create', vault, '--out', share, '--yes', '--json');
    expect(made.json, made.err).toMatchObject({ ok: true, written: true });
    const opened = await sup('share', 'open', dir, share);
    expect(opened.code).toBe(EXIT.ok);
    // In the language of the system (issue 29: the counts were in English only).
    expect(opened.text).toContain('1 kode, 0 kodede utdrag, 1 tema, 0 notater');
    expect((await sup('feedback', 'add', dir, '--on', 'code:Tillit', '--text', 'Ring meg på 915 55 123, så tar vi det.')).code).toBe(EXIT.ok);
    expect((await sup('feedback', 'add', dir, '--on', 'theme:Å bli sett', '--text', 'Godt tema.')).code).toBe(EXIT.ok);
    const fb = path.join(tempDir(), 't.hvelvfeedback');
    expect((await sup('feedback', 'export', dir, '--out', fb)).code).toBe(EXIT.ok);
    expect((await student('feedback', 'import', vault, fb)).code).toBe(EXIT.ok);

    const listed = await student('feedback', 'list', vault, '--json');
    const comments = listed.json.comments as { id: string; text: string; flags: { text: string }[] }[];
    const phone = comments.find((c) => c.text.startsWith('Ring'))!;
    const theme = comments.find((c) => c.text === 'Godt tema.')!;
    expect(phone.flags.map((f) => f.text)).toContain('915 55 123');
    expect((await student('feedback', 'list', vault)).text).toMatch(/! phone \d+-\d+: 915 55 123/);
    expect((await student('feedback', 'redact', vault, phone.id, '--text', '915 55 123', '--with', 'telefon', '--json')).json).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const red = await student('feedback', 'redact', vault, phone.id, '--text', '915 55 123', '--with', '[telefon]');
    expect(red.code, red.err).toBe(EXIT.ok);
    expect(red.text).toBe('Ring meg på [telefon], så tar vi det.');
    expect((await student('feedback', 'delete', vault, theme.id)).code).toBe(EXIT.usage); // needs --yes
    expect((await student('feedback', 'delete', vault, theme.id, '--yes')).code).toBe(EXIT.ok);
    expect((await student('feedback', 'import', vault, fb, '--json')).json).toMatchObject({ ok: true, added: 0 });
    expect(((await student('feedback', 'list', vault, '--json')).json.comments as { text: string }[]).map((c) => c.text)).toEqual(['Ring meg på [telefon], så tar vi det.']);

    // The daily job for the folder pins its key; the job as written carries it.
    const job = await as('', 'schedule', 'install', dir, '--platform', 'linux', '--dry-run', '--json');
    const service = (job.json.files as { path: string; content: string }[]).find((f) => f.path.endsWith('.service'))!;
    const header = JSON.parse(fs.readFileSync(path.join(dir, 'hvelv-supervisor.json'), 'utf8')) as { body: { keys: { sign: string } } };
    expect(service.content).toContain(`"share" "enforce" "${dir}" "--owner-key" "${header.body.keys.sign}"`);
    const otherKey = Buffer.alloc(32, 7).toString('base64');
    expect((await as('', 'share', 'enforce', dir, '--owner-key', otherKey)).code).toBe(EXIT.integrity);
    expect((await as('', 'share', 'enforce', dir, '--owner-key', header.body.keys.sign, '--now', '2027-03-01', '--yes', '--json')).json).toMatchObject({ ok: true, destroyedNow: [{ version: 1 }] });

    // The certificate, checked on the student's side; changed by one character, refused.
    for (const ext of ['json', 'html']) {
      const cert = path.join(tempDir(), `sletting.${ext}`);
      expect((await sup('share', 'certificate', dir, '--out', cert)).code).toBe(EXIT.ok);
      const ok = await student('share', 'verify-certificate', vault, cert);
      expect(ok.code, ok.err).toBe(EXIT.ok);
      expect(ok.text).toMatch(/Bekreftelsen er gyldig, signert av Veileder/);
      fs.writeFileSync(cert, fs.readFileSync(cert, 'utf8').replace('"version":1', '"version":2').replace('"version": 1', '"version": 2').replace('&quot;version&quot;:1', '&quot;version&quot;:2'));
      expect((await student('share', 'verify-certificate', vault, cert)).code).toBe(EXIT.integrity);
    }
  });
});
