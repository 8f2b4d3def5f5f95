/**
 * The waveform overview of a recording, computed in core: decoded by the streaming
 * decoders of asr/audio.ts and folded into peaks (ten a second, 0–255) as the samples
 * come. At import from the plaintext as it streams to the sealing (StreamingPeaks: one
 * pass, nothing read twice); for a recording imported before, from the sealed blob
 * decrypted chunk by chunk as playback does (computePeaks). At no time is more than a
 * batch and the decoder's own buffers held, so a two-hour interview costs what a
 * two-minute one does; nothing decoded reaches the disk or the page.
 *
 * Both stop (AUDIO_DAMAGED) where the sound passes the length the file declared and a
 * margin (asr/audio.ts DecodeLimit): a file of tiny packets cannot keep them decoding.
 *
 * In the app both run in a worker thread (peaks-worker.ts, decode-worker.ts), so no
 * WebAssembly decoder is compiled and no sound decoded on the main process's thread; a
 * WAV's fold at import stays on the importing thread (foldsOnCallingThread). Where they
 * run on a calling thread they give way every few milliseconds.
 */
import type { AudioFacts } from '../../../../shared/contract';
import { HvelvError } from '../../errors';
import { PeakFold } from '../../../../shared/audio-fold';
import { createMonoDecoder, type StreamDecoder } from '../asr/audio';
import { SIMD_CAPACITY, SIMD_DATA, simdPeaks, type SimdPeaks } from './peaks-simd';

/** What is read: a recording's decrypted chunks, in order (crypto/stream.ts's StreamReader). */
export interface ChunkSource {
  readonly chunkCount: number;
  chunk(i: number): Buffer;
}

/** Formats the streaming decoders read in order; M4A/AAC is read by random access (m4a-peaks.ts). */
export function coreCanDecode(format: AudioFacts['format']): boolean {
  return format !== 'm4a';
}

/**
 * Whether the import folds this format's waveform on its own thread rather than in the
 * decode worker (peaks-worker.ts): WAV only, which is read, not decoded (no WebAssembly
 * decoder to compile; its fold in SIMD costs 0.11 s a GiB, less than copying each batch
 * to a worker). Every decoded format goes to the worker.
 */
export function foldsOnCallingThread(format: AudioFacts['format']): boolean {
  return format === 'wav';
}

/** How many buckets a recording of this length gets: ten a second, at most PEAKS_MAX. One rule for core and the page (shared/audio-fold.ts). */
export { peakCount } from '../../../../shared/audio-fold';

/** Work done between two chances for the event loop to run something else. */
const SLICE_MS = 8;

const giveWay = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Folds mono samples into peaks as they come: the loudest sample (of the mono mix) in
 * each bucket, scaled to 0–255 at the end. `durationMs` (what the file says of itself
 * at import) places the buckets; samples past it fall in the last one. Holds only the
 * buckets (at most PEAKS_MAX floats), whatever the recording's length.
 */
export class PeakFolder extends PeakFold {
  /** Samples decoded so far (at the file's own rate). */
  get samples(): number {
    return this.seen;
  }

  /** The decoded length in milliseconds (0 before the first samples). */
  get decodedMs(): number {
    return this.rate ? Math.round((this.seen / this.rate) * 1000) : 0;
  }

  /** Float samples at the file's rate into their buckets (a callback: bound). */
  readonly fold = (samples: Float32Array, rate: number): void => this.push(samples, rate);

  /**
   * The same for 16-bit frames as a WAV holds them: the mono mix's loudest sample is the
   * largest absolute sum of a frame's samples, over 32768 × channels; compared as
   * integers, with no float copy of the samples (the float path gives the same peaks:
   * the scaling and rounding to float are monotonic, so they commute with the maximum).
   */
  readonly foldInt16 = (ints: Int16Array, channels: number, rate: number): void => {
    this.start(rate);
    const frames = Math.floor(ints.length / channels);
    const simd = channels <= 2 ? (this.simd ??= simdPeaks() ?? false) : false;
    if (!simd) return this.foldFrames(frames, 1 / (32768 * channels), (from, to) => loudestJs(ints, channels, from, to));
    // In pieces the module's memory holds; each bucket's run in SIMD, its last few samples here.
    const frameBytes = 2 * channels;
    const perPiece = Math.floor(SIMD_CAPACITY / frameBytes);
    for (let done = 0; done < frames; ) {
      const count = Math.min(perPiece, frames - done);
      simd.bytes.set(new Uint8Array(ints.buffer, ints.byteOffset + done * frameBytes, count * frameBytes), SIMD_DATA);
      const base = done;
      this.foldFrames(count, 1 / (32768 * channels), (from, to) => {
        const start = SIMD_DATA + (from - base) * frameBytes;
        const vectors = Math.floor(((to - from) * frameBytes) / 16) * 16;
        let loud = 0;
        if (vectors > 0) {
          const r = channels === 1 ? simd.mono(start, start + vectors) : simd.stereo(start, start + vectors);
          loud = Math.max(r.max, -r.min);
        }
        return Math.max(loud, loudestJs(ints, channels, from + vectors / frameBytes, to));
      }, base);
      done += count;
    }
  };

  private simd: SimdPeaks | false | undefined;

  /**
   * Frames [offset, offset + frames) of the current input into their buckets; `loudest(from, to)`
   * gives the largest absolute mono sum of frames [from, to), times `scale` the peak.
   */
  private foldFrames(frames: number, scale: number, loudest: (from: number, to: number) => number, offset = 0): void {
    const n = this.n;
    const peaks = this.peaks;
    const perBucket = this.perBucket;
    let at = 0;
    let pos = this.seen;
    while (at < frames) {
      const bucket = Math.min(n - 1, Math.floor(pos / perBucket));
      const room = bucket === n - 1 ? frames - at : Math.max(1, Math.floor((bucket + 1) * perBucket) - pos);
      const end = Math.min(frames, at + room);
      const loud = Math.fround(loudest(offset + at, offset + end) * scale);
      if (loud > peaks[bucket]!) peaks[bucket] = loud;
      pos += end - at;
      at = end;
    }
    this.seen = pos;
  }

}

/** The largest absolute sum of a frame's samples over frames [from, to) of interleaved 16-bit PCM. */
function loudestJs(ints: Int16Array, channels: number, from: number, to: number): number {
  let max = 0;
  let min = 0;
  if (channels === 1) {
    for (let i = from; i < to; i++) {
      const v = ints[i]!;
      if (v > max) max = v;
      else if (v < min) min = v;
    }
  } else {
    for (let i = from, o = from * channels; i < to; i++) {
      let v = 0;
      for (let c = 0; c < channels; c++) v += ints[o++]!;
      if (v > max) max = v;
      else if (v < min) min = v;
    }
  }
  return Math.max(max, -min);
}

/**
 * The waveform of a recording as its plaintext streams past (the import's one pass):
 * each piece is decoded and folded as it comes, and nothing is kept of it once `push`
 * has returned (the caller may overwrite or hand on its buffer). `null` from `create`
 * for a format core does not decode.
 */
export class StreamingPeaks {
  private constructor(
    private readonly decoder: StreamDecoder,
    private readonly folder: PeakFolder,
  ) {}

  static async create(format: AudioFacts['format'], durationMs: number): Promise<StreamingPeaks | null> {
    if (!coreCanDecode(format)) return null;
    const folder = new PeakFolder(durationMs);
    return new StreamingPeaks(await createMonoDecoder(format, folder.fold, folder.foldInt16, { declaredMs: durationMs }), folder);
  }

  push(bytes: Uint8Array): Promise<void> {
    return this.decoder.push(bytes);
  }

  /** The last samples, then the peaks and the decoded length. */
  async end(): Promise<{ peaks: Uint8Array; decodedMs: number }> {
    await this.decoder.end();
    return { peaks: this.folder.result(), decodedMs: this.folder.decodedMs };
  }

  free(): void {
    this.decoder.free();
  }
}

/**
 * The peaks of one recording from its sealed copy (recordings imported before the
 * import made them): the same folding as the import's, chunk by chunk.
 */
export async function computePeaks(source: ChunkSource, format: AudioFacts['format'], durationMs: number, opts: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
  if (!coreCanDecode(format)) throw new HvelvError('AUDIO_UNSUPPORTED', `${format} recordings are read by random access (m4a-peaks.ts), not chunk by chunk`);
  const folder = new PeakFolder(durationMs);
  const decoder = await createMonoDecoder(format, folder.fold, folder.foldInt16, { declaredMs: durationMs });
  try {
    let sliceStart = performance.now();
    for (let i = 0; i < source.chunkCount; i++) {
      if (opts.signal?.aborted) throw new HvelvError('CANCELLED', 'the waveform was not finished');
      const plain = source.chunk(i);
      try {
        await decoder.push(plain);
      } finally {
        plain.fill(0);
      }
      if (performance.now() - sliceStart >= SLICE_MS) {
        await giveWay();
        sliceStart = performance.now();
      }
    }
    await decoder.end();
  } finally {
    decoder.free();
  }
  return folder.result();
}
