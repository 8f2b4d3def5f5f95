/**
 * Issue 14's rule in the app, in Norwegian: what an import did not bring in as it was is
 * said to the student where they land, as the CLI says it. A transcript's cues without a
 * usable time (their text is there, without a timestamp) and a .docx's footnotes and
 * comments, on the transcript's view, in a status region that stays until dismissed or
 * left; nothing after a clean import. A .qdpx's selections, notes and elements left out,
 * on the exchange screen's result.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { tempDir } from '../core/helpers';
import { zipOf } from '../zip';
import { recordConsent } from './study';

let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];

const TITLE = 'Transkripsjonen er importert, men ikke alt kom med slik det sto i filen:';
const notice = () => page.getByRole('status').filter({ hasText: TITLE });

beforeAll(async () => {
  ({ harness, browser, page, problems } = await openStudy('hvelv-e2e-imp-'));
  for (const name of ['Kari Nordmann', 'Per Pedersen', 'Siri Solberg']) await harness.invoke('participants.add', { identity: { name } });
  for (const code of ['JS01', 'JS02', 'JS03']) {
    await recordConsent(harness, code);
  }
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

async function importFor(code: string, file: string): Promise<void> {
  await page.getByRole('button', { name: 'Opptak', exact: true }).click();
  harness.fileAnswers.push(file);
  await page.getByRole('button', { name: `Legg inn transkripsjon … (${code})` }).click();
  await expect.poll(() => page.getByRole('heading', { name: code, exact: true }).isVisible()).toBe(true);
}

async function storedText(code: string): Promise<string> {
  const list = (await harness.invoke('transcripts.list', {})) as { id: string; code: string }[];
  const mine = list.find((t) => t.code === code)!;
  return ((await harness.invoke('transcripts.get', { id: mine.id })) as { text: string }).text;
}

describe('the transcript view says what an import left out', () => {
  it('an .srt with a garbage timing line and times running backwards: the notice says 2, and both cues’ text is there', async () => {
    const file = path.join(tempDir(), 'JS01-intervju.srt');
    fs.writeFileSync(
      file,
      [
        '1',
        '00:00:01,000 --> 00:00:03,000',
        'I: Fortell om den første dagen.',
        '',
        '2',
        '00:00:0x,000 --> tull',
        'B: Jeg var spent, men ble tatt godt imot.',
        '',
        '3',
        '00:00:09,000 --> 00:00:05,000',
        'I: Og etterpå?',
        '',
      ].join('\n'),
    );
    await importFor('JS01', file);
    await expect.poll(() => notice().isVisible()).toBe(true);
    expect(await notice().textContent()).toContain('Replikker uten brukbar tid: 2. Teksten deres er med nedenfor, men uten tidsstempel');
    // Not a .docx: nothing said about notes or comments.
    expect(await notice().textContent()).not.toContain('.docx');
    const shown = page.locator('.transcript');
    for (const said of ['I: Fortell om den første dagen.', 'B: Jeg var spent, men ble tatt godt imot.', 'I: Og etterpå?']) expect(await shown.textContent()).toContain(said);
    expect(await storedText('JS01')).toBe('#00:00:01-0# I: Fortell om den første dagen.\nB: Jeg var spent, men ble tatt godt imot.\nI: Og etterpå?\n');
    await screenshot(page, 'imp-01-srt-untimed-cues');
    // It stays while the student works on the view: "Lagret." comes beside it, not instead.
    await page.getByRole('button', { name: 'Merk som ferdig' }).click();
    await expect.poll(() => page.getByText('Lagret.').isVisible()).toBe(true);
    expect(await notice().isVisible()).toBe(true);
    // Until dismissed.
    await page.getByRole('button', { name: 'Lukk meldingen om importen' }).click();
    expect(await notice().count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('the notice is not there again when the transcript is opened later', async () => {
    await page.getByRole('button', { name: '← Opptak og transkripsjoner' }).click();
    await page.getByRole('button', { name: 'Transkripsjon: Åpne transkripsjonen til JS01' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'JS01', exact: true }).isVisible()).toBe(true);
    await expect.poll(() => page.locator('.transcript').textContent()).toContain('I: Og etterpå?');
    expect(await notice().count()).toBe(0);
  });

  it('a .docx with a footnote and a comment: the notice names them, and the body text is all there', async () => {
    const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
    const para = (t: string): string => `<w:p><w:r><w:t xml:space="preserve">${t}</w:t></w:r></w:p>`;
    const part = (name: string, xml: string) => ({ name, data: Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${xml}`) });
    const file = path.join(tempDir(), 'JS02-intervju.docx');
    fs.writeFileSync(
      file,
      zipOf([
        part('word/document.xml', `<w:document ${W}><w:body>${para('I: Hvordan begynte det?')}${para('B: Med en telefon fra NAV.')}</w:body></w:document>`),
        // Word's separator note holds no words: only the real footnote is counted.
        part('word/footnotes.xml', `<w:footnotes ${W}><w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote><w:footnote w:id="1">${para('Hun mente kontoret i Sauda.')}</w:footnote></w:footnotes>`),
        part('word/comments.xml', `<w:comments ${W}><w:comment w:id="0" w:author="Transkribent">${para('Usikker hørsel her.')}</w:comment></w:comments>`),
      ]),
    );
    await importFor('JS02', file);
    await expect.poll(() => notice().isVisible()).toBe(true);
    const said = await notice().textContent();
    expect(said).toContain('Ikke importert fra .docx-filen (bare brødteksten er med): fotnoter: 1, kommentarer: 1.');
    expect(said).not.toContain('Replikker uten brukbar tid');
    expect(said).not.toMatch(/sluttnoter|topptekster|bunntekster/);
    expect(await storedText('JS02')).toBe('I: Hvordan begynte det?\nB: Med en telefon fra NAV.\n');
    expect(await page.locator('.transcript').textContent()).toContain('B: Med en telefon fra NAV.');
    await screenshot(page, 'imp-02-docx-footnote-comment');
    expect(problems).toEqual([]);
  });

  it('a clean .srt: no notice', async () => {
    const file = path.join(tempDir(), 'JS03-intervju.srt');
    fs.writeFileSync(file, '1\n00:00:01,000 --> 00:00:02,500\nI: Velkommen.\n\n2\n00:00:03,000 --> 00:00:06,000\nB: Takk.\n');
    await importFor('JS03', file);
    await expect.poll(() => page.locator('.transcript').textContent()).toContain('B: Takk.');
    expect(await notice().count()).toBe(0);
    expect(await page.locator('.import-notice').count()).toBe(0);
    expect(await storedText('JS03')).toBe('#00:00:01-0# I: Velkommen.\n#00:00:03-0# B: Takk.\n');
    await screenshot(page, 'imp-03-srt-clean');
    expect(problems).toEqual([]);
  });
});

describe('the exchange screen says what a .qdpx import left out', () => {
  it('selections without a code or empty, notes of a source not imported, a picture and a graph, an unreadable text: each said', async () => {
    const g = (n: number) => `${String(n).repeat(8)}-3333-4333-8333-333333333333`;
    const xml = `<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="fra MAXQDA" origin="MAXQDA 24">
<CodeBook><Codes><Code guid="${g(1)}" name="Mestring" isCodable="true"/></Codes></CodeBook>
<Sources>
<TextSource guid="${g(2)}" name="Intervju C"><PlainTextContent>B: Jeg klarte det til slutt.</PlainTextContent>
<PlainTextSelection guid="${g(3)}" startPosition="3" endPosition="15"><Coding guid="${g(4)}"><CodeRef targetGUID="${g(1)}"/></Coding></PlainTextSelection>
<PlainTextSelection guid="${g(5)}" startPosition="16" endPosition="28"><Description>Parafrase</Description></PlainTextSelection>
<PlainTextSelection guid="${g(6)}" startPosition="5" endPosition="5"><Coding guid="${g(7)}"><CodeRef targetGUID="${g(1)}"/></Coding></PlainTextSelection>
</TextSource>
<TextSource guid="${g(8)}" name="Intervju D"><PlainTextContent>Noe annet.</PlainTextContent><NoteRef targetGUID="${g(9)}"/></TextSource>
<TextSource guid="${g(0)}" name="Intervju E" plainTextPath="internal://mangler.txt"/>
<PictureSource guid="${'a'.repeat(8)}-3333-4333-8333-333333333333" name="Bilde" path="internal://bilde.png"/>
</Sources>
<Notes><Note guid="${g(9)}" name="Om D"><PlainTextContent>Bare om D.</PlainTextContent></Note></Notes>
<Graphs><Graph guid="${'b'.repeat(8)}-3333-4333-8333-333333333333" name="Kart"/></Graphs>
</Project>`;
    const file = path.join(tempDir(), 'fra-maxqda.qdpx');
    fs.writeFileSync(file, zipSync({ 'project.qde': strToU8(xml) }));
    await page.getByRole('button', { name: 'Utveksling' }).click();
    harness.fileAnswers.push(file);
    await page.getByRole('button', { name: 'Velg .qdpx- eller .qdc-fil …' }).click();
    await page.getByLabel('Deltaker for Intervju C').selectOption('JS03');
    await page.getByRole('button', { name: 'Importer', exact: true }).click();
    await expect.poll(() => page.getByText(/Intervju C → JS03: 1 kodet utdrag/).isVisible()).toBe(true);
    const result = page.getByRole('status').filter({ hasText: 'Intervju C → JS03' });
    const said = await result.textContent();
    expect(said).toContain('Ikke importert (ingen deltaker valgt): Intervju D');
    expect(said).toContain('Ikke importert (teksten kunne ikke leses): Intervju E');
    expect(said).toContain('1 utdrag uten kode ble lagret som notat på transkripsjonen.');
    expect(said).toContain('1 utdrag lå utenfor teksten eller var tomt og ble ikke importert.');
    expect(said).toContain('1 notat hørte bare til kilder som ikke ble importert.');
    expect(said).toMatch(/Ikke støttet, ikke importert: (PictureSource × 1, Graph × 1|Graph × 1, PictureSource × 1)\./);
    await screenshot(page, 'imp-04-qdpx-left-out');
    expect(problems).toEqual([]);
  });
});
