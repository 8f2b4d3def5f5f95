/**
 * Composition root of the app: builds the core services, wires them to IPC and a
 * hardened window. Thin by design: everything beneath is tested without Electron.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, Notification, powerMonitor, utilityProcess } from 'electron';
import type { WorkerSpawner } from '../core/services/asr/draft';
import type { AppEvent } from '../../shared/contract';
import { DROP_CHANNEL, EVENT_CHANNEL, IPC_CHANNEL } from '../../shared/ipc-channels';
import { fail } from '../../shared/errors';
import { PRODUCTION_KDF_POLICY } from '../core/crypto/kdf';
import { createCrypto } from '../core/crypto/sodium';
import { AppConfig } from '../core/services/project/app-config';
import { checkDeadlines, nextCheckDelay } from '../core/services/project-end/deadline-watch';
import { headlessEnforceArgs } from '../core/services/project-end/headless-enforce';
import { localeFromSystem, translate } from '../../shared/i18n/catalogue';
import { setSqliteNativeBinding } from '../core/stores/sqlite';
import { registerSchemePrivileges, serveApp } from './app-protocol';
import { createHandlers, dispatch } from './handlers';
import { watchLockSignals, type PowerMonitorLike } from './lock-signals';
import { pdfPrinter } from './pdf';
import { mediaPath, shareMediaPath } from './policy';
import { PrintJobs } from './print-jobs';
import { scheduleCommandFor } from './schedule-command';
import { APP_ORIGIN, hardenContents, hardenSession, isTrustedSender } from './security';

// better-sqlite3 built for Electron's ABI (scripts/electron-native.mjs), kept apart from
// the Node build in node_modules that the tests and the `hvelv` command use: in
// development from .native/, in the packaged app from its resources (electron-builder.yml's
// extraResources; npmRebuild is off so that packaging never rebuilds the repo's own copy).
const sqliteForElectron = app.isPackaged
  ? path.join(process.resourcesPath, 'native', 'better_sqlite3.node')
  : path.join(app.getAppPath(), '.native', `electron-${process.versions.electron}`, 'better_sqlite3.node');
const incomplete = !fs.existsSync(sqliteForElectron) && app.isPackaged;
if (!incomplete) setSqliteNativeBinding(fs.existsSync(sqliteForElectron) ? sqliteForElectron : undefined);

// One folder for the app's settings, recent vaults and speech models, the same the `hvelv`
// command uses (cli/commands/model.ts appDataDir: <appData>/hvelv). Electron names it after the
// app, and a packaged app's name is electron-builder's productName "Hvelv": on Linux another
// folder than the command's, so a model installed or a vault moved by `hvelv` would not be seen.
if (app.isPackaged) app.setPath('userData', path.join(app.getPath('appData'), 'hvelv'));

// Test seams of the smoke test (tests/electron/): a user-data folder of its own. Read only
// in a development build; the packaged app ignores the variable.
if (!app.isPackaged && process.env.HVELV_TEST_USERDATA) app.setPath('userData', process.env.HVELV_TEST_USERDATA);

// `Hvelv enforce <vault> …`: the daily job's headless entry, handled before anything of
// the window side exists. It is what lets the RunAsNode fuse stay off (docs/threat-model.md).
const headless = headlessEnforceArgs(process.argv.slice(process.defaultApp ? 2 : 1));

if (incomplete) {
  // A package made without it (electron-builder run without `npm run dist`) would fail at the
  // first vault it opens, or, for the daily job, on the day it must delete: say so at once.
  const message = 'Hvelv is not installed completely (resources/native/better_sqlite3.node is missing). Install Hvelv again. / Hvelv er ikke fullstendig installert. Installer Hvelv på nytt.';
  console.error(`[hvelv] ${message}`);
  if (!headless) dialog.showErrorBox('Hvelv', message);
  app.exit(1);
} else if (headless) {
  void runHeadless(headless);
} else {
  app.enableSandbox();
  registerSchemePrivileges();
  hardenContents();
  // One Hvelv at a time (two would hold the same vault): a second launch hands over to
  // the first, which comes to the front, and quits without building anything.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
  } else {
    app.on('second-instance', () => {
      if (!mainWindow || mainWindow.isDestroyed()) return;
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.show();
      mainWindow.focus();
    });
    start().catch((err: unknown) => {
      console.error('[hvelv] failed to start:', (err as Error)?.message);
      app.exit(1);
    });
  }
}

/**
 * The CLI's own `enforce`, in this process: no window, no single-instance lock (if the
 * app has the vault open, enforce reports VAULT_BUSY and the open app keeps the end
 * date itself), and the exit code the CLI gives.
 */
async function runHeadless(args: string[]): Promise<void> {
  app.dock?.hide();
  try {
    const [{ run }, { nodeIo }] = await Promise.all([import('../cli/index'), import('../cli/io')]);
    app.exit(await run(args, nodeIo()));
  } catch (err) {
    console.error('[hvelv] enforce failed:', (err as Error)?.message);
    app.exit(1);
  }
}

let mainWindow: BrowserWindow | null = null;

function emit(event: AppEvent): void {
  mainWindow?.webContents.send(EVENT_CHANNEL, event);
}

async function start(): Promise<void> {
  await app.whenReady();
  hardenSession();
  const printJobs = new PrintJobs();

  const crypto = await createCrypto();
  const config = new AppConfig(path.join(app.getPath('userData'), 'hvelv-config.json'));
  const { handlers, sessions, files, supervisorFolder, projectEnd } = createHandlers({
    crypto,
    kdfPolicy: PRODUCTION_KDF_POLICY,
    now: () => new Date(),
    config,
    emit,
    spawnAsrWorker,
    platform: {
      version: app.getVersion(),
      systemLocale: () => app.getPreferredSystemLanguages()[0] ?? app.getLocale(),
      documentsDir: () => app.getPath('documents'),
      async chooseFolder(purpose) {
        const res = await dialog.showOpenDialog(mainWindow!, {
          properties: purpose === 'open' ? ['openDirectory'] : ['openDirectory', 'createDirectory'],
        });
        return res.canceled ? null : (res.filePaths[0] ?? null);
      },
      async chooseFile(purpose) {
        const filters = {
          evidence: [{ name: 'Scan, PDF or recording', extensions: ['pdf', 'png', 'jpg', 'jpeg', 'tif', 'tiff', 'heic', 'm4a', 'mp3', 'wav'] }],
          audio: [{ name: 'Audio', extensions: ['wav', 'mp3', 'm4a', 'aac', 'ogg', 'opus', 'flac', 'webm'] }],
          transcript: [{ name: 'Transcript', extensions: ['txt', 'docx', 'srt', 'vtt'] }],
          exchange: [{ name: 'REFI-QDA project or codebook', extensions: ['qdpx', 'qdc'] }],
          share: [{ name: 'Hvelv share', extensions: ['hvelvshare'] }],
          feedback: [{ name: 'Hvelv feedback', extensions: ['hvelvfeedback'] }],
        }[purpose];
        const res = await dialog.showOpenDialog(mainWindow!, { properties: ['openFile'], filters });
        return res.canceled ? null : (res.filePaths[0] ?? null);
      },
      // Same origin as the page: one policy, no cross-origin fetch (electron/main/policy.ts).
      mediaUrl: (id) => `${APP_ORIGIN}${mediaPath(id)}`,
      shareMediaUrl: (vaultId, id) => `${APP_ORIGIN}${shareMediaPath(vaultId, id)}`,
      scheduleCommand: () => scheduleCommandFor({ isPackaged: app.isPackaged, appPath: app.getAppPath() }, process.execPath, process.env),
      async chooseSavePath(defaultName) {
        const ext = path.extname(defaultName).slice(1) || 'html';
        const res = await dialog.showSaveDialog(mainWindow!, { defaultPath: defaultName, filters: [{ name: ext.toUpperCase(), extensions: [ext] }] });
        return res.canceled || !res.filePath ? null : res.filePath;
      },
      printToPdf: pdfPrinter(printJobs),
    },
  });

  serveApp({ rendererDir: path.join(import.meta.dirname, '..', 'renderer'), sessions, now: () => new Date(), folder: supervisorFolder, printJobs });

  ipcMain.handle(DROP_CHANNEL, (event, file: unknown) => {
    if (!isTrustedSender(event, mainWindow?.webContents.id) || typeof file !== 'string') return null;
    return files.grant(file);
  });
  ipcMain.handle(IPC_CHANNEL, (event, method: unknown, payload: unknown) => {
    if (!isTrustedSender(event, mainWindow?.webContents.id)) return fail('FORBIDDEN', 'untrusted sender');
    return dispatch(handlers, method, payload);
  });

  // The end date is kept while the app runs, locked or not: at start, every hour, just
  // after each local midnight and when the machine wakes.
  // The recordings' overwriting runs in slices, so the window answers meanwhile (the check
  // is not awaited; a vault being overwritten is skipped by a check that comes meanwhile).
  const watch = (): void => {
    checkDeadlines({
      config,
      sessions,
      crypto,
      now: () => new Date(),
      emit,
      report: projectEnd,
      notify: (title, body) => {
        if (Notification.isSupported()) new Notification({ title, body }).show();
      },
      reminderText: (title, days, endDate, endAction) => {
        const locale = localeFromSystem(config.language === 'system' ? app.getPreferredSystemLanguages()[0] : config.language);
        return {
          title: translate(locale, 'reminder.notificationTitle', { title }),
          body: translate(locale, endAction === 'anonymise' ? 'reminder.anonymise' : 'reminder.deleteAll', { days, date: endDate }),
        };
      },
    }).catch((err: unknown) => {
      // Not awaited: an unexpected failure is said where start's are, not left unhandled.
      // The next check (the hour, a wake, the next opening) tries again.
      console.error('[hvelv] end-date check failed:', (err as Error)?.message);
    });
  };
  const schedule = (): void => {
    setTimeout(() => {
      watch();
      schedule();
    }, nextCheckDelay(new Date()));
  };
  watch();
  schedule();
  powerMonitor.on('resume', watch);

  // Screen locked or machine asleep: lock the vault, and the supervisor's open folder too.
  // The page first saves what is typed (at most 3 s; a window that is gone is not waited for).
  const pageAlive = (): boolean => mainWindow !== null && !mainWindow.isDestroyed() && !mainWindow.webContents.isCrashed();
  const lockAll = (): void => {
    void sessions.lockAfterSaving('system', pageAlive() ? 3000 : 0);
    void dispatch(handlers, 'supervisor.lock', {});
  };
  // Sleep on every OS; the screen lock on macOS and Windows from Electron, on Linux from
  // logind and the idle state (electron/main/lock-signals.ts).
  const stopLockSignals = watchLockSignals({
    platform: process.platform,
    powerMonitor: powerMonitor as unknown as PowerMonitorLike,
    onLock: lockAll,
    spawn: (command, args) => spawn(command, args, { stdio: ['ignore', 'pipe', 'ignore'] }),
  });
  // The logind monitor is a process of its own: it goes with the app, not after it.
  app.on('will-quit', stopLockSignals);
  // Quitting waits for the same save, then quits for real.
  let quitting = false;
  app.on('before-quit', (e) => {
    if (quitting) return;
    quitting = true;
    e.preventDefault();
    void sessions.lockAfterSaving('user', pageAlive() ? 3000 : 0).finally(() => {
      void dispatch(handlers, 'supervisor.lock', {});
      app.quit();
    });
  });
  app.on('window-all-closed', () => app.quit());

  mainWindow = new BrowserWindow({
    width: 1100,
    height: 780,
    minWidth: 760,
    minHeight: 560,
    title: 'Hvelv',
    show: false,
    webPreferences: {
      preload: path.join(import.meta.dirname, '..', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
      devTools: !app.isPackaged,
    },
  });
  mainWindow.once('ready-to-show', () => mainWindow?.show());
  await mainWindow.loadURL(`${APP_ORIGIN}/index.html`);
}

/**
 * The recognition process as an Electron utility process: a Node child that needs no
 * RunAsNode fuse, whose messages go through its parentPort (worker.ts handles both).
 */
function spawnAsrWorker(...[script, execArgv]: Parameters<WorkerSpawner>): ReturnType<WorkerSpawner> {
  const child = utilityProcess.fork(script, [], { execArgv, serviceName: 'Hvelv speech recognition', stdio: 'ignore' });
  return {
    send: (m) => child.postMessage(m),
    onMessage: (fn) => child.on('message', fn),
    onExit: (fn) => child.on('exit', fn),
    kill: () => void child.kill(),
    get pid() {
      return child.pid;
    },
  };
}
