/**
 * A transcript export from the transcript's page, in Chromium, in Norwegian: the
 * identifying-details check comes before the file name is asked for (the same checklist
 * as the REFI-QDA export and a share); the file is written only once every finding is
 * accepted, and Esc or "Avbryt" writes nothing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { recordConsent } from './study';

let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];
let home: string;
let id: string;
const shot = (name: string): Promise<void> => screenshot(page, name);

const TEXT = '#00:00:04-1# I: Hvem hjalp deg?\n#00:00:12-6# B: Det var Kari Nordmann på NAV Sandnes. Ring henne på 912 34 567.\n';

beforeAll(async () => {
  ({ harness, browser, page, problems, home } = await openStudy('hvelv-e2e-tx-'));
  await harness.invoke('participants.add', { identity: { name: 'Kari Nordmann', phone: '+47 912 34 567', workplace: 'NAV Sandnes' } });
  await recordConsent(harness, 'JS01');
  id = ((await harness.invoke('transcripts.create', { code: 'JS01', recordingId: null })) as { id: string }).id;
  await harness.invoke('transcripts.update', { id, text: TEXT });
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('exporting a transcript', () => {
  it('shows the findings before the file is written, and writes it only when each is accepted', async () => {
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await page.getByRole('button', { name: 'Åpne transkripsjonen til JS01' }).click();
    const out = path.join(home, 'JS01-transkripsjon.docx');
    harness.saveAnswers.push(out);
    await page.getByRole('button', { name: 'Eksporter .docx …' }).click();

    const dialog = page.getByRole('dialog', { name: 'Før transkripsjonen forlater Hvelv' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.locator('.findings mark').allTextContents()).toEqual(['Kari Nordmann', 'NAV Sandnes', '912 34 567']);
    const write = dialog.getByRole('button', { name: 'Eksporter som .docx …' });
    expect(await write.isDisabled()).toBe(true);
    expect(await dialog.getByText('3 gjenstår.').isVisible()).toBe(true);
    await shot('h14-50-transcript-export-findings');
    // No file name was asked for yet: the dialog's answer is still waiting.
    expect(harness.saveAnswers).toEqual([out]);

    // Esc is the safe answer: nothing written.
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(fs.existsSync(out)).toBe(false);

    await page.getByRole('button', { name: 'Eksporter .docx …' }).click();
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const boxes = dialog.locator('.findings').getByRole('checkbox');
    for (let i = 0; i < 3; i++) {
      expect(await write.isDisabled()).toBe(true);
      await boxes.nth(i).check();
    }
    expect(await write.isEnabled()).toBe(true);
    await dialog.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await shot('h14-51-transcript-export-accepted');
    await write.click();
    await expect.poll(() => page.getByText(`Lagret i ${out}.`).isVisible()).toBe(true);
    expect(await dialog.isVisible()).toBe(false);
    expect(fs.statSync(out).size).toBeGreaterThan(0);
    expect(problems).toEqual([]);
  });

  it('a transcript with nothing left to find is written at once', async () => {
    await harness.invoke('transcripts.update', { id, text: '#00:00:04-1# I: Hvem hjalp deg?\n#00:00:12-6# B: Det var [navn] på [arbeidssted].\n' });
    await page.getByRole('button', { name: '← Opptak og transkripsjoner' }).click();
    await page.getByRole('button', { name: 'Åpne transkripsjonen til JS01' }).click();
    const out = path.join(home, 'ren.txt');
    harness.saveAnswers.push(out);
    await page.getByRole('button', { name: 'Eksporter .txt …' }).click();
    await expect.poll(() => page.getByText(`Lagret i ${out}.`).isVisible()).toBe(true);
    expect(fs.readFileSync(out, 'utf8')).toContain('[navn]');
    expect(problems).toEqual([]);
  });
});
