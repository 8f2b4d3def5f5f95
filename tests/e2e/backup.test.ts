/**
 * Settings → Sikkerhetskopi (issue 28) in Chromium, in Norwegian: a place added through the
 * folder dialog, a copy taken and checked, a place that cannot be reached listed as such and
 * as still holding someone who withdrew; axe-clean.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, STUDY_PASSPHRASE, type Harness } from './harness';
import { recordConsent } from './study';

let harness: Harness;
let browser: Browser;
let page: Page;
let home: string;

beforeAll(async () => {
  ({ harness, browser, page, home } = await openStudy('hvelv-e2e-backup-'));
  await harness.invoke('participants.add', { identity: { name: 'Ingebrigt Særsyn' } });
  await recordConsent(harness, 'JS01');
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('Settings → Sikkerhetskopi', () => {
  it('adds a place, takes a copy, checks it, and lists a place that cannot be reached', async () => {
    await page.getByRole('button', { name: 'Innstillinger' }).click();
    const card = page.getByRole('region', { name: 'Sikkerhetskopi' });
    await expect.poll(() => card.getByText('Ingen sikkerhetskopisteder ennå.').isVisible()).toBe(true);
    const disk = path.join(home, 'USB-disk');
    const usb = path.join(home, 'Minnepinne');
    fs.mkdirSync(disk);
    fs.mkdirSync(usb);
    harness.folderAnswers.push(disk);
    await card.getByRole('button', { name: 'Legg til sted …' }).click();
    await expect.poll(() => card.getByText(disk).isVisible()).toBe(true);
    harness.folderAnswers.push(usb);
    await card.getByRole('button', { name: 'Legg til sted …' }).click();
    await expect.poll(() => card.getByText(usb).isVisible()).toBe(true);
    await card.getByRole('button', { name: 'Ta sikkerhetskopi nå' }).click();
    await expect.poll(() => card.getByText('Kopiert til 2 av 2 steder.').isVisible()).toBe(true);
    await card.getByRole('button', { name: 'Kontroller kopiene' }).click();
    await expect.poll(() => card.getByText('Hver bit i kopiene er lest og kontrollert.').isVisible()).toBe(true);
    // The memory stick is pulled out; a participant withdraws (the copy there still holds them).
    fs.renameSync(usb, `${usb}-borte`);
    await harness.invoke('withdrawal.execute', { code: 'JS01', confirmCode: 'JS01', date: '2026-11-27' });
    await card.getByRole('button', { name: 'Ta sikkerhetskopi nå' }).click();
    await expect.poll(() => card.getByText('Kopiert til 1 av 2 steder.').isVisible()).toBe(true);
    await expect.poll(() => card.getByText('ikke tilgjengelig nå').isVisible()).toBe(true);
    await expect.poll(() => card.getByText('Kopien her har ennå data om 1 person som har trukket seg.', { exact: false }).isVisible()).toBe(true);
    await card.scrollIntoViewIfNeeded();
    await screenshot(page, 'backup-settings');
    // "The disk was destroyed": offered for the place that cannot be reached only, with a date.
    await expect.poll(() => card.getByRole('button', { name: 'Disken er ødelagt …' }).count()).toBe(1);
    await card.getByRole('button', { name: 'Disken er ødelagt …' }).click();
    const when = card.getByLabel('Datoen disken ble ødelagt');
    await when.fill('01.12.2099');
    await when.blur();
    await expect.poll(() => card.getByRole('button', { name: 'Registrer disken som ødelagt' }).isDisabled()).toBe(true);
    await when.fill('26.11.2026');
    await screenshot(page, 'backup-destroyed');
    await card.getByRole('button', { name: 'Avbryt' }).click();
    await expect.poll(() => card.getByRole('button', { name: 'Registrer disken som ødelagt' }).count()).toBe(0);
    // The dashboard: the last copy, and the copy not yet erased.
    await page.getByRole('button', { name: 'Oversikt' }).click();
    const dash = page.getByRole('region', { name: 'Sikkerhetskopi' });
    await expect.poll(() => dash.getByText(/^Siste sikkerhetskopi .* \(2 steder\)\.$/).isVisible()).toBe(true);
    await expect.poll(() => dash.getByText('En kopi er ikke slettet ennå', { exact: false }).isVisible()).toBe(true);
    await screenshot(page, 'backup-dashboard');
    // The text for Sikt names the two places by kind, and what no software can do.
    await page.getByRole('region', { name: 'Til Sikt og datahåndteringsplanen' }).getByRole('button', { name: 'Vis teksten' }).click();
    await expect.poll(() => page.getByText('Hvelv tar krypterte sikkerhetskopier av hvelvet', { exact: false }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText('Dette kan ingen programvare gjøre', { exact: false }).first().isVisible()).toBe(true);
    expect(await page.locator('main').innerText()).not.toContain(disk);
    await screenshot(page, 'backup-sikt');
  });

  it('restores the vault from the first screen ("Hent fra sikkerhetskopi") and opens it', async () => {
    await page.getByRole('button', { name: 'Lås' }).click();
    await page.getByRole('button', { name: 'Hent fra sikkerhetskopi' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Hent fra sikkerhetskopi' }).isVisible()).toBe(true);
    const target = path.join(home, 'Ny maskin', 'studie');
    fs.mkdirSync(path.dirname(target));
    harness.folderAnswers.push(path.join(home, 'USB-disk'), target);
    await page.getByRole('button', { name: 'Velg mappen med kopien …' }).click();
    await expect.poll(() => page.getByText(path.join(home, 'USB-disk')).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Velg en ny, tom mappe …' }).click();
    await expect.poll(() => page.getByText(target).isVisible()).toBe(true);
    await page.getByLabel('Passfrasen til hvelvet').fill('feil passfrase');
    await page.getByRole('button', { name: 'Hent hvelvet' }).click();
    await expect.poll(() => page.getByRole('alert').isVisible()).toBe(true);
    expect(fs.existsSync(target)).toBe(false);
    await page.getByLabel('Passfrasen til hvelvet').fill(STUDY_PASSPHRASE);
    await screenshot(page, 'backup-restore');
    await page.getByRole('button', { name: 'Hent hvelvet' }).click();
    // The copy's own record names the memory stick, which this computer cannot reach.
    await expect.poll(() => page.getByText('Steder som ikke kunne nås fra denne datamaskinen', { exact: false }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText(path.join(home, 'Minnepinne')).isVisible()).toBe(true);
    await expect.poll(() => page.getByText('Tilbaketrekkinger etter', { exact: false }).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('button', { name: 'Åpne hvelvet' }).isVisible()).toBe(true);
    await screenshot(page, 'backup-restored');
    await page.getByRole('button', { name: 'Åpne hvelvet' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Oversikt' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText('0 aktive, 1 trukket').isVisible()).toBe(true);
  });

  it('restores an older copy only when told, and the newer place it finds keeps the person withdrawn', async () => {
    await page.getByRole('button', { name: 'Lås' }).click();
    await page.getByRole('button', { name: 'Hent fra sikkerhetskopi' }).click();
    // The memory stick's copy was made before the withdrawal; the desk disk holds a newer one.
    const stick = path.join(home, 'Minnepinne-borte');
    const target = path.join(home, 'Ny maskin', 'eldre');
    harness.folderAnswers.push(stick, target, path.join(home, 'USB-disk'));
    await page.getByRole('button', { name: 'Velg mappen med kopien …' }).click();
    await expect.poll(() => page.getByText(stick).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Velg en ny, tom mappe …' }).click();
    await expect.poll(() => page.getByText(target).isVisible()).toBe(true);
    // A further copy shown by hand (--also).
    await page.getByRole('button', { name: 'Legg til en kopi …' }).click();
    await expect.poll(() => page.getByText(path.join(home, 'USB-disk')).isVisible()).toBe(true);
    await page.getByLabel('Passfrasen til hvelvet').fill(STUDY_PASSPHRASE);
    await page.getByRole('button', { name: 'Hent hvelvet' }).click();
    await expect.poll(() => page.getByText('Kopien du valgte, er eldre', { exact: false }).isVisible()).toBe(true);
    expect(fs.existsSync(target)).toBe(false);
    await expect.poll(() => page.getByRole('button', { name: 'Hent hvelvet' }).isDisabled()).toBe(true);
    await page.getByLabel('Jeg vil bruke den eldre kopien').check();
    await screenshot(page, 'backup-restore-older');
    await page.getByRole('button', { name: 'Hent hvelvet' }).click();
    await expect.poll(() => page.getByText('Tilbaketrekkinger gjennomført i det hentede hvelvet: JS01').isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('button', { name: 'Åpne hvelvet' }).isVisible()).toBe(true);
    await screenshot(page, 'backup-restored-older');
    await page.getByRole('button', { name: 'Åpne hvelvet' }).click();
    await expect.poll(() => page.getByText('0 aktive, 1 trukket').isVisible()).toBe(true);
  });
});
