/**
 * Seekable encryption for recordings, after age's STREAM design: the plaintext is
 * cut into 64 KiB chunks, each sealed with ChaCha20-Poly1305 (RFC 8439, node:crypto,
 * native speed) under a random per-recording key, with the nonce
 *
 *     11-byte big-endian chunk counter || 1 byte: 0x01 on the last chunk, else 0x00
 *
 * and, as associated data, a hash of the file header (which names the vault and the
 * recording). Any chunk can be decrypted on its own, so playback can jump anywhere.
 * Reordered, dropped, duplicated or truncated chunks, trailing bytes, or a blob moved
 * to another recording all fail authentication. Only the last chunk may be short, and
 * it is empty only when the whole recording is.
 *
 * The per-recording key lives in the recording's record, sealed with the participant's
 * key: destroying that key makes the blob noise.
 */
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { encodeFields } from './encoding';
import { HvelvError, integrity } from '../errors';
import { shredFileAsync } from '../vault/safe-delete';

export const CHUNK_SIZE = 64 * 1024;
export const TAG_SIZE = 16;
const MAGIC = Buffer.from('HVLVRC01', 'latin1');
export const STREAM_HEADER_SIZE = 32;
const STREAM_VERSION = 1;

/** The 32-byte header: magic, version, chunk size, recording id (16 bytes). */
export function streamHeader(recordingId: Uint8Array): Buffer {
  if (recordingId.length !== 16) throw new RangeError('recording id must be 16 bytes');
  const h = Buffer.alloc(STREAM_HEADER_SIZE);
  MAGIC.copy(h, 0);
  h.writeUInt8(STREAM_VERSION, 8);
  h.writeUInt32BE(CHUNK_SIZE, 12);
  Buffer.from(recordingId).copy(h, 16);
  return h;
}

/** Associated data of every chunk: binds the chunk to this header, vault and recording. */
export function streamAd(vaultId: string, header: Uint8Array): Buffer {
  return createHash('sha256').update(encodeFields('hvelv/recording-stream', [1, vaultId, header])).digest();
}

function nonce(counter: number, last: boolean): Buffer {
  const n = Buffer.alloc(12);
  // 11-byte big-endian counter (bytes 0-10); numbers are exact to 2^53, far beyond any recording.
  n.writeUIntBE(Math.floor(counter / 2 ** 48), 0, 5);
  n.writeUIntBE(counter % 2 ** 48, 5, 6);
  n.writeUInt8(last ? 1 : 0, 11);
  return n;
}

export function sealChunk(key: Uint8Array, ad: Uint8Array, counter: number, last: boolean, plain: Uint8Array): Buffer {
  const c = createCipheriv('chacha20-poly1305', key, nonce(counter, last), { authTagLength: TAG_SIZE });
  c.setAAD(ad, { plaintextLength: plain.length });
  const body = c.update(plain);
  c.final();
  return Buffer.concat([body, c.getAuthTag()]);
}

/** null when the chunk does not authenticate (wrong position, flag, key, header or bytes). */
export function openChunk(key: Uint8Array, ad: Uint8Array, counter: number, last: boolean, sealed: Uint8Array): Buffer | null {
  if (sealed.length < TAG_SIZE) return null;
  const d = createDecipheriv('chacha20-poly1305', key, nonce(counter, last), { authTagLength: TAG_SIZE });
  d.setAAD(ad, { plaintextLength: sealed.length - TAG_SIZE });
  d.setAuthTag(sealed.subarray(sealed.length - TAG_SIZE));
  const body = d.update(sealed.subarray(0, sealed.length - TAG_SIZE));
  try {
    d.final();
  } catch {
    body.fill(0);
    return null;
  }
  return body;
}

/** Chunk layout of an encrypted blob of `fileSize` bytes; INTEGRITY when no valid blob has that size. */
export function layout(fileSize: number): { chunks: number; plainSize: number; lastSealedSize: number } {
  const data = fileSize - STREAM_HEADER_SIZE;
  if (data < TAG_SIZE) throw integrity('recording blob is too short');
  const full = CHUNK_SIZE + TAG_SIZE;
  const chunks = Math.ceil(data / full);
  const lastSealedSize = data - (chunks - 1) * full;
  if (lastSealedSize < TAG_SIZE || (chunks > 1 && lastSealedSize === TAG_SIZE)) throw integrity('recording blob has an impossible length');
  return { chunks, plainSize: (chunks - 1) * CHUNK_SIZE + (lastSealedSize - TAG_SIZE), lastSealedSize };
}

/**
 * Random access to an encrypted blob. Opening checks the header and authenticates
 * the final chunk, so a truncated or extended blob is refused before any byte is
 * served; other chunks are authenticated as they are read.
 */
export class StreamReader {
  readonly plainSize: number;
  private readonly chunks: number;
  private readonly lastSealedSize: number;
  private readonly ad: Buffer;

  private constructor(
    private readonly fd: number,
    private readonly key: Uint8Array,
    vaultId: string,
    header: Buffer,
    fileSize: number,
  ) {
    const l = layout(fileSize);
    this.chunks = l.chunks;
    this.plainSize = l.plainSize;
    this.lastSealedSize = l.lastSealedSize;
    this.ad = streamAd(vaultId, header);
  }

  static open(file: string, key: Uint8Array, vaultId: string, recordingId: Uint8Array): StreamReader {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (err) {
      throw integrity('the recording file is missing', err);
    }
    try {
      const size = fs.fstatSync(fd).size;
      const header = Buffer.alloc(STREAM_HEADER_SIZE);
      if (size < STREAM_HEADER_SIZE || fs.readSync(fd, header, 0, STREAM_HEADER_SIZE, 0) !== STREAM_HEADER_SIZE) throw integrity('recording blob has no header');
      if (!header.equals(streamHeader(recordingId))) throw integrity('recording blob header does not match its record');
      // Our own copy of the key, overwritten on close; the caller's stays the caller's.
      const reader = new StreamReader(fd, new Uint8Array(key), vaultId, header, size);
      reader.chunk(reader.chunks - 1).fill(0);
      return reader;
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  get chunkCount(): number {
    return this.chunks;
  }

  /** Decrypt chunk `i` (0-based). */
  chunk(i: number): Buffer {
    if (!Number.isInteger(i) || i < 0 || i >= this.chunks) throw new RangeError(`chunk ${i} out of range`);
    const last = i === this.chunks - 1;
    const full = CHUNK_SIZE + TAG_SIZE;
    const start = STREAM_HEADER_SIZE + i * full;
    const len = last ? this.lastSealedSize : full;
    const sealed = Buffer.alloc(len);
    const got = fs.readSync(this.fd, sealed, 0, len, start);
    if (got !== len) throw integrity(`recording chunk ${i} is short`);
    const plain = openChunk(this.key, this.ad, i, last, sealed);
    if (!plain) throw integrity(`recording chunk ${i} does not authenticate (altered, moved or truncated)`);
    return plain;
  }

  /** Plaintext bytes [start, end] inclusive, decrypting only the chunks that hold them. */
  read(start: number, end: number): Buffer {
    if (start < 0 || end < start || end >= this.plainSize) throw new RangeError('range outside the recording');
    const first = Math.floor(start / CHUNK_SIZE);
    const lastChunk = Math.floor(end / CHUNK_SIZE);
    const parts: Buffer[] = [];
    for (let i = first; i <= lastChunk; i++) {
      const c = this.chunk(i);
      const from = i === first ? start - i * CHUNK_SIZE : 0;
      const to = i === lastChunk ? end - i * CHUNK_SIZE + 1 : c.length;
      parts.push(c.subarray(from, to));
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /**
   * What a worker needs to read this recording's sealed chunks itself (crypto/reseal.ts):
   * the descriptor (still this reader's, closed with it), where the chunks start, the
   * plaintext length, a copy of the key (the caller overwrites it) and the associated data.
   */
  sealedSource(): { fd: number; offset: number; size: number; key: Uint8Array; ad: Uint8Array } {
    return { fd: this.fd, offset: STREAM_HEADER_SIZE, size: this.plainSize, key: new Uint8Array(this.key), ad: new Uint8Array(this.ad) };
  }

  /** Close the file and overwrite the recording's key this reader held. */
  close(): void {
    this.key.fill(0);
    fs.closeSync(this.fd);
  }
}

export interface EncryptProgress {
  bytes: number;
  total: number;
}

/** Plaintext read and sealed per batch: 16 chunks (1 MiB). Input buffers are recycled. */
export const BATCH = 16 * CHUNK_SIZE;

/**
 * Writes go to the disk directly (O_DIRECT, where the platform has it), not through the
 * page cache: copying a gigabyte into the cache costs about as much CPU as sealing it,
 * and on two cores that was the bottleneck. Direct I/O wants buffer addresses, file
 * offsets and lengths aligned to the device's block; 4 KiB covers 512-byte and 4K
 * devices. Sealed bytes are staged in slots of a shared WebAssembly memory, which is
 * page-aligned (Node's own buffers are not); the file is written in whole blocks and
 * the last one, padded with zeros, is cut back to the blob's length.
 */
const ALIGN = 4096;
const SEALED_BATCH = (BATCH / CHUNK_SIZE) * (CHUNK_SIZE + TAG_SIZE);
/** A slot holds the bytes carried over from the previous batch (< ALIGN) plus one sealed batch, padded. */
const SLOT_SIZE = Math.ceil((SEALED_BATCH + ALIGN) / ALIGN) * ALIGN;
/** Two batches being sealed and two being written. */
const SLOTS = 4;
const WASM_PAGE = 64 * 1024;
/** Node's typings declare WebAssembly's types but not its value. */
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number; shared: true }) => { buffer: SharedArrayBuffer } } }).WebAssembly.Memory;

/**
 * The sealing side of the pipeline, in a worker thread so that encryption (one core)
 * runs beside reading and hashing (the other). Each batch is sealed into a slot of the
 * shared memory after the bytes the previous batch left over; whole blocks go back to
 * be written and the rest is carried to the next slot. The nonce layout is the same as
 * `nonce()` above; the round-trip tests decrypt its output with `openChunk`.
 */
const SEAL_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createCipheriv } = require('node:crypto');
const key = Buffer.from(workerData.key);
workerData.key.fill(0);
const ad = Buffer.from(workerData.ad);
const slots = workerData.slots;
const C = ${CHUNK_SIZE}, T = ${TAG_SIZE}, A = ${ALIGN}, S = ${SLOT_SIZE};
// The stream header goes first, carried into the first slot.
let carry = Buffer.from(workerData.header);
parentPort.on('message', (m) => {
  if (m.done) { key.fill(0); process.exit(0); }
  const input = Buffer.from(m.buf, 0, m.len);
  const out = Buffer.from(slots, m.slot * S, S);
  let at = carry.copy(out, 0);
  const chunks = Math.max(1, Math.ceil(m.len / C));
  const n = Buffer.alloc(12);
  for (let j = 0; j < chunks; j++) {
    const counter = m.counter + j;
    n.writeUIntBE(Math.floor(counter / 2 ** 48), 0, 5);
    n.writeUIntBE(counter % 2 ** 48, 5, 6);
    n[11] = m.final && j === chunks - 1 ? 1 : 0;
    const plain = input.subarray(j * C, Math.min(m.len, (j + 1) * C));
    const c = createCipheriv('chacha20-poly1305', key, n, { authTagLength: T });
    c.setAAD(ad, { plaintextLength: plain.length });
    at += c.update(plain).copy(out, at);
    c.final();
    at += c.getAuthTag().copy(out, at);
  }
  // The plaintext buffer goes back, wiped, to be filled again.
  input.fill(0);
  let len;
  if (m.final) {
    len = Math.ceil(at / A) * A;
    out.fill(0, at, len);
    carry = Buffer.alloc(0);
  } else {
    len = Math.floor(at / A) * A;
    carry = Buffer.from(out.subarray(len, at));
  }
  parentPort.postMessage({ slot: m.slot, len, end: at, input: m.buf }, [m.buf]);
});
`;

interface Sealed {
  slot: number;
  /** Bytes to write from the slot: whole blocks. */
  len: number;
  /** Where the sealed bytes end in the slot (the last batch is padded past this). */
  end: number;
}

/**
 * Encrypt `source` into `target` as a stream blob. Reads 1 MiB at a time, hashes the
 * plaintext with SHA-256 on this thread while a worker seals the previous batch, and
 * writes in order; memory stays flat whatever the size. The blob is written under a
 * temporary name, fsynced, and renamed only when complete; on cancel or any error the
 * temporary file is removed, so nothing partial is ever left. Only ciphertext is
 * written. `directIo: false` writes through the page cache (the fallback where direct
 * I/O is refused; tests use it to check both paths give the same blob). `onPlain` sees
 * each plaintext batch on this thread, between the hash and the seal.
 */
export async function encryptFileToBlob(
  source: string,
  target: string,
  opts: {
    key: Uint8Array;
    vaultId: string;
    recordingId: Uint8Array;
    signal?: AbortSignal;
    onProgress?: (p: EncryptProgress) => void;
    directIo?: boolean;
    /**
     * Each batch of plaintext, in order, as it passes (the import's one pass: the waveform
     * is folded from it). The buffer is wiped and reused once this returns or settles:
     * keep nothing of it.
     */
    onPlain?: (plain: Buffer) => void | Promise<void>;
  },
): Promise<{ plainSize: number; sha256: string }> {
  const header = streamHeader(opts.recordingId);
  const ad = streamAd(opts.vaultId, header);
  const tmp = `${target}.partial`;
  // Non-blocking open and a check of what was opened: a FIFO put in place of the file
  // after it was probed must not hang the import while it holds the vault lock.
  const input = await fs.promises.open(source, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  if (!(await input.stat()).isFile()) {
    await input.close();
    throw new HvelvError('FILE_NOT_REGULAR', 'the recording is not an ordinary file');
  }
  let output: fs.promises.FileHandle | undefined;
  const pages = Math.ceil((SLOTS * SLOT_SIZE) / WASM_PAGE);
  const slots = new WasmMemory({ initial: pages, maximum: pages, shared: true }).buffer;
  const workerKey = new Uint8Array(opts.key);
  const worker = new Worker(SEAL_WORKER, { eval: true, workerData: { key: workerKey, ad, header, slots } });
  // workerData is copied into the worker; our copy is not needed once it has started.
  worker.once('online', () => workerKey.fill(0));
  const waiting: { resolve: (s: Sealed) => void; reject: (e: Error) => void }[] = [];
  let failed: Error | null = null;
  const spare: ArrayBuffer[] = [];
  worker.on('message', (r: Sealed & { input: ArrayBuffer }) => {
    spare.push(r.input);
    waiting.shift()?.resolve(r);
  });
  let exited = false;
  worker.on('error', (e) => {
    failed = e;
    for (const w of waiting.splice(0)) w.reject(e);
  });
  worker.once('exit', () => {
    exited = true;
    failed ??= new Error('the sealing worker stopped');
    for (const w of waiting.splice(0)) w.reject(failed);
  });
  const seal = (buf: Buffer, counter: number, final: boolean, slot: number): Promise<Sealed> => {
    const sealed = new Promise<Sealed>((resolve, reject) => {
      if (failed) return reject(failed);
      waiting.push({ resolve, reject });
      worker.postMessage({ buf: buf.buffer, len: buf.length, counter, final, slot }, [buf.buffer as ArrayBuffer]);
    });
    // Awaited in order by collect(); until then a failure must not count as unhandled
    // (that would end the process).
    sealed.catch(() => undefined);
    return sealed;
  };
  // Plaintext buffers this thread holds (those sent to the worker come back wiped):
  // overwritten if the import stops part way.
  const held = new Set<Buffer>();
  const readBatch = async (): Promise<Buffer> => {
    const recycled = spare.pop();
    const buf = recycled ? Buffer.from(recycled) : Buffer.allocUnsafeSlow(BATCH);
    held.add(buf);
    const n = await readFull(input, buf);
    return buf.subarray(0, n);
  };
  const writes = new Map<number, Promise<void>>();
  try {
    const total = (await input.stat()).size;
    const direct = opts.directIo !== false && fs.constants.O_DIRECT !== undefined;
    const flags = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL;
    let directHandle: fs.promises.FileHandle | undefined;
    if (direct) {
      // A file system that refuses direct I/O outright (EINVAL at open) is written through the cache.
      directHandle = await fs.promises.open(tmp, flags | fs.constants.O_DIRECT!, 0o600).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EINVAL') return undefined;
        throw err;
      });
    }
    output = directHandle ?? (await fs.promises.open(tmp, flags, 0o600));
    let fallback: Promise<unknown> | undefined;
    const writeAt = async (bytes: Uint8Array, at: number): Promise<void> => {
      for (let done = 0; done < bytes.length; ) {
        const handle = output!;
        try {
          const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, at + done);
          done += bytesWritten;
        } catch (err) {
          // Direct I/O accepted at open but refused for this device's alignment: reopen
          // through the cache once and go on (positions are absolute, order does not matter).
          if (handle !== directHandle || (err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
          fallback ??= fs.promises.open(tmp, 'r+').then(async (h) => {
            output = h;
            await handle.close();
          });
          await fallback;
        }
      }
    };
    const free = Array.from({ length: SLOTS }, (_, i) => i);
    let writeFailed: { err: unknown } | undefined;
    const throwIfWriteFailed = (): void => {
      if (writeFailed) throw writeFailed.err;
      if (failed) throw failed;
    };
    const sealing: Promise<Sealed>[] = [];
    const hash = createHash('sha256');
    let counter = 0;
    let read = 0;
    let written = 0;
    let position = 0;
    let end = 0;
    // Sealed batches are written at their own offsets, so writes overlap; a slot is
    // reused only after its write has finished.
    const collect = async (): Promise<void> => {
      const s = await sealing.shift()!;
      const at = position;
      position += s.len;
      end = at + s.end;
      // A failed write is kept, not left as a rejected promise nobody awaits yet (that
      // would end the process); the loop checks for it and cleans up like a cancel.
      writes.set(
        s.slot,
        writeAt(new Uint8Array(slots, s.slot * SLOT_SIZE, s.len), at).then(
          () => {
            written += s.len;
            try {
              opts.onProgress?.({ bytes: Math.min(total, Math.round((written / Math.max(1, position)) * read)), total });
            } catch {
              // Progress is for the eye only (the window may be gone): the import goes on.
            }
          },
          (err: unknown) => {
            writeFailed ??= { err };
          },
        ),
      );
    };
    const takeSlot = async (): Promise<number> => {
      while (free.length === 0) {
        const [slot, done] = writes.entries().next().value as [number, Promise<void>];
        await done;
        writes.delete(slot);
        free.push(slot);
      }
      throwIfWriteFailed();
      return free.shift()!;
    };
    let batch = await readBatch();
    for (;;) {
      if (opts.signal?.aborted) throw new DOMException('import cancelled', 'AbortError');
      throwIfWriteFailed();
      // Start the next read now, so the disk works while this batch is hashed and sealed.
      const nextRead = batch.length === BATCH ? readBatch() : Promise.resolve(Buffer.alloc(0));
      hash.update(batch);
      if (opts.onPlain) await opts.onPlain(batch);
      const next = await nextRead;
      const final = next.length === 0;
      read += batch.length;
      // Count before sealing: the batch's memory moves to the worker and reads as empty after.
      const chunks = Math.max(1, Math.ceil(batch.length / CHUNK_SIZE));
      if (sealing.length >= 2) await collect();
      sealing.push(seal(batch, counter, final, await takeSlot()));
      counter += chunks;
      if (final) break;
      batch = next;
    }
    while (sealing.length > 0) await collect();
    await Promise.all(writes.values());
    writes.clear();
    throwIfWriteFailed();
    // A cancel that arrives at any moment before the rename still cancels.
    if (opts.signal?.aborted) throw new DOMException('import cancelled', 'AbortError');
    if (read !== total || (await input.stat()).size !== total) {
      throw new Error('the file changed while it was being read');
    }
    // The last block was padded to the block size: cut the blob back to its length.
    await output.truncate(end);
    await output.sync();
    await output.close();
    output = undefined;
    await fs.promises.rename(tmp, target);
    return { plainSize: read, sha256: hash.digest('hex') };
  } catch (err) {
    // (A buffer handed to the worker is detached here: byteLength 0, nothing to wipe.)
    for (const b of held) if (b.byteLength > 0) b.fill(0);
    await Promise.allSettled(writes.values());
    await output?.close().catch(() => undefined);
    await fs.promises.rm(tmp, { force: true });
    throw err;
  } finally {
    // Let the worker wipe its key copy before it goes (unless it has already stopped).
    await new Promise<void>((resolve) => {
      if (exited) return resolve();
      const timer = setTimeout(() => void worker.terminate(), 1000);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      worker.postMessage({ done: true });
    });
    workerKey.fill(0);
    await input.close();
  }
}

/** Fill `buf` from the file's current position; returns bytes read (< length only at end of file). */
async function readFull(fh: fs.promises.FileHandle, buf: Buffer): Promise<number> {
  let off = 0;
  while (off < buf.length) {
    const { bytesRead } = await fh.read(buf, off, buf.length - off, null);
    if (bytesRead === 0) break;
    off += bytesRead;
  }
  return off;
}

/** Where a worker reads a recording's sealed chunks: StreamReader.sealedSource(). */
export interface SealedSource {
  fd: number;
  offset: number;
  size: number;
  key: Uint8Array;
  ad: Uint8Array;
}

/**
 * One pass over a recording in a worker thread, so that a gigabyte decrypted and hashed
 * never holds the app's main thread (issue 27): either the sealed chunks of `from` are
 * read (through the descriptor this thread opened and checked: worker threads share the
 * process's file table), each opened and hashed, and written to `out` if given (then
 * fsynced); or the plain file `plainFd` is read from its start and hashed (the original
 * checked before it is deleted). Plaintext is copied into a batch buffer, the chunk's
 * own buffer overwritten at once; a batch is written by the thread pool while the next
 * is decrypted (two buffers), and overwritten once written (or once hashed, when nothing
 * is written); the key is overwritten when the worker ends. A cancel (checked before each
 * 1 MiB batch) ends it part way. The nonce layout is nonce()'s above.
 */
const OPEN_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const { createDecipheriv, createHash } = require('node:crypto');
const C = ${CHUNK_SIZE}, T = ${TAG_SIZE}, FULL = C + T, N = ${BATCH / CHUNK_SIZE};
const cancel = new Int32Array(workerData.cancel);
const job = workerData.job;
const from = job.from;
class Stop extends Error {}
const fail = (message) => Object.assign(new Error(message), { integrity: true });
// Two plaintext batches: one is decrypted while the other is written (by the thread pool).
const plains = [Buffer.alloc(N * C), Buffer.alloc(N * C)];
const n12 = Buffer.alloc(12);
const readAt = (fd, buf, len, pos) => {
  let got = 0;
  while (got < len) {
    const r = fs.readSync(fd, buf, got, len - got, pos + got);
    if (r === 0) break;
    got += r;
  }
  return got;
};
const write = (fd, b, off) => new Promise((resolve, reject) => fs.write(fd, b, off, b.length - off, null, (err, n) => (err ? reject(err) : resolve(n))));
const writeAll = async (fd, b) => { for (let off = 0; off < b.length; ) off += await write(fd, b, off); };
let done = 0, told = 0;
const progress = () => { if (done - told >= ${BATCH}) { told = done; parentPort.postMessage({ t: 'progress', bytes: done }); } };
let writing = null;
(async () => {
  try {
    const hash = createHash('sha256');
    if (from) {
      const n = Math.max(1, Math.ceil(from.size / C));
      const lastLen = from.size - (n - 1) * C + T;
      const sealed = Buffer.alloc(N * FULL);
      let which = 0;
      for (let i = 0; i < n; i += N) {
        if (Atomics.load(cancel, 0) !== 0) throw new Stop('cancelled');
        const k = Math.min(N, n - i);
        const len = (k - 1) * FULL + (i + k === n ? lastLen : FULL);
        if (readAt(from.fd, sealed, len, from.offset + i * FULL) !== len) throw fail('recording chunk ' + (i + k - 1) + ' is short');
        const plain = plains[which];
        let at = 0;
        for (let j = 0; j < k; j++) {
          const idx = i + j, last = idx === n - 1, sl = last ? lastLen : FULL;
          const s = sealed.subarray(j * FULL, j * FULL + sl);
          n12.writeUIntBE(Math.floor(idx / 2 ** 48), 0, 5);
          n12.writeUIntBE(idx % 2 ** 48, 5, 6);
          n12[11] = last ? 1 : 0;
          const d = createDecipheriv('chacha20-poly1305', from.key, n12, { authTagLength: T });
          d.setAAD(from.ad, { plaintextLength: sl - T });
          d.setAuthTag(s.subarray(sl - T));
          const p = d.update(s.subarray(0, sl - T));
          try { d.final(); } catch { p.fill(0); throw fail('recording chunk ' + idx + ' does not authenticate (altered, moved or truncated)'); }
          at += p.copy(plain, at);
          p.fill(0);
        }
        const out = plain.subarray(0, at);
        hash.update(out);
        if (job.out !== undefined) {
          // The batch before must be written (in order) before this one goes; then this one
          // is written while the next is decrypted, and overwritten once it is.
          await writing;
          writing = writeAll(job.out, out).then(() => { out.fill(0); });
          writing.catch(() => undefined);
          which ^= 1;
        } else out.fill(0);
        done += at;
        progress();
      }
      await writing;
    } else {
      const plain = plains[0];
      for (;;) {
        if (Atomics.load(cancel, 0) !== 0) throw new Stop('cancelled');
        const got = readAt(job.plainFd, plain, plain.length, done);
        hash.update(plain.subarray(0, got));
        plain.fill(0, 0, got);
        done += got;
        if (got < plain.length) break;
        progress();
      }
    }
    if (job.out !== undefined) fs.fsyncSync(job.out);
    parentPort.postMessage({ t: 'done', bytes: done, sha256: hash.digest('hex') });
  } catch (e) {
    parentPort.postMessage({ t: 'error', cancelled: e instanceof Stop, integrity: !!e.integrity, code: e.code, message: String(e.message) });
  } finally {
    await (writing && writing.catch(() => undefined));
    for (const p of plains) p.fill(0);
    if (from) from.key.fill(0);
  }
})();
`;

/**
 * Run one OPEN_WORKER job: resolves with the SHA-256 (hex) of the plaintext read.
 * Rejects with an AbortError on `signal` (also when it comes after the last batch: the
 * caller asked to stop, so what was made is not kept), an INTEGRITY error where a chunk
 * does not open, the file system's error otherwise. The key in `from` is the caller's
 * (overwrite it after); the worker's copy is overwritten there. Progress every 1 MiB. Settles
 * only once the worker has exited: nothing writes to `out` or reads `from` after it.
 */
export function hashInWorker(
  job: { from: SealedSource; out?: number } | { plainFd: number },
  opts: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {},
): Promise<string> {
  const aborted = (): DOMException => new DOMException('cancelled', 'AbortError');
  if (opts.signal?.aborted) return Promise.reject(aborted());
  const cancel = new SharedArrayBuffer(4);
  const flag = new Int32Array(cancel);
  const worker = new Worker(OPEN_WORKER, { eval: true, workerData: { cancel, job } });
  return new Promise<string>((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => void Atomics.store(flag, 0, 1);
    opts.signal?.addEventListener('abort', onAbort);
    const finish = (err: Error | null, sha256?: string): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      if (!err && opts.signal?.aborted) err = aborted();
      if (err) reject(err);
      else resolve(sha256!);
    };
    let outcome: { err: Error | null; sha256?: string } | undefined;
    worker.on('message', (m: { t: 'progress'; bytes: number } | { t: 'done'; bytes: number; sha256: string } | { t: 'error'; cancelled: boolean; integrity: boolean; code?: string; message: string }) => {
      if (m.t === 'progress' || m.t === 'done') {
        try {
          opts.onProgress?.(m.bytes);
        } catch {
          // Progress is for the eye only.
        }
      }
      if (m.t === 'done') outcome ??= { err: null, sha256: m.sha256 };
      if (m.t !== 'error') return;
      if (m.cancelled) outcome ??= { err: aborted() };
      else if (m.integrity) outcome ??= { err: integrity(m.message) };
      else outcome ??= { err: Object.assign(new Error(m.message), { code: m.code }) };
    });
    worker.on('error', (e) => (outcome ??= { err: e }));
    // Settled only once the worker has gone: a cancel or a failure is reported while a
    // batch may still be on its way to \`out\` (through the thread pool, on a slow drive for
    // long), and the caller closes that descriptor and shreds the file once this settles.
    // A write still running then would go on into the shredded file, or into whatever file
    // reused the descriptor's number.
    worker.once('exit', () => {
      const o = outcome ?? { err: new Error('the decrypting worker stopped') };
      finish(o.err, o.sha256);
    });
  });
}

/** Overwrite an open file with zeros to its end, sync it, and cut it to nothing (off this thread: the thread pool writes). */
async function overwriteOpen(fh: fs.promises.FileHandle): Promise<void> {
  const size = (await fh.stat()).size;
  const zeros = Buffer.alloc(Math.min(Math.max(size, 1), BATCH));
  for (let off = 0; off < size; ) off += (await fh.write(zeros, 0, Math.min(zeros.length, size - off), off)).bytesWritten;
  await fh.sync();
  await fh.truncate(0);
  await fh.sync();
}

/**
 * Decrypt a whole blob into `target` (temp file, fsync, rename), returning the plaintext's
 * SHA-256. The decryption, hashing and writing run in a worker thread (hashInWorker), so
 * the calling thread stays free. A cancel (`signal`) or any failure leaves no file: the
 * temporary one is overwritten (in slices off this thread) and removed.
 */
export async function decryptBlobToFile(
  reader: StreamReader,
  target: string,
  tmp = `${target}.partial-${process.pid}`,
  opts: { signal?: AbortSignal; onProgress?: (p: EncryptProgress) => void } = {},
): Promise<string> {
  const out = await fs.promises.open(tmp, 'wx', 0o600);
  const from = reader.sealedSource();
  const total = reader.plainSize;
  let hash: string;
  let placed = false;
  try {
    hash = await hashInWorker({ from, out: out.fd }, { signal: opts.signal, onProgress: (bytes) => opts.onProgress?.({ bytes, total }) });
    // Renamed while still open: should the rename fail (the folder gone or renamed), the
    // descriptor is what still leads to the plaintext, for the overwrite below.
    await fs.promises.rename(tmp, target);
    placed = true;
    await out.close();
  } catch (err) {
    // Plaintext: overwritten, not only unlinked; first through the descriptor, which still
    // leads to it when the name no longer does (its folder renamed or removed meanwhile:
    // the shred by name then finds nothing, and the export note, finding nothing there
    // either, is dropped). Then the name is removed. (If that fails too, the caller's export
    // note keeps it for the next open; the first error is the one to report.)
    // (Placed but not closed cleanly: the file under the name asked for goes the same way.)
    await overwriteOpen(out).catch(() => undefined);
    await out.close().catch(() => undefined);
    await shredFileAsync(placed ? target : tmp).catch(() => undefined);
    throw err;
  } finally {
    from.key.fill(0);
  }
  return hash;
}
