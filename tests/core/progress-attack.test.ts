/**
 * Attack review of issue 27 (long work with progress and Cancel): what the first tests did
 * not try. Real vault, real files, real libsodium.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { WorkJobs } from '../../electron/main/work-jobs';
import { admit, makeVault, makeWav, tempDir } from './helpers';

const NOW = () => new Date('2026-11-27T10:00:00Z');

describe('deleting an original: what is deleted is what was checked', () => {
  it('an original replaced by another file after it was hashed is not deleted (the other file is kept)', async () => {
    const { session } = await makeVault();
    const code = admit(session, { name: 'Kari Nordmann' });
    const dir = tempDir();
    const file = path.join(dir, 'intervju.wav');
    const wav = makeWav(file, 120, 3);
    const rec = new Recordings(session, NOW);
    const info = await rec.import(code, file);
    // Another take saved under the same name (a recorder, a sync tool) once the check has read the original to its end.
    const other = makeWav(path.join(dir, 'ny-opptak.wav'), 30, 9);
    let swapped = false;
    const err = await rec
      .deleteOriginal(info.id, file, {
        onProgress: (p) => {
          if (!swapped && p.bytes >= 2 * wav.length) {
            swapped = true;
            fs.renameSync(path.join(dir, 'ny-opptak.wav'), file);
          }
        },
      })
      .then(() => null, (e: unknown) => e as { code?: string });
    expect(swapped).toBe(true);
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.readFileSync(file).equals(other)).toBe(true);
    expect(err).toMatchObject({ code: 'INTEGRITY' });
    session.lock();
  }, 120_000);
});

describe('an export when the vault locks', () => {
  it('stops, and leaves no decrypted audio behind (neither the file nor its partial)', async () => {
    const { session } = await makeVault();
    const code = admit(session, { name: 'Kari Nordmann' });
    const dir = tempDir();
    const file = path.join(dir, 'intervju.wav');
    makeWav(file, 300, 4);
    const rec = new Recordings(session, NOW);
    const info = await rec.import(code, file);
    const outDir = tempDir();
    const out = path.join(outDir, 'eksport.wav');
    let locked = false;
    const err = await rec
      .export(info.id, out, {
        onProgress: () => {
          if (!locked) {
            locked = true;
            session.lock();
          }
        },
      })
      .then(() => null, (e: unknown) => e as { code?: string });
    expect(locked).toBe(true);
    expect(fs.readdirSync(outDir)).toEqual([]);
    expect(err).toMatchObject({ code: 'CANCELLED' });
  }, 120_000);
});

describe('the check before an original is deleted, when the vault locks', () => {
  it('stops: the original is still there, unchanged (never deleted without its record in the log)', async () => {
    const { session } = await makeVault();
    const code = admit(session, { name: 'Kari Nordmann' });
    const file = path.join(tempDir(), 'intervju.wav');
    const wav = makeWav(file, 300, 5);
    const rec = new Recordings(session, NOW);
    const info = await rec.import(code, file);
    let locked = false;
    const err = await rec
      .deleteOriginal(info.id, file, {
        onProgress: () => {
          if (!locked) {
            locked = true;
            session.lock();
          }
        },
      })
      .then(() => null, (e: unknown) => e as { code?: string });
    expect(locked).toBe(true);
    expect(fs.existsSync(file) && fs.readFileSync(file).equals(wav)).toBe(true);
    expect(err).toMatchObject({ code: 'CANCELLED' });
  }, 120_000);
});

describe('work jobs: one id, one job', () => {
  it('a second job under an id still running is refused, and Cancel still reaches the first', async () => {
    const events: unknown[] = [];
    const jobs = new WorkJobs((e) => events.push(e));
    const first = jobs.run('job-1', ({ signal }) => new Promise<string>((resolve, reject) => {
      signal?.addEventListener('abort', () => reject(new Error('first cancelled')));
      setTimeout(() => resolve('first finished uncancelled'), 3_000);
    }));
    const second = jobs.run('job-1', async () => 'second ran').then((v) => v, (e: unknown) => e as { code?: string });
    expect(await second).toMatchObject({ code: 'INVALID_INPUT' });
    jobs.cancel('job-1');
    await expect(first).rejects.toThrow('first cancelled');
  });
});
