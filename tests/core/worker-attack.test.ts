/**
 * Attacks on the export's and the waveform's worker threads (issue 27): what the worker
 * still does after its caller has been told it is over.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashInWorker } from '../../electron/core/crypto/stream';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { randomWav } from './large-work';
import { admit, makeVault, tempDir } from './helpers';

const MiB = 1024 * 1024;
const NOW = () => new Date('2026-11-27T10:00:00Z');

describe('the decrypting worker', () => {
  it('a cancel while a batch is still being written (a slow drive): the promise settles only once that write is done, so the caller closes and shreds a file nothing writes to any more', { timeout: 60_000 }, async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const rec = new Recordings(session, NOW);
    const wav = path.join(tempDir(), 'i.wav');
    randomWav(wav, 4 * MiB);
    const info = await rec.import(code, wav);

    // A drive that takes its time: a pipe read 16 KiB at a time, so a 1 MiB batch's write
    // waits in the thread pool while the worker goes on.
    const fifo = path.join(tempDir(), 'slow');
    execFileSync('mkfifo', [fifo]);
    const rfd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const wfd = fs.openSync(fifo, fs.constants.O_WRONLY);
    const reader = rec.open(info.id);
    const from = reader.sealedSource();
    const stop = new AbortController();
    let received = 0;
    let atSettle = -1;
    const settled = hashInWorker({ from, out: wfd }, { signal: stop.signal, onProgress: () => stop.abort() }).then(
      () => 'resolved',
      (e: Error) => e.name,
    );
    void settled.then(() => (atSettle = received));
    const buf = Buffer.alloc(16 * 1024);
    let idle = 0;
    try {
      // Drain until the promise has settled and nothing more comes for a while.
      while (atSettle < 0 || idle < 30) {
        await new Promise((r) => setTimeout(r, 10));
        let got = 0;
        try {
          got = fs.readSync(rfd, buf, 0, buf.length, null);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
        }
        received += got;
        idle = got === 0 ? idle + 1 : 0;
      }
      expect(await settled).toBe('AbortError');
      // What reached the pipe after the caller was told the worker was over is at most what
      // was already in the pipe's buffer (64 KiB), not the rest of a 1 MiB batch still being
      // written through a descriptor the caller has closed (and may have handed to another file).
      expect(received - atSettle).toBeLessThanOrEqual(64 * 1024);
      expect(received).toBeGreaterThanOrEqual(MiB);
    } finally {
      fs.closeSync(rfd);
      fs.closeSync(wfd);
      from.key.fill(0);
      reader.close();
      session.lock();
    }
  });
});
