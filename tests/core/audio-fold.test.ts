/**
 * The page's copy of core's arithmetic (shared/audio-fold.ts, which the renderer can
 * import where it cannot import core) gives what core gives: the same 16 kHz samples
 * as core's Resampler for a WAV, the same peaks as core's computePeaks, the same ceiling.
 */
import { describe, expect, it } from 'vitest';
import { createDecoder, createMonoDecoder, decodeCeilingMs as coreCeiling } from '../../electron/core/services/asr/audio';
import { computePeaks, peakCount as corePeakCount } from '../../electron/core/services/recordings/peaks';
import { decodeCeilingMs, MonoResampler, PeakFold, peakCount } from '@shared/audio-fold';
import { wavHeader } from '../wav';

/** `seconds` of a tone with noise and a loud passage, interleaved 16-bit, as a WAV. */
function wav(seconds: number, rate: number, channels: number): Buffer {
  const frames = Math.round(seconds * rate);
  const data = Buffer.alloc(frames * channels * 2);
  let seed = 12345;
  for (let i = 0; i < frames; i++) {
    const loud = i > frames / 3 && i < frames / 2 ? 0.9 : 0.2;
    for (let c = 0; c < channels; c++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const v = loud * Math.sin((2 * Math.PI * (220 + 110 * c) * i) / rate) + ((seed / 0x7fffffff) - 0.5) * 0.1;
      data.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(v * 32767))), (i * channels + c) * 2);
    }
  }
  return Buffer.concat([wavHeader(data.length, rate, channels), data]);
}

/** The file in pieces of 64 KiB, as a recording's chunks come. */
const pieces = (file: Buffer): Buffer[] => Array.from({ length: Math.ceil(file.length / 65536) }, (_, i) => file.subarray(i * 65536, (i + 1) * 65536));

/** Core's mono samples at the file's rate, as its decoder hands them over. */
async function monoChunks(file: Buffer): Promise<{ mono: Float32Array; rate: number }[]> {
  const out: { mono: Float32Array; rate: number }[] = [];
  const d = await createMonoDecoder('wav', (mono, rate) => out.push({ mono: mono.slice(), rate }));
  for (const p of pieces(file)) await d.push(p);
  await d.end();
  d.free();
  return out;
}

describe("the page's resampling and peak folding are core's", () => {
  for (const [rate, channels] of [
    [44100, 2],
    [48000, 1],
    [8000, 1],
    [16000, 2],
  ] as const) {
    it(`resamples a WAV at ${rate} Hz, ${channels} channel(s), to the same 16 kHz samples as core`, async () => {
      const file = wav(7.3, rate, channels);
      const core: number[] = [];
      const d = await createDecoder('wav', (s) => core.push(...s));
      for (const p of pieces(file)) await d.push(p);
      await d.end();
      d.free();
      const page: number[] = [];
      const r = new MonoResampler((s) => page.push(...s));
      for (const { mono, rate: at } of await monoChunks(file)) r.push(mono, at);
      r.end();
      expect(page.length).toBe(core.length);
      expect(Math.abs(page.length - 7.3 * 16000)).toBeLessThan(3);
      let worst = 0;
      for (let i = 0; i < core.length; i++) worst = Math.max(worst, Math.abs(page[i]! - core[i]!));
      expect(worst).toBe(0);
    });
  }

  it('folds the same peaks as core computePeaks, for the declared length and past it', async () => {
    for (const [seconds, declared] of [
      [12.5, 12_500],
      [12.5, 9_000],
    ] as const) {
      const file = wav(seconds, 44100, 2);
      const core = await computePeaks({ chunkCount: pieces(file).length, chunk: (i) => Buffer.from(pieces(file)[i]!) }, 'wav', declared);
      const fold = new PeakFold(declared);
      for (const { mono, rate } of await monoChunks(file)) fold.push(mono, rate);
      const page = fold.result();
      expect(page.length).toBe(corePeakCount(declared));
      expect(Array.from(page)).toEqual(Array.from(core));
      // The loud passage shows: the test would notice flat peaks.
      expect(Math.max(...page)).toBeGreaterThan(200);
      expect(Math.min(...page)).toBeLessThan(100);
    }
  });

  it('has the same ceiling and bucket count as core', () => {
    for (const ms of [0, 1, 999, 60_000, 3_600_000, 20 * 3_600_000]) {
      expect(decodeCeilingMs(ms)).toBe(coreCeiling(ms));
      expect(peakCount(ms)).toBe(corePeakCount(ms));
    }
  });
});
