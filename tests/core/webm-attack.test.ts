/**
 * Hostile WebM/Opus files through the one-pass import (issue 27, the attack review of this
 * round). The import folds the waveform on the thread that calls it (the app's main
 * process), so what the Opus decoder allocates is main's: 255 declared channels cost 1.5 GiB
 * for a 130 KB file before the reader refused more than 8. A decoder failure never stops the
 * import nor leaves plaintext. (Left open: packets of 1 byte that decode to far more sound
 * than the file declares keep the waveform decoding for long; README, not built yet.)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { admit, makeVault, tempDir } from './helpers';
import { block, lacedBlock, opusHead, sized } from './webm-build';

const NOW = () => new Date('2026-11-27T10:00:00Z');

/** 255 channels (mapping family 255), one block of 256 laced 255-stream packets of TOC-only frames: 130 KB. */
function manyChannels(): Buffer {
  const streams = 255;
  const pkt = Buffer.concat([...Array.from({ length: streams - 1 }, () => Buffer.from([0x18, 0x00])), Buffer.from([0x18])]);
  return sized(opusHead(255, 255, streams, 0), [lacedBlock(Array.from({ length: 256 }, () => pkt)), ...Array.from({ length: 4 }, () => block(pkt))], 255);
}

describe('hostile WebM through Recordings.import (one pass, decoder on the caller\'s thread)', () => {
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
