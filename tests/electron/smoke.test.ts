/**
 * The real app, in a real Electron, wherever a binary exists: `node_modules/electron/dist`
 * after `npm install` with internet, or the binary HVELV_ELECTRON names. On the machines
 * Hvelv is built on no Electron binary can be downloaded, so this file says it was skipped;
 * tests/main/ covers the same layer through a fake of the electron module (the README
 * says which parts were proven where).
 *
 * What it proves that only a real Electron can: the exact strings Electron passes to our
 * checks (the window's calls answered), the page's fetch and the audio element's ranges
 * through app://hvelv/media/, the PDF printed from app://hvelv/print/, the speech worker as
 * a utility process, the screen lock's path, and the headless `enforce` entry with no display.
 * Dialogs are answered by replacing Electron's dialog functions in main (Playwright's
 * evaluate); the user-data folder is HVELV_TEST_USERDATA, read only by a development build.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeWav, tempDir } from '../core/helpers';
import { finishLetter, type Harness } from '../e2e/harness';
import { writeTestModel } from '../../scripts/make-test-model';

const ROOT = path.join(import.meta.dirname, '..', '..');

/** The Electron binary to run, or why there is none. */
export function electronBinary(env: NodeJS.ProcessEnv = process.env): { path: string } | { missing: string } {
  if (env.HVELV_ELECTRON) return fs.existsSync(env.HVELV_ELECTRON) ? { path: env.HVELV_ELECTRON } : { missing: `HVELV_ELECTRON names ${env.HVELV_ELECTRON}, which does not exist` };
  try {
    // node_modules/electron/index.js gives the binary's path, and throws when the download failed.
    const p = createRequire(import.meta.url)('electron') as unknown;
    if (typeof p === 'string' && fs.existsSync(p)) return { path: p };
  } catch {
    // fall through
  }
  return { missing: 'no Electron binary (npm install could not download one here; set HVELV_ELECTRON to run this)' };
}

const bin = electronBinary();
const why = 'missing' in bin ? bin.missing : '';

describe.skipIf('missing' in bin)(`the real app in Electron${why ? ` (skipped: ${why})` : ''}`, () => {
  let app: ElectronApplication;
  let page: Page;
  let home: string;
  const invoke = async <T>(method: string, input: unknown = {}): Promise<T> => {
    const r = (await page.evaluate(([m, i]) => (globalThis as unknown as { hvelv: { invoke(m: string, i: unknown): Promise<unknown> } }).hvelv.invoke(m as string, i), [method, input] as const)) as { ok: boolean; value: T; error?: { code: string } };
    if (!r.ok) throw new Error(`${method}: ${r.error?.code}`);
    return r.value;
  };
  /** The next open/save dialog answers with this path. */
  const answer = (kind: 'open' | 'save', file: string) =>
    app.evaluate(
      ({ dialog }, [k, f]) => {
        if (k === 'open') dialog.showOpenDialog = (async () => ({ canceled: false, filePaths: [f] })) as typeof dialog.showOpenDialog;
        else dialog.showSaveDialog = (async () => ({ canceled: false, filePath: f })) as typeof dialog.showSaveDialog;
      },
      [kind, file] as const,
    );

  beforeAll(async () => {
    // better-sqlite3 for Electron's ABI, as `npm start` makes it.
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'electron-native.mjs')], { stdio: 'inherit', env: { ...process.env, npm_config_runtime: undefined } as NodeJS.ProcessEnv });
    home = tempDir('hvelv-electron-');
    fs.mkdirSync(path.join(home, 'userData', 'models'), { recursive: true });
    writeTestModel(path.join(home, 'userData', 'models', 'nb-whisper-test'), 'micro');
    app = await _electron.launch({ executablePath: (bin as { path: string }).path, args: [ROOT], env: { ...process.env, HVELV_TEST_USERDATA: path.join(home, 'userData') } as Record<string, string> });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  }, 300_000);

  afterAll(async () => {
    await app?.close();
  });

  it('answers its own window (the sender check with the strings Electron really passes)', async () => {
    expect(await page.evaluate(() => (globalThis as unknown as { location: { origin: string } }).location.origin)).toBe('app://hvelv');
    expect(await invoke<{ version: string }>('app.info')).toMatchObject({ version: expect.any(String) });
  });

  it('makes a vault, imports a recording, plays it in ranges, fetches it for the waveform, prints a PDF and drafts it', async () => {
    const vault = path.join(home, 'Studie');
    await invoke('vault.create', {
      path: vault,
      passphrase: 'korrekt hest batteri stift',
      project: { title: 'Studie', institution: 'VID', faculty: 'Sosialt arbeid', student: 'S', supervisor: 'V', siktRef: '123456', endDate: '2027-06-30', endAction: 'delete-all' },
    });
    await finishLetter({ invoke: (m: string, i: unknown) => invoke(m, i) } as unknown as Harness);
    const { code } = await invoke<{ code: string }>('participants.add', { identity: { name: 'Ragnhild Testesen' } });
    await invoke('consent.record', { code, date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
    const wav = path.join(tempDir(), 'intervju.wav');
    makeWav(wav, 6, 5);
    await answer('open', wav);
    const chosen = await invoke<{ token: string }>('recordings.chooseFile');
    const rec = await invoke<{ id: string }>('recordings.import', { jobId: 'job-smoke', code, file: chosen.token });
    const url = await invoke<string>('recordings.mediaUrl', { id: rec.id });
    // The page's fetch (the waveform of an M4A/WebM) and the audio element's ranges.
    const fetched = await page.evaluate(async (u) => {
      const r = await fetch(u, { headers: { range: 'bytes=0-99' } });
      return { status: r.status, length: (await r.arrayBuffer()).byteLength };
    }, url);
    expect(fetched).toEqual({ status: 206, length: 100 });
    const played = await page.evaluate(
      (u) =>
        new Promise<number>((resolve, reject) => {
          const AudioElement = (globalThis as unknown as { Audio: new (src: string) => { play(): Promise<void>; currentTime: number; error: { code: number } | null; onerror: (() => void) | null } }).Audio;
          const a = new AudioElement(u);
          a.onerror = () => reject(new Error(`media error ${a.error?.code}`));
          void a.play().then(() => setTimeout(() => resolve(a.currentTime), 800), reject);
        }),
      url,
    );
    expect(played).toBeGreaterThan(0);
    expect((await invoke<string | null>('recordings.peaks', { id: rec.id })) ?? '').not.toBe('');

    const pdf = path.join(home, 'skriv.pdf');
    await answer('save', pdf);
    await invoke('forms.export', { version: 1, locale: 'nb', format: 'pdf' });
    expect(fs.readFileSync(pdf).subarray(0, 5).toString()).toBe('%PDF-');

    // Long work with a job id (its progress goes to the page as work-progress): the export
    // writes the recording whole where the save dialog said.
    const exported = path.join(home, 'eksport.wav');
    await answer('save', exported);
    expect(await invoke<string | null>('recordings.export', { id: rec.id, jobId: 'job-smoke-export' })).toBe(exported);
    expect(fs.readFileSync(exported).equals(fs.readFileSync(wav))).toBe(true);
    // The model manager's list is answered from main (no download is asked for here).
    expect((await invoke<{ models: { id: string }[] }>('asr.knownModels')).models.map((m) => m.id)).toContain('whisper-base');

    const draft = await invoke<{ id: string }>('asr.draft', { jobId: 'job-smoke-draft', recordingId: rec.id, model: 'nb-whisper-test', language: 'nb' });
    expect(draft.id).toMatch(/^[0-9a-f]{32}$/);

    await invoke('session.lock');
    expect(await invoke<{ unlocked: boolean }>('session.state')).toEqual({ unlocked: false });
  }, 300_000);

  it('runs the headless enforce entry with no display and exits 0', () => {
    const vault = path.join(home, 'Studie');
    const r = spawnSync((bin as { path: string }).path, [ROOT, '--ozone-platform=headless', 'enforce', vault, '--json'], {
      env: { ...process.env, DISPLAY: '', WAYLAND_DISPLAY: '', HVELV_TEST_USERDATA: path.join(home, 'userData') },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
  }, 180_000);
});
