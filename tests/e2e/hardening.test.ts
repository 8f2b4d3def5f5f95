/**
 * Issue 14 in Chromium: a recording played in the app never reaches the browser's own
 * disk or media cache (every media response says Cache-Control: no-store), checked by
 * reading every file of the browser profile afterwards; and a consent recorded after
 * the fact is shown as such.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromiumWithProfile, screenshot, startHarness, STUDY_PASSPHRASE, type Harness } from './harness';
import { findNeedles, listFiles, makeWav, tempDir } from '../core/helpers';
import { Recordings } from '../../electron/core/services/recordings/recordings';

let harness: Harness;
let home: string;

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-e2e-h-'));
  harness = await startHarness({ home, locale: 'nb-NO' });
  await harness.invoke('vault.create', {
    path: path.join(home, 'Documents', 'Hvelv', 'studie'),
    passphrase: STUDY_PASSPHRASE,
    project: { title: 'Relasjonsarbeid', institution: '', faculty: '', student: 'Turid', supervisor: 'Gurli', siktRef: '1', endDate: '2031-05-30', endAction: 'anonymise', codePrefix: 'JS' },
  });
  await harness.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  // Signed on paper before the vault existed: recorded afterwards.
  await harness.invoke('consent.record', { code: 'JS01', date: '2025-09-15', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null, unfinishedLetter: true });
});

afterAll(async () => {
  await harness?.close();
});

describe('the browser keeps no copy of a played recording', () => {
  it('after playing a recording to the end, no file in the browser profile holds any of its audio', async () => {
    const wav = path.join(tempDir(), 'intervju.wav');
    const bytes = makeWav(wav, 20, 77);
    const rec = await new Recordings(harness.sessions.current!, () => new Date()).import('JS01', wav);
    const profile = tempDir('hvelv-chromium-profile-');
    const context = await launchChromiumWithProfile(profile);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(harness.url);
      const headers: string[] = [];
      page.on('response', (r) => {
        if (r.url().includes('/media/')) headers.push(r.headers()['cache-control'] ?? '(none)');
      });
      // Played twice, with a seek between: range requests and a replay, as a listener does.
      const played = await page.evaluate(async (src) => {
        interface Player {
          muted: boolean;
          playbackRate: number;
          currentTime: number;
          duration: number;
          error: { code: number } | null;
          onended: (() => void) | null;
          onerror: (() => void) | null;
          play(): Promise<void>;
        }
        const a = new (globalThis as unknown as { Audio: new (src: string) => Player }).Audio(src);
        a.muted = true;
        a.playbackRate = 16;
        const end = () => new Promise<void>((resolve, reject) => {
          a.onended = () => resolve();
          a.onerror = () => reject(new Error(`media error ${a.error?.code}`));
        });
        await a.play();
        await end();
        a.currentTime = 12;
        await a.play();
        await end();
        return a.duration;
      }, `/media/recording/${rec.id}`);
      expect(played).toBeGreaterThan(19.9);
      expect(headers.length).toBeGreaterThan(0);
      expect(headers.every((h) => h === 'no-store')).toBe(true);
    } finally {
      await context.close();
    }
    // Needles from across the audio (past the header): 4 KiB each, every one unique to this file.
    const needles = [0.1, 0.3, 0.5, 0.7, 0.9].map((f) => bytes.subarray(44 + Math.floor((f * (bytes.length - 4200)) / 2) * 2, 44 + Math.floor((f * (bytes.length - 4200)) / 2) * 2 + 4096));
    const files = listFiles(profile);
    // The scan can see a cache: the app's own script (served without no-store) is in it.
    const assets = path.join(import.meta.dirname, '..', '..', 'out', 'renderer', 'assets');
    const script = fs.readFileSync(path.join(assets, fs.readdirSync(assets).find((f) => f.endsWith('.js'))!));
    expect(findNeedles(files, [script.subarray(script.length - 4096)]).length).toBeGreaterThan(0);
    expect(findNeedles(files, needles)).toEqual([]);
  });
});

describe('a consent recorded after the fact', () => {
  it('is shown on the participant as recorded afterwards, with the day it was entered', async () => {
    const profile = tempDir('hvelv-chromium-profile-');
    const context = await launchChromiumWithProfile(profile);
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(harness.url);
      await page.getByRole('button', { name: 'Deltakere' }).click();
      await page.getByRole('button', { name: 'Åpne JS01' }).click();
      await expect.poll(() => page.getByText(/Gitt 15\. september 2025/).isVisible()).toBe(true);
      await expect.poll(() => page.getByText(/^Registrert i ettertid \(\d+\. \w+ \d{4}\)$/).isVisible()).toBe(true);
      await screenshot(page, '50-consent-recorded-afterwards');
    } finally {
      await context.close();
    }
  });
});
