/**
 * Participant attributes in Chromium, in Norwegian: an exact age on the participant page
 * is suggested as its band before it is saved (and kept as the band), the Compare tab
 * counts passages per code and value with the small-group warning, a cell opens its
 * passages; axe-clean on both screens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { codedInterviews } from './study';
import { expectAccessible } from './axe';

let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];
const shot = (name: string): Promise<void> => screenshot(page, name);

beforeAll(async () => {
  ({ harness, browser, page, problems } = await openStudy('hvelv-e2e-attr-'));
  for (const name of ['Ingrid Fjelltveit', 'Halvard Øyen']) await harness.invoke('participants.add', { identity: { name } });
  const texts: Record<string, string> = { JS01: 'B: Tillit er å bli sett som et helt menneske.\n', JS02: 'B: Vi bygde tillit over tid.\n' };
  const tillit = (await harness.invoke('codes.add', { name: 'Tillit' })) as { id: string };
  await codedInterviews(harness, texts, tillit.id);
  await harness.invoke('attributes.define', { name: 'rolle', kind: 'list', values: ['Jobbspesialist', 'Veileder'], labels: { nb: 'Rolle', en: 'Role' } });
  await harness.invoke('attributes.define', { name: 'alder', kind: 'number', labels: { nb: 'Alder', en: 'Age' } });
  await harness.invoke('attributes.set', { code: 'JS01', attribute: 'rolle', value: 'Jobbspesialist' });
  await harness.invoke('attributes.set', { code: 'JS02', attribute: 'rolle', value: 'Veileder' });
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('participant attributes on screen (nb)', () => {
  it('suggests the age band before saving an exact age, and keeps the band', async () => {
    await page.getByRole('button', { name: 'Deltakere' }).click();
    await page.getByRole('button', { name: 'Åpne JS01' }).click();
    const card = page.locator('section.attributes-card');
    await expect.poll(() => card.getByLabel('Alder').count()).toBe(1);
    expect(await card.getByLabel('Rolle').inputValue()).toBe('Jobbspesialist');
    await card.getByLabel('Alder').fill('52');
    await card.getByRole('button', { name: 'Lagre' }).first().click();
    await expect.poll(() => card.getByText('En eksakt alder kan peke ut en person. Bruk aldersgruppen «50-59».').isVisible()).toBe(true);
    await shot('attributes-01-participant-suggestion-nb');
    await expectAccessible(page, 'participant attributes with a suggestion');
    await card.getByRole('button', { name: 'Bruk «50-59»' }).click();
    await expect.poll(async () => (await harness.invoke('attributes.values', { code: 'JS01' })) as { value: string }[]).toEqual(expect.arrayContaining([expect.objectContaining({ value: '50-59', exact: false })]));
    expect(await card.getByLabel('Alder').inputValue()).toBe('50-59');
  });

  it('the Compare tab counts passages per code and value, warns of small groups, and a cell opens its passages', async () => {
    await page.getByRole('button', { name: 'Analyse', exact: true }).click();
    await page.getByRole('button', { name: 'Sammenlign' }).click();
    await page.getByLabel('Sammenlign kodene etter').selectOption({ label: 'Rolle' });
    const table = page.locator('table.compare-table');
    await expect.poll(() => table.isVisible()).toBe(true);
    expect(await table.locator('thead th').allTextContents()).toEqual(['Kode', 'Jobbspesialist (1)', 'Veileder (1)']);
    await expect.poll(() => page.getByText(/har fem eller færre deltakere/).first().isVisible()).toBe(true);
    await table.getByRole('button', { name: /Tillit, Jobbspesialist \(1\): 1 utdrag, 1 deltaker/ }).click();
    await expect.poll(() => page.locator('ul.segments li').first().textContent()).toContain('JS01');
    await shot('attributes-02-compare-nb');
    await expectAccessible(page, 'the comparison table');
    expect(problems).toEqual([]);
  });
});
