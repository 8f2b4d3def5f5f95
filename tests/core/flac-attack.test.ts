/**
 * A hostile FLAC through the decoders (attack review of issue 27). FLAC frames of CONSTANT
 * subframes are a handful of bytes for 65 535 samples a channel: 17 KB is 24 minutes of
 * stereo. The ceiling at the declared length (asr/audio.ts DecodeLimit) was checked after
 * a whole piece was decoded, so one 16 KiB piece of the import's waveform (in the app's
 * main process) allocated 760 MB and took seconds before it was refused. The work is
 * counted (samples out of the real FLAC decoder), not timed.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createDecoder, createMonoDecoder, decodeCeilingMs } from '../../electron/core/services/asr/audio';

/** Samples out of the real FLAC decoder, whichever of its entry points is used. */
const decoded = vi.hoisted(() => ({ samples: 0 }));
vi.mock('@wasm-audio-decoders/flac', async (importOriginal) => {
  const real = await importOriginal<typeof import('@wasm-audio-decoders/flac')>();
  class Counted extends real.FLACDecoder {
    constructor() {
      super();
      const count = async (r: Promise<{ samplesDecoded: number }>) => {
        const v = await r;
        decoded.samples += v.samplesDecoded;
        return v;
      };
      const decode = this.decode.bind(this);
      const decodeFrames = this.decodeFrames.bind(this);
      const flush = this.flush.bind(this);
      this.decode = ((data: Uint8Array) => count(decode(data))) as typeof this.decode;
      this.decodeFrames = ((frames: Uint8Array[]) => count(decodeFrames(frames))) as typeof this.decodeFrames;
      this.flush = (() => count(flush())) as typeof this.flush;
    }
  }
  return { ...real, FLACDecoder: Counted };
});
beforeEach(() => {
  decoded.samples = 0;
});

function crc8(b: number[]): number {
  let c = 0;
  for (const x of b) {
    c ^= x;
    for (let i = 0; i < 8; i++) c = c & 0x80 ? ((c << 1) ^ 0x07) & 0xff : (c << 1) & 0xff;
  }
  return c;
}
function crc16(b: number[]): number {
  let c = 0;
  for (const x of b) {
    c ^= x << 8;
    for (let i = 0; i < 8; i++) c = c & 0x8000 ? ((c << 1) ^ 0x8005) & 0xffff : (c << 1) & 0xffff;
  }
  return c;
}
function utf8(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x800) return [0xc0 | (n >> 6), 0x80 | (n & 0x3f)];
  return [0xe0 | (n >> 12), 0x80 | ((n >> 6) & 0x3f), 0x80 | (n & 0x3f)];
}

/** A FLAC at 44.1 kHz, 16 bits: `frames` frames of 65 535 samples of CONSTANT subframes, the STREAMINFO declaring `declaredSamples`. */
function hostileFlac(frames: number, channels: number, declaredSamples: number, blockSize = 65535): Buffer {
  const si = Buffer.alloc(34);
  si.writeUInt16BE(blockSize, 0);
  si.writeUInt16BE(blockSize, 2);
  const sr = 44100;
  si[10] = (sr >> 12) & 0xff;
  si[11] = (sr >> 4) & 0xff;
  si[12] = ((sr & 0xf) << 4) | ((channels - 1) << 1) | (15 >> 4);
  si[13] = (15 & 0xf) << 4;
  si.writeUInt32BE(declaredSamples, 14);
  const parts: Buffer[] = [Buffer.from('fLaC'), Buffer.from([0x80, 0, 0, 34]), si];
  for (let f = 0; f < frames; f++) {
    // Sync, fixed blocking; block size from 16 bits at the end; 44.1 kHz; independent channels, 16 bits.
    const h = [0xff, 0xf8, 0x79, ((channels - 1) << 4) | 0x08, ...utf8(f), (blockSize - 1) >> 8, (blockSize - 1) & 0xff];
    h.push(crc8(h));
    const body = [...h];
    for (let c = 0; c < channels; c++) body.push(0x00, 0x10, 0x00); // CONSTANT, 0x1000
    const crc = crc16(body);
    body.push(crc >> 8, crc & 0xff);
    parts.push(Buffer.from(body));
  }
  return Buffer.concat(parts);
}

async function feed(d: { push(b: Uint8Array): Promise<void>; end(): Promise<void>; free(): void }, bytes: Buffer, piece: number): Promise<{ code?: string } | null> {
  try {
    for (let at = 0; at < bytes.length; at += piece) await d.push(bytes.subarray(at, at + piece));
    await d.end();
    return null;
  } catch (e) {
    return e as { code?: string };
  } finally {
    d.free();
  }
}

describe('a FLAC that decodes to far more than it declares', () => {
  it('the waveform’s decoder stops at the ceiling without decoding past it (one 16 KiB piece was 63 million samples)', async () => {
    const declaredMs = 1000;
    const file = hostileFlac(1000, 2, 44100);
    expect(file.length).toBeLessThan(20_000);
    let out = 0;
    const err = await feed(await createMonoDecoder('flac', (s) => (out += s.length), undefined, { declaredMs }), file, 16 * 1024);
    expect(err?.code).toBe('AUDIO_DAMAGED');
    expect(decoded.samples).toBeLessThanOrEqual((decodeCeilingMs(declaredMs) / 1000) * 44100);
    expect(out).toBeLessThanOrEqual((decodeCeilingMs(declaredMs) / 1000) * 44100);
  }, 120_000);

  it('the draft’s decoder too, fed in larger pieces', async () => {
    const declaredMs = 5000;
    const file = hostileFlac(1000, 2, 5 * 44100);
    const err = await feed(await createDecoder('flac', () => undefined, { declaredMs }), file, 64 * 1024);
    expect(err?.code).toBe('AUDIO_DAMAGED');
    expect(decoded.samples).toBeLessThanOrEqual((decodeCeilingMs(declaredMs) / 1000) * 44100);
  }, 120_000);

  it('a FLAC that is what it declares decodes to its end, every sample (nothing cut)', async () => {
    // 60 frames of 4096 samples: 5.6 s, declared exactly; and the same declared at a third of it
    // still decodes in full while within the margin (ten seconds).
    for (const declared of [60 * 4096, 20 * 4096]) {
      decoded.samples = 0;
      const file = hostileFlac(60, 2, declared, 4096);
      let out = 0;
      const err = await feed(await createMonoDecoder('flac', (s) => (out += s.length), undefined, { declaredMs: (declared / 44100) * 1000 }), file, 1000);
      expect(err).toBeNull();
      expect(out).toBe(60 * 4096);
    }
  }, 120_000);
});
