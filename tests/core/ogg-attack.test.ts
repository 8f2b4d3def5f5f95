/**
 * A hostile Ogg Opus through the decoders (attack review of issue 27). An Opus packet of
 * one byte (its TOC alone) is 60 ms of concealment: an Ogg page of 255 of them is 15 s in
 * 537 bytes, and a 16 KiB piece of the import's waveform (the app's main process) was
 * 7.6 minutes of stereo, 450 MB, decoded before the declared-length ceiling was looked at.
 * The work is counted (samples out of the real Ogg Opus decoder), not timed.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMonoDecoder, decodeCeilingMs } from '../../electron/core/services/asr/audio';

const decoded = vi.hoisted(() => ({ samples: 0 }));
vi.mock('ogg-opus-decoder', async (importOriginal) => {
  const real = await importOriginal<typeof import('ogg-opus-decoder')>();
  class Counted extends real.OggOpusDecoder {
    constructor() {
      super();
      const count = async (r: unknown) => {
        const v = (await r) as { samplesDecoded: number };
        decoded.samples += v.samplesDecoded;
        return v;
      };
      const decode = this.decode.bind(this);
      const flush = this.flush.bind(this);
      this.decode = ((data: Uint8Array) => count(decode(data))) as unknown as typeof this.decode;
      this.flush = (() => count(flush())) as unknown as typeof this.flush;
    }
  }
  return { ...real, OggOpusDecoder: Counted };
});
beforeEach(() => {
  decoded.samples = 0;
});

const TABLE = new Uint32Array(256);
for (let i = 0; i < 256; i++) {
  let r = i << 24;
  for (let j = 0; j < 8; j++) r = r & 0x80000000 ? ((r << 1) ^ 0x04c11db7) >>> 0 : (r << 1) >>> 0;
  TABLE[i] = r >>> 0;
}
function oggCrc(b: Buffer): number {
  let c = 0;
  for (const x of b) c = ((c << 8) ^ TABLE[((c >>> 24) ^ x) & 0xff]!) >>> 0;
  return c >>> 0;
}
function page(seq: number, granule: bigint, packets: Buffer[], type: number): Buffer {
  const lacing: number[] = [];
  for (const p of packets) {
    let n = p.length;
    while (n >= 255) {
      lacing.push(255);
      n -= 255;
    }
    lacing.push(n);
  }
  const h = Buffer.alloc(27 + lacing.length);
  h.write('OggS', 0, 'latin1');
  h[5] = type;
  h.writeBigUInt64LE(granule, 6);
  h.writeUInt32LE(1, 14);
  h.writeUInt32LE(seq, 18);
  h[26] = lacing.length;
  Buffer.from(lacing).copy(h, 27);
  const p = Buffer.concat([h, ...packets]);
  p.writeUInt32LE(oggCrc(p), 22);
  return p;
}
/** Stereo Ogg Opus: `pages` pages of 255 one-byte packets (TOC 0x18: SILK, 60 ms), the granule saying one second. */
function hostileOgg(pages: number): Buffer {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head[8] = 1;
  head[9] = 2;
  head.writeUInt16LE(312, 10);
  head.writeUInt32LE(48000, 12);
  const tags = Buffer.concat([Buffer.from('OpusTags', 'latin1'), Buffer.alloc(8)]);
  const out = [page(0, 0n, [head], 2), page(1, 0n, [tags], 0)];
  for (let i = 0; i < pages; i++) out.push(page(2 + i, 48000n, Array.from({ length: 255 }, () => Buffer.from([0x18])), i === pages - 1 ? 4 : 0));
  return Buffer.concat(out);
}

describe('an Ogg Opus that decodes to far more than it declares', () => {
  it('the waveform’s decoder stops at the ceiling without decoding past it', async () => {
    const declaredMs = 1000;
    const file = hostileOgg(60);
    let out = 0;
    const d = await createMonoDecoder('ogg', (s) => (out += s.length), undefined, { declaredMs });
    let err: { code?: string } | null = null;
    try {
      for (let at = 0; at < file.length; at += 16 * 1024) await d.push(file.subarray(at, at + 16 * 1024));
      await d.end();
    } catch (e) {
      err = e as { code?: string };
    } finally {
      d.free();
    }
    expect(err?.code).toBe('AUDIO_DAMAGED');
    // The margin's worth and a page (255 packets of 60 ms) at most: not minutes.
    expect(decoded.samples).toBeLessThanOrEqual(((decodeCeilingMs(declaredMs) + 255 * 60) / 1000) * 48000);
  }, 120_000);

  it('an Ogg Opus declaring 255 channels is refused before any decoding (8 at most, as for WebM)', async () => {
    const ch = 255;
    const head = Buffer.alloc(21 + ch);
    head.write('OpusHead', 0, 'latin1');
    head[8] = 1;
    head[9] = ch;
    head.writeUInt16LE(312, 10);
    head.writeUInt32LE(48000, 12);
    head[18] = 255;
    head[19] = ch;
    head[20] = 0;
    for (let i = 0; i < ch; i++) head[21 + i] = i;
    const tags = Buffer.concat([Buffer.from('OpusTags', 'latin1'), Buffer.alloc(8)]);
    // A multistream packet: 254 self-delimited empty frames and the last stream's TOC (each 60 ms of 255 channels).
    const packet = Buffer.concat([Buffer.alloc(254 * 2).map((_, i) => (i % 2 === 0 ? 0x18 : 0)), Buffer.from([0x18])]);
    const file = Buffer.concat([page(0, 0n, [head], 2), page(1, 0n, [tags], 0), ...Array.from({ length: 4 }, (_, i) => page(2 + i, 48000n * 600n, Array.from({ length: 30 }, () => packet), 0))]);
    const d = await createMonoDecoder('ogg', () => undefined, undefined, { declaredMs: 600_000 });
    let err: { code?: string } | null = null;
    try {
      for (let at = 0; at < file.length; at += 16 * 1024) await d.push(file.subarray(at, at + 16 * 1024));
      await d.end();
    } catch (e) {
      err = e as { code?: string };
    } finally {
      d.free();
    }
    expect(err?.code).toBe('AUDIO_DAMAGED');
    expect(decoded.samples).toBe(0);
  }, 120_000);
});
