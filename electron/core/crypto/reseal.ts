/**
 * Re-sealing recordings from one key to another in a worker thread: what making a share
 * with recordings (the student's store → the share's streams) and opening one (the
 * share's streams → the supervisor's store) do to every byte of audio. Both were done on
 * the app's main thread, a gigabyte at a time (issue 27: 1.27 s for 144 MB, and a whole
 * study is gigabytes); the window froze and nothing could stop it.
 *
 * The worker reads sealed chunks from descriptors this thread opened and checked (worker
 * threads share the process's file table, so what was checked is what is read), opens
 * each chunk, hashes its plaintext, seals it under the output's key and writes it to a
 * temporary file it creates; the plaintext is overwritten at once and never leaves the
 * worker's memory. The temporary file is fsynced before the worker says it is done; the
 * caller renames it into place. A cancel (checked before every chunk) or any failure
 * removes the temporary file, so nothing half-written is left (only ciphertext was in it).
 *
 * The layout of a stream, in and out, is the recording store's (stream.ts): 64 KiB
 * chunks, each followed by its 16-byte tag, the nonce "11-byte chunk index || last flag".
 */
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { CHUNK_SIZE, TAG_SIZE } from './stream';
import { HvelvError, integrity } from '../errors';

/** One stream to re-seal: where its sealed chunks are, its key and associated data, and what it must hash to. */
export interface ResealInput {
  /** An open descriptor of the file that holds it (the caller's; it stays open). */
  fd: number;
  /** Where its first sealed chunk starts. */
  offset: number;
  /** Its plaintext length. */
  size: number;
  key: Uint8Array;
  ad: Uint8Array;
  /** SHA-256 (hex) the plaintext must have; the job fails otherwise. */
  sha256: string;
}

export interface ResealStream {
  from: ResealInput;
  /** The output's key and associated data (the stream's chunk counter starts at 0). */
  key: Uint8Array;
  ad: Uint8Array;
}

export interface ResealJob {
  /** The temporary file to create (exclusively, 0600); renamed by the caller when done. */
  tmp: string;
  /** Bytes written first (a share's signed head, a store's stream header). */
  head: Uint8Array;
  streams: ResealStream[];
}

export interface ResealProgress {
  bytes: number;
  total: number;
}

const RESEAL_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { createCipheriv, createDecipheriv, createHash } = require('node:crypto');
const C = ${CHUNK_SIZE}, T = ${TAG_SIZE}, FULL = C + T, BATCH = 16 * FULL;
const cancel = new Int32Array(workerData.cancel);
const job = workerData.job;
const keys = [];
for (const s of job.streams) keys.push(s.key, s.from.key);
const nonce = (counter, last) => {
  const n = Buffer.alloc(12);
  n.writeUIntBE(Math.floor(counter / 2 ** 48), 0, 5);
  n.writeUIntBE(counter % 2 ** 48, 5, 6);
  n[11] = last ? 1 : 0;
  return n;
};
class Stop extends Error {}
let fd = -1;
try {
  fd = fs.openSync(job.tmp, 'wx', 0o600);
  const write = (b) => { let off = 0; while (off < b.length) off += fs.writeSync(fd, b, off, b.length - off); };
  write(Buffer.from(job.head));
  let done = 0, told = 0;
  for (const s of job.streams) {
    const f = s.from;
    const n = Math.max(1, Math.ceil(f.size / C));
    const hash = createHash('sha256');
    const sealed = Buffer.alloc(FULL);
    let batch = [], batched = 0;
    for (let i = 0; i < n; i++) {
      if (Atomics.load(cancel, 0) !== 0) throw new Stop('cancelled');
      const last = i === n - 1;
      const len = last ? f.size - (n - 1) * C + T : FULL;
      let got = 0;
      while (got < len) {
        const r = fs.readSync(f.fd, sealed, got, len - got, f.offset + i * FULL + got);
        if (r === 0) throw Object.assign(new Error('a recording is shorter than it says (chunk ' + i + ')'), { integrity: true });
        got += r;
      }
      const d = createDecipheriv('chacha20-poly1305', f.key, nonce(i, last), { authTagLength: T });
      d.setAAD(f.ad, { plaintextLength: len - T });
      d.setAuthTag(sealed.subarray(len - T, len));
      const plain = d.update(sealed.subarray(0, len - T));
      try { d.final(); } catch { plain.fill(0); throw Object.assign(new Error('chunk ' + i + ' of a recording does not authenticate (altered, moved or truncated)'), { integrity: true }); }
      hash.update(plain);
      const c = createCipheriv('chacha20-poly1305', s.key, nonce(i, last), { authTagLength: T });
      c.setAAD(s.ad, { plaintextLength: plain.length });
      const body = c.update(plain);
      c.final();
      plain.fill(0);
      batch.push(body, c.getAuthTag());
      batched += body.length + T;
      if (batched >= BATCH || last) { write(Buffer.concat(batch)); batch = []; batched = 0; }
      done += len - T;
      if (done - told >= 4 * 1024 * 1024) { told = done; parentPort.postMessage({ t: 'progress', bytes: done }); }
    }
    if (hash.digest('hex') !== f.sha256) throw Object.assign(new Error('a recording does not decrypt to the audio that was recorded for it'), { integrity: true });
  }
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fd = -1;
  parentPort.postMessage({ t: 'done', bytes: done });
} catch (e) {
  if (fd >= 0) { try { fs.closeSync(fd); } catch {} }
  try { fs.unlinkSync(job.tmp); } catch {}
  parentPort.postMessage({ t: 'error', cancelled: e instanceof Stop, integrity: !!e.integrity, code: e.code, message: String(e.message) });
} finally {
  for (const k of keys) k.fill(0);
}
`;

/**
 * Run `job` in a worker: resolves when the temporary file is complete and fsynced
 * (rename it then), rejects with CANCELLED on `signal`, INTEGRITY where a chunk does not
 * open or the audio does not hash as recorded, DISK_FULL on a full disk. The temporary
 * file is gone after any rejection. The keys given are the caller's; the worker's copies
 * are overwritten when it ends. Progress at most every 4 MiB of audio.
 */
export function resealInWorker(job: ResealJob, opts: { signal?: AbortSignal; onProgress?: (p: ResealProgress) => void } = {}): Promise<void> {
  const total = job.streams.reduce((n, s) => n + s.from.size, 0);
  if (opts.signal?.aborted) return Promise.reject(new HvelvError('CANCELLED', 'cancelled'));
  const cancel = new SharedArrayBuffer(4);
  const flag = new Int32Array(cancel);
  // The worker's copies (workerData is cloned): ours are the caller's to wipe.
  const worker = new Worker(RESEAL_WORKER, { eval: true, workerData: { cancel, job } });
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => void Atomics.store(flag, 0, 1);
    opts.signal?.addEventListener('abort', onAbort);
    const finish = (err: Error | null): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) {
        // The worker removes it; if it died first, here.
        fs.rmSync(job.tmp, { force: true });
        reject(err);
      } else resolve();
    };
    worker.on('message', (m: { t: 'progress'; bytes: number } | { t: 'done'; bytes: number } | { t: 'error'; cancelled: boolean; integrity: boolean; code?: string; message: string }) => {
      if (m.t === 'progress') return opts.onProgress?.({ bytes: m.bytes, total });
      if (m.t === 'done') {
        opts.onProgress?.({ bytes: total, total });
        return finish(null);
      }
      if (m.cancelled) finish(new HvelvError('CANCELLED', 'cancelled'));
      else if (m.integrity) finish(integrity(m.message));
      else if (m.code === 'ENOSPC' || m.code === 'EDQUOT') finish(new HvelvError('DISK_FULL', 'no space left on the disk'));
      else finish(Object.assign(new Error(m.message), { code: m.code }));
    });
    worker.on('error', (e) => finish(e));
    worker.once('exit', () => finish(new Error('the re-sealing worker stopped')));
  });
}
