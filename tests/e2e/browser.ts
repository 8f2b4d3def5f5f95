/**
 * Which browser the browser tests drive: one Chromium-family browser found on this machine,
 * so `npm install` then `npm test` works on Windows, macOS and Linux without a download.
 *
 * In order: `HVELV_CHROMIUM`; Google Chrome, Chromium or Microsoft Edge where their
 * installers put them; then `/usr/bin/chromium` (Debian's package, what CI installs).
 *
 * Electron's own binary (node_modules/electron/dist, the Chromium the app ships) is not
 * tried, though it is on every machine where `npm install` could download it: Playwright
 * drives it only through `_electron.launch`, as one app with one persistent context, and
 * Electron has no headless mode (it needs a display: xvfb on a Linux server) while the
 * harness's `page.pdf`, the stand-in for printToPDF, works in headless Chromium only.
 * Started by `chromium.launch` it takes Playwright's start page for an app to run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What the finder looks at, so a test can hand it a made-up machine. */
export interface BrowserSystem {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  isFile(file: string): boolean;
}

export type BrowserFound = { ok: true; path: string } | { ok: false; message: string };

const DEBIAN = '/usr/bin/chromium';

/** Where each system's installers put a Chromium-family browser, most usual first. */
export function browserCandidates(sys: BrowserSystem): string[] {
  const { env } = sys;
  if (sys.platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => !!r);
    const apps = ['Google\\Chrome\\Application\\chrome.exe', 'Chromium\\Application\\chrome.exe', 'Microsoft\\Edge\\Application\\msedge.exe'];
    return apps.flatMap((app) => roots.map((root) => path.win32.join(root, app)));
  }
  if (sys.platform === 'darwin') {
    const apps = ['Google Chrome.app/Contents/MacOS/Google Chrome', 'Chromium.app/Contents/MacOS/Chromium', 'Microsoft Edge.app/Contents/MacOS/Microsoft Edge'];
    const dirs = ['/Applications', ...(env.HOME ? [path.posix.join(env.HOME, 'Applications')] : [])];
    return apps.flatMap((app) => dirs.map((dir) => path.posix.join(dir, app)));
  }
  return [
    '/usr/bin/google-chrome-stable',
    '/usr/bin/google-chrome',
    '/opt/google/chrome/chrome',
    '/usr/bin/chromium-browser',
    '/snap/bin/chromium',
    '/usr/bin/microsoft-edge-stable',
    '/usr/bin/microsoft-edge',
    '/opt/microsoft/msedge/msedge',
    DEBIAN,
  ];
}

/** What to install, in one line, for this system. */
function installHint(platform: NodeJS.Platform): string {
  const get =
    platform === 'win32' || platform === 'darwin' ? 'install Google Chrome, Chromium or Microsoft Edge'
    : 'install Chromium (Debian/Ubuntu: apt-get install chromium) or Google Chrome';
  return `No Chromium-family browser found for the browser tests: ${get}, or set HVELV_CHROMIUM to one's executable.`;
}

export function findBrowser(sys: BrowserSystem): BrowserFound {
  const chosen = sys.env.HVELV_CHROMIUM;
  if (chosen) {
    return sys.isFile(chosen) ? { ok: true, path: chosen } : { ok: false, message: `HVELV_CHROMIUM is ${chosen}, which is not a file: set it to a Chromium-family browser's executable, or unset it to search the usual places.` };
  }
  const found = browserCandidates(sys).find((c) => sys.isFile(c));
  return found ? { ok: true, path: found } : { ok: false, message: installHint(sys.platform) };
}

const thisMachine: BrowserSystem = {
  platform: process.platform,
  env: process.env,
  isFile: (file) => {
    try {
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  },
};

/**
 * The browser's executable, or an error that is its one line: no stack, since where
 * in the harness it was thrown says nothing to someone who has no browser installed.
 */
export function browserExecutable(sys: BrowserSystem = thisMachine): string {
  const r = findBrowser(sys);
  if (r.ok) return r.path;
  const err = new Error(r.message);
  err.stack = r.message;
  throw err;
}
