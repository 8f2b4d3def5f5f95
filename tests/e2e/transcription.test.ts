/**
 * The transcription workspace in Chromium, with a real recording: the waveform computed
 * in core once (at import, or at the first opening) and stored sealed, the page never
 * fetching the recording for it; every default key doing what it says
 * (the player's position, speed and pitch before and after); rewind on resume; a
 * timestamp becoming a sync point at its millisecond; speaker keys and markers;
 * rebinding with conflicts; autosave after typing, on leaving the window, on locking,
 * and on leaving the editor, with a forensic scan of the vault, the temp folder and the
 * browser's profile; a page closed without warning losing at most two seconds; stamps
 * past the end and out of order marked; and axe-core on the workspace. WebHID cannot
 * run here (no device); the pedal's report mapping is tested in tests/core/transcription.test.ts.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newPage, openStudy, screenshot, STUDY_PASSPHRASE, type Harness } from './harness';
import { findNeedles, listFiles, recentTempFiles, tempDir } from '../core/helpers';
import { makeSpeechLikeWav } from './audio-fixture';
import { peakCount } from '@shared/audio-fold';
import { recordConsent } from './study';

let harness: Harness;
let vault: string;
let browser: Browser;
let page: Page;
let problems: string[];
let recordingId: string;
let transcriptId: string;
const started = Date.now();
const shot = (name: string): Promise<void> => screenshot(page, name);

interface PlayerState {
  t: number;
  paused: boolean;
  rate: number;
  pitch: boolean;
}
const player = (): Promise<PlayerState> =>
  page.locator('audio').evaluate((a) => {
    const m = a as unknown as { currentTime: number; paused: boolean; playbackRate: number; preservesPitch: boolean };
    return { t: m.currentTime, paused: m.paused, rate: m.playbackRate, pitch: m.preservesPitch };
  });
/** Pause the player at `seconds` (as a student would by clicking the waveform), waiting until it is there. */
async function pauseAt(seconds: number): Promise<void> {
  await page.locator('audio').evaluate(
    (a, s) =>
      new Promise<void>((resolve) => {
        const m = a as unknown as { pause(): void; currentTime: number; addEventListener(e: string, f: () => void, o: unknown): void };
        m.pause();
        m.addEventListener('seeked', () => resolve(), { once: true });
        m.currentTime = s;
      }),
    seconds,
  );
}
/** Press `key` and say where playback started from (read in the media element's own 'play' event, so a loaded machine's delay does not move it). */
async function playedFrom(key: string): Promise<number> {
  await page.locator('audio').evaluate((a) => {
    const m = a as unknown as { currentTime: number; dataset: Record<string, string>; addEventListener(e: string, f: () => void, o: unknown): void };
    m.addEventListener('play', () => (m.dataset.playedFrom = String(m.currentTime)), { once: true });
  });
  await page.keyboard.press(key);
  await expect.poll(() => page.locator('audio').getAttribute('data-played-from')).not.toBeNull();
  const at = Number(await page.locator('audio').getAttribute('data-played-from'));
  await page.locator('audio').evaluate((a) => delete (a as unknown as { dataset: Record<string, string> }).dataset.playedFrom);
  return at;
}
/** The editor's text: its lines as CodeMirror draws them (all of them are on screen at the sizes typed here). */
const editorText = async (): Promise<string> => (await page.locator('#tx-editor .cm-line').allTextContents()).join('\n');
/** Where the caret is in the editor's text, read from the page's selection (the editor is in a shadow root). */
const caretAt = (): Promise<number> =>
  page.locator('#tx-editor').evaluate((el) => {
    const root = el.getRootNode() as unknown as { getSelection(): { focusNode: unknown; focusOffset: number } };
    const sel = root.getSelection();
    const doc = (el as unknown as { ownerDocument: { createRange(): { setStart(n: unknown, o: number): void; setEnd(n: unknown, o: number): void; toString(): string } } }).ownerDocument;
    const r = doc.createRange();
    r.setStart(el, 0);
    r.setEnd(sel.focusNode, sel.focusOffset);
    return r.toString().length;
  });
const stored = async () => (await harness.invoke('transcripts.get', { id: transcriptId })) as { text: string; syncPoints: { offset: number; ms: number }[] };

async function openWorkspace(): Promise<void> {
  await page.getByRole('button', { name: 'Opptak', exact: true }).click();
  await page.getByRole('button', { name: /Åpne opptaket til JS01/ }).click();
  await page.getByRole('button', { name: 'Transkriber' }).click();
  await expect.poll(() => page.getByRole('heading', { name: 'Transkribering av JS01' }).isVisible()).toBe(true);
  await expect.poll(async () => (await player()).t >= 0 && (await page.locator('audio').evaluate((a) => (a as unknown as { readyState: number }).readyState)) >= 1).toBe(true);
}

beforeAll(async () => {
  ({ harness, vault, browser, page, problems } = await openStudy('hvelv-e2e-tx-', {}, 900));
  await harness.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  await recordConsent(harness, 'JS01');
  const wav = path.join(tempDir(), 'intervju.wav');
  makeSpeechLikeWav(wav, 60);
  harness.fileAnswers.push(wav);
  const token = (await harness.invoke('recordings.chooseFile', {})) as { token: string };
  recordingId = ((await harness.invoke('recordings.import', { jobId: 'tx-test-1', code: 'JS01', file: token.token })) as { id: string }).id;
  transcriptId = ((await harness.invoke('transcripts.create', { code: 'JS01', recordingId })) as { id: string }).id;
  await page.goto(harness.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('the transcription workspace in Chromium', () => {
  it('opens beside the player; the waveform is computed in core (at import, or the first opening) and stored sealed, without the page fetching the recording', async () => {
    // Computed at import, from the sealed copy.
    const atImport = Buffer.from((await harness.invoke('recordings.peaks', { id: recordingId })) as string, 'base64');
    expect(atImport.length).toBe(600); // ten a second for 60 s
    // A recording imported before core computed waveforms: none stored.
    harness.sessions.require().stores.recordings.delete('recording_peaks', recordingId);
    expect(await harness.invoke('recordings.peaks', { id: recordingId })).toBeNull();
    // Every request for the recording the page makes: the player's (ranges, as media), never a fetch of the whole file.
    const asked: { type: string; range: string | null }[] = [];
    const onRequest = (r: import('playwright-core').Request) => {
      if (r.url().includes('/media/')) asked.push({ type: r.resourceType(), range: r.headers()['range'] ?? null });
    };
    page.on('request', onRequest);
    await openWorkspace();
    await expect.poll(() => page.locator('.tx-wave').getAttribute('data-peaks'), { timeout: 15_000 }).toBe('600');
    page.off('request', onRequest);
    const peaks = Buffer.from((await harness.invoke('recordings.peaks', { id: recordingId })) as string, 'base64');
    expect(peaks).toEqual(atImport);
    // The recording has pauses: the peaks are not all alike.
    expect(Math.max(...peaks)).toBeGreaterThan(150);
    expect(peaks.filter((p) => p < 5).length).toBeGreaterThan(30);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter((a) => a.type !== 'media')).toEqual([]);
    await expect.poll(() => page.getByText('Lager bølgeform …').count()).toBe(0);
    expect(await page.getByText('Ingen endringer ennå').isVisible()).toBe(true);
    expect(problems).toEqual([]);
  });

  it('each default key does what it says to the player', async () => {
    const editor = page.locator('#tx-editor');
    await editor.focus();
    await pauseAt(20);
    const after = async (key: string) => {
      await page.keyboard.press(key);
      return player();
    };
    expect((await after('F1')).t).toBeCloseTo(15, 3);
    expect((await after('Alt+ArrowLeft')).t).toBeCloseTo(10, 3);
    expect((await after('F2')).t).toBeCloseTo(15, 3);
    expect((await after('Alt+ArrowRight')).t).toBeCloseTo(20, 3);
    await pauseAt(45);
    expect((await after('Alt+Shift+ArrowLeft')).t).toBeCloseTo(15, 3);
    // Speed in steps of 0.1, within 0.5–2.0, pitch kept.
    let s = await after('F3');
    expect(s.rate).toBeCloseTo(0.9, 5);
    expect(s.pitch).toBe(true);
    expect(await page.getByTestId('tx-rate').textContent()).toBe('0,9×');
    for (let i = 0; i < 8; i++) s = await after('F3');
    expect(s.rate).toBeCloseTo(0.5, 5);
    for (let i = 0; i < 20; i++) s = await after('Shift+F3');
    expect(s.rate).toBeCloseTo(2.0, 5);
    expect(s.pitch).toBe(true);
    for (let i = 0; i < 10; i++) s = await after('F3');
    expect(s.rate).toBeCloseTo(1.0, 5);
    // F4 plays and pauses; so does Esc, in the editor.
    expect((await after('F4')).paused).toBe(false);
    await expect.poll(async () => (await player()).t).toBeGreaterThan(15.3);
    expect((await after('F4')).paused).toBe(true);
    expect((await after('Escape')).paused).toBe(false);
    expect((await after('Escape')).paused).toBe(true);
    // Esc outside the editor is left alone (it closes dialogs there).
    await page.getByRole('button', { name: /Tilbake \(kort steg\)/ }).focus();
    expect((await after('Escape')).paused).toBe(true);
    // Ctrl+arrows still move by word in the editor, and do not touch the player.
    await editor.focus();
    await editor.fill('en to tre');
    await page.keyboard.press('End');
    expect(await caretAt()).toBe(9);
    const before = await player();
    await page.keyboard.press('Control+ArrowLeft');
    expect(await caretAt()).toBe(6);
    expect((await player()).t).toBe(before.t);
    await editor.fill('');
  });

  it('the waveform follows a seek while paused, yet asks for no frames while paused (only while playing)', async () => {
    /** Where the red playhead is drawn, as a share of the canvas's width (read from its pixels). */
    const playheadAt = () =>
      page.locator('.tx-wave canvas').evaluate((el) => {
        const c = el as unknown as { width: number; height: number; getContext(k: string): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
        const row = c.getContext('2d').getImageData(0, 1, c.width, 1).data;
        for (let x = 0; x < c.width; x++) if (row[x * 4] === 0xc0 && row[x * 4 + 1] === 0x39 && row[x * 4 + 2] === 0x2b) return x / c.width;
        return -1;
      });
    // Frames the page asks for in one second, counted at the browser's own requestAnimationFrame.
    const framesAsked = () =>
      page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const w = globalThis as unknown as { requestAnimationFrame(f: unknown): number };
            const own = w.requestAnimationFrame;
            let n = 0;
            w.requestAnimationFrame = (f) => {
              n++;
              return own.call(globalThis, f);
            };
            setTimeout(() => {
              w.requestAnimationFrame = own;
              resolve(n);
            }, 1000);
          }),
      );
    await page.locator('#tx-editor').focus();
    await pauseAt(20);
    await expect.poll(playheadAt).toBeCloseTo(20 / 60, 1);
    await pauseAt(45);
    await expect.poll(playheadAt).toBeCloseTo(45 / 60, 1);
    // Polled: a frame asked for just before (the media element's 'pause' event still queued) may fall in the first second.
    await expect.poll(framesAsked, { timeout: 10_000 }).toBe(0);
    await page.keyboard.press('F4');
    expect((await player()).paused).toBe(false);
    expect(await framesAsked()).toBeGreaterThan(10);
    await page.keyboard.press('F4');
    expect((await player()).paused).toBe(true);
    await expect.poll(framesAsked, { timeout: 10_000 }).toBe(0);
  });

  it('resuming rewinds by two seconds (the default)', async () => {
    await page.locator('#tx-editor').focus();
    await pauseAt(30);
    await page.keyboard.press('F4');
    await expect.poll(async () => (await player()).t, { timeout: 5000 }).toBeGreaterThan(31);
    await page.keyboard.press('F4');
    const pausedAt = (await player()).t;
    await page.keyboard.press('F4');
    const resumed = await player();
    expect(resumed.paused).toBe(false);
    expect(resumed.t).toBeGreaterThanOrEqual(pausedAt - 2 - 0.001);
    expect(resumed.t).toBeLessThan(pausedAt - 2 + 0.3);
    await page.keyboard.press('F4');
  });

  it('at the edges: resuming at 0 stays at 0, resuming at the end rewinds from the end (not from 0), stamps at 0 ms and at the last tenth', async () => {
    const editor = page.locator('#tx-editor');
    await editor.focus();
    // Played and paused with F4 a moment after the start: resuming cannot rewind past 0.
    await pauseAt(0);
    await page.keyboard.press('F4');
    await page.keyboard.press('F4');
    const pausedAt = (await player()).t;
    expect(pausedAt).toBeLessThan(2);
    let startedAt = await playedFrom('F4');
    expect(startedAt).toBeGreaterThanOrEqual(0);
    expect(startedAt).toBeLessThan(0.3);
    await page.keyboard.press('F4');
    // Played to the end (or put there): resuming starts two seconds before the end, where the student was.
    const duration = await page.locator('audio').evaluate((a) => (a as unknown as { duration: number }).duration);
    await pauseAt(duration);
    expect(await page.locator('audio').evaluate((a) => (a as unknown as { ended: boolean }).ended)).toBe(true);
    startedAt = await playedFrom('F4');
    expect(startedAt).toBeGreaterThanOrEqual(duration - 2 - 0.001);
    expect(startedAt).toBeLessThan(duration - 2 + 0.3);
    expect((await player()).paused).toBe(false);
    await page.keyboard.press('F4');
    // Stamps at the very start and at the very end are right, and the check finds nothing wrong with them.
    await editor.fill('');
    await pauseAt(0);
    await page.keyboard.press('Control+T');
    await pauseAt(duration);
    await page.keyboard.press('Control+T');
    expect(await editorText()).toBe('#00:00:00-0# #00:01:00-0# ');
    await expect.poll(async () => (await stored()).syncPoints, { timeout: 4000 }).toEqual([
      { offset: 0, ms: 0 },
      { offset: 13, ms: 60000 },
    ]);
    await expect.poll(() => page.getByRole('region', { name: 'Tidskoder som ikke stemmer' }).getByText('Alle tidskodene ligger innenfor opptaket og i rekkefølge.').count()).toBe(1);
    await editor.fill('');
  });

  it('Option+2 on a Norwegian Mac types @ and Option+8 types [: the marker keys (Alt+1…6) do not take them', async () => {
    const editor = page.locator('#tx-editor');
    await editor.fill('');
    await editor.focus();
    // A real key press cannot be given another layout here; the event a Mac sends can.
    const press = (key: string, code: string) =>
      editor.evaluate(
        (el, k) => {
          const KE = (globalThis as unknown as { KeyboardEvent: new (type: string, init: object) => unknown }).KeyboardEvent;
          return (el as unknown as { dispatchEvent(e: unknown): boolean }).dispatchEvent(new KE('keydown', { key: k.key, code: k.code, altKey: true, bubbles: true, cancelable: true }));
        },
        { key, code },
      );
    expect(await press('@', 'Digit2')).toBe(true); // not prevented: the browser types the @
    expect(await press('[', 'Digit8')).toBe(true);
    expect(await editorText()).toBe('');
    // On Windows and Linux Alt+2 is the marker key, as before.
    expect(await press('2', 'Digit2')).toBe(false);
    expect(await editorText()).not.toBe('');
    await editor.fill('');
  });

  it('Ctrl+T and F8 stamp the playing time in f4 style, and the stamp is a sync point at its millisecond', async () => {
    const editor = page.locator('#tx-editor');
    await editor.focus();
    await pauseAt(7.34);
    await page.keyboard.press('Control+T');
    await page.keyboard.type('Hva gjør du på jobb?');
    await pauseAt(12.08);
    await page.keyboard.press('Enter');
    await page.keyboard.press('F8');
    expect(await editorText()).toBe('#00:00:07-3# Hva gjør du på jobb?\n#00:00:12-0# ');
    await expect.poll(async () => (await stored()).syncPoints, { timeout: 4000 }).toEqual([
      { offset: 0, ms: 7300 },
      { offset: '#00:00:07-3# Hva gjør du på jobb?\n'.length, ms: 12000 },
    ]);
    // Undo and redo are the editor's own, in memory (the browser groups what was typed).
    await page.keyboard.press('Control+Z');
    expect(await editorText()).not.toContain('#00:00:12-0#');
    expect(await editorText()).toMatch(/^#00:00:07-3# Hva/);
    await page.keyboard.press('Control+Shift+Z');
    expect(await editorText()).toBe('#00:00:07-3# Hva gjør du på jobb?\n#00:00:12-0# ');
  });

  it('speaker keys start a turn with the label, Ctrl+Enter the next speaker, Alt+1 a marker with the time', async () => {
    const editor = page.locator('#tx-editor');
    await editor.fill('');
    await pauseAt(4.1);
    await page.keyboard.press('Control+1');
    await page.keyboard.type('Fortell om jobben.');
    await pauseAt(9.5);
    await page.keyboard.press('Control+2');
    await page.keyboard.type('Ja, det er');
    await pauseAt(11.25);
    await page.keyboard.press('Alt+1');
    await page.keyboard.type(' fint.');
    await pauseAt(15);
    await page.keyboard.press('Control+Enter');
    await page.keyboard.type('Og så?');
    expect(await editorText()).toBe('#00:00:04-1# I: Fortell om jobben.\n#00:00:09-5# B: Ja, det er(uforståelig #00:00:11-2#) fint.\n#00:00:15-0# I: Og så?');
    // The participant's real first name as a speaker label is refused, in Norwegian, and not saved.
    await page.getByText('Talere', { exact: true }).click();
    await page.getByLabel('Taler 3').fill('Ragnhild');
    await page.getByLabel('Taler 3').press('Enter');
    await expect.poll(() => page.getByText('En talerbetegnelse kan ikke være et navn fra navnelisten').isVisible()).toBe(true);
    expect(((await harness.invoke('transcripts.get', { id: transcriptId })) as { speakers: string[] }).speakers).toEqual(['I', 'B']);
    await page.getByLabel('Taler 3').fill('');
    await page.getByLabel('Taler 3').press('Enter');
    await page.getByText('Talere', { exact: true }).click();
  });

  it('plays with the turn highlighted and the waveform showing what is played (screenshot)', async () => {
    await pauseAt(10);
    await page.locator('#tx-editor').focus();
    await page.keyboard.press('F4');
    await expect.poll(async () => (await player()).t, { timeout: 5000 }).toBeGreaterThan(10.5);
    await expect.poll(() => page.locator('#tx-editor .tx-turn').allTextContents().then((s) => s.join('')), { timeout: 5000 }).toContain('B: Ja, det er');
    await page.keyboard.press('Control+L');
    await expect.poll(() => page.getByText('Gjentar 0:09–0:11').isVisible(), { timeout: 5000 }).toBe(true);
    await shot('60-transcription-playing');
    await page.keyboard.press('Control+L');
    await page.keyboard.press('F4');
  });

  it('in the editor, a click inside a timestamp seeks there and plays; words a draft was unsure of are marked', async () => {
    await pauseAt(30);
    await page.locator('#tx-editor .tx-stamp', { hasText: '#00:00:09-5#' }).click();
    await expect.poll(async () => (await player()).paused).toBe(false);
    const s = await player();
    expect(s.t).toBeGreaterThanOrEqual(9.5);
    expect(s.t).toBeLessThan(12);
    await page.keyboard.press('F4');
    const editor = page.locator('#tx-editor');
    await editor.press('Control+End');
    await page.keyboard.type(' (?kanskje det?)');
    await expect.poll(() => page.locator('#tx-editor .tx-unsure').allTextContents()).toEqual(['(?kanskje det?)']);
    for (let i = 0; i < ' (?kanskje det?)'.length; i++) await page.keyboard.press('Backspace');
    expect(await editorText()).toBe('#00:00:04-1# I: Fortell om jobben.\n#00:00:09-5# B: Ja, det er(uforståelig #00:00:11-2#) fint.\n#00:00:15-0# I: Og så?');
  });
});

describe('autosave', () => {
  const bytesOf = (s: string) => [Buffer.from(s, 'utf8'), Buffer.from(s, 'utf16le')];
  /** Every file the typed words could have reached: the vault, the run's temp folder, and Chromium's profile. */
  function filesToScan(): string[] {
    const profiles = fs.readdirSync(os.tmpdir()).filter((d) => d.startsWith('playwright_chromiumdev_profile-'));
    expect(profiles.length).toBeGreaterThan(0);
    const all = [...listFiles(vault), ...recentTempFiles(started), ...profiles.flatMap((d) => listFiles(path.join(os.tmpdir(), d)))];
    // Chromium's singleton socket and lock links are no files to read.
    return all.filter((f) => {
      try {
        return fs.lstatSync(f).isFile();
      } catch {
        return false;
      }
    });
  }

  it('saves within two seconds of typing stopping, sealed: the words are nowhere on disk in clear', async () => {
    const editor = page.locator('#tx-editor');
    await editor.focus();
    await editor.press('Control+End');
    const words = ' Kvernsteinsmakeren Gulbrandsen forteller';
    await page.keyboard.type(words);
    const typedAt = Date.now();
    await expect.poll(async () => (await stored()).text, { timeout: 3000, interval: 100 }).toContain(words.trim());
    expect(Date.now() - typedAt).toBeLessThan(2000 + 500);
    await expect.poll(() => page.getByTestId('tx-save').textContent()).toMatch(/^Lagret kl\. \d\d[.:]\d\d[.:]\d\d$/);
    await shot('61-transcription-saved');
    expect(findNeedles(filesToScan(), bytesOf('Kvernsteinsmakeren'))).toEqual([]);
  });

  it('saves when the window loses focus, at once', async () => {
    const editor = page.locator('#tx-editor');
    await editor.press('Control+End');
    await page.keyboard.type(' Blåbærsyltetøy');
    // Another window takes the focus: the page gets a real blur.
    const other = await browser.newPage();
    await other.bringToFront();
    await expect.poll(async () => (await stored()).text, { timeout: 900, interval: 50 }).toContain('Blåbærsyltetøy');
    await other.close();
    await page.bringToFront();
  });

  it('saves on lock, before the vault closes', async () => {
    const editor = page.locator('#tx-editor');
    await editor.focus();
    await editor.press('Control+End');
    await page.keyboard.type(' Tyttebærmarmelade');
    await page.getByRole('button', { name: 'Lås' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Lås opp' }).isVisible()).toBe(true);
    await harness.invoke('vault.unlock', { path: vault, passphrase: STUDY_PASSPHRASE });
    expect((await stored()).text).toContain('Tyttebærmarmelade');
    expect(findNeedles(filesToScan(), [...bytesOf('Tyttebærmarmelade'), ...bytesOf('Blåbærsyltetøy')])).toEqual([]);
    await page.reload();
  });

  it('leaving the editor keeps what was typed (no edit is lost by navigating away)', async () => {
    await openWorkspace();
    const editor = page.locator('#tx-editor');
    await editor.focus();
    await editor.press('Control+End');
    await page.keyboard.type(' Multekrem');
    await page.getByRole('button', { name: 'Oversikt' }).click();
    await expect.poll(async () => (await stored()).text, { timeout: 1500, interval: 50 }).toContain('Multekrem');
  });

  it('a page closed without warning loses at most the last two seconds of typing', async () => {
    await openWorkspace();
    const editor = page.locator('#tx-editor');
    await editor.focus();
    await editor.press('Control+End');
    // Type on without a pause for five seconds: the debounce alone would save nothing.
    const typed: { at: number; text: string }[] = [];
    let text = '';
    const t0 = Date.now();
    for (let i = 0; Date.now() - t0 < 5000; i++) {
      const w = ` ord${i}`;
      await page.keyboard.type(w);
      text += w;
      typed.push({ at: Date.now(), text });
    }
    const closedAt = Date.now();
    await page.close({ runBeforeUnload: false });
    const saved = (await stored()).text;
    // Everything typed up to two seconds (and a save's round trip) before the crash is there.
    const mustHave = [...typed].reverse().find((x) => x.at < closedAt - 2000 - 250)!;
    const lastWord = mustHave.text.slice(mustHave.text.lastIndexOf(' '));
    expect(saved.includes(mustHave.text), `closed ${closedAt - typed[0]!.at} ms after the first word, ${typed.length} words; must have up to${lastWord}; saved: ${saved.slice(saved.indexOf(" ord0"), saved.indexOf(" ord0") + 700)}`).toBe(true);
    ({ page, problems } = await newPage(browser, 900));
    await page.goto(harness.url);
  });
});

describe('keys in Settings', () => {
  it('lists every binding, shows a conflict as it happens, refuses it, and saves a new key that then works', async () => {
    await page.getByRole('button', { name: 'Innstillinger' }).click();
    const change = page.getByRole('button', { name: 'Endre taster for Gjenta turen som spilles' });
    await change.click();
    await page.keyboard.press('F4');
    await expect.poll(() => page.getByText('F4 er brukt av både Spill av / pause og Gjenta turen som spilles.').count()).toBe(2);
    expect(await page.getByRole('button', { name: 'Lagre tastene' }).isDisabled()).toBe(true);
    await shot('62-transcription-keys-conflict');
    // A key the editor needs is refused too.
    await page.getByRole('button', { name: 'Endre taster for Saktere' }).click();
    await page.keyboard.press('Control+ArrowLeft');
    await expect.poll(() => page.getByText('Ctrl+ArrowLeft trengs til skriving, redigering eller skjermleser og kan ikke brukes.').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Fjern Ctrl+ArrowLeft fra Saktere' }).click();
    await page.getByRole('button', { name: 'Fjern F4 fra Gjenta turen som spilles' }).click();
    await change.click();
    await page.keyboard.press('F9');
    await page.getByLabel('Spol tilbake ved fortsettelse (sekunder, 0–5)').fill('4');
    // Leaving with changes not saved asks first (issue 15: no typed input lost silently).
    await page.getByRole('button', { name: 'Oversikt' }).click();
    const leave = page.getByRole('alertdialog', { name: 'Forlate uten å lagre?' });
    await expect.poll(() => leave.isVisible()).toBe(true);
    await shot('65-leave-unsaved');
    await leave.getByRole('button', { name: 'Bli her' }).click();
    expect(await page.getByLabel('Spol tilbake ved fortsettelse (sekunder, 0–5)').inputValue()).toBe('4');
    await page.getByRole('button', { name: 'Lagre tastene' }).click();
    await expect.poll(() => page.getByText('Tastene er lagret.').isVisible()).toBe(true);
    expect(((await harness.invoke('transcription.settings', {})) as { bindings: Record<string, string[]> }).bindings.loop).toEqual(['Ctrl+L', 'F9']);
    // Main refuses a conflicting set whatever the page says.
    await expect(harness.invoke('transcription.saveSettings', { bindings: { loop: ['F4'] }, playback: { rewindOnResumeMs: 2000, skipMs: 5000, longSkipMs: 30000 }, pedals: { left: 'back', middle: 'playPause', right: 'forward' } })).rejects.toThrow(/KEY_CONFLICT/);
    // Saved: leaving asks nothing.
    await openWorkspace();
    expect(await page.getByRole('alertdialog').count()).toBe(0);
    // The screen reader hears the keys as they are bound now, not the defaults.
    expect(await page.locator('#tx-keys-help').textContent()).toContain('Gjenta turen som spilles: Ctrl+L, F9');
    await page.locator('#tx-editor').focus();
    await pauseAt(12);
    await page.keyboard.press('F4');
    await expect.poll(async () => (await player()).t, { timeout: 5000 }).toBeGreaterThan(12.3);
    await page.keyboard.press('F9');
    await expect.poll(() => page.getByText(/^Gjentar /).isVisible()).toBe(true);
    await page.keyboard.press('F4');
    // The rewind is now four seconds.
    const p = (await player()).t;
    await page.keyboard.press('F4');
    expect((await player()).t).toBeLessThan(p - 4 + 0.3);
    await page.keyboard.press('F4');
  });
});

describe('timestamps that cannot be right, and accessibility', () => {
  it('marks stamps past the end and out of order in the view and in their own check', async () => {
    await harness.invoke('transcripts.update', { id: transcriptId, text: '#00:00:04-1# I: Hei.\n#00:00:20-0# B: Ja.\n#00:00:10-0# I: Feil rekkefølge.\n#00:03:15-0# B: Etter slutten.\n' });
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await page.getByRole('button', { name: /Åpne opptaket til JS01/ }).click();
    const check = page.getByRole('region', { name: 'Tidskoder som ikke stemmer' });
    await expect.poll(() => check.getByText('#00:03:15-0# er etter slutten av opptaket (1:00)').isVisible()).toBe(true);
    expect(await check.getByText('#00:00:10-0# kommer etter en senere tidskode').isVisible()).toBe(true);
    // The stamp's name starts with what it shows, and says what is wrong with it.
    const late = page.getByRole('button', { name: '#00:03:15-0# – Hopp til 3:15 (etter slutten av opptaket)' });
    await late.click();
    await expect.poll(() => page.getByText('Tidskoden #00:03:15-0# er etter slutten av opptaket (1:00).').isVisible()).toBe(true);
    await shot('63-recording-stamp-check');
    await axeCheck('recording view');
  });

  it('axe-core finds nothing serious on the workspace', async () => {
    await page.getByRole('button', { name: 'Transkriber' }).click();
    await expect.poll(() => page.getByRole('region', { name: 'Tidskoder som ikke stemmer' }).getByText(/etter slutten av opptaket/).isVisible()).toBe(true);
    await shot('64-transcription-stamp-issues');
    await axeCheck('workspace');
    expect(problems).toEqual([]);
  });
});

describe('the waveform of an M4A', () => {
  it('M4A: made by core when first shown (FFmpeg’s AAC decoder in WebAssembly, in the decode worker; not at import, as its frame table may come last), the page fetches nothing for it', async () => {
    await harness.invoke('participants.add', { identity: { name: 'Maren Mp4' } });
    await recordConsent(harness, 'JS02');
    harness.fileAnswers.push(path.join(import.meta.dirname, '..', 'fixtures', 'audio', 'tone.m4a'));
    const token = (await harness.invoke('recordings.chooseFile', {})) as { token: string };
    const imported = (await harness.invoke('recordings.import', { jobId: 'tx-test-m4a', code: 'JS02', file: token.token })) as { id: string; durationMs: number };
    const m4a = imported.id;
    // Core's buckets for the declared length (2.064 s: ffmpeg's AAC priming counts): 21.
    const buckets = peakCount(imported.durationMs);
    expect(buckets).toBe(21);
    await harness.invoke('transcripts.create', { code: 'JS02', recordingId: m4a });
    // Not made at import: an MP4 is not folded as it streams.
    expect(await harness.invoke('recordings.peaks', { id: m4a })).toBeNull();
    const fetched: (string | undefined)[] = [];
    const onRequest = (r: import('playwright-core').Request) => {
      if (r.url().includes(`/media/recording/${m4a}`) && r.resourceType() === 'fetch') fetched.push(r.headers()['range']);
    };
    page.on('request', onRequest);
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await page.getByRole('button', { name: /Åpne opptaket til JS02/ }).click();
    await page.getByRole('button', { name: 'Transkriber' }).click();
    await expect.poll(() => page.locator('.tx-wave').getAttribute('data-peaks'), { timeout: 15_000 }).toBe(String(buckets));
    page.off('request', onRequest);
    // The page decoded nothing (its fetch()es of the recording were its own decode's; the player's <audio> is no fetch).
    expect(fetched).toEqual([]);
    // Made by core when the workspace asked for it, and stored.
    const peaks = Buffer.from((await harness.invoke('recordings.peaks', { id: m4a })) as string, 'base64');
    expect(peaks.length).toBe(buckets);
    expect(peaks.slice(2, -2).every((p) => p > 20)).toBe(true);
    await page.getByRole('button', { name: '← Tilbake til opptaket' }).click();
    expect(problems).toEqual([]);
  });
});

const AXE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core in the page (evaluated over the DevTools protocol, so the page's CSP stays as it is). */
async function axeCheck(where: string): Promise<void> {
  await page.evaluate(AXE);
  const found = (await page.evaluate(`axe.run(document, { rules: { 'label-content-name-mismatch': { enabled: true } } })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) })))`)) as unknown[];
  expect(found, where).toEqual([]);
}
