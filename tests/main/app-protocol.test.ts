/**
 * app://hvelv/ as Electron 45 serves it (tests/main/fake-electron.ts): the scheme's
 * privileges, the built page with its one policy, recordings same-origin with ranges
 * (the first review's F2 and F3: a meta policy and a cross-origin scheme without
 * corsEnabled both blocked the waveform's fetch), and the print window's document
 * read once from memory (F8: a data: URL through a session filter that cancels all else).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, FakeBrowserWindow } from './fake-electron';
import { admit, makeVault, makeWav, tempDir } from '../core/helpers';

vi.mock('electron', async () => {
  const m = await import('./fake-electron');
  return { ...m.electronModule, default: m.electronModule };
});

const { registerSchemePrivileges, serveApp } = await import('../../electron/main/app-protocol');
const { hardenSession } = await import('../../electron/main/security');
const { pdfPrinter, PDF_OPTIONS } = await import('../../electron/main/pdf');
const { PrintJobs } = await import('../../electron/main/print-jobs');
const { APP_ORIGIN, CONTENT_SECURITY_POLICY, PRINT_POLICY, mediaPath } = await import('../../electron/main/policy');
const { SessionManager } = await import('../../electron/core/services/project/session-manager');
const { Recordings } = await import('../../electron/core/services/recordings/recordings');

const NOW = () => new Date('2026-11-27T10:00:00Z');

function renderer(): string {
  const dir = tempDir('hvelv-renderer-');
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><script type="module" crossorigin src="./assets/index.js"></script>');
  fs.writeFileSync(path.join(dir, 'assets', 'index.js'), 'console.log(1)');
  fs.writeFileSync(path.join(tempDir(), 'secret.txt'), 'not served');
  return dir;
}

function start(sessions = new SessionManager(() => undefined, { setTimeout: () => 0, clearTimeout: () => undefined })) {
  fake.reset({ platform: 'linux' });
  registerSchemePrivileges();
  fake.ready();
  hardenSession();
  const printJobs = new PrintJobs();
  const rendererDir = renderer();
  serveApp({ rendererDir, sessions, now: NOW, printJobs });
  return { sessions, printJobs, rendererDir };
}

beforeEach(() => start());

describe('the scheme', () => {
  it('is one standard, secure scheme that streams and can be fetched, registered before ready', () => {
    expect(fake.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);
  });

  it('serves every URL the page uses from its own origin, so no scheme needs corsEnabled', async () => {
    // The rule electron/electron#51152 enforces: a scheme fetched from another origin must be corsEnabled.
    const pageOrigin = new URL(`${APP_ORIGIN}/index.html`);
    const media = new URL(`${APP_ORIGIN}${mediaPath('0'.repeat(32))}`);
    expect([media.protocol, media.host]).toEqual([pageOrigin.protocol, pageOrigin.host]);
    for (const s of fake.privileged!) if (s.scheme !== 'app') expect(s.privileges.corsEnabled).toBe(true);
  });
});

describe('the page', () => {
  it('is served with the one policy, and nothing outside the renderer folder is', async () => {
    const { rendererDir } = start();
    // A folder beside the renderer's whose name begins the same is outside it all the same.
    fs.mkdirSync(`${rendererDir}-evil`);
    fs.writeFileSync(path.join(`${rendererDir}-evil`, 'secret.txt'), 'not served');
    expect((await fake.fetch(`app://hvelv/%2e%2e/${path.basename(rendererDir)}-evil/secret.txt`)).status).toBe(404);
    const res = await fake.fetch('app://hvelv/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('assets/index.js');
    const js = await fake.fetch('app://hvelv/assets/index.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    for (const url of ['app://hvelv/%2e%2e/secret.txt', 'app://hvelv/..%2f..%2fetc%2fpasswd', 'app://hvelv/%E0%A4%A', 'app://hvelv/assets', 'app://hvelv/media/x', 'app://hvelv/print/']) {
      expect((await fake.fetch(url)).status, url).toBe(404);
    }
    // Another host on our scheme does not even reach the handler.
    await expect(fake.fetch('app://other/index.html')).rejects.toThrow('ERR_BLOCKED_BY_CLIENT');
  });
});

describe('recordings, same-origin', () => {
  it('plays a sealed recording in ranges through the request filter, and refuses it once locked', async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const file = path.join(tempDir(), 'a.wav');
    const bytes = makeWav(file, 5, 7);
    const info = await new Recordings(session, NOW).import(code, file);
    const sessions = new SessionManager(() => undefined, { setTimeout: () => 0, clearTimeout: () => undefined });
    sessions.open(session);
    start(sessions);
    const url = `${APP_ORIGIN}${mediaPath(info.id)}`;

    const part = await fake.fetch(url, { resourceType: 'media', headers: { range: 'bytes=1000-66535' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-66535/${bytes.length}`);
    expect(part.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(1000, 66536))).toBe(true);

    const whole = await fake.fetch(url, { resourceType: 'xhr' });
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);

    expect((await fake.fetch(url, { headers: { range: `bytes=${bytes.length + 10}-` } })).status).toBe(416);
    sessions.lock('user');
    expect((await fake.fetch(url)).status).toBe(403);
  });
});

describe('printing to PDF', () => {
  it('prints the document from app://hvelv/print/<token>, past the request filter, and forgets it', async () => {
    const { printJobs } = start();
    const html = '<!doctype html><meta charset="utf-8"><style>p{color:#000}</style><p>Samtykkeerklæring</p>';
    const pdf = Buffer.from(await pdfPrinter(printJobs)(html));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    // The fake printer marks which document it printed: ours, whole, served under the print policy.
    expect(pdf.toString('utf8')).toContain('Samtykkeerklæring');
    const win = fake.windows.at(-1)!;
    expect(win.webContents.lastDocument!.url).toMatch(/^app:\/\/hvelv\/print\/[0-9a-f]{32}$/);
    expect(win.webContents.lastDocument!.headers.get('content-security-policy')).toBe(PRINT_POLICY);
    expect(win.options).toMatchObject({ show: false, webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, javascript: false } });
    expect(win.webContents.printed).toEqual([PDF_OPTIONS]);
    expect(win.isDestroyed()).toBe(true);
    // Read once: the same URL again finds nothing.
    expect((await fake.fetch(win.webContents.lastDocument!.url)).status).toBe(404);
  });

  it('gives a document once, even while its window is still printing', async () => {
    const { printJobs } = start();
    const token = printJobs.put('<p>Kvittering</p>');
    const first = await fake.fetch(`app://hvelv/print/${token}`);
    expect(await first.text()).toBe('<p>Kvittering</p>');
    // Anyone else asking for the same token before the print window is done gets nothing.
    expect((await fake.fetch(`app://hvelv/print/${token}`)).status).toBe(404);
    printJobs.drop(token);
  });

  it('forgets the document when the window fails to load it, and leaves no window', async () => {
    const { printJobs } = start();
    const spy = vi.spyOn(FakeBrowserWindow.prototype, 'loadURL').mockRejectedValueOnce(new Error('ERR_FAILED (-2)'));
    const put = vi.spyOn(printJobs, 'put');
    await expect(pdfPrinter(printJobs)('<p>x</p>')).rejects.toThrow('ERR_FAILED');
    const token = put.mock.results[0]!.value as string;
    expect(printJobs.take(token)).toBe(null);
    expect(fake.windows.at(-1)!.isDestroyed()).toBe(true);
    spy.mockRestore();
  });
});
