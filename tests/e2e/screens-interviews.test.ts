/**
 * Interviews are the unit (issue 15, item 5): one list sorted by participant code, each
 * recording in a row with the transcripts made from it (a draft and the checked version
 * together), transcripts from no recording under their participant, the recording date
 * from the file's tags or entered by the student, and imports started from the row.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { makeWav, tempDir } from '../core/helpers';
import { recordConsent } from './study';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'audio');
let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];
const shot = (name: string): Promise<void> => screenshot(page, name);

async function importRecording(code: string, file: string): Promise<{ id: string }> {
  harness.fileAnswers.push(file);
  const chosen = (await harness.invoke('recordings.chooseFile', {})) as { token: string };
  return (await harness.invoke('recordings.import', { jobId: `job-${code}-${path.basename(file)}`.replace(/[^a-z0-9-]/gi, '').toLowerCase().slice(0, 40), code, file: chosen.token })) as { id: string };
}

async function importTranscript(code: string, text: string, recordingId: string | null): Promise<void> {
  const file = path.join(tempDir(), `${code}-${Math.random().toString(36).slice(2)}.txt`);
  fs.writeFileSync(file, text);
  harness.fileAnswers.push(file);
  const chosen = (await harness.invoke('transcripts.chooseFile', {})) as { token: string };
  await harness.invoke('transcripts.import', { code, file: chosen.token, recordingId });
}

beforeAll(async () => {
  ({ harness, browser, page, problems } = await openStudy('hvelv-e2e-iv-', {}, 900));
  for (const name of ['Ragnhild Testesen', 'Per Prøvesen', 'Kari Testesen']) await harness.invoke('participants.add', { identity: { name } });
  for (const code of ['JS01', 'JS02', 'JS03']) {
    await recordConsent(harness, code);
  }
  // Imported out of order, as interviews happen: JS03 first (a phone recording with a date tag).
  await importRecording('JS03', path.join(FIXTURES, 'tone.m4a'));
  const wav20 = path.join(tempDir(), 'JS01-del1.wav');
  makeWav(wav20, 20, 3);
  const first = await importRecording('JS01', wav20);
  const wav7 = path.join(tempDir(), 'JS01-del2.wav');
  makeWav(wav7, 7, 4);
  await importRecording('JS01', wav7);
  // An automatic draft and the checked version of the same recording.
  await importTranscript('JS01', '#00:00:01-0# I: Hva legger du i begrepet?\n\n#00:00:09-0# B: Relasjon.\n', first.id);
  await importTranscript('JS01', '#00:00:01-0# I: Hva legger du i begrepet jobbspesialist?\n\n#00:00:12-5# B: Det handler om relasjonen.\n', first.id);
  // Typed from notes, with no recording.
  await importTranscript('JS02', 'I: Ble ikke tatt opp.\nB: Nei.\n', null);
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('one list of interviews', () => {
  it('lists the interviews by code, each recording with its transcripts, and the date from the tags', async () => {
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    const groups = page.locator('table.interviews tbody');
    await expect.poll(() => groups.evaluateAll((els) => els.map((e) => e.getAttribute('data-code')))).toEqual(['JS01', 'JS02', 'JS03']);
    const js01 = page.locator('tbody[data-code="JS01"]');
    // Two recordings, two rows; the longer one carries both its transcripts.
    expect(await js01.locator('tr').count()).toBe(2);
    const row20 = js01.locator('tr', { has: page.getByRole('button', { name: 'Åpne opptaket til JS01 (0:20)' }) });
    expect(await row20.getByRole('button', { name: /^Transkripsjon: Åpne transkripsjonen til JS01/ }).count()).toBe(2);
    expect(await row20.textContent()).toMatch(/til 0:09 av 0:20.*til 0:12 av 0:20/);
    const js02 = page.locator('tbody[data-code="JS02"]');
    expect(await js02.textContent()).toMatch(/Ikke noe opptak.*Transkripsjon.*uten tidskoder/);
    const js03 = page.locator('tbody[data-code="JS03"]');
    expect(await js03.textContent()).toContain('15. mars 2021');
    await shot('i15-20-interviews');
  });

  it('shows how far the coding has come, per transcript', async () => {
    const list = (await harness.invoke('transcripts.list', {})) as { id: string; code: string }[];
    const js02 = list.find((x) => x.code === 'JS02')!;
    const code = (await harness.invoke('codes.add', { name: 'Tillit' })) as { id: string };
    await harness.invoke('coding.apply', { transcriptId: js02.id, start: 0, end: 5, codeId: code.id });
    await page.getByRole('button', { name: 'Oversikt' }).click();
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await expect.poll(() => page.locator('tbody[data-code="JS02"]').textContent()).toContain('1 kodet utdrag');
    expect(await page.locator('tbody[data-code="JS01"]').textContent()).toContain('ikke kodet ennå');
    await shot('i15-21-interviews-coding-progress');
  });

  it('keeps a recording date the student enters', async () => {
    await page.getByLabel('Opptaksdato for JS01 (0:20)').fill('2026-11-18');
    await page.getByRole('button', { name: 'Lagre dato (JS01, 0:20)' }).click();
    await expect.poll(() => page.getByText('Opptaksdatoen for JS01 er lagret.').isVisible()).toBe(true);
    const js01 = page.locator('tbody[data-code="JS01"]');
    await expect.poll(() => js01.textContent()).toContain('18. november 2026');
    const list = (await harness.invoke('recordings.list', {})) as { code: string; durationMs: number; recordedAt: string | null }[];
    expect(list.find((r) => r.code === 'JS01' && r.durationMs === 20_000)?.recordedAt).toBe('2026-11-18');
    // A day in the future is refused, with the reason, and nothing changes.
    await page.getByLabel('Opptaksdato for JS01 (0:07)').fill('2099-01-01');
    await page.getByRole('button', { name: 'Lagre dato (JS01, 0:07)' }).click();
    await expect.poll(() => page.getByRole('alert').isVisible()).toBe(true);
    expect(await page.getByText('Opptaksdatoen for JS01 er lagret.').count()).toBe(0);
    await shot('i15-21-interviews-date-refused');
  });

  it('starts an import from the row: the transcript belongs to that recording', async () => {
    const file = path.join(tempDir(), 'JS01-del2.txt');
    fs.writeFileSync(file, '#00:00:02-0# I: Og del to?\n');
    harness.fileAnswers.push(file);
    await page.getByRole('button', { name: 'Legg inn transkripsjon … (JS01, opptaket på 0:07)' }).click();
    await expect.poll(() => page.getByRole('heading', { name: 'JS01' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    const row7 = page.locator('tbody[data-code="JS01"] tr', { has: page.getByRole('button', { name: 'Åpne opptaket til JS01 (0:07)' }) });
    await expect.poll(() => row7.textContent()).toContain('til 0:02 av 0:07');
    // The notice of the refused date is gone: it belonged to the last action, not this one.
    expect(await page.getByRole('alert').count()).toBe(0);
    await shot('i15-22-interviews-imported-from-row');
    expect(problems.filter((p) => !/status of 400|Failed to load resource/.test(p))).toEqual([]);
  });
});
