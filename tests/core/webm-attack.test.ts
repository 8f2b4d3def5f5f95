/**
 * Hostile WebM/Opus files through the one-pass import (issue 27, the attack review of this
 * round). The import's waveform was folded on the thread that calls it (the app's main
 * process); it is now decoded in the decode worker (recordings/decode-worker.ts), which is
 * in the same process, so what the Opus decoder allocates is still the process's: 255
 * declared channels cost 1.5 GiB for a 130 KB file before the reader refused more than 8. A decoder failure never stops the
 * import nor leaves plaintext. Packets of 1 byte that decode to far more sound than the
 * file declares (104 KB: 51 minutes, 22 s of decoding in the review) are counted from their
 * TOC bytes before decoding, and the decoding stops at the declared length and a margin.
 * The work is counted (samples out of the real Opus decoder, through the same decoder the
 * worker makes: createMonoDecoder), not timed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMonoDecoder, decodeCeilingMs, opusPacketSamples } from '../../electron/core/services/asr/audio';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { admit, makeVault, tempDir } from './helpers';
import { block, lacedBlock, opusHead, sized } from './webm-build';

/** Samples out of the real Opus decoder, counted around its decodeFrames (an instance property). */
const decoded = vi.hoisted(() => ({ samples: 0 }));
vi.mock('opus-decoder', async (importOriginal) => {
  const real = await importOriginal<typeof import('opus-decoder')>();
  class Counted extends real.OpusDecoder {
    constructor(options?: object) {
      super(options as never);
      const inner = this.decodeFrames.bind(this);
      this.decodeFrames = (frames: Uint8Array[]) => {
        const r = inner(frames);
        decoded.samples += r.samplesDecoded;
        return r;
      };
    }
  }
  return { ...real, OpusDecoder: Counted };
});
beforeEach(() => {
  decoded.samples = 0;
});

/** 1-byte Opus packets (TOC only: 60 ms of concealment each), 256 per block: 400 blocks are 104 KB, 102 minutes declared as 60 s. */
function bomb(blocks: number, packet = Buffer.from([0x18])): Buffer {
  return sized(opusHead(2), Array.from({ length: blocks }, () => lacedBlock(Array.from({ length: 256 }, () => packet))), 2);
}

const NOW = () => new Date('2026-11-27T10:00:00Z');

/** 255 channels (mapping family 255), one block of 256 laced 255-stream packets of TOC-only frames: 130 KB. */
function manyChannels(): Buffer {
  const streams = 255;
  const pkt = Buffer.concat([...Array.from({ length: streams - 1 }, () => Buffer.from([0x18, 0x00])), Buffer.from([0x18])]);
  return sized(opusHead(255, 255, streams, 0), [lacedBlock(Array.from({ length: 256 }, () => pkt)), ...Array.from({ length: 4 }, () => block(pkt))], 255);
}

describe('hostile WebM through Recordings.import (one pass, decoder in the decode worker of this process)', () => {
  it('a 130 KB WebM with 255 channels keeps the import under 64 MiB of growth', async () => {
    const { session } = await makeVault();
    const code = admit(session, { name: 'Kari Nordmann' });
    const file = path.join(tempDir(), 'intervju.webm');
    fs.writeFileSync(file, manyChannels());
    let peak = process.memoryUsage().rss;
    const base = peak;
    const t = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
    try {
      await new Recordings(session, NOW).import(code, file).catch(() => null);
    } finally {
      clearInterval(t);
    }
    peak = Math.max(peak, process.memoryUsage().rss);
    const grewMiB = (peak - base) / 2 ** 20;
    expect(grewMiB).toBeLessThan(64);
  }, 120_000);
});

describe('a WebM that decodes to far more sound than it declares (decompression bomb)', () => {
  const CEILING_SAMPLES = (decodeCeilingMs(60_000) / 1000) * 48_000;

  it('the import stops decoding at the declared minute and its margin, and stores the recording without a waveform', async () => {
    const { session } = await makeVault();
    const code = admit(session, { name: 'Kari Nordmann' });
    const dir = tempDir();
    const file = path.join(dir, 'intervju.webm');
    fs.writeFileSync(file, bomb(400));
    expect(fs.statSync(file).size).toBeLessThan(110_000);
    const rec = new Recordings(session, NOW);
    const info = await rec.import(code, file);
    expect(info.durationMs).toBe(60_000);
    // 102 minutes are in the file; the decoder (in the worker, beyond this file's count of
    // samples: the next test counts the same createMonoDecoder) stops at the ceiling (76 s),
    // and the waveform, which would misplace what was decoded, is not made.
    expect(rec.peaks(info.id)).toBeNull();
    expect(fs.readdirSync(dir)).toEqual(['intervju.webm']);
  }, 120_000);

  it('the decoder stops with AUDIO_DAMAGED before decoding the packets that pass the ceiling (two 60 ms frames a packet too)', async () => {
    for (const packet of [Buffer.from([0x18]), Buffer.from([0x1b, 0x02])]) {
      decoded.samples = 0;
      let out = 0;
      const file = bomb(200, packet);
      const d = await createMonoDecoder('webm', (s) => (out += s.length), undefined, { declaredMs: 60_000 });
      const err = await (async () => {
        for (let at = 0; at < file.length; at += 16384) await d.push(file.subarray(at, at + 16384));
        await d.end();
      })().catch((e: unknown) => e as { code?: string });
      d.free();
      expect(err?.code).toBe('AUDIO_DAMAGED');
      expect(decoded.samples).toBeLessThanOrEqual(CEILING_SAMPLES);
      expect(out).toBeLessThanOrEqual(CEILING_SAMPLES);
    }
  });

  it('a file within what it declares is decoded to its end (the ceiling cuts nothing real)', async () => {
    // 20 blocks of 256 × 60 ms: 307 s of sound, declared as 300 s (within the margin).
    const file = sized(opusHead(2), Array.from({ length: 20 }, () => lacedBlock(Array.from({ length: 256 }, () => Buffer.from([0x18])))), 2, 300);
    let out = 0;
    const d = await createMonoDecoder('webm', (s) => (out += s.length), undefined, { declaredMs: 300_000 });
    for (let at = 0; at < file.length; at += 16384) await d.push(file.subarray(at, at + 16384));
    await d.end();
    d.free();
    expect(out).toBe(20 * 256 * 2880 - 312);
  });

  it('the count from the TOC byte is what the real decoder gives (SILK 60 ms, two frames, CELT 20 ms, CELT 2.5 ms × 3)', async () => {
    const { OpusDecoder } = await import('opus-decoder');
    for (const packet of [Buffer.from([0x18]), Buffer.from([0x1b, 0x02]), Buffer.from([0xf8]), Buffer.from([0x83, 0x03])]) {
      const d = new OpusDecoder({ channels: 1, preSkip: 0 });
      await d.ready;
      const r = d.decodeFrames([new Uint8Array(packet)]);
      d.free();
      expect(r.samplesDecoded).toBe(opusPacketSamples(packet));
    }
  });
});

describe('decoder failures during the one-pass import (what held)', () => {
  it('an OpusHead the decoder throws on (0 or 9 channels, family 0) is still imported, without a waveform, and leaves no plaintext file', async () => {
    for (const ch of [0, 9]) {
      const { session } = await makeVault();
      const code = admit(session, { name: 'Kari Nordmann' });
      const dir = tempDir();
      const file = path.join(dir, `c${ch}.webm`);
      fs.writeFileSync(file, sized(opusHead(ch), [block(Buffer.from([0x18])), block(Buffer.from([0x18, 1, 2]))], Math.max(1, ch)));
      const rec = new Recordings(session, NOW);
      const info = await rec.import(code, file).catch((e: unknown) => e as Error);
      // Refused as damaged now (a channel count Opus does not have), or stored without a waveform.
      if (info instanceof Error) expect((info as { code?: string }).code).toBe('AUDIO_DAMAGED');
      else expect(rec.peaks(info.id)).toBeNull();
      expect(fs.readdirSync(dir)).toEqual([`c${ch}.webm`]);
    }
  }, 120_000);
});
