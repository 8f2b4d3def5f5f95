/**
 * A consent points to a finished letter (issue 15, item 3): a new project is guided to the
 * letter first; the consent form warns when the chosen version still has [fields], and
 * records consent on it only after the student's explicit choice, which is kept and shown;
 * finishing a new version ends the guidance.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newPage, screenshot, startHarness, STUDY_PASSPHRASE, type Harness } from './harness';

let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];
const shot = (name: string): Promise<void> => screenshot(page, name);

beforeAll(async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-e2e-letter-'));
  harness = await startHarness({ home, locale: 'nb-NO' });
  // A project as the wizard leaves it: the letter as generated, with its [fields].
  await harness.invoke('vault.create', {
    path: path.join(home, 'Documents', 'Hvelv', 'studie'),
    passphrase: STUDY_PASSPHRASE,
    project: { title: 'Relasjonsarbeid i arbeidsinkluderingsprosesser', institution: 'Universitetet i Stavanger', faculty: 'Det samfunnsvitenskapelige fakultet', student: 'Turid Testesen', supervisor: 'Gurli Testesen', siktRef: '123456', endDate: '2031-05-30', endAction: 'anonymise', codePrefix: 'JS' },
  });
  await harness.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  browser = await launchChromium();
  ({ page, problems } = await newPage(browser, 900));
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('a finished letter before consent', () => {
  it('guides a new project to the letter first', async () => {
    const step = page.getByRole('region', { name: 'Første steg: gjør ferdig informasjonsskrivet' });
    await expect.poll(() => step.isVisible()).toBe(true);
    await expect.poll(() => step.textContent()).toContain('3 felt i [hakeparentes]');
    await shot('i15-10-dashboard-first-step');
    await step.getByRole('button', { name: 'Gjør ferdig informasjonsskrivet' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Informasjonsskriv' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText('Teksten har fortsatt felt i [hakeparentes] som må fylles ut.').isVisible()).toBe(true);
  });

  it('warns at the consent form, and records consent on the unfinished version only by explicit choice', async () => {
    await page.getByRole('button', { name: 'Deltakere' }).click();
    await page.getByRole('button', { name: 'Åpne JS01' }).click();
    await page.getByRole('button', { name: 'Registrer samtykke' }).click();
    const warning = page.getByRole('alert').filter({ hasText: 'har felt som ikke er fylt ut' });
    await expect.poll(() => warning.textContent()).toMatch(/Versjon 1 av informasjonsskrivet \(Norsk bokmål\) har felt som ikke er fylt ut: \[Beskriv formålet.*\[antall\]/);
    const save = page.getByRole('button', { name: 'Registrer samtykket' });
    expect(await save.isDisabled()).toBe(true);
    await page.getByLabel('Dato for samtykket').fill('2026-11-20');
    await shot('i15-11-consent-unfinished-letter');
    await warning.getByLabel(/Deltakeren fikk likevel denne versjonen/).check();
    await save.click();
    await expect.poll(() => page.getByText(/^Skrivet hadde ufylte felt da samtykket ble gitt: \[Beskriv formålet/).isVisible()).toBe(true);
    await shot('i15-12-consent-recorded-unfinished');
    const [consent] = (await harness.invoke('participants.list', {})) as { consent: { unfilledFields: string[] } }[];
    expect(consent!.consent.unfilledFields).toHaveLength(3);
  });

  it('says why the unfinished version is locked, and a finished new version ends the guidance', async () => {
    await page.getByRole('button', { name: 'Informasjonsskriv' }).click();
    await expect.poll(() => page.getByText(/^Denne versjonen er låst fordi samtykke er registrert til den, selv om felt ikke var fylt ut/).isVisible()).toBe(true);
    await shot('i15-13-letter-locked-unfinished');
    await page.getByRole('button', { name: 'Ny versjon' }).click();
    await page.getByRole('button', { name: 'Rediger' }).click();
    await page.getByLabel('Formål').fill('Formålet er å få økt kunnskap om relasjonsarbeid i arbeidsinkludering.');
    await page.getByLabel('Hvorfor får du spørsmål om å delta?').fill('Du blir spurt fordi du arbeider som jobbspesialist.');
    await page.getByLabel('Hva innebærer det for deg å delta?').fill((await page.getByLabel('Hva innebærer det for deg å delta?').inputValue()).replace('[antall]', 'fire'));
    await page.getByRole('button', { name: 'Lagre teksten' }).click();
    await expect.poll(() => page.getByText('Teksten har fortsatt felt').count()).toBe(0);
    await page.getByRole('button', { name: 'Oversikt' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Oversikt' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('region', { name: 'Første steg: gjør ferdig informasjonsskrivet' }).count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
