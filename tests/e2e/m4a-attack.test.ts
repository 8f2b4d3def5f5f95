/**
 * Hostile M4A files in the app, real Chromium, the real media protocol. Core decodes M4A
 * now (electron/core/services/asr/aac): a long recording's waveform is made at import and
 * the page fetches nothing for it; a small file whose frames are scattered across it is
 * refused, not read in one request per frame; garbage frames end a draft with the
 * damaged-file message.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Request } from 'playwright-core';
import { openStudy, type Harness } from './harness';
import { tempDir } from '../core/helpers';
import { writeTestModel } from '../../scripts/make-test-model';
import { demuxAac } from '@shared/mp4';
import { peakCount } from '@shared/audio-fold';
import { muxM4a, type MuxOptions } from '../mp4-muxer';
import { recordConsent } from './study';

let harness: Harness;
let browser: Browser;
let page: Page;
let home: string;
let problems: string[];
const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'audio');

beforeAll(async () => {
  ({ harness, browser, page, home, problems } = await openStudy('hvelv-e2e-m4a-attack-'));
  await harness.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  await recordConsent(harness, 'JS01');
  fs.mkdirSync(path.join(home, 'config', 'models'), { recursive: true });
  writeTestModel(path.join(home, 'config', 'models', 'nb-whisper-test'), 'micro');
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

async function framesOf(name: string): Promise<{ frames: Uint8Array[]; opts: Pick<MuxOptions, 'asc' | 'sampleRate' | 'channels'> }> {
  const file = new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));
  const t = await demuxAac({ size: file.length, read: (a, b) => Promise.resolve(file.slice(a, b)) });
  return { frames: Array.from(t.sizes, (size, i) => file.slice(t.offsets[i]!, t.offsets[i]! + size)), opts: { asc: t.config, sampleRate: t.sampleRate, channels: t.channels } };
}

const repeatTo = (frames: Uint8Array[], seconds: number, sampleRate: number): Uint8Array[] => Array.from({ length: Math.ceil((seconds * sampleRate) / 1024) }, (_, i) => frames[i % frames.length]!);

async function importM4a(bytes: Uint8Array, name: string): Promise<{ id: string; durationMs: number }> {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, bytes);
  harness.fileAnswers.push(file);
  const chosen = (await harness.invoke('recordings.chooseFile', {})) as { token: string };
  return (await harness.invoke('recordings.import', { jobId: `job-${name.replace(/[^a-z0-9]/g, '-')}`, code: 'JS01', file: chosen.token })) as { id: string; durationMs: number };
}

function watchFetches(id: string): { list: string[]; stop(): void } {
  const list: string[] = [];
  const on = (r: Request) => {
    if (r.url().includes(`/media/recording/${id}`) && r.resourceType() === 'fetch') list.push(r.headers()['range'] ?? '');
  };
  page.on('request', on);
  return { list, stop: () => page.off('request', on) };
}

describe('M4A stream under attack', () => {
  it("a three-hour recording's waveform is made by core when first shown (not at import: its frame table comes last): opening its transcription fetches nothing for it", async () => {
    const { frames, opts } = await framesOf('tone.m4a');
    const rec = await importM4a(muxM4a(repeatTo(frames, 3 * 3600, opts.sampleRate), { ...opts, moov: 'end' }), 'tre-timer.m4a');
    expect(await harness.invoke('recordings.peaks', { id: rec.id })).toBeNull();
    await harness.invoke('transcripts.create', { code: 'JS01', recordingId: rec.id });
    const fetches = watchFetches(rec.id);
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await page.getByRole('button', { name: /Åpne opptaket til JS01 \(3:00:0\d\)/ }).click();
    await page.getByRole('button', { name: 'Transkriber' }).click();
    // The workspace shows 0 peaks until core has made them (three hours: seconds in the decode worker).
    await expect.poll(() => page.locator('.tx-wave').getAttribute('data-peaks'), { timeout: 120_000 }).toBe(String(peakCount(rec.durationMs)));
    fetches.stop();
    // Made by core (the decode worker) and stored, for the next opening.
    expect(await harness.invoke('recordings.peaks', { id: rec.id })).not.toBeNull();
    // The page's fetch() of the recording was its own decode's; the player's <audio> is no fetch.
    expect(fetches.list).toEqual([]);
    expect(problems).toEqual([]);
  }, 300_000);

  it('a file whose frames alternate between two places 3 MiB apart is refused at once, not read with one Range request per frame', async () => {
    const { frames, opts } = await framesOf('tone.m4a');
    const all = repeatTo(frames, 60, opts.sampleRate);
    const rec = await importM4a(scattered(all, opts), 'spredt.m4a');
    await harness.invoke('transcripts.create', { code: 'JS01', recordingId: rec.id });
    const fetches = watchFetches(rec.id);
    await page.goto(harness.url);
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await page.getByRole('button', { name: /Åpne opptaket til JS01 \(1:0\d\)/ }).click();
    await page.getByRole('button', { name: 'Transkriber' }).click();
    await expect.poll(() => page.getByText('Bølgeformen kunne ikke lages. Avspilling virker likevel.').isVisible(), { timeout: 60_000 }).toBe(true);
    fetches.stop();
    // The size, the box headers and the moov; the old code went on with one request for each of its ~940 frames.
    expect(fetches.list.length).toBeLessThanOrEqual(6);
    expect(await harness.invoke('recordings.peaks', { id: rec.id })).toBeNull();
    expect(problems).toEqual([]);
  }, 240_000);
});

describe('M4A stream with damaged frames', () => {
  it('a draft of an M4A whose frames are garbage in the middle ends with the damaged-file message in Norwegian, and no draft is stored', async () => {
    const { frames, opts } = await framesOf('tone.m4a');
    const all = repeatTo(frames, 90, opts.sampleRate).map((f, i) => (i >= 600 && i < 620 ? new Uint8Array(f.length).fill(0xff) : f));
    const rec = await importM4a(muxM4a(all, { ...opts, moov: 'end' }), 'skadet-midt.m4a');
    await page.goto(harness.url);
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await page.getByRole('button', { name: /Åpne opptaket til JS01 \(1:3\d\)/ }).click();
    const panel = page.getByRole('region', { name: 'Lag et utkast til transkripsjon' });
    await expect.poll(() => panel.getByRole('button', { name: 'Lag et utkast til transkripsjon' }).isEnabled(), { timeout: 30_000 }).toBe(true);
    await panel.getByRole('button', { name: 'Lag et utkast til transkripsjon' }).click();
    await expect.poll(() => panel.getByRole('alert').textContent(), { timeout: 120_000 }).toBe('Lydfilen er skadet eller ufullstendig. Ingenting ble lagret.');
    const list = (await harness.invoke('transcripts.list', {})) as { recordingId: string | null }[];
    expect(list.filter((t) => t.recordingId === rec.id)).toEqual([]);
  }, 240_000);
});

/**
 * An M4A (moov at the start) of `frames`, the even ones at the start of mdat and the odd
 * ones 3 MiB further on (zeros between): every frame lies apart from the one before it,
 * though none overlaps and the file holds every byte it counts.
 */
function scattered(frames: Uint8Array[], opts: Pick<MuxOptions, 'asc' | 'sampleRate' | 'channels'>): Uint8Array {
  const gap = 3 * 1024 * 1024;
  const even = frames.filter((_, i) => i % 2 === 0);
  const odd = frames.filter((_, i) => i % 2 === 1);
  const evenBytes = even.reduce((n, f) => n + f.length, 0);
  const oddBytes = odd.reduce((n, f) => n + f.length, 0);
  // The ordinary file gives the moov; its one chunk-offset-per-frame table is then rewritten.
  const plain = muxM4a(frames, { ...opts, moov: 'start', perChunk: 1 });
  const mdatAt = findBox(plain, 'mdat');
  const payloadAt = mdatAt + 8;
  const payload = new Uint8Array(gap + oddBytes);
  let a = 0;
  let b = gap;
  const offsets: number[] = [];
  frames.forEach((f, i) => {
    if (i % 2 === 0) {
      offsets.push(payloadAt + a);
      payload.set(f, a);
      a += f.length;
    } else {
      offsets.push(payloadAt + b);
      payload.set(f, b);
      b += f.length;
    }
  });
  expect(a).toBe(evenBytes);
  const out = new Uint8Array(payloadAt + payload.length);
  out.set(plain.subarray(0, mdatAt));
  const v = new DataView(out.buffer);
  v.setUint32(mdatAt, 8 + payload.length);
  out.set(new TextEncoder().encode('mdat'), mdatAt + 4);
  out.set(payload, payloadAt);
  const stco = findBox(out, 'stco');
  expect(v.getUint32(stco + 12)).toBe(frames.length);
  offsets.forEach((o, i) => v.setUint32(stco + 16 + i * 4, o));
  return out;
}

function findBox(b: Uint8Array, type: string): number {
  const t = new TextEncoder().encode(type);
  for (let i = 4; i + 4 <= b.length; i++) if (b[i] === t[0] && b[i + 1] === t[1] && b[i + 2] === t[2] && b[i + 3] === t[3]) return i - 4;
  throw new Error(`no ${type}`);
}
