/**
 * Recording bytes → 16 kHz mono float PCM, piece by piece and in memory only: the
 * recording is "locked away", so its sound never lands on the disk in any form, and a
 * two-hour interview never has to be held whole (a WAV of that length is 1.3 GB).
 *
 * WAV is parsed here (PCM 8/16/24/32-bit and float). MP3, FLAC and Ogg (Vorbis, Opus)
 * go through the WebAssembly streaming decoders of wasm-audio-decoders, which run in
 * plain Node (the CLI) as in the app, need no native code and no FFmpeg. M4A/AAC and
 * WebM have no such decoder: the app decodes them in the page with Web Audio, and here
 * they are refused with AUDIO_NEEDS_APP.
 */
import type { AudioFacts } from '../../../../shared/contract';
import { HvelvError } from '../../errors';

export const SAMPLE_RATE = 16_000;

export type PcmSink = (samples: Float32Array) => void;

export interface StreamDecoder {
  /** Feed the next bytes of the file, in order. */
  push(bytes: Uint8Array): Promise<void>;
  /** No more bytes: emit what is left. */
  end(): Promise<void>;
  /** Release the decoder's WebAssembly memory (also after a failure). */
  free(): void;
}

/** A decoder for `format` that sends 16 kHz mono samples to `sink` as they come. */
export function createDecoder(format: AudioFacts['format'], sink: PcmSink): Promise<StreamDecoder> {
  return decoderFor(format, new Resampler(sink));
}

/**
 * A decoder for `format` that sends mono samples at the file's own rate, not resampled:
 * for the waveform's peaks, which a resampler's averaging would flatten.
 */
export function createMonoDecoder(format: AudioFacts['format'], sink: (samples: Float32Array, rate: number) => void): Promise<StreamDecoder> {
  return decoderFor(format, new MonoOut(sink));
}

async function decoderFor(format: AudioFacts['format'], resampler: MonoOut): Promise<StreamDecoder> {
  switch (format) {
    case 'wav':
      return new WavDecoder(resampler);
    case 'mp3': {
      const { MPEGDecoder } = await import('mpg123-decoder');
      return wasmDecoder(new MPEGDecoder(), resampler);
    }
    case 'flac': {
      const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
      return wasmDecoder(new FLACDecoder(), resampler);
    }
    case 'ogg':
      return new OggDecoder(resampler);
    case 'm4a':
    case 'webm':
      throw new HvelvError('AUDIO_NEEDS_APP', `${format} recordings can be decoded for a draft only in the app (Web Audio), not here`);
  }
}

interface Decoded {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
}

interface WasmDecoder {
  ready: Promise<void>;
  decode(bytes: Uint8Array): Decoded | Promise<Decoded>;
  flush?(): Decoded | Promise<Decoded>;
  free(): void;
}

async function wasmDecoder(d: WasmDecoder, out: MonoOut): Promise<StreamDecoder> {
  await d.ready;
  return {
    push: async (bytes) => out.push(await d.decode(bytes)),
    end: async () => {
      if (d.flush) out.push(await d.flush());
      out.end();
    },
    free: () => d.free(),
  };
}

/** Ogg carries Vorbis or Opus: the first page says which ("OpusHead" or "\x01vorbis"). */
class OggDecoder implements StreamDecoder {
  private head: Uint8Array[] = [];
  private inner: StreamDecoder | null = null;
  constructor(private readonly out: MonoOut) {}

  async push(bytes: Uint8Array): Promise<void> {
    if (this.inner) return this.inner.push(bytes);
    this.head.push(bytes);
    const first = Buffer.concat(this.head);
    if (first.length < 64) return;
    const opus = first.subarray(0, 128).includes(Buffer.from('OpusHead', 'latin1'));
    if (opus) {
      const { OggOpusDecoder } = await import('ogg-opus-decoder');
      this.inner = await wasmDecoder(new OggOpusDecoder(), this.out);
    } else {
      const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis');
      this.inner = await wasmDecoder(new OggVorbisDecoder(), this.out);
    }
    this.head = [];
    await this.inner.push(first);
  }

  async end(): Promise<void> {
    if (!this.inner && this.head.length) throw new HvelvError('AUDIO_DAMAGED', 'the Ogg file is too short to hold audio');
    await this.inner?.end();
  }

  free(): void {
    this.inner?.free();
  }
}

/** RIFF/WAVE, streamed: the header chunks first, then sample frames as they arrive. */
class WavDecoder implements StreamDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private fmt: { float: boolean; bits: number; channels: number; rate: number } | null = null;
  private inData = false;
  private dataLeft = Infinity;

  constructor(private readonly out: MonoOut) {}

  async push(bytes: Uint8Array): Promise<void> {
    // Read the caller's bytes where they are (no copy of every chunk); what is kept for
    // the next push is copied, as the caller may overwrite its buffer (recording-peaks.ts does).
    this.pending = this.pending.length ? Buffer.concat([this.pending, bytes]) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    if (!this.inData) this.readHeader();
    if (this.inData) this.readFrames();
    if (this.pending.buffer === bytes.buffer) this.pending = Buffer.from(this.pending);
  }

  private readHeader(): void {
    let off = 0;
    const b = this.pending;
    if (b.length < 12) return;
    if (b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE') throw new HvelvError('AUDIO_DAMAGED', 'not a RIFF/WAVE file');
    off = 12;
    while (off + 8 <= b.length) {
      const id = b.toString('latin1', off, off + 4);
      const len = b.readUInt32LE(off + 4);
      if (id === 'data') {
        if (!this.fmt) throw new HvelvError('AUDIO_DAMAGED', 'the WAV file has no format chunk before its audio');
        this.inData = true;
        // 0 and 0xFFFFFFFF: a streaming writer that could not go back to fill in the length.
        this.dataLeft = len === 0 || len === 0xffffffff ? Infinity : len;
        this.pending = b.subarray(off + 8);
        return;
      }
      if (off + 8 + len > b.length) return; // the chunk is not all here yet
      if (id === 'fmt ') {
        let tag = b.readUInt16LE(off + 8);
        const channels = b.readUInt16LE(off + 10);
        const rate = b.readUInt32LE(off + 12);
        const bits = b.readUInt16LE(off + 22);
        if (tag === 0xfffe && len >= 26) tag = b.readUInt16LE(off + 32); // WAVE_FORMAT_EXTENSIBLE: the sub-format's tag
        const float = tag === 3;
        if (!(tag === 1 || float) || ![8, 16, 24, 32].includes(bits) || (float && bits !== 32) || channels < 1 || rate < 1000) {
          throw new HvelvError('AUDIO_UNSUPPORTED', `WAV encoding ${tag} with ${bits}-bit samples cannot be decoded`);
        }
        this.fmt = { float, bits, channels, rate };
      }
      off += 8 + len + (len & 1);
    }
  }

  private readFrames(): void {
    const f = this.fmt!;
    const frameBytes = (f.bits / 8) * f.channels;
    const usable = Math.min(this.pending.length, this.dataLeft);
    const frames = Math.floor(usable / frameBytes);
    if (frames === 0) return;
    const b = this.pending;
    const mono = new Float32Array(frames);
    const step = f.bits / 8;
    if (f.bits === 16 && !f.float) {
      // The common case (recorders write 16-bit PCM), read through a typed view: a
      // tenth of the time of readInt16LE per sample, which mattered for a waveform of
      // two hours.
      const whole = frames * f.channels;
      const ints = b.byteOffset % 2 === 0 ? new Int16Array(b.buffer, b.byteOffset, whole) : new Int16Array(Uint8Array.prototype.slice.call(b, 0, whole * 2).buffer);
      const channels = f.channels;
      const scale = 1 / (32768 * channels);
      if (channels === 1) for (let i = 0; i < frames; i++) mono[i] = ints[i]! * scale;
      else
        for (let i = 0, o = 0; i < frames; i++) {
          let sum = 0;
          for (let c = 0; c < channels; c++) sum += ints[o++]!;
          mono[i] = sum * scale;
        }
      this.dataLeft -= frames * frameBytes;
      this.pending = b.subarray(frames * frameBytes);
      this.out.pushMono(mono, f.rate);
      return;
    }
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < f.channels; c++) {
        const o = i * frameBytes + c * step;
        sum += f.float ? b.readFloatLE(o) : f.bits === 16 ? b.readInt16LE(o) / 32768 : f.bits === 24 ? b.readIntLE(o, 3) / 8388608 : f.bits === 32 ? b.readInt32LE(o) / 2147483648 : (b[o]! - 128) / 128;
      }
      mono[i] = sum / f.channels;
    }
    this.dataLeft -= frames * frameBytes;
    this.pending = b.subarray(frames * frameBytes);
    this.out.pushMono(mono, f.rate);
  }

  async end(): Promise<void> {
    if (!this.inData) throw new HvelvError('AUDIO_DAMAGED', 'the WAV file has no audio data');
    this.out.end();
  }

  free(): void {
    this.pending = Buffer.alloc(0);
  }
}

/** Mixes the decoder's channels to mono and passes them on at their own rate. */
class MonoOut {
  constructor(private readonly monoSink: (samples: Float32Array, rate: number) => void) {}

  push(d: Decoded): void {
    if (d.samplesDecoded === 0 || d.channelData.length === 0) return;
    const n = d.samplesDecoded;
    const mono = new Float32Array(n);
    for (const ch of d.channelData) for (let i = 0; i < n; i++) mono[i]! += ch[i]! / d.channelData.length;
    this.pushMono(mono, d.sampleRate);
  }

  pushMono(mono: Float32Array, rate: number): void {
    this.monoSink(mono, rate);
  }

  end(): void {}
}

/**
 * Mixes to mono and converts to 16 kHz. Going down, each output sample is the mean of
 * the input samples it stands for (a box filter: enough against aliasing for speech
 * recognition, whose features stop at 8 kHz); going up, linear interpolation.
 */
export class Resampler extends MonoOut {
  private buf = new Float32Array(0);
  /** Position of the next output sample, in input samples from the start of buf. */
  private pos = 0;
  private rate = 0;

  constructor(private readonly sink: PcmSink) {
    super(() => undefined);
  }

  override pushMono(mono: Float32Array, rate: number): void {
    if (this.rate && rate !== this.rate) throw new HvelvError('AUDIO_UNSUPPORTED', 'the sample rate changes inside the recording');
    this.rate = rate;
    const all = new Float32Array(this.buf.length + mono.length);
    all.set(this.buf);
    all.set(mono, this.buf.length);
    this.emit(all, false);
  }

  override end(): void {
    if (this.rate) this.emit(this.buf, true);
    this.buf = new Float32Array(0);
  }

  private emit(all: Float32Array, final: boolean): void {
    const r = this.rate / SAMPLE_RATE;
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
    // Keep what the next output samples still need.
    const keepFrom = Math.max(0, Math.floor(this.pos - half) - 1);
    this.buf = all.slice(keepFrom);
    this.pos -= keepFrom;
    if (out.length) this.sink(Float32Array.from(out));
  }
}
