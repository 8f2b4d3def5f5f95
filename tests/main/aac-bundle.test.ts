/**
 * The AAC decoder (FFmpeg's, our WebAssembly build: electron/core/services/asr/aac) as
 * the build ships it: `npx electron-vite build` puts it in a chunk of out/main of its
 * own (its WebAssembly embedded). Loaded here as the bundle loads it: in a worker thread
 * (as the decoding may move to one), and through the built `hvelv` command, whose
 * `audio import` of an M4A makes the waveform with it. Needs the build (as
 * tests/main/built-output.test.ts does).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { peakCount } from '../../electron/core/services/recordings/peaks';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { PRODUCTION_KDF_POLICY } from '../../electron/core/crypto/kdf';
import { createVault, unlockVault } from '../../electron/core/vault/vault';
import { admit, pw, SAMPLE_FACTS, tempDir, testDeps } from '../core/helpers';

const ROOT = path.join(import.meta.dirname, '..', '..');
const CHUNKS = path.join(ROOT, 'out', 'main', 'chunks');
const PASS = 'aac bundle passphrase';

function aacChunk(): string {
  const found = fs.readdirSync(CHUNKS).filter((f) => f.endsWith('.js') && fs.readFileSync(path.join(CHUNKS, f), 'utf8').includes('createAacModule'));
  expect(found, 'one chunk holds the AAC decoder').toHaveLength(1);
  return path.join(CHUNKS, found[0]!);
}

describe('the AAC decoder in the built bundle', () => {
  it('is a chunk of its own, under 1 MB, that loads in a worker thread and opens a decoder (nothing read or fetched)', async () => {
    const chunk = aacChunk();
    expect(fs.statSync(chunk).size).toBeLessThan(1_000_000);
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(workerData.url).then(async (m) => {
        const M = await m.default();
        // AudioSpecificConfig of AAC-LC, 16 kHz, mono.
        const p = M._malloc(2);
        M.HEAPU8.set([0x14, 0x08], p);
        const h = M._aac_open(p, 2);
        const bad = M._aac_open(p, 0);
        M._aac_free(h);
        parentPort.postMessage({ opened: h !== 0, refused: bad === 0 });
      }, (e) => parentPort.postMessage({ error: String(e) }));`;
    const w = new Worker(code, { eval: true, workerData: { url: pathToFileURL(chunk).href } });
    const answer = await new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
    await w.terminate();
    expect(answer).toEqual({ opened: true, refused: true });
  });

  it('the built `hvelv audio import` of an M4A seals it without a waveform, and the built decode worker makes it from the sealed copy (the decoder ran in the bundle)', async () => {
    // The built command holds vaults to the production key derivation: the least it allows.
    const deps = await testDeps({ kdfPolicy: PRODUCTION_KDF_POLICY });
    const dir = path.join(tempDir(), 'vault');
    const session = await createVault(dir, pw(PASS), SAMPLE_FACTS, deps, { kdf: { opslimit: 3, memlimit: 64 * 1024 * 1024 } });
    const code = admit(session);
    session.lock();
    const cli = path.join(ROOT, 'out', 'main', 'cli.js');
    const r = spawnSync(process.execPath, [cli, 'audio', 'import', dir, code, path.join(ROOT, 'tests', 'fixtures', 'audio', 'noise-tone-stereo-44k.m4a'), '--json'], { encoding: 'utf8', env: { ...process.env, HVELV_PASSPHRASE: PASS, LANG: 'C' } });
    expect(r.status, r.stderr).toBe(0);
    const s = await unlockVault(dir, pw(PASS), deps);
    const recordings = new Recordings(s, () => new Date());
    const [rec] = recordings.list();
    expect(rec?.format).toBe('m4a');
    // An MP4 is not folded as the import streams (its frame table may come last).
    expect(recordings.peaks(rec!.id)).toBeNull();
    // The built decode worker, as the bundled ensurePeaks starts it, on the sealed copy.
    const { Worker } = await import('node:worker_threads');
    const reader = recordings.open(rec!.id);
    const sealed = reader.sealedSource();
    try {
      const w = new Worker(path.join(ROOT, 'out', 'main', 'decode-worker.js'), { workerData: { format: 'm4a', durationMs: rec!.durationMs, cancel: new SharedArrayBuffer(4), sealed } });
      const peaks = await new Promise<Uint8Array | null>((resolve, reject) => {
        w.on('message', (m: { t: string; peaks?: Uint8Array | null; message?: string }) => (m.t === 'peaks' ? resolve(m.peaks ?? null) : m.t === 'error' && reject(new Error(m.message))));
        w.on('error', reject);
        w.on('exit', () => reject(new Error('the built decode worker stopped without peaks')));
      });
      expect(peaks).not.toBeNull();
      expect(peaks!.length).toBe(peakCount(rec!.durationMs));
      expect(Math.max(...peaks!)).toBeGreaterThan(20);
    } finally {
      sealed.key.fill(0);
      reader.close();
    }
    s.lock();
  }, 120_000);
});
