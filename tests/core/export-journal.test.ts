/**
 * Exports interrupted by a crash: the note each export leaves in the vault lets the
 * next open overwrite and remove the hidden plaintext, without following links out of
 * the temporary folder. (tests/cli covers a real process killed mid-export.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { beginExport } from '../../electron/core/services/export-journal';
import { openProject } from '../../electron/core/services/open-project';
import { Participants } from '../../electron/core/services/participants';
import { admit, makeVault, tempDir } from './helpers';

const PASS = 'correct horse battery staple';

describe('interrupted exports', () => {
  it('a half-written access-request folder is removed on the next open; a link inside it is not followed', async () => {
    const { dir, session, deps } = await makeVault(PASS);
    const code = admit(session, { name: 'Kari Nordmann', email: 'kari@example.no' });
    const outDir = tempDir();
    const outside = path.join(tempDir(), 'mine.txt');
    fs.writeFileSync(outside, 'the user’s own file');
    // What a crash in the middle of an access request leaves: the note, and the folder.
    const tmp = path.join(outDir, `.innsyn-${code}-2026-11-27.abcd1234.partial`);
    beginExport(session, tmp, deps.now);
    fs.mkdirSync(path.join(tmp, 'recordings'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'identity.json'), '{"name":"Kari Nordmann"}');
    fs.writeFileSync(path.join(tmp, 'recordings', 'a.wav'), 'RIFF plaintext audio');
    fs.symlinkSync(outside, path.join(tmp, 'link.txt'));
    session.lock();

    const again = await openProject(dir, PASS, deps);
    expect(fs.readdirSync(outDir)).toEqual([]);
    expect(fs.readFileSync(outside, 'utf8')).toBe('the user’s own file');
    expect(again.audit.list().filter((e) => e.action === 'export.leftovers-removed').map((e) => e.details)).toEqual([{ count: 1 }]);
    // The notes are gone too: the next open finds nothing more to do.
    again.lock();
    const third = await openProject(dir, PASS, deps);
    expect(third.audit.list().filter((e) => e.action === 'export.leftovers-removed')).toHaveLength(1);
    third.lock();
  });

  it('a finished export leaves no note; an export can only note a temporary name', async () => {
    const { dir, session, deps } = await makeVault(PASS);
    const code = admit(session);
    const outDir = tempDir();
    await new Participants(session, deps.now).accessRequest(code, outDir, 'nb');
    expect(session.stores.keylist.list('pending_export')).toEqual([]);
    expect(() => beginExport(session, path.join(outDir, 'innsyn.txt'), deps.now)).toThrow(/temp name/);
    session.lock();
    const again = await openProject(dir, PASS, deps);
    expect(fs.readdirSync(outDir)).toEqual([expect.stringMatching(/^innsyn-/)]);
    again.lock();
  });
});
