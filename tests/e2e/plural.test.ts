/**
 * Counts in the student's language, on screen in Chromium: an interview with one coded
 * segment says "1 kodet utdrag" beside one with "2 kodede utdrag", a code used once
 * says "1 utdrag i 1 intervju", and a search with one hit says "1 treff" (before, every
 * count took the plural: "1 kodede utdrag", "1 intervjuer").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { recordConsent } from './study';

let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];

const JS01 = '#00:00:05-0# I: Hva legger du i relasjonsarbeid?\n\n#00:00:12-5# B: Det handler om tillit.\n';
const JS02 = '#00:00:02-0# I: Hvordan bygger du tillit?\n\n#00:00:14-0# B: Ved å være ærlig. Og ved å komme når jeg sier at jeg kommer.\n';

/** Code the first occurrence of `words` in a transcript (positions are code points). */
async function code(transcriptId: string, text: string, words: string, codeId: string): Promise<void> {
  const start = [...text.slice(0, text.indexOf(words))].length;
  await harness.invoke('coding.apply', { transcriptId, start, end: start + [...words].length, codeId });
}

beforeAll(async () => {
  ({ harness, browser, page, problems } = await openStudy('hvelv-e2e-plural-', {}, 820));
  await harness.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  await harness.invoke('participants.add', { identity: { name: 'Per Prøvesen' } });
  const ids: Record<string, string> = {};
  for (const [c, text] of [['JS01', JS01], ['JS02', JS02]] as const) {
    await recordConsent(harness, c);
    const { id } = (await harness.invoke('transcripts.create', { code: c, recordingId: null })) as { id: string };
    await harness.invoke('transcripts.update', { id, text });
    ids[c] = id;
  }
  const tillit = (await harness.invoke('codes.add', { name: 'Tillit' })) as { id: string };
  const ærlighet = (await harness.invoke('codes.add', { name: 'Ærlighet' })) as { id: string };
  await code(ids.JS01!, JS01, 'Det handler om tillit.', tillit.id);
  await code(ids.JS02!, JS02, 'Ved å være ærlig.', ærlighet.id);
  await code(ids.JS02!, JS02, 'komme når jeg sier at jeg kommer', tillit.id);
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('counts of one and of more, in Norwegian', () => {
  it('the interview list: "1 kodet utdrag" beside "2 kodede utdrag"', async () => {
    await page.getByRole('button', { name: 'Analyse', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Intervjuer å kode' }).isVisible()).toBe(true);
    const row = (c: string) => page.getByRole('listitem').filter({ has: page.getByRole('button', { name: `Kod intervjuet med ${c}` }) });
    await expect.poll(() => row('JS01').textContent()).toMatch(/\d+ tegn · 1 kodet utdrag$/);
    expect(await row('JS02').textContent()).toMatch(/\d+ tegn · 2 kodede utdrag$/);
    await screenshot(page, 'plural-01-analysis-interviews');
  });

  it('the codebook: "1 utdrag i 1 intervju" for a code used once, "2 utdrag i 2 intervjuer" for one used twice', async () => {
    await page.getByRole('button', { name: /^Kodebok/ }).click();
    await page.getByRole('row', { name: /Ærlighet/ }).getByRole('button', { name: 'Ærlighet' }).click();
    await expect.poll(() => page.getByText('1 utdrag i 1 intervju', { exact: true }).isVisible()).toBe(true);
    await screenshot(page, 'plural-02-codebook-one');
    await page.getByRole('row', { name: /Tillit/ }).getByRole('button', { name: 'Tillit' }).click();
    await expect.poll(() => page.getByText('2 utdrag i 2 intervjuer', { exact: true }).isVisible()).toBe(true);
  });

  it('the search: "1 treff"', async () => {
    await page.getByRole('button', { name: 'Søk', exact: true }).click();
    await page.getByLabel('Søk etter').fill('relasjonsarbeid');
    await page.getByRole('search').getByRole('button', { name: 'Søk' }).click();
    await expect.poll(() => page.getByText('1 treff', { exact: true }).isVisible()).toBe(true);
    expect(problems).toEqual([]);
  });
});
