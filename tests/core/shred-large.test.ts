/**
 * Withdrawal and deletion of large recordings (issue 27): the keys go first, then the
 * sealed blob is overwritten in slices through the thread pool, so the calling thread's
 * event loop keeps turning, with progress from 0 to the total; a kill in the middle
 * leaves the person unreadable and keyless ciphertext, which the next open sweeps.
 * Real files, real SQLite and libsodium, a real child process killed with SIGKILL.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Participants } from '../../electron/core/services/participants/participants';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { openProject } from '../../electron/core/services/project/open';
import { registryEntry } from '../../electron/core/consent/model';
import { shredFile, shredFilesAsync } from '../../electron/core/vault/safe-delete';
import { unlockVault } from '../../electron/core/vault/vault';
import { DATA_STORES, storeDir } from '../../electron/core/vault/layout';
import { passphraseBytes } from '../../electron/core/crypto/kdf';
import { createCrypto } from '../../electron/core/crypto/sodium';
import { blobsIn, loopGap, randomWav } from './large-work';
import { admit, makeVault, tempDir, TEST_KDF_POLICY } from './helpers';

const PASS = 'correct horse battery staple';
const NOW = () => new Date('2026-11-27T10:00:00Z');
/** Large enough that overwriting it takes many slices; small enough for a fast suite. */
const SIZE = 200 * 1024 * 1024;
const CHILD = path.join(import.meta.dirname, 'children', 'withdraw-large.ts');


async function withLargeRecording() {
  const v = await makeVault(PASS);
  const code = admit(v.session);
  const wav = path.join(tempDir(), 'large.wav');
  randomWav(wav, SIZE);
  const info = await new Recordings(v.session, NOW).import(code, wav);
  return { ...v, code, wav, info };
}

describe('shredding large recordings off the calling thread', () => {
  it('a withdrawal leaves no blob, keeps the event loop turning (unlike the synchronous overwrite of the same size), and reports progress up to 100 %', { timeout: 180_000 }, async () => {
    const { dir, session, code, wav } = await withLargeRecording();
    const blobs = blobsIn(dir);
    expect(blobs).toHaveLength(1);
    const blobBytes = fs.statSync(path.join(storeDir(dir, 'recordings'), 'blobs', blobs[0]!)).size;
    expect(blobBytes).toBeGreaterThan(SIZE);

    const events: { bytes: number; total: number }[] = [];
    const steps: string[] = [];
    const ours = await loopGap(() => new Participants(session, NOW).withdraw(code, '2026-11-27', { onProgress: (p) => events.push(p), afterStep: (s) => steps.push(s) }));
    expect(blobsIn(dir)).toEqual([]);
    expect(new Participants(session, NOW).receipt(code).counts.recordings).toBe(1);
    // The keys of every store went before the zeros were written.
    expect(steps).toEqual(['journal', 'recordings', 'transcripts', 'keylist', 'shredded', 'done']);

    // Progress: from 0, never backwards, of the blob's size, ending at it; many slices between.
    expect(events[0]).toEqual({ bytes: 0, total: blobBytes });
    expect(events.every((e) => e.total === blobBytes)).toBe(true);
    for (let i = 1; i < events.length; i++) expect(events[i]!.bytes).toBeGreaterThanOrEqual(events[i - 1]!.bytes);
    expect(events.at(-1)!.bytes).toBe(blobBytes);
    expect(events.length).toBeGreaterThan(20);

    // The peer in the same run: the synchronous overwrite of a file of the same size (the
    // original WAV) holds the loop for nearly all of its time; ours never for more than a
    // small part of its own.
    const peer = await loopGap(() => shredFile(wav));
    expect(fs.existsSync(wav)).toBe(false);
    expect(peer.gapMs).toBeGreaterThan(peer.totalMs * 0.8);
    expect(ours.gapMs).toBeLessThan(ours.totalMs / 5);
    session.lock();
  });

  it('deleting one recording: its record goes first, the blob follows with progress, and the loop keeps turning', { timeout: 180_000 }, async () => {
    const { dir, session, info } = await withLargeRecording();
    const events: { bytes: number; total: number }[] = [];
    const rec = new Recordings(session, NOW);
    const ours = await loopGap(() => rec.delete(info.id, { onProgress: (p) => events.push(p) }));
    expect(blobsIn(dir)).toEqual([]);
    expect(() => rec.get(info.id)).toThrow();
    expect(events.at(-1)!.bytes).toBe(events.at(-1)!.total);
    expect(events.at(-1)!.total).toBeGreaterThan(SIZE);
    expect(ours.gapMs).toBeLessThan(ours.totalMs / 5);
    session.lock();
  });

  it('files already gone, links and an empty list: progress still ends at its total', async () => {
    const d = tempDir();
    const target = path.join(d, 'someone-elses.txt');
    fs.writeFileSync(target, 'not ours');
    fs.symlinkSync(target, path.join(d, 'link.hvr'));
    const events: { bytes: number; total: number }[] = [];
    await shredFilesAsync([path.join(d, 'missing.hvr'), path.join(d, 'link.hvr')], (p) => events.push(p));
    expect(events).toEqual([{ bytes: 0, total: 0 }]);
    // The link is removed, never followed.
    expect(fs.existsSync(path.join(d, 'link.hvr'))).toBe(false);
    expect(fs.readFileSync(target, 'utf8')).toBe('not ours');
  });

  it('killed (SIGKILL) while overwriting: the person is unreadable already, and the next open sweeps the orphaned ciphertext', { timeout: 180_000 }, async () => {
    const { dir, session, code } = await withLargeRecording();
    session.lock();
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, PASS, code], { stdio: ['ignore', 'pipe', 'inherit'] });
      let text = '';
      child.stdout.on('data', (c: Buffer) => {
        text += c.toString();
        if (text.includes('mid')) child.kill('SIGKILL');
      });
      child.on('error', reject);
      child.on('exit', (_code, signal) => resolve(`${text.trim()} ${signal ?? ''}`));
    });
    expect(out).toBe('mid SIGKILL');
    // Left behind: the blob, part zeros, part ciphertext whose key is gone.
    const left = blobsIn(dir);
    expect(left).toHaveLength(1);

    // Opened without any tidying (as `hvelv verify` does): nothing of the person in any store.
    const deps = { crypto: await createCrypto(), kdfPolicy: TEST_KDF_POLICY, now: NOW };
    const raw = await unlockVault(dir, passphraseBytes(PASS), deps);
    for (const s of DATA_STORES) expect(raw.stores[s].listParticipant(code)).toEqual([]);
    expect(registryEntry(raw.stores.keylist, code)!.status).toBe('withdrawing');
    expect(new Recordings(raw, NOW).orphans().map((o) => o.name)).toEqual(left);
    raw.lock();

    // The next open completes the withdrawal and removes the orphan.
    const again = await openProject(dir, PASS, deps);
    expect(blobsIn(dir)).toEqual([]);
    expect(registryEntry(again.stores.keylist, code)!.status).toBe('withdrawn');
    expect(again.verify()).toEqual([]);
    again.lock();
  });
});
