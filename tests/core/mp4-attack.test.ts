/**
 * Hostile M4A files against the page's MP4 demuxer (shared/mp4.ts): a recording is input
 * from outside (a participant can hand the student any file), so its tables must not make
 * the page allocate, fetch or decode far more than the file holds, and the track's
 * description must be read as the standard says. The files are built here, table by
 * table (tests/mp4-muxer.ts `box`), so each one lies in exactly one way.
 */
import { describe, expect, it } from 'vitest';
import { demuxAac, MAX_SAMPLES, MAX_TOP_BOXES, Mp4Error, parseAsc, type ByteSource } from '@shared/mp4';
import { box, esds, makeAsc, muxM4a } from '../mp4-muxer';
import { createDecoder, createMonoDecoder } from '../../electron/core/services/asr/audio';
import { MonoResampler } from '@shared/audio-fold';
import { wavHeader } from '../wav';

const source = (bytes: Uint8Array): ByteSource => ({ size: bytes.length, read: (a, b) => Promise.resolve(bytes.slice(a, Math.min(b, bytes.length))) });

const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n);
  return b;
};
const u16 = (n: number): Uint8Array => new Uint8Array([(n >> 8) & 255, n & 255]);
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
const full = (type: string, ...body: Uint8Array[]): Uint8Array => box(type, new Uint8Array(4), ...body);
const table = (values: number[]): Uint8Array => {
  const b = new Uint8Array(values.length * 4);
  const v = new DataView(b.buffer);
  values.forEach((n, i) => v.setUint32(i * 4, n));
  return b;
};

interface Tables {
  /** stsz: a fixed size for every sample (with `count`), or one size per sample. */
  stsz: { fixed: number; count: number } | number[];
  /** stts runs [count, delta]. */
  stts: [number, number][];
  /** stsc runs [first chunk, samples per chunk]. */
  stsc: [number, number][];
  /** Chunk offsets, relative to the start of mdat's payload. */
  chunks: number[];
  timescale: number;
  durationTicks: number;
}

/** ftyp, moov (with these tables), mdat holding `payload`: the offsets point into it. */
function hostile(t: Tables, payload: Uint8Array): Uint8Array {
  const mp4a = box('mp4a', new Uint8Array(6), u16(1), new Uint8Array(8), u16(1), u16(16), new Uint8Array(4), u32((16000 << 16) >>> 0), esds(makeAsc(16000, 1)));
  const build = (mdatStart: number): Uint8Array => {
    const stsz = Array.isArray(t.stsz) ? full('stsz', u32(0), u32(t.stsz.length), table(t.stsz)) : full('stsz', u32(t.stsz.fixed), u32(t.stsz.count));
    const stbl = box(
      'stbl',
      full('stsd', u32(1), mp4a),
      full('stts', u32(t.stts.length), table(t.stts.flat())),
      full('stsc', u32(t.stsc.length), table(t.stsc.flatMap(([f, n]) => [f, n, 1]))),
      stsz,
      full('stco', u32(t.chunks.length), table(t.chunks.map((c) => c + mdatStart))),
    );
    const mdhd = full('mdhd', new Uint8Array(8), u32(t.timescale), u32(t.durationTicks), u16(0x55c4), new Uint8Array(2));
    const hdlr = full('hdlr', new Uint8Array(4), ascii('soun'), new Uint8Array(12), ascii('SoundHandler\0'));
    const minf = box('minf', full('smhd', new Uint8Array(4)), stbl);
    return box('moov', full('mvhd', new Uint8Array(8), u32(t.timescale), u32(t.durationTicks), new Uint8Array(80)), box('trak', box('mdia', mdhd, hdlr, minf)));
  };
  const ftyp = box('ftyp', ascii('M4A '), u32(0), ascii('M4A mp42isom'));
  const moovLength = build(0).length;
  const moov = build(ftyp.length + moovLength + 8);
  const out = new Uint8Array(ftyp.length + moov.length + 8 + payload.length);
  out.set(ftyp);
  out.set(moov, ftyp.length);
  new DataView(out.buffer).setUint32(ftyp.length + moov.length, 8 + payload.length);
  out.set(ascii('mdat'), ftyp.length + moov.length + 4);
  out.set(payload, ftyp.length + moov.length + 8);
  return out;
}

async function refusal(file: Uint8Array | ByteSource, opts = {}): Promise<Mp4Error | null> {
  return demuxAac(file instanceof Uint8Array ? source(file) : file, opts).then(
    () => null,
    (e: unknown) => {
      if (!(e instanceof Mp4Error)) throw e;
      return e;
    },
  );
}

describe('the MP4 demuxer against hostile files', () => {
  it('reads channel configuration 7 as eight channels, 11 as seven, 12 and 14 as eight (ISO/IEC 14496-3 table 1.19), not as the index itself', () => {
    // An AudioSpecificConfig: AAC-LC, 48 kHz (index 3), then the channel configuration.
    const asc = (config: number): Uint8Array => {
      const v = (2 << 11) | (3 << 7) | (config << 3);
      return new Uint8Array([v >> 8, v & 255]);
    };
    for (const [config, channels] of [
      [1, 1],
      [2, 2],
      [6, 6],
      [7, 8],
      [11, 7],
      [12, 8],
      [14, 8],
    ] as const) {
      expect(parseAsc(asc(config)).channels, `configuration ${config}`).toBe(channels);
    }
    // The reserved configurations (8–10, 13, 15) name no layout: the sample entry's count is taken instead (0 here).
    expect(parseAsc(asc(9)).channels).toBe(0);
  });

  it('refuses a small file whose chunk table points many times at the same bytes (sound decoded over and over, far past what the file holds)', async () => {
    // One chunk of 100 frames of 200 bytes; 5000 chunks of 100 samples each, all at that
    // chunk: 500 000 samples (8.9 hours at 16 kHz), 100 MB counted in a file of 40 KB. The
    // declared duration agrees, so nothing but the bytes shows the lie.
    const samples = 500_000;
    const file = hostile({ stsz: { fixed: 200, count: samples }, stts: [[samples, 1024]], stsc: [[1, 100]], chunks: new Array<number>(5000).fill(0), timescale: 16000, durationTicks: 0xffffffff }, new Uint8Array(100 * 200).fill(7));
    expect(file.length).toBeLessThan(45_000);
    const err = await refusal(file);
    expect(err?.code).toBe('AUDIO_DAMAGED');
    expect(err?.message).toMatch(/more bytes than the file holds/);
  });

  it('refuses, before allocating its tables, a track of just under MAX_SAMPLES samples in a file of a few dozen KiB', async () => {
    // 8 388 607 samples of 64 bytes (536 MB) in 8 192 chunks of 1024 samples, all at one
    // place: the tables alone would be 128 MB of the page's memory (offsets, sizes,
    // durations) for a file of 100 KiB.
    const samples = MAX_SAMPLES - 1;
    const file = hostile({ stsz: { fixed: 64, count: samples }, stts: [[samples, 1]], stsc: [[1, 1024]], chunks: new Array<number>(8192).fill(0), timescale: 1000, durationTicks: samples }, new Uint8Array(1024 * 64).fill(7));
    expect(file.length).toBeLessThan(100 * 1024);
    const err = await refusal(file);
    expect(err?.code).toBe('AUDIO_DAMAGED');
    expect(err?.message).toMatch(/more bytes than the file holds/);
  });

  it('refuses empty samples (an AAC frame is never 0 bytes): a table of them would count as nothing against the file', async () => {
    const sizes = new Array<number>(50_000).fill(0);
    const err = await refusal(hostile({ stsz: sizes, stts: [[sizes.length, 1024]], stsc: [[1, 50_000]], chunks: [0], timescale: 16000, durationTicks: sizes.length * 1024 }, new Uint8Array(10)));
    expect(err?.code).toBe('AUDIO_DAMAGED');
    expect(err?.message).toMatch(/empty AAC frame/);
  });

  it('still reads a file whose frames lie apart, in chunks out of order (as an interleaving muxer writes them)', async () => {
    const frames = Array.from({ length: 6 }, (_, i) => new Uint8Array(150).fill(i + 1));
    // Chunks of two frames, written to mdat in the order 3, 1, 2.
    const payload = new Uint8Array(900);
    payload.set(frames[4]!, 0);
    payload.set(frames[5]!, 150);
    payload.set(frames[0]!, 300);
    payload.set(frames[1]!, 450);
    payload.set(frames[2]!, 600);
    payload.set(frames[3]!, 750);
    const file = hostile({ stsz: { fixed: 150, count: 6 }, stts: [[6, 1024]], stsc: [[1, 2]], chunks: [300, 600, 0], timescale: 16000, durationTicks: 6 * 1024 }, payload);
    const t = await demuxAac(source(file));
    for (let i = 0; i < 6; i++) expect(file[t.offsets[i]!]).toBe(i + 1);
  });

  it('refuses broken sample-to-chunk tables and timing tables (regressions, already refused)', async () => {
    const ok: Tables = { stsz: { fixed: 100, count: 10 }, stts: [[10, 1024]], stsc: [[1, 5]], chunks: [0, 500], timescale: 16000, durationTicks: 10 * 1024 };
    const payload = new Uint8Array(1000);
    await expect(demuxAac(source(hostile(ok, payload)))).resolves.toBeTruthy();
    expect((await refusal(hostile({ ...ok, stsc: [[0, 5]] }, payload)))?.message).toMatch(/out of order/);
    expect((await refusal(hostile({ ...ok, stsc: [[1, 5], [1, 5]] }, payload)))?.message).toMatch(/out of order/);
    expect((await refusal(hostile({ ...ok, stsc: [[2, 5], [1, 5]] }, payload)))?.message).toMatch(/out of order/);
    expect((await refusal(hostile({ ...ok, stsc: [[1, 0]] }, payload)))?.message).toMatch(/no samples/);
    expect((await refusal(hostile({ ...ok, stts: [[0xffffffff, 1024]] }, payload)))?.message).toMatch(/more samples than the track has/);
    expect((await refusal(hostile({ ...ok, stts: [[5, 1024]] }, payload)))?.message).toMatch(/fewer samples/);
    expect((await refusal(hostile({ ...ok, chunks: [0, 950] }, payload)))?.message).toMatch(/past the end of the file/);
  });

  it('walks no more than MAX_TOP_BOXES boxes of 8 bytes, and finds no moov hidden inside mdat or twice', async () => {
    const file = muxM4a([new Uint8Array(100)], { asc: makeAsc(16000, 1), sampleRate: 16000, channels: 1, moov: 'end' });
    const free = new Uint8Array(8 * (MAX_TOP_BOXES + 1));
    for (let i = 0; i <= MAX_TOP_BOXES; i++) {
      new DataView(free.buffer).setUint32(i * 8, 8);
      free.set(ascii('free'), i * 8 + 4);
    }
    const withFree = new Uint8Array(free.length + file.length);
    withFree.set(free);
    withFree.set(file, free.length);
    expect((await refusal(withFree))?.message).toMatch(/more than 4096 top-level boxes/);
    // moov inside mdat only (mdat swallows it): not found.
    const swallowed = file.slice();
    new DataView(swallowed.buffer).setUint32(findMdat(swallowed), file.length - findMdat(swallowed));
    expect((await refusal(swallowed))?.message).toMatch(/no moov/);
    const twice = new Uint8Array(file.length + (file.length - findMoov(file)));
    twice.set(file);
    twice.set(file.subarray(findMoov(file)), file.length);
    expect((await refusal(twice))?.message).toMatch(/two moov/);
  });
});

function findAt(b: Uint8Array, type: string): number {
  const t = ascii(type);
  for (let i = 4; i + 4 <= b.length; i++) if (b[i] === t[0] && b[i + 1] === t[1] && b[i + 2] === t[2] && b[i + 3] === t[3]) return i - 4;
  throw new Error(`no ${type}`);
}
const findMoov = (b: Uint8Array): number => findAt(b, 'moov');
const findMdat = (b: Uint8Array): number => findAt(b, 'mdat');

describe("the page's resampler at AAC's edge rates and lengths is core's", () => {
  /** A WAV of `frames` frames of a noisy tone. */
  const wav = (frames: number, rate: number): Buffer => {
    const data = Buffer.alloc(frames * 2);
    let seed = 99;
    for (let i = 0; i < frames; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      data.writeInt16LE(Math.round(12000 * Math.sin(i / 3) + (seed % 4000) - 2000), i * 2);
    }
    return Buffer.concat([wavHeader(data.length, rate, 1), data]);
  };
  for (const rate of [7350, 11025, 64000, 88200, 96000]) {
    for (const frames of [1, 2, 7, 1024, 20_001]) {
      it(`${frames} frame(s) at ${rate} Hz`, async () => {
        const file = wav(frames, rate);
        // Both given the file in the same uneven pieces, as decoded frames come (core's own
        // output depends on its pieces in the last bit when it interpolates upwards: its
        // position is a float sum of an inexact step, rebased at each piece).
        const pieces: Buffer[] = [];
        for (let at = 0; at < file.length; at += 1000 + (at % 7)) pieces.push(file.subarray(at, at + 1000 + (at % 7)));
        const core: number[] = [];
        const d = await createDecoder('wav', (x) => {
          for (const v of x) core.push(v);
        });
        for (const p of pieces) await d.push(p);
        await d.end();
        d.free();
        const page: number[] = [];
        const r = new MonoResampler((x) => {
          for (const v of x) page.push(v);
        });
        const m = await createMonoDecoder('wav', (mono, at) => r.push(mono.slice(), at));
        for (const p of pieces) await m.push(p);
        await m.end();
        m.free();
        r.end();
        expect(page.length).toBe(core.length);
        expect(Math.abs(page.length - (frames * 16000) / rate)).toBeLessThan(3);
        let differ = 0;
        for (let i = 0; i < core.length; i++) if (page[i] !== core[i]) differ++;
        expect(differ).toBe(0);
      });
    }
  }
});
