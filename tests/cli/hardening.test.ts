/** Issue 14's trials at the command line: each failed on the code before its fix. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run, EXIT, HELP } from '../../electron/cli/index';
import { testIo, type TestIo } from './io';
import { api as METHODS } from '@shared/contract';
import { makeWav, tempDir, TEST_KDF_POLICY, TEST_KDF } from '../core/helpers';
import { textToDocx } from '../../electron/core/services/transcripts/formats';
import { fillToTheLastByte } from '../core/full-disk';

const fakeIo = (env: Record<string, string | undefined> = {}): TestIo => testIo(env);

const PASS = 'cli test passphrase here';
const env = { HVELV_PASSPHRASE: PASS };
const fast = { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } };

async function init(): Promise<string> {
  const vault = path.join(tempDir(), 'v');
  const io = fakeIo(env);
  expect(await run(['init', vault, '--title', 'Relasjonsarbeid', '--end-date', '2027-05-30'], io, fast), io.stderr.join('\n')).toBe(EXIT.ok);
  return vault;
}

async function participantWithConsent(vault: string): Promise<void> {
  expect(await run(['participant', 'add', vault, '--name', 'Ola Nordmann'], fakeIo(env), fast)).toBe(EXIT.ok);
  expect(await run(['consent', 'record', vault, 'P01', '--date', '2026-11-20', '--form-version', '1', '--unfinished-letter'], fakeIo(env), fast)).toBe(EXIT.ok);
}

describe('--now takes ISO 8601 date-times too', () => {
  it('2031-06-29T12:00:00Z and an offset form are accepted; nonsense and a date-time without a real date are not', async () => {
    const vault = await init();
    const io = fakeIo();
    expect(await run(['enforce', vault, '--now', '2027-05-29T23:30:00+02:00', '--json'], io, fast), io.stderr.join('')).toBe(EXIT.ok);
    expect(JSON.parse(io.stdout.join(''))).toMatchObject({ due: false });
    const due = fakeIo();
    expect(await run(['enforce', vault, '--now', '2031-06-29T12:00:00Z', '--json'], due, fast), due.stderr.join('')).toBe(EXIT.ok);
    expect(JSON.parse(due.stdout.join(''))).toMatchObject({ due: true, effectiveDate: '2031-06-29' });
    for (const bad of ['2031-02-30T12:00:00Z', '2031-06-29T25:00:00Z', 'i morgen', '2031-06-29 12:00']) {
      expect(await run(['enforce', vault, '--now', bad], fakeIo(), fast), bad).toBe(EXIT.usage);
    }
  });
});

describe('--out DIR is made when its parent exists', () => {
  it('access-request into a folder that does not exist yet; a missing parent is still refused; --help says so', async () => {
    const vault = await init();
    await participantWithConsent(vault);
    const out = path.join(tempDir(), 'innsyn-2026');
    const io = fakeIo(env);
    expect(await run(['access-request', vault, 'P01', '--out', out, '--json'], io, fast), io.stderr.join('')).toBe(EXIT.ok);
    expect(JSON.parse(io.stdout.join('')).folder.startsWith(out + path.sep)).toBe(true);
    expect(fs.statSync(out).isDirectory()).toBe(true);

    const deep = path.join(tempDir(), 'finnes-ikke', 'heller-ikke');
    expect(await run(['access-request', vault, 'P01', '--out', deep], fakeIo(env), fast)).not.toBe(EXIT.ok);
    expect(fs.existsSync(path.dirname(deep))).toBe(false);
    expect(HELP).toMatch(/--out DIR[^\n]*\n[^\n]*(created|made)/);
  });

  it('a wrong passphrase leaves no folder behind', async () => {
    const vault = await init();
    await participantWithConsent(vault);
    const out = path.join(tempDir(), 'ny');
    expect(await run(['access-request', vault, 'P01', '--out', out], fakeIo({ HVELV_PASSPHRASE: 'feil passfrase her' }), fast)).toBe(EXIT.wrongPassphrase);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe('verify reports a damaged clock.json', () => {
  it('a byte flipped in clock.json is a warning in the report, not a failure and not silence', async () => {
    const vault = await init();
    expect(await run(['enforce', vault], fakeIo(), fast)).toBe(EXIT.ok);
    const clock = path.join(vault, 'clock.json');
    const bytes = fs.readFileSync(clock);
    bytes[5] = bytes[5]! ^ 0x20;
    fs.writeFileSync(clock, bytes);
    const json = fakeIo(env);
    expect(await run(['verify', vault, '--json'], json, fast)).toBe(EXIT.ok);
    expect(JSON.parse(json.stdout.join(''))).toMatchObject({ ok: true, problems: [], warnings: [expect.stringMatching(/clock\.json/)] });
    const text = fakeIo({ ...env, LANG: 'nb_NO.UTF-8' });
    expect(await run(['verify', vault], text, fast)).toBe(EXIT.ok);
    expect(text.stderr.join('\n')).toMatch(/clock\.json kan ikke leses/);
  });

  it('an intact clock.json gives no warning', async () => {
    const vault = await init();
    expect(await run(['enforce', vault], fakeIo(), fast)).toBe(EXIT.ok);
    const json = fakeIo(env);
    expect(await run(['verify', vault, '--json'], json, fast)).toBe(EXIT.ok);
    expect(JSON.parse(json.stdout.join('')).warnings).toEqual([]);
  });
});

describe('vault paths and the daily job', () => {
  it('a vault path with a newline (or any control character) is refused by the CLI and by the IPC contract', async () => {
    const base = tempDir();
    for (const bad of [path.join(base, 'studie\nExecStartPre=/bin/rm'), path.join(base, 'tab\there'), path.join(base, 'esc\u001bx')]) {
      const io = fakeIo(env);
      expect(await run(['init', bad, '--title', 'T', '--end-date', '2027-05-30', '--json'], io, fast)).toBe(EXIT.usage);
      expect(fs.existsSync(bad)).toBe(false);
      expect(METHODS['vault.create'].input.safeParse({ path: bad, passphrase: 'x', project: {} }).error?.issues.some((i) => i.path[0] === 'path')).toBe(true);
      expect(METHODS['vault.unlock'].input.safeParse({ path: bad, passphrase: 'x' }).success).toBe(false);
    }
    expect(METHODS['vault.unlock'].input.safeParse({ path: path.join(base, 'Min studie (2026) – æøå'), passphrase: 'x' }).success).toBe(true);
  });

  it('a vault moved to a path with %, $, quotes, backslashes and a newline still gets a unit systemd accepts, naming that path', async () => {
    const vault = await init();
    const odd = path.join(tempDir(), 'a "b" \\c %h $HOME ; d\nx');
    fs.renameSync(vault, odd);
    const xdg = tempDir();
    const io = fakeIo({ XDG_CONFIG_HOME: xdg });
    expect(await run(['schedule', 'install', odd, '--platform', 'linux', '--dry-run', '--json'], io, fast), io.stderr.join('')).toBe(EXIT.ok);
    const { files } = JSON.parse(io.stdout.join('')) as { files: { path: string; content: string }[] };
    const dir = tempDir();
    for (const f of files) fs.writeFileSync(path.join(dir, path.basename(f.path)), f.content);
    const service = files.find((f) => f.path.endsWith('.service'))!.content;
    expect(service.split('\n').filter((l) => l.startsWith('ExecStart='))).toHaveLength(1);
    const analyze = spawnSync('systemd-analyze', ['verify', ...files.map((f) => path.join(dir, path.basename(f.path)))], { encoding: 'utf8' });
    expect(analyze.error).toBeUndefined();
    expect(analyze.status, analyze.stderr).toBe(0);
    expect(analyze.stderr).not.toMatch(/Unbalanced|Ignoring|invalid/i);
    expect(unquoteSystemdWords(/^ExecStart=(.*)$/m.exec(service)![1]!)).toContain(odd);
  });

  it('schedule status reports a unit that systemd rejects', async () => {
    const vault = await init();
    const xdg = tempDir();
    expect(await run(['schedule', 'install', vault, '--platform', 'linux', '--json'], fakeIo({ XDG_CONFIG_HOME: xdg }), fast)).toBe(EXIT.ok);
    const unitDir = path.join(xdg, 'systemd', 'user');
    const ok = fakeIo({ XDG_CONFIG_HOME: xdg });
    expect(await run(['schedule', 'status', vault, '--json'], ok, fast)).toBe(EXIT.ok);
    expect(JSON.parse(ok.stdout.join(''))).toMatchObject({ installed: true, unit: 'valid' });
    const service = fs.readdirSync(unitDir).find((n) => n.endsWith('.service'))!;
    // What the unquoted newline used to do: the path splits the ExecStart line in two.
    const text = fs.readFileSync(path.join(unitDir, service), 'utf8').replace(/ExecStart=("[^"]*") "/, 'ExecStart=$1 "/tmp/a\nb ');
    fs.writeFileSync(path.join(unitDir, service), text);
    const bad = fakeIo({ XDG_CONFIG_HOME: xdg });
    expect(await run(['schedule', 'status', vault, '--json'], bad, fast)).not.toBe(EXIT.ok);
    expect(JSON.parse(bad.stdout.join(''))).toMatchObject({ installed: true, unit: 'rejected', problem: expect.stringMatching(/quot|ExecStart|bad/i) });
    const human = fakeIo({ XDG_CONFIG_HOME: xdg });
    await run(['schedule', 'status', vault], human, fast);
    expect(human.stdout.join('\n') + human.stderr.join('\n')).toMatch(/systemd rejects/);
  });
});

/** systemd's own reading of a quoted command line: words in double quotes, C escapes, %% and $$. */
function unquoteSystemdWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/"((?:[^"\\]|\\.)*)"/g)) {
    words.push(
      m[1]!
        .replace(/\\x([0-9a-f]{2})|\\(.)/gi, (_s, hex: string | undefined, c: string) => (hex ? String.fromCharCode(parseInt(hex, 16)) : ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[c] ?? c))
        .replace(/%%/g, '%')
        .replace(/\$\$/g, '$'),
    );
  }
  return words;
}

describe('start-up: --help and enforce with nothing due load only what they need', () => {
  const ROOT = path.join(import.meta.dirname, '..', '..');
  /**
   * Which of libsodium and SQLite a `hvelv` process loaded: module hooks note every
   * module resolved (ES and CommonJS alike) in a file, and require.cache is read at exit.
   */
  function loaded(args: string[]): { status: number | null; stdout: string; heavy: string[]; zod: boolean; catalogue: boolean; chunks: number } {
    const dir = tempDir();
    const log = path.join(dir, 'loaded.txt');
    fs.writeFileSync(log, '');
    const hooks = path.join(dir, 'hooks.mjs');
    fs.writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(s, c, next) { const r = await next(s, c); appendFileSync(${JSON.stringify(log)}, r.url + '\\n'); return r; }\n`);
    const setup = path.join(dir, 'setup.mjs');
    fs.writeFileSync(setup, `import { register } from 'node:module';\nimport { appendFileSync } from 'node:fs';\nimport { createRequire } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\nconst require = createRequire(import.meta.url);\nprocess.on('exit', () => appendFileSync(${JSON.stringify(log)}, Object.keys(require.cache).join('\\n') + '\\n'));\n`);
    const r = spawnSync(process.execPath, ['--import', pathToFileURL(setup).href, path.join(ROOT, 'bin', 'hvelv.js'), ...args], { encoding: 'utf8', env: { ...process.env, HVELV_PASSPHRASE: '' } });
    const files = fs.readFileSync(log, 'utf8').split('\n');
    // Native and WebAssembly crypto, SQLite, the app's UI and document writers: none is for a command that opens nothing.
    const heavy = [...new Set(files.map((k) => /node_modules\/(libsodium[^/]*|better-sqlite3|react[^/]*|docx|music-metadata|@fugood[^/]*)\//.exec(k)?.[1]).filter((x): x is string => Boolean(x)))].sort();
    // zod and the string catalogue are bundled into out/main's chunks: what a loaded chunk
    // holds is named in its `// node_modules/zod/…` and `// shared/i18n/…` comments.
    const chunkFiles = [...new Set(files.filter((k) => k.startsWith('file:') && k.includes('/out/main/')))];
    const chunks = chunkFiles.map((k) => fs.readFileSync(fileURLToPath(k), 'utf8'));
    const zod = files.some((k) => /node_modules\/zod\//.test(k)) || chunks.some((c) => /^\/\/ node_modules\/zod\//m.test(c));
    const catalogue = chunks.some((c) => /^\/\/ shared\/i18n\/catalogue\.ts$/m.test(c));
    return { status: r.status, stdout: r.stdout, heavy, zod, catalogue, chunks: chunkFiles.length };
  }

  it('hvelv --help loads neither libsodium nor SQLite, zod, React nor the string catalogue', () => {
    const r = loaded(['--help']);
    expect(r.status).toBe(0);
    expect(r.heavy).toEqual([]);
    expect(r.zod).toBe(false);
    expect(r.catalogue).toBe(false);
    // Each ES module file costs a resolve, read, compile and link: the entry, the command's own chunk and errors.ts.
    expect(r.chunks).toBeLessThanOrEqual(3);
  });

  it('hvelv enforce on a vault with nothing due checks the signed header without libsodium or SQLite', async () => {
    const vault = await init();
    const r = loaded(['enforce', vault, '--json']);
    expect(r.status, r.stdout).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, due: false });
    expect(r.heavy).toEqual([]);
    // The entry, the command's chunk, errors.ts, and enforce's (with the header, lock and clock code) and its facade: 5, not the 12 of separate chunks.
    expect(r.chunks).toBeLessThanOrEqual(5);
  });

  it('hvelv enforce with nothing due does not load zod (building its schemas was most of the start-up left)', async () => {
    const vault = await init();
    const r = loaded(['enforce', vault, '--json']);
    expect(r.status, r.stdout).toBe(0);
    expect(r.zod).toBe(false);
    // The control: a command that opens the vault loads it.
    expect(loaded(['status', vault, '--json']).zod).toBe(true);
  });

  it('hvelv enforce with nothing due does not load the string catalogue; when due, the certificate has its text', async () => {
    const vault = await init();
    const quiet = loaded(['enforce', vault, '--json']);
    expect(quiet.status, quiet.stdout).toBe(0);
    expect(quiet.catalogue).toBe(false);
    // Due (a day after the end, --yes): the catalogue comes in for the certificate, in nb and en.
    const due = loaded(['enforce', vault, '--now', '2027-05-31', '--yes', '--json']);
    expect(due.status, due.stdout).toBe(0);
    const r = JSON.parse(due.stdout) as { destroyedNow: string[]; certificate: { html: string } };
    expect(r.destroyedNow).toEqual(['keylist', 'recordings']);
    expect(due.catalogue).toBe(true);
    const html = fs.readFileSync(r.certificate.html, 'utf8');
    expect(html).toContain('Slettebekreftelse ved prosjektslutt');
    expect(html).toContain('Deletion certificate at project end');
  });
});

describe('the installed command, end to end', () => {
  const ROOT = path.join(import.meta.dirname, '..', '..');
  it('imports a .docx through bin/hvelv.js (the bundle when built: its parsing worker runs there too) and says how many cues had no time', () => {
    const vault = path.join(tempDir(), 'v');
    const envp = { ...process.env, HVELV_PASSPHRASE: PASS, LANG: 'nb_NO.UTF-8' };
    const cli = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'bin', 'hvelv.js'), ...args], { env: envp, encoding: 'utf8' });
    expect(cli(['init', vault, '--title', 'Ende til ende', '--end-date', '2030-01-01']).status).toBe(0);
    cli(['participant', 'add', vault, '--name', 'Ola Docx']);
    cli(['consent', 'record', vault, 'P01', '--date', '2026-11-20', '--form-version', '1', '--unfinished-letter']);
    const docx = path.join(tempDir(), 'intervju.docx');
    fs.writeFileSync(docx, textToDocx('#00:00:01-0# I: Hei & velkommen, ærlig talt.\n'));
    const r = cli(['transcript', 'import', vault, 'P01', docx, '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).transcript).toMatchObject({ sourceFormat: 'docx', syncPointCount: 1 });
    const srt = path.join(tempDir(), 'x.srt');
    fs.writeFileSync(srt, '1\n00:00:01,000 --> 00:00:02,000\nI: Ja.\n\n2\nødelagt --> tid\nB: Nei.\n');
    const s = cli(['transcript', 'import', vault, 'P01', srt]);
    expect(s.status, s.stderr).toBe(0);
    expect(s.stderr).toMatch(/Replikker uten brukbar tid: 1\./);
    // Five runs with the production key derivation: slow on a loaded machine.
  }, 180_000);
});

/* ---- issue 32: the third audit's trials at the command line ------------------------------- */

describe('issue 32 at the command line', () => {
  const ROOT = path.join(import.meta.dirname, '..', '..');
  const bin = path.join(ROOT, 'bin', 'hvelv.js');
  /** The installed command in a real process (bin/hvelv.js runs the bundle when it is fresh). */
  const cli = (args: string[], opts: { env?: Record<string, string>; timeout?: number; shell?: string } = {}) =>
    opts.shell
      ? spawnSync('bash', ['-c', opts.shell], { encoding: 'utf8', timeout: opts.timeout ?? 60_000, env: { ...process.env, HVELV_PASSPHRASE: '', ...opts.env } })
      : spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: opts.timeout ?? 60_000, env: { ...process.env, HVELV_PASSPHRASE: '', ...opts.env } });
  const fifo = (name: string): string => {
    const f = path.join(tempDir(), name);
    expect(spawnSync('mkfifo', [f]).status).toBe(0);
    return f;
  };

  it('model check of a FIFO says it is no ordinary file at once (it hung for ever); so does every other file the user hands in', async () => {
    const model = fifo('ggml-base.bin');
    const started = Date.now();
    const r = cli(['model', 'check', model, '--json'], { timeout: 20_000 });
    expect(r.error, 'hung: killed by the timeout').toBeUndefined();
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, error: { code: 'FILE_NOT_REGULAR' } });
    expect(Date.now() - started).toBeLessThan(15_000);
    // The rest, in process: each would block this very test if it opened the FIFO.
    const vault = await init();
    await participantWithConsent(vault);
    const dir = path.join(tempDir(), 'veileder');
    expect(await run(['supervisor', 'init', dir], fakeIo(env), fast)).toBe(EXIT.ok);
    const cases: string[][] = [
      ['transcript', 'import', vault, 'P01', fifo('t.txt')],
      ['consent', 'record', vault, 'P01', '--date', '2026-11-21', '--form-version', '1', '--unfinished-letter', '--evidence', fifo('samtykke.pdf')],
      ['import', 'qdpx', vault, fifo('prosjekt.qdpx')],
      ['feedback', 'import', vault, fifo('t.hvelvfeedback')],
      ['share', 'open', dir, fifo('d.hvelvshare')],
      ['share', 'verify-certificate', vault, fifo('sletting.json')],
      ['audio', 'import', vault, 'P01', fifo('opptak.wav')],
    ];
    for (const argv of cases) {
      const io = fakeIo(env);
      await run([...argv, '--json'], io, fast);
      expect(JSON.parse(io.stdout.join('')), argv.slice(0, 2).join(' ')).toMatchObject({ ok: false, error: { code: 'FILE_NOT_REGULAR' } });
    }
  });

  it('a closed pipe (hvelv … | true) ends the command quietly with 141 after its work is done: no EPIPE stack trace', async () => {
    // A vault the installed command opens (production key derivation).
    const vault = path.join(tempDir(), 'v');
    const made = cli(['init', vault, '--title', 'Rør', '--end-date', '2030-01-01'], { env: { HVELV_PASSPHRASE: PASS } });
    expect(made.status, made.stderr).toBe(0);
    // `true` exits before hvelv has started, so each line hvelv prints meets a closed pipe.
    const r = cli([], { shell: `"${process.execPath}" "${bin}" participant add "${vault}" --name "Pipe Testesen" | true; echo "exit=\${PIPESTATUS[0]}" >&2`, env: { HVELV_PASSPHRASE: PASS } });
    expect(r.stderr).not.toMatch(/EPIPE|Error|at .*\.js/);
    expect(r.stderr.trim()).toBe('exit=141');
    // The work was done: the participant is there.
    const list = cli(['participant', 'list', vault, '--json'], { env: { HVELV_PASSPHRASE: PASS } });
    expect(list.status, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout).participants).toHaveLength(1);
  });

  it('feedback list shows a stored comment’s ESC and BEL as \\u001b and \\u0007, never raw; the supervisor cannot write one', async () => {
    const vault = await init();
    await participantWithConsent(vault);
    // A vault that imported a comment before comments were checked.
    const { unlockVault } = await import('../../electron/core/vault/vault');
    const { createCrypto } = await import('../../electron/core/crypto/sodium');
    const { FEEDBACK_TABLE } = await import('../../electron/core/services/supervisor/student');
    const s = await unlockVault(vault, new TextEncoder().encode(PASS), { crypto: await createCrypto(), kdfPolicy: TEST_KDF_POLICY, now: () => new Date('2026-11-27T12:00:00Z') });
    s.stores.transcripts.put(FEEDBACK_TABLE, {
      id: 'b'.repeat(32),
      participant: null,
      data: { supervisorId: 'c'.repeat(32), fingerprint: 'ABCD-EFGH-IJKL-MNOP', target: { kind: 'code', id: 'd'.repeat(32) }, text: 'Hei \u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eslutt', createdAt: '2026-11-26T10:00:00.000Z', importedAt: '2026-11-26T11:00:00.000Z', flags: [], replies: [], resolved: false, order: 0 },
    });
    s.lock();
    for (const json of [false, true]) {
      const io = fakeIo(env);
      expect(await run(['feedback', 'list', vault, ...(json ? ['--json'] : [])], io, fast), io.stderr.join('')).toBe(EXIT.ok);
      const printed = io.stdout.join('\n');
      // eslint-disable-next-line no-control-regex -- no control character may reach the terminal
      expect(printed).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
      expect(printed).toContain('\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u202eslutt');
      if (json) expect(JSON.parse(printed).comments[0].text).toBe('Hei \u001b]0;pwned\u0007\u001b[2J\u009b31m\u202eslutt');
    }
  });

  it('a damaged share file is "the share file is damaged", not "the vault is damaged"', async () => {
    const vault = await init();
    await participantWithConsent(vault);
    const dir = path.join(tempDir(), 'veileder');
    const made = fakeIo(env);
    expect(await run(['supervisor', 'init', dir, '--json'], made, fast)).toBe(EXIT.ok);
    const { key } = JSON.parse(made.stdout.join('')) as { key: string };
    expect(await run(['supervisor', 'add', vault, '--key', key, '--until', '2027-03-01'], fakeIo(env), fast)).toBe(EXIT.ok);
    expect(await run(['code', 'add', vault, 'Tillit'], fakeIo(env), fast)).toBe(EXIT.ok);
    const share = path.join(tempDir(), 'del.hvelvshare');
    const created = fakeIo(env);
    expect(await run(['share', 'create', vault, '--out', share, '--yes'], created, fast), created.stderr.join('')).toBe(EXIT.ok);
    const bytes = fs.readFileSync(share);
    bytes[bytes.length - 30] = bytes[bytes.length - 30]! ^ 1;
    const damaged = path.join(tempDir(), 'skadet.hvelvshare');
    fs.writeFileSync(damaged, bytes);
    for (const [lang, right, wrong] of [
      ['nb_NO.UTF-8', /Delingsfilen er skadet/, /Hvelvet er skadet/],
      ['en_GB.UTF-8', /The share file is damaged/, /The vault is damaged/],
    ] as const) {
      const io = fakeIo({ ...env, LANG: lang });
      expect(await run(['share', 'open', dir, damaged], io, fast)).toBe(EXIT.integrity);
      expect(io.stderr.join('\n')).toMatch(right);
      expect(io.stderr.join('\n')).not.toMatch(wrong);
    }
    // The supervisor writes a comment with ESC and BEL on the share held: refused, in their language.
    expect(await run(['share', 'open', dir, share], fakeIo(env), fast)).toBe(EXIT.ok);
    for (const [lang, said] of [
      ['nb_NO.UTF-8', /kontrolltegn/],
      ['en_GB.UTF-8', /control character/],
    ] as const) {
      const io = fakeIo({ ...env, LANG: lang });
      expect(await run(['feedback', 'add', dir, '--on', 'code:Tillit', '--text', 'Se her \u001b]0;pwned\u0007'], io, fast)).toBe(EXIT.other);
      expect(io.stderr.join('\n')).toMatch(said);
    }
    const fine = fakeIo(env);
    expect(await run(['feedback', 'add', dir, '--on', 'code:Tillit', '--text', 'Del koden i to?'], fine, fast), fine.stderr.join('')).toBe(EXIT.ok);
  });

  it('hvelv enforce --yes on a tmpfs filled to the last byte deletes and certifies (it failed: cannot lock the vault: ENOSPC)', async (ctx) => {
    const mnt = fs.mkdtempSync(path.join(tempDir(), 'full-'));
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', mnt], { encoding: 'utf8' });
    if (mount.status !== 0) {
      console.log(`skipped: this machine does not let the tests mount a tmpfs (${(mount.stderr || String(mount.error)).trim()}); tests/core/hardening-full-disk.test.ts injects ENOSPC instead`);
      ctx.skip();
      return;
    }
    try {
      const vault = path.join(mnt, 'v');
      expect(await run(['init', vault, '--title', 'Full disk', '--end-date', '2027-05-30'], fakeIo(env), fast)).toBe(EXIT.ok);
      await participantWithConsent(vault);
      fillToTheLastByte(path.join(mnt, 'fyll'));
      const io = fakeIo();
      expect(await run(['enforce', vault, '--now', '2027-06-01', '--yes', '--json'], io, fast), io.stderr.join('') + io.stdout.join('')).toBe(EXIT.ok);
      expect(JSON.parse(io.stdout.join(''))).toMatchObject({ ok: true, due: true, destroyedNow: ['keylist', 'recordings'] });
      expect(fs.readdirSync(path.join(vault, 'certificates')).sort()).toEqual(['deletion-2027-06-01.html', 'deletion-2027-06-01.json']);
      expect(fs.readdirSync(vault).filter((f) => f.startsWith('hvelv.lock'))).toEqual([]);
    } finally {
      spawnSync('umount', [mnt]);
      fs.rmdirSync(mnt);
    }
  });

  it('verify names a recording blob with no record and an import cut short, not "ok", and says the next unlock removes them', async () => {
    const vault = await init();
    await participantWithConsent(vault);
    const wav = path.join(tempDir(), 'a.wav');
    makeWav(wav, 1, 9);
    expect(await run(['audio', 'import', vault, 'P01', wav], fakeIo(env), fast)).toBe(EXIT.ok);
    const blobs = fs.readdirSync(vault, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.hvr')).map((f) => path.join(vault, f));
    expect(blobs).toHaveLength(1);
    fs.copyFileSync(blobs[0]!, path.join(path.dirname(blobs[0]!), `${'0'.repeat(32)}.hvr`));
    fs.writeFileSync(path.join(path.dirname(blobs[0]!), `${'1'.repeat(32)}.hvr.partial`), Buffer.alloc(3000, 5));
    const io = fakeIo({ ...env, LANG: 'en_GB.UTF-8' });
    expect(await run(['verify', vault], io, fast), io.stderr.join('')).toBe(EXIT.ok);
    const said = io.stdout.join('\n');
    expect(said).not.toMatch(/^ok:/m);
    expect(said).toMatch(/No damage found, but 2 files left by work that was cut short are still there/);
    expect(said).toMatch(/a recording file with no recording .*0{32}\.hvr/);
    expect(said).toMatch(/a recording import cut short: .*1{32}\.hvr\.partial \(3000 bytes\)/);
    expect(said).toMatch(/The next time the vault is unlocked, these are overwritten and deleted/);
    // An unlock (any command that opens the vault) removes them; verify is "ok" again.
    expect(await run(['participant', 'list', vault], fakeIo(env), fast)).toBe(EXIT.ok);
    const after = fakeIo(env);
    expect(await run(['verify', vault], after, fast)).toBe(EXIT.ok);
    expect(after.stdout.join('\n')).toMatch(/^ok:/m);
  });
});

