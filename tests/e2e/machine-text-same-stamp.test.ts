/**
 * Two passages with the same stamp in the workspace, in Chromium (issue 26): two speakers
 * starting in the same tenth of a second give an automatic draft two passages at one
 * time. Both are machine text when the draft is new; editing one checks that one only,
 * in the window at once and after the workspace opens again, as core counts it and a
 * share carries it (the workspace used to know unchecked passages by their stamps' times
 * only, and drew the wrong one of the two).
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newPage, openStudy, screenshot, type Harness } from './harness';
import { axeViolations } from './axe';
import { tempDir } from '../core/helpers';
import { makeSpeechLikeWav } from './audio-fixture';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';

let harness: Harness;
let browser: Browser;
let page: Page;
let transcriptId: string;
let problems: string[];

const DRAFT = ['#00:00:00-5# I: Hvordan begynte det?', '#00:00:03-5# I: Var det på kafeen?', '#00:00:03-5# B: Ja, en mandag.', '#00:00:09-0# I: Og etterpå?', ''].join('\n');

const count = () => page.getByTestId('tx-machine-count').textContent();
/** The text drawn as machine text, line by line of the editor. */
const machineLines = async (): Promise<string[]> =>
  page.locator('#tx-editor .cm-line').evaluateAll((lines) => lines.map((l) => [...(l as unknown as { querySelectorAll(s: string): { textContent: string }[] }).querySelectorAll('.tx-machine')].map((m) => m.textContent).join('')));

async function openWorkspace(): Promise<void> {
  await page.getByRole('button', { name: 'Opptak', exact: true }).click();
  await page.getByRole('button', { name: /Åpne opptaket til JS01/ }).click();
  await page.getByRole('button', { name: 'Transkriber' }).click();
  await expect.poll(() => page.getByRole('heading', { name: 'Transkribering av JS01' }).isVisible()).toBe(true);
}

beforeAll(async () => {
  ({ harness, browser, page, problems } = await openStudy('hvelv-e2e-mtsame-', {}, 900));
  await harness.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  await harness.invoke('consent.record', { code: 'JS01', date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
  const wav = path.join(tempDir(), 'intervju.wav');
  makeSpeechLikeWav(wav, 12);
  harness.fileAnswers.push(wav);
  const token = (await harness.invoke('recordings.chooseFile', {})) as { token: string };
  const recordingId = ((await harness.invoke('recordings.import', { jobId: 'mt-same-1', code: 'JS01', file: token.token })) as { id: string }).id;
  transcriptId = new Transcripts(harness.sessions.require(), () => new Date()).createDraft('JS01', DRAFT, recordingId, { model: 'test', language: 'nb' }).id;
  await page.goto(harness.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('two passages with the same stamp in the workspace', () => {
  it('a new draft draws both as machine text', async () => {
    await openWorkspace();
    await expect.poll(count).toBe('0 av 4 avsnitt kontrollert mot opptaket');
    const lines = await machineLines();
    expect(lines[1]).toContain('Var det på kafeen?');
    expect(lines[2]).toContain('Ja, en mandag.');
  });

  it('editing the second checks it only, at once and after reopening, as core counts it', async () => {
    await page.locator('#tx-editor .cm-line').nth(2).click();
    await page.keyboard.press('End');
    await page.keyboard.type(' Ja.');
    await expect.poll(count).toBe('1 av 4 avsnitt kontrollert mot opptaket');
    let lines = await machineLines();
    expect(lines[1]).toContain('Var det på kafeen?');
    expect(lines[2]).toBe('');
    await expect.poll(async () => ((await harness.invoke('transcripts.get', { id: transcriptId })) as { machineText: unknown }).machineText, { timeout: 10_000 }).toEqual({ checked: 1, total: 4 });

    const again = await newPage(browser, 900);
    await page.close();
    expect(problems).toEqual([]);
    ({ page, problems } = again);
    await page.goto(harness.url);
    await openWorkspace();
    await expect.poll(count).toBe('1 av 4 avsnitt kontrollert mot opptaket');
    lines = await machineLines();
    expect(lines[0]).toContain('Hvordan begynte det?');
    expect(lines[1]).toContain('Var det på kafeen?');
    expect(lines[2]).toBe('');
    expect(lines[3]).toContain('Og etterpå?');
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'mt-03-workspace-same-stamp');
    expect(problems).toEqual([]);
  });
});
