/**
 * The waveform's decode thread (a worker_threads worker; peaks-worker.ts starts it): the
 * streaming decoders of asr/audio.ts and their WebAssembly (compiled on first use, some
 * hundreds of milliseconds on a loaded machine) run here, never on the app's main thread
 * (issue 27). Two jobs:
 *
 * - `plain`: the import's one pass. The importing thread hands over each plaintext batch
 *   (its buffer transferred, not copied); it is decoded and folded in pieces, overwritten
 *   with zeros, and sent back to be filled again. At `end` the peaks go back. A decoder
 *   that fails stops the waveform (null peaks), never the import.
 * - `sealed`: the waveform of a recording imported before the one-pass import. The sealed
 *   chunks are read through the descriptor the calling thread opened and checked (worker
 *   threads share the process's file table), opened here with the recording's key (a copy,
 *   overwritten when the job ends), decoded and folded, each chunk's plaintext overwritten
 *   once decoded.
 *
 * Which decoder a format gets is StreamingPeaks' and asr/audio.ts's choice (decoderFor):
 * nothing here names a format. Nothing decoded leaves this thread but the peaks.
 */
import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { AudioFacts } from '../../../../shared/contract';
import { CHUNK_SIZE, openChunk, TAG_SIZE } from '../../crypto/stream';
import { HvelvError, integrity } from '../../errors';
import { StreamingPeaks, type ChunkSource } from './peaks';
import { peaksOfChunks } from './m4a-peaks';

/** What the worker is started with (its workerData). */
export interface DecodeJob {
  format: AudioFacts['format'];
  durationMs: number;
  /** Set to non-zero to stop a `sealed` job between two chunks (CANCELLED). */
  cancel: SharedArrayBuffer;
  /** Present: the `sealed` job (StreamReader.sealedSource()); absent: the `plain` job, fed by messages. */
  sealed?: { fd: number; offset: number; size: number; key: Uint8Array; ad: Uint8Array };
}

export type ToDecodeWorker = { t: 'bytes'; buf: ArrayBuffer; len: number } | { t: 'end' } | { t: 'stop' };

export type FromDecodeWorker =
  | { t: 'ack'; buf: ArrayBuffer }
  | { t: 'peaks'; peaks: Uint8Array | null }
  | { t: 'error'; code?: string; message: string };

/** Bytes decoded at a time: 16 KiB of MP3 or Opus is seconds of sound; a whole 1 MiB batch would be a minute of float samples at once. */
const DECODE_PIECE = 16 * 1024;

const port = parentPort!;
const job = workerData as DecodeJob;
const cancelled = new Int32Array(job.cancel);
const send = (m: FromDecodeWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

/** The sealed chunks of a recording, read through the caller's descriptor and opened here. */
function sealedChunks(s: NonNullable<DecodeJob['sealed']>): ChunkSource {
  const count = Math.max(1, Math.ceil(s.size / CHUNK_SIZE));
  const full = CHUNK_SIZE + TAG_SIZE;
  return {
    chunkCount: count,
    chunk(i) {
      if (Atomics.load(cancelled, 0) !== 0) throw new HvelvError('CANCELLED', 'the waveform was not finished');
      const last = i === count - 1;
      const len = last ? s.size - (count - 1) * CHUNK_SIZE + TAG_SIZE : full;
      const sealed = Buffer.alloc(len);
      for (let got = 0; got < len; ) {
        const r = fs.readSync(s.fd, sealed, got, len - got, s.offset + i * full + got);
        if (r === 0) throw integrity(`recording chunk ${i} is short`);
        got += r;
      }
      const plain = openChunk(s.key, s.ad, i, last, sealed);
      if (!plain) throw integrity(`recording chunk ${i} does not authenticate (altered, moved or truncated)`);
      return plain;
    },
  };
}

async function runSealed(s: NonNullable<DecodeJob['sealed']>): Promise<void> {
  try {
    const peaks = await peaksOfChunks(sealedChunks(s), s.size, job.format, job.durationMs);
    send({ t: 'peaks', peaks });
  } catch (err) {
    send({ t: 'error', code: err instanceof HvelvError ? err.code : undefined, message: String((err as Error)?.message ?? err) });
  } finally {
    s.key.fill(0);
    port.close();
  }
}

function runPlain(): void {
  let peaks: StreamingPeaks | null = null;
  let stopped = false;
  const drop = (): void => {
    peaks?.free();
    peaks = null;
  };
  // The decoder (and its WebAssembly) is made while the first batches are on their way.
  let queue: Promise<unknown> = StreamingPeaks.create(job.format, job.durationMs).then(
    (p) => (peaks = p),
    () => drop(),
  );
  port.on('message', (m: ToDecodeWorker) => {
    if (m.t === 'bytes') {
      queue = queue.then(async () => {
        const bytes = new Uint8Array(m.buf, 0, m.len);
        try {
          for (let at = 0; at < bytes.length && peaks && !stopped; at += DECODE_PIECE) await peaks.push(bytes.subarray(at, at + DECODE_PIECE));
        } catch {
          drop();
        } finally {
          new Uint8Array(m.buf).fill(0);
          send({ t: 'ack', buf: m.buf }, [m.buf]);
        }
      });
    } else if (m.t === 'end') {
      queue = queue.then(async () => {
        let result: Uint8Array | null = null;
        try {
          if (peaks) result = (await peaks.end()).peaks;
        } catch {
          result = null;
        }
        drop();
        send({ t: 'peaks', peaks: result });
        port.close();
      });
    } else {
      // Stopped part way (the import cancelled or failed): what is queued is wiped, not decoded.
      stopped = true;
      queue = queue.then(() => {
        drop();
        port.close();
      });
    }
  });
}

if (job.sealed) void runSealed(job.sealed);
else runPlain();
