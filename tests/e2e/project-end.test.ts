/**
 * Project end in Chromium: the dashboard counts down and warns a week before, the end
 * date can be moved with the Sikt notification, and after the end the vault opens in
 * anonymised mode with the certificate. A transcript that still names someone is
 * pointed out before the key list goes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, STUDY_PASSPHRASE, type Harness } from './harness';
import { enforceProjectEnd } from '../../electron/core/services/project-end/project-end';
import { createCrypto } from '../../electron/core/crypto/sodium';

let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];
let vault: string;
const shot = (name: string): Promise<void> => screenshot(page, name);

function inDays(n: number): string {
  const d = new Date();
  d.setDate(d.getDate() + n);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

beforeAll(async () => {
  ({ harness, browser, page, problems, vault } = await openStudy('hvelv-e2e-end-', { endDate: inDays(7) }, 900));
  await harness.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  await harness.invoke('consent.record', { code: 'JS01', date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'processing-until-end'], evidence: null });
  const tr = (await harness.invoke('transcripts.create', { code: 'JS01', recordingId: null })) as { id: string };
  await harness.invoke('transcripts.update', { id: tr.id, text: '#00:00:01-0# B: Ragnhild heter jeg, ring meg på 41 22 33 44.\n' });
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('project end in Chromium', () => {
  it('counts down and warns a week before, saying what will be deleted', async () => {
    await expect.poll(() => page.getByRole('heading', { name: /7 dager til prosjektslutt/ }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText(/Om 7 dager, .* slettes navnelisten \(1 deltaker\) og lydopptakene \(0 opptak\) for godt/).isVisible()).toBe(true);
    // A transcript still names her: say so while the key list can still find the names.
    await expect.poll(() => page.getByText(/^1 transkripsjon har fortsatt mulige kjennetegn/).isVisible()).toBe(true);
    await shot('30-dashboard-reminder-7-days');
  });

  it('moves the end date only with the Sikt notification, and shows the history', async () => {
    await page.getByRole('button', { name: 'Innstillinger' }).click();
    const submit = page.getByRole('button', { name: 'Flytt prosjektslutt' });
    await page.getByLabel('Ny dato for prosjektslutt').fill(inDays(40));
    expect(await submit.isDisabled()).toBe(true);
    await page.getByLabel('Sikt-referanse for varslingen').fill('123456');
    await page.getByLabel('Begrunnelse').fill('Innleveringen ble utsatt');
    await submit.click();
    await expect.poll(() => page.getByText(/Prosjektslutt er flyttet til/).isVisible()).toBe(true);
    await expect.poll(() => page.getByText(/Innleveringen ble utsatt \(Sikt 123456/).isVisible()).toBe(true);
    await shot('31-settings-deadline-moved');
    // The daily job: written as systemd user units (the harness points them at a temp folder).
    await page.getByRole('button', { name: 'Installer daglig kontroll' }).click();
    await expect.poll(() => page.getByText(/^Installert \(/).isVisible()).toBe(true);
    const units = fs.readdirSync(path.join(path.dirname(path.dirname(path.dirname(vault))), 'config-home', 'systemd', 'user'));
    expect(units.sort()).toEqual([expect.stringMatching(/\.service$/), expect.stringMatching(/\.timer$/)]);
    await page.getByRole('button', { name: 'Oversikt' }).click();
    await expect.poll(() => page.getByRole('heading', { name: /40 dager til prosjektslutt/ }).isVisible()).toBe(true);
  });

  it('after the end date the vault opens in anonymised mode, with the certificate', async () => {
    // What the daily job does on the day: lock the app's session, then enforce headless.
    harness.sessions.lock('project-end');
    await expect.poll(() => page.getByText('Prosjektslutt er nådd: hvelvet ble låst for slettingen informasjonsskrivet lover.').isVisible()).toBe(true);
    const r = enforceProjectEnd(vault, { crypto: await createCrypto(), now: new Date(), requestedNow: new Date(`${inDays(40)}T12:00:00`) });
    expect(r.destroyedNow).toEqual(['keylist', 'recordings']);
    await page.getByLabel(/Passfrase for/).fill(STUDY_PASSPHRASE);
    await page.getByRole('button', { name: 'Lås opp' }).click();
    // Opening a vault just enforced verifies it whole: give a loaded machine time.
    await expect.poll(() => page.getByRole('heading', { name: 'Prosjektet er avsluttet' }).isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => page.getByText(/Slettebekreftelse:/).isVisible()).toBe(true);
    await shot('32-dashboard-anonymised');
    await page.getByRole('button', { name: 'Deltakere' }).click();
    // Not "none yet": they were deleted, on a day the certificate records.
    await expect.poll(() => page.getByText(/^Navnelisten ble slettet ved prosjektslutt \d+\. \p{L}+ \d{4}: hvem deltakerne var/u).isVisible()).toBe(true);
    expect(await page.getByText('Ingen deltakere ennå.').count()).toBe(0);
    // Nothing new about anyone can be added: the page says why and offers no way to try.
    await expect.poll(() => page.getByRole('status').textContent()).toContain('Prosjektet er avsluttet');
    expect(await page.getByRole('button', { name: 'Legg til deltaker' }).count()).toBe(0);
    await shot('33-anonymised-no-new-participants');
    // Core refuses it too, whoever asks.
    await expect(harness.invoke('participants.add', { identity: { name: 'Ny Person' } })).rejects.toThrow(/PROJECT_ENDED/);

    // A name and a phone number left in a transcript can still be found and taken out,
    // with Hvelv's own placeholders only: the name as the key list found it the last time
    // it was there, and the count of what was left then is said (the badge did not shrink).
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await expect.poll(() => page.getByText(/^Lydopptakene ble slettet ved prosjektslutt \d+\. \p{L}+ \d{4}, og navnelisten med dem/u).isVisible()).toBe(true);
    expect(await page.getByText('Ingen opptak ennå.').count()).toBe(0);
    // Her transcript was written without a recording: none was deleted (tests/e2e/screens-attack.test.ts has one that was).
    await expect.poll(() => page.locator('tbody[data-code="JS01"]').textContent()).toMatch(/Ikke noe opptak/);
    await shot('33b-anonymised-interviews');
    await page.getByRole('button', { name: 'Se slettebekreftelsen' }).click();
    await expect.poll(() => page.getByText(/Slettebekreftelse:/).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await expect.poll(() => page.getByText('2 mulige kjennetegn').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Åpne transkripsjonen til JS01' }).click();
    await page.getByRole('button', { name: 'Se etter identifiserende opplysninger' }).click();
    await expect.poll(() => page.getByText(/Navnelisten finnes ikke lenger/).isVisible()).toBe(true);
    await expect.poll(() => page.getByText(/^Hadde 2 uløste identifiserende opplysninger da navnelisten ble slettet/).isVisible()).toBe(true);
    expect(await page.locator('.findings mark').allTextContents()).toEqual(['Ragnhild', '41 22 33 44']);
    expect(await page.getByLabel('Bytt ut med: Telefon').getAttribute('readonly')).not.toBeNull();
    expect(await page.getByLabel('Bytt ut med: Navn').getAttribute('readonly')).not.toBeNull();
    await shot('34-anonymised-deidentify');
    await page.getByRole('button', { name: 'Bytt ut valgte (2)' }).click();
    await expect.poll(() => page.locator('.transcript').textContent()).toContain('[navn] heter jeg, ring meg på [telefon].');
    expect(problems).toEqual([]);
  });
});
