/**
 * Recordings in a supervisor's share (issue 10), in Chromium, in Norwegian, both sides on
 * their own machines: the student switches recordings on for the supervisor (with the
 * warning that a voice identifies a person) and makes a share that carries the recording;
 * the supervisor opens it and plays the recording beside the transcript, a timestamp
 * seeks the player and the position moves; nothing the browser keeps holds the audio.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromiumWithProfile, openStudy, screenshot, startHarness, type Harness } from './harness';
import { Codebook } from '../../electron/core/services/analysis/codebook';
import { Coding } from '../../electron/core/services/analysis/coding';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { findNeedles, listFiles, makeWav, tempDir } from '../core/helpers';
import { recordConsent } from './study';

const TITLE = 'Relasjonsarbeid i arbeidsinkluderingsprosesser';
const TEXT = '#00:00:02-0# I: Hvordan ble du møtt?\n#00:00:09-0# B: Jeg ble møtt med tillit fra første dag.\n#00:00:15-0# I: Og senere?\n';
const SUPERVISOR_PASSPHRASE = 'veilederen har sin egen lange frase';

let student: Harness;
let supervisor: Harness;
let browser: Browser;
let page: Page;
let supContext: BrowserContext;
let supPage: Page;
let problems: string[];
const supProblems: string[] = [];
let home: string;
let supHome: string;
let profile: string;
let wavBytes: Buffer;
const now = () => new Date();

/** The waveform overview as the student's Hvelv would have stored it: ten peaks a second, 0–255. */
function peaksOf(wav: Buffer): string {
  const samples = (wav.length - 44) / 2;
  const n = Math.ceil(samples / 1600);
  const out = Buffer.alloc(n);
  for (let i = 0; i < n; i++) {
    let max = 0;
    for (let j = i * 1600; j < Math.min(samples, (i + 1) * 1600); j++) max = Math.max(max, Math.abs(wav.readInt16LE(44 + j * 2)));
    out[i] = Math.min(255, Math.round((max / 32768) * 255 * (0.4 + 0.6 * Math.abs(Math.sin(i / 7)))));
  }
  return out.toString('base64');
}

beforeAll(async () => {
  ({ harness: student, browser, page, problems, home } = await openStudy('hvelv-e2e-suprec-'));
  await student.invoke('participants.add', { identity: { name: 'Kari Nordmann' } });
  await recordConsent(student, 'JS01');
  const wav = path.join(tempDir('hvelv-e2e-suprec-wav-'), 'intervju.wav');
  wavBytes = makeWav(wav, 20, 41);
  const s = student.sessions.require();
  const rec = await new Recordings(s, now).import('JS01', wav);
  fs.rmSync(wav);
  await student.invoke('recordings.storePeaks', { id: rec.id, peaks: peaksOf(wavBytes) });
  const t = (await student.invoke('transcripts.create', { code: 'JS01', recordingId: rec.id })) as { id: string };
  await student.invoke('transcripts.update', { id: t.id, text: TEXT });
  const code = new Codebook(s, now).add({ name: 'Tillit', definition: 'Når tillit nevnes', color: '#2ca02c' });
  new Coding(s, now).apply(t.id, { quote: 'møtt med tillit' }, [code.id]);
  supHome = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-e2e-suprecv-'));
  supervisor = await startHarness({ home: supHome, locale: 'nb-NO' });
  // The supervisor's browser keeps its profile where this test can scan it.
  profile = tempDir('hvelv-e2e-suprec-profile-');
  supContext = await launchChromiumWithProfile(profile);
  supPage = supContext.pages()[0] ?? (await supContext.newPage());
  await supPage.setViewportSize({ width: 1100, height: 900 });
  supPage.setDefaultTimeout(15_000);
  supPage.on('pageerror', (e) => supProblems.push(e.message));
  supPage.on('console', (m) => {
    if (m.type() === 'error') supProblems.push(m.text());
  });
  await page.goto(student.url);
  await supPage.goto(supervisor.url);
}, 120_000);

afterAll(async () => {
  await supContext?.close();
  await browser?.close();
  await student?.close();
  await supervisor?.close();
  for (const d of [home, supHome]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('recordings in the supervisor’s share', () => {
  let key = '';
  const sharePath = () => path.join(home, 'ut', `${TITLE}.hvelvshare`);

  it('the student switches recordings on for the supervisor, is warned, and makes a share that carries the recording', async () => {
    await supPage.getByRole('button', { name: 'Jeg er veileder' }).click();
    await supPage.getByLabel('Passordfrase', { exact: true }).fill(SUPERVISOR_PASSPHRASE);
    await supPage.getByLabel('Gjenta passordfrasen').fill(SUPERVISOR_PASSPHRASE);
    await supPage.getByRole('button', { name: 'Lag veiledermappen' }).click();
    await supPage.getByRole('heading', { name: 'Din veiledernøkkel' }).waitFor();
    key = await supPage.getByLabel('Veiledernøkkel').inputValue();

    await page.getByRole('button', { name: 'Veileder', exact: true }).click();
    await page.getByRole('button', { name: 'Legg til veileder' }).click();
    await page.getByLabel('Veiledernøkkel').fill(key);
    await page.getByRole('button', { name: 'Kontroller nøkkelen' }).click();
    await page.locator('.sup-add .sup-fingerprint').waitFor();
    await page.getByLabel('Fingeravtrykket er likt det veilederen leste opp').check();
    await page.getByLabel(/Navn på rollen/).fill('Hovedveileder');
    await page.locator('.sup-add').getByLabel('Lydopptak', { exact: true }).check();
    await expect.poll(() => page.locator('.sup-add').getByText(/En stemme identifiserer en person/).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Legg til veilederen' }).click();
    await expect.poll(() => page.getByText(/Med lydopptak\./).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Lag deling til Hovedveileder …' }).click();
    await expect.poll(() => page.getByText(/Versjon 1, tilgangen slutter .*, 1 lydopptak\./).isVisible()).toBe(true);
    await expect.poll(() => page.locator('.sup-share-plan').getByText(/En stemme identifiserer en person/).isVisible()).toBe(true);
    const boxes = page.locator('.sup-share-plan .findings').getByRole('checkbox');
    for (let i = 0; i < (await boxes.count()); i++) await boxes.nth(i).check();
    await screenshot(page, '90-suprec-student-share-recordings');
    fs.mkdirSync(path.dirname(sharePath()), { recursive: true });
    student.saveAnswers.push(sharePath());
    await page.getByRole('button', { name: 'Lagre delingen (.hvelvshare) …' }).click();
    await expect.poll(() => page.getByText(/Delingen er lagret: .*\.hvelvshare \(versjon 1\)/).isVisible(), { timeout: 20_000 }).toBe(true);
    // The recording went in sealed: the file is larger than the audio, and holds none of it in clear.
    expect(fs.statSync(sharePath()).size).toBeGreaterThan(wavBytes.length);
    expect(findNeedles([sharePath()], [wavBytes.subarray(5000, 5064), wavBytes.subarray(400_000, 400_064)])).toEqual([]);
    // The switch stays on the supervisor's row: off, and the next share carries none; on again, with the warning.
    const toggle = page.getByRole('switch', { name: 'Lydopptak til Hovedveileder' });
    expect(await toggle.isChecked()).toBe(true);
    // (Clicked, not unchecked: the switch shows what the vault says, once the change is saved.)
    await toggle.click();
    await expect.poll(() => page.getByText(/Lydopptakene blir ikke med i neste deling til Hovedveileder\./).isVisible()).toBe(true);
    const supervisors = (await student.invoke('supervisors.list', {})) as { id: string; recordings: boolean }[];
    expect(supervisors.map((x) => x.recordings)).toEqual([false]);
    expect(((await student.invoke('shares.plan', { supervisorId: supervisors[0]!.id })) as { counts: { recordings: number } }).counts.recordings).toBe(0);
    await toggle.click();
    await expect.poll(() => toggle.isChecked()).toBe(true);
    await expect.poll(() => page.getByText(/Lydopptakene blir med i neste deling til Hovedveileder\./).isVisible()).toBe(true);
    await expect.poll(() => page.locator('.sup-entry-recordings').getByText(/En stemme identifiserer en person/).isVisible()).toBe(true);
    await screenshot(page, '92-suprec-student-recordings-switch');
    expect(problems).toEqual([]);
  });

  it('the supervisor plays the recording beside the transcript; a timestamp seeks it and the position moves', async () => {
    await supPage.getByRole('button', { name: 'Videre til delingene' }).click();
    supervisor.fileAnswers.push(sharePath());
    await supPage.getByRole('button', { name: 'Åpne en deling …' }).click();
    await expect.poll(() => supPage.getByText(new RegExp(`^Åpnet versjon 1 av «${TITLE}», tilgangen slutter`)).isVisible(), { timeout: 20_000 }).toBe(true);
    await supPage.getByRole('button', { name: `Les «${TITLE}»` }).click();
    await supPage.getByRole('button', { name: 'Les intervju JS01' }).click();
    const audio = supPage.getByRole('group', { name: 'Lydopptaket av JS01' }).locator('audio');
    await expect.poll(async () => Math.round(Number(await audio.evaluate((a) => (a as unknown as { duration: number }).duration))), { timeout: 15_000 }).toBe(20);
    // The stamp in the text plays from there.
    await supPage.locator('.transcript-text').getByRole('button', { name: 'Spill av fra 00:00:09' }).click();
    const at = async () => Number(await audio.evaluate((a) => (a as unknown as { currentTime: number }).currentTime));
    await expect.poll(at, { timeout: 10_000 }).toBeGreaterThanOrEqual(9);
    const first = await at();
    await expect.poll(at, { timeout: 10_000 }).toBeGreaterThan(first + 0.5);
    await audio.evaluate((a) => (a as unknown as { pause(): void }).pause());
    // And the segment's time, in the list beside the text.
    await supPage.locator('.sup-segment').getByRole('button', { name: 'Spill av fra 00:00:09' }).click();
    await expect.poll(at, { timeout: 10_000 }).toBeGreaterThanOrEqual(9);
    await audio.evaluate((a) => (a as unknown as { pause(): void; currentTime: number }).pause());
    // The waveform (the student's peaks travelled with the share) is a slider at the position played.
    const wave = supPage.getByRole('slider');
    await expect.poll(async () => Number(await wave.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(9);
    // Listening only: the reader has no control that changes the student's analysis or the recording.
    for (const name of [/^Slett/, /^Fjern/, /^Rediger/, /^Eksporter opptaket/, /^Transkriber/]) expect(await supPage.getByRole('button', { name }).count()).toBe(0);
    await screenshot(supPage, '91-suprec-reader-player');
    expect(supProblems).toEqual([]);
  });

  it('nothing the supervisor’s browser or folder keeps holds the audio in clear', async () => {
    await supContext.close();
    const needles = [0.1, 0.4, 0.7, 0.95].map((f) => {
      const at = 44 + Math.floor((f * (wavBytes.length - 4200)) / 2) * 2;
      return wavBytes.subarray(at, at + 4096);
    });
    expect(findNeedles([...listFiles(profile), ...listFiles(supHome)], needles)).toEqual([]);
  });
});
