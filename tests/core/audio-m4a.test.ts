/**
 * M4A/AAC decoded in core: FFmpeg's AAC decoder built to WebAssembly by us
 * (electron/core/services/asr/aac, scripts/build-aac-wasm.sh), the real module, on the
 * committed ffmpeg-made fixtures and on files muxed here from their real frames. The
 * reference is FFmpeg's own decode of the same files by the ffmpeg program
 * (scripts/make-aac-reference.sh, committed): the suite needs no ffmpeg.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { demuxAac } from '@shared/mp4';
import { peakCount } from '@shared/audio-fold';
import { createMonoDecoder, decodeM4aMono } from '../../electron/core/services/asr/audio';
import { AacFrameDecoder, frameStream, openTrack, type RandomAccess } from '../../electron/core/services/asr/aac/aac';
import { m4aPeaks, sealedSource } from '../../electron/core/services/recordings/m4a-peaks';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { admit, findNeedles, listFiles, makeVault, recentTempFiles, tempDir } from './helpers';
import { muxM4a } from '../mp4-muxer';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'audio');
const NOW = () => new Date('2026-11-27T10:00:00Z');

function memory(bytes: Uint8Array): RandomAccess & { reads: number } {
  const src = {
    size: bytes.length,
    reads: 0,
    readAt: (at: number, length: number) => {
      src.reads++;
      return bytes.subarray(at, Math.min(bytes.length, at + length));
    },
  };
  return src;
}

async function decode(bytes: Uint8Array, declaredMs = 60_000): Promise<{ samples: Float32Array; rate: number }> {
  const parts: Float32Array[] = [];
  let rate = 0;
  await decodeM4aMono(memory(bytes), (s, r) => {
    parts.push(s.slice());
    rate = r;
  }, { declaredMs });
  return { samples: join(parts), rate };
}

function join(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A 16-bit mono WAV's samples as floats (the reference decodes). */
function wavSamples(file: string): { samples: Float32Array; rate: number } {
  const b = fs.readFileSync(file);
  let at = 12;
  let rate = 0;
  for (;;) {
    const id = b.toString('latin1', at, at + 4);
    const len = b.readUInt32LE(at + 4);
    if (id === 'fmt ') rate = b.readUInt32LE(at + 12);
    if (id === 'data') {
      const n = len / 2;
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = b.readInt16LE(at + 8 + i * 2) / 32768;
      return { samples: out, rate };
    }
    at += 8 + len + (len & 1);
  }
}

function correlation(a: Float32Array, b: Float32Array, n: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  return ab / Math.sqrt(aa * bb);
}

function rmsError(a: Float32Array, b: Float32Array, n: number): number {
  let e = 0;
  for (let i = 0; i < n; i++) e += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(e / n);
}

/** The loudest frequency between 100 and 1000 Hz, in 5 Hz steps (Goertzel). */
function peakHz(s: Float32Array, rate: number): number {
  let best = 0;
  let bestPower = -1;
  for (let f = 100; f <= 1000; f += 5) {
    const w = (2 * Math.PI * f) / rate;
    const c = 2 * Math.cos(w);
    let s1 = 0;
    let s2 = 0;
    for (const x of s) {
      const s0 = x + c * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    const power = s1 * s1 + s2 * s2 - c * s1 * s2;
    if (power > bestPower) {
      bestPower = power;
      best = f;
    }
  }
  return best;
}

const tone = new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'tone.m4a')));
const stereo = new Uint8Array(fs.readFileSync(path.join(FIXTURES, 'noise-tone-stereo-44k.m4a')));

async function refused(p: Promise<unknown>, code: string, pattern?: RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'expected a refusal').toMatchObject({ code });
  if (pattern) expect((err as Error).message).toMatch(pattern);
}

describe('M4A/AAC decoded in core (FFmpeg’s AAC decoder, our WebAssembly build)', () => {
  it('tone.m4a (16 kHz mono, moov after mdat) decodes to what FFmpeg decodes, a 440 Hz tone', async () => {
    const { samples, rate } = await decode(tone, 2000);
    const ref = wavSamples(path.join(FIXTURES, 'tone.m4a.ref.wav'));
    expect(rate).toBe(16_000);
    expect(ref.rate).toBe(16_000);
    // Every frame, the encoder's priming included (not trimmed here, nor in the reference).
    expect(samples.length).toBe(ref.samples.length);
    expect(correlation(samples, ref.samples, samples.length)).toBeGreaterThan(0.9999);
    // The reference is 16-bit: its rounding alone is 1e-5.
    expect(rmsError(samples, ref.samples, samples.length)).toBeLessThan(1e-4);
    expect(peakHz(samples.subarray(4000, 30_000), rate)).toBe(440);
    let peak = 0;
    for (const s of samples) peak = Math.max(peak, Math.abs(s));
    expect(peak).toBeGreaterThan(0.1);
  });

  it('noise-tone-stereo-44k.m4a (44.1 kHz stereo) is mixed to mono as FFmpeg’s decode, the channels’ mean; the 180 Hz tone is there', async () => {
    const { samples, rate } = await decode(stereo, 6000);
    const ref = wavSamples(path.join(FIXTURES, 'noise-tone-stereo-44k.m4a.ref.wav'));
    expect(rate).toBe(44_100);
    expect(samples.length).toBeGreaterThan(6 * 44_100);
    expect(samples.length).toBeLessThan(6.1 * 44_100);
    const n = ref.samples.length; // the reference holds the first two seconds
    expect(n).toBe(2 * 44_100);
    expect(correlation(samples, ref.samples, n)).toBeGreaterThan(0.9999);
    expect(rmsError(samples, ref.samples, n)).toBeLessThan(1e-4);
    expect(peakHz(samples.subarray(44_100, 3 * 44_100), rate)).toBe(180);
  });

  it('the same frames with moov before mdat decode to the same samples; batches are read, not frames', async () => {
    const track = await demuxAac({ size: tone.length, read: (s, e) => Promise.resolve(tone.slice(s, e)) });
    const frames = Array.from(track.sizes, (size, i) => tone.slice(track.offsets[i]!, track.offsets[i]! + size));
    const start = muxM4a(frames, { asc: track.config, sampleRate: 16_000, channels: 1, moov: 'start', perChunk: 7 });
    const a = await decode(tone, 2000);
    const src = memory(start);
    const parts: Float32Array[] = [];
    await decodeM4aMono(src, (s) => parts.push(s.slice()), { declaredMs: 2000 });
    expect(join(parts)).toEqual(a.samples);
    // Box headers, the moov, and one read for all the frames (they lie together).
    expect(src.reads).toBeLessThan(10);
  });

  it('the frames sent as a stream (a draft’s recognition process) decode to the same samples, whatever the pieces', async () => {
    const a = await decode(stereo, 6000);
    const src = memory(stereo);
    const track = await openTrack(src, 20_000);
    const stream: Uint8Array[] = [];
    for await (const piece of frameStream(src, track, 3000)) stream.push(piece.slice());
    const bytes = Buffer.concat(stream);
    for (const cut of [7, 777, 1 << 20]) {
      const parts: Float32Array[] = [];
      const d = await createMonoDecoder('aac-frames', (s) => parts.push(s.slice()), undefined, { declaredMs: 6000 });
      for (let at = 0; at < bytes.length; at += cut) await d.push(bytes.subarray(at, at + cut));
      await d.end();
      d.free();
      expect(join(parts), `pieces of ${cut}`).toEqual(a.samples);
    }
  });

  it('HE-AAC: not tested on a real file (this ffmpeg’s native encoder writes AAC-LC only); the decoder opens an HE-AAC configuration', async () => {
    // AudioSpecificConfig: object type 5 (SBR), 22.05 kHz core, stereo, extension rate 44.1 kHz, then AAC-LC.
    const d = await AacFrameDecoder.open(new Uint8Array([0x2b, 0x92, 0x08, 0x00]));
    d.free();
  });

  it('damaged files are refused with core’s errors: cut short, a frame table past the end, garbage frames, more sound than declared', async () => {
    // Cut inside the mdat: with moov at the end, the moov is gone.
    await refused(decode(tone.subarray(0, 4000)), 'AUDIO_DAMAGED', /moov|cut short/);
    // moov first, then the sound cut short: the frame table points past the end.
    const track = await demuxAac({ size: tone.length, read: (s, e) => Promise.resolve(tone.slice(s, e)) });
    const frames = Array.from(track.sizes, (size, i) => tone.slice(track.offsets[i]!, track.offsets[i]! + size));
    const start = muxM4a(frames, { asc: track.config, sampleRate: 16_000, channels: 1, moov: 'start' });
    await refused(decode(start.subarray(0, start.length - 500)), 'AUDIO_DAMAGED', /past the end|cut short|claims more/);
    // Garbage in place of the frames: the decoder's refusal, not a crash or noise.
    let x = 7;
    const garbage = frames.map((f) => f.map(() => (x = (x * 1103515245 + 12345) & 0x7fffffff) & 255));
    // FFmpeg's own log is silenced: nothing reaches the process's stderr.
    const said: unknown[] = [];
    const spies = [vi.spyOn(console, 'warn').mockImplementation((...a) => void said.push(a)), vi.spyOn(console, 'error').mockImplementation((...a) => void said.push(a)), vi.spyOn(process.stderr, 'write').mockImplementation((a) => (said.push(a), true))];
    try {
      await refused(decode(muxM4a(garbage, { asc: track.config, sampleRate: 16_000, channels: 1, moov: 'end' })), 'AUDIO_DAMAGED', /AAC decoder/);
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(said).toEqual([]);
    // Twenty seconds of frames in a recording declared (at import) 2 s long: past the same
    // ceiling as the other formats (a tenth and ten seconds), refused before decoding.
    const long = muxM4a(Array.from({ length: 10 }, () => frames).flat(), { asc: track.config, sampleRate: 16_000, channels: 1, moov: 'end' });
    expect((await decode(long, 20_000)).samples.length).toBeGreaterThan(19 * 16_000);
    await refused(decode(long, 2000), 'AUDIO_DAMAGED', /more than the track declares/);
    // A track that says it is 0.1 s long but holds 20 s of frames (its own mdhd, whatever the import probed).
    await refused(decode(muxM4a(Array.from({ length: 10 }, () => frames).flat(), { asc: track.config, sampleRate: 16_000, channels: 1, moov: 'end', declaredTicks: 1600 }), 60_000), 'AUDIO_DAMAGED', /more than the track declares/);
    // Not an MP4 at all.
    await refused(decode(new TextEncoder().encode('RIFF....WAVEfmt this is no mp4 at all')), 'AUDIO_UNSUPPORTED');
    // The same as a stream: bytes that are no frame stream, or end inside a frame.
    const d = await createMonoDecoder('aac-frames', () => {}, undefined, { declaredMs: 2000 });
    await refused(d.push(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])), 'AUDIO_DAMAGED');
    d.free();
  });

  it('the waveform: none at import (an MP4 is not folded as it streams), made by ensurePeaks in the decode worker from the sealed copy, equal to peaks from a separate decode; no plaintext on disk', async () => {
    const since = Date.now();
    const { session, dir } = await makeVault();
    const code = admit(session);
    const recordings = new Recordings(session, NOW);
    const rec = await recordings.import(code, path.join(FIXTURES, 'noise-tone-stereo-44k.m4a'));
    expect(recordings.peaks(rec.id)).toBeNull();
    const made = await recordings.ensurePeaks(rec.id);
    expect(made).not.toBeNull();
    expect(made!.length).toBe(peakCount(rec.durationMs));
    const separate = await m4aPeaks(memory(stereo), rec.durationMs);
    expect(made).toEqual(separate);
    expect(recordings.peaks(rec.id)).toEqual(separate);
    const reader = recordings.open(rec.id);
    try {
      expect(await m4aPeaks(sealedSource(reader), rec.durationMs)).toEqual(separate);
    } finally {
      reader.close();
    }
    // Not flat: the tone is loud throughout.
    expect(Math.min(...made!.subarray(2, -2))).toBeGreaterThan(20);
    const needle = Buffer.from(stereo.subarray(20_000, 20_064));
    expect(findNeedles([...listFiles(dir), ...recentTempFiles(since)], [needle])).toEqual([]);
    session.lock();
  });

  it('the waveform from the sealed copy with its frame table first or last: the same peaks (the worker reads the chunks a frame touches)', async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const recordings = new Recordings(session, NOW);
    const track = await demuxAac({ size: tone.length, read: (s, e) => Promise.resolve(tone.slice(s, e)) });
    const frames = Array.from(track.sizes, (size, i) => tone.slice(track.offsets[i]!, track.offsets[i]! + size));
    const first = muxM4a(frames, { asc: track.config, sampleRate: 16_000, channels: 1, moov: 'start', perChunk: 7 });
    const want = await m4aPeaks(memory(tone), 2000);
    for (const [name, bytes] of [['last.m4a', tone], ['first.m4a', first]] as const) {
      const src = path.join(tempDir(), name);
      fs.writeFileSync(src, bytes);
      const rec = await recordings.import(code, src);
      expect(await recordings.ensurePeaks(rec.id)).toEqual(rec.durationMs === 2000 ? want : await m4aPeaks(memory(tone), rec.durationMs));
    }
    session.lock();
  });
});
