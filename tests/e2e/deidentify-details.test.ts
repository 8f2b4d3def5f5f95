/**
 * Identifying details beyond the key list, in Chromium and in Norwegian: the panel lists
 * a boss, an office's place, a school and an age the key list never knew, with kind and
 * confidence; the age is listed but not ticked. A place marked as not identifying in one
 * transcript is gone from every transcript's list, and the badges follow.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { recordConsent } from './study';

let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];
const shot = (name: string): Promise<void> => screenshot(page, name);

const FIRST = '#00:00:04-1# I: Hvor jobber du?\n#00:00:09-3# B: Jeg jobber i Stavanger. Sjefen min heter Brynjulf Oxaal, og han er 52 år gammel.\n#00:00:21-0# B: Sønnen hans går på Kvassheim skole, ute i Kvassheimfjorden.\n';
const SECOND = '#00:00:03-0# B: Vi hadde kontor i Stavanger før, nå er vi på Tau.\n';

beforeAll(async () => {
  ({ harness, browser, page, problems } = await openStudy('hvelv-e2e-dd-'));
  for (const name of ['Kari Nordmann', 'Ola Fjeldstad']) await harness.invoke('participants.add', { identity: { name } });
  for (const code of ['JS01', 'JS02']) {
    await recordConsent(harness, code);
  }
  for (const [code, text] of [['JS01', FIRST], ['JS02', SECOND]] as const) {
    const created = (await harness.invoke('transcripts.create', { code, recordingId: null })) as { id: string };
    await harness.invoke('transcripts.update', { id: created.id, text });
  }
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('details the key list does not know', () => {
  it('lists names, places, workplaces and ages with kind and confidence; the age is not ticked', async () => {
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await expect.poll(() => page.getByText('5 mulige kjennetegn').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Åpne transkripsjonen til JS01' }).click();
    await page.getByRole('button', { name: 'Se etter identifiserende opplysninger' }).click();
    await expect.poll(() => page.getByText('Fant 5 mulige kjennetegn. Velg hva som skal byttes ut.').isVisible()).toBe(true);
    const rows = page.locator('.findings li');
    expect(await rows.locator('mark').allTextContents()).toEqual(['Stavanger', 'Brynjulf Oxaal', '52 år gammel', 'Kvassheim skole', 'Kvassheimfjorden']);
    expect(await rows.locator('.pill:not(.confidence)').allTextContents()).toEqual(['Sted', 'Navn', 'Alder', 'Arbeidssted', 'Sted']);
    expect(await rows.locator('.pill.confidence').allTextContents()).toEqual(['sikker', 'sikker', 'kanskje', 'trolig', 'trolig']);
    const age = rows.filter({ has: page.locator('mark', { hasText: /^52 år gammel$/ }) }).getByRole('checkbox');
    expect(await age.isChecked()).toBe(false);
    await expect.poll(() => page.getByText(/Alder, datoer og sjeldne kjennetegn er ikke krysset av/).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Bytt ut valgte (4)' }).isVisible()).toBe(true);
    // Sorted by kind: names first, then places.
    await page.getByLabel('Sorter').selectOption('kind');
    expect(await rows.locator('mark').allTextContents()).toEqual(['Brynjulf Oxaal', 'Stavanger', 'Kvassheimfjorden', 'Kvassheim skole', '52 år gammel']);
    await shot('44-identifiers-beyond-key-list');
  });

  it('a place marked as not identifying once is gone from every transcript', async () => {
    const rows = page.locator('.findings li');
    await rows.filter({ has: page.locator('mark', { hasText: /^Stavanger$/ }) }).getByRole('button', { name: 'Ikke identifiserende' }).click();
    await expect.poll(() => page.getByText('Merket som ikke identifiserende i hele prosjektet: Stavanger').isVisible()).toBe(true);
    expect(await rows.locator('mark').allTextContents()).not.toContain('Stavanger');
    await shot('45-place-not-identifying');

    await page.getByRole('button', { name: '← Opptak og transkripsjoner' }).click();
    await expect.poll(() => page.getByText('4 mulige kjennetegn').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Åpne transkripsjonen til JS02' }).click();
    await page.getByRole('button', { name: 'Se etter identifiserende opplysninger' }).click();
    await expect.poll(() => page.getByText('Fant 1 mulig kjennetegn. Velg om det skal byttes ut.').isVisible()).toBe(true);
    expect(await page.locator('.findings li mark').allTextContents()).toEqual(['Tau']);
    await expect.poll(() => page.getByText('Merket som ikke identifiserende i hele prosjektet: Stavanger').isVisible()).toBe(true);
    await shot('46-second-transcript-without-the-place');
    await page.getByRole('button', { name: 'Bytt ut valgte (1)' }).click();
    await expect.poll(() => page.locator('.transcript').textContent()).toContain('nå er vi på [sted]');
    expect(problems).toEqual([]);
  });
});
