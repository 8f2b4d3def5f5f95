/** The browser finder on made-up machines: which executable the browser tests would drive, or the one line saying what to install. */
import { describe, expect, it } from 'vitest';
import { browserExecutable, findBrowser, type BrowserSystem } from './browser';

const machine = (platform: NodeJS.Platform, files: string[], env: Record<string, string> = {}): BrowserSystem => ({
  platform,
  env,
  isFile: (f) => files.includes(f),
});

const WIN_ENV = { PROGRAMFILES: 'C:\\Program Files', 'PROGRAMFILES(X86)': 'C:\\Program Files (x86)', LOCALAPPDATA: 'C:\\Users\\kari\\AppData\\Local' };

describe('the browser the tests drive', () => {
  it('is HVELV_CHROMIUM when set, before any installed one', () => {
    expect(findBrowser(machine('linux', ['/opt/my/chrome', '/usr/bin/chromium'], { HVELV_CHROMIUM: '/opt/my/chrome' }))).toEqual({ ok: true, path: '/opt/my/chrome' });
  });

  it('is not looked for elsewhere when HVELV_CHROMIUM names no file: the mistake is said', () => {
    const r = findBrowser(machine('linux', ['/usr/bin/chromium'], { HVELV_CHROMIUM: '/opt/gone/chrome' }));
    expect(r).toEqual({ ok: false, message: expect.stringContaining('HVELV_CHROMIUM is /opt/gone/chrome, which is not a file') });
  });

  it('on Linux: Google Chrome before a distribution’s Chromium, Debian’s /usr/bin/chromium last', () => {
    expect(findBrowser(machine('linux', ['/usr/bin/google-chrome-stable', '/usr/bin/chromium']))).toEqual({ ok: true, path: '/usr/bin/google-chrome-stable' });
    expect(findBrowser(machine('linux', ['/usr/bin/chromium-browser', '/usr/bin/chromium']))).toEqual({ ok: true, path: '/usr/bin/chromium-browser' });
    expect(findBrowser(machine('linux', ['/opt/microsoft/msedge/msedge']))).toEqual({ ok: true, path: '/opt/microsoft/msedge/msedge' });
    expect(findBrowser(machine('linux', ['/usr/bin/chromium']))).toEqual({ ok: true, path: '/usr/bin/chromium' });
  });

  it('on macOS: Chrome, Chromium or Edge in /Applications or the user’s own Applications', () => {
    expect(findBrowser(machine('darwin', ['/Applications/Google Chrome.app/Contents/MacOS/Google Chrome']))).toEqual({ ok: true, path: '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome' });
    const own = '/Users/kari/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge';
    expect(findBrowser(machine('darwin', [own], { HOME: '/Users/kari' }))).toEqual({ ok: true, path: own });
  });

  it('on Windows: Chrome under Program Files or the user’s AppData, else Edge (on every Windows 10 and 11)', () => {
    const userChrome = 'C:\\Users\\kari\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe';
    const edge = 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe';
    expect(findBrowser(machine('win32', [edge, userChrome], WIN_ENV))).toEqual({ ok: true, path: userChrome });
    expect(findBrowser(machine('win32', [edge], WIN_ENV))).toEqual({ ok: true, path: edge });
    // The same files, but the variables that say where Program Files is are missing: nothing is guessed.
    expect(findBrowser(machine('win32', [edge], {})).ok).toBe(false);
  });

  it('none found: one line that says what to install, and no stack to read through', () => {
    for (const [platform, what] of [['linux', /apt-get install chromium/], ['darwin', /install Google Chrome, Chromium or Microsoft Edge/], ['win32', /install Google Chrome, Chromium or Microsoft Edge/]] as const) {
      let err: Error | undefined;
      try {
        browserExecutable(machine(platform, ['/usr/bin/firefox'], platform === 'win32' ? WIN_ENV : {}));
      } catch (e) {
        err = e as Error;
      }
      expect(err?.message).toMatch(what);
      expect(err?.message).toMatch(/^No Chromium-family browser found .*HVELV_CHROMIUM/);
      expect(err?.message).not.toContain('\n');
      expect(err?.stack).toBe(err?.message);
    }
  });
});
