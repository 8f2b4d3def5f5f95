/**
 * WebM/Opus decoded in core (electron/core/services/asr/audio.ts): the Matroska elements
 * read as they stream in, the Opus packets of the audio track to the raw Opus decoder.
 * A browser's MediaRecorder writes Segments and Clusters of unknown size; the fixtures
 * from ffmpeg have sizes, so the test rewrites them as a recorder would.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDecoder, SAMPLE_RATE } from '../../electron/core/services/asr/audio';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'audio');

/** Every Cluster's size replaced by "unknown" (eight bytes, all ones), as MediaRecorder writes it. */
function unknownSizes(webm: Buffer): Buffer {
  const id = Buffer.from('1f43b675', 'hex');
  const parts: Buffer[] = [];
  let from = 0;
  let count = 0;
  for (let at = webm.indexOf(id); at >= 0; at = webm.indexOf(id, at + 4)) {
    const sizeLen = Math.clz32(webm[at + 4]!) - 23;
    parts.push(webm.subarray(from, at + 4), Buffer.from('01ffffffffffffff', 'hex'));
    from = at + 4 + sizeLen;
    count++;
  }
  parts.push(webm.subarray(from));
  expect(count).toBeGreaterThan(0);
  return Buffer.concat(parts);
}

async function decode(bytes: Buffer, piece: number): Promise<{ seconds: number; peak: number }> {
  let n = 0;
  let peak = 0;
  const d = await createDecoder('webm', (pcm) => {
    n += pcm.length;
    for (const s of pcm) peak = Math.max(peak, Math.abs(s));
  });
  // One buffer reused for every piece, as the import's reader does: nothing may be kept of it.
  const shared = Buffer.alloc(piece);
  for (let o = 0; o < bytes.length; o += piece) {
    const len = bytes.copy(shared, 0, o, o + piece);
    await d.push(shared.subarray(0, len));
    shared.fill(0xa5);
  }
  await d.end();
  d.free();
  return { seconds: n / SAMPLE_RATE, peak };
}

describe('WebM/Opus in core', () => {
  it('the 2-second fixture comes out as about 2 s of 16 kHz samples of sound', async () => {
    const r = await decode(fs.readFileSync(path.join(FIXTURES, 'tone.webm')), 5000);
    expect(r.seconds).toBeGreaterThan(1.8);
    expect(r.seconds).toBeLessThan(2.2);
    expect(r.peak).toBeGreaterThan(0.05);
    expect(r.peak).toBeLessThanOrEqual(1);
  });

  it('stereo 48 kHz written as a recorder does (Segment and Clusters of unknown size), in pieces that split every element: the same sound as whole', async () => {
    const live = unknownSizes(fs.readFileSync(path.join(FIXTURES, 'tone-stereo-live.webm')));
    const small = await decode(live, 777);
    const whole = await decode(live, live.length);
    expect(small.seconds).toBeGreaterThan(2.8);
    expect(small.seconds).toBeLessThan(3.2);
    expect(small.seconds).toBe(whole.seconds);
    expect(small.peak).toBe(whole.peak);
    expect(small.peak).toBeGreaterThan(0.1);
  });

  it('what is no WebM, and a WebM cut before its audio, are refused as damaged', async () => {
    const d = await createDecoder('webm', () => {});
    await expect(d.push(Buffer.from('RIFF....WAVEfmt not a webm at all'))).rejects.toMatchObject({ code: 'AUDIO_DAMAGED' });
    d.free();
    const head = fs.readFileSync(path.join(FIXTURES, 'tone.webm')).subarray(0, 200);
    const e = await createDecoder('webm', () => {});
    await e.push(head);
    await expect(e.end()).rejects.toMatchObject({ code: 'AUDIO_DAMAGED' });
    e.free();
  });
});
