/**
 * Recordings in Chromium: import a WAV through the file dialog, decline to delete the
 * original, import a transcript with f4 timestamps, play, seek by clicking a
 * timestamp, mark complete and delete the recording with the typed code; a long import
 * shows its progress and speed and is cancelled from the page, leaving nothing behind;
 * a file dropped on the page is imported (the harness stands in for Electron's
 * webUtils.getPathForFile, which gives main the dropped file's path).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { makeWav, tempDir } from '../core/helpers';
import { recordConsent } from './study';

let harness: Harness;
let vault: string;
let browser: Browser;
let page: Page;
let problems: string[];
const shot = (name: string): Promise<void> => screenshot(page, name);

beforeAll(async () => {
  ({ harness, vault, browser, page, problems } = await openStudy('hvelv-e2e-r-'));
  await harness.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  await harness.invoke('participants.add', { identity: { name: 'Uten Lyd' } });
  await recordConsent(harness, 'JS01');
  await harness.invoke('consent.record', { code: 'JS02', date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'processing-until-end'], evidence: null });
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('recordings in Chromium', () => {
  it('imports a recording for a participant with consent, and offers to delete the original', async () => {
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    // JS02 has not consented to audio recording: the row says so, and offers no import.
    const js02 = page.locator('tbody[data-code="JS02"]');
    await expect.poll(() => js02.getByText('Samtykket dekker ikke lydopptak.').isVisible()).toBe(true);
    expect(await js02.getByRole('button', { name: /Legg inn opptak/ }).count()).toBe(0);
    const wav = path.join(tempDir(), 'intervju-JS01.wav');
    makeWav(wav, 20, 5);
    harness.fileAnswers.push(wav);
    await shot('23-recordings-empty');
    await page.getByRole('button', { name: 'Legg inn opptak … (JS01)' }).click();
    const dialog = page.getByRole('dialog', { name: 'Slette originalfilen?' });
    await expect.poll(() => dialog.isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => page.getByText('Opptaket er lagt inn og kryptert.').isVisible()).toBe(true);
    await shot('24-recording-imported-offer-delete');
    await dialog.getByRole('button', { name: 'Behold originalen' }).click();
    expect(fs.existsSync(wav)).toBe(true);
    await expect.poll(() => page.getByRole('button', { name: 'Åpne opptaket til JS01 (0:20)' }).isVisible()).toBe(true);
  });

  it('imports a transcript, plays the recording, and a timestamp seeks the player', async () => {
    const txt = path.join(tempDir(), 'JS01.txt');
    fs.writeFileSync(txt, '#00:00:01-0# I: Hva legger du i begrepet jobbspesialist?\n\n#00:00:12-5# B: Det handler om relasjonen.\n');
    harness.fileAnswers.push(txt);
    await page.getByRole('button', { name: 'Legg inn transkripsjon … (JS01, opptaket på 0:20)' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'JS01' }).isVisible()).toBe(true);
    // The player's own controls show the time; the page does not repeat it (issue 15, item 7).
    await expect.poll(async () => Math.round(Number(await page.locator('audio').evaluate((a) => (a as unknown as { duration: number }).duration))), { timeout: 15_000 }).toBe(20);
    expect(await page.getByText(/^\d+:\d\d av \d+:\d\d$/).count()).toBe(0);
    await shot('25-recording-with-transcript');
    await page.getByRole('button', { name: 'Hopp til 0:12' }).click();
    await expect.poll(async () => Number(await page.locator('audio').evaluate((a) => (a as unknown as { currentTime: number }).currentTime)), { timeout: 10_000 }).toBeGreaterThanOrEqual(12.4);
    await page.locator('audio').evaluate((a) => (a as unknown as { pause(): void }).pause());
    await shot('26-recording-seeked');
  });

  it('edits with an inserted timestamp, then marks complete and deletes the recording with the typed code', async () => {
    // Editing happens in the transcription workspace (tests/e2e/transcription.test.ts), saved as it is typed.
    await page.getByRole('button', { name: 'Transkriber' }).click();
    const area = page.getByLabel('Teksten i transkripsjonen');
    await area.press('Control+End');
    await area.type('\n');
    await page.keyboard.press('Control+T');
    await area.type('I: Takk.');
    await shot('27-transcript-editing');
    await page.getByRole('button', { name: '← Tilbake til opptaket' }).click();
    await expect.poll(() => page.getByText('I: Takk.').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Merk som ferdig' }).click();
    const dialog = page.getByRole('dialog', { name: 'Slett opptaket til JS01' });
    await expect.poll(() => dialog.getByText(/I studien ble lydfilene slettet/).isVisible()).toBe(true);
    await dialog.getByLabel('Skriv koden JS01 for å bekrefte').fill('JS01');
    await shot('28-complete-offer-delete-recording');
    await dialog.getByRole('button', { name: 'Slett' }).click();
    await expect.poll(() => page.getByText('Opptaket er slettet.').isVisible()).toBe(true);
    await shot('29-recording-deleted');
    const saved = (await harness.invoke('transcripts.list', {})) as { complete: boolean; syncPointCount: number }[];
    expect(saved).toMatchObject([{ complete: true, syncPointCount: 3 }]);
    expect(await harness.invoke('recordings.list', {})).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('imports a recording dropped on the page', async () => {
    const wav = path.join(tempDir(), 'sluppet-JS01.wav');
    makeWav(wav, 7, 9);
    harness.dropPaths.set('sluppet-JS01.wav', wav);
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    // What the operating system hands the page on a drop: a File (its bytes are not used).
    const dt = await page.evaluateHandle(`(() => {
      const d = new DataTransfer();
      d.items.add(new File([new Uint8Array(16)], 'sluppet-JS01.wav', { type: 'audio/wav' }));
      return d;
    })()`);
    await page.locator('tbody[data-code="JS01"]').dispatchEvent('drop', { dataTransfer: dt });
    const dialog = page.getByRole('dialog', { name: 'Slette originalfilen?' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Behold originalen' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Åpne opptaket til JS01 (0:07)' }).isVisible()).toBe(true);
    // The stored copy is the file on disk, not the 16 bytes the page's File held.
    const list = (await harness.invoke('recordings.list', {})) as { id: string; durationMs: number; size: number }[];
    expect(list.map((r) => [r.durationMs, r.size])).toEqual([[7000, fs.statSync(wav).size]]);
    await harness.invoke('recordings.delete', { id: list[0]!.id, confirmCode: 'JS01' });
    await page.reload();
  });

  it('shows an import in progress with its speed, and Cancel leaves nothing behind', async () => {
    // A 2 GiB WAV of silence, sparse on disk: long enough to watch and cancel.
    const wav = path.join(tempDir(), 'lang-intervju.wav');
    const dataLen = 2 * 1024 ** 3;
    const head = makeWav(path.join(tempDir(), 'head.wav'), 0.001, 1, 48000).subarray(0, 44);
    head.writeUInt32LE(36 + dataLen, 4);
    head.writeUInt32LE(dataLen, 40);
    fs.writeFileSync(wav, head);
    fs.truncateSync(wav, 44 + dataLen);
    harness.fileAnswers.push(wav);
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await page.getByRole('button', { name: 'Legg inn opptak … (JS01)' }).click();
    const status = page.getByRole('status').filter({ hasText: 'krypterer og legger inn' });
    await expect.poll(() => status.textContent(), { timeout: 15_000 }).toMatch(/JS01: krypterer og legger inn … ([1-9]\d?) % \((\d+) MB\/s\)/);
    await shot('29b-recording-import-progress');
    await status.getByRole('button', { name: 'Avbryt' }).click();
    await expect.poll(() => page.getByText('Avbrutt. Ingenting ble lagret.').isVisible()).toBe(true);
    await shot('29c-recording-import-cancelled');
    expect(await harness.invoke('recordings.list', {})).toEqual([]);
    // No blob, no half-written file in the recordings store.
    expect(fs.readdirSync(path.join(vault, 'recordings', 'blobs'))).toEqual([]);
    expect(fs.existsSync(wav)).toBe(true);
    expect(problems).toEqual([]);
  });
});
