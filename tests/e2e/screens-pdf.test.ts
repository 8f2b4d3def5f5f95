/**
 * PDF of the documents a student prints, files or hands on (issue 15, item 9): the letter
 * with its consent form, the withdrawal receipt and the deletion certificate, each saved
 * from its screen. The harness prints with Chromium's page.pdf where the app uses
 * Electron's printToPDF, from the same HTML; the PDF's text is read back with pdf.js,
 * and its first page is drawn by pdf.js in the test browser into test-results/screenshots/
 * to be looked at.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, STUDY_PASSPHRASE, type Harness } from './harness';
import { enforceProjectEnd } from '../../electron/core/services/project-end/project-end';
import { createCrypto } from '../../electron/core/crypto/sodium';
import { tempDir } from '../core/helpers';
import { pdfText, renderFirstPage } from './pdf';

const SHOTS = path.join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');
let harness: Harness;
let vault: string;
let browser: Browser;
let page: Page;
let problems: string[];
const out = tempDir('hvelv-pdf-');
const shot = (name: string): Promise<void> => screenshot(page, name);

/** The PDF's text, and its first page as a PNG beside the screenshots. */
async function readPdf(file: string, shotName: string): Promise<string> {
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const png = path.join(SHOTS, `${shotName}.png`);
  await renderFirstPage(browser, bytes, png);
  expect(fs.statSync(png).size).toBeGreaterThan(1000);
  return pdfText(bytes);
}

function isoIn(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

beforeAll(async () => {
  ({ harness, vault, browser, page, problems } = await openStudy('hvelv-e2e-pdf-', { endDate: isoIn(20) }, 900));
  for (const name of ['Ragnhild Testesen', 'Per Prøvesen']) await harness.invoke('participants.add', { identity: { name } });
  for (const code of ['JS01', 'JS02']) {
    await harness.invoke('consent.record', { code, date: isoIn(-3), formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
  }
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('documents as PDF', () => {
  it('saves the information letter with its consent form as PDF', async () => {
    await page.getByRole('button', { name: 'Informasjonsskriv' }).click();
    const file = path.join(out, 'informasjonsskriv.pdf');
    harness.saveAnswers.push(file);
    await page.getByRole('button', { name: 'Lagre som PDF …' }).click();
    await expect.poll(() => page.getByText(`Lagret i ${file}.`).isVisible(), { timeout: 20_000 }).toBe(true);
    await shot('i15-40-letter-pdf-saved');
    const text = await readPdf(file, 'i15-41-letter-pdf-page1');
    expect(text).toContain('Relasjonsarbeid i arbeidsinkluderingsprosesser');
    expect(text).toContain('Formålet er å undersøke hvordan jobbspesialister bygger relasjoner');
    // The consent form is part of it, statements and all.
    expect(text).toContain('at intervjuet tas opp på lyd');
    expect(text).not.toMatch(/\[[^\]]+\]/);
  });

  it('saves the withdrawal receipt as PDF', async () => {
    await harness.invoke('withdrawal.execute', { code: 'JS02', confirmCode: 'JS02', date: isoIn(0) });
    await page.getByRole('button', { name: 'Deltakere' }).click();
    await page.getByRole('button', { name: 'Åpne JS02' }).click();
    await page.getByRole('button', { name: 'Vis kvittering' }).click();
    const file = path.join(out, 'kvittering-JS02.pdf');
    harness.saveAnswers.push(file);
    await page.getByRole('button', { name: 'Lagre kvitteringen som PDF …' }).click();
    await expect.poll(() => page.getByText(`Lagret i ${file}.`).isVisible(), { timeout: 20_000 }).toBe(true);
    await shot('i15-42-receipt-pdf-saved');
    const text = await readPdf(file, 'i15-43-receipt-pdf-page1');
    expect(text).toContain('Kvittering for tilbaketrukket samtykke');
    expect(text).toContain('JS02');
    expect(text).not.toContain('Prøvesen');
  });

  it('saves the deletion certificate as PDF after the project end', async () => {
    harness.sessions.lock('project-end');
    await expect.poll(() => page.getByRole('heading', { name: 'Lås opp' }).isVisible()).toBe(true);
    enforceProjectEnd(vault, { crypto: await createCrypto(), now: new Date(), requestedNow: new Date(`${isoIn(21)}T12:00:00`) });
    await page.getByLabel(/Passfrase for/).fill(STUDY_PASSPHRASE);
    await page.getByRole('button', { name: 'Lås opp' }).click();
    // Opening a vault just enforced verifies it whole: give a loaded machine time.
    await expect.poll(() => page.getByRole('heading', { name: 'Prosjektet er avsluttet' }).isVisible(), { timeout: 15_000 }).toBe(true);
    const file = path.join(out, 'slettebekreftelse.pdf');
    harness.saveAnswers.push(file);
    await page.getByRole('button', { name: 'Lagre slettebekreftelsen som PDF …' }).click();
    await expect.poll(() => page.getByText(`Lagret i ${file}.`).isVisible(), { timeout: 20_000 }).toBe(true);
    await shot('i15-44-certificate-pdf-saved');
    const text = await readPdf(file, 'i15-45-certificate-pdf-page1');
    expect(text).toContain('Slettebekreftelse ved prosjektslutt');
    expect(text).toContain('Deletion certificate at project end');
    expect(problems).toEqual([]);
  });
});
