/**
 * `hvelv export qdpx|qdc` and `hvelv import qdpx|qdc`, in process, against real vaults.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import type { CliIo } from '../../electron/cli/io';
import { Codebook } from '../../electron/core/services/analysis/codebook';
import { Coding } from '../../electron/core/services/analysis/coding';
import { Memos } from '../../electron/core/services/analysis/memos';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { admit, makeVault, tempDir, TEST_KDF, TEST_KDF_POLICY } from '../core/helpers';

const PASS = 'correct horse battery staple';
const fast = { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } };
const now = () => new Date('2026-11-27T10:00:00Z');

function io(lang = 'nb_NO.UTF-8'): CliIo & { stdout: string[]; stderr: string[]; text(): string } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    text: () => [...stdout, ...stderr].join('\n'),
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    env: { HVELV_PASSPHRASE: PASS, LANG: lang },
    isTty: false,
    promptHidden: () => Promise.reject(new Error('no terminal in tests')),
    now,
  };
}

async function vaultWithAnalysis(): Promise<{ dir: string; code: string }> {
  const { dir, session } = await makeVault(PASS);
  const code = admit(session, { name: 'Kari Nordmann' });
  const t = new Transcripts(session, now).create(code, 'I: Hei.\nB: Kari her, jeg ble møtt med tillit 🙂.\n');
  const c = new Codebook(session, now).add({ name: 'Tillit', color: '#2ca02c' });
  new Coding(session, now).apply(t.id, { quote: 'møtt med tillit 🙂' }, [c.id]);
  new Memos(session, now).add({ target: { kind: 'project' }, text: 'Hemmelig privat tanke', private: true });
  session.lock();
  return { dir, code };
}

describe('hvelv export qdpx|qdc', () => {
  it('lists each finding with its id and writes nothing until all are accepted; --yes only skips the question', async () => {
    const { dir, code } = await vaultWithAnalysis();
    const out = path.join(tempDir(), 'studie.qdpx');
    const first = io();
    expect(await run(['export', 'qdpx', dir, '--out', out], first, fast)).toBe(EXIT.other);
    expect(first.text()).toMatch(/mulige identifiserende opplysninger/);
    const line = first.stdout.find((l) => l.includes('«Kari»'))!;
    expect(line).toContain(`transkripsjon ${code}, linje 2`);
    const id = /^\s*([0-9a-f]{10})\s/.exec(line)![1]!;
    // The student's name goes out as the file's user, as the standard asks: not a finding.
    expect(first.stdout.some((l) => l.includes('«Test Student»'))).toBe(false);
    expect(fs.existsSync(out)).toBe(false);

    const noYes = io();
    expect(await run(['export', 'qdpx', dir, '--out', out, '--accept', id], noYes, fast)).toBe(EXIT.ok);
    expect(noYes.text()).toContain('Ingenting ble skrevet');
    expect(noYes.text()).toContain('1 privat notat blir ikke med');
    expect(fs.existsSync(out)).toBe(false);

    const yes = io();
    expect(await run(['export', 'qdpx', dir, '--out', out, '--accept', id, '--yes', '--json'], yes, fast)).toBe(EXIT.ok);
    expect(JSON.parse(yes.stdout.join(''))).toMatchObject({ ok: true, written: true, plan: { counts: { transcripts: 1, segments: 1, privateMemosLeftOut: 1 } } });
    expect(fs.existsSync(out)).toBe(true);
    expect(fs.readFileSync(out).includes(Buffer.from('Hemmelig privat tanke'))).toBe(false);

    const typo = io('en_GB.UTF-8');
    expect(await run(['export', 'qdpx', dir, '--out', out.replace('studie', 'annen'), '--accept', id, '--accept', '0123456789', '--yes'], typo, fast)).toBe(EXIT.usage);
  });

  it('exports a .qdc and refuses an --out that does not say what it is', async () => {
    const { dir } = await vaultWithAnalysis();
    const out = path.join(tempDir(), 'kodebok.qdc');
    expect(await run(['export', 'qdc', dir, '--out', out, '--yes'], io(), fast)).toBe(EXIT.ok);
    expect(fs.readFileSync(out, 'utf8')).toContain('name="Tillit"');
    expect(await run(['export', 'qdc', dir, '--out', path.join(tempDir(), 'x.txt'), '--yes'], io(), fast)).toBe(EXIT.usage);
  });
});

describe('hvelv import qdpx|qdc', () => {
  async function exported(): Promise<{ file: string; code: string }> {
    const { dir, code } = await vaultWithAnalysis();
    const file = path.join(tempDir(), 'studie.qdpx');
    const look = io('en_GB.UTF-8');
    await run(['export', 'qdpx', dir, '--out', file, '--json'], look, fast);
    const ids = (JSON.parse(look.stdout.join('')) as { findings: { id: string }[] }).findings.flatMap((f) => ['--accept', f.id]);
    expect(await run(['export', 'qdpx', dir, '--out', file, '--yes', ...ids], io(), fast)).toBe(EXIT.ok);
    return { file, code };
  }

  it('without --map lists the sources, imports the codes, and exits 0; with --map imports the transcript', async () => {
    const { file, code } = await exported();
    const { dir, session } = await makeVault(PASS);
    const target = admit(session, { name: 'Kari Nordmann' });
    session.lock();
    const first = io();
    expect(await run(['import', 'qdpx', dir, file], first, fast)).toBe(EXIT.ok);
    expect(first.text()).toContain(`Ikke importert (ingen deltaker valgt): ${code}`);
    expect(first.text()).toContain('Koder: 1 ny,');
    const second = io();
    expect(await run(['import', 'qdpx', dir, file, '--map', `${code}=${target}`, '--json'], second, fast)).toBe(EXIT.ok);
    const r = JSON.parse(second.stdout.join('')) as { imported: { participant: string; segments: number; findings: number }[]; codes: { reused: number } };
    expect(r.imported).toEqual([expect.objectContaining({ participant: target, segments: 1 })]);
    expect(r.imported[0]!.findings).toBeGreaterThan(0);
    expect(r.codes.reused).toBe(1);
  });

  it('refuses a file that is not REFI-QDA with the reason in the user’s language, and a bad --map', async () => {
    const { dir, session } = await makeVault(PASS);
    session.lock();
    const bogus = path.join(tempDir(), 'x.qdpx');
    fs.writeFileSync(bogus, 'not a zip');
    const r = io();
    expect(await run(['import', 'qdpx', dir, bogus], r, fast)).toBe(EXIT.other);
    expect(r.text()).toContain('Filen er ikke et REFI-QDA-prosjekt');
    expect(await run(['import', 'qdpx', dir, bogus, '--map', 'nocode'], io(), fast)).toBe(EXIT.usage);
    expect(await run(['import', 'qdpx', dir, tempDir()], io(), fast)).toBe(EXIT.other);
  });

  it('imports a .qdc codebook', async () => {
    const { dir } = await vaultWithAnalysis();
    const qdc = path.join(tempDir(), 'kb.qdc');
    expect(await run(['export', 'qdc', dir, '--out', qdc, '--yes'], io(), fast)).toBe(EXIT.ok);
    const { dir: fresh, session } = await makeVault(PASS);
    session.lock();
    const r = io('en_GB.UTF-8');
    expect(await run(['import', 'qdc', fresh, qdc], r, fast)).toBe(EXIT.ok);
    expect(r.text()).toContain('Codes: 1 new');
  });
});
