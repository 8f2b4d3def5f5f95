/**
 * The waveform overview, computed once per recording: the page fetches the decrypted
 * recording from the media protocol into memory, Web Audio decodes it there, and only
 * the peaks (ten a second, 0–255) go back to be sealed with the recording. Nothing
 * decoded is written anywhere: not by us, and not by Chromium (the response is
 * no-store, the fetch bypasses the cache).
 *
 * Why the page and not core: Chromium already decodes every format Hvelv takes (WAV,
 * MP3, M4A, Ogg, FLAC, WebM); core has no decoder, and adding one (ffmpeg, or WASM
 * codecs in main) would be a second copy of what the player already does.
 */
import { PEAKS_MAX, PEAKS_PER_SECOND } from '../../../../shared/transcription';

/** Decode at a low rate: peaks need no more, and a 75-minute file then takes ~140 MB, not 1 GB. */
const DECODE_RATE = 8000;

export async function computePeaks(src: string): Promise<Uint8Array> {
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

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
