/**
 * Issue 29, walked again in Norwegian as the student coming from NVivo met it: "Under"
 * in "Ny kode" stuck to the last parent; a parent code said 1 passage and retrieval 5;
 * the phase never moved; a withdrawal shrank codes and themes without a word; the
 * journal saved "memoen"; the map said "segmenter"; the report gave no hint when no
 * quote was marked.
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
let ids: Record<string, string> = {};

const JS01 = '#00:00:05-0# I: Hva legger du i relasjonsarbeid?\n\n#00:00:12-5# B: Det handler om tillit og om å bli sett.\n';
const JS02 = '#00:00:02-0# I: Hvordan bygger du tillit?\n\n#00:14:32-0# B: Tillit kommer av at jeg er ærlig og tydelig.\n';

async function transcript(code: string, text: string): Promise<string> {
  const { id } = (await harness.invoke('transcripts.create', { code, recordingId: null })) as { id: string };
  await harness.invoke('transcripts.update', { id, text });
  return id;
}
async function apply(tid: string, text: string, words: string, codeId: string): Promise<void> {
  const start = [...text.slice(0, text.indexOf(words))].length;
  await harness.invoke('coding.apply', { transcriptId: tid, start, end: start + [...words].length, codeId });
}
/** Back into the analysis after work done through the handlers, as after a visit elsewhere. */
async function reopen(at: string): Promise<void> {
  await page.getByRole('button', { name: 'Oversikt', exact: true }).click();
  await page.getByRole('button', { name: 'Analyse', exact: true }).click();
  await tab(at).click();
}
/** Select `words` in the coding view's text as a person does, and give the middle of the selection. */
async function selectWords(words: string): Promise<{ x: number; y: number }> {
  return page.locator('.coding-text').evaluate((el, w) => {
    type TextNode = { data: string };
    type R = { setStart(n: unknown, o: number): void; setEnd(n: unknown, o: number): void; getBoundingClientRect(): { left: number; top: number; width: number; height: number } };
    const g = globalThis as unknown as { document: { createRange(): R }; getSelection(): { removeAllRanges(): void; addRange(r: R): void } };
    const nodes = Array.from((el as unknown as { children: ArrayLike<{ firstChild: TextNode }> }).children).map((c) => c.firstChild);
    const point = (u: number): [TextNode, number] => {
      for (const n of nodes) {
        if (u <= n.data.length) return [n, u];
        u -= n.data.length;
      }
      throw new Error('past the end');
    };
    const whole = nodes.map((n) => n.data).join('');
    const at = whole.indexOf(w);
    const r = g.document.createRange();
    r.setStart(...point(at));
    r.setEnd(...point(at + w.length));
    g.getSelection().removeAllRanges();
    g.getSelection().addRange(r);
    const b = r.getBoundingClientRect();
    return { x: b.left + b.width / 2, y: b.top + b.height / 2 };
  }, words);
}
const tab = (name: string) => page.getByRole('navigation', { name: 'Deler av analysen' }).getByRole('button', { name, exact: true });

beforeAll(async () => {
  ({ harness, browser, page, problems } = await openStudy('hvelv-e2e-walkb-', {}, 900));
  for (const name of ['Ragnhild Testesen', 'Per Prøvesen']) await harness.invoke('participants.add', { identity: { name } });
  for (const code of ['JS01', 'JS02']) {
    await recordConsent(harness, code);
  }
  ids = { js01: await transcript('JS01', JS01), js02: await transcript('JS02', JS02) };
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('the analysis after the walk (issue 29)', () => {
  it('resets "Under" to the top after a sub-code, unless "add more here" is ticked', async () => {
    await page.getByRole('button', { name: 'Analyse', exact: true }).click();
    await tab('Kodebok').click();
    const form = page.getByRole('form', { name: 'Ny kode' });
    const name = form.getByRole('textbox', { name: 'Navn' });
    const under = form.getByRole('combobox', { name: 'Under' });
    await name.fill('Relasjon');
    await form.getByRole('button', { name: 'Legg til koden' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Relasjon', exact: true }).count()).toBe(1);
    await name.fill('Tillit');
    await under.selectOption({ label: 'Relasjon' });
    await form.getByRole('button', { name: 'Legg til koden' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Tillit', exact: true }).count()).toBe(1);
    // The next code starts at the top again.
    expect(await under.inputValue()).toBe('');
    await name.fill('Arbeidsgiver');
    await form.getByRole('button', { name: 'Legg til koden' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Arbeidsgiver', exact: true }).count()).toBe(1);
    const codes = ((await harness.invoke('analysis.overview', {})) as { codes: { name: string; parentId: string | null; id: string }[] }).codes;
    const byName = Object.fromEntries(codes.map((c) => [c.name, c]));
    expect(byName['Arbeidsgiver']!.parentId).toBeNull();
    expect(byName['Tillit']!.parentId).toBe(byName['Relasjon']!.id);
    // Several under one parent: ticked, "Under" stays.
    await name.fill('Ærlighet');
    await under.selectOption({ label: 'Relasjon' });
    await form.getByRole('checkbox', { name: /Legg til flere her/ }).check();
    await shot('walk-b-01-new-code-keep-parent');
    await form.getByRole('button', { name: 'Legg til koden' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Ærlighet', exact: true }).count()).toBe(1);
    expect(await under.locator('option:checked').textContent()).toContain('Relasjon');
  });

  it('shows a parent code’s own passages and those with sub-codes, and retrieval can leave sub-codes out', async () => {
    const codes = ((await harness.invoke('analysis.overview', {})) as { codes: { name: string; id: string }[] }).codes;
    const id = (n: string) => codes.find((c) => c.name === n)!.id;
    await apply(ids.js01!, JS01, 'Det handler om tillit', id('Relasjon'));
    await apply(ids.js01!, JS01, 'om å bli sett', id('Tillit'));
    await apply(ids.js02!, JS02, 'Tillit kommer av', id('Tillit'));
    await apply(ids.js02!, JS02, 'ærlig og tydelig', id('Ærlighet'));
    await reopen('Kodebok');
    const row = page.getByRole('row', { name: /Relasjon/ });
    await expect.poll(() => row.getByRole('cell').nth(1).textContent()).toBe('1 her, 4 med underkoder');
    await shot('walk-b-02-codebook-counts');

    await page.getByRole('button', { name: 'Relasjon', exact: true }).click();
    await page.getByRole('button', { name: 'Vis alle utdrag med koden' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: /utdrag i/ }).textContent()).toBe('4 utdrag i 2 intervjuer');
    const aggregate = page.getByRole('checkbox', { name: 'Ta med underkodene' });
    expect(await aggregate.isChecked()).toBe(true);
    await aggregate.uncheck();
    await expect.poll(() => page.getByRole('status').filter({ hasText: /utdrag i/ }).textContent()).toBe('1 utdrag i 1 intervju');
    await shot('walk-b-03-retrieval-own-only');
  });

  it('suggests the next phase when the work shows it, and moves only when the student accepts', async () => {
    const suggestion = page.getByRole('status').filter({ hasText: 'Arbeidet ditt tyder på' });
    await expect.poll(() => suggestion.textContent()).toContain('fase 2, «Lage de første kodene»: du har kodet det første utdraget.');
    expect(await page.getByRole('button', { name: /Bli kjent med dataene/ }).getAttribute('aria-current')).toBe('step');
    await shot('walk-b-04-phase-suggested');
    await page.getByRole('button', { name: 'Gå til fase 2' }).click();
    await expect.poll(() => page.getByRole('button', { name: /Lage de første kodene/ }).getAttribute('aria-current')).toBe('step');
    expect(await suggestion.count()).toBe(0);
    // A theme: phase 3 is suggested; "Ikke nå" puts it away without moving.
    await harness.invoke('themes.add', { name: 'Å bli trodd', parentId: null, definition: '' });
    await reopen('Temaer');
    await expect.poll(() => suggestion.textContent()).toContain('fase 3, «Lete etter temaer»');
    await page.getByRole('button', { name: 'Ikke nå' }).click();
    await expect.poll(() => suggestion.count()).toBe(0);
    expect(await page.getByRole('button', { name: /Lage de første kodene/ }).getAttribute('aria-current')).toBe('step');
    // "Ikke nå" is kept: leaving the analysis and coming back does not ask again.
    await reopen('Temaer');
    await expect.poll(() => page.getByRole('button', { name: /Lage de første kodene/ }).getAttribute('aria-current')).toBe('step');
    expect(await suggestion.count()).toBe(0);
  });

  it('the journal saves an entry, the map says "utdrag" and its title is whole, and the report says when no quote is marked', async () => {
    await tab('Memoer og logg').click();
    const journal = page.getByRole('region', { name: 'Refleksiv logg' });
    expect(await journal.getByRole('button', { name: 'Lagre innlegget' }).count()).toBe(1);
    expect(await journal.getByRole('button', { name: 'Lagre memoen' }).count()).toBe(0);

    const theme = ((await harness.invoke('analysis.overview', {})) as { themes: { id: string }[] }).themes[0]!;
    const codes = ((await harness.invoke('analysis.overview', {})) as { codes: { name: string; id: string }[] }).codes;
    await harness.invoke('themes.assign', { themeId: theme.id, codeId: codes.find((c) => c.name === 'Tillit')!.id, assigned: true });
    await reopen('Tematisk kart');
    const map = page.locator('.map-frame svg');
    await expect.poll(() => map.textContent()).toContain('2 utdrag');
    expect(await map.textContent()).not.toMatch(/segment/i);
    // The title's text ends inside the picture.
    const fits = await map.evaluate((svg) => {
      const s = svg as unknown as { getBBox(): { width: number }; querySelector(q: string): { getBBox(): { x: number; width: number } } | null; width: { baseVal: { value: number } } };
      const title = s.querySelector('text')!.getBBox();
      return title.x + title.width <= s.width.baseVal.value;
    });
    expect(fits).toBe(true);
    await shot('walk-b-05-map');

    await tab('Rapport').click();
    await expect.poll(() => page.getByText(/Ingen utdrag er merket som sitat ennå/).isVisible()).toBe(true);
    await shot('walk-b-06-report-no-quotes');
  });

  it('codes from the codebook beside the text and from a right-click on a selection; the text scrolls with the page', async () => {
    await reopen('Koding');
    await page.getByRole('button', { name: 'Kod intervjuet med JS01' }).click();
    const pane = page.getByRole('navigation', { name: 'Kodene ved teksten' });
    await expect.poll(() => pane.isVisible()).toBe(true);
    // No fixed-height panel: the transcript is as tall as its text.
    expect(await page.locator('.coding-doc').evaluate((d) => (globalThis as unknown as { getComputedStyle(e: unknown): { overflowY: string } }).getComputedStyle(d).overflowY)).toBe('visible');
    expect(await pane.getByRole('button', { name: 'Arbeidsgiver' }).isDisabled()).toBe(true);

    await selectWords('Hva legger du i relasjonsarbeid?');
    await expect.poll(() => pane.getByRole('button', { name: 'Arbeidsgiver' }).isEnabled()).toBe(true);
    await pane.getByRole('button', { name: 'Arbeidsgiver' }).click();
    const bar = (name: string) => page.locator('.coding-margin').getByRole('button', { name: new RegExp(`^${name}: `) });
    await expect.poll(() => bar('Arbeidsgiver').count()).toBe(1);
    await shot('walk-b-08-coding-pane');

    // Right-click on a new selection: the code used last, and "Kod …" for any other.
    const middle = await selectWords('relasjonsarbeid');
    await page.mouse.click(middle.x, middle.y, { button: 'right' });
    const menu = page.getByRole('menu', { name: 'Kod det merkede' });
    await expect.poll(() => menu.isVisible()).toBe(true);
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual(['Kod med «Arbeidsgiver»', 'Kod …']);
    await shot('walk-b-09-coding-right-click');
    await menu.getByRole('menuitem', { name: 'Kod …' }).click();
    await expect.poll(() => page.getByRole('combobox', { name: 'Hurtigkode' }).evaluate((e) => e === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement)).toBe(true);
    await page.getByRole('combobox', { name: 'Hurtigkode' }).press('Escape');

    await page.mouse.click(middle.x, middle.y, { button: 'right' });
    await selectWords('relasjonsarbeid');
    await page.mouse.click(middle.x, middle.y, { button: 'right' });
    await menu.getByRole('menuitem', { name: 'Kod med «Arbeidsgiver»' }).click();
    await expect.poll(() => bar('Arbeidsgiver').count()).toBe(2);
    expect(await menu.count()).toBe(0);

    // Folded away for room, and back.
    await pane.getByRole('button', { name: 'Skjul kodene' }).click();
    expect(await pane.getByRole('button', { name: 'Arbeidsgiver' }).count()).toBe(0);
    await pane.getByRole('button', { name: 'Vis kodene' }).click();
    expect(await pane.getByRole('button', { name: 'Arbeidsgiver' }).count()).toBe(1);
  });

  it('codes a selection dragged onto a code in the pane', async () => {
    const bar = (name: string) => page.locator('.coding-margin').getByRole('button', { name: new RegExp(`^${name}: `) });
    expect(await bar('Relasjon').count()).toBe(1);
    await selectWords('om å bli sett');
    // The browser's own drag of a selection cannot be driven headless: the same events, dispatched.
    await page.evaluate(() => {
      type El = { dispatchEvent(e: unknown): boolean };
      const g = globalThis as unknown as { document: { querySelector(q: string): El; querySelectorAll(q: string): ArrayLike<El & { textContent: string }> }; DataTransfer: new () => unknown; DragEvent: new (t: string, i: object) => unknown };
      const data = new g.DataTransfer();
      const text = g.document.querySelector('.coding-text');
      const target = Array.from(g.document.querySelectorAll('.pane-code')).find((b) => b.textContent.startsWith('Relasjon'))!;
      text.dispatchEvent(new g.DragEvent('dragstart', { bubbles: true, cancelable: true, dataTransfer: data }));
      target.dispatchEvent(new g.DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: data }));
      target.dispatchEvent(new g.DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: data }));
      target.dispatchEvent(new g.DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));
    });
    await expect.poll(() => bar('Relasjon').count()).toBe(2);
    expect(await bar('Relasjon').nth(1).getAttribute('aria-label')).toBe('Relasjon: «om å bli sett»');
  });

  it('says once, in the codebook, themes and map, what a withdrawal removed, until the student has seen it', async () => {
    await harness.invoke('withdrawal.execute', { code: 'JS02', confirmCode: 'JS02', date: '2026-12-01' });
    await reopen('Temaer');
    const note = page.getByRole('region', { name: 'JS02 har trukket seg' });
    await expect.poll(() => note.isVisible()).toBe(true);
    expect(await note.textContent()).toContain('2 kodede utdrag fra JS02 er slettet fra analysen.');
    expect(await note.textContent()).toContain('«Tillit» (1), «Ærlighet» (1)');
    expect(await note.textContent()).toContain('Temaer som ble mindre: «Å bli trodd».');
    await shot('walk-b-07-withdrawal-note');
    await tab('Kodebok').click();
    expect(await note.isVisible()).toBe(true);
    await note.getByRole('button', { name: 'Jeg har sett det' }).click();
    await expect.poll(() => note.count()).toBe(0);
    await tab('Tematisk kart').click();
    expect(await note.count()).toBe(0);
    expect(problems).toEqual([]);
  });
  it('gives the supervisor a place of its own in the menu, out of Settings', async () => {
    await page.getByRole('button', { name: 'Innstillinger', exact: true }).click();
    await page.getByRole('heading', { name: 'Innstillinger', level: 1 }).waitFor();
    expect(await page.getByRole('button', { name: 'Legg til veileder' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Veileder', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Veileder', level: 1 }).isVisible()).toBe(true);
    const access = page.getByRole('region', { name: 'Tilgang og delinger' });
    expect(await access.getByRole('button', { name: 'Legg til veileder' }).isVisible()).toBe(true);
    expect(await access.getByRole('button', { name: 'Importer tilbakemeldingsfil …' }).isVisible()).toBe(true);
    await shot('walk-b-10-supervision-in-menu');
  });
  it('leaves no empty card beside the consent form', async () => {
    await harness.invoke('participants.add', { identity: { name: 'Kari Kontroll' } });
    await page.getByRole('button', { name: 'Deltakere', exact: true }).click();
    await page.getByRole('button', { name: 'Åpne JS03' }).click();
    await page.getByRole('button', { name: 'Registrer samtykke' }).click();
    await page.getByLabel('Dato for samtykket').waitFor();
    const identity = await page.getByRole('region', { name: 'Identitet' }).boundingBox();
    const consent = await page.getByRole('region', { name: 'Samtykke' }).boundingBox();
    // The form takes the whole width below the identity card: nothing empty beside it.
    expect(consent!.y).toBeGreaterThanOrEqual(identity!.y + identity!.height);
    expect(consent!.width).toBeGreaterThan(identity!.width * 1.5);
    await shot('walk-b-11-consent-form');
  });
});
