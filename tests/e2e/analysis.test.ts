/**
 * The thematic analysis in Chromium, in Norwegian, as the student does it: code a
 * passage by mouse and another by keyboard alone, see the margin bars (names on hover
 * and focus), undo and redo, take a code off, retrieve a code across two interviews and
 * open a segment from there, write memos and a journal entry, build two themes, look at
 * the thematic map and save it, search ("aase" finds Åse) and code a hit, and export the
 * report through the identifying-details check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { makeWav, tempDir } from '../core/helpers';
import { recordConsent } from './study';

let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];
const shot = (name: string): Promise<void> => screenshot(page, name);

// An emoji before the coded words: a segment after it must still cover exactly them
// (code points in core, UTF-16 in the page).
const JS01 =
  '#00:00:05-0# I: Hva legger du i relasjonsarbeid?\n\n' +
  '#00:00:12-5# B: Det handler om tillit. Jeg må være trygg på at jobbspesialisten vil meg vel 🙂, og at vi kan stole på hverandre.\n\n' +
  '#00:01:03-2# B: Å holde relasjonen varm er viktig, også når det går tregt. Ragnhild sa det samme.\n';
const JS02 = '#00:00:02-0# I: Hvordan bygger du tillit?\n\n#00:14:32-0# B: Tillit kommer av at jeg er ærlig og tydelig. Åse på kontoret sier at åpenhet er alt.\n';

async function transcript(code: string, text: string, recordingId: string | null = null): Promise<string> {
  const { id } = (await harness.invoke('transcripts.create', { code, recordingId })) as { id: string };
  await harness.invoke('transcripts.update', { id, text });
  return id;
}

/** Drag the mouse over `words` in the coding view's text, as a person selects. */
async function dragOver(words: string): Promise<void> {
  const box = await page.locator('.coding-text').evaluate((el, w) => {
    // Runs in the page; typed loosely, as this file is compiled without the DOM library.
    // The text is one element per line, each holding one text node.
    type Rect = { left: number; top: number; right: number; height: number };
    type TextNode = { data: string };
    const doc = (globalThis as unknown as { document: { createRange(): { setStart(n: unknown, o: number): void; setEnd(n: unknown, o: number): void; getClientRects(): Rect[] } } }).document;
    const nodes = Array.from((el as unknown as { children: ArrayLike<{ firstChild: TextNode }> }).children).map((c) => c.firstChild);
    const whole = nodes.map((n) => n.data).join('');
    const point = (u: number): [TextNode, number] => {
      for (const n of nodes) {
        if (u < n.data.length) return [n, u];
        u -= n.data.length;
      }
      throw new Error('past the end');
    };
    const rect = (u: number): Rect => {
      const r = doc.createRange();
      const [n, o] = point(u);
      r.setStart(n, o);
      r.setEnd(n, o + 1);
      return r.getClientRects()[0]!;
    };
    const at = whole.indexOf(w);
    const a = rect(at);
    const b = rect(at + w.length - 1);
    return { x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 0.5, y2: b.top + b.height / 2 };
  }, words);
  // A click first, as a person does: pressing inside an existing selection would drag it.
  await page.mouse.click(box.x1, box.y1);
  await page.mouse.move(box.x1, box.y1);
  await page.mouse.down();
  await page.mouse.move((box.x1 + box.x2) / 2, box.y2, { steps: 4 });
  await page.mouse.move(box.x2, box.y2, { steps: 4 });
  await page.mouse.up();
}

const selected = (): Promise<string> => page.evaluate(() => (globalThis as unknown as { getSelection(): { toString(): string } | null }).getSelection()?.toString() ?? '');
const isFocused = (el: unknown): boolean => el === (globalThis as unknown as { document: { activeElement: unknown } }).document.activeElement;
const bar = (code: string) => page.locator('.coding-margin').getByRole('button', { name: new RegExp(`^${code}: `) });

beforeAll(async () => {
  ({ harness, browser, page, problems } = await openStudy('hvelv-e2e-a-', {}, 900));
  await harness.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  await harness.invoke('participants.add', { identity: { name: 'Per Prøvesen' } });
  for (const code of ['JS01', 'JS02']) {
    await recordConsent(harness, code);
  }
  // JS01's interview still has its recording: retrieval opens it at the segment's time.
  const wav = path.join(tempDir(), 'JS01.wav');
  makeWav(wav, 70, 3);
  harness.fileAnswers.push(wav);
  const file = (await harness.invoke('recordings.chooseFile', {})) as { token: string };
  const rec = (await harness.invoke('recordings.import', { jobId: 'analysis-js01', code: 'JS01', file: file.token })) as { id: string };
  await transcript('JS01', JS01, rec.id);
  await transcript('JS02', JS02);
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('thematic analysis in Chromium', () => {
  it('codes a passage by mouse with the quick-code box, and shows a margin bar with the name on hover', async () => {
    await page.getByRole('button', { name: 'Analyse', exact: true }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'Intervjuer å kode' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: /Bli kjent med dataene/ }).getAttribute('aria-current')).toBe('step');
    await shot('50-analysis-interviews');

    await page.getByRole('button', { name: 'Kod intervjuet med JS01' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: /Transkripsjonen til JS01/ }).isVisible()).toBe(true);
    const quick = page.getByRole('combobox', { name: 'Hurtigkode' });
    expect(await quick.isDisabled()).toBe(true);

    await dragOver('stole på hverandre');
    expect(await selected()).toBe('stole på hverandre');
    await expect.poll(() => page.getByText('Merket: «stole på hverandre»').isVisible()).toBe(true);
    await quick.fill('Tillit');
    expect(await page.getByRole('option', { name: 'Ny kode: «Tillit»' }).isVisible()).toBe(true);
    await quick.press('Enter');
    await expect.poll(() => bar('Tillit').count()).toBe(1);
    expect(await bar('Tillit').getAttribute('aria-label')).toBe('Tillit: «stole på hverandre»');
    // The name shows on hover.
    await bar('Tillit').hover();
    await expect.poll(() => bar('Tillit').locator('.bar-tip').isVisible()).toBe(true);
    await shot('51-coding-by-mouse');
  });

  it('codes by keyboard alone: caret, Shift+arrows, Enter to the quick-code box, letters and Enter', async () => {
    const text = page.getByRole('textbox', { name: /Transkripsjonen til JS01/ });
    // Reach the text with Tab from the "back" link, as a keyboard user would.
    await page.getByRole('button', { name: 'Til listen over intervjuer' }).focus();
    // (past the recording's player, whose controls take a few Tab stops, and the codes
    // beside the text, which take one each while text is selected).
    for (let i = 0; i < 25 && !(await text.evaluate(isFocused)); i++) await page.keyboard.press('Tab');
    expect(await text.evaluate(isFocused)).toBe(true);
    // Down to the third utterance's line, to its start, then past the stamp and "B:".
    // The caret as an offset in the whole text (the page holds it one element per line).
    const caret = () =>
      page.locator('.coding-text').evaluate((el) => {
        const sel = (globalThis as unknown as { getSelection(): { focusNode: unknown; focusOffset: number } | null }).getSelection()!;
        let u = 0;
        for (const line of Array.from((el as unknown as { children: ArrayLike<{ firstChild: { data: string } }> }).children)) {
          if (line.firstChild === sel.focusNode) return u + sel.focusOffset;
          u += line.firstChild.data.length;
        }
        return -1;
      });
    await page.keyboard.press('Control+Home');
    expect(await caret()).toBe(0);
    // Down line by line to the third answer (how many lines depends on the wrapping).
    const third = JS01.indexOf('#00:01:03-2#');
    for (let i = 0; i < 12 && (await caret()) !== third; i++) await page.keyboard.press('ArrowDown');
    expect(await caret()).toBe(third);
    for (let i = 0; i < '#00:01:03-2# B: '.length; i++) await page.keyboard.press('ArrowRight');
    for (let i = 0; i < 4; i++) await page.keyboard.press('Control+Shift+ArrowRight');
    expect((await selected()).trim()).toBe('Å holde relasjonen varm');
    await page.keyboard.press('Enter');
    const quick = page.getByRole('combobox', { name: 'Hurtigkode' });
    // Focus moves after React has rendered the box for the selection: wait for it.
    await expect.poll(() => quick.evaluate(isFocused), { timeout: 15_000 }).toBe(true);
    await page.keyboard.type('Holde relasjonen varm');
    await page.keyboard.press('Enter');
    await expect.poll(() => bar('Holde relasjonen varm').count()).toBe(1);
    // A second code on the same words: a few letters of an existing code, Enter.
    await page.keyboard.type('till');
    expect(await page.getByRole('option', { name: 'Tillit' }).getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Enter');
    await expect.poll(() => bar('Tillit').count()).toBe(2);
    // Escape goes back to the text; Tab reaches the bars, whose names show on focus.
    await page.keyboard.press('Escape');
    expect(await text.evaluate(isFocused)).toBe(true);
    await bar('Holde relasjonen varm').focus();
    await expect.poll(() => bar('Holde relasjonen varm').locator('.bar-tip').isVisible()).toBe(true);
    await shot('52-coding-by-keyboard');

    // Undo and redo the last coding from the keyboard, in the text.
    await text.focus();
    await page.keyboard.press('Control+z');
    await expect.poll(() => bar('Tillit').count()).toBe(1);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => bar('Tillit').count()).toBe(2);
  });

  it('reaches the quick-code box when Enter comes before the browser has told the page of the selection', async () => {
    // Under load a fast typist's Enter can arrive before the selectionchange event of the
    // Shift+arrow just before it. The box is disabled until the selection is rendered, and
    // focus() on a disabled box does nothing: the letters typed next were lost.
    const quick = page.getByRole('combobox', { name: 'Hurtigkode' });
    const text = page.getByRole('textbox', { name: /Transkripsjonen til JS01/ });
    await text.focus();
    await page.locator('.coding-text').evaluate((el) => {
      const first = (el as unknown as { firstElementChild: { firstChild: unknown } }).firstElementChild.firstChild;
      (globalThis as unknown as { getSelection(): { collapse(n: unknown, o: number): void } }).getSelection().collapse(first, 0);
    });
    await expect.poll(() => quick.isDisabled()).toBe(true);
    // The selection and the key in one task, so no selectionchange event can come between.
    const focusedLabel = await page.locator('.coding-text').evaluate((el, words) => {
      type TextNode = { data: string };
      const g = globalThis as unknown as {
        getSelection(): { setBaseAndExtent(a: unknown, ao: number, f: unknown, fo: number): void };
        document: { activeElement: { getAttribute(n: string): string | null } | null };
        KeyboardEvent: new (type: string, init: object) => unknown;
      };
      const lines = Array.from((el as unknown as { children: ArrayLike<{ firstChild: TextNode }> }).children).map((c) => c.firstChild);
      const line = lines.find((n) => n.data.includes(words))!;
      const at = line.data.indexOf(words);
      g.getSelection().setBaseAndExtent(line, at, line, at + words.length);
      (el as unknown as { dispatchEvent(e: unknown): boolean }).dispatchEvent(new g.KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }));
      return g.document.activeElement?.getAttribute('aria-label') ?? g.document.activeElement?.getAttribute('id') ?? null;
    }, 'også når det går tregt');
    expect(await quick.evaluate(isFocused), `focus was on ${focusedLabel}`).toBe(true);
    expect(await page.getByText('Merket: «også når det går tregt»').isVisible()).toBe(true);
    await page.keyboard.press('Escape');
    expect(await text.evaluate(isFocused)).toBe(true);
  });

  it('takes a code off a segment, marks a quote, and writes a memo on the segment', async () => {
    await bar('Holde relasjonen varm').click();
    const here = page.locator('.segment-list').first();
    await expect.poll(() => here.getByText('«Å holde relasjonen varm»').isVisible()).toBe(true);
    await here.getByRole('button', { name: 'Fjern koden «Tillit» fra utdraget' }).click();
    await expect.poll(() => bar('Tillit').count()).toBe(1);
    expect(await bar('Holde relasjonen varm').count()).toBe(1);
    await expect.poll(() => page.getByRole('button', { name: 'Angre fjerning av «Tillit»' }).isEnabled()).toBe(true);

    // The Tillit segment in the second answer, with the participant's first name after it, is a quote.
    await dragOver('Å holde relasjonen varm er viktig, også når det går tregt. Ragnhild sa det samme.');
    await page.getByRole('combobox', { name: 'Hurtigkode' }).fill('Tillit');
    await page.getByRole('combobox', { name: 'Hurtigkode' }).press('Enter');
    await expect.poll(() => bar('Tillit').count()).toBe(2);
    const seg = page.locator('.segment-list > li').filter({ hasText: 'Ragnhild sa det samme' });
    // Controlled by what main saved: click, then wait for the saved state.
    await seg.getByRole('checkbox', { name: 'Sitat i rapporten' }).click();
    await expect.poll(() => seg.getByRole('checkbox', { name: 'Sitat i rapporten' }).isChecked()).toBe(true);
    await seg.getByRole('button', { name: 'Memo om utdraget' }).click();
    await seg.getByLabel('Ny memo').fill('Varm relasjon: hun bruker ordet om tiden mellom møtene.');
    await seg.getByRole('button', { name: 'Lagre memoen' }).click();
    await expect.poll(() => seg.getByText('Varm relasjon: hun bruker ordet').isVisible()).toBe(true);
    await shot('53-coding-segment-quote-memo');

    // Taking its only code off removes the segment; undo brings back the same one, still a
    // quote and still with its memo (a fresh coding of the words would have lost both).
    await seg.getByRole('button', { name: 'Fjern koden «Tillit» fra utdraget' }).click();
    await expect.poll(() => bar('Tillit').count()).toBe(1);
    await page.getByRole('button', { name: 'Angre fjerning av «Tillit»' }).click();
    await expect.poll(() => bar('Tillit').count()).toBe(2);
    // The restored segment is the active one: its entry shows beside the text.
    const back = page.locator('.segment-list > li').filter({ hasText: 'Ragnhild sa det samme' });
    await expect.poll(() => back.getByRole('checkbox', { name: 'Sitat i rapporten' }).isChecked()).toBe(true);
    await expect.poll(() => back.getByText('Varm relasjon: hun bruker ordet').isVisible()).toBe(true);
    await shot('53b-coding-undo-restored');
  });

  it('codes the second interview, and retrieves a code across both; a click opens the place', async () => {
    await page.getByRole('button', { name: 'Til listen over intervjuer' }).click();
    await page.getByRole('button', { name: 'Kod intervjuet med JS02' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: /Transkripsjonen til JS02/ }).isVisible()).toBe(true);
    await dragOver('jeg er ærlig og tydelig');
    await page.getByRole('combobox', { name: 'Hurtigkode' }).fill('tIll');
    await page.getByRole('combobox', { name: 'Hurtigkode' }).press('Enter');
    await expect.poll(() => bar('Tillit').count()).toBe(1);

    await page.getByRole('button', { name: 'Kodebok' }).click();
    const row = page.getByRole('row', { name: /Tillit/ });
    await expect.poll(() => row.getByRole('cell').allTextContents()).toEqual([expect.stringContaining('Tillit'), '3', '2']);
    await row.getByRole('button', { name: 'Tillit' }).click();
    await page.getByLabel('Definisjon').last().fill('Å stole på den andre; ikke bare å like hverandre.');
    await page.getByRole('button', { name: 'Lagre', exact: true }).click();
    await expect.poll(() => page.getByText('Koden «Tillit» er lagret.').isVisible()).toBe(true);
    await shot('54-codebook');

    await page.getByRole('button', { name: 'Vis alle utdrag med koden' }).click();
    await expect.poll(() => page.getByText('3 utdrag i 2 intervjuer').isVisible()).toBe(true);
    const items = page.locator('.retrieved > li');
    expect(await items.locator('.cite').allTextContents()).toEqual(['JS01, 00:00:12', 'JS01, 00:01:03', 'JS02, 00:14:32']);
    expect(await items.nth(2).locator('mark').textContent()).toBe('jeg er ærlig og tydelig');
    await shot('55-retrieval');

    await page.getByLabel('Deltaker').selectOption('JS02');
    await expect.poll(() => page.getByText('1 utdrag i 1 intervju').isVisible()).toBe(true);
    await page.getByLabel('Deltaker').selectOption('');
    await expect.poll(() => items.count()).toBe(3);
    await page.getByRole('button', { name: /^JS01, 00:01:03.* – åpne i transkripsjonen$/ }).click();
    await expect.poll(() => page.getByRole('textbox', { name: /Transkripsjonen til JS01/ }).isVisible()).toBe(true);
    await expect.poll(() => selected()).toBe('Å holde relasjonen varm er viktig, også når det går tregt. Ragnhild sa det samme.');
    // The recording is there, at the segment's time (#00:01:03-2#).
    const audio = page.getByLabel('Opptaket');
    await expect.poll(async () => Number(await audio.evaluate((a) => (a as unknown as { currentTime: number }).currentTime)), { timeout: 10_000 }).toBeCloseTo(63.2, 1);
    expect(await page.getByRole('button', { name: 'Spill av fra 00:01:03' }).isVisible()).toBe(true);
  });

  it('opens the analysis from a transcript, on that transcript', async () => {
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await page.getByRole('button', { name: 'Åpne transkripsjonen til JS02' }).click();
    await page.getByRole('button', { name: 'Kod i analysen' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: /Transkripsjonen til JS02/ }).isVisible()).toBe(true);
    await expect.poll(() => bar('Tillit').count()).toBe(1);
  });

  it('writes a journal entry in the current phase and a private project memo', async () => {
    await page.getByRole('button', { name: /Lete etter temaer/ }).click();
    await expect.poll(async () => page.getByRole('button', { name: /Lete etter temaer/ }).getAttribute('aria-current')).toBe('step');
    await page.getByRole('button', { name: 'Memoer og logg' }).click();
    await page.getByLabel('Nytt innlegg i loggen').fill('Kodene om tillit og varme ser ut til å høre sammen. Jeg må spørre veileder.');
    await page.getByRole('button', { name: 'Lagre innlegget' }).click();
    const journal = page.getByRole('region', { name: 'Refleksiv logg' });
    await expect.poll(() => journal.getByRole('heading', { name: 'Lete etter temaer' }).isVisible()).toBe(true);
    await expect.poll(() => journal.getByText('Kodene om tillit og varme').isVisible()).toBe(true);

    const memos = page.getByRole('region', { name: 'Memoer', exact: true });
    await memos.getByLabel('Ny memo om prosjektet').fill('Min egen forforståelse: jeg har selv jobbet i NAV.');
    await memos.getByRole('checkbox', { name: /^Privat/ }).check();
    expect(await memos.getByRole('checkbox', { name: /^Privat/ }).isChecked()).toBe(true);
    await memos.getByRole('button', { name: 'Lagre memoen' }).click();
    await expect.poll(() => memos.getByText('Min egen forforståelse').isVisible()).toBe(true);
    await expect.poll(() => memos.locator('.memo').filter({ hasText: 'Min egen forforståelse' }).getByText('privat', { exact: true }).isVisible()).toBe(true);
    // The memo on the segment is listed too, with whose interview it is about.
    expect(await memos.getByText('Om et utdrag fra JS01').isVisible()).toBe(true);
    await shot('56-memos-journal');
  });

  it('builds two themes with codes, one of them in both, and moves one to reviewed', async () => {
    await page.getByRole('button', { name: 'Temaer', exact: true }).click();
    for (const name of ['Relasjonsbygging', 'Kvalitativ dimensjon']) {
      await page.getByRole('form', { name: 'Nytt tema' }).getByLabel('Navn på temaet').fill(name);
      await page.getByRole('button', { name: 'Legg til temaet' }).click();
      await expect.poll(() => page.getByRole('button', { name, exact: true }).isVisible()).toBe(true);
    }
    await page.getByRole('button', { name: 'Relasjonsbygging', exact: true }).click();
    const detail = page.locator('.code-detail');
    await detail.getByRole('checkbox', { name: /Tillit/ }).click();
    await expect.poll(() => detail.getByRole('checkbox', { name: /Tillit/ }).isChecked()).toBe(true);
    await detail.getByRole('checkbox', { name: /Holde relasjonen varm/ }).click();
    await expect.poll(() => detail.getByRole('checkbox', { name: /Holde relasjonen varm/ }).isChecked()).toBe(true);
    await detail.getByLabel('Definisjon').fill('Hvordan jobbspesialisten bygger og holder relasjonen over tid.');
    await detail.getByRole('radio', { name: 'Gjennomgått' }).check();
    await detail.getByRole('button', { name: 'Lagre', exact: true }).click();
    await expect.poll(() => page.getByText('Temaet «Relasjonsbygging» er lagret.').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Kvalitativ dimensjon', exact: true }).click();
    // A code may be in two themes.
    await detail.getByRole('checkbox', { name: /Tillit/ }).click();
    await expect.poll(() => page.getByRole('list', { name: 'Koder i «Kvalitativ dimensjon»' }).getByText('Tillit').isVisible()).toBe(true);
    // A sub-theme, under the first.
    const form = page.getByRole('form', { name: 'Nytt tema' });
    await form.getByLabel('Navn på temaet').fill('Holde kontakten');
    await form.getByLabel('Undertema av').selectOption({ label: 'Relasjonsbygging' });
    await form.getByRole('button', { name: 'Legg til temaet' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Holde kontakten', exact: true }).isVisible()).toBe(true);
    const names = await page.locator('.theme-row .theme-name').allTextContents();
    expect(names.indexOf('Holde kontakten')).toBe(names.indexOf('Relasjonsbygging') + 1);
    const row = page.locator('.theme-row').filter({ has: page.getByRole('button', { name: 'Relasjonsbygging', exact: true }) });
    expect(await row.locator('.pill').textContent()).toBe('Gjennomgått');
    expect(await row.getByText('4 utdrag i 2 intervjuer').isVisible()).toBe(true);
    await shot('57-themes');
  });

  it('shows the thematic map with every theme and code, and saves it as SVG and PNG', async () => {
    await page.getByRole('button', { name: 'Tematisk kart' }).click();
    const map = page.locator('.map-frame svg');
    await expect.poll(() => map.isVisible()).toBe(true);
    expect(await map.locator('[data-theme]').count()).toBe(3);
    expect(await map.locator('[data-code]').count()).toBe(3);
    expect(await map.locator('[data-theme] text').allTextContents()).toEqual(expect.arrayContaining(['Relasjonsbygging', 'Kvalitativ dimensjon', 'Holde kontakten']));
    await shot('58-thematic-map');

    const dir = tempDir();
    harness.saveAnswers.push(path.join(dir, 'kart.svg'), path.join(dir, 'kart.png'));
    await page.getByRole('button', { name: 'Lagre som SVG …' }).click();
    await expect.poll(() => page.getByText(`Lagret: ${path.join(dir, 'kart.svg')}`).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Lagre som PNG …' }).click();
    await expect.poll(() => page.getByText(`Lagret: ${path.join(dir, 'kart.png')}`).isVisible()).toBe(true);
    const svg = fs.readFileSync(path.join(dir, 'kart.svg'), 'utf8');
    expect(svg).toContain('Relasjonsbygging');
    expect(svg).toContain('Holde relasjonen varm');
    const png = fs.readFileSync(path.join(dir, 'kart.png'));
    expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    // Drawn at twice the SVG's size: wide enough for print.
    const width = png.readUInt32BE(16);
    expect(width).toBe(2 * Number(/width="(\d+)"/.exec(svg)![1]));
  });

  it('searches as one types without Norwegian letters, opens a hit and codes one from the results', async () => {
    await page.getByRole('button', { name: 'Søk', exact: true }).click();
    await page.getByLabel('Søk etter').fill('aase');
    await page.getByRole('search').getByRole('button', { name: 'Søk' }).click();
    await expect.poll(() => page.getByText('1 treff').isVisible()).toBe(true);
    expect(await page.locator('.retrieved mark').allTextContents()).toEqual(['Åse']);

    await page.getByLabel('Søk etter').fill('"apenhet er alt"');
    await page.getByRole('search').getByRole('button', { name: 'Søk' }).click();
    await expect.poll(() => page.locator('.retrieved mark').allTextContents()).toEqual(['åpenhet er alt']);
    await page.getByRole('button', { name: 'Kod «åpenhet er alt» …' }).click();
    await page.keyboard.type('Åpenhet');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByText('«åpenhet er alt» hos JS02 er kodet med «Åpenhet».').isVisible()).toBe(true);
    await shot('59-search');

    await page.getByRole('button', { name: /JS02, 00:14:32/ }).click();
    await expect.poll(() => page.getByRole('textbox', { name: /Transkripsjonen til JS02/ }).isVisible()).toBe(true);
    await expect.poll(() => selected()).toBe('åpenhet er alt');
    await expect.poll(() => bar('Åpenhet').count()).toBe(1);
  });

  it('exports the report only once each identifying detail is replaced or confirmed', async () => {
    await page.getByRole('button', { name: 'Rapport', exact: true }).click();
    await expect.poll(() => page.getByText('Mulige identifiserende opplysninger: 1').isVisible()).toBe(true);
    const finding = page.locator('.findings li');
    expect(await finding.locator('mark').allTextContents()).toEqual(['Ragnhild']);
    expect(await finding.getByText('Sitat: JS01').isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Skriv rapporten …' }).isDisabled()).toBe(true);
    await shot('60-report-check');

    await finding.getByRole('button', { name: 'Erstatt «Ragnhild» med [navn]' }).click();
    await expect.poll(() => page.getByText('Fant ingen mulige identifiserende opplysninger').isVisible()).toBe(true);
    const out = path.join(tempDir(), 'analyse.docx');
    harness.saveAnswers.push(out);
    await page.getByRole('button', { name: 'Skriv rapporten …' }).click();
    await expect.poll(() => page.getByText(`Lagret: ${out}`).isVisible(), { timeout: 20_000 }).toBe(true);
    const bytes = fs.readFileSync(out);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
    await shot('61-report-exported');

    // The name was replaced in the transcript itself, and the quote moved with it.
    const segments = (await harness.invoke('coding.retrieve', { of: 'code', id: await codeId('Tillit') })) as { text: string }[];
    expect(segments.map((s) => s.text)).toContain('Å holde relasjonen varm er viktig, også når det går tregt. [navn] sa det samme.');
    expect(problems).toEqual([]);
  });
});

describe('keeping the codebook and the journal', () => {
  it('exports the reflexive journal through the same check', async () => {
    await page.getByRole('button', { name: 'Memoer og logg' }).click();
    await page.getByRole('button', { name: 'Eksporter loggen …' }).click();
    await expect.poll(() => page.getByText('Fant ingen mulige identifiserende opplysninger').isVisible()).toBe(true);
    const out = path.join(tempDir(), 'logg.docx');
    harness.saveAnswers.push(out);
    await page.getByRole('button', { name: 'Skriv loggen (.docx) …' }).click();
    await expect.poll(() => page.getByText(`Lagret: ${out}`).isVisible(), { timeout: 20_000 }).toBe(true);
    expect(fs.readFileSync(out).subarray(0, 2).toString('latin1')).toBe('PK');
  });

  it('lists a segment whose text an edit deleted, for the student to decide', async () => {
    const { id } = ((await harness.invoke('transcripts.list', {})) as { id: string; code: string }[]).find((t) => t.code === 'JS02')!;
    await harness.invoke('transcripts.update', { id, text: JS02.replace(' Åse på kontoret sier at åpenhet er alt.', '') });
    await page.getByRole('button', { name: 'Analyse', exact: true }).click();
    await page.getByRole('button', { name: /^Kodebok/ }).click();
    const orphans = page.getByRole('region', { name: 'Utdrag uten tekst (1)' });
    await expect.poll(() => orphans.isVisible()).toBe(true);
    expect(await orphans.getByText('«åpenhet er alt»').isVisible()).toBe(true);
    await shot('62-codebook-orphan');
    await orphans.getByRole('button', { name: 'Slett utdraget' }).click();
    await expect.poll(() => page.getByRole('region', { name: /Utdrag uten tekst/ }).count()).toBe(0);
  });

  it('merges one code into another and deletes a code, saying how many segments go', async () => {
    await page.getByRole('button', { name: 'Holde relasjonen varm', exact: true }).click();
    await page.getByLabel('Slå «Holde relasjonen varm» sammen med').selectOption({ label: 'Tillit' });
    await page.getByRole('button', { name: 'Slå sammen', exact: true }).click();
    await expect.poll(() => page.getByText(/^«Holde relasjonen varm» er slått sammen med «Tillit»: 1 utdrag flyttet/).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Holde relasjonen varm', exact: true }).count()).toBe(0);

    await page.getByRole('button', { name: 'Tillit', exact: true }).click();
    const segments = (await harness.invoke('coding.retrieve', { of: 'code', id: await codeId('Tillit') })) as unknown[];
    await page.getByRole('button', { name: 'Slett koden «Tillit» …' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Slette koden «Tillit»? Dette kan ikke angres.' });
    await expect.poll(() => confirm.isVisible()).toBe(true);
    expect(await confirm.getByRole('listitem').filter({ hasText: 'Utdrag som slettes' }).locator('.n').textContent()).toBe(String(segments.length));
    await shot('63-codebook-delete');
    await confirm.getByRole('button', { name: `Slett koden og ${segments.length} utdrag` }).click();
    await expect.poll(() => page.getByText(`Koden «Tillit» er slettet, med ${segments.length} utdrag.`).isVisible()).toBe(true);
    await expect.poll(() => page.getByRole('button', { name: 'Tillit', exact: true }).count()).toBe(0);
    expect(problems).toEqual([]);
  });
});

async function codeId(name: string): Promise<string> {
  const o = (await harness.invoke('analysis.overview', {})) as { codes: { id: string; name: string }[] };
  return o.codes.find((c) => c.name === name)!.id;
}
