/**
 * Attacks on the export's and the waveform's worker threads (issue 27): what the worker
 * still does after its caller has been told it is over.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { hashInWorker } from '../../electron/core/crypto/stream';
import { createMonoDecoder } from '../../electron/core/services/asr/audio';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { storeDir } from '../../electron/core/vault/layout';
import { blobsIn, loopBusy, randomWav } from './large-work';
import { admit, findNeedles, listFiles, makeVault, tempDir } from './helpers';

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

describe('an export whose folder fills up or goes away', () => {
  it('a full disk part way: DISK_FULL (a message in nb and en, not "internal error"), and nothing left in the folder', { timeout: 60_000 }, async (ctx) => {
    const mnt = fs.mkdtempSync(path.join(tempDir(), 'full-'));
    const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'tmpfs', mnt], { encoding: 'utf8' });
    if (mount.status !== 0) {
      console.log(`skipped: this machine does not let the tests mount a tmpfs (${(mount.stderr || String(mount.error)).trim()})`);
      ctx.skip();
      return;
    }
    const { session } = await makeVault();
    try {
      const code = admit(session);
      const rec = new Recordings(session, NOW);
      const wav = path.join(tempDir(), 'i.wav');
      randomWav(wav, 8 * MiB);
      const info = await rec.import(code, wav);
      await expect(rec.export(info.id, path.join(mnt, 'out.wav'))).rejects.toMatchObject({ code: 'DISK_FULL' });
      expect(fs.readdirSync(mnt)).toEqual([]);
    } finally {
      session.lock();
      spawnSync('umount', [mnt]);
      fs.rmdirSync(mnt);
    }
  });

  it('two exports of one recording to one path at once: one is written whole, the other refused with IO, and no temporary file is left', { timeout: 60_000 }, async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const rec = new Recordings(session, NOW);
    const wav = path.join(tempDir(), 'i.wav');
    randomWav(wav, 4 * MiB);
    const info = await rec.import(code, wav);
    const dir = tempDir();
    const out = path.join(dir, 'out.wav');
    const both = await Promise.allSettled([rec.export(info.id, out), rec.export(info.id, out)]);
    expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(both.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: 'IO' } });
    expect(fs.readdirSync(dir)).toEqual(['out.wav']);
    expect(fs.readFileSync(out).equals(fs.readFileSync(wav))).toBe(true);
    session.lock();
  });

  it('the folder removed part way: IO, not "internal error", and nothing of it comes back', { timeout: 60_000 }, async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const rec = new Recordings(session, NOW);
    const wav = path.join(tempDir(), 'i.wav');
    randomWav(wav, 8 * MiB);
    const info = await rec.import(code, wav);
    const dir = path.join(tempDir(), 'usb');
    fs.mkdirSync(dir);
    let gone = false;
    await expect(
      rec.export(info.id, path.join(dir, 'out.wav'), {
        onProgress: () => {
          if (!gone) fs.rmSync(dir, { recursive: true });
          gone = true;
        },
      }),
    ).rejects.toMatchObject({ code: 'IO' });
    expect(gone).toBe(true);
    expect(fs.existsSync(dir)).toBe(false);
    session.lock();
  });
});

/** The Ogg page checksum (CRC-32, polynomial 0x04c11db7, no reflection). */
const OGG_CRC = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();
function oggPage(type: number, granule: bigint, serial: number, seq: number, segments: number[], body: Buffer): Buffer {
  const h = Buffer.alloc(27 + segments.length);
  h.write('OggS', 0, 'latin1');
  h[5] = type;
  h.writeBigInt64LE(granule, 6);
  h.writeUInt32LE(serial, 14);
  h.writeUInt32LE(seq, 18);
  h[26] = segments.length;
  Buffer.from(segments).copy(h, 27);
  const page = Buffer.concat([h, body]);
  let crc = 0;
  for (const b of page) crc = ((crc << 8) ^ OGG_CRC[((crc >>> 24) ^ b) & 0xff]!) >>> 0;
  page.writeUInt32LE(crc, 22);
  return page;
}

/**
 * tone.ogg's two header pages (OpusHead, OpusTags), then one audio packet that never ends:
 * page after page of 255 segments of 255 bytes, each continuing it; the last page says the
 * 2 seconds the tone has. No packet ever completes, so nothing is ever decoded.
 */
function endlessPacketOgg(file: string, bytes: number): void {
  const tone = fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'audio', 'tone.ogg'));
  const headers = tone.subarray(0, 178);
  const serial = tone.readUInt32LE(14);
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, headers);
  const body = Buffer.alloc(255 * 255, 0x5a);
  const segs = new Array<number>(255).fill(255);
  const pages = Math.ceil(bytes / body.length);
  for (let i = 0; i < pages; i++) {
    const last = i === pages - 1;
    fs.writeSync(fd, oggPage((i === 0 ? 0 : 1) | (last ? 4 : 0), last ? 96312n : -1n, serial, 2 + i, segs, body));
  }
  fs.closeSync(fd);
}

describe('a hostile Ogg through the decode worker', () => {
  it('one audio packet that never ends (32 MiB): the decoder gives up on it (AUDIO_DAMAGED) with its buffers within 64 MiB, where it gathered the packet twice, copied anew at every page (446 MB, half a minute; the worker\'s heap cap does not count buffers)', { timeout: 300_000 }, async () => {
    const ogg = path.join(tempDir(), 'endless.ogg');
    endlessPacketOgg(ogg, 32 * MiB);
    // What buffers hold (the parsers' gathered pages and their copies), after every piece:
    // the decoder runs on this thread here, as in the worker.
    const base = process.memoryUsage().arrayBuffers;
    let peak = base;
    let samples = 0;
    const decoder = await createMonoDecoder('ogg', (s) => (samples += s.length), undefined, { declaredMs: 2000 });
    const fd = fs.openSync(ogg, 'r');
    const piece = Buffer.alloc(16 * 1024);
    let failure: unknown = null;
    try {
      for (let at = 0; ; at += piece.length) {
        const got = fs.readSync(fd, piece, 0, piece.length, at);
        if (got === 0) break;
        await decoder.push(piece.subarray(0, got));
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      }
      await decoder.end();
    } catch (err) {
      failure = err;
    } finally {
      fs.closeSync(fd);
      decoder.free();
    }
    console.log('endless Ogg packet, the decoder: buffers grew (MiB)', (peak - base) / MiB);
    expect(failure).toMatchObject({ code: 'AUDIO_DAMAGED' });
    expect(samples).toBe(0);
    expect(peak - base).toBeLessThan(64 * MiB);
  });

  it('the same file imports (the player may try it) without a waveform, and does not keep the import decoding it', { timeout: 300_000 }, async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const rec = new Recordings(session, NOW);
    const ogg = path.join(tempDir(), 'endless.ogg');
    endlessPacketOgg(ogg, 32 * MiB);
    const info = await rec.import(code, ogg);
    expect(info.format).toBe('ogg');
    expect(rec.peaks(info.id)).toBeNull();
    session.lock();
  });
});

describe('an export whose folder is renamed part way', () => {
  it('the export fails (IO), and the temporary file, now under the folder\'s new name where no name of ours leads, holds no plaintext', { timeout: 60_000 }, async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const rec = new Recordings(session, NOW);
    const wav = path.join(tempDir(), 'i.wav');
    randomWav(wav, 8 * MiB);
    const info = await rec.import(code, wav);
    const root = tempDir();
    const dir = path.join(root, 'Intervjuer');
    fs.mkdirSync(dir);
    let moved = false;
    await expect(
      rec.export(info.id, path.join(dir, 'out.wav'), {
        onProgress: () => {
          if (!moved) fs.renameSync(dir, path.join(root, 'Intervjuer (flyttet)'));
          moved = true;
        },
      }),
    ).rejects.toMatchObject({ code: 'IO' });
    expect(moved).toBe(true);
    // Pieces of the recording's sound, from its start, middle and end.
    const plain = fs.readFileSync(wav);
    const needles = [1 * MiB, 4 * MiB, 8 * MiB - 4096].map((at) => plain.subarray(at, at + 4096));
    expect(findNeedles(listFiles(root), needles)).toEqual([]);
    session.lock();
  });
});

describe('what held: a lock, a truncated blob, the check before deleting', () => {
  it('the vault locked part way through an export: CANCELLED, nothing left in the folder', { timeout: 60_000 }, async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const rec = new Recordings(session, NOW);
    const wav = path.join(tempDir(), 'i.wav');
    randomWav(wav, 8 * MiB);
    const info = await rec.import(code, wav);
    const dir = tempDir();
    await expect(rec.export(info.id, path.join(dir, 'out.wav'), { onProgress: ({ bytes }) => bytes >= 2 * MiB && !session.isLocked && session.lock() })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('a cancel before the start and a cancel with the last batch\'s progress: CANCELLED, nothing left in the folder', { timeout: 60_000 }, async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const rec = new Recordings(session, NOW);
    const wav = path.join(tempDir(), 'i.wav');
    randomWav(wav, 3 * MiB);
    const info = await rec.import(code, wav);
    const dir = tempDir();
    await expect(rec.export(info.id, path.join(dir, 'out.wav'), { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(fs.readdirSync(dir)).toEqual([]);
    const stop = new AbortController();
    let last = 0;
    await expect(
      rec.export(info.id, path.join(dir, 'out.wav'), {
        signal: stop.signal,
        onProgress: ({ bytes, total }) => {
          last = bytes;
          if (bytes === total) stop.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(last).toBe(info.size);
    expect(fs.readdirSync(dir)).toEqual([]);
    session.lock();
  });

  it('a blob cut short on disk: INTEGRITY, nothing left in the folder', { timeout: 60_000 }, async () => {
    const { dir: vault, session } = await makeVault();
    const code = admit(session);
    const rec = new Recordings(session, NOW);
    const wav = path.join(tempDir(), 'i.wav');
    randomWav(wav, 4 * MiB);
    const info = await rec.import(code, wav);
    const [blob] = blobsIn(vault);
    const file = path.join(storeDir(vault, 'recordings'), 'blobs', blob!);
    fs.truncateSync(file, Math.floor(fs.statSync(file).size * 0.6));
    const dir = tempDir();
    await expect(rec.export(info.id, path.join(dir, 'out.wav'))).rejects.toMatchObject({ code: 'INTEGRITY' });
    expect(fs.readdirSync(dir)).toEqual([]);
    session.lock();
  });

  it('the vault locked while the original is checked: CANCELLED, and the original is still there, whole', { timeout: 60_000 }, async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const rec = new Recordings(session, NOW);
    const wav = path.join(tempDir(), 'i.wav');
    randomWav(wav, 8 * MiB);
    const before = fs.readFileSync(wav);
    const info = await rec.import(code, wav);
    await expect(rec.deleteOriginal(info.id, wav, { onProgress: ({ bytes }) => bytes >= 2 * MiB && !session.isLocked && session.lock() })).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(fs.readFileSync(wav).equals(before)).toBe(true);
  });
});

describe('the vault locked in the last moment of an export (while the file is renamed into place)', () => {
  it('CANCELLED, the file not kept, and its overwriting does not hold this thread (it took 0.4 s of it for 128 MiB, 3 s a GiB)', { timeout: 120_000 }, async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const rec = new Recordings(session, NOW);
    const wav = path.join(tempDir(), 'i.wav');
    randomWav(wav, 128 * MiB);
    const info = await rec.import(code, wav);
    const dir = tempDir();
    // The same export, not locked: what this thread gives it on this machine now.
    const normal = await loopBusy(() => rec.export(info.id, path.join(dir, 'kept.wav')));
    const real = fs.promises.rename;
    const spy = vi.spyOn(fs.promises, 'rename').mockImplementation(async (from, to) => {
      await real(from, to);
      session.lock();
    });
    let failure: unknown = null;
    let locked: Awaited<ReturnType<typeof loopBusy>>;
    try {
      locked = await loopBusy(() => rec.export(info.id, path.join(dir, 'locked.wav')).catch((e: unknown) => (failure = e)));
    } finally {
      spy.mockRestore();
    }
    console.log('export, this thread (ms):', { normal, locked });
    expect(failure).toMatchObject({ code: 'CANCELLED' });
    expect(fs.readdirSync(dir)).toEqual(['kept.wav']);
    expect(locked.longestBusyMs).toBeLessThan(3 * normal.longestBusyMs + 50);
  });
});
