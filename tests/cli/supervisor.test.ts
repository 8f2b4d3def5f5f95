/** The supervisor's commands end to end (issue 10), in process, both sides: student's vault and supervisor's folder. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import { testIo, type TestIo } from './io';
import { findNeedles, listFiles, makeWav, tempDir, TEST_KDF, TEST_KDF_POLICY } from '../core/helpers';

const STUDENT = 'studentens passord 1';
const SUPERVISOR = 'veileders passord 2';
const fast = { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } };
let clock = new Date('2026-11-27T12:00:00Z');

const fakeIo = (pass: string): TestIo => testIo({ HVELV_PASSPHRASE: pass, LANG: 'nb_NO.UTF-8' }, () => clock);

async function as(pass: string, ...argv: string[]): Promise<{ code: number; json: Record<string, unknown>; text: string; err: string }> {
  const io = fakeIo(pass);
  const code = await run(argv, io, fast);
  const text = io.stdout.join('\n');
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  return { code, json, text, err: io.stderr.join('\n') };
}
const student = (...a: string[]) => as(STUDENT, ...a);
const sup = (...a: string[]) => as(SUPERVISOR, ...a);

const TRANSCRIPT = `#00:00:05-0# I: Hva betyr tillit for deg?
#00:14:32-0# B: Tillit er å bli sett 😀 som et helt menneske.
#00:15:00-0# B: Åse på kontoret forstod det, hun ringte meg hver uke.
`;

describe('hvelv supervisor / share / feedback', () => {
  it('student adds a supervisor and makes a share; the supervisor opens, reads, comments; the student imports the feedback; the end date deletes the copy', { timeout: 300_000 }, async () => {
    clock = new Date('2026-11-27T12:00:00Z');
    const vault = path.join(tempDir(), 'v');
    const dir = path.join(tempDir(), 'veileder');
    expect((await student('init', vault, '--title', 'Relasjonsarbeid', '--end-date', '2027-05-30', '--code-prefix', 'JS')).code).toBe(EXIT.ok);
    expect((await student('participant', 'add', vault, '--name', 'Kari Nordmann', '--email', 'kari@example.no', '--phone', '915 55 123')).code).toBe(EXIT.ok);
    expect((await student('consent', 'record', vault, 'JS01', '--date', '2026-11-20', '--form-version', '1', '--unfinished-letter')).code).toBe(EXIT.ok);
    const file = path.join(tempDir(), 'js01.txt');
    fs.writeFileSync(file, TRANSCRIPT);
    const t = await student('transcript', 'import', vault, 'JS01', file, '--json');
    expect(t.code, t.err).toBe(EXIT.ok);
    expect((await student('code', 'add', vault, 'Tillit', '--definition', 'Om å bli trodd.')).code).toBe(EXIT.ok);
    const transcriptId = (t.json.transcript as { id: string }).id;
    expect((await student('code', 'apply', vault, transcriptId, '--code', 'Tillit', '--quote', 'Tillit er å bli sett 😀 som et helt menneske')).code).toBe(EXIT.ok);
    expect((await student('theme', 'add', vault, 'Å bli sett')).code).toBe(EXIT.ok);

    // The supervisor's side: keys, and the key text to send.
    const init = await sup('supervisor', 'init', dir, '--json');
    expect(init.code, init.err).toBe(EXIT.ok);
    const { key, fingerprint } = init.json as { key: string; fingerprint: string };
    const keyOnly = await as('', 'supervisor', 'key', dir); // no passphrase needed
    expect(keyOnly.text.trim()).toBe(key);

    // The student: a typo and a non-key are refused, the real key added.
    const typo = key.slice(0, -2) + (key.at(-2) === 'Z' ? 'Y' : 'Z') + key.slice(-1);
    expect((await student('supervisor', 'add', vault, '--key', typo, '--until', '2027-03-01', '--json')).json).toMatchObject({ ok: false, error: { code: 'SUPERVISOR_KEY_TYPO' } });
    expect((await student('supervisor', 'add', vault, '--key', 'hei på deg', '--until', '2027-03-01', '--json')).json).toMatchObject({ ok: false, error: { code: 'NOT_A_SUPERVISOR_KEY' } });
    const add = await student('supervisor', 'add', vault, '--key', key, '--until', '2027-03-01', '--label', 'Hovedveileder', '--json');
    expect(add.json).toMatchObject({ ok: true, supervisor: { fingerprint, until: '2027-03-01' } });
    const list = await student('supervisor', 'list', vault, '--json');
    expect((list.json.supervisors as unknown[]).length).toBe(1);

    // The share is refused while findings are open, listing them with ids (Åse is one).
    const share = path.join(tempDir(), 'relasjonsarbeid.hvelvshare');
    const refused = await student('share', 'create', vault, '--out', share, '--yes');
    expect(refused.code).toBe(EXIT.other);
    expect(refused.err).toMatch(/Åse/);
    expect(fs.existsSync(share)).toBe(false);
    const ids = [...refused.err.matchAll(/^\s+([0-9a-f]{10})\s/gm)].map((m) => m[1]!);
    expect(ids.length).toBeGreaterThan(0);
    // --yes alone never accepts; without --yes nothing is written.
    expect((await student('share', 'create', vault, '--out', share, ...ids.flatMap((i) => ['--accept', i]))).text).toMatch(/Ingenting ble skrevet/);
    expect(fs.existsSync(share)).toBe(false);
    const made = await student('share', 'create', vault, '--out', share, ...ids.flatMap((i) => ['--accept', i]), '--yes', '--json');
    expect(made.json).toMatchObject({ ok: true, written: true, version: 1, fingerprint, participants: ['JS01'] });

    // The supervisor opens and reads.
    const opened = await sup('share', 'open', dir, share, '--json');
    expect(opened.json).toMatchObject({ ok: true, share: { version: 1, state: 'open', participants: ['JS01'] } });
    const tr = await sup('share', 'show', dir, 'transcripts', '--json');
    expect((tr.json.transcripts as { text: string }[])[0]!.text).toBe(TRANSCRIPT);
    expect((await sup('share', 'show', dir, 'codes')).text).toMatch(/Tillit {2}\(1\): Om å bli trodd\./);
    expect((await sup('share', 'show', dir, 'themes')).text).toMatch(/Å bli sett \[candidate\]/);
    expect((await sup('share', 'open', dir, share, '--json')).json).toMatchObject({ ok: false, error: { code: 'SHARE_OUTDATED' } });

    // Feedback.
    const c = await sup('feedback', 'add', dir, '--on', 'code:Tillit', '--text', 'Del koden i to?', '--json');
    expect(c.json).toMatchObject({ ok: true, comment: { targetLabel: 'Tillit', text: 'Del koden i to?' } });
    expect((await sup('feedback', 'add', dir, '--on', 'code:Finnes-ikke', '--text', 'x', '--json')).json).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const fb = path.join(tempDir(), 'tilbakemelding.hvelvfeedback');
    expect((await sup('feedback', 'export', dir, '--out', fb)).code).toBe(EXIT.ok);
    const imported = await student('feedback', 'import', vault, fb, '--json');
    expect(imported.json).toMatchObject({ ok: true, fingerprint, comments: 1, added: 1 });
    // A feedback file changed by one byte is refused.
    const bad = fs.readFileSync(fb);
    bad[bad.length - 20] = bad[bad.length - 20]! ^ 1;
    const badFile = path.join(tempDir(), 'endret.hvelvfeedback');
    fs.writeFileSync(badFile, bad);
    expect((await student('feedback', 'import', vault, badFile, '--json')).json).toMatchObject({ ok: false });

    // Forensic: no name, e-mail or phone in the share file or the supervisor's folder.
    const needles = ['Kari Nordmann', 'Nordmann', 'kari@example.no', '915 55 123'].map((n) => Buffer.from(n));
    expect(findNeedles([share, fb, ...listFiles(dir)], needles)).toEqual([]);

    // The end of access: the daily job with no passphrase.
    expect((await as('', 'share', 'enforce', dir, '--json')).json).toMatchObject({ ok: true, destroyedNow: [] });
    const preview = await as('', 'share', 'enforce', dir, '--now', '2027-03-01', '--json');
    expect(preview.json).toMatchObject({ ok: true, destroyedNow: [], wouldDestroy: [{ version: 1 }] });
    expect(listFiles(dir).filter((f) => /copy-1\.key$/.test(f))).toHaveLength(1);
    const enforced = await as('', 'share', 'enforce', dir, '--now', '2027-03-01', '--yes', '--json');
    expect(enforced.json).toMatchObject({ ok: true, destroyedNow: [{ version: 1, until: '2027-03-01' }] });
    expect(listFiles(dir).filter((f) => /copy-|comments-/.test(f))).toEqual([]);
    const cert = path.join(tempDir(), 'sletting.html');
    expect((await sup('share', 'certificate', dir, '--out', cert)).code).toBe(EXIT.ok);
    expect(fs.readFileSync(cert, 'utf8')).toMatch(/Bekreftelse på sletting av veilederkopi/);
    expect((await sup('share', 'open', dir, share, '--json')).json).toMatchObject({ ok: false, error: { code: 'SHARE_EXPIRED' } });

    // The daily job for a supervisor folder runs share enforce on it (shown, not installed).
    const job = await as('', 'schedule', 'install', dir, '--platform', 'linux', '--dry-run', '--json');
    expect(job.code, job.err).toBe(EXIT.ok);
    const service = (job.json.files as { path: string; content: string }[]).find((f) => f.path.endsWith('.service'))!;
    expect(service.content).toContain(`"share" "enforce" "${dir}"`);

    // The audit log has the share and the feedback import, without personal data.
    const audit = await student('audit', 'list', vault, '--json');
    const text = JSON.stringify(audit.json);
    expect(text).toMatch(/share\.created/);
    expect(text).toMatch(/feedback\.imported/);
    expect(text).not.toMatch(/Kari|Nordmann|Åse|Del koden/);
  });

  it('supervisor add --recordings: the warning is given, the share carries the recording, the supervisor holds it sealed', { timeout: 300_000 }, async () => {
    clock = new Date('2026-11-27T12:00:00Z');
    const vault = path.join(tempDir(), 'v');
    const dir = path.join(tempDir(), 'veileder');
    expect((await student('init', vault, '--title', 'Relasjonsarbeid', '--end-date', '2027-05-30', '--code-prefix', 'JS')).code).toBe(EXIT.ok);
    expect((await student('participant', 'add', vault, '--name', 'Kari Nordmann')).code).toBe(EXIT.ok);
    expect((await student('consent', 'record', vault, 'JS01', '--date', '2026-11-20', '--form-version', '1', '--unfinished-letter')).code).toBe(EXIT.ok);
    const wav = path.join(tempDir(), 'intervju.wav');
    const audio = makeWav(wav, 4, 31);
    expect((await student('audio', 'import', vault, 'JS01', wav)).code).toBe(EXIT.ok);
    fs.rmSync(wav);
    const file = path.join(tempDir(), 'js01.txt');
    fs.writeFileSync(file, '#00:00:01-0# I: Hva betyr tillit for deg?\n');
    expect((await student('transcript', 'import', vault, 'JS01', file)).code).toBe(EXIT.ok);
    const { key } = (await sup('supervisor', 'init', dir, '--json')).json as { key: string };
    const add = await student('supervisor', 'add', vault, '--key', key, '--until', '2027-03-01', '--recordings');
    expect(add.code, add.err).toBe(EXIT.ok);
    expect(add.err).toMatch(/En stemme identifiserer en person/);
    const share = path.join(tempDir(), 'med-opptak.hvelvshare');
    const made = await student('share', 'create', vault, '--out', share, '--yes');
    expect(made.code, made.err).toBe(EXIT.ok);
    expect(made.text).toMatch(/Lydopptak med: 1\./);
    expect(made.err).toMatch(/lydopptakene blir med/);
    const opened = await sup('share', 'open', dir, share, '--json');
    expect(opened.json).toMatchObject({ ok: true, share: { version: 1, participants: ['JS01'] }, recordings: 1 });
    // Neither the share file nor the supervisor's folder holds the audio in clear.
    const needles = [audio.subarray(2000, 2032), audio.subarray(audio.length - 40, audio.length - 8)];
    expect(findNeedles([share, ...listFiles(dir)], needles)).toEqual([]);
    expect(listFiles(dir).filter((f) => f.endsWith('.hvr'))).toHaveLength(1);
    expect((await as('', 'share', 'enforce', dir, '--now', '2027-03-01', '--yes', '--json')).json).toMatchObject({ ok: true, destroyedNow: [{ version: 1 }] });
    expect(listFiles(dir).filter((f) => f.endsWith('.hvr'))).toEqual([]);
  });
});
