/**
 * After the end date, with a backup place the daily job could not reach (issue 28): the
 * dashboard lists the certificate's places as the certificate does ("kopi ikke slettet ennå"),
 * and "Disken er ødelagt …" in Settings → Sikkerhetskopi changes the certificate and the
 * dashboard together. In Chromium, in Norwegian, axe-clean.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, STUDY_PASSPHRASE, type Harness } from './harness';
import { enforceProjectEnd, listCertificates } from '../../electron/core/services/project-end/project-end';
import { createCrypto } from '../../electron/core/crypto/sodium';

let harness: Harness;
let browser: Browser;
let page: Page;
let vault: string;
let home: string;

function inDays(n: number): string {
  const d = new Date();
  d.setDate(d.getDate() + n);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

beforeAll(async () => {
  ({ harness, browser, page, vault, home } = await openStudy('hvelv-e2e-backup-end-', { endDate: inDays(7) }, 900));
  await harness.invoke('participants.add', { identity: { name: 'Ingebrigt Særsyn' } });
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('backup places after the end date', () => {
  it('lists a place not reached as the certificate does, until the disk is recorded destroyed', async () => {
    const usb = path.join(home, 'Minnepinne');
    fs.mkdirSync(usb);
    harness.folderAnswers.push(usb);
    await harness.invoke('backup.addPlace', {});
    await harness.invoke('backup.run', {});
    // The stick is unplugged; the end date passes while the app is locked (the daily job).
    fs.renameSync(usb, `${usb}-borte`);
    // The page must be listening when main says it locked (a clean-clone run on a loaded
    // machine sent the lock before the page's event stream was open, and the page never
    // showed the lock screen).
    await expect.poll(() => harness.eventListeners(), { timeout: 15_000 }).toBeGreaterThan(0);
    harness.sessions.lock('project-end');
    enforceProjectEnd(vault, { crypto: await createCrypto(), now: new Date(), requestedNow: new Date(`${inDays(8)}T12:00:00`) });
    expect(listCertificates(vault)[0]!.backupPlaces!.places.map((p) => [p.label, p.state])).toEqual([['Minnepinne', 'not-erased']]);
    await page.getByLabel(/Passfrase for/).fill(STUDY_PASSPHRASE);
    await page.getByRole('button', { name: 'Lås opp' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Prosjektet er avsluttet' }).isVisible(), { timeout: 15_000 }).toBe(true);
    const places = page.getByRole('list', { name: 'Sikkerhetskopier' });
    await expect.poll(() => places.textContent()).toBe('1. Minnepinne: kopi ikke slettet ennå');
    await screenshot(page, 'backup-ended-dashboard');

    // The stick went through the shredder: the student records it, with the date.
    await page.getByRole('button', { name: 'Innstillinger' }).click();
    const card = page.getByRole('region', { name: 'Sikkerhetskopi' });
    await expect.poll(() => card.getByText('Kopi ikke slettet ennå', { exact: false }).isVisible()).toBe(true);
    await card.getByRole('button', { name: 'Disken er ødelagt …' }).click();
    const [y, m, d] = inDays(0).split('-');
    await card.getByLabel('Datoen disken ble ødelagt').fill(`${d}.${m}.${y}`);
    await card.getByRole('button', { name: 'Registrer disken som ødelagt' }).click();
    await expect.poll(() => card.getByText(/· Disken ble ødelagt \d+\. \p{L}+ \d{4}\.$/u).isVisible()).toBe(true);
    expect(await card.getByText('Kopi ikke slettet ennå', { exact: false }).count()).toBe(0);
    expect(listCertificates(vault)[0]!.backupPlaces!.places[0]).toMatchObject({ state: 'destroyed', destroyedOn: inDays(0) });
    await page.getByRole('button', { name: 'Oversikt' }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Sikkerhetskopier' }).textContent()).toMatch(/^1\. Minnepinne: disken ble ødelagt \d+\. \p{L}+ \d{4} \(ifølge studenten\)$/u);
    await screenshot(page, 'backup-ended-destroyed');
  });
});
