/**
 * The end date with a large recording (issue 27): the tombstones, the key files and the
 * records go at once, as before, so nothing is readable from then on; the recordings'
 * ciphertext is then overwritten in slices through the thread pool, so the event loop
 * keeps turning, with progress up to 100 %; the certificate is written only when nothing
 * is left. A kill in the middle leaves keyless ciphertext and no certificate; the next
 * open finishes both. Real files, SQLite and libsodium, a real child killed with SIGKILL.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { openProject } from '../../electron/core/services/project/open';
import { enforceProjectEndAsync, enforceProjectEndLazily, listCertificates } from '../../electron/core/services/project-end/project-end';
import { shredFile } from '../../electron/core/vault/safe-delete';
import { isDestroyed, storeDbPath, storeDir, storeKeyPath, TOMBSTONE } from '../../electron/core/vault/layout';
import { blobsIn, loopGap, randomWav } from './large-work';
import { admit, makeVault, tempDir } from './helpers';

const PASS = 'correct horse battery staple';
const NOW = () => new Date('2026-11-27T10:00:00Z');
/** After SAMPLE_FACTS' end date (2031-05-30). */
const AFTER = new Date('2031-06-01T12:00:00Z');
const SIZE = 200 * 1024 * 1024;
const CHILD = path.join(import.meta.dirname, 'children', 'enforce-large.ts');


async function vaultWithRecording(bytes: number) {
  const v = await makeVault(PASS);
  const code = admit(v.session);
  const wav = path.join(tempDir(), 'rec.wav');
  randomWav(wav, bytes);
  await new Recordings(v.session, NOW).import(code, wav);
  v.session.lock();
  return { ...v, wav };
}

describe('the end date with a large recording', () => {
  it('destroys keys and records first, then overwrites the recording with the loop turning and progress to 100 %, then the certificate', { timeout: 180_000 }, async () => {
    const { dir, deps, wav } = await vaultWithRecording(SIZE);
    const [blob] = blobsIn(dir);
    const blobBytes = fs.statSync(path.join(storeDir(dir, 'recordings'), 'blobs', blob!)).size;
    expect(blobBytes).toBeGreaterThan(SIZE);

    const events: { bytes: number; total: number }[] = [];
    let atFirst: { keys: boolean[]; records: boolean; certificates: number } | null = null;
    let r: Awaited<ReturnType<typeof enforceProjectEndAsync>> | null = null;
    const ours = await loopGap(async () => {
      r = await enforceProjectEndAsync(dir, { crypto: deps.crypto, now: AFTER }, (p) => {
        // When the zeros start: both keys and the key list's records are gone, no certificate yet.
        atFirst ??= {
          keys: [fs.existsSync(storeKeyPath(dir, 'keylist')), fs.existsSync(storeKeyPath(dir, 'recordings'))],
          records: fs.existsSync(storeDbPath(dir, 'keylist')) || fs.existsSync(storeDbPath(dir, 'recordings')),
          certificates: listCertificates(dir).length,
        };
        events.push(p);
      });
    });
    expect(atFirst).toEqual({ keys: [false, false], records: false, certificates: 0 });
    expect(r!.destroyedNow).toEqual(['keylist', 'recordings']);
    expect(r!.destroyedBefore).toEqual([]);
    // Nothing left but the tombstones; the certificate counts the recording.
    expect(fs.readdirSync(storeDir(dir, 'recordings'))).toEqual([TOMBSTONE]);
    expect(fs.readdirSync(storeDir(dir, 'keylist'))).toEqual([TOMBSTONE]);
    const [cert] = listCertificates(dir);
    expect(cert!.stores.find((s) => s.store === 'recordings')).toMatchObject({ recordingFiles: 1, recordingBytes: blobBytes });

    expect(events[0]).toEqual({ bytes: 0, total: blobBytes });
    for (let i = 1; i < events.length; i++) expect(events[i]!.bytes).toBeGreaterThanOrEqual(events[i - 1]!.bytes);
    expect(events.at(-1)).toEqual({ bytes: blobBytes, total: blobBytes });
    expect(events.length).toBeGreaterThan(20);

    // The peer in the same run: the synchronous overwrite of a file of the same size holds
    // the loop for nearly all of its time; ours never for more than a small part of its own.
    const peer = await loopGap(() => shredFile(wav));
    expect(peer.gapMs).toBeGreaterThan(peer.totalMs * 0.8);
    expect(ours.gapMs).toBeLessThan(ours.totalMs / 5);
  });

  it('killed (SIGKILL) while overwriting: keys gone, no certificate yet; the next open removes the ciphertext and writes it', { timeout: 180_000 }, async () => {
    const { dir, deps } = await vaultWithRecording(SIZE);
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, AFTER.toISOString()], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (c: Buffer) => {
        text += c.toString();
        if (text.includes('mid')) child.kill('SIGKILL');
      });
      child.on('error', reject);
      child.on('exit', (_code, signal) => resolve(`${text.trim()} ${signal ?? ''}`));
    });
    expect(out).toBe('mid SIGKILL');
    // Left: the ciphertext, part zeros, under a tombstone, with neither its key nor any record.
    expect(blobsIn(dir)).toHaveLength(1);
    expect(isDestroyed(dir, 'recordings')).toBe(true);
    expect(isDestroyed(dir, 'keylist')).toBe(true);
    for (const s of ['keylist', 'recordings'] as const) {
      expect(fs.existsSync(storeKeyPath(dir, s))).toBe(false);
      expect(fs.existsSync(storeDbPath(dir, s))).toBe(false);
    }
    // The certificate does not say the recordings are overwritten before they are.
    expect(listCertificates(dir)).toEqual([]);

    // The next open (as the app opens) finishes: nothing left, and the certificate now.
    const again = await openProject(dir, PASS, { ...deps, now: () => AFTER });
    expect(blobsIn(dir)).toEqual([]);
    expect(fs.readdirSync(storeDir(dir, 'recordings'))).toEqual([TOMBSTONE]);
    const [cert] = listCertificates(dir);
    expect(cert!.stores.map((s) => s.store)).toEqual(['keylist', 'recordings']);
    expect(cert!.stores.find((s) => s.store === 'recordings')!.recordingFiles).toBe(1);
    again.lock();
  });

  it('the daily job (hvelv enforce) awaits the same overwrite: nothing left, one certificate, the stores said destroyed now', async () => {
    const { dir, deps } = await vaultWithRecording(64 * 1024);
    const r = await enforceProjectEndLazily(dir, { crypto: deps.crypto, now: AFTER });
    expect(r.destroyedNow).toEqual(['keylist', 'recordings']);
    expect(r.certificate).not.toBeNull();
    expect(blobsIn(dir)).toEqual([]);
    expect(fs.readdirSync(storeDir(dir, 'recordings'))).toEqual([TOMBSTONE]);
    expect(listCertificates(dir)).toHaveLength(1);
    const again = await enforceProjectEndLazily(dir, { crypto: deps.crypto, now: AFTER });
    expect(again.destroyedNow).toEqual([]);
    expect(again.destroyedBefore).toEqual(['keylist', 'recordings']);
  });
});
