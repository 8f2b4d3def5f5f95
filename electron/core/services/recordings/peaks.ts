/**
 * The waveform overview of a recording, computed in core: the sealed blob is decrypted
 * chunk by chunk (as playback does), decoded by the streaming decoders of asr/audio.ts,
 * and folded into peaks (ten a second, 0–255) as the samples come. At no time is more
 * than one 64 KiB chunk and the decoder's own buffers held, so a two-hour interview
 * costs what a two-minute one does; nothing decoded reaches the disk or the page.
 *
 * It runs on the main process's thread in slices of a few milliseconds, giving way
 * between them, so the app keeps answering (IPC, the media protocol) while a long
 * recording is folded.
 */
import type { AudioFacts } from '../../../../shared/contract';
import { PEAKS_MAX, PEAKS_PER_SECOND } from '../../../../shared/transcription';
import { HvelvError } from '../../errors';
import { createMonoDecoder } from '../asr/audio';

/** What is read: a recording's decrypted chunks, in order (crypto/stream.ts's StreamReader). */
export interface ChunkSource {
  readonly chunkCount: number;
  chunk(i: number): Buffer;
}

/** Formats the streaming decoders read; M4A/AAC and WebM only the page's Web Audio can. */
export function coreCanDecode(format: AudioFacts['format']): boolean {
  return format !== 'm4a' && format !== 'webm';
}

/** How many buckets a recording of this length gets: ten a second, at most PEAKS_MAX. */
export function peakCount(durationMs: number): number {
  return Math.max(1, Math.min(PEAKS_MAX, Math.ceil((durationMs / 1000) * PEAKS_PER_SECOND)));
}

/** Work done between two chances for the event loop to run something else. */
const SLICE_MS = 8;

const giveWay = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The peaks of one recording: the loudest sample (of the mono mix) in each bucket,
 * scaled to 0–255. `durationMs` (what the file says of itself at import) places the
 * buckets; samples past it fall in the last one.
 */
export async function computePeaks(source: ChunkSource, format: AudioFacts['format'], durationMs: number, opts: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
  if (!coreCanDecode(format)) throw new HvelvError('AUDIO_NEEDS_APP', `${format} recordings are decoded in the page, not in core`);
  const n = peakCount(durationMs);
  const peaks = new Float32Array(n);
  let seen = 0;
  let perBucket = 0;
  const fold = (samples: Float32Array, rate: number): void => {
    if (perBucket === 0) perBucket = Math.max(1, (rate * durationMs) / 1000 / n);
    // In runs of one bucket each, with locals only: the loop runs for every sample of
    // the recording (72 million for 75 minutes at 16 kHz).
    let at = 0;
    let pos = seen;
    while (at < samples.length) {
      const bucket = Math.min(n - 1, Math.floor(pos / perBucket));
      const room = bucket === n - 1 ? samples.length - at : Math.max(1, Math.floor((bucket + 1) * perBucket) - pos);
      const end = Math.min(samples.length, at + room);
      let max = peaks[bucket]!;
      for (let i = at; i < end; i++) {
        const v = Math.abs(samples[i]!);
        if (v > max) max = v;
      }
      peaks[bucket] = max;
      pos += end - at;
      at = end;
    }
    seen = pos;
  };
  const decoder = await createMonoDecoder(format, fold);
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
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(255, Math.round(Math.min(1, peaks[i]!) * 255));
  return out;
}
