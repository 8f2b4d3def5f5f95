/**
 * The smaller things (issue 15, item 7), walked in Norwegian from the wizard on: the end
 * date typed and shown day first; a long vault path shown whole, wrapped at its folders
 * (wizard and unlock screen); the four-digit countdown beside its heading, not under it;
 * a participant who never consented is offered deletion, not withdrawal; and Settings'
 * end action has a save of its own.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, newPage, screenshot, startHarness, STUDY_PASSPHRASE, type Harness } from './harness';
import { tempDir } from '../core/helpers';

let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];
let home: string;
const shot = (name: string): Promise<void> => screenshot(page, name);
const LONG = 'Relasjonsarbeid i arbeidsinkluderingsprosesser mellom jobbspesialister og arbeidsgivere';

beforeAll(async () => {
  home = tempDir('hvelv-e2e-small-');
  harness = await startHarness({ home, locale: 'nb-NO' });
  browser = await launchChromium();
  ({ page, problems } = await newPage(browser, 900));
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('the smaller things', () => {
  it('takes the end date as dd.mm.åååå and shows a long vault path whole', async () => {
    await page.getByRole('button', { name: 'Nytt prosjekt' }).click();
    await page.getByLabel('Prosjekttittel').fill(LONG);
    await page.getByRole('button', { name: 'Neste' }).click();
    await page.getByLabel('Bokstaver i deltakerkodene').fill('JS');
    await page.getByRole('button', { name: 'Neste' }).click();
    const end = page.getByLabel('Prosjektslutt', { exact: true });
    expect(await end.getAttribute('placeholder')).toBe('dd.mm.åååå');
    await end.fill('31.13.2031');
    await end.blur();
    await expect.poll(() => page.getByText('Skriv datoen som dd.mm.åååå, for eksempel 30.05.2031.').isVisible()).toBe(true);
    await end.fill('30.5.2031');
    await end.blur();
    await expect.poll(() => end.inputValue()).toBe('30.05.2031');
    const full = page.locator('.location-full');
    const location = page.getByLabel('Hvelvet lagres i');
    await expect.poll(() => location.inputValue()).toMatch(/Relasjonsarbeid-i-arbeidsinkluderingsprosesser-mellom/);
    const expected = await location.inputValue();
    expect(expected.startsWith(path.join(home, 'Documents', 'Hvelv'))).toBe(true);
    await expect.poll(() => full.textContent()).toBe(expected);
    // Every line of the wrapped path ends at a folder separator, never inside a name.
    const lines = await full.evaluate(`(() => {
      const el = document.querySelector('.location-full');
      const range = document.createRange();
      const text = el.firstChild ? el.textContent : '';
      const out = []; let line = ''; let top = null;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (let i = 0; i < n.length; i++) {
          range.setStart(n, i); range.setEnd(n, i + 1);
          const t = Math.round(range.getBoundingClientRect().top);
          if (top !== null && t > top) { out.push(line); line = ''; }
          top = t; line += n.data[i];
        }
      }
      out.push(line);
      return out;
    })()`);
    expect((lines as string[]).join('')).toBe(expected);
    for (const l of (lines as string[]).slice(0, -1)) expect(l.endsWith('/')).toBe(true);
    await shot('i15-30-wizard-end-date-path');
    await page.getByRole('button', { name: 'Neste' }).click();
    await page.getByLabel('Passfrase', { exact: true }).fill(STUDY_PASSPHRASE);
    await page.getByLabel('Gjenta passfrasen').fill(STUDY_PASSPHRASE);
    await page.getByLabel('Jeg forstår at en glemt passfrase betyr at dataene er tapt.').check();
    await page.getByRole('button', { name: 'Opprett hvelvet' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Oversikt' }).isVisible(), { timeout: 20_000 }).toBe(true);
  });

  it('puts a four-digit countdown beside its heading, not under it', async () => {
    const days = page.locator('.countdown-days');
    await expect.poll(async () => Number(await days.textContent())).toBeGreaterThan(999);
    const a = (await days.boundingBox())!;
    const b = (await page.locator('#countdown-h').boundingBox())!;
    expect(a.x + a.width).toBeLessThanOrEqual(b.x);
    await shot('i15-31-dashboard-four-digits');
  });

  it('offers deletion, not withdrawal, to a participant who never consented', async () => {
    await page.getByRole('button', { name: 'Deltakere' }).click();
    await page.getByRole('button', { name: 'Legg til deltaker' }).click();
    await page.getByLabel('Navn').fill('Ragnhild Testesen');
    await page.getByRole('button', { name: 'Legg til deltaker' }).click();
    // The notice of the addition is gone once the next screen is about something else.
    await page.getByRole('button', { name: 'Åpne JS01' }).click();
    await expect.poll(() => page.getByText('Transkripsjon: Ikke tillatt: ikke noe samtykke er registrert').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Trekk samtykke …' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Slett deltakeren …' }).click();
    const dialog = page.getByRole('dialog', { name: 'Slett JS01' });
    await expect.poll(() => dialog.getByText(/Det er ikke registrert noe samtykke for JS01, så det er ikke noe å trekke/).isVisible()).toBe(true);
    await shot('i15-32-delete-participant-without-consent');
    await dialog.getByRole('button', { name: 'Avbryt' }).click();
  });

  it('saves the end action with a button of its own, and says what is saved', async () => {
    await page.getByRole('button', { name: 'Innstillinger' }).click();
    const card = page.getByRole('region', { name: 'Ved prosjektslutt' });
    const save = card.getByRole('button', { name: 'Lagre valget' });
    await expect.poll(() => card.getByText(/^Lagret nå: Slett navnelisten og lydopptakene/).isVisible()).toBe(true);
    expect(await save.isDisabled()).toBe(true);
    await card.getByLabel('Slett alt').check();
    // Not saved by moving the radio button: the vault still says anonymise.
    expect(harness.sessions.current!.facts.endAction).toBe('anonymise');
    await save.click();
    await expect.poll(() => card.getByText('Lagret: Slett alt.').isVisible()).toBe(true);
    expect(harness.sessions.current!.facts.endAction).toBe('delete-all');
    await shot('i15-33-settings-end-action');
  });

  it('wraps a long path on the unlock screen at its folders', async () => {
    await page.getByRole('button', { name: 'Lås', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Lås opp' }).isVisible()).toBe(true);
    const p = page.locator('.vault-item .vault-path');
    expect(await p.evaluate((el) => (el as unknown as { querySelectorAll(s: string): { length: number } }).querySelectorAll('wbr').length)).toBeGreaterThan(3);
    expect(await p.evaluate(`getComputedStyle(document.querySelector('.vault-item .vault-path')).wordBreak`)).not.toBe('break-all');
    await shot('i15-34-unlock-long-path');
    expect(problems).toEqual([]);
    expect(fs.existsSync(home)).toBe(true);
  });
});
