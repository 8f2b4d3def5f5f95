/**
 * Hostile M4A/AAC against core's decoder (FFmpeg's, built to WebAssembly: asr/aac), the
 * real module, on files muxed here (tests/mp4-muxer.ts).
 */
import { describe, expect, it } from 'vitest';
import { createDecoder, decodeM4aMono } from '../../electron/core/services/asr/audio';
import { AacFrameDecoder, openTrack, type RandomAccess } from '../../electron/core/services/asr/aac/aac';
import { muxM4a } from '../mp4-muxer';

const memory = (b: Uint8Array): RandomAccess => ({ size: b.length, readAt: (at, n) => b.subarray(at, at + n) });

/** An AudioSpecificConfig from its fields; under SBR/PS (5, 29) the extension's rate index and core object type follow. */
function asc(objectType: number, rateIndex: number, channels: number, sbr?: { rateIndex: number; core: number }): Uint8Array {
  const bits: number[] = [];
  const put = (v: number, n: number): void => {
    for (let i = n - 1; i >= 0; i--) bits.push((v >> i) & 1);
  };
  const type = (t: number): void => (t >= 31 ? (put(31, 5), put(t - 32, 6)) : put(t, 5));
  type(objectType);
  put(rateIndex, 4);
  put(channels, 4);
  if (sbr) {
    put(sbr.rateIndex, 4);
    type(sbr.core);
  }
  // GASpecificConfig's three flags, zero.
  put(0, 3);
  while (bits.length % 8) bits.push(0);
  const out = new Uint8Array(bits.length / 8);
  for (let i = 0; i < bits.length; i++) out[i >> 3]! |= bits[i]! << (7 - (i & 7));
  return out;
}

/** One-byte frames: FFmpeg's error-resilient decoder makes a frame of samples from each. */
const tinyFrames = (n: number): Uint8Array[] => Array.from({ length: n }, () => new Uint8Array(1));

async function errorOf(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('no error');
}

describe('AAC object types FFmpeg opens that Hvelv does not take', () => {
  // ER AAC LC, LD and ELD: FFmpeg opens them and gives their frames a sample rate of 0,
  // which the ceiling's count turned into "more sound than it declares" (a wrong reason).
  const cases: [string, Uint8Array][] = [
    ['ER AAC LC (17)', asc(17, 4, 1)],
    ['ER AAC LD (23)', asc(23, 3, 1)],
    ['SBR over ER AAC LC (5/17)', asc(5, 7, 1, { rateIndex: 4, core: 17 })],
  ];
  for (const [name, config] of cases) {
    it(`${name} is refused as unsupported, from the file and from a draft's frame stream`, async () => {
      const file = muxM4a(tinyFrames(40), { asc: config, sampleRate: 44100, channels: 1, moov: 'end' });
      const fromFile = await errorOf(decodeM4aMono(memory(file), () => {}, { declaredMs: 60_000 }));
      expect(fromFile.code).toBe('AUDIO_UNSUPPORTED');
      expect(fromFile.message).toMatch(/object type/);
      // The draft's parent demuxes before it starts the recognition process: refused there.
      expect((await errorOf(openTrack(memory(file), 70_000))).code).toBe('AUDIO_UNSUPPORTED');
      // And the recognition process's stream decoder refuses such a header on its own.
      const head = new Uint8Array([0x48, 0x41, 0x41, 0x43, config.length, 0, ...config, 1, 0, 0]);
      const d = await createDecoder('aac-frames', () => {}, { declaredMs: 60_000 });
      try {
        expect((await errorOf(d.push(head))).code).toBe('AUDIO_UNSUPPORTED');
      } finally {
        d.free();
      }
    });
  }

  it('Main, LC and LTP, and LC under SBR and PS, still open', async () => {
    for (const config of [asc(1, 4, 2), asc(2, 4, 2), asc(4, 4, 2), asc(5, 7, 2, { rateIndex: 4, core: 2 }), asc(29, 7, 1, { rateIndex: 4, core: 2 })]) {
      const d = await AacFrameDecoder.open(config);
      d.free();
    }
  });
});

