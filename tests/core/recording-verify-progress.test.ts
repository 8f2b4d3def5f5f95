/**
 * The check before an original recording is deleted (issue 27): the stored copy and the
 * original are hashed in slices that give way, with progress over both passes and Cancel.
 * The calling thread (the app's main process) keeps turning meanwhile (turns counted, not
 * time); a cancelled check deletes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { admit, makeVault, makeWav, tempDir } from './helpers';

const NOW = () => new Date('2026-11-27T10:00:00Z');

describe('checking a stored recording against its original', () => {
  it('gives way while it hashes, reports both passes, and deletes the original only when they match', async () => {
    const { session } = await makeVault();
    const code = admit(session, { name: 'Kari Nordmann' });
    const file = path.join(tempDir(), 'intervju.wav');
    const wav = makeWav(file, 900, 5); // 29 MB
    const rec = new Recordings(session, NOW);
    const info = await rec.import(code, file);
    let turns = 0;
    let on = true;
    const spin = (): void => {
      if (!on) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const seen: { bytes: number; total: number }[] = [];
    await rec.deleteOriginal(info.id, file, { onProgress: (p) => seen.push(p) });
    on = false;
    expect(turns).toBeGreaterThan(10);
    expect(seen.at(-1)).toEqual({ bytes: 2 * wav.length, total: 2 * wav.length });
    expect(seen.some((p) => p.bytes <= wav.length)).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
    session.lock();
  }, 120_000);

  it('cancelled during the check: CANCELLED, and the original is still there, unchanged', async () => {
    const { session } = await makeVault();
    const code = admit(session, { name: 'Kari Nordmann' });
    const file = path.join(tempDir(), 'intervju.wav');
    const wav = makeWav(file, 900, 6);
    const rec = new Recordings(session, NOW);
    const info = await rec.import(code, file);
    const ctl = new AbortController();
    const err = await rec.deleteOriginal(info.id, file, { signal: ctl.signal, onProgress: () => ctl.abort() }).catch((e: unknown) => e as { code?: string });
    expect(err).toMatchObject({ code: 'CANCELLED' });
    expect(fs.readFileSync(file).equals(wav)).toBe(true);
    session.lock();
  }, 120_000);
});
