/**
 * The app as a person uses it, in real Chromium against the built renderer and
 * the real handler table: create a project, lock, unlock with a wrong then the
 * right passphrase, switch language, and be locked out when idle. Each screen is
 * saved to test-results/screenshots/ to be looked at.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newPage, screenshot, startHarness, type Harness } from './harness';
import { tempDir } from '../core/helpers';
import { headerPath } from '../../electron/core/vault/layout';

const PASS = 'fire lange ord er bra';

let harness: Harness;
let browser: Browser;
let page: Page;
let home: string;

function isoInDays(days: number): string {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

let problems: string[];
const shot = (name: string): Promise<void> => screenshot(page, name);

beforeAll(async () => {
  home = tempDir('hvelv-e2e-');
  harness = await startHarness({ home, locale: 'nb-NO' });
  browser = await launchChromium();
  ({ page, problems } = await newPage(browser));
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('Hvelv in Chromium', () => {
  it('creates a project through the wizard and lands on the dashboard', async () => {
    await page.goto(harness.url);
    await expect.poll(() => page.getByRole('heading', { name: 'Velkommen til Hvelv' }).isVisible()).toBe(true);
    await shot('01-welcome-nb');

    await page.getByRole('button', { name: 'Nytt prosjekt' }).click();
    // Next without a title: the field says what is missing.
    await page.getByRole('button', { name: 'Neste' }).click();
    await expect.poll(() => page.getByText('Må fylles ut.').isVisible()).toBe(true);
    await page.getByLabel('Prosjekttittel').fill('Relasjonsarbeid i arbeidsinkluderingsprosesser');
    await page.getByLabel('Ansvarlig institusjon').fill('Universitetet i Stavanger');
    await page.getByLabel('Fakultet').fill('Det samfunnsvitenskapelige fakultet');
    await shot('02-wizard-project');
    await page.getByRole('button', { name: 'Neste' }).click();

    await page.getByLabel('Student').fill('Turid Testesen');
    await page.getByLabel('Veileder').fill('Gurli Testesen');
    await page.getByLabel('Referansenummer hos Sikt').fill('123456');
    await page.getByLabel('Bokstaver i deltakerkodene').fill('js');
    await expect.poll(() => page.getByText('Deltakerne får koder som JS01, JS02. Koden lages aldri av navnet.').isVisible()).toBe(true);
    await shot('02b-wizard-people');
    await page.getByRole('button', { name: 'Neste' }).click();

    await page.getByLabel('Prosjektslutt', { exact: true }).fill(isoInDays(200));
    const location = page.getByLabel('Hvelvet lagres i');
    await expect.poll(() => location.inputValue()).toBe(path.join(home, 'Documents', 'Hvelv', 'Relasjonsarbeid-i-arbeidsinkluderingsprosesser'));
    await shot('03-wizard-end');
    await page.getByRole('button', { name: 'Neste' }).click();

    await page.getByLabel('Passfrase', { exact: true }).fill(PASS);
    await page.getByLabel('Gjenta passfrasen').fill('noe annet enn det');
    await page.getByRole('button', { name: 'Opprett hvelvet' }).click();
    await expect.poll(() => page.getByText('Passfrasene er ikke like.').isVisible()).toBe(true);
    await page.getByLabel('Gjenta passfrasen').fill(PASS);
    await page.getByLabel('Jeg forstår at en glemt passfrase betyr at dataene er tapt.').check();
    await shot('04-wizard-passphrase');
    await page.getByRole('button', { name: 'Opprett hvelvet' }).click();

    await expect.poll(() => page.getByRole('heading', { name: /200 dager til prosjektslutt/ }).isVisible(), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => page.getByText('Student: Turid Testesen · Veileder: Gurli Testesen').isVisible()).toBe(true);
    // Hvelv offers the daily job that deletes at project end even if the app is never opened.
    await expect.poll(() => page.getByRole('region', { name: 'Daglig kontroll av prosjektslutt' }).isVisible()).toBe(true);
    await shot('05-dashboard-nb');
    expect(harness.sessions.current!.facts.codePrefix).toBe('JS');
    expect(fs.existsSync(headerPath(path.join(home, 'Documents', 'Hvelv', 'Relasjonsarbeid-i-arbeidsinkluderingsprosesser')))).toBe(true);
  });

  it('locks, refuses a wrong passphrase, and unlocks with the right one', async () => {
    await page.getByRole('button', { name: 'Lås', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Lås opp' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText('Hvelvet ble låst.').isVisible()).toBe(true);
    // Nothing from the project is left on screen but the title of the vault to open.
    expect(await page.getByText('Turid Testesen').count()).toBe(0);
    await expect.poll(() => page.getByRole('radio', { name: /Relasjonsarbeid i arbeidsinkluderingsprosesser/ }).isChecked()).toBe(true);
    await shot('06-unlock-nb');

    const field = page.getByLabel('Passfrase for «Relasjonsarbeid i arbeidsinkluderingsprosesser»');
    await field.fill('dette er feil passfrase');
    await page.getByRole('button', { name: 'Lås opp' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Feil passfrase.');
    expect(await field.inputValue()).toBe('');
    await shot('07-unlock-wrong-passphrase');

    await field.fill(PASS);
    await page.getByRole('button', { name: 'Lås opp' }).click();
    await expect.poll(() => page.getByRole('heading', { name: /dager til prosjektslutt/ }).isVisible(), { timeout: 20_000 }).toBe(true);
  });

  it('switches to English and back, every label following', async () => {
    await page.getByRole('button', { name: 'Innstillinger' }).click();
    await page.getByLabel('Språk').selectOption('en');
    await expect.poll(() => page.getByRole('heading', { name: 'Settings' }).isVisible()).toBe(true);
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    await shot('08-settings-en');
    await page.getByRole('button', { name: 'Overview' }).click();
    await expect.poll(() => page.getByRole('heading', { name: /200 days to project end/ }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('heading', { name: 'Participants' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Not now' }).click();
    expect(await page.getByRole('region', { name: 'Daily check of the project end' }).count()).toBe(0);
    await shot('09-dashboard-en');
  });

  it('changes the idle time, and an idle lock sends the user back to unlock with a reason', async () => {
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByLabel('Lock automatically after (minutes without activity)').fill('5');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByText('Saved.').isVisible()).toBe(true);
    await page.getByLabel('Lock automatically after (minutes without activity)').fill('0');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByText('Enter a whole number from 1 to 240.').isVisible()).toBe(true);
    expect(harness.sessions.current?.facts.autoLockMinutes).toBe(5);

    harness.sessions.lock('idle');
    await expect.poll(() => page.getByText('The vault was locked after 5 minutes without activity.').isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('heading', { name: 'Unlock' }).isVisible()).toBe(true);
    await shot('10-idle-locked-en');
    expect(problems).toEqual([]);
  });
});
