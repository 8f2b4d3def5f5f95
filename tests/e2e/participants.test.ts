/**
 * Participants in Chromium: add one, reveal and hide the name, record consent with a
 * scanned signature, withdraw by typing the code, look at and save the receipt; and
 * the letter's versions. Screenshots in test-results/screenshots/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { tempDir } from '../core/helpers';


let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];
const shot = (name: string): Promise<void> => screenshot(page, name);

beforeAll(async () => {
  ({ harness, browser, page, problems } = await openStudy('hvelv-e2e-p-', {}, 820));
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('participants in Chromium', () => {
  it('adds a participant who is then shown by code only', async () => {
    await page.getByRole('button', { name: 'Deltakere' }).click();
    await page.getByRole('button', { name: 'Legg til deltaker' }).click();
    await page.getByLabel('Navn').fill('Ragnhild Testesen');
    await page.getByLabel('E-post').fill('ragnhild@example.no');
    await page.getByLabel('Telefon').fill('915 55 123');
    await page.getByLabel('Arbeidssted').fill('NAV Hinna');
    await shot('11-participant-add');
    await page.getByRole('button', { name: 'Legg til deltaker' }).click();
    await expect.poll(() => page.getByText('Deltakeren fikk koden JS01.').isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('button', { name: 'Åpne JS01' }).isVisible()).toBe(true);
    expect(await page.content()).not.toContain('Ragnhild');
    await shot('12-participants-list');
  });

  it('reveals the name on request (audited) and hides it again on navigation', async () => {
    await page.getByRole('button', { name: 'Åpne JS01' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'JS01' }).isVisible()).toBe(true);
    expect(await page.content()).not.toContain('Ragnhild');
    await expect.poll(() => page.getByText('Lydopptak: Ikke tillatt: ikke noe samtykke er registrert').isVisible()).toBe(true);
    await shot('13-participant-hidden');
    await page.getByRole('button', { name: 'Vis identitet' }).click();
    await expect.poll(() => page.getByText('Ragnhild Testesen').isVisible()).toBe(true);
    await shot('14-participant-revealed');
    expect(harness.sessions.current!.audit.list().filter((e) => e.action === 'identity.revealed')).toHaveLength(1);
    await page.getByRole('button', { name: '← Alle deltakere' }).click();
    await page.getByRole('button', { name: 'Åpne JS01' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Vis identitet' }).isVisible()).toBe(true);
    expect(await page.content()).not.toContain('Ragnhild');
  });

  it('records consent with a scanned signature, after which processing is allowed', async () => {
    const scan = path.join(tempDir(), 'signert-samtykke.png');
    fs.writeFileSync(scan, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
    harness.fileAnswers.push(scan);
    await page.getByRole('button', { name: 'Registrer samtykke' }).click();
    await page.getByLabel('Dato for samtykket').fill('2026-11-20');
    await page.getByRole('button', { name: 'Velg fil …' }).click();
    await expect.poll(() => page.getByText('signert-samtykke.png').isVisible()).toBe(true);
    await expect.poll(() => page.getByLabel('at intervjuet tas opp på lyd').isChecked()).toBe(true);
    await shot('15-consent-form');
    await page.getByRole('button', { name: 'Registrer samtykket' }).click();
    await expect.poll(() => page.getByText(/Gitt 20\. november 2026 \(Signert på papir\), skriv versjon 1\./).isVisible()).toBe(true);
    await expect.poll(() => page.getByText('Lydopptak: Tillatt').isVisible()).toBe(true);
    await shot('16-consent-recorded');
  });

  it('withdraws after showing what will be destroyed and the typed code, then shows and saves the receipt', async () => {
    await page.getByRole('button', { name: 'Trekk samtykke …' }).click();
    const dialog = page.getByRole('dialog', { name: 'Trekk samtykke for JS01' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    await expect.poll(() => dialog.getByText('Signert samtykke (skannet) eller opptak av muntlig samtykke').isVisible()).toBe(true);
    const confirm = dialog.getByRole('button', { name: 'Slett alt om JS01' });
    await dialog.getByLabel('Skriv koden JS01 for å bekrefte').fill('JS02');
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel('Skriv koden JS01 for å bekrefte').fill('JS01');
    // The rows the dialog shows, kind and count, for the receipt to repeat.
    const rows = async (scope: import('playwright-core').Locator, sel: string) => (await scope.locator(sel).allInnerTexts()).map((r) => r.replace(/\s+/g, ' ').trim());
    const shown = await rows(dialog, 'ul.counts li');
    expect(shown.length).toBeGreaterThanOrEqual(8);
    await shot('17-withdraw-dialog');
    await confirm.click();
    await expect.poll(() => page.getByRole('heading', { name: 'Kvittering for tilbaketrukket samtykke' }).isVisible()).toBe(true);
    // The receipt lists every kind the dialog did, with the same count (the walk found coded passages missing).
    expect(await rows(page.locator('main table').nth(1), 'tbody tr')).toEqual(shown);
    expect(await page.content()).not.toMatch(/Ragnhild|ragnhild|915 55|Hinna/);
    await shot('18-withdrawal-receipt');

    const target = path.join(tempDir(), 'kvittering-JS01.html');
    harness.saveAnswers.push(target);
    await page.getByRole('button', { name: 'Lagre kvittering …' }).click();
    await expect.poll(() => page.getByText(`Lagret i ${target}.`).isVisible()).toBe(true);
    const html = fs.readFileSync(target, 'utf8');
    expect(html).toContain('JS01');
    expect(html).not.toMatch(/Ragnhild|ragnhild|915 55|Hinna/);

    await page.getByRole('button', { name: '← Alle deltakere' }).click();
    await expect.poll(() => page.getByText('Trukket', { exact: true }).isVisible()).toBe(true);
    await shot('19-participants-after-withdrawal');
  });

  it('shows the letter, locked once used, and edits a new version', async () => {
    await page.getByRole('button', { name: 'Informasjonsskriv' }).click();
    await expect.poll(() => page.getByText(/Låst \(brukt til samtykke\)/).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Rediger' }).count()).toBe(0);
    await shot('20-letter-v1-locked');
    await page.getByRole('button', { name: 'Ny versjon' }).click();
    await expect.poll(() => page.getByRole('tab', { name: 'Versjon 2' }).getAttribute('aria-selected')).toBe('true');
    await page.getByRole('button', { name: 'Rediger' }).click();
    await page.getByLabel('Formål').fill('Formålet er å få økt kunnskap om relasjonsarbeid i arbeidsinkludering.');
    await shot('21-letter-v2-editing');
    await page.getByRole('button', { name: 'Lagre teksten' }).click();
    await expect.poll(() => page.getByText('Formålet er å få økt kunnskap om relasjonsarbeid i arbeidsinkludering.').isVisible()).toBe(true);
    await shot('22-letter-v2-saved');
    expect(problems).toEqual([]);
  });
});
