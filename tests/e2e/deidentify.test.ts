/**
 * Identifying details in a transcript, in Chromium: the list shows how many are left;
 * the check finds the key list's name, workplace and phone number; one is marked as
 * not identifying, the rest replaced with placeholders; nothing is left to find.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { recordConsent } from './study';

let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];
let id: string;
const shot = (name: string): Promise<void> => screenshot(page, name);

const TEXT = '#00:00:04-1# I: Kan du si litt om deg selv?\n#00:00:12-6# B: Ja. Jeg er Kari, forresten. Jeg har vært jobbspesialist i snart tre år her på NAV Sandnes.\n#00:01:36-0# B: Hvis de vil ringe meg, kan de ringe på 912 34 567, også på kvelden. Kollegaen min Ola sier det samme.\n';

beforeAll(async () => {
  ({ harness, browser, page, problems } = await openStudy('hvelv-e2e-d-'));
  await harness.invoke('participants.add', { identity: { name: 'Kari Nordmann', phone: '+47 912 34 567', workplace: 'NAV Sandnes' } });
  await harness.invoke('participants.add', { identity: { name: 'Ola Fjeldstad' } });
  await recordConsent(harness, 'JS01');
  const created = (await harness.invoke('transcripts.create', { code: 'JS01', recordingId: null })) as { id: string };
  id = created.id;
  await harness.invoke('transcripts.update', { id, text: TEXT });
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('identifying details in a transcript', () => {
  it('the list says how many are left; the check finds them; one is kept, the rest replaced', async () => {
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await expect.poll(() => page.getByText('4 mulige kjennetegn').isVisible()).toBe(true);
    await shot('40-transcripts-with-identifiers');
    await page.getByRole('button', { name: 'Åpne transkripsjonen til JS01' }).click();
    await page.getByRole('button', { name: 'Se etter identifiserende opplysninger' }).click();
    await expect.poll(() => page.getByText('Fant 4 mulige kjennetegn. Velg hva som skal byttes ut.').isVisible()).toBe(true);
    const rows = page.locator('.findings li');
    expect(await rows.locator('mark').allTextContents()).toEqual(['Kari', 'NAV Sandnes', '912 34 567', 'Ola']);
    await shot('41-identifiers-found');

    // The phone number unticked for now; it stays unticked while the list is refreshed.
    const phone = rows.filter({ has: page.locator('mark', { hasText: /^912 34 567$/ }) }).getByRole('checkbox');
    await phone.uncheck();
    // Ola is a colleague here, but the student decides he is not identifiable: kept.
    await rows.filter({ has: page.locator('mark', { hasText: /^Ola$/ }) }).getByRole('button', { name: 'Ikke identifiserende' }).click();
    await expect.poll(() => page.getByText('Merket som ikke identifiserende i hele prosjektet: Ola').isVisible()).toBe(true);
    expect(await phone.isChecked()).toBe(false);
    expect(await page.getByRole('button', { name: 'Bytt ut valgte (2)' }).isVisible()).toBe(true);
    await phone.check();
    await page.getByLabel('Bytt ut med: Arbeidssted').fill('[NAV-kontor]');
    await page.getByRole('button', { name: 'Bytt ut valgte (3)' }).click();
    await expect.poll(() => page.getByText('Byttet ut 3. Teksten er sjekket på nytt:').isVisible()).toBe(true);
    await expect.poll(() => page.getByText(/Fant ingen identifiserende opplysninger/).isVisible()).toBe(true);
    await expect.poll(() => page.locator('.transcript').textContent()).toContain('Jeg er [navn], forresten');
    await shot('42-identifiers-replaced');

    const saved = (await harness.invoke('transcripts.get', { id })) as { text: string; identifiers: number; syncPoints: unknown[] };
    expect(saved.text).toBe(TEXT.replace('Kari', '[navn]').replace('NAV Sandnes', '[NAV-kontor]').replace('912 34 567', '[telefon]'));
    expect(saved.identifiers).toBe(0);
    expect(saved.syncPoints).toHaveLength(3);
    expect(problems).toEqual([]);
  });

  it('a replacement that is not a placeholder in brackets cannot be sent', async () => {
    await harness.invoke('transcripts.update', { id, text: 'B: Ring 98 76 54 32.' });
    await page.getByRole('button', { name: '← Opptak og transkripsjoner' }).click();
    await page.getByRole('button', { name: 'Åpne transkripsjonen til JS01' }).click();
    await page.getByRole('button', { name: 'Se etter identifiserende opplysninger' }).click();
    await page.getByLabel('Bytt ut med: Telefon').fill('Kari Nordmann');
    expect(await page.getByRole('button', { name: 'Bytt ut valgte (1)' }).isDisabled()).toBe(true);
    await expect.poll(() => page.getByText(/Skriv en kort merkelapp i hakeparentes/).isVisible()).toBe(true);
    await shot('43-identifiers-bad-placeholder');
    // And main refuses it whatever the page does.
    await expect(harness.invoke('transcripts.deidentify', { id, replace: [{ start: 8, end: 19, expected: '98 76 54 32', with: 'Kari Nordmann' }], kept: [] })).rejects.toThrow(/INVALID_INPUT/);
    expect(((await harness.invoke('transcripts.get', { id })) as { text: string }).text).toBe('B: Ring 98 76 54 32.');
  });
});
