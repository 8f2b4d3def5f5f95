/**
 * M4A/AAC decoded in the page, streaming: core has no AAC decoder it can ship (see
 * docs/architecture.md), but Chromium has one behind WebCodecs' AudioDecoder. Our own
 * demuxer (shared/mp4.ts) reads the box headers and the `moov` with Range requests from
 * the media protocol (wherever `moov` is), then the AAC frames are fetched a few MiB at
 * a time (BATCH_BYTES), fed to the decoder with its queue kept short (decodeQueueSize),
 * mixed to mono as they come out and handed on: at the file's own rate to a waveform's
 * peaks, and at 16 kHz (the resampling core uses, shared/audio-fold.ts) to a draft, whose
 * sink is awaited so the page never runs ahead of it. At no time does the page hold more
 * than one batch of encoded frames, the decoder's short queue and one piece of samples:
 * an hour costs what a minute does. Nothing is written anywhere (no-store, no cache).
 *
 * Used by the draft (features/asr/pagePcm.ts) and the waveform (features/transcription/peaks.ts).
 */
import { demuxAac, Mp4Error, type ByteSource } from '../../../shared/mp4';
import { decodeCeilingMs, MonoResampler } from '../../../shared/audio-fold';
import type { ErrorInfo } from '../../../shared/errors';

/** Encoded frames fetched in one Range request at most. */
export const BATCH_BYTES = 2 * 1024 * 1024;
/** Frames waiting in the decoder at most before the page waits for it. */
const MAX_QUEUE = 16;

/** Whether this page can stream M4A (WebCodecs' AudioDecoder exists). */
export function canStreamM4a(): boolean {
  return typeof globalThis.AudioDecoder === 'function' && typeof globalThis.EncodedAudioChunk === 'function';
}

/** The recording at `src` (the media protocol), read by Range requests. */
export async function rangeSource(src: string): Promise<ByteSource> {
  const get = async (start: number, end: number): Promise<{ bytes: Uint8Array; total: number }> => {
    const res = await fetch(src, { cache: 'no-store', headers: { range: `bytes=${start}-${end - 1}` } });
    if (res.status === 416) throw new Mp4Error('AUDIO_DAMAGED', 'the recording is empty');
    if (res.status !== 206) throw new Error(`media ${res.status}`);
    const total = Number(/\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1] ?? NaN);
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { bytes, total };
  };
  const first = await get(0, 16);
  if (!Number.isFinite(first.total)) throw new Error('media: no size in the answer');
  return {
    size: first.total,
    read: async (start, end) => {
      if (end <= start) return new Uint8Array(0);
      const { bytes } = await get(start, end);
      if (bytes.length !== end - start) throw new Mp4Error('AUDIO_DAMAGED', 'the recording ended before the bytes asked for');
      return bytes;
    },
  };
}

export interface M4aSinks {
  /** Mono samples at the decoder's own rate (the waveform's peaks): read them before returning, the buffer is reused. */
  mono?(samples: Float32Array, rate: number): void;
  /** 16 kHz mono samples in pieces of PCM_PIECE (the last one shorter, `last` set), awaited; 'stop' ends the stream without an error. */
  pcm?(samples: Float32Array, last: boolean): Promise<'stop' | void>;
  /** Checked between batches: true stops the stream. */
  stopped?(): boolean;
}

/**
 * Decodes the M4A at `src` (declaring `declaredMs`), streaming, into `sinks`. Throws
 * Mp4Error for a file it refuses (damaged, not AAC, sound past the declared length).
 * Returns false if a sink stopped it.
 */
export async function streamM4a(src: string, declaredMs: number, sinks: M4aSinks): Promise<boolean> {
  const ceilingMs = decodeCeilingMs(declaredMs);
  const source = await rangeSource(src);
  const track = await demuxAac(source, { maxDurationMs: ceilingMs });
  const config: AudioDecoderConfig = { codec: track.codec, sampleRate: track.sampleRate, numberOfChannels: track.channels, description: track.config };
  if (!(await AudioDecoder.isConfigSupported(config)).supported) throw new Mp4Error('AUDIO_UNSUPPORTED', `this computer's Chromium does not decode ${track.codec}`);

  const { offsets, sizes, durations, timescale } = track;
  // Frames scattered over the file (each apart from the one before) would cost a Range
  // request, and the media protocol a chunk's decryption, each: refused before any is
  // fetched if the batches are many more than the file's size needs.
  let batches = 0;
  for (let i = 0; i < sizes.length; i = batchEnd(offsets, sizes, i).next) batches++;
  if (batches > MAX_BATCHES_PER_FILE_BATCH * Math.ceil(source.size / BATCH_BYTES) + 16) throw new Mp4Error('AUDIO_DAMAGED', `the frames lie scattered over the file (${batches} reads for ${source.size} bytes)`);
  /** Decoded frames not yet handed on (a few: the decoder's queue is kept short); closed as they are read. */
  const decoded: AudioData[] = [];
  const mixer = new Mixer();
  let failure: unknown = null;
  const decoder = new AudioDecoder({
    output: (d) => decoded.push(d),
    error: (e) => {
      failure ??= e;
    },
  });
  const pending: Float32Array[] = [];
  let pendingSamples = 0;
  const resampler = new MonoResampler((s) => {
    pending.push(s);
    pendingSamples += s.length;
  });
  let passedS = 0;
  /** Decoded sound on to the sinks; the 16 kHz samples in pieces of `piece` samples. */
  const drain = async (final: boolean): Promise<boolean> => {
    if (failure) throw new Mp4Error('AUDIO_DAMAGED', `the AAC decoder stopped: ${String((failure as Error)?.message ?? failure)}`);
    for (let d = decoded.shift(); d; d = decoded.shift()) {
      try {
        const rate = d.sampleRate;
        const mono = mixer.mix(d);
        passedS += mono.length / rate;
        if (passedS * 1000 > ceilingMs) throw new Mp4Error('AUDIO_DAMAGED', `the recording decodes to more sound than it declares (past ${Math.round(ceilingMs / 1000)} s)`);
        sinks.mono?.(mono, rate);
        if (sinks.pcm) resampler.push(mono, rate);
      } finally {
        d.close();
      }
    }
    if (!sinks.pcm) return true;
    if (final) resampler.end();
    while (pendingSamples >= PCM_PIECE || final) {
      const piece = new Float32Array(Math.min(PCM_PIECE, pendingSamples));
      for (let at = 0; at < piece.length; ) {
        const head = pending[0]!;
        const take = Math.min(head.length, piece.length - at);
        piece.set(head.subarray(0, take), at);
        at += take;
        if (take === head.length) pending.shift();
        else pending[0] = head.subarray(take);
      }
      pendingSamples -= piece.length;
      const last = final && pendingSamples === 0;
      if ((await sinks.pcm(piece, last)) === 'stop') return false;
      if (last) break;
    }
    return true;
  };
  try {
    decoder.configure(config);
    let ticks = 0;
    for (let i = 0; i < sizes.length; ) {
      if (sinks.stopped?.()) return false;
      // One batch: the frames from i on that lie within BATCH_BYTES of the first.
      const start = offsets[i]!;
      const { next: j, end } = batchEnd(offsets, sizes, i);
      const bytes = await source.read(start, end);
      for (; i < j; i++) {
        const at = offsets[i]! - start;
        decoder.decode(new EncodedAudioChunk({ type: 'key', timestamp: Math.round((ticks / timescale) * 1e6), duration: Math.round((durations[i]! / timescale) * 1e6), data: bytes.subarray(at, at + sizes[i]!) }));
        ticks += durations[i]!;
        while (decoder.decodeQueueSize > MAX_QUEUE && !failure) await dequeued(decoder);
        if (!(await drain(false))) return false;
      }
    }
    await decoder.flush().catch((err: unknown) => {
      failure ??= err;
    });
    return await drain(true);
  } finally {
    if (decoder.state !== 'closed') decoder.close();
    for (const d of decoded.splice(0)) d.close();
  }
}

/** How many batches a file may need for each BATCH_BYTES of its size (frames in order need one; a few chunks out of order, a little more). */
const MAX_BATCHES_PER_FILE_BATCH = 4;

/** The batch from frame `i`: the frames after it that lie, in order, within BATCH_BYTES of its start; where the batch's bytes end. */
function batchEnd(offsets: Float64Array, sizes: Uint32Array, i: number): { next: number; end: number } {
  const start = offsets[i]!;
  let end = start;
  let j = i;
  while (j < sizes.length && offsets[j]! >= start && offsets[j]! + sizes[j]! <= start + BATCH_BYTES) end = Math.max(end, offsets[j]! + sizes[j++]!);
  return { next: j, end };
}

/** The 16 kHz samples handed to a sink at a time (at least; the rest at the end): about 33 s. */
export const PCM_PIECE = 1 << 19;

function dequeued(decoder: AudioDecoder): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 50);
    decoder.addEventListener(
      'dequeue',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/**
 * The channels' mean (as core mixes), whatever sample format the decoder gives. The
 * two buffers are reused frame after frame (an AAC frame is 1024 or 2048 samples): the
 * stream's sinks read the samples before they return and keep nothing of them.
 */
class Mixer {
  private mono = new Float32Array(2048);
  private plane = new Float32Array(2048);

  mix(d: AudioData): Float32Array {
    const frames = d.numberOfFrames;
    const channels = d.numberOfChannels;
    if (this.mono.length < frames) {
      this.mono = new Float32Array(frames);
      this.plane = new Float32Array(frames);
    }
    const mono = this.mono.subarray(0, frames);
    const plane = this.plane.subarray(0, frames);
    mono.fill(0);
    for (let c = 0; c < channels; c++) {
      d.copyTo(plane, { planeIndex: c, format: 'f32-planar' });
      for (let i = 0; i < frames; i++) mono[i]! += plane[i]! / channels;
    }
    return mono;
  }
}

/** What the page shows for a failure of the streaming decode. */
export function pageAudioError(err: unknown): ErrorInfo {
  if (err instanceof Mp4Error) return { code: err.code, message: err.message };
  return { code: 'AUDIO_DAMAGED', message: (err as Error)?.message ?? String(err) };
}
