/**
 * The page's MP4 demuxer (shared/mp4.ts) on files the test muxes itself (tests/mp4-muxer.ts)
 * and on the committed ffmpeg-made fixtures: every frame found where it lies, moov at
 * either end, 64-bit sizes, size 0, and damaged or hostile files refused as such.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFile } from 'music-metadata';
import { demuxAac, MAX_MOOV_BYTES, MAX_SAMPLES, Mp4Error, type ByteSource } from '@shared/mp4';
import { box, esds, makeAsc, muxM4a, type MuxOptions } from '../mp4-muxer';

/** A file in memory read as the page reads it, with a log of the ranges asked for. */
function source(bytes: Uint8Array): ByteSource & { reads: [number, number][] } {
  const reads: [number, number][] = [];
  return {
    size: bytes.length,
    reads,
    read: (start, end) => {
      reads.push([start, end]);
      return Promise.resolve(bytes.slice(start, Math.min(end, bytes.length)));
    },
  };
}

/** Frames of distinct bytes and sizes, so a frame found in the wrong place shows. */
function frames(n: number): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => Uint8Array.from({ length: 100 + ((i * 37) % 200) }, (_, j) => (i * 7 + j) & 255));
}

const base: MuxOptions = { asc: makeAsc(16000, 1), sampleRate: 16000, channels: 1, moov: 'start' };

async function refused(bytes: Uint8Array | ByteSource, code: 'AUDIO_DAMAGED' | 'AUDIO_UNSUPPORTED', pattern: RegExp, opts = {}): Promise<void> {
  const err = await demuxAac(bytes instanceof Uint8Array ? source(bytes) : bytes, opts).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Mp4Error);
  expect((err as Mp4Error).code).toBe(code);
  expect((err as Mp4Error).message).toMatch(pattern);
}

async function expectFrames(file: Uint8Array, want: Uint8Array[]): Promise<void> {
  const t = await demuxAac(source(file));
  expect(t.sizes.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(file.subarray(t.offsets[i]!, t.offsets[i]! + t.sizes[i]!)).toEqual(want[i]);
}

describe('MP4 demuxer (the page streams M4A with it)', () => {
  it('finds every frame where it lies, moov at the start or at the end, stco or co64, mdat with a 64-bit size or size 0', async () => {
    const f = frames(41);
    for (const o of [
      { moov: 'start' as const },
      { moov: 'end' as const },
      { moov: 'end' as const, co64: true, largeMdat: true },
      { moov: 'start' as const, co64: true },
      { moov: 'start' as const, mdatToEnd: true },
      { moov: 'end' as const, perChunk: 1 },
      { moov: 'start' as const, perChunk: 50 },
    ]) {
      await expectFrames(muxM4a(f, { ...base, ...o }), f);
    }
  });

  it('reads the track description: AudioSpecificConfig, codec string, rate, channels, timescale and duration', async () => {
    const f = frames(10);
    const t = await demuxAac(source(muxM4a(f, { ...base, asc: makeAsc(44100, 2), sampleRate: 44100, channels: 2, moov: 'end' })));
    expect(t).toMatchObject({ codec: 'mp4a.40.2', audioObjectType: 2, sampleRate: 44100, channels: 2, timescale: 44100, durationTicks: 10 * 1024 });
    expect(Array.from(t.config)).toEqual(Array.from(makeAsc(44100, 2)));
    expect(Array.from(t.durations)).toEqual(new Array(10).fill(1024));
    // HE-AAC signalled explicitly: the codec string follows the object type.
    const he = await demuxAac(source(muxM4a(f, { ...base, asc: makeAsc(24000, 2, 5), sampleRate: 24000, channels: 2 })));
    expect(he.codec).toBe('mp4a.40.5');
  });

  it('with moov at the end, reads only box headers and the moov: never the sound', async () => {
    const f = frames(2000);
    const file = muxM4a(f, { ...base, moov: 'end' });
    const src = source(file);
    await demuxAac(src);
    const read = src.reads.reduce((n, [a, b]) => n + (b - a), 0);
    const moovSize = file.length - (8 + 20 + 8 + f.reduce((n, x) => n + x.length, 0));
    expect(read).toBeLessThanOrEqual(moovSize + 3 * 16);
    expect(src.reads.length).toBeLessThanOrEqual(4);
  });

  it('reads the committed recordings ffmpeg made (moov at the end, as ffmpeg writes it) as music-metadata does', async () => {
    // Channels from the AudioSpecificConfig (tests/fixtures/audio/README.md: tone mono, the other stereo);
    // music-metadata reads the sample entry's channel count, which ffmpeg writes as 2 for mono too.
    for (const [name, channels] of [['tone.m4a', 1], ['noise-tone-stereo-44k.m4a', 2]] as const) {
      const p = path.join(import.meta.dirname, '..', 'fixtures', 'audio', name);
      const file = new Uint8Array(fs.readFileSync(p));
      const t = await demuxAac(source(file));
      const meta = await parseFile(p);
      expect(t.sampleRate).toBe(meta.format.sampleRate);
      expect(t.channels).toBe(channels);
      expect(t.codec).toBe('mp4a.40.2');
      const seconds = t.durations.reduce((n, d) => n + d, 0) / t.timescale;
      expect(Math.abs(seconds - meta.format.duration!)).toBeLessThan(0.1);
      // Every frame inside the file, in order, not overlapping.
      for (let i = 1; i < t.sizes.length; i++) expect(t.offsets[i]).toBeGreaterThanOrEqual(t.offsets[i - 1]! + t.sizes[i - 1]!);
      expect(t.offsets[t.sizes.length - 1]! + t.sizes[t.sizes.length - 1]!).toBeLessThanOrEqual(file.length);
    }
  });

  it('refuses a file cut short: moov lost at the end, or frames past the end', async () => {
    const f = frames(30);
    const atEnd = muxM4a(f, { ...base, moov: 'end' });
    await refused(atEnd.subarray(0, atEnd.length - 10), 'AUDIO_DAMAGED', /claims more than the file/);
    // Cut right after mdat: no moov at all (a phone's recording stopped before it was finished).
    await refused(atEnd.subarray(0, 8 + 20 + 8 + f.reduce((n, x) => n + x.length, 0)), 'AUDIO_DAMAGED', /no moov/);
    // moov first, mdat of size 0 (to the end): a cut file's frames lie past its end.
    const toEnd = muxM4a(f, { ...base, moov: 'start', mdatToEnd: true });
    await refused(toEnd.subarray(0, toEnd.length - 50), 'AUDIO_DAMAGED', /past the end of the file/);
    await refused(atEnd.subarray(0, 5), 'AUDIO_DAMAGED', /inside a box header/);
  });

  it('refuses hostile sizes: a box larger than the file or its parent, a 64-bit size past 2^53, a huge moov, a table larger than its box', async () => {
    const f = frames(8);
    const file = muxM4a(f, { ...base, moov: 'start' });
    // The mdat claiming a gigabyte more.
    const big = file.slice();
    const mdatAt = findBox(big, 'mdat');
    new DataView(big.buffer).setUint32(mdatAt, 0x40000000);
    await refused(big, 'AUDIO_DAMAGED', /claims more than the file/);
    // A 64-bit size of 2^60.
    const huge = muxM4a(f, { ...base, moov: 'end', largeMdat: true });
    new DataView(huge.buffer).setBigUint64(findBox(huge, 'mdat') + 8, 1n << 60n);
    await refused(huge, 'AUDIO_DAMAGED', /claims more than the file/);
    // A size smaller than its own header.
    const tiny = file.slice();
    new DataView(tiny.buffer).setUint32(findBox(tiny, 'mdat'), 3);
    await refused(tiny, 'AUDIO_DAMAGED', /impossible size/);
    // A moov of 40 MiB (a file of that size that is never read past its header).
    const moovHeader = new Uint8Array(16);
    new DataView(moovHeader.buffer).setUint32(0, MAX_MOOV_BYTES + 1024);
    moovHeader.set(new TextEncoder().encode('moov'), 4);
    const sparse: ByteSource = { size: MAX_MOOV_BYTES + 1024, read: (a, b) => Promise.resolve(a === 0 ? moovHeader.slice(0, b) : new Uint8Array(b - a)) };
    await refused(sparse, 'AUDIO_DAMAGED', /moov box is \d+ bytes/);
    // stsz claiming 2^24 samples in a box of a few hundred bytes.
    const stsz = file.slice();
    new DataView(stsz.buffer).setUint32(findBox(stsz, 'stsz') + 16, 1 << 24);
    await refused(stsz, 'AUDIO_DAMAGED', /more entries than its box holds/);
    // A trak claiming more than moov holds.
    const trak = file.slice();
    new DataView(trak.buffer).setUint32(findBox(trak, 'trak'), 0x7fff0000);
    await refused(trak, 'AUDIO_DAMAGED', /claims more than its parent/);
  });

  it('refuses more samples than MAX_SAMPLES, frames too large for AAC, and samples lasting past the declared duration', async () => {
    // stsz with a fixed size and a huge count needs no table: the count alone is refused.
    const f = frames(4);
    const fixed = muxM4a(f, { ...base, moov: 'end' });
    const at = findBox(fixed, 'stsz');
    const v = new DataView(fixed.buffer);
    v.setUint32(at + 12, 200);
    v.setUint32(at + 16, MAX_SAMPLES + 1);
    await refused(fixed, 'AUDIO_DAMAGED', /more than 8388608/);
    await refused(muxM4a([new Uint8Array(70_000)], { ...base, moov: 'start' }), 'AUDIO_DAMAGED', /AAC frame of 70000 bytes/);
    // 100 frames of 1024 samples at 16 kHz (6.4 s) in a track declaring 1024 samples: 6.4 s is within 0.064 × 1.1 + 10 s...
    await expect(demuxAac(source(muxM4a(frames(100), { ...base, declaredTicks: 1024 })))).resolves.toBeTruthy();
    // ...but 20 000 frames (21 minutes of tiny frames) are not; nor past the caller's own ceiling.
    const many = Array.from({ length: 20_000 }, () => new Uint8Array([1, 2, 3]));
    await refused(muxM4a(many, { ...base, declaredTicks: 1024 }), 'AUDIO_DAMAGED', /more than the track declares/);
    await refused(muxM4a(frames(100), base), 'AUDIO_DAMAGED', /more than the track declares/, { maxDurationMs: 1000 });
  });

  it('refuses what is not AAC in MP4: no audio track, MP3 in MP4, another codec, an encrypted track, not an MP4', async () => {
    const f = frames(4);
    const mp3 = muxM4a(f, base, box('mp4a', new Uint8Array(6), new Uint8Array([0, 1]), new Uint8Array(8), new Uint8Array([0, 1, 0, 16]), new Uint8Array(4), new Uint8Array([0x3e, 0x80, 0, 0]), esds(new Uint8Array([0x11, 0x90]), 0x6b)));
    await refused(mp3, 'AUDIO_UNSUPPORTED', /not AAC/);
    await refused(muxM4a(f, base, box('Opus', new Uint8Array(28))), 'AUDIO_UNSUPPORTED', /not AAC/);
    await refused(muxM4a(f, base, box('enca', new Uint8Array(28))), 'AUDIO_UNSUPPORTED', /encrypted/);
    const video = muxM4a(f, base);
    video.set(new TextEncoder().encode('vide'), findBox(video, 'hdlr') + 16);
    await refused(video, 'AUDIO_UNSUPPORTED', /no audio track/);
    await refused(new TextEncoder().encode('RIFF\x10\0\0\0WAVEfmt '), 'AUDIO_UNSUPPORTED', /not an MP4/);
  });
});

/** The offset of the first box of `type` (a search for its four letters, 4 bytes after its size). */
function findBox(b: Uint8Array, type: string): number {
  const t = new TextEncoder().encode(type);
  for (let i = 4; i + 4 <= b.length; i++) if (b[i] === t[0] && b[i + 1] === t[1] && b[i + 2] === t[2] && b[i + 3] === t[3]) return i - 4;
  throw new Error(`no ${type}`);
}
