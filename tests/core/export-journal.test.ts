/**
 * Exports interrupted by a crash: the note each export leaves (sealed, in the vault's
 * root) lets the next open overwrite and remove the hidden plaintext, without
 * following links, even after project end; and cleaning up never stops the vault from
 * opening. (tests/cli covers a real process killed mid-export.)
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { beginExport } from '../../electron/core/services/project/export-journal';
import { openProject } from '../../electron/core/services/project/open';
import { Participants } from '../../electron/core/services/participants/participants';
import { enforceProjectEnd } from '../../electron/core/services/project-end/project-end';
import { createVault } from '../../electron/core/vault/vault';
import type { IsoDate } from '@shared/domain';
import { admit, makeVault, pw, SAMPLE_FACTS, tempDir, testDeps, TEST_KDF } from './helpers';

const PASS = 'correct horse battery staple';
const removedCounts = (s: { audit: { list(): { action: string; details?: unknown }[] } }, action = 'export.leftovers-removed') =>
  s.audit.list().filter((e) => e.action === action).map((e) => e.details);

/** What a crash in the middle of an access request leaves: the note, and a half-written folder. */
function crashedAccessExport(session: Parameters<typeof beginExport>[0], outDir: string, now: () => Date): string {
  const tmp = path.join(outDir, '.innsyn-P01-2026-11-27.abcd1234.partial');
  beginExport(session, tmp, now);
  fs.mkdirSync(path.join(tmp, 'recordings'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'identity.json'), '{"name":"Kari Nordmann"}');
  fs.writeFileSync(path.join(tmp, 'recordings', 'a.wav'), 'RIFF plaintext audio');
  return tmp;
}

describe('interrupted exports', () => {
  it('a half-written folder is removed on the next open; links, hard links and FIFOs inside are not followed', async () => {
    const { dir, session, deps } = await makeVault(PASS);
    admit(session, { name: 'Kari Nordmann', email: 'kari@example.no' });
    const outDir = tempDir();
    const outside = path.join(tempDir(), 'mine.txt');
    fs.writeFileSync(outside, 'the user’s own file');
    const tmp = crashedAccessExport(session, outDir, deps.now);
    fs.symlinkSync(outside, path.join(tmp, 'link.txt'));
    fs.linkSync(outside, path.join(tmp, 'hardlink.txt'));
    execFileSync('mkfifo', [path.join(tmp, 'fifo')]);
    session.lock();
    expect(fs.existsSync(path.join(dir, 'exports.sealed'))).toBe(true);
    // The note is sealed: the path (which may hold a name) is not in clear.
    expect(fs.readFileSync(path.join(dir, 'exports.sealed'), 'utf8')).not.toContain('innsyn');

    const again = await openProject(dir, PASS, deps);
    expect(fs.readdirSync(outDir)).toEqual([]);
    expect(fs.readFileSync(outside, 'utf8')).toBe('the user’s own file');
    expect(removedCounts(again)).toEqual([{ count: 1 }]);
    // The notes are done with: the file is gone and the next open finds nothing more to do.
    expect(fs.existsSync(path.join(dir, 'exports.sealed'))).toBe(false);
    again.lock();
    const third = await openProject(dir, PASS, deps);
    expect(removedCounts(third)).toHaveLength(1);
    third.lock();
  });

  it('a leftover that cannot be reached now keeps its note and is removed at a later open; the vault opens either way', async () => {
    const { dir, session, deps } = await makeVault(PASS);
    admit(session);
    // An export to a USB stick, which is then pulled out.
    const stick = path.join(tempDir(), 'USB');
    fs.mkdirSync(stick);
    crashedAccessExport(session, stick, deps.now);
    session.lock();
    fs.renameSync(stick, `${stick}-away`);
    const unplugged = await openProject(dir, PASS, deps);
    expect(removedCounts(unplugged, 'export.leftovers-kept')).toEqual([{ count: 1 }]);
    unplugged.lock();
    fs.renameSync(`${stick}-away`, stick);
    const back = await openProject(dir, PASS, deps);
    expect(fs.readdirSync(stick)).toEqual([]);
    expect(removedCounts(back)).toEqual([{ count: 1 }]);
    back.lock();
  });

  it.each(['anonymise', 'delete-all'] as const)('a leftover from before the end date is still removed at the first open after it (%s)', async (endAction) => {
    const at = (iso: string) => new Date(`${iso}T12:00:00`);
    const deps = await testDeps({ now: () => at('2031-05-01') });
    const dir = path.join(tempDir(), 'vault');
    const session = await createVault(dir, pw(PASS), { ...SAMPLE_FACTS, endDate: '2031-05-30' as IsoDate, endAction }, deps, { kdf: TEST_KDF });
    admit(session, undefined, deps.now);
    const outDir = tempDir();
    crashedAccessExport(session, outDir, deps.now);
    session.lock();
    // The daily job destroys the stores on the day, before anyone opens the vault.
    expect(enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-06-02') }).due).toBe(true);
    const after = await openProject(dir, PASS, { ...deps, now: () => at('2031-06-02') });
    expect(fs.readdirSync(outDir)).toEqual([]);
    after.lock();
  });

  it('a finished export leaves no note; an export can only note a temporary name; a damaged journal does not stop opening', async () => {
    const { dir, session, deps } = await makeVault(PASS);
    const code = admit(session);
    const outDir = tempDir();
    await new Participants(session, deps.now).accessRequest(code, outDir, 'nb');
    expect(fs.existsSync(path.join(dir, 'exports.sealed'))).toBe(false);
    expect(() => beginExport(session, path.join(outDir, 'innsyn.txt'), deps.now)).toThrow(/temp name/);
    // A relative path (`hvelv audio export … --out P01.wav`) is noted as an absolute one:
    // the next open may run from another folder.
    const note = beginExport(session, 'P01.wav.partial-123', deps.now);
    expect(JSON.parse(Buffer.from(session.readPrivateFile('exports')!).toString('utf8'))).toMatchObject([{ tmp: path.resolve('P01.wav.partial-123') }]);
    note.end();
    expect(session.readPrivateFile('exports')).toBeNull();
    let s = session;
    for (const damaged of ['{"nonce":"AAAA","ciphertext":"AAAA"}', 'not json', '{"nonce":"%%%","ciphertext":7}']) {
      s.lock();
      fs.writeFileSync(path.join(dir, 'exports.sealed'), damaged);
      s = await openProject(dir, PASS, deps);
      expect(s.audit.list().at(-1)?.action, damaged).toBe('export.journal-unreadable');
      expect(fs.existsSync(path.join(dir, 'exports.sealed'))).toBe(false);
    }
    expect(fs.readdirSync(outDir)).toEqual([expect.stringMatching(/^innsyn-/)]);
    s.lock();
  });
});
