/**
 * The screens tell the vault as it is now (issue 15, item 1): the dashboard follows every
 * change made in the app, and the date as it moves while the app stays open, past
 * midnight too, with the 7-day reminder and the "a transcript still names someone"
 * warning appearing when their day comes; the "today" that withdrawal and the Sikt
 * notice default to moves on with it. The page's timers run on Playwright's clock; main's
 * clock is the harness's `now`, moved by the test.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { finishLetter, launchChromium, newPage, screenshot, startHarness, STUDY_PASSPHRASE, type Harness } from './harness';
import { tempDir } from '../core/helpers';

let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];
/** Main's clock: local time, moved by the tests. */
let clock = new Date(2031, 2, 15, 12, 0, 0);
const shot = (name: string): Promise<void> => screenshot(page, name);

beforeAll(async () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-e2e-live-'));
  harness = await startHarness({ home, locale: 'nb-NO', now: () => clock });
  await harness.invoke('vault.create', {
    path: path.join(home, 'Documents', 'Hvelv', 'studie'),
    passphrase: STUDY_PASSPHRASE,
    project: { title: 'Relasjonsarbeid i arbeidsinkluderingsprosesser', institution: 'Universitetet i Stavanger', faculty: '', student: 'Turid Testesen', supervisor: 'Gurli Testesen', siktRef: '123456', endDate: '2031-05-30', endAction: 'anonymise', codePrefix: 'JS' },
  });
  await finishLetter(harness);
  browser = await launchChromium();
  ({ page, problems } = await newPage(browser, 900));
  await page.clock.install({ time: clock });
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

/** Move main's clock and let the page's 30-second date check run. */
async function moveClockTo(d: Date): Promise<void> {
  clock = d;
  await page.clock.runFor(31_000);
}

describe('a live dashboard', () => {
  it('has a level-one heading and counts what was just added in the app', async () => {
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Oversikt' }).isVisible()).toBe(true);
    const participants = page.getByRole('region', { name: 'Deltakere' });
    await expect.poll(() => participants.textContent()).toContain('Ingen ennå.');
    await page.getByRole('button', { name: 'Deltakere' }).click();
    for (const name of ['Ragnhild Testesen', 'Per Prøvesen']) {
      await page.getByRole('button', { name: 'Legg til deltaker' }).click();
      await page.getByLabel('Navn').fill(name);
      await page.getByRole('button', { name: 'Legg til deltaker' }).click();
      await expect.poll(() => page.getByText(/Deltakeren fikk koden JS0\d\./).isVisible()).toBe(true);
    }
    await page.getByRole('button', { name: 'Oversikt' }).click();
    await expect.poll(() => participants.textContent()).toContain('2 aktive, 0 trukket');
    await expect.poll(() => page.getByText('76 dager til prosjektslutt (30. mai 2031)').isVisible()).toBe(true);
    await shot('i15-01-dashboard-counts');
  });

  it('counts down as the days pass with the app open, and the 7-day reminder and the identifying-details warning appear', async () => {
    // A transcript that still names a participant, as the student left it.
    await harness.invoke('consent.record', { code: 'JS01', date: '2031-03-10', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
    const txt = path.join(tempDir(), 'JS01.txt');
    fs.writeFileSync(txt, 'I: Hvordan gikk det?\nB: Ragnhild Testesen her, det gikk fint.\n');
    harness.fileAnswers.push(txt);
    const token = (await harness.invoke('transcripts.chooseFile', {})) as { token: string };
    await harness.invoke('transcripts.import', { code: 'JS01', file: token.token, recordingId: null });

    await moveClockTo(new Date(2031, 4, 23, 23, 59, 0));
    await expect.poll(() => page.getByText('7 dager til prosjektslutt (30. mai 2031)').isVisible()).toBe(true);
    await expect.poll(() => page.getByText(/^Om 7 dager, 30\. mai 2031, slettes navnelisten \(2 deltakere\)/).isVisible()).toBe(true);
    await expect.poll(() => page.getByText(/^1 transkripsjon har fortsatt mulige kjennetegn/).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('region', { name: 'Transkripsjoner' }).textContent()).toContain('1 transkripsjon');
    await shot('i15-02-dashboard-seven-days');
    // Past midnight, with nothing done in between.
    await moveClockTo(new Date(2031, 4, 24, 0, 0, 30));
    await expect.poll(() => page.getByText('6 dager til prosjektslutt (30. mai 2031)').isVisible()).toBe(true);
  });

  it('moves the withdrawal date and the Sikt-notice date on to the new day, unless the user chose one', async () => {
    await page.getByRole('button', { name: 'Deltakere' }).click();
    await page.getByRole('button', { name: 'Åpne JS01' }).click();
    await page.getByRole('button', { name: 'Trekk samtykke …' }).click();
    const when = page.getByLabel('Dato samtykket ble trukket');
    await expect.poll(() => when.inputValue()).toBe('24.05.2031');
    await moveClockTo(new Date(2031, 4, 25, 0, 0, 30));
    await expect.poll(() => when.inputValue()).toBe('25.05.2031');
    // Written and shown day first, as in Norwegian, whatever the browser's locale.
    await shot('i15-03-withdraw-date-moved');
    await when.fill('26.05.2031');
    await when.blur();
    await expect.poll(() => page.getByText('Datoen kan ikke være etter 25. mai 2031.').isVisible()).toBe(true);
    await when.fill('24.5.2031');
    await when.blur();
    await expect.poll(() => when.inputValue()).toBe('24.05.2031');
    await page.getByRole('button', { name: 'Avbryt' }).click();

    await page.getByRole('button', { name: 'Innstillinger' }).click();
    const sikt = page.getByLabel('Dato Sikt ble varslet');
    await expect.poll(() => sikt.inputValue()).toBe('25.05.2031');
    await moveClockTo(new Date(2031, 4, 26, 0, 1, 0));
    await expect.poll(() => sikt.inputValue()).toBe('26.05.2031');
    expect(problems).toEqual([]);
  });
});
