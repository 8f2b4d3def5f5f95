/**
 * Machine text in the supervisor's reader, in Chromium, in Norwegian (issue 26): the
 * student shares a partly checked automatic draft; the supervisor's reader draws the
 * unchecked passages in the same quiet grey as the student's workspace, with the same
 * "n av m avsnitt kontrollert mot opptaket", and a coded passage over machine text says
 * so beside it, in retrieval and in the report. axe-core clean on each screen.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newPage, openStudy, screenshot, startHarness, type Harness } from './harness';
import { axeViolations } from './axe';
import { makeSpeechLikeWav } from './audio-fixture';
import { tempDir } from '../core/helpers';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';

const TITLE = 'Relasjonsarbeid i arbeidsinkluderingsprosesser';
const SUP_PASS = 'veilederen har sin egen lange frase';
const DRAFT = ['#00:00:00-5# I: Hvordan begynte det? #00:00:02-0# Fortell.', '#00:00:03-5# B: Det var på kafeen en mandag.', '#00:00:12-0# I: Og etterpå?', ''].join('\n');

let student: Harness;
let supervisor: Harness;
let browser: Browser;
let supPage: Page;
let supProblems: string[];
let home: string;
let supHome: string;

beforeAll(async () => {
  ({ harness: student, browser, home } = await openStudy('hvelv-e2e-mtshare-'));
  await student.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  await student.invoke('consent.record', { code: 'JS01', date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
  const wav = path.join(tempDir(), 'intervju.wav');
  makeSpeechLikeWav(wav, 16);
  student.fileAnswers.push(wav);
  const token = (await student.invoke('recordings.chooseFile', {})) as { token: string };
  const recordingId = ((await student.invoke('recordings.import', { jobId: 'mt-share-1', code: 'JS01', file: token.token })) as { id: string }).id;
  // The draft as makeDraft stores it (the engine is tested in tests/core/asr.test.ts).
  const t = new Transcripts(student.sessions.require(), () => new Date()).createDraft('JS01', DRAFT, recordingId, { model: 'test', language: 'nb' });
  // Two of the four passages heard through in the workspace.
  await student.invoke('transcripts.heard', { id: t.id, ms: [500, 2000] });
  const code = (await student.invoke('codes.add', { name: 'Begynnelsen' })) as { id: string };
  const at = (words: string) => ({ start: [...DRAFT.slice(0, DRAFT.indexOf(words))].length, end: [...DRAFT.slice(0, DRAFT.indexOf(words) + words.length)].length });
  // One coded passage on heard words, one on machine text.
  const heard = (await student.invoke('coding.apply', { transcriptId: t.id, ...at('Hvordan begynte det?'), codeId: code.id })) as { id: string };
  const machine = (await student.invoke('coding.apply', { transcriptId: t.id, ...at('på kafeen en mandag'), codeId: code.id })) as { id: string };
  for (const id of [heard.id, machine.id]) await student.invoke('coding.quote', { segmentId: id, quote: true });
  const theme = (await student.invoke('themes.add', { name: 'Start' })) as { id: string };
  await student.invoke('themes.assign', { themeId: theme.id, codeId: code.id, assigned: true });

  supHome = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-e2e-mtsharev-'));
  supervisor = await startHarness({ home: supHome, locale: 'nb-NO' });
  const id = (await supervisor.invoke('supervisor.init', { path: path.join(supHome, 'veileder'), passphrase: SUP_PASS })) as { key: string };
  const supId = ((await student.invoke('supervisors.add', { key: id.key, label: 'Hovedveileder', until: '2030-12-31' })) as { id: string }).id;
  const plan = (await student.invoke('shares.plan', { supervisorId: supId })) as { findings: { id: string }[] };
  const file = path.join(home, 'deling.hvelvshare');
  student.saveAnswers.push(file);
  await student.invoke('shares.create', { supervisorId: supId, accepted: plan.findings.map((f) => f.id) });
  supervisor.fileAnswers.push(file);
  const shareToken = (await supervisor.invoke('supervisor.chooseShare', {})) as { token: string };
  await supervisor.invoke('supervisor.openShare', { file: shareToken.token });
  ({ page: supPage, problems: supProblems } = await newPage(browser, 860));
  await supPage.goto(supervisor.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await student?.close();
  await supervisor?.close();
  for (const d of [home, supHome]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe("machine text in the supervisor's reader (nb)", () => {
  it('draws the unchecked passages in quiet grey, with the count the student sees', async () => {
    await supPage.getByRole('button', { name: 'Jeg er veileder' }).click();
    await supPage.getByRole('button', { name: `Les «${TITLE}»` }).click();
    // The list of interviews says it first.
    await expect.poll(() => supPage.locator('.tr-list li').first().textContent()).toContain('2 av 4 avsnitt kontrollert mot opptaket');
    await screenshot(supPage, 'mt-share-00-interviews-nb');
    await supPage.getByRole('button', { name: /JS01/ }).first().click();
    await expect.poll(() => supPage.getByTestId('sr-machine-count').textContent()).toBe('2 av 4 avsnitt kontrollert mot opptaket');
    const machine = supPage.locator('.sup-transcript .transcript-text .sr-machine');
    const words = (await machine.allTextContents()).join('');
    expect(words).toContain('B: Det var på kafeen en mandag.');
    expect(words).toContain('I: Og etterpå?');
    expect(words).not.toContain('Hvordan begynte det?');
    expect(words).not.toContain('Fortell.');
    // A quiet grey, the same as the student's workspace: not a warning colour.
    const colour = await machine.first().evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color);
    expect(colour).toBe('rgb(86, 96, 107)');
    await expect.poll(() => supPage.getByText(/Tekst i grått er skrevet av talegjenkjenningen/).isVisible()).toBe(true);
    // The coded passage over machine text says so; the one over heard words does not.
    const segments = supPage.locator('.sup-segments .sup-segment');
    await expect.poll(() => segments.count()).toBe(2);
    expect(await segments.nth(0).textContent()).not.toContain('(maskintekst, ikke kontrollert)');
    expect(await segments.nth(1).textContent()).toContain('(maskintekst, ikke kontrollert)');
    expect(await axeViolations(supPage)).toEqual([]);
    await screenshot(supPage, 'mt-share-01-reader-nb');
  });

  it('retrieval and the report mark the quote over machine text', async () => {
    await supPage.getByRole('button', { name: 'Gjenfinning' }).click();
    await supPage.locator('#sr-re-of').selectOption({ label: 'Begynnelsen' });
    const items = supPage.locator('ul.retrieved > li');
    await expect.poll(() => items.count()).toBe(2);
    // In text order: the heard passage first (no mark), the one over machine text second (marked).
    expect(await items.nth(0).locator('blockquote').textContent()).toContain('Hvordan begynte det?');
    expect(await items.nth(1).locator('blockquote').textContent()).toContain('på kafeen en mandag');
    expect(await items.nth(0).getByText('(maskintekst, ikke kontrollert)').count()).toBe(0);
    expect(await items.nth(1).getByText('(maskintekst, ikke kontrollert)').count()).toBe(1);
    await screenshot(supPage, 'mt-share-02-retrieval-nb');
    await supPage.getByRole('button', { name: 'Rapport' }).click();
    await expect.poll(() => supPage.getByTestId('sr-report-machine').isVisible()).toBe(true);
    const quotes = await supPage.locator('.report-quote').allTextContents();
    expect(quotes.find((q) => q.includes('kafeen'))).toContain('(maskintekst, ikke kontrollert)');
    expect(quotes.find((q) => q.includes('Hvordan'))).not.toContain('maskintekst');
    await screenshot(supPage, 'mt-share-03-report-nb');
    expect(supProblems).toEqual([]);
  });
});
