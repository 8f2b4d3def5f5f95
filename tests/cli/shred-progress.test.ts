/**
 * `hvelv withdraw` and `hvelv audio delete` print the overwriting's progress, and `hvelv
 * verify` its decrypting and hashing of the recordings, on stderr
 * when it is a terminal (faked here: isTty), and nothing of it when it is not; stdout
 * stays the result alone. The progress shows past a second of work: the clock that
 * measures that second runs fifty times faster here, so a recording of some megabytes
 * is enough (the work itself is real: a real vault, a real sealed blob overwritten).
 */
import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import type { CliIo } from '../../electron/cli/io';
import { tempDir, TEST_KDF, TEST_KDF_POLICY } from '../core/helpers';
import { wavHeader } from '../wav';

const PASS = 'correct horse battery staple';
const fast = { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } };

async function hv(isTty: boolean, ...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), env: { HVELV_PASSPHRASE: PASS, LANG: 'C' }, isTty, promptHidden: () => Promise.reject(new Error('no terminal')), now: () => new Date('2026-11-27T12:00:00Z') };
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

function randomWav(file: string, bytes: number): void {
  fs.writeFileSync(file, Buffer.concat([wavHeader(bytes, 16000, 1), randomFillSync(Buffer.alloc(bytes))]));
}

const progressLines = (err: string[]): string[] => err.filter((l) => /^\r\d+%/.test(l));

describe('the overwriting’s progress on the CLI', () => {
  it('on a terminal only, on stderr, never going back', { timeout: 180_000 }, async () => {
    const vault = path.join(tempDir(), 'v');
    expect((await hv(false, 'init', vault, '--title', 'Relasjonsarbeid', '--end-date', '2027-05-30', '--student', 'Turid Test', '--code-prefix', 'JS')).code).toBe(EXIT.ok);
    for (const [name, n] of [['Åse Nilsen', 1], ['Bjørn Berg', 2], ['Cato Dahl', 3]] as const) {
      expect((await hv(false, 'participant', 'add', vault, '--name', name)).code).toBe(EXIT.ok);
      expect((await hv(false, 'consent', 'record', vault, `JS0${n}`, '--date', '2026-11-20', '--form-version', '1', '--unfinished-letter')).code).toBe(EXIT.ok);
      const wav = path.join(tempDir(), `js0${n}.wav`);
      randomWav(wav, 48 * 1024 * 1024);
      expect((await hv(false, 'audio', 'import', vault, `JS0${n}`, wav)).code).toBe(EXIT.ok);
    }
    const ids = (await hv(false, 'audio', 'list', vault, '--json')).out.join('\n');
    const third = (JSON.parse(ids) as { recordings: { id: string; code: string }[] }).recordings.find((r) => r.code === 'JS03')!.id;
    fastClock();

    const tty = await hv(true, 'withdraw', vault, 'JS01', '--yes');
    expect(tty.code).toBe(EXIT.ok);
    const lines = progressLines(tty.err);
    expect(lines.length).toBeGreaterThan(0);
    const percents = lines.map((l) => Number(/^\r(\d+)%/.exec(l)![1]));
    for (let i = 1; i < percents.length; i++) expect(percents[i]!).toBeGreaterThanOrEqual(percents[i - 1]!);
    expect(tty.out.join('\n')).not.toMatch(/%/);

    const piped = await hv(false, 'withdraw', vault, 'JS02', '--yes');
    expect(piped.code).toBe(EXIT.ok);
    expect(progressLines(piped.err)).toEqual([]);
    expect(piped.err.join('')).not.toMatch(/\r/);

    // `hvelv verify` decrypts and hashes every recording: the same progress, on a terminal only.
    const verified = await hv(true, 'verify', vault);
    expect(verified.code).toBe(EXIT.ok);
    expect(progressLines(verified.err).length).toBeGreaterThan(0);
    expect(verified.out.join('\n')).toMatch(/^ok: /);
    const verifiedPiped = await hv(false, 'verify', vault);
    expect(verifiedPiped.code).toBe(EXIT.ok);
    expect(verifiedPiped.err).toEqual([]);

    const del = await hv(true, 'audio', 'delete', vault, third, '--yes');
    expect(del.code).toBe(EXIT.ok);
    expect(progressLines(del.err).length).toBeGreaterThan(0);
    expect(del.out).toEqual([`deleted ${third}`]);
  });
});
