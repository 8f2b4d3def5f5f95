/**
 * What core and the page do with decoded sound, defined once (the page cannot import core,
 * core can import shared/): the 16 kHz mono resampling (core's `Resampler` in
 * electron/core/services/asr/audio.ts mixes to mono and hands on to `MonoResampler`), the
 * peak folding (core's `PeakFolder` in electron/core/services/recordings/peaks.ts extends
 * `PeakFold` with its 16-bit WAV path), the decode ceiling and the bucket count.
 * tests/core/audio-fold feeds core and the page the same samples and asserts the same
 * output. Pure: no DOM, no Node.
 */
import { PEAKS_MAX, PEAKS_PER_SECOND } from './transcription';

export const ASR_SAMPLE_RATE = 16_000;

/** The most a file declaring `declaredMs` may decode to (core's decodeCeilingMs). */
export function decodeCeilingMs(declaredMs: number): number {
  return Math.max(0, declaredMs) * 1.1 + 10_000;
}

/** How many buckets a recording of this length gets (core's peakCount). */
export function peakCount(durationMs: number): number {
  return Math.max(1, Math.min(PEAKS_MAX, Math.ceil((durationMs / 1000) * PEAKS_PER_SECOND)));
}

/**
 * Mono samples to 16 kHz as core's Resampler does: going down, each output sample is the
 * mean of the input samples it stands for; going up, linear interpolation. Keeps only
 * the few input samples the next output still needs.
 */
export class MonoResampler {
  private buf = new Float32Array(0);
  private pos = 0;
  private rate = 0;

  constructor(private readonly sink: (samples: Float32Array) => void) {}

  push(mono: Float32Array, rate: number): void {
    if (this.rate && rate !== this.rate) throw new Error('the sample rate changes inside the recording');
    this.rate = rate;
    const all = new Float32Array(this.buf.length + mono.length);
    all.set(this.buf);
    all.set(mono, this.buf.length);
    this.emit(all, false);
  }

  end(): void {
    if (this.rate) this.emit(this.buf, true);
    this.buf = new Float32Array(0);
  }

  private emit(all: Float32Array, final: boolean): void {
    const r = this.rate / ASR_SAMPLE_RATE;
    const half = Math.max(0.5, r / 2);
    const out: number[] = [];
    while (final ? this.pos < all.length : this.pos + half + 1 < all.length) {
      if (r > 1) {
        const from = Math.max(0, Math.floor(this.pos - half));
        const to = Math.min(all.length, Math.ceil(this.pos + half));
        let s = 0;
        for (let i = from; i < to; i++) s += all[i]!;
        out.push(to > from ? s / (to - from) : 0);
      } else {
        const i = Math.floor(this.pos);
        const frac = this.pos - i;
        out.push(all[i]! * (1 - frac) + (all[Math.min(i + 1, all.length - 1)] ?? 0) * frac);
      }
      this.pos += r;
    }
    const keepFrom = Math.max(0, Math.floor(this.pos - half) - 1);
    this.buf = all.slice(keepFrom);
    this.pos -= keepFrom;
    if (out.length) this.sink(Float32Array.from(out));
  }
}

/**
 * Mono samples at the file's own rate folded into the waveform's peaks as core folds
 * them: the loudest sample in each bucket (ten a second, placed by the declared
 * duration; samples past it in the last), 0–255 at the end. Holds only the buckets.
 */
export class PeakFold {
  protected readonly n: number;
  protected readonly peaks: Float32Array;
  /** Samples folded so far (at the file's own rate). */
  protected seen = 0;
  protected perBucket = 0;
  /** The file's rate, from the first samples (0 before them). */
  protected rate = 0;

  constructor(protected readonly durationMs: number) {
    this.n = peakCount(durationMs);
    this.peaks = new Float32Array(this.n);
  }

  /** Places the buckets at the first samples: the declared duration at the file's rate. */
  protected start(rate: number): void {
    if (this.perBucket !== 0) return;
    this.rate = rate;
    this.perBucket = Math.max(1, (rate * this.durationMs) / 1000 / this.n);
  }

  push(samples: Float32Array, rate: number): void {
    const n = this.n;
    const peaks = this.peaks;
    this.start(rate);
    // In runs of one bucket each, with locals only: the loop runs for every sample of
    // the recording (half a billion for a gigabyte of 16-bit WAV).
    const perBucket = this.perBucket;
    let at = 0;
    let pos = this.seen;
    while (at < samples.length) {
      const bucket = Math.min(n - 1, Math.floor(pos / perBucket));
      const room = bucket === n - 1 ? samples.length - at : Math.max(1, Math.floor((bucket + 1) * perBucket) - pos);
      const end = Math.min(samples.length, at + room);
      let max = peaks[bucket]!;
      let min = -max;
      for (let i = at; i < end; i++) {
        const v = samples[i]!;
        if (v > max) max = v;
        else if (v < min) min = v;
      }
      peaks[bucket] = Math.max(max, -min);
      pos += end - at;
      at = end;
    }
    this.seen = pos;
  }

  result(): Uint8Array {
    const out = new Uint8Array(this.n);
    for (let i = 0; i < this.n; i++) out[i] = Math.min(255, Math.round(Math.min(1, this.peaks[i]!) * 255));
    return out;
  }
}
