/**
 * The supervisor (issue 10) in Chromium, in Norwegian, both sides on their own machines
 * (two harnesses, two homes): the supervisor makes their folder and sends the key; the
 * student adds them (a typo in the key is caught, the fingerprint compared), makes a
 * share after accepting each identifying finding; the supervisor opens it, reads a coded
 * transcript, comments on a segment and exports the feedback; the student imports it and
 * sees the comment, marked as the supervisor's, replies and marks it resolved.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newPage, openStudy, screenshot, startHarness, type Harness } from './harness';
import { axeViolations } from './axe';
import { Codebook } from '../../electron/core/services/analysis/codebook';
import { Coding } from '../../electron/core/services/analysis/coding';
import { Memos } from '../../electron/core/services/analysis/memos';

const TITLE = 'Relasjonsarbeid i arbeidsinkluderingsprosesser';
const TEXT = '#00:00:05-2# I: Hvordan ble du møtt?\n#00:00:09-0# B: Jeg er Kari, og jeg ble møtt med tillit fra første dag.\n#00:00:21-4# I: Og senere?\n';
const SUPERVISOR_PASSPHRASE = 'veilederen har sin egen lange frase';

let student: Harness;
let supervisor: Harness;
let browser: Browser;
let page: Page;
let supPage: Page;
let problems: string[];
let supProblems: string[];
let home: string;
let supHome: string;
const now = () => new Date();

beforeAll(async () => {
  ({ harness: student, browser, page, problems, home } = await openStudy('hvelv-e2e-sup-'));
  await student.invoke('participants.add', { identity: { name: 'Kari Nordmann' } });
  await student.invoke('consent.record', { code: 'JS01', date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
  const t = (await student.invoke('transcripts.create', { code: 'JS01', recordingId: null })) as { id: string };
  await student.invoke('transcripts.update', { id: t.id, text: TEXT });
  const s = student.sessions.require();
  const code = new Codebook(s, now).add({ name: 'Tillit', definition: 'Når tillit nevnes', color: '#2ca02c' });
  new Coding(s, now).apply(t.id, { quote: 'møtt med tillit' }, [code.id]);
  new Memos(s, now).add({ target: { kind: 'project' }, text: 'Privat refleksjon', private: true });
  new Memos(s, now).add({ target: { kind: 'code', id: code.id }, text: 'Tillit kommer tidlig i samtalen.', private: false });
  // The supervisor's own machine: another home, another harness, the same browser.
  supHome = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-e2e-supv-'));
  supervisor = await startHarness({ home: supHome, locale: 'nb-NO' });
  ({ page: supPage, problems: supProblems } = await newPage(browser, 860));
  await page.goto(student.url);
  await supPage.goto(supervisor.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await student?.close();
  await supervisor?.close();
  for (const d of [home, supHome]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

/** The analysis screens' controls that change something (their nb labels): none is in the supervisor's reader, not even disabled. */
async function expectNoAnalysisControls(): Promise<void> {
  for (const name of [/^Fjern koden/, /^Ny kode/, /^Legg til koden/, /^Slå sammen/, /^Slett (koden|temaet)/, /^Rediger/, /^Flytt under/, /^Nytt tema/, /^Ny memo/, /^Nytt innlegg/]) {
    expect(await supPage.getByRole('button', { name }).count()).toBe(0);
  }
}

describe('the supervisor, both sides', () => {
  let key = '';
  let fingerprint = '';
  const sharePath = () => path.join(home, 'ut', `${TITLE}.hvelvshare`);
  const feedbackPath = () => path.join(supHome, 'tilbakemelding.hvelvfeedback');

  it('the supervisor makes their folder and sees the key to send and the fingerprint to read aloud', async () => {
    await supPage.getByRole('button', { name: 'Jeg er veileder' }).click();
    await supPage.getByRole('heading', { name: 'Ny veiledermappe' }).waitFor();
    await screenshot(supPage, '80-sup-new-folder');
    await supPage.getByLabel('Passordfrase', { exact: true }).fill(SUPERVISOR_PASSPHRASE);
    await supPage.getByLabel('Gjenta passordfrasen').fill(SUPERVISOR_PASSPHRASE);
    await supPage.getByRole('button', { name: 'Lag veiledermappen' }).click();
    await supPage.getByRole('heading', { name: 'Din veiledernøkkel' }).waitFor();
    key = await supPage.getByLabel('Veiledernøkkel').inputValue();
    expect(key).toMatch(/^hvelv-sup1-/);
    fingerprint = (await supPage.locator('.sup-fingerprint .group').allTextContents()).join('-');
    expect(fingerprint).toMatch(/^[A-Z0-9]{4}(-[A-Z0-9]{4})+$/);
    await screenshot(supPage, '81-sup-key');
    // Headings in order (issue 29: the fingerprint's h3 came straight after the page's h1).
    expect((await axeViolations(supPage)).map((v) => v.id)).not.toContain('heading-order');
    // The folder holds the supervisor's keys, under their passphrase: nothing of the key text in clear but the public key.
    expect(supProblems).toEqual([]);
  });

  it('the student adds the supervisor: a typo is caught, the fingerprint matches, the never-shared list is plain', async () => {
    await page.getByRole('button', { name: 'Veileder', exact: true }).click();
    await page.getByRole('heading', { name: 'Veileder', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Legg til veileder' }).click();
    // One character changed, as when the key is typed off the e-mail: the checksum says so.
    const at = key.length - 3;
    // The key is read without regard to case, so the change is to another character, not another case.
    const typo = key.slice(0, at) + (key[at]!.toUpperCase() === '7' ? '8' : '7') + key.slice(at + 1);
    await page.getByLabel('Veiledernøkkel').fill(typo);
    await page.getByRole('button', { name: 'Kontroller nøkkelen' }).click();
    await expect.poll(() => page.getByText(/Veiledernøkkelen har en skrivefeil/).isVisible()).toBe(true);
    await screenshot(page, '82-sup-student-key-typo');
    await page.getByLabel('Veiledernøkkel').fill(key);
    await page.getByRole('button', { name: 'Kontroller nøkkelen' }).click();
    await page.locator('.sup-add .sup-fingerprint').waitFor();
    expect((await page.locator('.sup-add .sup-fingerprint .group').allTextContents()).join('-')).toBe(fingerprint);
    const add = page.getByRole('button', { name: 'Legg til veilederen' });
    expect(await add.isDisabled()).toBe(true);
    await page.getByLabel('Fingeravtrykket er likt det veilederen leste opp').check();
    await page.getByLabel(/Navn på rollen/).fill('Hovedveileder');
    await page.locator('.sup-add').getByLabel('Lydopptak', { exact: true }).check();
    await expect.poll(() => page.getByText(/En stemme identifiserer en person/).isVisible()).toBe(true);
    await page.locator('.sup-add').getByLabel('Lydopptak', { exact: true }).uncheck();
    await expect.poll(() => page.getByText(/Aldri med: koblingsnøkkelen/).isVisible()).toBe(true);
    // At latest the project end: a later date is refused on the spot.
    const until = page.getByLabel('Tilgangen slutter');
    expect(await until.inputValue()).toBe('30.05.2031');
    await until.fill('01.06.2031');
    await until.blur();
    await expect.poll(() => add.isDisabled()).toBe(true);
    await until.fill('31.12.2030');
    await until.blur();
    await screenshot(page, '83-sup-student-add');
    await add.click();
    await expect.poll(() => page.getByText('Hovedveileder er lagt til, med tilgang som slutter 31. desember 2030.').isVisible()).toBe(true);
    await expect.poll(() => page.getByText(`Fingeravtrykk ${fingerprint}. Tilgangen slutter 31. desember 2030.`).isVisible()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('the student makes a share only once every finding is accepted', async () => {
    await page.getByRole('button', { name: 'Lag deling til Hovedveileder …' }).click();
    await expect.poll(() => page.getByText(/Versjon 1, tilgangen slutter 31. desember 2030/).isVisible()).toBe(true);
    const write = page.getByRole('button', { name: 'Lagre delingen (.hvelvshare) …' });
    // "Kari" is in the key list: the check finds it in the transcript.
    await expect.poll(() => page.getByText(/Kontrollen fant (1 mulig identifiserende opplysning|(?!1 )\d+ mulige identifiserende opplysninger)\./).isVisible()).toBe(true);
    expect(await write.isDisabled()).toBe(true);
    await expect.poll(() => page.getByText('1 privat notat blir ikke med.').isVisible()).toBe(true);
    // What goes of the participants' data, in the withdrawal receipt's words, and what never does.
    const holdings = page.locator('.share-holdings');
    expect(await holdings.locator('dd').first().textContent()).toBe('Transkripsjoner (1), Kodede tekstutdrag (1)');
    expect(await holdings.locator('dd').nth(1).textContent()).toContain('Navn og kontaktopplysninger, Samtykke');
    expect(await holdings.locator('dd').nth(1).textContent()).toContain('Lydopptak');
    await screenshot(page, '84-sup-student-share-findings');
    const boxes = page.locator('.sup-share-plan .findings').getByRole('checkbox');
    const n = await boxes.count();
    expect(n).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) await boxes.nth(i).check();
    expect(await write.isEnabled()).toBe(true);
    fs.mkdirSync(path.dirname(sharePath()), { recursive: true });
    student.saveAnswers.push(sharePath());
    await write.click();
    await expect.poll(() => page.getByText(/Delingen er lagret: .*\.hvelvshare \(versjon 1\)/).isVisible()).toBe(true);
    expect(fs.existsSync(sharePath())).toBe(true);
    // What the share file holds is sealed: no name, no text in clear.
    const bytes = fs.readFileSync(sharePath());
    for (const clear of ['Kari', 'Nordmann', 'tillit fra første dag', 'Privat refleksjon']) expect(bytes.includes(Buffer.from(clear))).toBe(false);
    await screenshot(page, '85-sup-student-share-made');
    expect(problems).toEqual([]);
  });

  it('the supervisor opens the share, reads the coded transcript with its timestamps and comments on the segment', async () => {
    await supPage.getByRole('button', { name: 'Videre til delingene' }).click();
    supervisor.fileAnswers.push(sharePath());
    await supPage.getByRole('button', { name: 'Åpne en deling …' }).click();
    await expect.poll(() => supPage.getByText(`Åpnet versjon 1 av «${TITLE}», tilgangen slutter 31. desember 2030.`).isVisible()).toBe(true);
    await screenshot(supPage, '86-sup-shares');
    await supPage.getByRole('button', { name: `Les «${TITLE}»` }).click();
    await expect.poll(() => supPage.getByText(/Tilgangen slutter 31. desember 2030. Den dagen slettes kopien av seg selv./).isVisible()).toBe(true);
    await supPage.getByRole('button', { name: 'Les intervju JS01' }).click();
    const text = supPage.getByLabel('Teksten i intervju JS01');
    await text.waitFor();
    // The name the student accepted is the student's call; the text reads as the student left it.
    expect(await text.textContent()).toBe(TEXT);
    expect(await supPage.locator('mark.coded').textContent()).toBe('møtt med tillit');
    await expect.poll(() => supPage.locator('.sup-segment').getByText('ved 00:00:09').isVisible()).toBe(true);
    // Read-only: nothing in the reader codes, edits, renames or deletes the student's analysis.
    await expectNoAnalysisControls();
    await supPage.getByRole('button', { name: 'Kommenter utdraget i JS01' }).click();
    await supPage.getByLabel('Kommentar til utdraget i JS01').fill('Fint eksempel på tillit tidlig i forløpet. Se også intervju 3?');
    await supPage.getByRole('button', { name: 'Lagre kommentaren' }).click();
    await expect.poll(() => supPage.getByText('Fint eksempel på tillit tidlig i forløpet. Se også intervju 3?').isVisible()).toBe(true);
    await screenshot(supPage, '87-sup-read-transcript');
    await supPage.getByRole('button', { name: 'Kodebok' }).click();
    await supPage.getByRole('heading', { name: /Tillit/ }).waitFor();
    await expectNoAnalysisControls();
    await supPage.getByRole('button', { name: 'Kommenter koden «Tillit»' }).click();
    await supPage.getByLabel('Kommentar til koden «Tillit»').fill('Definisjonen kan skille tillit fra trygghet.');
    await supPage.getByRole('button', { name: 'Lagre kommentaren' }).click();
    await expect.poll(() => supPage.getByText('Definisjonen kan skille tillit fra trygghet.').isVisible()).toBe(true);
    await supPage.getByRole('button', { name: 'Temaer' }).click();
    await expectNoAnalysisControls();
    await supPage.getByRole('button', { name: 'Mine kommentarer' }).click();
    // The list quotes the passage a comment is about (issue 29).
    await expect.poll(() => supPage.getByText('«møtt med tillit»', { exact: true }).isVisible()).toBe(true);
    supervisor.saveAnswers.push(feedbackPath());
    await supPage.getByRole('button', { name: 'Lagre tilbakemeldingsfil …' }).click();
    await expect.poll(() => supPage.getByText(/Tilbakemeldingen er lagret/).isVisible()).toBe(true);
    expect(fs.existsSync(feedbackPath())).toBe(true);
    await screenshot(supPage, '88-sup-feedback-exported');
    expect(supProblems).toEqual([]);
  });

  it('the student imports the feedback and sees the comment as the supervisor’s, replies and marks it resolved', async () => {
    student.fileAnswers.push(feedbackPath());
    await page.getByRole('button', { name: 'Importer tilbakemeldingsfil …' }).click();
    await expect.poll(() => page.getByText(/Importerte 2 nye av 2 kommentarer fra Hovedveileder/).isVisible()).toBe(true);
    const comment = page.getByRole('article', { name: 'Om utdraget i JS01' });
    await expect.poll(() => comment.getByText('Fint eksempel på tillit tidlig i forløpet. Se også intervju 3?').isVisible()).toBe(true);
    await expect.poll(() => comment.getByText(new RegExp(`Veilederens kommentar \\(${fingerprint}\\)`)).isVisible()).toBe(true);
    // The imported comment quotes its passage; the coding view marks the passage, and a click shows the comment beside (issue 29).
    expect(await comment.getByText('«møtt med tillit»', { exact: true }).isVisible()).toBe(true);
    await screenshot(page, 'walk-b-13-supervision-comment-excerpt');
    // One click from the comment to its words in the interview, selected, with the comment beside.
    await comment.getByRole('button', { name: 'Åpne utdraget i intervjuet med JS01' }).click();
    await page.getByRole('textbox', { name: /Transkripsjonen til JS01/ }).waitFor();
    await expect.poll(() => page.evaluate('String(window.getSelection())')).toBe('møtt med tillit');
    await expect.poll(() => page.getByRole('complementary').getByText('Fint eksempel på tillit tidlig i forløpet. Se også intervju 3?').isVisible()).toBe(true);
    await screenshot(page, 'walk-b-15-comment-opens-passage');
    await page.getByRole('button', { name: 'Analyse', exact: true }).click();
    await page.getByRole('button', { name: 'Kod intervjuet med JS01' }).click();
    const mark = page.getByRole('button', { name: /^Åpen kommentar fra veileder om «/ });
    await expect.poll(() => mark.count()).toBe(1);
    await mark.click();
    await expect.poll(() => page.getByRole('complementary').getByText('Fint eksempel på tillit tidlig i forløpet. Se også intervju 3?').isVisible()).toBe(true);
    await screenshot(page, 'walk-b-12-coding-open-comment');
    await page.getByRole('button', { name: 'Veileder', exact: true }).click();
    await comment.getByRole('button', { name: 'Svar' }).click();
    await comment.getByLabel('Ditt svar').fill('Takk, jeg ser på intervju 3.');
    await comment.getByRole('button', { name: 'Lagre svaret' }).click();
    await expect.poll(() => comment.getByText('Takk, jeg ser på intervju 3.').isVisible()).toBe(true);
    await comment.getByLabel('Løst').check();
    await expect.poll(() => comment.getByLabel('Løst').isChecked()).toBe(true);
    await screenshot(page, '89-sup-student-feedback-settings');
    // Resolved: no longer marked in the text.
    await page.getByRole('button', { name: 'Analyse', exact: true }).click();
    await page.getByRole('button', { name: 'Kod intervjuet med JS01' }).click();
    await page.getByRole('textbox', { name: /Transkripsjonen til JS01/ }).waitFor();
    expect(await mark.count()).toBe(0);
    await page.getByRole('button', { name: 'Veileder', exact: true }).click();
    const list = (await student.invoke('feedback.list', {})) as { resolved: boolean; replies: { text: string }[] }[];
    expect(list).toHaveLength(2);
    const replied = list.filter((c) => c.resolved);
    expect(replied).toHaveLength(1);
    expect(replied[0]!.replies.map((r) => r.text)).toEqual(['Takk, jeg ser på intervju 3.']);
    expect(problems).toEqual([]);
  });

  it('the student sees the comment on a code beside the code in the analysis codebook', async () => {
    await page.getByRole('button', { name: 'Analyse' }).click();
    await page.getByRole('button', { name: 'Kodebok' }).click();
    await page.getByRole('button', { name: 'Tillit', exact: true }).click();
    const beside = page.locator('.code-detail').getByRole('article', { name: 'Om koden «Tillit»' });
    await expect.poll(() => beside.getByText('Definisjonen kan skille tillit fra trygghet.').isVisible()).toBe(true);
    await expect.poll(() => beside.getByText(new RegExp(`Veilederens kommentar \\(${fingerprint}\\)`)).isVisible()).toBe(true);
    await screenshot(page, '89-sup-student-feedback-in-codebook');
    expect(problems).toEqual([]);
  });

  it('after a withdrawal the receipt says the supervisor holds a copy, a new share is made at once, and the supervisor’s copy drops the participant', async () => {
    await page.getByRole('button', { name: 'Deltakere' }).click();
    await page.getByRole('button', { name: 'Åpne JS01' }).click();
    await page.getByRole('button', { name: 'Trekk samtykke …' }).click();
    const dialog = page.getByRole('dialog', { name: 'Trekk samtykke for JS01' });
    await dialog.getByLabel('Skriv koden JS01 for å bekrefte').fill('JS01');
    await dialog.getByRole('button', { name: 'Slett alt om JS01' }).click();
    await page.getByRole('heading', { name: 'Kvittering for tilbaketrukket samtykke' }).waitFor();
    await expect.poll(() => page.getByRole('heading', { name: 'En veileder har en kopi med denne deltakerens data' }).isVisible()).toBe(true);
    await expect.poll(() => page.getByText(`Hovedveileder (${fingerprint}) har en kopi (versjon 1) med denne deltakerens data.`).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Lag ny deling til Hovedveileder nå' }).click();
    await expect.poll(() => page.getByText('Trukket ut (veilederens kopi sletter dem): JS01').isVisible()).toBe(true);
    const boxes = page.locator('.sup-copies .findings').getByRole('checkbox');
    for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
    const second = path.join(home, 'ut', 'versjon-2.hvelvshare');
    student.saveAnswers.push(second);
    await page.getByRole('button', { name: 'Lagre delingen (.hvelvshare) …' }).click();
    await expect.poll(() => page.getByText(/Delingen er lagret: .* \(versjon 2\)/).isVisible()).toBe(true);
    await screenshot(page, '89-sup-withdrawal-new-share');
    await supPage.getByRole('button', { name: 'Tilbake til delingene' }).click();
    supervisor.fileAnswers.push(second);
    await supPage.getByRole('button', { name: 'Åpne en deling …' }).click();
    await expect.poll(() => supPage.getByText(/Åpnet versjon 2 av/).isVisible()).toBe(true);
    await expect.poll(() => supPage.getByText(/^0 transkripsjoner/).isVisible()).toBe(true);
    expect(problems).toEqual([]);
    expect(supProblems).toEqual([]);
  });
});
