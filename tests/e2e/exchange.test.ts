/**
 * REFI-QDA exchange in Chromium, in Norwegian: export a .qdpx after accepting each
 * identifying finding one by one (the button stays disabled until then), and import a
 * .qdpx written like QualCoder's, its source assigned to a consenting participant in
 * the mapping table.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { Codebook } from '../../electron/core/services/analysis/codebook';
import { Coding } from '../../electron/core/services/analysis/coding';
import { Memos } from '../../electron/core/services/analysis/memos';
import { recordConsent } from './study';

let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];
let home: string;
const shot = (name: string): Promise<void> => screenshot(page, name);
const now = () => new Date();

const TEXT = 'I: Hvordan ble du møtt?\nB: Jeg er Kari, og jeg ble møtt med tillit 🙂 fra første dag.\n';

beforeAll(async () => {
  ({ harness, browser, page, problems, home } = await openStudy('hvelv-e2e-x-'));
  await harness.invoke('participants.add', { identity: { name: 'Kari Nordmann' } });
  await harness.invoke('participants.add', { identity: { name: 'Per Pedersen' } });
  for (const code of ['JS01', 'JS02']) {
    await recordConsent(harness, code);
  }
  const t = (await harness.invoke('transcripts.create', { code: 'JS01', recordingId: null })) as { id: string };
  await harness.invoke('transcripts.update', { id: t.id, text: TEXT });
  // The analysis screens are another branch's: the codes are made through core here.
  const s = harness.sessions.require();
  const code = new Codebook(s, now).add({ name: 'Tillit', definition: 'Når tillit nevnes', color: '#2ca02c' });
  new Coding(s, now).apply(t.id, { quote: 'møtt med tillit 🙂' }, [code.id]);
  new Memos(s, now).add({ target: { kind: 'project' }, text: 'Privat refleksjon', private: true });
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('REFI-QDA exchange screen', () => {
  it('exports a .qdpx only once every finding is accepted, one by one', async () => {
    await page.getByRole('button', { name: 'Utveksling' }).click();
    await page.getByRole('button', { name: 'Gå gjennom før eksport' }).click();
    await expect.poll(() => page.getByText(/Kontrollen fant (1 mulig identifiserende opplysning|(?!1 )\d+ mulige identifiserende opplysninger)\./).isVisible()).toBe(true);
    expect(await page.getByText('1 privat notat blir ikke med.').isVisible()).toBe(true);
    const write = page.getByRole('button', { name: 'Eksporter .qdpx …' });
    expect(await write.isDisabled()).toBe(true);
    await shot('70-exchange-export-findings');
    const boxes = page.locator('.findings').getByRole('checkbox');
    const n = await boxes.count();
    expect(n).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) {
      expect(await write.isDisabled()).toBe(true);
      await boxes.nth(i).check();
    }
    expect(await write.isEnabled()).toBe(true);
    const out = path.join(home, 'studie.qdpx');
    harness.saveAnswers.push(out);
    await write.click();
    await expect.poll(() => page.getByText('Skrev studie.qdpx.').isVisible()).toBe(true);
    await shot('71-exchange-exported');
    const files = unzipSync(fs.readFileSync(out));
    const xml = strFromU8(files['project.qde']!);
    expect(xml).toContain('name="Tillit"');
    expect(xml).not.toContain('Privat refleksjon');
    expect(problems).toEqual([]);
  });

  it('imports a .qdpx with its mapping: the chosen source becomes the participant’s transcript, the other is left out', async () => {
    const g = (n: number) => `${String(n).repeat(8)}-1111-4111-8111-111111111111`;
    const text = 'I: Fortell.\r\nB: Jobben ga meg struktur.\r\n';
    const start = Array.from(text.slice(0, text.indexOf('struktur'))).length;
    const xml = `<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="fra QualCoder" origin="QualCoder 3.5">
<CodeBook><Codes><Code guid="${g(1)}" name="Struktur" isCodable="true" color="#ff7f0e"/></Codes></CodeBook>
<Sources><TextSource guid="${g(2)}" name="Intervju A" plainTextPath="internal://${g(2)}.txt"><PlainTextSelection guid="${g(3)}" name="struktur" startPosition="${start}" endPosition="${start + 8}"><Coding guid="${g(4)}"><CodeRef targetGUID="${g(1)}"/></Coding></PlainTextSelection></TextSource>
<TextSource guid="${g(5)}" name="Intervju B"><PlainTextContent>Noe annet.</PlainTextContent></TextSource></Sources></Project>`;
    const file = path.join(home, 'fra-qualcoder.qdpx');
    fs.writeFileSync(file, zipSync({ 'project.qde': strToU8(xml), [`sources/${g(2)}.txt`]: strToU8(text) }));
    harness.fileAnswers.push(file);
    await page.getByRole('button', { name: 'Velg .qdpx- eller .qdc-fil …' }).click();
    await expect.poll(() => page.getByText('2 kilder, 1 kode og 0 notater (fra QualCoder 3.5).').isVisible()).toBe(true);
    await page.getByLabel('Deltaker for Intervju A').selectOption('JS02');
    await shot('72-exchange-import-mapping');
    await page.getByRole('button', { name: 'Importer', exact: true }).click();
    await expect.poll(() => page.getByText(/Intervju A → JS02: 1 kodet utdrag/).isVisible()).toBe(true);
    expect(await page.getByText('Ikke importert (ingen deltaker valgt): Intervju B').isVisible()).toBe(true);
    await shot('73-exchange-imported');
    const list = (await harness.invoke('transcripts.list', {})) as { id: string; code: string }[];
    const mine = list.find((t) => t.code === 'JS02')!;
    const stored = (await harness.invoke('transcripts.get', { id: mine.id })) as { text: string };
    expect(stored.text).toBe(text.replace(/\r\n/g, '\n'));
    const seg = new Coding(harness.sessions.require(), now).forTranscript(mine.id);
    expect(seg.map((s) => s.text)).toEqual(['struktur']);
    expect(problems).toEqual([]);
  });

  it('imports a .qdc codebook from the screen: grouping codes stay grouping codes', async () => {
    const g = (n: number) => `${String(n).repeat(8)}-2222-4222-8222-222222222222`;
    const file = path.join(home, 'kodebok.qdc');
    fs.writeFileSync(
      file,
      `<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo 14"><Codes><Code guid="${g(1)}" name="Hverdagen" isCodable="false"><Code guid="${g(2)}" name="Rutiner" isCodable="true" color="#1f77b4"/></Code></Codes></CodeBook>`,
    );
    harness.fileAnswers.push(file);
    await page.getByRole('button', { name: 'Velg .qdpx- eller .qdc-fil …' }).click();
    await expect.poll(() => page.getByText(/En kodebok med 2 koder og 0 sett \(fra NVivo 14\)/).isVisible()).toBe(true);
    await shot('74-exchange-import-codebook');
    await page.getByRole('button', { name: 'Importer kodeboken' }).click();
    await expect.poll(() => page.getByText('Koder: 2 nye, 0 fantes fra før. 0 notater, 0 temaer.').isVisible()).toBe(true);
    const book = new Codebook(harness.sessions.require(), now);
    expect(book.resolve('Hverdagen').codable).toBe(false);
    expect(book.resolve('Rutiner').parentId).toBe(book.resolve('Hverdagen').id);
    // The codebook marks the grouping code, so the student knows why it takes no text.
    await page.getByRole('button', { name: 'Analyse' }).click();
    await page.getByRole('button', { name: /^Kodebok/ }).click();
    const row = page.locator('tr', { has: page.getByRole('button', { name: 'Hverdagen', exact: true }) });
    await expect.poll(() => row.getByText('gruppe', { exact: true }).isVisible()).toBe(true);
    expect(await page.locator('tr', { has: page.getByRole('button', { name: 'Rutiner', exact: true }) }).getByText('gruppe', { exact: true }).count()).toBe(0);
    await shot('76-codebook-grouping-code');
    expect(problems).toEqual([]);
  });

  it('exports from the analysis screen too', async () => {
    await page.getByRole('button', { name: 'Analyse' }).click();
    await page.getByRole('button', { name: 'Eksport til NVivo m.fl.' }).click();
    await page.getByRole('button', { name: 'Gå gjennom før eksport' }).click();
    await expect.poll(() => page.getByText(/Kontrollen fant (1 mulig identifiserende opplysning|(?!1 )\d+ mulige identifiserende opplysninger)\./).isVisible()).toBe(true);
    await shot('75-analysis-exchange-tab');
    const boxes = page.locator('.findings').getByRole('checkbox');
    for (let i = 0, n = await boxes.count(); i < n; i++) await boxes.nth(i).check();
    const out = path.join(home, 'fra-analysen.qdpx');
    harness.saveAnswers.push(out);
    await page.getByRole('button', { name: 'Eksporter .qdpx …' }).click();
    await expect.poll(() => page.getByText('Skrev fra-analysen.qdpx.').isVisible()).toBe(true);
    const xml = strFromU8(unzipSync(fs.readFileSync(out))['project.qde']!);
    expect(xml).toMatch(/name="Hverdagen" isCodable="false"/);
    expect(problems).toEqual([]);
  });
});
