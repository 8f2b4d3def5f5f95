/**
 * "Til Sikt og datahåndteringsplanen" (issue 33) in Chromium, in Norwegian: from the
 * dashboard to the text; copied to the clipboard; then the end date moved and
 * recordings switched on for the supervisor show as changes Sikt needs a change notice
 * for; saved as .docx, which reads as the page; and no participant's name or code on
 * the page, in the clipboard or in the file; the text in English for an English form.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { createCrypto } from '../../electron/core/crypto/sodium';
import { supervisorKeyText } from '../../electron/core/services/supervisor/key-text';
import type { SupervisorEntry } from '@shared/supervisor';
import { recordConsent } from './study';

let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];
let home: string;
let supervisor: SupervisorEntry;
const shot = (name: string): Promise<void> => screenshot(page, name);
const NAMES = ['Ingebrigt Særsyn', 'Valborg Kvitfjell'];

function expectNoPersonalData(text: string): void {
  for (const name of NAMES) for (const part of name.split(' ')) expect(text).not.toContain(part);
  expect(text).not.toMatch(/JS0\d/);
  expect(text).not.toContain('Hemmelig');
}

beforeAll(async () => {
  ({ harness, browser, page, problems, home } = await openStudy('hvelv-e2e-sikt-'));
  for (const name of NAMES) await harness.invoke('participants.add', { identity: { name } });
  for (const code of ['JS01', 'JS02']) {
    await recordConsent(harness, code);
  }
  const crypto = await createCrypto();
  const seed = new Uint8Array(32).fill(4);
  const key = supervisorKeyText({ box: crypto.boxKeyPair(seed).publicKey, sign: crypto.signKeyPair(seed).publicKey });
  supervisor = (await harness.invoke('supervisors.add', { key, label: 'Professor Hemmelig', until: '2031-01-31' })) as SupervisorEntry;
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(harness.url).origin });
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

const main = () => page.locator('main');

async function openFromDashboard(): Promise<void> {
  await page.getByRole('button', { name: 'Oversikt' }).click();
  const entry = page.getByRole('region', { name: 'Til Sikt og datahåndteringsplanen' });
  await entry.getByRole('button', { name: 'Vis teksten' }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Til Sikt og datahåndteringsplanen' }).isVisible()).toBe(true);
  await expect.poll(() => page.getByRole('heading', { level: 2, name: /^Datahåndtering i prosjektet/ }).isVisible()).toBe(true);
}

describe('Til Sikt og datahåndteringsplanen', () => {
  it('is reached from the dashboard and says what the vault does', async () => {
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Oversikt' }).isVisible(), { timeout: 20_000 }).toBe(true);
    await page.getByRole('region', { name: 'Til Sikt og datahåndteringsplanen' }).scrollIntoViewIfNeeded();
    await shot('sikt-00-dashboard-entry-nb');
    await openFromDashboard();
    const text = page.getByRole('region', { name: /^Datahåndtering i prosjektet/ });
    for (const h of ['Lagring og sikring', 'Tilgang', 'Databehandlere', 'Tilbaketrekking av samtykke', 'Prosjektslutt', 'Avidentifisering']) {
      expect(await text.getByRole('heading', { level: 3, name: h }).isVisible()).toBe(true);
    }
    expect(await text.getByText('Veileder 1 har lesetilgang til 31. januar 2031', { exact: false }).isVisible()).toBe(true);
    expect(await text.getByText('Lydopptakene blir ikke med i kopiene til veileder 1.').isVisible()).toBe(true);
    expect(await text.getByText('Prosjektet slutter 30. mai 2031 (Sikts referansenummer 123456).').isVisible()).toBe(true);
    // The harness's own config folder: the daily job is not installed, and the text says so.
    expect(await text.getByText(/Den daglige kontrollen som sletter uten at Hvelv åpnes, er ikke installert/).isVisible()).toBe(true);
    expect(await page.getByText('Du har ikke kopiert eller lagret teksten før.', { exact: false }).isVisible()).toBe(true);
    expectNoPersonalData(await main().innerText());
    await shot('sikt-01-notification-nb');
  });

  it('copies the text, and then shows that nothing has changed', async () => {
    await page.getByRole('button', { name: 'Kopier teksten' }).click();
    await expect.poll(() => page.getByText('Teksten er kopiert. Lim den inn i meldeskjemaet eller planen.').isVisible()).toBe(true);
    const clip = (await page.evaluate('navigator.clipboard.readText()')) as string;
    expect(clip.startsWith('# Datahåndtering i prosjektet «Relasjonsarbeid i arbeidsinkluderingsprosesser»')).toBe(true);
    expect(clip).toContain('## Tilgang');
    expectNoPersonalData(clip);
    const changes = page.getByRole('region', { name: 'Endret siden du sist kopierte teksten' });
    await expect.poll(() => changes.getByText('Ingenting Sikt har fått vite om, er endret siden sist.').isVisible()).toBe(true);
  });

  it('shows a new end date and recordings shared as changes Sikt needs a change notice for', async () => {
    await harness.invoke('deadline.extend', { to: '2031-12-31', reason: 'Forsinket', siktRef: '123456', siktNotifiedOn: '2026-12-01' });
    await harness.invoke('supervisors.setRecordings', { id: supervisor.id, recordings: true });
    await openFromDashboard();
    const changes = page.getByRole('region', { name: 'Endret siden du sist kopierte teksten' });
    await expect.poll(() => changes.getByText(/Sluttdatoen er endret fra 30\. mai 2031 til 31\. desember 2031\./).isVisible()).toBe(true);
    expect(await changes.getByText(/Lydopptakene er slått på for veileder 1\./).isVisible()).toBe(true);
    expect(await changes.getByText('Endringsmelding til Sikt').count()).toBe(2);
    expect(await changes.getByText('Sikt må få vite om dette med en endringsmelding i meldeskjemaet før endringen tas i bruk.').isVisible()).toBe(true);
    const text = page.getByRole('region', { name: /^Datahåndtering i prosjektet/ });
    expect(await text.getByText('Lydopptakene blir med i kopiene til veileder 1 (en stemme kan identifisere en person).').isVisible()).toBe(true);
    expectNoPersonalData(await main().innerText());
    await shot('sikt-02-notification-changes-nb');
  });

  it('saves a .docx that reads as the page, and counts that as told', async () => {
    const out = path.join(home, 'datahandtering.docx');
    harness.saveAnswers.push(out);
    await page.getByRole('button', { name: 'Lagre som Word (.docx) …' }).click();
    await expect.poll(() => page.getByText(`Lagret i ${out}.`).isVisible()).toBe(true);
    const xml = strFromU8(unzipSync(fs.readFileSync(out))['word/document.xml']!);
    const words = [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join('\n');
    expect(words).toContain('Lagring og sikring');
    expect(words).toContain('Prosjektet slutter 31. desember 2031 (Sikts referansenummer 123456).');
    expectNoPersonalData(words);
    const changes = page.getByRole('region', { name: 'Endret siden du sist kopierte teksten' });
    await expect.poll(() => changes.getByText('Ingenting Sikt har fått vite om, er endret siden sist.').isVisible()).toBe(true);
  });

  it('writes the text in English for an English form, the page staying Norwegian', async () => {
    await page.getByLabel('Språk i teksten').selectOption('en');
    const text = page.getByRole('region', { name: 'Data handling in the project “Relasjonsarbeid i arbeidsinkluderingsprosesser”' });
    await expect.poll(() => text.isVisible()).toBe(true);
    expect(await text.getAttribute('lang')).toBe('en');
    expect(await text.getByText('The project ends on 31 December 2031 (Sikt reference number 123456).').isVisible()).toBe(true);
    expect(await text.getByText('The end date was moved from 30 May 2031 to 31 December 2031', { exact: false }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Kopier teksten' }).isVisible()).toBe(true);
    expectNoPersonalData(await main().innerText());
    await shot('sikt-03-notification-en-text');
    expect(problems).toEqual([]);
  });
});
