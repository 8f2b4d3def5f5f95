/**
 * Settings → Talemodeller in Chromium, in Norwegian: the known models with size, language,
 * expected time and whether their SHA-256 is known; a download from a server on
 * 127.0.0.1 (the list's address for the test) with its progress bar and Cancel, then a
 * whole one, listed as verified; and Remove after a confirmation. The page itself makes
 * no request: main downloads.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { tempDir } from '../core/helpers';
import { modelArchive } from '../core/model-archive';
import type { KnownModel } from '../../electron/core/services/asr/models';

let harness: Harness;
let browser: Browser;
let page: Page;
let home: string;
let server: http.Server;
/** The server holds back the archive's second half until the test lets it go. */
let release: () => void = () => {};
const shot = (name: string): Promise<void> => screenshot(page, name);

beforeAll(async () => {
  const made = modelArchive(tempDir('hvelv-e2e-models-'), 'sherpa-onnx-whisper-micro');
  server = http.createServer((req, res) => {
    res.setHeader('content-length', made.archive.length);
    const half = made.archive.length >> 1;
    res.write(made.archive.subarray(0, half));
    const go = () => res.end(made.archive.subarray(half));
    if (req.url === '/held.tar.bz2') release = go;
    else go();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const list: KnownModel[] = [
    { id: 'whisper-micro', name: 'Whisper micro (test)', family: 'openai', languages: ['nb', 'en'], layers: 1, url: `${base}/held.tar.bz2`, licence: 'MIT', archiveBytes: made.archive.length, sha256: made.sha256, files: null },
    { id: 'whisper-uten-hash', name: 'Whisper uten hash (test)', family: 'openai', languages: ['nb', 'en'], layers: 24, url: `${base}/m.tar.bz2`, licence: 'MIT', archiveBytes: null, sha256: null, files: null },
  ];
  ({ harness, browser, page, home } = await openStudy('hvelv-e2e-models-', {}, 900, undefined, list));
  await page.goto(harness.url);
}, 120_000);

afterAll(async () => {
  release();
  server?.close();
  await browser?.close();
  await harness?.close();
});

describe('the model manager in Chromium', () => {
  it('downloads a known model with a progress bar and Cancel, lists it verified, and removes it after asking', async () => {
    await page.getByRole('button', { name: 'Innstillinger' }).click();
    const section = page.getByRole('region', { name: 'Talemodeller' });
    const row = section.getByRole('row', { name: /^Whisper micro \(test\)/ });
    await expect.poll(() => row.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await row.innerText()).toMatch(/SHA-256 kjent/);
    expect(await row.innerText()).toMatch(/Språk: Norsk, Engelsk/);
    expect(await section.getByRole('row', { name: /uten hash/ }).innerText()).toMatch(/Ukjent: blir «ikke verifisert»/);
    expect(await section.innerText()).toContain('Ingen modellfiler ennå.');
    await section.scrollIntoViewIfNeeded();
    await shot('models-01-settings-list');

    // Started, held at half: the bar shows the bytes; Cancel keeps nothing.
    await section.getByRole('button', { name: 'Last ned Whisper micro (test)' }).click();
    const bar = section.getByRole('status').filter({ hasText: 'Laster ned' });
    await expect.poll(() => bar.innerText(), { timeout: 30_000 }).toMatch(/Laster ned Whisper micro \(test\): [\d,]+ av [\d,]+ MiB/);
    expect(await section.getByRole('button', { name: /Last ned Whisper uten hash/ }).isDisabled()).toBe(true);
    await shot('models-02-download-progress');
    await section.getByRole('button', { name: 'Avbryt nedlastingen' }).click();
    await expect.poll(() => section.getByRole('alert').innerText(), { timeout: 30_000 }).toContain('Avbrutt. Ingenting ble lagret.');
    expect(fs.readdirSync(path.join(home, 'config', 'models'))).toEqual([]);

    // Again, let through: installed, verified, with its expected time.
    await section.getByRole('button', { name: 'Last ned Whisper micro (test)' }).click();
    await expect.poll(() => section.getByRole('status').filter({ hasText: 'Laster ned' }).count(), { timeout: 30_000 }).toBe(1);
    release();
    await expect.poll(() => section.innerText(), { timeout: 60_000 }).toContain('Whisper micro (test) er installert og klar til bruk.');
    const installed = section.getByRole('row', { name: /^whisper-micro/ });
    await expect.poll(() => installed.innerText(), { timeout: 30_000 }).toMatch(/Verifisert: Whisper micro \(test\)/);
    expect(await row.innerText()).toContain('Installert');
    await shot('models-03-installed');

    // Remove asks first; No keeps it, Yes removes the folder.
    await section.getByRole('button', { name: 'Fjern whisper-micro' }).click();
    await section.getByRole('button', { name: 'Nei' }).click();
    expect(fs.readdirSync(path.join(home, 'config', 'models'))).toEqual(['whisper-micro']);
    await section.getByRole('button', { name: 'Fjern whisper-micro' }).click();
    await shot('models-04-remove-confirm');
    await section.getByRole('button', { name: 'Ja, fjern' }).click();
    await expect.poll(() => section.innerText(), { timeout: 30_000 }).toContain('whisper-micro er fjernet.');
    expect(fs.readdirSync(path.join(home, 'config', 'models'))).toEqual([]);
  }, 180_000);
});
