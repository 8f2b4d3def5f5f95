/**
 * Machine text in the workspace, in Chromium (issue 26): an automatic draft's passages
 * drawn in a quiet colour with "n av m avsnitt kontrollert mot opptaket"; playing a
 * passage through checks it, and so does editing it; both reach the sealed record and
 * are there when the workspace opens again. axe-core on the workspace with the marks.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newPage, openStudy, screenshot, type Harness } from './harness';
import { tempDir } from '../core/helpers';
import { makeSpeechLikeWav } from './audio-fixture';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { recordConsent } from './study';

let harness: Harness;
let browser: Browser;
let page: Page;
let transcriptId: string;
let problems: string[];

const DRAFT = [
  '#00:00:00-5# I: Hvordan begynte det? #00:00:02-0# Fortell.',
  '#00:00:03-5# B: Det var på kafeen en mandag.',
  '#00:00:12-0# I: Og etterpå?',
  '',
].join('\n');

const count = () => page.getByTestId('tx-machine-count').textContent();
/** The text drawn as machine text (CodeMirror splits a mark where a stamp's own mark begins: one passage, several spans). */
const machineWords = async (): Promise<string> => (await page.locator('#tx-editor .tx-machine').allTextContents()).join('');

async function openWorkspace(): Promise<void> {
  await page.getByRole('button', { name: 'Opptak', exact: true }).click();
  await page.getByRole('button', { name: /Åpne opptaket til JS01/ }).click();
  await page.getByRole('button', { name: 'Transkriber' }).click();
  await expect.poll(() => page.getByRole('heading', { name: 'Transkribering av JS01' }).isVisible()).toBe(true);
  await expect.poll(() => page.locator('audio').evaluate((a) => (a as unknown as { readyState: number }).readyState)).toBeGreaterThanOrEqual(1);
}

beforeAll(async () => {
  ({ harness, browser, page, problems } = await openStudy('hvelv-e2e-mt-', {}, 900));
  await harness.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  await recordConsent(harness, 'JS01');
  const wav = path.join(tempDir(), 'intervju.wav');
  makeSpeechLikeWav(wav, 16);
  harness.fileAnswers.push(wav);
  const token = (await harness.invoke('recordings.chooseFile', {})) as { token: string };
  const recordingId = ((await harness.invoke('recordings.import', { jobId: 'mt-test-1', code: 'JS01', file: token.token })) as { id: string }).id;
  // The draft as makeDraft stores it (the engine is tested in tests/core/asr.test.ts).
  transcriptId = new Transcripts(harness.sessions.require(), () => new Date()).createDraft('JS01', DRAFT, recordingId, { model: 'test', language: 'nb' }).id;
  await page.goto(harness.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('machine text in the workspace', () => {
  it('draws every passage of a new draft as machine text, with the count', async () => {
    await openWorkspace();
    await expect.poll(count).toBe('0 av 4 avsnitt kontrollert mot opptaket');
    expect(await machineWords()).toContain('Det var på kafeen en mandag.');
    // A quiet grey, not a warning colour.
    const colour = await page.locator('#tx-editor .tx-machine').first().evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color);
    expect(colour).toBe('rgb(86, 96, 107)');
    await screenshot(page, 'mt-01-workspace-machine-text');
  });

  it('a passage played through is checked; one only begun is not', async () => {
    const audio = page.locator('audio');
    // From the start at double speed until 4.5 s: the passages at 0.5 s and 2.0 s are heard to their ends, the one at 3.5 s is begun only.
    await audio.evaluate((a) => {
      const m = a as unknown as { currentTime: number; playbackRate: number; play(): Promise<void> };
      m.currentTime = 0;
      m.playbackRate = 2;
      void m.play();
    });
    await expect.poll(() => audio.evaluate((a) => (a as unknown as { currentTime: number }).currentTime), { timeout: 20_000 }).toBeGreaterThan(4.5);
    await audio.evaluate((a) => (a as unknown as { pause(): void }).pause());
    await expect.poll(count).toBe('2 av 4 avsnitt kontrollert mot opptaket');
    expect(await machineWords()).not.toContain('Hvordan begynte det?');
    expect(await machineWords()).toContain('Det var på kafeen');
    await expect.poll(async () => ((await harness.invoke('transcripts.get', { id: transcriptId })) as { machineText: unknown }).machineText).toEqual({ checked: 2, total: 4 });
  });

  it('an edited passage is checked once saved, and every mark is there after reopening', async () => {
    const last = page.locator('#tx-editor .cm-line').nth(2);
    await last.click();
    await page.keyboard.press('End');
    await page.keyboard.type(' Ja.');
    await expect.poll(count).toBe('3 av 4 avsnitt kontrollert mot opptaket');
    await expect.poll(async () => ((await harness.invoke('transcripts.get', { id: transcriptId })) as { machineText: unknown }).machineText, { timeout: 10_000 }).toEqual({ checked: 3, total: 4 });
    await screenshot(page, 'mt-02-workspace-checked');

    const again = await newPage(browser, 900);
    await page.close();
    expect(problems).toEqual([]);
    ({ page, problems } = again);
    await page.goto(harness.url);
    await openWorkspace();
    await expect.poll(count).toBe('3 av 4 avsnitt kontrollert mot opptaket');
    expect(await machineWords()).toBe('#00:00:03-5# B: Det var på kafeen en mandag.');
    expect(problems).toEqual([]);
  });
});
