/**
 * Hostile M4A/AAC against core's decoder (FFmpeg's, built to WebAssembly: asr/aac), the
 * real module, on files muxed here (tests/mp4-muxer.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { demuxAac } from '@shared/mp4';
import { createDecoder, decodeM4aMono } from '../../electron/core/services/asr/audio';
import { AacFrameDecoder, frames, frameStream, openTrack, type RandomAccess } from '../../electron/core/services/asr/aac/aac';
import { makeAsc, muxM4a } from '../mp4-muxer';
import { writeTestModel } from '../../scripts/make-test-model';
import { makeDraft, type WorkerSpawner } from '../../electron/core/services/asr/draft';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { admit, makeVault, tempDir } from './helpers';

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


/** The module memory a decoder decodes in (a private field: what is left in it is the point). */
const heapOf = (d: AacFrameDecoder): { HEAPU8: Uint8Array } => (d as unknown as { m: { HEAPU8: Uint8Array } }).m;

function contains(hay: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = hay.indexOf(needle[0]!); i >= 0 && i + needle.length <= hay.length; i = hay.indexOf(needle[0]!, i + 1)) {
    for (let k = 1; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}

describe("the decoder's memory after a recording", () => {
  const file = new Uint8Array(fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'audio', 'tone.m4a')));

  it('holds none of its frames or samples once the decoder is closed (the module is shared by the whole main process)', async () => {
    const src = memory(file);
    const track = await demuxAac({ size: file.length, read: async (a, b) => file.subarray(a, b) });
    const d = await AacFrameDecoder.open(track.config);
    const module = heapOf(d);
    let last = new Uint8Array(0);
    let sample = new Uint8Array(0);
    for await (const f of frames(src, track)) {
      const { mono } = d.decode(f);
      last = f.slice();
      if (mono.length) sample = new Uint8Array(mono.slice(400, 432).buffer);
    }
    expect(sample.some((b) => b !== 0)).toBe(true);
    expect(contains(module.HEAPU8, last)).toBe(true);
    d.free();
    expect(contains(module.HEAPU8, last)).toBe(false);
    expect(contains(module.HEAPU8, sample)).toBe(false);
  });

  it('two decoders open at once: closing one leaves the other decoding, and a decoder opened after both closed decodes the same', async () => {
    const src = memory(file);
    const track = await demuxAac({ size: file.length, read: async (a, b) => file.subarray(a, b) });
    const decodeAll = async (d: AacFrameDecoder): Promise<number[]> => {
      const out: number[] = [];
      for await (const f of frames(src, track)) out.push(...d.decode(f).mono.slice(0, 8));
      return out;
    };
    const a = await AacFrameDecoder.open(track.config);
    const b = await AacFrameDecoder.open(track.config);
    a.decode((await frames(src, track).next()).value!);
    a.free();
    const fromB = await decodeAll(b);
    b.free();
    const c = await AacFrameDecoder.open(track.config);
    try {
      expect(await decodeAll(c)).toEqual(fromB);
    } finally {
      c.free();
    }
  });
});

describe('a frame table of millions of entries', () => {
  it('is walked with the event loop running between (a draft demuxes in the app\'s main process), not in one go of most of a second', async () => {
    // 8 million 4-byte frames (just under MAX_SAMPLES, moov just under MAX_MOOV_BYTES): a
    // 64 MB file declaring 150 hours, in one chunk. Counted, not timed: how many times
    // other work (a lock, an IPC message) gets the thread while the table is read.
    const frame = new Uint8Array([0, 0x32, 0, 7]);
    const file = muxM4a(new Array<Uint8Array>(8_000_000).fill(frame), { asc: makeAsc(7350, 1), sampleRate: 7350, channels: 1, moov: 'end', perChunk: 8_000_000, frameSamples: 500 });
    let turns = 0;
    let reading = true;
    const turn = (): void => {
      if (!reading) return;
      turns++;
      setImmediate(turn);
    };
    setImmediate(turn);
    try {
      const track = await openTrack(memory(file), 200 * 3_600_000);
      expect(track.sizes.length).toBe(8_000_000);
    } finally {
      reading = false;
    }
    // Stsz, the sample-to-chunk walk and the batch count: 61 slices of 131 072 entries.
    expect(turns).toBeGreaterThanOrEqual(40);
  }, 120_000);
});

describe("the 'aac-frames' stream a draft's recognition process reads", () => {
  const file = new Uint8Array(fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'audio', 'tone.m4a')));

  async function streamBytes(): Promise<Uint8Array> {
    const src = memory(file);
    const parts: Uint8Array[] = [];
    for await (const p of frameStream(src, await openTrack(src, 70_000), 1 << 20)) parts.push(p.slice());
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) all.set(p, (at += p.length) - p.length);
    return all;
  }

  async function decodeIn(pieces: Uint8Array[]): Promise<number[]> {
    const out: number[] = [];
    const d = await createDecoder('aac-frames', (pcm) => out.push(...pcm), { declaredMs: 60_000 });
    try {
      for (const p of pieces) await d.push(p);
      await d.end();
    } finally {
      d.free();
    }
    return out;
  }

  it('decodes the same whether a frame, its length or the header is split across messages', async () => {
    const all = await streamBytes();
    const whole = await decodeIn([all]);
    expect(whole.length).toBeGreaterThan(10_000);
    const split: Uint8Array[] = [];
    for (let at = 0, n = 1; at < all.length; at += n, n = (n * 7) % 13 + 1) split.push(all.slice(at, at + n));
    expect(await decodeIn(split)).toEqual(whole);
  });

  it('refuses, as damaged, a stream that ends inside a frame, a length that claims more than is sent, an empty frame and a wrong header', async () => {
    const all = await streamBytes();
    const code = async (pieces: Uint8Array[]): Promise<string | undefined> => (await errorOf(decodeIn(pieces))).code;
    expect(await code([all.subarray(0, all.length - 3)])).toBe('AUDIO_DAMAGED');
    const lying = all.slice();
    const configLength = lying[4]! | (lying[5]! << 8);
    lying[6 + configLength] = 0xff;
    lying[7 + configLength] = 0xff;
    expect(await code([lying])).toBe('AUDIO_DAMAGED');
    const empty = all.slice();
    empty[6 + configLength] = 0;
    empty[7 + configLength] = 0;
    expect(await code([empty])).toBe('AUDIO_DAMAGED');
    const header = all.slice();
    header[0] = 0x58;
    expect(await code([header])).toBe('AUDIO_DAMAGED');
    expect(await code([])).toBe('AUDIO_DAMAGED');
  });
});

describe('a draft of a long M4A and a lock while its frame table is read', () => {
  it('stops with VAULT_LOCKED and starts no recognition process: the table is read with pauses, and the lock may come in one', async () => {
    const model = path.join(tempDir('hvelv-model-'), 'micro');
    writeTestModel(model, 'micro');
    const { session } = await makeVault('aac attack passphrase');
    const code = admit(session);
    // 300 000 one-byte frames (the table is walked in slices of 131 072): the decoder
    // refuses them, so the import stores it without a waveform, quickly.
    const src = path.join(tempDir(), 'long.m4a');
    fs.writeFileSync(src, muxM4a(new Array<Uint8Array>(300_000).fill(new Uint8Array([0xff])), { asc: makeAsc(44100, 1), sampleRate: 44100, channels: 1, moov: 'end', perChunk: 1000 }));
    const rec = await new Recordings(session, () => new Date('2026-11-27T10:00:00Z')).import(code, src);
    let spawned = 0;
    const spawn: WorkerSpawner = () => {
      spawned++;
      throw new Error('a recognition process was started with the vault locked');
    };
    const draft = makeDraft(session, rec.id, { model, language: 'nb', spawn });
    setTimeout(() => session.lock(), 0);
    await expect(draft).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
    expect(spawned).toBe(0);
  }, 120_000);
});
