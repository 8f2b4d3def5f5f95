/**
 * The waveform decoded in a worker thread (decode-worker.ts), so that no decoder's
 * WebAssembly is compiled and no sound decoded on the app's main thread (issue 27):
 *
 * - `PeaksWorker`: the import's one pass. Each plaintext batch is copied into a buffer
 *   that is transferred to the worker (the import's own buffer is wiped and reused by
 *   the sealing as before); the worker decodes it, overwrites it with zeros and sends it
 *   back for the next batch. At most IN_FLIGHT batches are on their way, so memory stays
 *   flat whatever the length; a decoder slower than the disk makes the import wait, as
 *   decoding on this thread did. A worker that fails gives no waveform, never a failed
 *   import.
 * - `peaksInWorker`: the waveform of a recording imported before the one-pass import,
 *   decrypted and decoded in the worker from the sealed blob.
 *
 * The worker is the bundle's `decode-worker.js` beside this code in a build (the app and
 * the `hvelv` command), the TypeScript source through tsx when run from source (tests).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AudioFacts } from '../../../../shared/contract';
import type { SealedSource } from '../../crypto/stream';
import type { ErrorCode } from '../../../../shared/errors';
import { HvelvError } from '../../errors';
import type { DecodeJob, FromDecodeWorker, ToDecodeWorker } from './decode-worker';

/** Plaintext batches handed to the worker and not yet given back. */
const IN_FLIGHT = 3;

/**
 * The decoders' JavaScript heap is bounded: JavaScript objects allocated without end end
 * the worker (no waveform), not the app. This does not bound buffers (typed arrays,
 * Buffer) nor WebAssembly memory, which V8 keeps outside that heap: what decoders gather
 * there is bounded by the reader's checks in asr/audio.ts, nothing here.
 */
const LIMITS = { maxOldGenerationSizeMb: 256 };

function startWorker(job: DecodeJob): Worker {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, path.dirname(here)]) {
    const built = path.join(dir, 'decode-worker.js');
    if (fs.existsSync(built)) return new Worker(built, { workerData: job, resourceLimits: LIMITS });
  }
  // From source: tsx's loader, registered in the worker itself (an --import in execArgv
  // does not reach a worker's own entry on Node 20).
  const src = pathToFileURL(path.join(here, 'decode-worker.ts')).href;
  return new Worker(`import('tsx/esm/api').then((m) => m.tsImport(${JSON.stringify(src)}, ${JSON.stringify(import.meta.url)}))`, { eval: true, workerData: job, resourceLimits: LIMITS });
}

/** The import's waveform, decoded in a worker from the plaintext batches as they pass. */
export class PeaksWorker {
  private readonly worker: Worker;
  private readonly spare: ArrayBuffer[] = [];
  private inFlight = 0;
  private waiters: (() => void)[] = [];
  private dead = false;
  private result: Promise<Uint8Array | null>;
  private resolveResult!: (p: Uint8Array | null) => void;
  private ended = false;

  constructor(format: AudioFacts['format'], durationMs: number) {
    this.result = new Promise((resolve) => (this.resolveResult = resolve));
    this.worker = startWorker({ format, durationMs, cancel: new SharedArrayBuffer(4) });
    this.worker.on('message', (m: FromDecodeWorker) => {
      if (m.t === 'ack') {
        this.inFlight--;
        this.spare.push(m.buf);
        this.wake();
      } else if (m.t === 'peaks') this.resolveResult(m.peaks);
      else this.stop();
    });
    // A worker that cannot start or stops: no waveform, the import goes on.
    this.worker.on('error', () => this.stop());
    this.worker.once('exit', () => this.stop());
  }

  private stop(): void {
    this.dead = true;
    this.resolveResult(null);
    this.wake();
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Hand on a batch (copied: the caller's buffer is the caller's to wipe and reuse). Bound: a callback. */
  readonly push = async (plain: Uint8Array): Promise<void> => {
    if (this.dead || this.ended) return;
    let buf = this.spare.pop();
    if (!buf || buf.byteLength < plain.length) buf = new ArrayBuffer(Math.max(plain.length, buf?.byteLength ?? 0));
    new Uint8Array(buf).set(plain);
    this.inFlight++;
    this.send({ t: 'bytes', buf, len: plain.length }, [buf]);
    while (this.inFlight >= IN_FLIGHT && !this.dead) await new Promise<void>((resolve) => this.waiters.push(resolve));
  };

  /** The peaks, or null where the format has no decoder in core or the decoder failed. */
  async end(): Promise<Uint8Array | null> {
    if (!this.dead && !this.ended) {
      this.ended = true;
      this.send({ t: 'end' });
    }
    return this.result;
  }

  /** Stop the worker (after end, or part way: what it holds is wiped, not decoded). */
  free(): void {
    if (!this.dead && !this.ended) {
      this.ended = true;
      this.send({ t: 'stop' });
    }
    // It wipes and goes within milliseconds; one that does not is stopped.
    setTimeout(() => void this.worker.terminate(), 5000).unref();
    for (const b of this.spare.splice(0)) new Uint8Array(b).fill(0);
  }

  private send(m: ToDecodeWorker, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(m, transfer);
  }
}

/**
 * The peaks of a stored recording, decrypted and decoded in a worker from its sealed
 * chunks (`source`: StreamReader.sealedSource(); its key is the caller's to overwrite,
 * its descriptor must stay open until this settles). `signal` stops it between two chunks
 * with CANCELLED; errors are the decoders' (AUDIO_DAMAGED past the declared length).
 */
export function peaksInWorker(source: SealedSource, format: AudioFacts['format'], durationMs: number, opts: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
  const cancel = new SharedArrayBuffer(4);
  const flag = new Int32Array(cancel);
  if (opts.signal?.aborted) Atomics.store(flag, 0, 1);
  const worker = startWorker({ format, durationMs, cancel, sealed: source });
  return new Promise<Uint8Array>((resolve, reject) => {
    let settled = false;
    const onAbort = (): void => void Atomics.store(flag, 0, 1);
    opts.signal?.addEventListener('abort', onAbort);
    const finish = (err: Error | null, peaks?: Uint8Array): void => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(peaks!);
    };
    let outcome: { err: Error | null; peaks?: Uint8Array } | undefined;
    worker.on('message', (m: FromDecodeWorker) => {
      if (m.t === 'peaks' && m.peaks) outcome ??= { err: null, peaks: m.peaks };
      else if (m.t === 'error') outcome ??= { err: m.code ? new HvelvError(m.code as ErrorCode, m.message) : new Error(m.message) };
    });
    worker.on('error', (e) => (outcome ??= { err: e }));
    // Settled only once the worker has gone: until then it may still read the caller's descriptor.
    worker.once('exit', () => {
      const o = outcome ?? { err: new Error('the waveform worker stopped') };
      finish(o.err, o.peaks);
    });
  });
}
