/**
 * M4A streamed in the page (components/m4aStream.ts): real Chromium, real AAC frames
 * (taken from the committed ffmpeg-made fixtures and muxed anew by tests/mp4-muxer.ts:
 * moov at the end, co64, longer files), the real media protocol with its Range answers.
 * A draft gets its PCM from the streaming path (every fetch a Range request), the
 * waveform is drawn from it, and while a 30-minute M4A streams the page's memory stays
 * flat, measured beside the old whole-file path (Web Audio, the fallback where
 * AudioDecoder is missing) in the same run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, CDPSession, Page, Request } from 'playwright-core';
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
  ({ harness, browser, page, home, problems } = await openStudy('hvelv-e2e-m4a-'));
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

/** The AAC frames of a committed fixture and its track's description. */
async function framesOf(name: string): Promise<{ frames: Uint8Array[]; opts: Pick<MuxOptions, 'asc' | 'sampleRate' | 'channels'> }> {
  const file = new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));
  const t = await demuxAac({ size: file.length, read: (a, b) => Promise.resolve(file.slice(a, b)) });
  const frames = Array.from(t.sizes, (size, i) => file.slice(t.offsets[i]!, t.offsets[i]! + size));
  return { frames, opts: { asc: t.config, sampleRate: t.sampleRate, channels: t.channels } };
}

/** `frames` repeated until `seconds` of sound (1024 samples a frame). */
function repeatTo(frames: Uint8Array[], seconds: number, sampleRate: number): Uint8Array[] {
  const n = Math.ceil((seconds * sampleRate) / 1024);
  return Array.from({ length: n }, (_, i) => frames[i % frames.length]!);
}

async function importM4a(bytes: Uint8Array, name: string): Promise<{ id: string; durationMs: number; format: string }> {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, bytes);
  harness.fileAnswers.push(file);
  const chosen = (await harness.invoke('recordings.chooseFile', {})) as { token: string };
  return (await harness.invoke('recordings.import', { jobId: `job-${name.replace(/[^a-z0-9]/g, '-')}`, code: 'JS01', file: chosen.token })) as { id: string; durationMs: number; format: string };
}

/** Fetches of recording `id` by the page's own code (not the player's media requests), with their Range header. */
function watchFetches(id: string): { list: { range: string | undefined }[]; stop(): void } {
  const list: { range: string | undefined }[] = [];
  const on = (r: Request) => {
    if (r.url().includes(`/media/recording/${id}`) && r.resourceType() === 'fetch') list.push({ range: r.headers()['range'] });
  };
  page.on('request', on);
  return { list, stop: () => page.off('request', on) };
}

async function openWorkspace(label: RegExp): Promise<void> {
  await page.getByRole('button', { name: 'Opptak', exact: true }).click();
  await page.getByRole('button', { name: label }).click();
  await page.getByRole('button', { name: 'Transkriber' }).click();
}

describe('M4A streamed in the page', () => {
  it('a draft of an M4A (moov at the end, co64, stereo 44.1 kHz) gets its PCM from the streaming path, and the waveform is drawn from it', async () => {
    const { frames, opts } = await framesOf('noise-tone-stereo-44k.m4a');
    const bytes = muxM4a(repeatTo(frames, 20, opts.sampleRate), { ...opts, moov: 'end', co64: true });
    const rec = await importM4a(bytes, 'intervju-lang.m4a');
    expect(rec.format).toBe('m4a');
    const fetches = watchFetches(rec.id);
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await page.getByRole('button', { name: /Åpne opptaket til JS01 \(0:2\d\)/ }).click();
    const panel = page.getByRole('region', { name: 'Lag et utkast til transkripsjon' });
    await expect.poll(() => panel.getByRole('button', { name: 'Lag et utkast til transkripsjon' }).isEnabled(), { timeout: 30_000 }).toBe(true);
    await panel.getByRole('button', { name: 'Lag et utkast til transkripsjon' }).click();
    await expect.poll(() => page.getByText('Automatisk utkast').isVisible(), { timeout: 150_000 }).toBe(true);
    fetches.stop();
    // Streaming: the size, the moov at the end, the frames; every one a Range request (the old path fetched the file whole, once, without one).
    expect(fetches.list.length).toBeGreaterThanOrEqual(3);
    expect(fetches.list.every((f) => /^bytes=\d+-\d+$/.test(f.range ?? ''))).toBe(true);
    const list = (await harness.invoke('transcripts.list', {})) as { recordingId: string | null; sourceFormat: string; syncPointCount: number }[];
    const draft = list.find((t) => t.recordingId === rec.id);
    expect(draft).toMatchObject({ sourceFormat: 'asr' });
    expect(draft!.syncPointCount).toBeGreaterThan(0);

    // The waveform, from the same streaming decode: core's bucket count, the tone in noise loud throughout.
    expect(await harness.invoke('recordings.peaks', { id: rec.id })).toBeNull();
    const wave = watchFetches(rec.id);
    await page.getByRole('button', { name: 'Transkriber' }).click();
    await expect.poll(() => page.locator('.tx-wave').getAttribute('data-peaks'), { timeout: 30_000 }).toBe(String(peakCount(rec.durationMs)));
    wave.stop();
    expect(wave.list.length).toBeGreaterThanOrEqual(3);
    expect(wave.list.every((f) => /^bytes=\d+-\d+$/.test(f.range ?? ''))).toBe(true);
    const peaks = Buffer.from((await harness.invoke('recordings.peaks', { id: rec.id })) as string, 'base64');
    expect(peaks.length).toBe(peakCount(rec.durationMs));
    expect(peaks.subarray(2, -2).every((p) => p > 20)).toBe(true);
    expect(problems).toEqual([]);
  }, 240_000);

  it("a 30-minute M4A streams for its waveform with the page's memory flat; the old whole-file path, in the same run, grows by the decoded recording", async () => {
    const { frames, opts } = await framesOf('tone.m4a');
    const long = repeatTo(frames, 30 * 60, opts.sampleRate);
    const a = await importM4a(muxM4a(long, { ...opts, moov: 'end' }), 'halvtime-a.m4a');
    const b = await importM4a(muxM4a(repeatTo(frames, 31 * 60, opts.sampleRate), { ...opts, moov: 'start' }), 'halvtime-b.m4a');
    expect(a.durationMs).toBeGreaterThan(29 * 60_000);
    for (const r of [a, b]) await harness.invoke('transcripts.create', { code: 'JS01', recordingId: r.id });
    const cdp = await page.context().newCDPSession(page);
    const procs = await browser.newBrowserCDPSession();

    // Streaming (AudioDecoder present, as in Electron and this Chromium).
    await page.goto(harness.url);
    const streaming = await measure(cdp, procs, async () => {
      await openWorkspace(/Åpne opptaket til JS01 \(30:0\d\)/);
      await expect.poll(() => harness.invoke('recordings.peaks', { id: a.id }), { timeout: 300_000, interval: 250 }).not.toBeNull();
    });
    const peaksA = Buffer.from((await harness.invoke('recordings.peaks', { id: a.id })) as string, 'base64');
    expect(peaksA.length).toBe(peakCount(a.durationMs));

    // The old path: the same Chromium without AudioDecoder (deleted before the app's script runs).
    await withoutWebCodecs(true);
    expect(await page.evaluate('typeof AudioDecoder')).toBe('undefined');
    const whole = await measure(cdp, procs, async () => {
      await openWorkspace(/Åpne opptaket til JS01 \(31:0\d\)/);
      await expect.poll(() => harness.invoke('recordings.peaks', { id: b.id }), { timeout: 300_000, interval: 250 }).not.toBeNull();
    });
    console.log(`30-minute M4A (${(long.reduce((n, f) => n + f.length, 0) / 2 ** 20).toFixed(1)} MiB of AAC), page memory growth: streaming heap ${mib(streaming.heap)} MiB, renderer RSS ${mib(streaming.rss)} MiB in ${streaming.ms} ms; whole-file heap ${mib(whole.heap)} MiB, renderer RSS ${mib(whole.rss)} MiB in ${whole.ms} ms`);
    // 30 minutes at 16 kHz are 115 MB of float samples, at the old path's 8 kHz 58 MB: streaming holds a batch and a piece.
    expect(streaming.heap).toBeLessThan(32 * 2 ** 20);
    expect(whole.rss).toBeGreaterThan(3 * streaming.rss);
    expect(problems).toEqual([]);
  }, 600_000);

  it("a draft of a 32-minute M4A: for its first 20 s the page's memory stays flat while it streams; the old path holds the decoded recording", async () => {
    // Two more recordings, with no transcript yet (the panel is offered only then).
    const { frames, opts } = await framesOf('tone.m4a');
    const a = await importM4a(muxM4a(repeatTo(frames, 32 * 60, opts.sampleRate), { ...opts, moov: 'end' }), 'utkast-a.m4a');
    const b = await importM4a(muxM4a(repeatTo(frames, 33 * 60, opts.sampleRate), { ...opts, moov: 'end' }), 'utkast-b.m4a');
    const cdp = await page.context().newCDPSession(page);
    const procs = await browser.newBrowserCDPSession();
    const draftFor = async (label: RegExp, id: string): Promise<{ heap: number; rss: number; ms: number; fetches: number }> => {
      const fetches = watchFetches(id);
      const m = await measure(cdp, procs, async () => {
        await page.getByRole('button', { name: 'Opptak', exact: true }).click();
        await page.getByRole('button', { name: label }).click();
        const panel = page.getByRole('region', { name: 'Lag et utkast til transkripsjon' });
        await expect.poll(() => panel.getByRole('button', { name: 'Lag et utkast til transkripsjon' }).isEnabled(), { timeout: 30_000 }).toBe(true);
        await panel.getByRole('button', { name: 'Lag et utkast til transkripsjon' }).click();
        await new Promise((r) => setTimeout(r, 20_000));
        await panel.getByRole('button', { name: 'Avbryt utkastet' }).click();
        await expect.poll(() => panel.getByRole('button', { name: 'Lag et utkast til transkripsjon' }).isVisible(), { timeout: 60_000 }).toBe(true);
      });
      fetches.stop();
      return { ...m, fetches: fetches.list.length };
    };
    await withoutWebCodecs(false);
    expect(await page.evaluate('typeof AudioDecoder')).toBe('function');
    const streaming = await draftFor(/Åpne opptaket til JS01 \(32:0\d\)/, a.id);
    await withoutWebCodecs(true);
    const whole = await draftFor(/Åpne opptaket til JS01 \(33:0\d\)/, b.id);
    console.log(`draft of a 32/33-minute M4A, first 20 s, page memory growth: streaming heap ${mib(streaming.heap)} MiB, renderer RSS ${mib(streaming.rss)} MiB (${streaming.fetches} Range fetches); whole-file heap ${mib(whole.heap)} MiB, renderer RSS ${mib(whole.rss)} MiB (${whole.fetches} fetch)`);
    expect(streaming.fetches).toBeGreaterThanOrEqual(3);
    expect(whole.fetches).toBe(1);
    // 32 minutes at 16 kHz are 123 MB of float samples; streaming holds a 2 MiB batch, a piece (2 MiB of floats,
    // 1 MiB of 16-bit, its base64) and their garbage not yet collected.
    expect(streaming.heap).toBeLessThan(48 * 2 ** 20);
    expect(whole.heap).toBeGreaterThan(100 * 2 ** 20);
    expect(whole.heap + whole.rss).toBeGreaterThan(2 * (streaming.heap + streaming.rss));
    // Neither draft was stored: both were cancelled.
    const list = (await harness.invoke('transcripts.list', {})) as { recordingId: string | null; sourceFormat: string }[];
    expect(list.filter((t) => (t.recordingId === a.id || t.recordingId === b.id) && t.sourceFormat === 'asr')).toEqual([]);
  }, 600_000);
});

/** The app loaded anew, with or without WebCodecs' AudioDecoder (removed before the app's script runs, as in a Chromium without it). */
async function withoutWebCodecs(remove: boolean): Promise<void> {
  if (!initScript) {
    initScript = true;
    await page.addInitScript("if (sessionStorage.getItem('test-no-webcodecs')) delete window.AudioDecoder");
  }
  await page.evaluate(`sessionStorage.${remove ? "setItem('test-no-webcodecs', '1')" : "removeItem('test-no-webcodecs')"}`);
  await page.goto(harness.url);
  expect(await page.evaluate('typeof AudioDecoder')).toBe(remove ? 'undefined' : 'function');
}
let initScript = false;

const mib = (n: number): string => (n / 2 ** 20).toFixed(1);

/**
 * The page's JS heap (V8's used size plus ArrayBuffer backing stores) and the renderer
 * process's resident memory, sampled every 100 ms while `run` runs: the largest growth
 * over what they were before (after a garbage collection).
 */
async function measure(cdp: CDPSession, procs: CDPSession, run: () => Promise<void>): Promise<{ heap: number; rss: number; ms: number }> {
  // The app started and settled: its own start-up is not counted.
  await page.getByRole('button', { name: 'Opptak', exact: true }).waitFor();
  await new Promise((r) => setTimeout(r, 1000));
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  const heapNow = async (): Promise<number> => {
    const u = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
    return u.usedSize + (u.backingStorageSize ?? 0);
  };
  const rssNow = async (): Promise<number> => {
    const info = (await procs.send('SystemInfo.getProcessInfo')) as { processInfo: { type: string; id: number }[] };
    let sum = 0;
    for (const p of info.processInfo.filter((x) => x.type === 'renderer')) {
      const status = fs.readFileSync(`/proc/${p.id}/status`, 'utf8');
      sum += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    }
    return sum;
  };
  const heap0 = await heapNow();
  const rss0 = await rssNow();
  let heap = 0;
  let rss = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      heap = Math.max(heap, (await heapNow()) - heap0);
      rss = Math.max(rss, (await rssNow()) - rss0);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const t0 = Date.now();
  try {
    await run();
  } finally {
    done = true;
    await sampler;
  }
  return { heap, rss, ms: Date.now() - t0 };
}
