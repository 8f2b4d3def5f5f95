/**
 * Filters by attribute value on screen, in Norwegian (issue 31): retrieval, search and the
 * thematic map keep only the passages of the participants holding the value chosen, as the
 * command's `--where` does, and warn when so few hold it that the view may point to them;
 * an attribute's labels, list values and identifying flag are changed on the Compare tab.
 * axe-clean on each screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { codedInterviews } from './study';

let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];
const shot = (name: string): Promise<void> => screenshot(page, name);

beforeAll(async () => {
  ({ harness, browser, page, problems } = await openStudy('hvelv-e2e-attr-filter-'));
  for (const name of ['Ingrid Fjelltveit', 'Halvard Øyen']) await harness.invoke('participants.add', { identity: { name } });
  const texts: Record<string, string> = { JS01: 'B: Tillit er å bli sett som et helt menneske.\n', JS02: 'B: Tillit bygde vi over tid.\n' };
  const tillit = (await harness.invoke('codes.add', { name: 'Tillit' })) as { id: string };
  const theme = (await harness.invoke('themes.add', { name: 'Relasjonen', parentId: null, definition: '' })) as { id: string };
  await harness.invoke('themes.assign', { themeId: theme.id, codeId: tillit.id, assigned: true });
  await codedInterviews(harness, texts, tillit.id);
  await harness.invoke('attributes.define', { name: 'rolle', kind: 'list', values: ['Jobbspesialist', 'Veileder'], labels: { nb: 'Rolle', en: 'Role' } });
  await harness.invoke('attributes.set', { code: 'JS01', attribute: 'rolle', value: 'Jobbspesialist' });
  await harness.invoke('attributes.set', { code: 'JS02', attribute: 'rolle', value: 'Veileder' });
  await page.goto(harness.url);
  await page.getByRole('button', { name: 'Analyse', exact: true }).click();
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('filters by attribute value (nb)', () => {
  it('retrieval keeps the passages of the participants holding the value, with the small-group warning', async () => {
    await page.getByRole('button', { name: 'Gjenfinning' }).click();
    await page.getByLabel('Kode eller tema').selectOption({ label: 'Tillit' });
    const cites = page.locator('ol.retrieved .cite');
    await expect.poll(() => cites.allTextContents()).toEqual(['JS01', 'JS02']);
    await page.getByLabel('Filtrer etter egenskap').selectOption({ label: 'Rolle' });
    await page.getByLabel('Verdi av Rolle').selectOption('Veileder');
    await expect.poll(() => cites.allTextContents()).toEqual(['JS02']);
    await expect.poll(() => page.getByText('Bare 1 deltaker har Rolle = Veileder').isVisible()).toBe(true);
    await shot('attributes-filter-01-retrieval-nb');
    await page.getByLabel('Filtrer etter egenskap').selectOption({ label: 'Alle deltakere' });
    await expect.poll(() => cites.allTextContents()).toEqual(['JS01', 'JS02']);
  });

  it('search keeps the hits of the participants holding the value', async () => {
    await page.getByRole('button', { name: 'Søk', exact: true }).click();
    await page.getByLabel('Søk etter').fill('tillit');
    await page.getByRole('search').getByRole('button', { name: 'Søk' }).click();
    const cites = page.locator('ol.retrieved .cite');
    await expect.poll(async () => (await cites.allTextContents()).sort()).toEqual(['JS01', 'JS02']);
    await page.getByLabel('Filtrer etter egenskap').selectOption({ label: 'Rolle' });
    await expect.poll(() => cites.allTextContents()).toEqual(['JS01']);
    await page.getByLabel('Verdi av Rolle').selectOption('Veileder');
    await expect.poll(() => cites.allTextContents()).toEqual(['JS02']);
    await shot('attributes-filter-02-search-nb');
  });

  it('the thematic map counts the passages of the participants holding the value', async () => {
    await page.getByRole('button', { name: 'Tematisk kart' }).click();
    const code = page.locator('.map-frame svg [data-code]');
    // The code's box: its name, then its count of passages.
    await expect.poll(() => code.first().textContent()).toBe('TillitTillit2');
    await page.getByLabel('Filtrer etter egenskap').selectOption({ label: 'Rolle' });
    await expect.poll(() => code.first().textContent()).toBe('TillitTillit1');
    await page.getByLabel('Filtrer etter egenskap').selectOption({ label: 'Alle deltakere' });
    await expect.poll(() => code.first().textContent()).toBe('TillitTillit2');
    await page.getByLabel('Filtrer etter egenskap').selectOption({ label: 'Rolle' });
    await shot('attributes-filter-03-map-nb');
  });

  it('an attribute\'s labels, list values and identifying flag are changed on the Compare tab', async () => {
    await page.getByRole('button', { name: 'Sammenlign' }).click();
    await page.getByRole('button', { name: 'Endre «Rolle»' }).click();
    const form = page.getByRole('form', { name: 'Endre egenskapen «rolle»' });
    await form.getByLabel('Navn på bokmål').fill('Rolle i jobben');
    await form.getByLabel('Verdier (komma mellom)').fill('Jobbspesialist, Veileder, Leder');
    await form.getByLabel(/Identifiserende/).check();
    await expect.poll(() => form.getByText('Verdiene flyttes til navnelisten').isVisible()).toBe(true);
    await shot('attributes-filter-04-edit-nb');
    await form.getByRole('button', { name: 'Lagre' }).click();
    await expect.poll(() => page.getByText('Egenskapen er endret.').isVisible()).toBe(true);
    const list = (await harness.invoke('attributes.list', {})) as { attributes: { labels: { nb: string }; values: string[]; identifying: boolean }[] };
    expect(list.attributes[0]).toMatchObject({ labels: { nb: 'Rolle i jobben' }, values: ['Jobbspesialist', 'Veileder', 'Leder'], identifying: true });
    // The page reloads its list after the save's message: wait for the new label, do not read once.
    await expect.poll(() => page.getByLabel('Sammenlign kodene etter').locator('option:checked').textContent()).toBe('Rolle i jobben');
    // A value a participant holds cannot be taken off the list: said in the user's language.
    await page.getByRole('button', { name: 'Endre «Rolle i jobben»' }).click();
    await page.getByLabel('Verdier (komma mellom)').fill('Jobbspesialist');
    await page.getByRole('form', { name: 'Endre egenskapen «rolle»' }).getByRole('button', { name: 'Lagre' }).click();
    await expect.poll(() => page.getByText('Noe av det som ble fylt inn er ikke gyldig.').isVisible()).toBe(true);
    expect(((await harness.invoke('attributes.list', {})) as { attributes: { values: string[] }[] }).attributes[0]!.values).toHaveLength(3);
    expect(problems).toEqual([]);
  });

  it('the report\'s check lists a workplace an attribute value names, to confirm (no placeholder in place)', async () => {
    await harness.invoke('attributes.define', { name: 'arbeidsplass', kind: 'text', values: [], labels: { nb: 'Arbeidsplass', en: 'Workplace' } });
    await harness.invoke('attributes.set', { code: 'JS01', attribute: 'arbeidsplass', value: 'Kafé Solsiden' });
    await page.getByRole('button', { name: 'Rapport', exact: true }).click();
    const item = page.locator('ul.findings li').filter({ hasText: 'Egenskapen «arbeidsplass»' });
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.textContent()).toContain('(i sammenligningstabellene; endre verdien på deltakerens side, eller bekreft den)');
    expect(await item.getByRole('button', { name: /Erstatt/ }).count()).toBe(0);
    await shot('attributes-filter-05-report-check-nb');
    await item.getByRole('button', { name: '«Solsiden» er ikke identifiserende' }).click();
    await expect.poll(() => item.getByRole('button', { name: /Angre|Gjør om/ }).count()).toBe(1);
    expect(problems).toEqual([]);
  });
});
