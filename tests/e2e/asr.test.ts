/**
 * "Make a draft transcript" in Chromium, in Norwegian, with the real engine and a
 * generated model in the app's data folder: progress, the stored draft with its flag,
 * and "I have checked the draft".
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { makeWav, tempDir } from '../core/helpers';
import { writeSpeakerModels, writeTestModel } from '../../scripts/make-test-model';
import { recordConsent } from './study';

let harness: Harness;
let browser: Browser;
let page: Page;
let home: string;
const shot = (name: string): Promise<void> => screenshot(page, name);

beforeAll(async () => {
  ({ harness, browser, page, home } = await openStudy('hvelv-e2e-asr-'));
  await harness.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  await recordConsent(harness, 'JS01');
  // The harness's app data folder is the config file's folder.
  fs.mkdirSync(path.join(home, 'config', 'models'), { recursive: true });
  writeTestModel(path.join(home, 'config', 'models', 'nb-whisper-test'), 'micro');
  // The speaker models beside it: each turn of the draft gets a voice to name.
  writeSpeakerModels(path.join(home, 'config', 'models', 'speakers'));
  await page.goto(harness.url);
});

/** A model folder whose encoder is cut short, as a broken download leaves it. */
function damaged(models: string, name: string): void {
  fs.mkdirSync(path.join(models, name));
  const good = path.join(models, 'nb-whisper-test');
  fs.writeFileSync(path.join(models, name, 'encoder.onnx'), fs.readFileSync(path.join(good, 'encoder.onnx')).subarray(0, 200_000));
  for (const f of ['decoder.onnx', 'tokens.txt']) fs.copyFileSync(path.join(good, f), path.join(models, name, f));
}

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('automatic draft in Chromium', () => {
  it('makes a draft from a recording, shows it flagged, and the student marks it checked', async () => {
    // The recording goes in the way the interview row does it (tests/e2e/screens-interviews);
    // this test is about the draft.
    const wav = path.join(tempDir(), 'intervju.wav');
    makeWav(wav, 8, 3);
    harness.fileAnswers.push(wav);
    const chosen = (await harness.invoke('recordings.chooseFile', {})) as { token: string };
    await harness.invoke('recordings.import', { jobId: 'job-asr-intervju', code: 'JS01', file: chosen.token });
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await page.getByRole('button', { name: 'Åpne opptaket til JS01 (0:08)' }).click();

    const panel = page.getByRole('region', { name: 'Lag et utkast til transkripsjon' });
    await expect.poll(() => panel.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await panel.getByLabel('Språk i opptaket').inputValue()).toBe('nb');
    await shot('asr-01-draft-offer');
    await panel.getByRole('button', { name: 'Lag et utkast til transkripsjon' }).click();
    await expect.poll(() => page.getByText('Automatisk utkast').isVisible(), { timeout: 120_000 }).toBe(true);
    expect(await page.locator('.transcript').innerText()).toMatch(/^#00:00:\d\d-\d# S1: /);
    await shot('asr-02-draft-stored');
    // The voices are named once: S1 becomes the participant's code in the whole draft.
    const names = page.getByRole('region', { name: 'Gi talerne navn' });
    await expect.poll(() => names.isVisible()).toBe(true);
    expect(await names.innerText()).toContain('Ingen av dem er lagret.');
    await names.getByLabel('Navn for S1').fill('JS01');
    await shot('asr-06-speaker-names');
    await names.getByRole('button', { name: 'Bruk navnene' }).click();
    await expect.poll(() => page.locator('.transcript').innerText(), { timeout: 30_000 }).toMatch(/^#00:00:\d\d-\d# JS01: /);
    expect(await page.locator('.transcript').innerText()).not.toMatch(/# S1: /);
    await page.getByRole('button', { name: 'Jeg har sjekket utkastet' }).click();
    await expect.poll(() => page.getByText('Automatisk utkast').isVisible(), { timeout: 30_000 }).toBe(false);
    const list = await harness.invoke('transcripts.list', {});
    expect(list).toEqual([expect.objectContaining({ sourceFormat: 'asr', automaticDraft: false })]);
  }, 180_000);

  it('Settings lists the models folder: each file with its size, its kind, and whether it is verified or damaged', async () => {
    const models = path.join(home, 'config', 'models');
    damaged(models, 'skadet');
    await page.getByRole('button', { name: 'Innstillinger' }).click();
    const section = page.getByRole('region', { name: 'Talemodeller' });
    await expect.poll(() => section.getByRole('row', { name: /nb-whisper-test/ }).innerText(), { timeout: 30_000 }).toMatch(/Ikke verifisert/);
    const good = await section.getByRole('row', { name: /nb-whisper-test/ }).innerText();
    expect(good).toMatch(/\d+(,\d)? MiB/);
    expect(good).toContain('whisper other');
    expect(await section.getByRole('row', { name: /skadet/ }).innerText()).toContain('Mappen er ikke en talemodell Hvelv kan bruke');
    await section.scrollIntoViewIfNeeded();
    await shot('asr-03-settings-models');
  }, 60_000);

  it('an M4A recording is decoded in core and drafted: the panel offers the last used model, not a damaged file, and the student can choose another', async () => {
    const models = path.join(home, 'config', 'models');
    // First by name, and damaged: never offered first, not choosable.
    damaged(models, 'a-skadet');
    fs.cpSync(path.join(models, 'nb-whisper-test'), path.join(models, 'z-annen'), { recursive: true });
    // A real AAC file, stereo at 44.1 kHz (a committed fixture, made by ffmpeg): core decodes it (FFmpeg's AAC decoder in WebAssembly), mixes it down and resamples.
    const m4a = path.join(tempDir(), 'intervju.m4a');
    fs.copyFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'audio', 'noise-tone-stereo-44k.m4a'), m4a);
    harness.fileAnswers.push(m4a);
    const chosen = (await harness.invoke('recordings.chooseFile', {})) as { token: string };
    const rec = (await harness.invoke('recordings.import', { jobId: 'job-asr-m4a', code: 'JS01', file: chosen.token })) as { id: string; format: string };
    expect(rec.format).toBe('m4a');
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await page.getByRole('button', { name: 'Åpne opptaket til JS01 (0:06)' }).click();

    const panel = page.getByRole('region', { name: 'Lag et utkast til transkripsjon' });
    const select = panel.getByLabel('Talemodell');
    await expect.poll(() => select.locator('option', { hasText: 'a-skadet' }).innerText(), { timeout: 30_000 }).toContain('kan ikke brukes');
    expect(await select.locator('option', { hasText: 'a-skadet' }).isDisabled()).toBe(true);
    // None is verified (no real model here): the one last used, by the first test.
    expect(await select.inputValue()).toBe('nb-whisper-test');
    expect(await select.locator('option', { hasText: 'z-annen' }).innerText()).toMatch(/z-annen \(\d+ MiB\) – ikke verifisert/);
    await select.selectOption('z-annen');
    await shot('asr-04-m4a-model-choice');
    await panel.getByRole('button', { name: 'Lag et utkast til transkripsjon' }).click();
    await expect.poll(() => page.getByText('Automatisk utkast').isVisible(), { timeout: 150_000 }).toBe(true);
    expect(await page.locator('.transcript').innerText()).toMatch(/^#00:00:\d\d-\d# S\d: /);
    await shot('asr-05-m4a-draft-stored');
    const list = (await harness.invoke('transcripts.list', {})) as { recordingId: string | null; sourceFormat: string; automaticDraft: boolean; syncPointCount: number }[];
    const draft = list.find((t) => t.recordingId === rec.id);
    expect(draft).toMatchObject({ sourceFormat: 'asr', automaticDraft: true });
    expect(draft!.syncPointCount).toBeGreaterThan(0);
    // The choice is remembered: next time this model is offered first.
    expect(((await harness.invoke('asr.models', {})) as { lastModel: string | null }).lastModel).toBe('z-annen');
  }, 240_000);
});
