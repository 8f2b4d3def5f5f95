/** Issue 14's trials at the command line: each failed on the code before its fix. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, EXIT, HELP } from '../../electron/cli/index';
import type { CliIo } from '../../electron/cli/io';
import { tempDir, TEST_KDF_POLICY, TEST_KDF } from '../core/helpers';

function fakeIo(env: Record<string, string | undefined> = {}): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    env,
    isTty: false,
    promptHidden: () => Promise.reject(new Error('no terminal in tests')),
    now: () => new Date('2026-11-27T12:00:00Z'),
  };
}

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
  expect(await run(['consent', 'record', vault, 'P01', '--date', '2026-11-20', '--form-version', '1'], fakeIo(env), fast)).toBe(EXIT.ok);
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
