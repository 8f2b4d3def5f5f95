/**
 * A draft of an M4A/AAC recording: core has no decoder for it (no AAC decoder under a
 * licence Hvelv can ship), so the page decodes it. The samples go to main as 16-bit
 * pieces of at most 1 MiB, each sent only when the draft has taken the one before.
 * Nothing is written anywhere.
 *
 * Streaming (streamPcm): our MP4 demuxer and WebCodecs' AudioDecoder, a few MiB of the
 * file at a time (components/m4aStream.ts): the page holds one piece, never the recording.
 *
 * Whole-file (decodeToPcm, kept only for a Chromium without WebCodecs' AudioDecoder,
 * which Electron's and the e2e harness's both have): the decrypted recording is fetched
 * whole (no-store), Web Audio decodes it and an OfflineAudioContext renders it to 16 kHz
 * mono; about 230 MB per hour of audio held at once, plus what Chromium holds while it
 * decodes at the file's own rate.
 */
import { call } from '../../api';
import type { ErrorInfo } from '../../../../shared/errors';
import { toBase64 } from '../../components/base64';
import { canStreamM4a, pageAudioError, streamM4a } from '../../components/m4aStream';

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

/**
 * Decode the M4A at `src` and hand it to the draft `jobId` as it decodes: streaming where
 * WebCodecs' AudioDecoder exists, else (an older Chromium only) whole, as before. Returns
 * the draft's refusal or the page's own failure, or null when all went over.
 */
export async function streamPcm(jobId: string, src: string, declaredMs: number, stopped: () => boolean): Promise<ErrorInfo | null> {
  if (!canStreamM4a()) return sendPcm(jobId, await decodeToPcm(src), stopped);
  let refused: ErrorInfo | null = null;
  try {
    await streamM4a(src, declaredMs, {
      stopped,
      pcm: async (piece, last) => {
        if (stopped()) return 'stop';
        const r = await call('asr.pcm', { jobId, pcm: toBase64(toPcm16(piece)), last });
        if (r.ok) return;
        refused = r.error;
        return 'stop';
      },
    });
  } catch (err) {
    throw pageAudioError(err);
  }
  return refused;
}
