/**
 * Long work on recordings leaves the calling thread (the app's main process) free
 * (issue 27): an MP3 import's decoder is compiled and run in a worker, and a large export
 * is decrypted, hashed and written in one. Each is measured against the old way in the
 * same test (the decoder made and run on this thread, as ensurePeaks and the import did;
 * the export's chunks opened and written on this thread), so a loaded machine slows both
 * alike. What is compared is this thread's busy time (its event loop's, which counts time
 * spent waiting for the worker or the disk as idle, even descheduled) and its longest
 * busy stretch: a gap in which the window could not answer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeAudio, Recordings } from '../../electron/core/services/recordings/recordings';
import { computePeaks } from '../../electron/core/services/recordings/peaks';
import { PeaksWorker } from '../../electron/core/services/recordings/peaks-worker';
import { loopBusy, randomWav } from './large-work';
import { admit, makeVault, tempDir } from './helpers';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'audio');
const NOW = () => new Date('2026-11-27T10:00:00Z');
const SIZE = 200 * 1024 * 1024;

/** The share of a run's time the calling thread was busy. */
const share = (r: Awaited<ReturnType<typeof loopBusy>>): number => r.busyMs / r.totalMs;

/**
 * A long MP3 made from the 2-second fixture: its frames (MPEG-2 layer III, 180 bytes) after
 * the ID3 tag and the first frame (LAME's Info frame, which declares the 2 seconds) repeated
 * `times` times, so that the tag reader counts the frames for the duration.
 */
function longMp3(file: string, times: number): void {
  const b = fs.readFileSync(path.join(FIXTURES, 'tone.mp3'));
  const tag = 10 + (((b[6]! & 127) << 21) | ((b[7]! & 127) << 14) | ((b[8]! & 127) << 7) | (b[9]! & 127));
  expect(b.readUInt16BE(tag) & 0xffe0).toBe(0xffe0);
  expect(b.subarray(tag, tag + 180).includes('Info')).toBe(true);
  const frames = b.subarray(tag + 180);
  fs.writeFileSync(file, Buffer.concat(Array.from({ length: times }, () => frames)));
}

describe('long recording work off the calling thread', () => {
  it('an MP3 import compiles and runs its decoder in a worker: a fraction of the busy time, and no stretch as long, as the same decoder made and run here', { timeout: 180_000 }, async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const rec = new Recordings(session, NOW);
    const mp3 = path.join(tempDir(), 'long.mp3');
    longMp3(mp3, 180); // six minutes
    // Loaded once by any first import, not the decoder's: the tag reader's MPEG parser, the
    // stores' statements; and, run from source only, the TypeScript loader in a worker (the
    // app's worker is plain JavaScript), on a WAV (which has no decoder to compile).
    await probeAudio(mp3);
    await rec.import(code, path.join(FIXTURES, 'tone.wav'));
    const warm = new PeaksWorker('wav', 2000);
    await warm.end();
    warm.free();

    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
    const ours = await loopBusy(() => rec.import(code, mp3));
    clearInterval(sampler);
    const info = rec.list().find((r) => r.format === 'mp3')!;
    expect(info.durationMs).toBeGreaterThan(350_000);
    const peaks = rec.peaks(info.id);
    expect(peaks).not.toBeNull();
    // The old way: decoded on this thread (its WebAssembly compiled here, the first time in this process).
    const reader = rec.open(info.id);
    let old: Awaited<ReturnType<typeof loopBusy>>;
    try {
      let here: Uint8Array | undefined;
      old = await loopBusy(async () => (here = await computePeaks(reader, 'mp3', info.durationMs)));
      expect(Buffer.from(here!).equals(Buffer.from(peaks!))).toBe(true);
    } finally {
      reader.close();
    }
    console.log('MP3 import, this thread (ms):', { ours, old }, 'RSS growth during the import (MiB):', (peak - base) / 2 ** 20);
    // The worker (its own heap, the decoder's WebAssembly memory) and the batches in flight: within the import's memory goal.
    expect(peak - base).toBeLessThan(64 * 2 ** 20);
    // As the share of each run's time this thread was busy (the import also hashes, probes and
    // records here, a fixed cost the old decode-only run does not carry, and the measuring
    // timer costs busy time per millisecond; a clean-clone run: 227 ms of 1.7 s against
    // 627 ms of 0.63 s, well under a third of the share but not of the total).
    expect(share(ours)).toBeLessThan(share(old) / 3);
    expect(ours.longestBusyMs).toBeLessThan(old.longestBusyMs);
    session.lock();
  });

  it('a large export decrypts, hashes and writes in a worker: this thread is busy for a fraction of what the same chunks opened here cost it', { timeout: 180_000 }, async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const rec = new Recordings(session, NOW);
    const wav = path.join(tempDir(), 'large.wav');
    randomWav(wav, SIZE);
    const info = await rec.import(code, wav);
    const out = path.join(tempDir(), 'out.wav');
    const ours = await loopBusy(() => rec.export(info.id, out));
    expect(fs.statSync(out).size).toBe(SIZE + 44);
    // The old way: each chunk opened, hashed and written on this thread (decryptBlobToFile before), then synced.
    const old = await loopBusy(async () => {
      const reader = rec.open(info.id);
      const fh = await fs.promises.open(path.join(tempDir(), 'old.wav'), 'wx', 0o600);
      try {
        for (let i = 0; i < reader.chunkCount; i++) {
          const c = reader.chunk(i);
          await fh.write(c);
          c.fill(0);
        }
        await fh.sync();
      } finally {
        await fh.close();
        reader.close();
      }
    });
    console.log('export of 200 MiB, this thread (ms):', { ours, old });
    // Compared as the share of each run's time this thread was busy: the timer that measures
    // it costs busy time in proportion to how long a run lasts, and on a loaded machine the
    // worker's export can take twice as long as the old loop, so totals alone would punish
    // the longer run for its own measuring (a clean-clone run: 198 ms of 2.1 s against 621 ms
    // of 1.1 s, a fifth of the share but more than a quarter of the total).
    expect(share(ours)).toBeLessThan(share(old) / 3);
    expect(share(ours)).toBeLessThan(0.25);
    session.lock();
  });
});
