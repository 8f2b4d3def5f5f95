/**
 * `hvelv enforce` prints the end date's overwriting of the recordings on stderr when it is
 * a terminal (faked here: isTty, as tests/cli/shred-progress.test.ts does for withdraw),
 * and nothing of it when it is not, nor with --json; stdout stays the result alone. The
 * progress shows past a second of work: the clock that measures that second runs fifty
 * times faster here, so a recording of some megabytes is enough (the work is real: a real
 * vault, a real sealed blob overwritten, a real certificate).
 */
import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import { nodeIo, type CliIo } from '../../electron/cli/io';
import { tempDir, TEST_KDF, TEST_KDF_POLICY } from '../core/helpers';
import { wavHeader } from '../wav';
import { storeDir } from '../../electron/core/vault/layout';

const PASS = 'correct horse battery staple';
const fast = { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } };

async function hv(isTty: boolean | { stdin: boolean; stderr: boolean }, ...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const ttys = typeof isTty === 'boolean' ? { isTty } : { isTty: isTty.stdin, errIsTty: isTty.stderr };
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), env: { HVELV_PASSPHRASE: PASS, LANG: 'C' }, ...ttys, promptHidden: () => Promise.reject(new Error('no terminal')), now: () => new Date('2026-11-27T12:00:00Z') };
  const code = await run(argv, io, fast);
  return { code, out, err };
}

/** Date.now fifty times faster from here on: a second of the progress's clock is 20 ms. */
function fastClock(): void {
  const real = Date.now.bind(Date);
  const t0 = real();
  vi.spyOn(Date, 'now').mockImplementation(() => t0 + (real() - t0) * 50);
}

afterEach(() => vi.restoreAllMocks());

const progressLines = (err: string[]): string[] => err.filter((l) => /^\r\d+%/.test(l));

/** A vault ending 2027-05-30 with one participant and a recording of `mib` MiB. */
async function vaultWithRecording(mib: number): Promise<string> {
  const vault = path.join(tempDir(), 'v');
  expect((await hv(false, 'init', vault, '--title', 'Relasjonsarbeid', '--end-date', '2027-05-30', '--student', 'Turid Test', '--code-prefix', 'JS')).code).toBe(EXIT.ok);
  expect((await hv(false, 'participant', 'add', vault, '--name', 'Åse Nilsen')).code).toBe(EXIT.ok);
  expect((await hv(false, 'consent', 'record', vault, 'JS01', '--date', '2026-11-20', '--form-version', '1', '--unfinished-letter')).code).toBe(EXIT.ok);
  const wav = path.join(tempDir(), 'js01.wav');
  const bytes = mib * 1024 * 1024;
  fs.writeFileSync(wav, Buffer.concat([wavHeader(bytes, 16000, 1), randomFillSync(Buffer.alloc(bytes))]));
  expect((await hv(false, 'audio', 'import', vault, 'JS01', wav)).code).toBe(EXIT.ok);
  return vault;
}

const blobs = (vault: string): string[] => {
  const d = path.join(storeDir(vault, 'recordings'), 'blobs');
  return fs.existsSync(d) ? fs.readdirSync(d) : [];
};

describe('the end date’s overwriting on the CLI', () => {
  it('progress on a terminal only, on stderr, never going back; none piped nor with --json', { timeout: 180_000 }, async () => {
    const vaults = [await vaultWithRecording(48), await vaultWithRecording(48), await vaultWithRecording(48)];
    for (const v of vaults) expect(blobs(v)).toHaveLength(1);
    fastClock();

    const tty = await hv(true, 'enforce', vaults[0]!, '--now', '2027-05-31', '--yes');
    expect(tty.code).toBe(EXIT.ok);
    const lines = progressLines(tty.err);
    expect(lines.length).toBeGreaterThan(0);
    const percents = lines.map((l) => Number(/^\r(\d+)%/.exec(l)![1]));
    for (let i = 1; i < percents.length; i++) expect(percents[i]!).toBeGreaterThanOrEqual(percents[i - 1]!);
    expect(tty.out.join('\n')).toMatch(/Destroyed now: keylist, recordings\./);
    expect(tty.out.join('\n')).toMatch(/Deletion certificate: /);
    expect(tty.out.join('\n')).not.toMatch(/%/);
    expect(blobs(vaults[0]!)).toEqual([]);

    const piped = await hv(false, 'enforce', vaults[1]!, '--now', '2027-05-31', '--yes');
    expect(piped.code).toBe(EXIT.ok);
    expect(piped.err).toEqual([]);
    expect(blobs(vaults[1]!)).toEqual([]);

    // --json is for a script: its stderr stays empty even on a terminal, stdout one JSON object.
    const json = await hv(true, 'enforce', vaults[2]!, '--now', '2027-05-31', '--yes', '--json');
    expect(json.code).toBe(EXIT.ok);
    expect(json.err).toEqual([]);
    expect(JSON.parse(json.out.join('\n'))).toMatchObject({ ok: true, destroyedNow: ['keylist', 'recordings'] });
    expect(blobs(vaults[2]!)).toEqual([]);
  });

  it('typed at a terminal with stderr sent to a file (`2>>enforce.log`): none in the file; the real io tells the two apart', { timeout: 180_000 }, async () => {
    const vault = await vaultWithRecording(48);
    fastClock();
    const logged = await hv({ stdin: true, stderr: false }, 'enforce', vault, '--now', '2027-05-31', '--yes');
    expect(logged.code).toBe(EXIT.ok);
    expect(logged.err).toEqual([]);
    expect(blobs(vault)).toEqual([]);
    const was = { stdin: process.stdin.isTTY, stderr: process.stderr.isTTY };
    try {
      Object.defineProperty(process.stdin, 'isTTY', { value: true, configurable: true });
      Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
      expect(nodeIo()).toMatchObject({ isTty: true, errIsTty: false });
      Object.defineProperty(process.stdin, 'isTTY', { value: false, configurable: true });
      Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
      expect(nodeIo()).toMatchObject({ isTty: false, errIsTty: true });
    } finally {
      Object.defineProperty(process.stdin, 'isTTY', { value: was.stdin, configurable: true });
      Object.defineProperty(process.stderr, 'isTTY', { value: was.stderr, configurable: true });
    }
  });
});
