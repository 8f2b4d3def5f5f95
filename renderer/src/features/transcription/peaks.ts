/**
 * The waveform overview, computed once per recording and kept sealed with it.
 *
 * Core computes it at import, from the plaintext as it streams to the sealing (or here,
 * the first time a recording imported before is opened, from the sealed copy), with
 * bounded memory (electron/core/services/recordings/peaks.ts). The page never fetches
 * the recording for it.
 *
 * Core decodes every format now, M4A/AAC too (asr/aac: FFmpeg's AAC decoder built to
 * WebAssembly), so `recordings.computePeaks` answers for all of them. Only where core
 * gives no peaks (none of the six formats today) would an M4A be decoded here, streaming (components/m4aStream.ts: our MP4 demuxer, WebCodecs'
 * AudioDecoder, a few MiB at a time) and folded into peaks as core folds them
 * (shared/audio-fold.ts PeakFold): any length, with bounded memory.
 *
 * Only a Chromium without WebCodecs' AudioDecoder (not Electron's, not the harness's)
 * falls back to Web Audio's decodeAudioData, which keeps the whole recording, decoded,
 * in memory (a 48 kHz stereo hour is 1.4 GB); so that path stops at a size the page can
 * hold, and past it there is no waveform; the player works all the same. Nothing decoded
 * is written anywhere: not by us, and not by Chromium (no-store, the cache bypassed).
 */
import { call } from '../../api';
import { fromBase64, toBase64 } from '../../components/base64';
import type { RecordingInfo } from '../../../../shared/contract';
import { PEAKS_MAX, PEAKS_PER_SECOND } from '../../../../shared/transcription';
import { PeakFold } from '../../../../shared/audio-fold';
import { canStreamM4a, streamM4a } from '../../components/m4aStream';

/** Decode at a low rate: peaks need no more. */
const DECODE_RATE = 8000;
/** Whole-file fallback only: the most the page fetches for a waveform (the encoded file)… */
export const IN_PAGE_MAX_FILE_BYTES = 200 * 1024 * 1024;
/** …and the most decoded audio (float samples at the file's rate) Web Audio may hold for it. */
export const IN_PAGE_MAX_DECODED_BYTES = 1024 * 1024 * 1024;

export type PeaksOutcome = { peaks: Uint8Array } | { failed: 'tooLong' | 'failed' };

/**
 * The recording's peaks: stored, computed by core, or (M4A, within bounds) in the page.
 * `stopped` (the workspace left) ends the page's stream between batches: no more fetches
 * or decoding in the background, and nothing stored from a stream cut short.
 */
export async function obtainPeaks(recording: RecordingInfo, src: string, stopped: () => boolean = () => false): Promise<PeaksOutcome> {
  const r = await call('recordings.computePeaks', { id: recording.id });
  if (!r.ok) return { failed: 'failed' };
  if (r.value) return { peaks: fromBase64(r.value) };
  const streaming = canStreamM4a();
  if (!streaming && !fitsInPage(recording)) return { failed: 'tooLong' };
  try {
    const p = streaming ? await streamPeaks(src, recording.durationMs, stopped) : await computePeaksInPage(src);
    if (!p || stopped()) return { failed: 'failed' };
    await call('recordings.storePeaks', { id: recording.id, peaks: toBase64(p) });
    return { peaks: p };
  } catch {
    return { failed: 'failed' };
  }
}

/** Whether Web Audio may decode this recording whole for its waveform. */
export function fitsInPage(r: Pick<RecordingInfo, 'size' | 'durationMs' | 'sampleRate' | 'channels'>): boolean {
  const decoded = (r.durationMs / 1000) * r.sampleRate * r.channels * 4;
  return r.size <= IN_PAGE_MAX_FILE_BYTES && decoded <= IN_PAGE_MAX_DECODED_BYTES;
}

/** The peaks of the M4A at `src`, streaming: the same buckets and scale as core's; null if `stopped` ended it. */
export async function streamPeaks(src: string, durationMs: number, stopped?: () => boolean): Promise<Uint8Array | null> {
  const fold = new PeakFold(durationMs);
  const whole = await streamM4a(src, durationMs, { mono: (samples, rate) => fold.push(samples, rate), ...(stopped ? { stopped } : {}) });
  return whole ? fold.result() : null;
}

/** Whole-file fallback (a Chromium without AudioDecoder): Web Audio decodes all of it at once. */
async function computePeaksInPage(src: string): Promise<Uint8Array> {
  const res = await fetch(src, { cache: 'no-store' });
  if (!res.ok) throw new Error(`media ${res.status}`);
  const bytes = await res.arrayBuffer();
  const ctx = new OfflineAudioContext(1, 1, DECODE_RATE);
  const audio = await ctx.decodeAudioData(bytes);
  const n = Math.max(1, Math.min(PEAKS_MAX, Math.ceil(audio.duration * PEAKS_PER_SECOND)));
  const peaks = new Float32Array(n);
  const per = audio.length / n;
  for (let ch = 0; ch < audio.numberOfChannels; ch++) {
    const data = audio.getChannelData(ch);
    for (let i = 0; i < n; i++) {
      const end = Math.min(data.length, Math.floor((i + 1) * per));
      let max = peaks[i]!;
      for (let j = Math.floor(i * per); j < end; j++) {
        const v = Math.abs(data[j]!);
        if (v > max) max = v;
      }
      peaks[i] = max;
    }
  }
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(255, Math.round(peaks[i]! * 255));
  return out;
}
