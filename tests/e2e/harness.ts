/**
 * Test-only stand-in for Electron: serves the built renderer over loopback and
 * implements the preload API (`window.hvelv`) with fetch and server-sent events,
 * backed by the same handler table and dispatch as main. Nothing here ships.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createHandlers, dispatch } from '../../electron/main/handlers';
import type { KnownModel } from '../../electron/core/services/asr/models';
import { mediaResponse, shareMediaResponse } from '../../electron/main/media';
import { CONTENT_SECURITY_POLICY, mediaPath, shareMediaPath } from '../../electron/main/policy';
import { Readable } from 'node:stream';
import { createCrypto } from '../../electron/core/crypto/sodium';
import { AppConfig } from '../../electron/core/services/project/app-config';
import { checkDeadlines } from '../../electron/core/services/project-end/deadline-watch';
import type { AppEvent } from '@shared/contract';
import { TEST_KDF, TEST_KDF_POLICY } from '../core/helpers';
import { expectAccessible } from './axe';
import { browserExecutable } from './browser';
import { unfilledFields } from '@shared/letter';
import type { FormText, FormVersionDto } from '@shared/contract';

export interface Harness {
  url: string;
  /** What the next "choose folder", "choose file" and "save as" dialogs return, in order. */
  folderAnswers: (string | null)[];
  /** The path of a file dropped on the page, by its name (Electron's preload reads it from the File). */
  dropPaths: Map<string, string>;
  fileAnswers: (string | null)[];
  saveAnswers: (string | null)[];
  sessions: ReturnType<typeof createHandlers>['sessions'];
  /**
   * The running app's end-date check, as electron/main/index.ts runs it (at start, hourly, on
   * wake), on this harness's vaults, sessions, events and report of the deletion.
   */
  checkDeadlines(): Promise<{ enforced: string[]; reminded: string[] }>;
  /** The supervisor's open folder (when one is open), as the handlers hold it: a test reads or re-makes a share with it. */
  supervisorFolder: ReturnType<typeof createHandlers>['supervisorFolder'];
  /** How many pages listen to main's events now: an event sent before a page listens is lost to it, as in the app. */
  eventListeners(): number;
  /** Call a handler directly, as the page would, to set up a test. */
  invoke(method: string, input: unknown): Promise<unknown>;
  close(): Promise<void>;
}

const RENDERER = path.join(import.meta.dirname, '..', '..', 'out', 'renderer');
const MIME: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

// The app's own policy, the one the page is served under in Electron (the loopback
// bridge's calls are same-origin, as the recordings are in the app).
const CSP = CONTENT_SECURITY_POLICY;

function bridgeSource(token: string): string {
  return `
window.hvelv = {
  invoke(method, input) {
    return fetch('/__ipc', { method: 'POST', headers: { 'content-type': 'application/json', 'x-hvelv-token': ${JSON.stringify(token)} },
      body: JSON.stringify({ method, input }) }).then((r) => r.json());
  },
  onEvent(listener) {
    const es = new EventSource('/__events?token=${token}');
    es.onmessage = (m) => listener(JSON.parse(m.data));
    return () => es.close();
  },
  // Stands in for webUtils.getPathForFile: the test says which path a dropped name has.
  grantDroppedFile(file) {
    return fetch('/__drop', { method: 'POST', headers: { 'x-hvelv-token': ${JSON.stringify(token)} }, body: file.name }).then((r) => r.json());
  },
};`;
}

export async function startHarness(opts: { home: string; locale?: string; now?: () => Date; knownModels?: readonly KnownModel[] }): Promise<Harness> {
  if (!fs.existsSync(path.join(RENDERER, 'index.html'))) {
    throw new Error('out/renderer is missing: run `npx electron-vite build` first (npm test does)');
  }
  const token = randomBytes(16).toString('hex');
  const listeners = new Set<http.ServerResponse>();
  const emit = (e: AppEvent) => {
    for (const res of listeners) res.write(`data: ${JSON.stringify(e)}\n\n`);
  };
  const folderAnswers: (string | null)[] = [];
  const fileAnswers: (string | null)[] = [];
  const saveAnswers: (string | null)[] = [];
  const dropPaths = new Map<string, string>();
  let printer: Promise<Browser> | null = null;
  const crypto = await createCrypto();
  const config = new AppConfig(path.join(opts.home, 'config', 'hvelv-config.json'));
  const { handlers, sessions, files, supervisorFolder, projectEnd } = createHandlers({
    crypto,
    kdfPolicy: TEST_KDF_POLICY,
    createOptions: { kdf: TEST_KDF },
    knownModels: opts.knownModels,
    now: opts.now ?? (() => new Date()),
    config,
    emit,
    platform: {
      version: '0.0.0-test',
      systemLocale: () => opts.locale ?? 'nb-NO',
      documentsDir: () => path.join(opts.home, 'Documents'),
      chooseFolder: async () => folderAnswers.shift() ?? null,
      chooseFile: async () => fileAnswers.shift() ?? null,
      chooseSavePath: async () => saveAnswers.shift() ?? null,
      // Where the app uses Electron's printToPDF: the same HTML through Chromium's page.pdf.
      printToPdf: async (html) => {
        // One printer per harness, started on first use and closed with the harness.
        printer ??= launchChromium();
        const page = await (await printer).newPage();
        try {
          await page.setContent(html, { waitUntil: 'load' });
          return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '20mm', bottom: '20mm', left: '18mm', right: '18mm' } });
        } finally {
          await page.close();
        }
      },
      // The app's own paths (on app://hvelv there), same-origin as the page.
      mediaUrl: (id) => mediaPath(id),
      shareMediaUrl: (vaultId, id) => shareMediaPath(vaultId, id),
      scheduleCommand: () => ({ argv: [process.execPath, path.join(import.meta.dirname, '..', '..', 'bin', 'hvelv.js')], env: {} }),
      configHome: path.join(opts.home, 'config-home'),
    },
  });

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    // The bridge's two calls: a POST with the page's token, answered with JSON.
    const bridgeCall: Record<string, (body: string) => Promise<unknown> | unknown> = {
      '/__ipc': (body) => {
        const { method, input } = JSON.parse(body) as { method: unknown; input: unknown };
        return dispatch(handlers, method, input);
      },
      // As main's drop channel: a token for the dropped file's path, or null.
      '/__drop': (name) => files.grant(dropPaths.get(name) ?? null),
    };
    const call = bridgeCall[url.pathname];
    if (call && req.method === 'POST') {
      if (req.headers['x-hvelv-token'] !== token) {
        res.writeHead(403).end();
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void Promise.resolve(call(Buffer.concat(chunks).toString('utf8'))).then((result) => {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
        });
      });
      return;
    }
    if (url.pathname === '/__events') {
      if (url.searchParams.get('token') !== token) {
        res.writeHead(403).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write(': open\n\n');
      listeners.add(res);
      req.on('close', () => listeners.delete(res));
      return;
    }
    if (url.pathname.startsWith('/media/share/')) {
      // Same code as the app's app://hvelv/media/share/.
      const [vaultId = '', id = ''] = url.pathname.slice('/media/share/'.length).split('/');
      const r = shareMediaResponse(supervisorFolder, vaultId, id, req.headers.range ?? null);
      res.writeHead(r.status, r.headers);
      if (r.body) Readable.fromWeb(r.body as import('node:stream/web').ReadableStream).pipe(res);
      else res.end();
      return;
    }
    if (url.pathname.startsWith('/media/recording/')) {
      // Same code as the app's app://hvelv/media/recording/.
      const r = mediaResponse(sessions, opts.now ?? (() => new Date()), url.pathname.slice('/media/recording/'.length), req.headers.range ?? null);
      res.writeHead(r.status, r.headers);
      if (r.body) Readable.fromWeb(r.body as import('node:stream/web').ReadableStream).pipe(res);
      else res.end();
      return;
    }
    if (url.pathname === '/__harness/bridge.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(bridgeSource(token));
      return;
    }
    const rel = url.pathname === '/' ? '/index.html' : url.pathname;
    const file = path.resolve(RENDERER, `.${decodeURIComponent(rel)}`);
    if (!file.startsWith(RENDERER + path.sep) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    let body: Buffer | string = fs.readFileSync(file);
    if (file.endsWith('index.html')) {
      // The bridge stands where Electron's preload would: before the app's own script.
      body = body.toString('utf8').replace('<script', '<script src="/__harness/bridge.js"></script>\n    <script');
    }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream', 'content-security-policy': CSP });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    folderAnswers,
    dropPaths,
    fileAnswers,
    saveAnswers,
    sessions,
    checkDeadlines: () =>
      checkDeadlines({ config, sessions, crypto, now: opts.now ?? (() => new Date()), emit, report: projectEnd, notify: () => undefined, reminderText: (title) => ({ title, body: '' }) }),
    supervisorFolder,
    eventListeners: () => listeners.size,
    invoke: async (method, input) => {
      const r = await dispatch(handlers, method, input);
      if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
      return r.value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        void printer?.then((b) => b.close());
        sessions.lock('user');
        for (const res of listeners) res.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const SHOTS = path.join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

/** This machine's Chromium-family browser (./browser), headless, with the flags a closed network needs. */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: browserExecutable(),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A page that records its script errors and console errors in `problems`. */
export async function newPage(browser: Browser, height = 780): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height }, locale: 'nb-NO' });
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  return { page, problems };
}

/**
 * Save a full-page screenshot to test-results/screenshots/<name>.png, to be looked at,
 * after axe-core has checked the screen (a serious or critical violation fails the test).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  await expectAccessible(page, name);
}

export const STUDY_PASSPHRASE = 'fire lange ord er bra';

/**
 * A harness with the seed study's project already created and unlocked, Chromium open on
 * it: the common start of the feature tests. `project` overrides the study's facts.
 */
export async function openStudy(prefix: string, project: Record<string, unknown> = {}, height = 860, now?: () => Date, knownModels?: readonly KnownModel[]) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const harness = await startHarness({ home, locale: 'nb-NO', ...(now ? { now } : {}), knownModels });
  const vault = path.join(home, 'Documents', 'Hvelv', 'studie');
  await harness.invoke('vault.create', {
    path: vault,
    passphrase: STUDY_PASSPHRASE,
    project: {
      title: 'Relasjonsarbeid i arbeidsinkluderingsprosesser',
      institution: 'Universitetet i Stavanger',
      faculty: 'Det samfunnsvitenskapelige fakultet',
      student: 'Turid Testesen',
      supervisor: 'Gurli Testesen',
      siktRef: '123456',
      endDate: '2031-05-30',
      endAction: 'anonymise',
      codePrefix: 'JS',
      ...project,
    },
  });
  // The seed study's letter is finished: consent is recorded on it without further ado.
  await finishLetter(harness);
  const browser = await launchChromium();
  const { page, problems } = await newPage(browser, height);
  return { home, harness, vault, browser, page, problems };
}

/** What the seed study's letter says where the template leaves [fields] (invented wording). */
const LETTER_FILL: Record<'nb' | 'en', (field: string) => string> = {
  nb: (f) =>
    /formålet/i.test(f) ? 'Formålet er å undersøke hvordan jobbspesialister bygger relasjoner i arbeidsinkluderingsprosesser.'
    : /hvorfor/i.test(f) ? 'Du blir spurt fordi du arbeider som jobbspesialist; utvalget er gjort gjennom lederne ved NAV-kontorene.'
    : /antall/i.test(f) ? 'fire' : 'utfylt',
  en: (f) =>
    /purpose/i.test(f) ? 'The purpose is to study how employment specialists build relationships in work inclusion.'
    : /why/i.test(f) ? 'You are asked because you work as an employment specialist; the sample was made through the NAV offices.'
    : /number/i.test(f) ? 'four' : 'filled in',
};

/** Fill in the [fields] of the newest letter version, as a student does before the first consent. */
export async function finishLetter(harness: Harness): Promise<void> {
  const forms = (await harness.invoke('forms.list', {})) as FormVersionDto[];
  const form = forms.at(-1)!;
  for (const locale of ['nb', 'en'] as const) {
    const json = unfilledFields(form.texts[locale]).reduce((j, f) => j.split(f).join(LETTER_FILL[locale](f)), JSON.stringify(form.texts[locale]));
    await harness.invoke('forms.update', { version: form.version, locale, text: JSON.parse(json) as FormText });
  }
}

/**
 * Chromium with a profile folder of the test's choosing (instead of Playwright's hidden
 * temporary one), so a forensic test can read what the browser wrote to disk: its HTTP
 * and media caches live there.
 */
export async function launchChromiumWithProfile(profileDir: string) {
  return chromium.launchPersistentContext(profileDir, {
    executablePath: browserExecutable(),
    headless: true,
    viewport: { width: 1100, height: 780 },
    locale: 'nb-NO',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'],
  });
}
