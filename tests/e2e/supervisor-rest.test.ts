/**
 * The supervisor (issue 10), what the attack review left, in Chromium, in Norwegian: the
 * report in the reader (codebook, themes, quotes cited "(JS01, 00:00:09)"); a comment on a
 * memo, shown beside the memo on both sides; the student replacing a flagged phone number in
 * a comment and deleting a comment; feedback from a supervisor since removed, marked so.
 * Both sides set up through the handlers; the screens changed are walked and shot.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newPage, openStudy, screenshot, startHarness, type Harness } from './harness';
import { Codebook } from '../../electron/core/services/analysis/codebook';
import { Coding } from '../../electron/core/services/analysis/coding';
import { Memos } from '../../electron/core/services/analysis/memos';
import { Themes } from '../../electron/core/services/analysis/themes';

const TITLE = 'Relasjonsarbeid i arbeidsinkluderingsprosesser';
const TEXT = '#00:00:05-2# I: Hvordan ble du møtt?\n#00:00:09-0# B: Jeg ble møtt med tillit fra første dag.\n#00:00:21-4# I: Og senere?\n';
const SUP_PASS = 'veilederen har sin egen lange frase';

let student: Harness;
let supervisor: Harness;
let browser: Browser;
let page: Page;
let supPage: Page;
let problems: string[];
let supProblems: string[];
let home: string;
let supHome: string;
let supId = '';
const now = () => new Date();

beforeAll(async () => {
  ({ harness: student, browser, page, problems, home } = await openStudy('hvelv-e2e-suprest-'));
  await student.invoke('participants.add', { identity: { name: 'Kari Nordmann' } });
  await student.invoke('consent.record', { code: 'JS01', date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
  const t = (await student.invoke('transcripts.create', { code: 'JS01', recordingId: null })) as { id: string };
  await student.invoke('transcripts.update', { id: t.id, text: TEXT });
  const s = student.sessions.require();
  const code = new Codebook(s, now).add({ name: 'Tillit', definition: 'Når tillit nevnes', color: '#2ca02c' });
  const seg = new Coding(s, now).apply(t.id, { quote: 'møtt med tillit fra første dag' }, [code.id]);
  new Coding(s, now).setQuote(seg.id, true);
  const themes = new Themes(s, now);
  const theme = themes.add({ name: 'Å bli møtt', definition: 'Hvordan deltakerne ble tatt imot.' });
  themes.assign(theme.id, code.id);
  new Memos(s, now).add({ target: { kind: 'code', id: code.id }, text: 'Tillit kommer tidlig i samtalen.', private: false });

  supHome = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-e2e-suprestv-'));
  supervisor = await startHarness({ home: supHome, locale: 'nb-NO' });
  const id = (await supervisor.invoke('supervisor.init', { path: path.join(supHome, 'veileder'), passphrase: SUP_PASS })) as { key: string };
  supId = ((await student.invoke('supervisors.add', { key: id.key, label: 'Hovedveileder', until: '2030-12-31' })) as { id: string }).id;
  const plan = (await student.invoke('shares.plan', { supervisorId: supId })) as { findings: { id: string }[] };
  const file = path.join(home, 'deling.hvelvshare');
  student.saveAnswers.push(file);
  await student.invoke('shares.create', { supervisorId: supId, accepted: plan.findings.map((f) => f.id) });
  supervisor.fileAnswers.push(file);
  const token = (await supervisor.invoke('supervisor.chooseShare', {})) as { token: string };
  await supervisor.invoke('supervisor.openShare', { file: token.token });
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

describe('the supervisor, what the attack review left', () => {
  const feedback = (n: number) => path.join(supHome, `tilbakemelding-${n}.hvelvfeedback`);

  it('the supervisor reads the report: the codebook with definitions and counts, the theme with its codes and the quote cited', async () => {
    await supPage.getByRole('button', { name: 'Jeg er veileder' }).click();
    await supPage.getByRole('button', { name: `Les «${TITLE}»` }).click();
    await supPage.getByRole('button', { name: 'Rapport' }).click();
    const report = supPage.locator('.sup-report');
    await report.getByRole('heading', { name: `Tematisk analyse: ${TITLE}` }).waitFor();
    const row = report.getByRole('row', { name: /Tillit/ });
    expect(await row.getByRole('cell').allTextContents()).toEqual(['Tillit', 'Når tillit nevnes', '1', '1']);
    const theme = report.getByRole('article', { name: 'Å bli møtt' });
    await expect.poll(() => theme.getByText('Hvordan deltakerne ble tatt imot.').isVisible()).toBe(true);
    await expect.poll(() => theme.getByText('Koder: Tillit').isVisible()).toBe(true);
    expect((await theme.locator('blockquote').textContent())?.trim()).toBe('«møtt med tillit fra første dag» (JS01, 00:00:09)');
    // Read-only: no control that changes the analysis, nor one to comment, in the report.
    expect(await report.getByRole('button').count()).toBe(0);
    await screenshot(supPage, '90-sup-read-report');
    expect(supProblems).toEqual([]);
  });

  it('the supervisor comments on the memo beside it, and on the code with a phone number in it, and saves the feedback file', async () => {
    await supPage.getByRole('button', { name: 'Memoer' }).click();
    await supPage.getByRole('button', { name: /^Kommenter memoen/ }).click();
    await supPage.getByLabel(/^Kommentar til memoen/).fill('Godt notat. Kan du si mer om hvorfor tilliten kom så tidlig?');
    await supPage.getByRole('button', { name: 'Lagre kommentaren' }).click();
    await expect.poll(() => supPage.locator('.memo').getByText('Godt notat. Kan du si mer om hvorfor tilliten kom så tidlig?').isVisible()).toBe(true);
    await screenshot(supPage, '91-sup-memo-comment');
    await supPage.getByRole('button', { name: 'Kodebok' }).click();
    await supPage.getByRole('button', { name: 'Kommenter koden «Tillit»' }).click();
    await supPage.getByLabel('Kommentar til koden «Tillit»').fill('Ring meg på 915 55 123 om denne koden.');
    await supPage.getByRole('button', { name: 'Lagre kommentaren' }).click();
    await supPage.getByRole('button', { name: 'Temaer' }).click();
    await supPage.getByRole('button', { name: 'Kommenter temaet «Å bli møtt»' }).click();
    await supPage.getByLabel('Kommentar til temaet «Å bli møtt»').fill('Temaet er klart.');
    await supPage.getByRole('button', { name: 'Lagre kommentaren' }).click();
    await supPage.getByRole('button', { name: /^Mine kommentarer/ }).click();
    supervisor.saveAnswers.push(feedback(1));
    await supPage.getByRole('button', { name: 'Lagre tilbakemeldingsfil …' }).click();
    await expect.poll(() => fs.existsSync(feedback(1))).toBe(true);
    expect(supProblems).toEqual([]);
  });

  it('the student replaces the flagged phone number with [telefon] and deletes a comment; the file imported again brings nothing back', async () => {
    await page.getByRole('button', { name: 'Veileder', exact: true }).click();
    await page.getByRole('heading', { name: 'Veileder', exact: true }).waitFor();
    student.fileAnswers.push(feedback(1));
    await page.getByRole('button', { name: 'Importer tilbakemeldingsfil …' }).click();
    await expect.poll(() => page.getByText(/Importerte 3 nye av 3 kommentarer fra Hovedveileder/).isVisible()).toBe(true);
    const onCode = page.getByRole('article', { name: 'Om koden «Tillit»' });
    await expect.poll(() => onCode.getByText('Mulig identifiserende opplysning: «915 55 123»').isVisible()).toBe(true);
    await screenshot(page, '92-sup-student-flagged-comment');
    await onCode.getByRole('button', { name: 'Erstatt «915 55 123» med [telefon]' }).click();
    await expect.poll(() => onCode.getByText('Ring meg på [telefon] om denne koden.').isVisible()).toBe(true);
    await expect.poll(() => onCode.getByText(/Mulig identifiserende opplysning/).count()).toBe(0);
    const onTheme = page.getByRole('article', { name: 'Om temaet «Å bli møtt»' });
    await onTheme.getByRole('button', { name: 'Slett kommentaren' }).click();
    await expect.poll(() => onTheme.getByText(/Slette kommentaren for godt\?/).isVisible()).toBe(true);
    await screenshot(page, '93-sup-student-delete-comment');
    await onTheme.getByRole('button', { name: 'Ja, slett' }).click();
    await expect.poll(() => page.getByRole('article', { name: 'Om temaet «Å bli møtt»' }).count()).toBe(0);
    student.fileAnswers.push(feedback(1));
    await page.getByRole('button', { name: 'Importer tilbakemeldingsfil …' }).click();
    await expect.poll(() => page.getByText(/Importerte 0 nye av 3 kommentarer/).isVisible()).toBe(true);
    expect(await page.getByRole('article', { name: 'Om temaet «Å bli møtt»' }).count()).toBe(0);
    const stored = (await student.invoke('feedback.list', {})) as { text: string }[];
    expect(stored.map((c) => c.text).sort()).toEqual(['Godt notat. Kan du si mer om hvorfor tilliten kom så tidlig?', 'Ring meg på [telefon] om denne koden.']);
    await screenshot(page, '94-sup-student-comment-redacted');
    expect(problems).toEqual([]);
  });

  it('the student sees the comment on the memo beside the memo in the analysis', async () => {
    await page.getByRole('button', { name: 'Analyse' }).click();
    await page.getByRole('button', { name: 'Memoer og logg' }).click();
    const memo = page.locator('article.memo', { hasText: 'Tillit kommer tidlig i samtalen.' });
    // Named by its date, as the interface writes dates.
    const beside = memo.getByRole('article', { name: /^Om memoen \(\d{1,2}\. [a-z]+ \d{4}\)$/ });
    await expect.poll(() => beside.getByText('Godt notat. Kan du si mer om hvorfor tilliten kom så tidlig?').isVisible()).toBe(true);
    await expect.poll(() => beside.getByText(/Veilederens kommentar \(/).isVisible()).toBe(true);
    await screenshot(page, '95-sup-student-memo-comment');
    expect(problems).toEqual([]);
  });

  it('feedback from a supervisor the student has since removed is imported and marked as such', async () => {
    await supPage.getByRole('button', { name: 'Kodebok' }).click();
    await supPage.getByRole('button', { name: 'Kommenter koden «Tillit»' }).click();
    await supPage.getByLabel('Kommentar til koden «Tillit»').fill('En siste kommentar før tilgangen ble tatt.');
    await supPage.getByRole('button', { name: 'Lagre kommentaren' }).click();
    await supPage.getByRole('button', { name: /^Mine kommentarer/ }).click();
    supervisor.saveAnswers.push(feedback(2));
    await supPage.getByRole('button', { name: 'Lagre tilbakemeldingsfil …' }).click();
    await expect.poll(() => fs.existsSync(feedback(2))).toBe(true);

    await student.invoke('supervisors.remove', { id: supId });
    await page.getByRole('button', { name: 'Veileder', exact: true }).click();
    await page.getByRole('heading', { name: 'Veileder', exact: true }).waitFor();
    student.fileAnswers.push(feedback(2));
    await page.getByRole('button', { name: 'Importer tilbakemeldingsfil …' }).click();
    await expect.poll(() => page.getByText(/Filen er fra en veileder du har fjernet/).isVisible()).toBe(true);
    const last = page.getByRole('article', { name: 'Om koden «Tillit»' }).filter({ hasText: 'En siste kommentar før tilgangen ble tatt.' });
    await expect.poll(() => last.getByText('Fra en veileder som er fjernet').isVisible()).toBe(true);
    await screenshot(page, '96-sup-student-feedback-from-removed');
    expect(problems).toEqual([]);
    expect(supProblems).toEqual([]);
  });

  it('the supervisor installs the folder’s daily job from the list of shares', async () => {
    await supPage.getByRole('button', { name: 'Tilbake til delingene' }).click();
    const card = supPage.getByRole('region', { name: 'Daglig sletting av kopier' });
    await expect.poll(() => card.getByText('Ikke installert.').isVisible()).toBe(true);
    await card.getByRole('button', { name: 'Installer daglig kontroll' }).click();
    await expect.poll(() => card.getByText(/^Installert/).isVisible()).toBe(true);
    // The job runs `share enforce` on this folder with its own key pinned.
    const unit = fs.readdirSync(path.join(supHome, 'config-home', 'systemd', 'user')).find((f) => f.endsWith('.service'))!;
    expect(fs.readFileSync(path.join(supHome, 'config-home', 'systemd', 'user', unit), 'utf8')).toMatch(new RegExp(`"share" "enforce" "${path.join(supHome, 'veileder')}" "--owner-key" "[A-Za-z0-9+/=]+"`));
    await screenshot(supPage, '97-sup-home-daily-job');
    expect(supProblems).toEqual([]);
  });
});
