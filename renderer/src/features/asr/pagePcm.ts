/**
 * A draft of an M4A/AAC or WebM recording: core has no decoder for these (the WASM
 * decoders it uses cover WAV, MP3, FLAC and Ogg), so the page decodes them as the player
 * and the waveform do. The decrypted recording is fetched from the media protocol into
 * memory (no-store, no cache), Web Audio decodes it and an OfflineAudioContext renders it
 * to 16 kHz mono; the samples go to main as 16-bit pieces of at most 1 MiB, each sent
 * only when the draft has taken the one before. Nothing is written anywhere.
 *
 * Memory: the whole recording is decoded at once (Web Audio has no streaming decoder
 * for these containers): about 230 MB per hour of audio at 16 kHz, plus what Chromium
 * holds while it decodes at the file's own rate.
 */
import { call } from '../../api';
import type { ErrorInfo } from '../../../../shared/errors';
import { toBase64 } from '../../components/base64';

export const PAGE_SAMPLE_RATE = 16_000;
/** 2^19 samples of 16 bits: 1 MiB, about 33 s of audio (the limit asr.pcm takes). */
const PIECE_SAMPLES = 1 << 19;

/** Decode the recording at `src` to 16 kHz mono samples in memory. */
export async function decodeToPcm(src: string): Promise<Float32Array> {
  const res = await fetch(src, { cache: 'no-store' });
  if (!res.ok) throw new Error(`media ${res.status}`);
  // decodeAudioData resamples to the context's rate; the channels stay as they are.
  const decoded = await new OfflineAudioContext(1, 1, PAGE_SAMPLE_RATE).decodeAudioData(await res.arrayBuffer());
  if (decoded.numberOfChannels === 1) return decoded.getChannelData(0);
  // Down to one channel by Web Audio's own down-mixing (the average of the channels).
  const mix = new OfflineAudioContext(1, decoded.length, PAGE_SAMPLE_RATE);
  const node = mix.createBufferSource();
  node.buffer = decoded;
  node.connect(mix.destination);
  node.start();
  return (await mix.startRendering()).getChannelData(0);
}

/** Samples -1…1 as 16-bit little-endian bytes. */
export function toPcm16(samples: Float32Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32767))), true);
  return out;
}

/**
 * Hand the samples to the draft `jobId`, a piece at a time; stops at the first refusal
 * (cancelled, vault locked, draft failed) and returns it, or null when all went over.
 */
export async function sendPcm(jobId: string, samples: Float32Array, stopped: () => boolean): Promise<ErrorInfo | null> {
  for (let at = 0; ; at += PIECE_SAMPLES) {
    if (stopped()) return null;
    const piece = samples.subarray(at, Math.min(samples.length, at + PIECE_SAMPLES));
    const last = at + PIECE_SAMPLES >= samples.length;
    const r = await call('asr.pcm', { jobId, pcm: toBase64(toPcm16(piece)), last });
    if (!r.ok) return r.error;
    if (last) return null;
  }
}
