/**
 * electron/main/security.ts fed the strings Electron 45 passes (tests/main/fake-electron.ts):
 * the sender check (the first review's F1: every call from the app's own window was
 * refused), the permission handlers (F4: the foot pedal's check compared the wrong string;
 * F9: copying the supervisor key was denied), the request filter and navigation.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, FakeBrowserWindow, FakeWebContents } from './fake-electron';

vi.mock('electron', async () => {
  const m = await import('./fake-electron');
  return { ...m.electronModule, default: m.electronModule };
});

const { registerSchemePrivileges } = await import('../../electron/main/app-protocol');
const { hardenContents, hardenSession, isTrustedSender } = await import('../../electron/main/security');
const { INFINITY_PEDAL } = await import('@shared/transcription');

/** The app's window as Electron builds it: the app scheme registered standard, then the page loaded. */
function appWindow(url = 'app://hvelv/index.html'): FakeWebContents {
  const wc = new FakeWebContents(fake.session);
  wc.url = url;
  wc.mainFrame = wc.frame(null, url);
  return wc;
}

const invokeEvent = (wc: FakeWebContents, frame = wc.mainFrame) => ({ sender: wc, senderFrame: frame, frameId: 1, processId: 4242 }) as never;

beforeEach(() => {
  fake.reset({ platform: 'linux' });
  registerSchemePrivileges();
  fake.ready();
});

describe('isTrustedSender: who may call IPC', () => {
  it('accepts the app window\'s own page, with the origin Chromium serialises for a standard scheme', () => {
    const wc = appWindow();
    // The strings Electron passes: the frame's whole URL, and its RFC 6454 origin.
    expect(wc.mainFrame.url).toBe('app://hvelv/index.html');
    expect(wc.mainFrame.origin).toBe('app://hvelv');
    // What the old check compared: Node's WHATWG URL gives a non-special scheme the origin "null".
    expect(new URL(wc.mainFrame.url).origin).toBe('null');
    expect(isTrustedSender(invokeEvent(wc), wc.id)).toBe(true);
    expect(isTrustedSender(invokeEvent(appWindow('app://hvelv/')), undefined)).toBe(false);
  });

  it('refuses an iframe, another window, another origin, a file: or data: page, and a frame that is gone', () => {
    const wc = appWindow();
    const child = wc.frame(wc.mainFrame, 'app://hvelv/index.html');
    expect(isTrustedSender(invokeEvent(wc, child), wc.id)).toBe(false);
    const other = appWindow();
    expect(isTrustedSender(invokeEvent(other), wc.id)).toBe(false);
    for (const url of ['https://evil.example/', 'file:///home/student/index.html', 'data:text/html,<p>x', 'app://hvelv.evil/index.html', 'app://other/index.html', 'hvelv-media://recording/x']) {
      const page = appWindow(url);
      expect(isTrustedSender(invokeEvent(page), page.id), url).toBe(false);
    }
    expect(isTrustedSender({ sender: wc, senderFrame: null } as never, wc.id)).toBe(false);
  });

  it('refuses a frame whose URL is ours but whose origin is opaque (a sandboxed frame)', () => {
    const wc = appWindow();
    wc.mainFrame.origin = 'null';
    expect(isTrustedSender(invokeEvent(wc), wc.id)).toBe(false);
  });
});

describe('permissions: the foot pedal and the clipboard only, for our page only', () => {
  beforeEach(() => hardenSession());
  const page = () => appWindow();

  it('lets the page ask for WebHID as Electron 45 asks: no frame, and a URL spec with a slash', async () => {
    const wc = page();
    // The HID delegate checks with a null frame: webContents null, isMainFrame false.
    expect(fake.session.check(null, 'hid', 'app://hvelv/', { securityOrigin: 'app://hvelv/', isMainFrame: false })).toBe(true);
    expect(fake.session.check(wc, 'hid', 'app://hvelv/index.html', { requestingUrl: 'app://hvelv/index.html', isMainFrame: true })).toBe(true);
    // navigator.hid.requestDevice() from the page reaches the chooser, which picks the pedal.
    const pedal = { deviceId: 'p1', vendorId: INFINITY_PEDAL.vendorId, productId: INFINITY_PEDAL.productId, name: 'VEC USB Footpedal' };
    expect(await fake.session.requestHid(wc, [pedal])).toBe('p1');
    expect(await fake.session.requestHid(appWindow('https://evil.example/'), [pedal])).toBe(null);
  });

  it('lets the page write the supervisor key to the clipboard (check and request), and read nothing', async () => {
    const wc = page();
    expect(fake.session.check(wc, 'clipboard-sanitized-write', 'app://hvelv/', { isMainFrame: true })).toBe(true);
    expect(await fake.session.request(wc, 'clipboard-sanitized-write', { requestingUrl: 'app://hvelv/index.html', isMainFrame: true })).toBe(true);
    expect(fake.session.check(wc, 'clipboard-read', 'app://hvelv/', { isMainFrame: true })).toBe(false);
    expect(await fake.session.request(wc, 'clipboard-read', { requestingUrl: 'app://hvelv/index.html', isMainFrame: true })).toBe(false);
  });

  it('refuses every other permission, and every origin but ours', async () => {
    const wc = page();
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'fullscreen', 'serial', 'usb', 'fileSystem']) {
      expect(fake.session.check(wc, p, 'app://hvelv/', { isMainFrame: true }), p).toBe(false);
      expect(await fake.session.request(wc, p, { requestingUrl: 'app://hvelv/index.html', isMainFrame: true }), p).toBe(false);
    }
    expect(fake.session.check(wc, 'hid', 'https://evil.example/', { isMainFrame: true })).toBe(false);
    expect(fake.session.check(wc, 'hid', 'app://hvelv/', { securityOrigin: 'https://evil.example/', isMainFrame: true })).toBe(false);
    expect(fake.session.check(wc, 'hid', 'app://hvelv/', { embeddingOrigin: 'https://evil.example/', isMainFrame: true })).toBe(false);
    expect(fake.session.check(wc, 'hid', 'app://hvelv/', { securityOrigin: 'https://evil.example/', isMainFrame: false })).toBe(false);
    expect(fake.session.check(wc, 'clipboard-sanitized-write', 'app://hvelv/', { isMainFrame: false })).toBe(false);
    const foreign = appWindow('https://evil.example/');
    expect(await fake.session.request(foreign, 'clipboard-sanitized-write', { requestingUrl: 'https://evil.example/', isMainFrame: true })).toBe(false);
  });

  it('keeps a foot pedal, never a keyboard, and picks the pedal in the chooser', async () => {
    const pedal = { vendorId: INFINITY_PEDAL.vendorId, productId: INFINITY_PEDAL.productId };
    expect(fake.session.deviceHandler!({ deviceType: 'hid', origin: 'app://hvelv', device: pedal })).toBe(true);
    expect(fake.session.deviceHandler!({ deviceType: 'hid', origin: 'app://hvelv', device: { vendorId: 0x046d, productId: 0xc31c } })).toBe(false);
    expect(fake.session.deviceHandler!({ deviceType: 'hid', origin: 'https://evil.example', device: pedal })).toBe(false);
    expect(fake.session.deviceHandler!({ deviceType: 'usb', origin: 'app://hvelv', device: pedal })).toBe(false);
    const wc = page();
    const keyboard = { deviceId: 'kb', vendorId: 0x046d, productId: 0xc31c, name: 'Keyboard' };
    expect(await fake.session.chooseHid(wc, [keyboard, { deviceId: 'p1', ...pedal, name: 'VEC USB Footpedal' }])).toBe('p1');
    expect(await fake.session.chooseHid(wc, [keyboard])).toBe(null);
  });
});

describe('requests: nothing leaves the machine', () => {
  beforeEach(() => hardenSession());

  const verdict = (url: string) => new Promise<boolean>((resolve) => fake.session.beforeRequest!({ id: 1, url, method: 'GET', resourceType: 'media', referrer: '', timestamp: 0 }, (r) => resolve(!r.cancel)));

  it('lets the page, its recordings and the print window\'s document through, and cancels the rest', async () => {
    expect(await verdict('app://hvelv/index.html')).toBe(true);
    expect(await verdict('app://hvelv/media/recording/0123456789abcdef0123456789abcdef')).toBe(true);
    expect(await verdict('app://hvelv/print/0123456789abcdef0123456789abcdef')).toBe(true);
    expect(await verdict('data:image/svg+xml;charset=utf-8,%3Csvg%3E')).toBe(true);
    for (const url of ['https://api.example.com/upload', 'http://127.0.0.1:8080/', 'file:///etc/passwd', 'hvelv-media://recording/x', 'app://other/index.html', 'ws://evil.example/', 'blob:https://evil.example/1']) {
      expect(await verdict(url), url).toBe(false);
    }
  });

  it('lets DevTools through only in development', async () => {
    expect(await verdict('devtools://devtools/bundled/inspector.html')).toBe(true);
    fake.app.isPackaged = true;
    expect(await verdict('devtools://devtools/bundled/inspector.html')).toBe(false);
  });
});

describe('navigation and new windows', () => {
  it('stops every navigation, of the page and of any frame in it, every redirect and window.open', () => {
    hardenContents();
    const win = new FakeBrowserWindow({ show: false });
    const wc = win.webContents;
    expect(wc.pageNavigates('https://evil.example/')).toBe(false);
    expect(wc.pageNavigates('app://hvelv/index.html')).toBe(false);
    // A frame in the page (only will-frame-navigate is emitted for it).
    expect(wc.pageNavigates('https://evil.example/', wc.frame(wc.mainFrame, 'about:blank'))).toBe(false);
    expect(wc.pageRedirects('https://evil.example/')).toBe(false);
    expect(wc.pageOpensWindow('https://evil.example/')).toBe('deny');
    // Without hardening, the same fake lets them through: the test can fail.
    fake.reset();
    fake.ready();
    const plain = new FakeBrowserWindow({ show: false }).webContents;
    expect(plain.pageNavigates('https://evil.example/', plain.frame(plain.mainFrame, 'about:blank'))).toBe(true);
    expect(plain.pageRedirects('https://evil.example/')).toBe(true);
  });
});
