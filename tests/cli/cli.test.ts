import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import { testIo, type TestIo } from './io';
import { storeDbPath } from '../../electron/core/vault/layout';
import { listFiles, makeWav, tempDir, TEST_KDF_POLICY, TEST_KDF } from '../core/helpers';
import { createHash, randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';

const ROOT = path.join(import.meta.dirname, '..', '..');

const fakeIo = (env: Record<string, string | undefined> = {}): TestIo => testIo(env);

const PASS = 'cli test passphrase here';
const fast = { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } };

async function init(env = { HVELV_PASSPHRASE: PASS }, prefix: string[] = []): Promise<string> {
  const vault = path.join(tempDir(), 'v');
  const io = fakeIo(env);
  const code = await run(['init', vault, '--title', 'Relasjonsarbeid', '--end-date', '2027-05-30', '--student', 'Turid Test', '--supervisor', 'Gurli Test', ...prefix], io, fast);
  expect(code, io.stderr.join('\n')).toBe(EXIT.ok);
  return vault;
}

describe('hvelv (in process)', () => {
  it('init then status: without the passphrase only what deletion needs, with it everything', async () => {
    const vault = await init();
    const locked = fakeIo();
    expect(await run(['status', vault, '--json'], locked, fast)).toBe(EXIT.ok);
    const a = JSON.parse(locked.stdout.join('')) as Record<string, unknown>;
    expect(a).toMatchObject({ ok: true, unlocked: false, endDate: '2027-05-30', daysLeft: 184 });
    expect(a.stores).toEqual({ keylist: 'present', recordings: 'present', transcripts: 'present', audit: 'present' });
    expect(JSON.stringify(a)).not.toContain('Turid Test');

    const open = fakeIo({ HVELV_PASSPHRASE: PASS });
    expect(await run(['status', vault, '--json'], open, fast)).toBe(EXIT.ok);
    const b = JSON.parse(open.stdout.join('')) as Record<string, unknown>;
    expect(b).toMatchObject({ ok: true, unlocked: true, student: 'Turid Test', supervisor: 'Gurli Test' });
  });

  it('reads the passphrase from a file, stripping one trailing newline', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'pass');
    fs.writeFileSync(file, `${PASS}\n`);
    const vault = await init();
    const io = fakeIo();
    expect(await run(['verify', vault, '--passphrase-file', file], io, fast)).toBe(EXIT.ok);
    expect(io.stdout.join('')).toMatch(/^ok:/);
  });

  it('wrong passphrase exits 3, integrity failure 4, usage 2', async () => {
    const vault = await init();
    expect(await run(['verify', vault], fakeIo({ HVELV_PASSPHRASE: 'not the right one' }), fast)).toBe(EXIT.wrongPassphrase);
    expect(await run(['verify'], fakeIo({ HVELV_PASSPHRASE: PASS }), fast)).toBe(EXIT.usage);
    expect(await run(['init', vault, '--title', 'x'], fakeIo({ HVELV_PASSPHRASE: PASS }), fast)).toBe(EXIT.usage);
    expect(await run(['status', vault, '--bogus'], fakeIo(), fast)).toBe(EXIT.usage);
    // Without a terminal and without a passphrase source: a usage error, not a hang.
    const noSecret = fakeIo();
    expect(await run(['verify', vault], noSecret, fast)).toBe(EXIT.usage);
    expect(noSecret.stderr.join('')).toMatch(/HVELV_PASSPHRASE/);

    const db = new Database(storeDbPath(vault, 'audit'));
    db.prepare("UPDATE entries SET action = 'vault.deleted' WHERE seq = 1").run();
    db.close();
    const io = fakeIo({ HVELV_PASSPHRASE: PASS });
    expect(await run(['audit', 'verify', vault, '--json'], io, fast)).toBe(EXIT.integrity);
    expect(JSON.parse(io.stdout.join(''))).toMatchObject({ ok: false, problems: [expect.stringMatching(/entry 1 was altered/)] });
    expect(await run(['verify', vault], fakeIo({ HVELV_PASSPHRASE: PASS }), fast)).toBe(EXIT.integrity);
  });

  it('refuses an end date that has passed and a short passphrase, creating nothing', async () => {
    const parent = tempDir();
    const io = fakeIo({ HVELV_PASSPHRASE: PASS });
    expect(await run(['init', path.join(parent, 'a'), '--title', 'T', '--end-date', '2020-01-01'], io, fast)).toBe(EXIT.usage);
    expect(io.stderr.join('')).toMatch(/after today/);
    expect(await run(['init', path.join(parent, 'b'), '--title', 'T', '--end-date', '2027-02-30'], fakeIo({ HVELV_PASSPHRASE: PASS }), fast)).toBe(EXIT.usage);
    expect(await run(['init', path.join(parent, 'c'), '--title', 'T', '--end-date', '2027-01-01'], fakeIo({ HVELV_PASSPHRASE: 'short' }), fast)).toBe(EXIT.usage);
    expect(fs.readdirSync(parent)).toEqual([]);
  });

  it('speaks Norwegian when the system locale is Norwegian', async () => {
    const vault = await init();
    const io = fakeIo({ HVELV_PASSPHRASE: 'feil passfrase her', LANG: 'nb_NO.UTF-8' });
    expect(await run(['verify', vault], io, fast)).toBe(EXIT.wrongPassphrase);
    expect(io.stderr.join('')).toMatch(/Feil passfrase/);
  });

  it('audit list shows the entries with codes', async () => {
    const vault = await init();
    const io = fakeIo({ HVELV_PASSPHRASE: PASS });
    expect(await run(['audit', 'list', vault, '--json'], io, fast)).toBe(EXIT.ok);
    const out = JSON.parse(io.stdout.join('')) as { entries: { action: string }[] };
    expect(out.entries.map((e) => e.action)).toEqual(['vault.created']);
  });
});

describe('the installed command (bin/hvelv.js, production key derivation)', () => {
  it('runs as `hvelv`: --help documents the exit codes; init, status --json and a wrong passphrase', () => {
    const bin = path.join(ROOT, 'bin', 'hvelv.js');
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/3 +wrong passphrase/);
    expect(help.stdout).toMatch(/4 +integrity failure/);

    const vault = path.join(tempDir(), 'real');
    const env = { ...process.env, HVELV_PASSPHRASE: PASS, LANG: 'C' };
    const made = spawnSync(process.execPath, [bin, 'init', vault, '--title', 'Ekte', '--end-date', '2030-01-01', '--json'], { encoding: 'utf8', env });
    expect(made.status, made.stderr).toBe(0);
    const created = JSON.parse(made.stdout) as { kdf: { opslimit: number; memlimit: number } };
    expect(created.kdf.memlimit).toBeGreaterThanOrEqual(64 * 1024 * 1024);
    expect(created.kdf.opslimit).toBeGreaterThanOrEqual(3);

    const status = spawnSync(process.execPath, [bin, 'status', vault, '--json'], { encoding: 'utf8', env: { ...env, HVELV_PASSPHRASE: '' } });
    expect(status.status).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ ok: true, title: 'Ekte', endDate: '2030-01-01' });

    const wrong = spawnSync(process.execPath, [bin, 'verify', vault], { encoding: 'utf8', env: { ...env, HVELV_PASSPHRASE: 'definitely wrong' } });
    expect(wrong.status).toBe(3);
    expect(wrong.stderr).toMatch(/Wrong passphrase/);
  });
});

describe('the passphrase prompt', () => {
  it('reads from the terminal without echoing what is typed', async () => {
    const { spawn } = await import('node:child_process');
    const vault = path.join(tempDir(), 'prompt');
    // Made in process with the fast policy; the prompt is what is under test here.
    expect(await run(['init', vault, '--title', 'T', '--end-date', '2030-01-01'], fakeIo({ HVELV_PASSPHRASE: PASS }), fast)).toBe(EXIT.ok);
    // `script` gives the command a real pseudo-terminal, as a person at a terminal has.
    const env: NodeJS.ProcessEnv = { ...process.env, LANG: "C" };
    delete env.HVELV_PASSPHRASE;
    const child = spawn('script', ['-qec', `${process.execPath} ${path.join(ROOT, 'bin', 'hvelv.js')} status ${vault} --unlock --json`, '/dev/null'], { env });
    let out = '';
    let typed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString('utf8');
      if (!typed && out.includes('Passphrase:')) {
        typed = true;
        child.stdin.write('wrong but secret words\r');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(typed).toBe(true);
    expect(out).not.toContain('wrong but secret words');
    // The test vault uses the fast test KDF, which the installed command refuses:
    // proof that the command cannot be pointed at weak parameters by a vault file.
    expect(code).toBe(1);
    expect(out).toMatch(/UNSAFE_PARAMETERS/);
  });
});

describe('participants from the command line', () => {
  it('add prints the code; list hides identities unless --reveal; consent, withdraw (preview, then --yes), access-request', async () => {
    const other = await init(undefined, ['--code-prefix', 'JS']);
    const js = fakeIo({ HVELV_PASSPHRASE: PASS });
    expect(await run(['participant', 'add', other, '--name', 'X'], js, fast)).toBe(EXIT.ok);
    expect(js.stdout.join('')).toBe('JS01');
    const vault = await init();
    const env = { HVELV_PASSPHRASE: PASS };
    const add = fakeIo(env);
    expect(await run(['participant', 'add', vault, '--name', 'Ola Testesen', '--email', 'ola@example.no', '--json'], add, fast)).toBe(EXIT.ok);
    expect(JSON.parse(add.stdout.join(''))).toEqual({ code: 'P01' });

    const list = fakeIo(env);
    expect(await run(['participant', 'list', vault, '--json'], list, fast)).toBe(EXIT.ok);
    expect(list.stdout.join('')).not.toContain('Ola');
    expect(JSON.parse(list.stdout.join('')).participants).toMatchObject([{ code: 'P01', status: 'active', consent: null }]);
    const revealed = fakeIo(env);
    expect(await run(['participant', 'list', vault, '--reveal', '--json'], revealed, fast)).toBe(EXIT.ok);
    expect(JSON.parse(revealed.stdout.join('')).participants[0].identity.name).toBe('Ola Testesen');

    const dup = fakeIo(env);
    expect(await run(['participant', 'add', vault, '--name', 'Another', '--email', 'OLA@example.no'], dup, fast)).toBe(EXIT.other);
    expect(dup.stderr.join('')).toMatch(/already exists/);

    expect(await run(['consent', 'record', vault, 'P01', '--date', '2026-11-30', '--form-version', '1', '--unfinished-letter'], fakeIo(env), fast)).toBe(EXIT.usage);
    // The generated letter still has [fields]: refused unless the student says so.
    const unfinished = fakeIo(env);
    expect(await run(['consent', 'record', vault, 'P01', '--date', '2026-11-20', '--form-version', '1'], unfinished, fast)).toBe(EXIT.other);
    expect(unfinished.stderr.join('')).toMatch(/\[hakeparentes\]|\[brackets\]/);
    const consent = fakeIo(env);
    expect(await run(['consent', 'record', vault, 'P01', '--date', '2026-11-20', '--form-version', '1', '--unfinished-letter', '--statement', 'participate', '--statement', 'processing-until-end', '--json'], consent, fast)).toBe(EXIT.ok);
    expect(JSON.parse(consent.stdout.join('')).consent.statements).toEqual(['participate', 'processing-until-end']);

    const preview = fakeIo(env);
    expect(await run(['withdraw', vault, 'P01'], preview, fast)).toBe(EXIT.usage);
    expect(preview.stderr.join('')).toMatch(/Nothing was changed/);

    const out = tempDir();
    const access = fakeIo(env);
    expect(await run(['access-request', vault, 'P01', '--out', out, '--json'], access, fast)).toBe(EXIT.ok);
    expect(JSON.parse(access.stdout.join('')).files).toContain('identity.json');

    const receipt = path.join(out, 'kvittering.html');
    const w = fakeIo({ ...env, LANG: 'nb_NO.UTF-8' });
    expect(await run(['withdraw', vault, 'P01', '--yes', '--date', '2026-11-25', '--receipt', receipt, '--json'], w, fast)).toBe(EXIT.ok);
    expect(JSON.parse(w.stdout.join('')).receipt).toMatchObject({ code: 'P01', withdrawnOn: '2026-11-25', counts: { identity: 1, consent: 1 } });
    const html = fs.readFileSync(receipt, 'utf8');
    expect(html).toContain('Kvittering for tilbaketrukket samtykke');
    expect(html).not.toContain('Ola');

    const again = fakeIo(env);
    expect(await run(['participant', 'show', vault, 'P01'], again, fast)).toBe(EXIT.ok);
    expect(again.stdout.join('\n')).toMatch(/P01 \(withdrawn\)/);
    expect(await run(['withdraw', vault, 'P01', '--yes'], fakeIo(env), fast)).toBe(EXIT.other);
    const next = fakeIo(env);
    expect(await run(['participant', 'add', vault, '--name', 'Ny'], next, fast)).toBe(EXIT.ok);
    expect(next.stdout.join('')).toBe('P02');
  });
});

describe('recordings and transcripts from the command line', () => {
  it('audio import|list|export|delete and transcript import|list|export|delete', async () => {
    const vault = await init();
    const env = { HVELV_PASSPHRASE: PASS };
    await run(['participant', 'add', vault, '--name', 'Lyd'], fakeIo(env), fast);
    await run(['participant', 'add', vault, '--name', 'Uten'], fakeIo(env), fast);
    await run(['consent', 'record', vault, 'P01', '--date', '2026-11-20', '--form-version', '1', '--unfinished-letter'], fakeIo(env), fast);
    const dir = tempDir();
    const wav = path.join(dir, 'intervju.wav');
    const original = makeWav(wav, 3, 21);

    const refused = fakeIo(env);
    expect(await run(['audio', 'import', vault, 'P02', wav], refused, fast)).toBe(EXIT.other);
    expect(refused.stderr.join('')).toMatch(/has not given consent/);

    const imp = fakeIo(env);
    expect(await run(['audio', 'import', vault, 'P01', wav, '--json'], imp, fast)).toBe(EXIT.ok);
    const id = JSON.parse(imp.stdout.join('')).recording.id as string;
    const list = fakeIo(env);
    expect(await run(['audio', 'list', vault, '--json'], list, fast)).toBe(EXIT.ok);
    expect(JSON.parse(list.stdout.join('')).recordings).toEqual([
      { id, code: 'P01', durationS: 3, codec: 'PCM', format: 'wav', size: original.length, sha256: createHash('sha256').update(original).digest('hex') },
    ]);
    const out = path.join(dir, 'ut.wav');
    expect(await run(['audio', 'export', vault, id, '--out', out], fakeIo(env), fast)).toBe(EXIT.ok);
    expect(fs.readFileSync(out).equals(original)).toBe(true);

    // verify decrypts every recording end to end: one flipped byte in a blob is reported.
    expect(await run(['verify', vault], fakeIo(env), fast)).toBe(EXIT.ok);
    const blob = listFiles(vault).find((f) => f.endsWith('.hvr'))!;
    const bytes = fs.readFileSync(blob);
    bytes[100]! ^= 1;
    fs.writeFileSync(blob, bytes);
    const bad = fakeIo(env);
    expect(await run(['verify', vault], bad, fast)).toBe(EXIT.integrity);
    expect(bad.stderr.join('')).toMatch(/recordings\/[0-9a-f]{32}: recording chunk 0 does not authenticate/);
    bytes[100]! ^= 1;
    fs.writeFileSync(blob, bytes);

    const txt = path.join(dir, 'JS01.txt');
    fs.writeFileSync(txt, '#00:00:01-0# I: Hei.\n#00:00:02-5# B: Hei.\n');
    const ti = fakeIo(env);
    expect(await run(['transcript', 'import', vault, 'P01', txt, '--json'], ti, fast)).toBe(EXIT.ok);
    const tid = JSON.parse(ti.stdout.join('')).transcript.id as string;
    expect(JSON.parse(ti.stdout.join('')).transcript.recordingId).toBe(id);
    const docx = path.join(dir, 'ut.docx');
    expect(await run(['transcript', 'export', vault, tid, '--out', docx], fakeIo(env), fast)).toBe(EXIT.ok);
    expect(fs.readFileSync(docx).subarray(0, 2).toString('latin1')).toBe('PK');
    expect(await run(['transcript', 'delete', vault, tid], fakeIo(env), fast)).toBe(EXIT.usage);
    expect(await run(['transcript', 'delete', vault, tid, '--yes'], fakeIo(env), fast)).toBe(EXIT.ok);

    expect(await run(['audio', 'import', vault, 'P01', wav, '--delete-original'], fakeIo(env), fast)).toBe(EXIT.other); // duplicate
    expect(fs.existsSync(wav)).toBe(true);
    expect(await run(['audio', 'delete', vault, id, '--yes'], fakeIo(env), fast)).toBe(EXIT.ok);
    expect(await run(['audio', 'import', vault, 'P01', wav, '--delete-original'], fakeIo(env), fast)).toBe(EXIT.ok);
    expect(fs.existsSync(wav)).toBe(false);
  });

  it('transcript check lists identifying details; deidentify shows, then with --yes replaces them with placeholders', async () => {
    const vault = await init();
    const env = { HVELV_PASSPHRASE: PASS, LANG: 'nb_NO.UTF-8' };
    await run(['participant', 'add', vault, '--name', 'Kari Nordmann', '--phone', '912 34 567', '--workplace', 'NAV Sandnes'], fakeIo(env), fast);
    await run(['consent', 'record', vault, 'P01', '--date', '2026-11-20', '--form-version', '1', '--unfinished-letter'], fakeIo(env), fast);
    const txt = path.join(tempDir(), 'P01.txt');
    fs.writeFileSync(txt, '#00:00:04-1# I: Velkommen.\n#00:00:12-6# B: Jeg er Kari, her på NAV Sandnes. Ring 91234567. Ola sier det samme.\n');
    const imp = fakeIo(env);
    await run(['transcript', 'import', vault, 'P01', txt], imp, fast);
    const id = imp.stdout.join('').trim();

    const check = fakeIo(env);
    expect(await run(['transcript', 'check', vault, id], check, fast)).toBe(EXIT.ok);
    expect(check.stdout).toEqual([
      'line    2  Navn           …ommen. #00:00:12-6# B: Jeg er [Kari], her på NAV Sandnes. Ring 912…',
      'line    2  Arbeidssted    …:12-6# B: Jeg er Kari, her på [NAV Sandnes]. Ring 91234567. Ola sier det …',
      'line    2  Telefon        …ari, her på NAV Sandnes. Ring [91234567]. Ola sier det samme. …',
      // A colleague the key list does not know, found by the name lists.
      'line    2  Navn           …å NAV Sandnes. Ring 91234567. [Ola] sier det samme. …',
    ]);
    // A term that is not among the findings cannot be kept, in the preview as with --yes.
    expect(await run(['transcript', 'deidentify', vault, id, '--keep', 'Hemmelig diagnose'], fakeIo(env), fast)).toBe(EXIT.usage);
    const dry = fakeIo(env);
    expect(await run(['transcript', 'deidentify', vault, id, '--keep', 'nav sandnes '], dry, fast)).toBe(EXIT.ok);
    expect(dry.stdout.at(-1)).toBe('nothing changed: add --yes to replace these');
    expect(await run(['transcript', 'deidentify', vault, id, '--keep', 'nav sandnes', '--yes'], fakeIo(env), fast)).toBe(EXIT.ok);
    const out = path.join(tempDir(), 'ut.txt');
    expect(await run(['transcript', 'export', vault, id, '--out', out], fakeIo(env), fast)).toBe(EXIT.ok);
    expect(fs.readFileSync(out, 'utf8')).toBe('#00:00:04-1# I: Velkommen.\n#00:00:12-6# B: Jeg er [navn], her på NAV Sandnes. Ring [telefon]. [navn] sier det samme.\n');
    const again = fakeIo(env);
    expect(await run(['transcript', 'check', vault, id, '--json'], again, fast)).toBe(EXIT.ok);
    expect(JSON.parse(again.stdout.join(''))).toMatchObject({ ok: true, findings: [], keyListUsed: true, kept: ['nav sandnes'], lastWithKeyList: { unresolved: 0 } });
    const nothing = fakeIo(env);
    expect(await run(['transcript', 'deidentify', vault, id, '--yes'], nothing, fast)).toBe(EXIT.ok);
    expect(nothing.stdout).toEqual(['nothing to replace']);
  });

  it('a process killed in the middle of an import leaves no recording and no plaintext; the next open cleans up', async () => {
    const { spawn } = await import('node:child_process');
    const vault = path.join(tempDir(), 'crash');
    const env = { HVELV_PASSPHRASE: PASS };
    // A vault made with the production KDF, since the installed command accepts only that.
    const made = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'hvelv.js'), 'init', vault, '--title', 'Krasj', '--end-date', '2030-01-01'], { env: { ...process.env, ...env } });
    expect(made.status, made.stderr.toString()).toBe(0);
    spawnSync(process.execPath, [path.join(ROOT, 'bin', 'hvelv.js'), 'participant', 'add', vault, '--name', 'Krasj Testesen'], { env: { ...process.env, ...env } });
    spawnSync(process.execPath, [path.join(ROOT, 'bin', 'hvelv.js'), 'consent', 'record', vault, 'P01', '--date', '2026-11-20', '--form-version', '1', '--unfinished-letter'], { env: { ...process.env, ...env } });
    const big = path.join(tempDir(), 'stor.wav');
    const original = makeWav(big, 900, 33); // ~29 MB
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'hvelv.js'), 'audio', 'import', vault, 'P01', big], { env: { ...process.env, ...env } });
    const blobs = path.join(vault, 'recordings', 'blobs');
    // Kill it hard once the encrypted copy has started to grow.
    const started = Date.now();
    while (Date.now() - started < 30_000) {
      const partial = fs.existsSync(blobs) ? fs.readdirSync(blobs).filter((f) => f.endsWith('.partial')) : [];
      if (partial.length > 0 && fs.statSync(path.join(blobs, partial[0]!)).size > 1_000_000) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    // What was left is ciphertext only: no run of the audio is in it.
    // (The killed process's lock stays as a symbolic link whose target is its pid and purpose,
    // and points at no file: nothing to read there.)
    const left = listFiles(vault).filter((f) => !fs.lstatSync(f).isSymbolicLink());
    expect(fs.readlinkSync(path.join(vault, 'hvelv.lock'))).toMatch(/^\d+ session \d+ #[0-9a-f]{8}$/);
    for (const f of left) expect(fs.readFileSync(f).includes(original.subarray(500_000, 500_064)), f).toBe(false);
    const list = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'hvelv.js'), 'audio', 'list', vault, '--json'], { env: { ...process.env, ...env } });
    expect(JSON.parse(list.stdout.toString())).toEqual({ ok: true, recordings: [] });
    expect(fs.readdirSync(blobs)).toEqual([]);
  });
});

describe('an export cut short', () => {
  it('a process killed while exporting leaves plaintext under a hidden name; the next open overwrites and removes it', async () => {
    const { spawn } = await import('node:child_process');
    const env = { ...process.env, HVELV_PASSPHRASE: PASS };
    const cli = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'hvelv.js'), ...args], { env });
    const vault = path.join(tempDir(), 'export-crash');
    expect(cli(['init', vault, '--title', 'Eksport', '--end-date', '2030-01-01']).status).toBe(0);
    cli(['participant', 'add', vault, '--name', 'Eksport Testesen']);
    cli(['consent', 'record', vault, 'P01', '--date', '2026-11-20', '--form-version', '1', '--unfinished-letter']);
    // A 256 MiB WAV of a repeated random block: long enough to kill the export part way.
    const wav = path.join(tempDir(), 'lang.wav');
    const block = randomBytes(1024 * 1024);
    const dataLen = 256 * 1024 * 1024;
    const head = makeWav(path.join(tempDir(), 'head.wav'), 0.001, 1, 48000).subarray(0, 44);
    head.writeUInt32LE(36 + dataLen, 4);
    head.writeUInt32LE(dataLen, 40);
    const fd = fs.openSync(wav, 'w');
    fs.writeSync(fd, head);
    for (let i = 0; i < 256; i++) fs.writeSync(fd, block);
    fs.closeSync(fd);
    expect(cli(['audio', 'import', vault, 'P01', wav]).status).toBe(0);
    const id = (JSON.parse(cli(['audio', 'list', vault, '--json']).stdout.toString()) as { recordings: { id: string }[] }).recordings[0]!.id;

    const outDir = tempDir();
    const out = path.join(outDir, 'P01.wav');
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'hvelv.js'), 'audio', 'export', vault, id, '--out', out], { env });
    const partial = `${out}.partial-${child.pid}`;
    const started = Date.now();
    while (Date.now() - started < 30_000) {
      if (fs.existsSync(partial) && fs.statSync(partial).size > 4 * 1024 * 1024) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.on('close', r));
    // The hazard: plaintext audio under a name the user never sees.
    expect(fs.readFileSync(partial).includes(block.subarray(1000, 1064))).toBe(true);

    // Any open of the vault cleans it up.
    expect(cli(['audio', 'list', vault]).status).toBe(0);
    expect(fs.readdirSync(outDir)).toEqual([]);
    const audit = JSON.parse(cli(['audit', 'list', vault, '--json']).stdout.toString()) as { entries: { action: string; details?: Record<string, unknown> }[] };
    expect(audit.entries.filter((e) => e.action === 'export.leftovers-removed').map((e) => e.details)).toEqual([{ count: 1 }]);
    // Eight commands, each paying the production key derivation: on a loaded two-core
    // machine that passes a minute. A guard against hanging, not a speed goal.
  }, 180_000);
});

// A small file system of its own (tmpfs in a private mount namespace: no root needed
// where unprivileged user namespaces are allowed, as on Linux CI machines here).
const canMountSmall = process.platform === 'linux' && spawnSync('unshare', ['-rm', 'true']).status === 0;

describe('a full disk', () => {
  it.skipIf(!canMountSmall)('an import that fills the disk says so, stores nothing and leaves no partial file; the vault still verifies', () => {
    const vault = path.join(tempDir(), 'full');
    const env = { ...process.env, HVELV_PASSPHRASE: PASS };
    const cli = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'hvelv.js'), ...args], { env });
    expect(cli(['init', vault, '--title', 'Full disk', '--end-date', '2030-01-01']).status).toBe(0);
    cli(['participant', 'add', vault, '--name', 'Full Testesen']);
    cli(['consent', 'record', vault, 'P01', '--date', '2026-11-20', '--form-version', '1', '--unfinished-letter']);
    const wav = path.join(tempDir(), 'stor.wav');
    makeWav(wav, 900, 33); // ~29 MB, far more than the room left
    const vaultBytes = listFiles(vault).reduce((n, f) => n + fs.statSync(f).size, 0);
    const small = path.join(tempDir(), 'small');
    fs.mkdirSync(small);
    // Room for the vault and a few MiB: the import runs out part way.
    const room = Math.ceil((vaultBytes + 6 * 1024 * 1024) / 4096) * 4096;
    const node = JSON.stringify(process.execPath);
    const bin = JSON.stringify(path.join(ROOT, 'bin', 'hvelv.js'));
    const v = JSON.stringify(path.join(small, 'v'));
    const script = [
      'set -e',
      `mount -t tmpfs -o size=${room} tmpfs ${JSON.stringify(small)}`,
      `cp -a ${JSON.stringify(vault)} ${v}`,
      'set +e',
      `${node} ${bin} audio import ${v} P01 ${JSON.stringify(wav)} --json; echo "exit=$?"`,
      `${node} ${bin} audio list ${v} --json`,
      `ls -A ${v}/recordings/blobs 2>/dev/null | sed 's/^/left: /'`,
      `${node} ${bin} verify ${v} --json; echo "verify=$?"`,
    ].join('\n');
    const r = spawnSync('unshare', ['-rm', 'sh', '-c', script], { env });
    const out = r.stdout.toString();
    expect(r.status, r.stderr.toString()).toBe(0);
    const lines = out.trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } });
    expect(lines[1]).toBe(`exit=${EXIT.other}`);
    expect(JSON.parse(lines[2]!)).toEqual({ ok: true, recordings: [] });
    expect(lines.filter((l) => l.startsWith('left: '))).toEqual([]);
    expect(JSON.parse(lines.at(-2)!)).toMatchObject({ ok: true });
    expect(lines.at(-1)).toBe('verify=0');
  });
});

describe('project end from the command line', () => {
  it('enforce without a passphrase; deadline show and extend; --now only forward', async () => {
    const vault = await init();
    const noSecret = fakeIo();
    expect(await run(['enforce', vault, '--json'], noSecret, fast)).toBe(EXIT.ok);
    expect(JSON.parse(noSecret.stdout.join(''))).toMatchObject({ ok: true, due: false, daysLeft: 184, destroyedNow: [] });
    expect(await run(['enforce', vault, '--now', '2027-13-01'], fakeIo(), fast)).toBe(EXIT.usage);

    const env = { HVELV_PASSPHRASE: PASS };
    expect(await run(['deadline', 'extend', vault, '--to', '2027-08-01'], fakeIo(env), fast)).toBe(EXIT.usage);
    expect(await run(['deadline', 'extend', vault, '--to', '2027-08-01', '--reason', 'Forsinket', '--sikt-ref', '778899', '--sikt-date', '2026-11-20'], fakeIo(env), fast)).toBe(EXIT.ok);
    const show = fakeIo();
    expect(await run(['deadline', 'show', vault, '--json'], show, fast)).toBe(EXIT.ok);
    expect(JSON.parse(show.stdout.join(''))).toMatchObject({ endDate: '2027-08-01', history: [{ from: '2027-05-30', to: '2027-08-01', siktRef: '778899' }] });

    // --now alone previews (second round of attacks: "for previews" destroyed for real).
    const preview = fakeIo();
    expect(await run(['enforce', vault, '--now', '2027-08-01', '--json'], preview, fast)).toBe(EXIT.ok);
    expect(JSON.parse(preview.stdout.join(''))).toMatchObject({ due: true, destroyedNow: [], wouldDestroy: ['keylist', 'recordings'] });
    const kept = fakeIo();
    expect(await run(['status', vault, '--json'], kept, fast)).toBe(EXIT.ok);
    expect(JSON.parse(kept.stdout.join('')).stores).toMatchObject({ keylist: 'present', recordings: 'present' });
    const due = fakeIo();
    expect(await run(['enforce', vault, '--now', '2027-08-01', '--yes', '--json'], due, fast)).toBe(EXIT.ok);
    expect(JSON.parse(due.stdout.join(''))).toMatchObject({ due: true, destroyedNow: ['keylist', 'recordings'] });
    const status = fakeIo();
    expect(await run(['status', vault, '--json'], status, fast)).toBe(EXIT.ok);
    expect(JSON.parse(status.stdout.join('')).stores).toEqual({ keylist: 'destroyed', recordings: 'destroyed', transcripts: 'present', audit: 'present' });
  });

  it('schedule: systemd user units (checked as text, and by systemd-analyze where present); launchd and Task Scheduler generated', async () => {
    const vault = await init();
    const xdg = tempDir();
    const io = fakeIo({ XDG_CONFIG_HOME: xdg });
    expect(await run(['schedule', 'install', vault, '--platform', 'linux', '--json'], io, fast)).toBe(EXIT.ok);
    const res = JSON.parse(io.stdout.join('')) as { files: string[] | { path: string }[] };
    const unitDir = path.join(xdg, 'systemd', 'user');
    const names = fs.readdirSync(unitDir).sort();
    expect(names).toHaveLength(2);
    expect(names[0]).toMatch(/^hvelv-enforce-[0-9a-f]{12}\.service$/);
    expect(names[1]).toMatch(/^hvelv-enforce-[0-9a-f]{12}\.timer$/);
    expect(res.files.length).toBe(2);
    const service = fs.readFileSync(path.join(unitDir, names[0]!), 'utf8');
    const timer = fs.readFileSync(path.join(unitDir, names[1]!), 'utf8');
    const header = JSON.parse(fs.readFileSync(path.join(vault, 'hvelv-vault.json'), 'utf8')) as { body: { owner: { signPublicKey: string } } };
    expect(service).toContain('Type=oneshot');
    expect(service).toMatch(new RegExp(`ExecStart=".*" ".*" "enforce" "${vault.replace(/[/.]/g, '\\$&')}" "--owner-key" "${header.body.owner.signPublicKey.replace(/[+/=]/g, '\\$&')}"`));
    expect(timer).toMatch(/OnCalendar=daily/);
    expect(timer).toMatch(/Persistent=true/);
    expect(timer).toMatch(/WantedBy=timers.target/);
    const analyze = spawnSync('systemd-analyze', ['verify', path.join(unitDir, names[0]!), path.join(unitDir, names[1]!)], { encoding: 'utf8' });
    if (!analyze.error) expect(analyze.status, analyze.stderr).toBe(0);

    const st = fakeIo({ XDG_CONFIG_HOME: xdg });
    expect(await run(['schedule', 'status', vault, '--json'], st, fast)).toBe(EXIT.ok);
    expect(JSON.parse(st.stdout.join(''))).toMatchObject({ installed: true });
    expect(await run(['schedule', 'remove', vault], fakeIo({ XDG_CONFIG_HOME: xdg }), fast)).toBe(EXIT.ok);
    expect(fs.readdirSync(unitDir)).toEqual([]);

    const mac = fakeIo();
    expect(await run(['schedule', 'install', vault, '--platform', 'darwin'], mac, fast)).toBe(EXIT.ok);
    expect(mac.stdout.join('\n')).toMatch(/<key>ProgramArguments<\/key>[\s\S]*<string>enforce<\/string>[\s\S]*StartCalendarInterval/);
    const win = fakeIo();
    expect(await run(['schedule', 'install', vault, '--platform', 'win32'], win, fast)).toBe(EXIT.ok);
    expect(win.stdout.join('\n')).toMatch(/<CalendarTrigger>[\s\S]*<Arguments>.*enforce.*--owner-key/);
  });
});
