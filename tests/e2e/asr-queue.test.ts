/**
 * The queue of drafts on the recordings screen, in Chromium, with the real engine and a
 * generated model: offered for the recordings without a transcript, run one at a time
 * with progress, paused and continued, the drafts listed after; axe-core on the screen.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { tempDir } from '../core/helpers';
import { makeSpeechLikeWav } from './audio-fixture';
import { writeTestModel } from '../../scripts/make-test-model';
import { recordConsent } from './study';

let harness: Harness;
let browser: Browser;
let page: Page;
let home: string;
let problems: string[];

beforeAll(async () => {
  ({ harness, browser, page, home, problems } = await openStudy('hvelv-e2e-asrq-', {}, 900));
  fs.mkdirSync(path.join(home, 'config', 'models'), { recursive: true });
  writeTestModel(path.join(home, 'config', 'models', 'nb-whisper-test.bin'), 'micro');
  for (const [i, name] of ['Ragnhild Testesen', 'Per Prøvesen'].entries()) {
    await harness.invoke('participants.add', { identity: { name } });
    const code = `JS0${i + 1}`;
    await recordConsent(harness, code);
    const wav = path.join(tempDir(), `intervju-${i}.wav`);
    makeSpeechLikeWav(wav, 10 + i * 4);
    harness.fileAnswers.push(wav);
    const token = (await harness.invoke('recordings.chooseFile', {})) as { token: string };
    await harness.invoke('recordings.import', { jobId: `asrq-test-${i}`, code, file: token.token });
  }
  await page.goto(harness.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('the queue of drafts on the recordings screen', { timeout: 300_000 }, () => {
  it('offers the recordings without a transcript, runs them one at a time, pauses and continues', async () => {
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    const panel = page.getByRole('region', { name: 'Transkriber alle opptak uten transkripsjon' });
    await expect.poll(() => panel.textContent()).toContain('2 opptak har ingen transkripsjon');
    await screenshot(page, 'asrq-01-offer');
    await panel.getByRole('button', { name: 'Lag utkast av alle' }).click();
    await expect.poll(() => panel.getByRole('progressbar').count(), { timeout: 60_000 }).toBe(1);
    await screenshot(page, 'asrq-02-running');
    await panel.getByRole('button', { name: 'Sett på pause' }).click();
    await expect.poll(() => panel.getByRole('button', { name: 'Fortsett' }).isVisible()).toBe(true);
    const paused = (await harness.invoke('asr.queue.state', {})) as { paused: boolean; items: { state: string }[] };
    expect(paused.paused).toBe(true);
    expect(paused.items.some((i) => i.state === 'running')).toBe(false);
    await panel.getByRole('button', { name: 'Fortsett' }).click();
    // Both done: the panel goes, and the drafts are listed.
    await expect.poll(async () => ((await harness.invoke('transcripts.list', {})) as unknown[]).length, { timeout: 240_000 }).toBe(2);
    await expect.poll(() => panel.count(), { timeout: 10_000 }).toBe(0);
    expect(problems).toEqual([]);
  });
});
