/**
 * The built main process (out/main/index.js, what `npm start` and the packaged app run),
 * started against the fake `electron` module as a user would meet it: one window, its
 * page served from app://hvelv, every call from that page answered and from anywhere else
 * refused, a vault made and a recording played in ranges from the page's own origin, the
 * screen lock on Linux, a second launch, and the headless `enforce` entry.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fake, type FakeBrowserWindow } from './fake-electron';
import { makeWav, tempDir } from '../core/helpers';
import { finishLetter, type Harness } from '../e2e/harness';
import { writeTestModel } from '../../scripts/make-test-model';
import { IPC_CHANNEL, DROP_CHANNEL, EVENT_CHANNEL } from '@shared/ipc-channels';
import { CONTENT_SECURITY_POLICY } from '../../electron/main/policy';
import { IDLE_POLL_MS } from '../../electron/main/lock-signals';

// gdbus (the logind monitor on Linux) as a fake process the test can see killed; every other program is real.
const gdbus = vi.hoisted(() => [] as { args: string[]; killed: boolean }[]);
vi.mock('node:child_process', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:child_process')>();
  const { EventEmitter } = await import('node:events');
  const spawn = ((command: string, args: string[], options: object) => {
    if (command !== 'gdbus') return real.spawn(command, args, options);
    const child = Object.assign(new EventEmitter(), { stdout: new EventEmitter(), record: { args, killed: false }, kill: () => ((child.record.killed = true), true) });
    gdbus.push(child.record);
    return child;
  }) as typeof real.spawn;
  return { ...real, spawn, default: { ...real, spawn } };
});

vi.mock('electron', async () => {
  const m = await import('./fake-electron');
  return { ...m.electronModule, default: m.electronModule };
});

const OUT = path.join(import.meta.dirname, '..', '..', 'out');
const MAIN = pathToFileURL(path.join(OUT, 'main', 'index.js')).href;

interface Ok<T> {
  ok: true;
  value: T;
}

/** Starts the built main process as Electron would, up to its window showing. */
async function launch(opts: { singleInstance?: boolean; argv?: string[]; isPackaged?: boolean } = {}) {
  const home = tempDir('hvelv-app-');
  fake.reset({ platform: 'linux', singleInstance: opts.singleInstance, isPackaged: opts.isPackaged, paths: { userData: path.join(home, 'userData'), documents: path.join(home, 'Documents'), appData: path.join(home, 'appData') } });
  // Electron's resources folder (empty here: nothing packaged with the app).
  (process as { resourcesPath?: string }).resourcesPath = path.join(home, 'resources');
  fs.mkdirSync(path.join(home, 'userData'));
  const argv = process.argv;
  process.argv = [process.execPath, ...(opts.argv ?? [])];
  vi.resetModules();
  // Only the lock poll is driven by the test; every other timer is real.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  try {
    await import(/* @vite-ignore */ MAIN);
  } finally {
    process.argv = argv;
  }
  return { home };
}

async function shown(): Promise<FakeBrowserWindow> {
  await expect.poll(() => fake.windows[0]?.visible ?? false, { timeout: 30_000 }).toBe(true);
  return fake.windows[0]!;
}

const call = <T>(win: FakeBrowserWindow, method: string, input: unknown = {}) => fake.invoke(IPC_CHANNEL, { wc: win.webContents }, method, input) as Promise<Ok<T> | { ok: false; error: { code: string } }>;

async function value<T>(win: FakeBrowserWindow, method: string, input: unknown = {}): Promise<T> {
  const r = await call<T>(win, method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}`);
  return r.value;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the built main process', () => {
  it('hardens before ready, then shows one sandboxed window with the page from app://hvelv under the one policy', async () => {
    if (!fs.existsSync(path.join(OUT, 'main', 'index.js'))) throw new Error('out/main is missing: run `npx electron-vite build` first (npm test does)');
    await launch();
    // Before ready: the sandbox, the scheme, one instance.
    expect(fake.app.calls).toEqual(['enableSandbox', 'requestSingleInstanceLock']);
    expect(fake.privileged?.map((s) => s.scheme)).toEqual(['app']);
    expect(fake.windows).toEqual([]);
    fake.ready();
    const win = await shown();
    expect(win.options).toMatchObject({
      show: false,
      webPreferences: { contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, allowRunningInsecureContent: false },
    });
    const preload = (win.options.webPreferences as { preload: string }).preload;
    expect(path.resolve(preload)).toBe(path.join(OUT, 'preload', 'index.cjs'));
    expect(fs.existsSync(preload)).toBe(true);
    const doc = win.webContents.lastDocument!;
    expect(doc.url).toBe('app://hvelv/index.html');
    expect(doc.status).toBe(200);
    expect(doc.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(doc.body).toBe(fs.readFileSync(path.join(OUT, 'renderer', 'index.html'), 'utf8'));
    expect(fake.ipcChannels.sort()).toEqual([DROP_CHANNEL, IPC_CHANNEL].sort());

    // Every call from the page is answered (F1); from an iframe or another window, refused.
    const info = await call<{ version: string }>(win, 'app.info');
    expect(info).toMatchObject({ ok: true, value: { version: '0.1.0' } });
    const iframe = win.webContents.frame(win.webContents.mainFrame, 'app://hvelv/index.html');
    expect(await fake.invoke(IPC_CHANNEL, { wc: win.webContents, frame: iframe }, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const other = new (await import('./fake-electron')).FakeBrowserWindow({ show: false });
    await other.loadURL('app://hvelv/index.html');
    expect(await fake.invoke(IPC_CHANNEL, { wc: other.webContents }, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    // A drop from the page hands out a token; from elsewhere, nothing.
    expect(await fake.invoke(DROP_CHANNEL, { wc: win.webContents }, '/home/student/intervju.wav')).toMatchObject({ name: 'intervju.wav' });
    expect(await fake.invoke(DROP_CHANNEL, { wc: other.webContents }, '/home/student/intervju.wav')).toBe(null);
  });

  it('makes a vault, plays a recording in ranges from the page\'s origin, and locks when the screen locks on Linux', async () => {
    const { home } = await launch();
    fake.ready();
    const win = await shown();
    const vault = path.join(home, 'Documents', 'Hvelv', 'Studie');
    await value(win, 'vault.create', {
      path: vault,
      passphrase: 'korrekt hest batteri stift',
      project: { title: 'Studie', institution: 'VID', faculty: 'Sosialt arbeid', student: 'S', supervisor: 'V', siktRef: '123456', endDate: '2027-06-30', endAction: 'delete-all' },
    });
    // The letter's [fields] filled in, as the student does before the first consent.
    await finishLetter({ invoke: (method: string, input: unknown) => value(win, method, input) } as unknown as Harness);
    const { code } = await value<{ code: string }>(win, 'participants.add', { identity: { name: 'Ragnhild Testesen' } });
    await value(win, 'consent.record', { code, date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
    const wav = path.join(tempDir(), 'intervju.wav');
    const bytes = makeWav(wav, 4, 9);
    fake.dialogAnswers.open.push(wav);
    const chosen = await value<{ token: string }>(win, 'recordings.chooseFile');
    const rec = await value<{ id: string }>(win, 'recordings.import', { jobId: 'job-app-test', code, file: chosen.token });
    const url = await value<string>(win, 'recordings.mediaUrl', { id: rec.id });
    expect(url).toBe(`app://hvelv/media/recording/${rec.id}`);
    // The page's own fetch and the audio element's ranges, through the session's filter.
    const part = await fake.fetch(url, { webContentsId: win.webContents.id, resourceType: 'media', headers: { range: 'bytes=44-1043' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(44, 1044))).toBe(true);

    // A draft runs in Electron's utility process (no RunAsNode needed), on the bundled worker.
    fs.mkdirSync(path.join(home, 'userData', 'models'), { recursive: true });
    writeTestModel(path.join(home, 'userData', 'models', 'nb-whisper-test'), 'micro');
    const draft = call(win, 'asr.draft', { jobId: 'job-app-draft', recordingId: rec.id, model: 'nb-whisper-test', language: 'nb' });
    await expect.poll(() => fake.utility.length).toBe(1);
    const worker = fake.utility[0]!;
    expect(worker.modulePath).toBe(path.join(OUT, 'main', 'asr-worker.js'));
    expect(fs.existsSync(worker.modulePath)).toBe(true);
    expect(worker.options).toMatchObject({ serviceName: 'Hvelv speech recognition', stdio: 'ignore' });

    // Linux: the screen lock reaches the vault through the idle state within one poll.
    fake.powerMonitor.lockScreen();
    vi.advanceTimersByTime(IDLE_POLL_MS);
    // The page is first asked to save what is typed (it does not answer here: locked after 3 s).
    await expect.poll(() => win.webContents.sent.some((m) => m.channel === EVENT_CHANNEL && (m.args[0] as { type: string }).type === 'save-now')).toBe(true);
    await expect.poll(async () => (await value<{ unlocked: boolean }>(win, 'session.state')).unlocked).toBe(false);
    expect(win.webContents.sent.map((m) => m.args[0])).toContainEqual(expect.objectContaining({ type: 'locked', reason: 'system' }));
    expect((await fake.fetch(url, { headers: { range: 'bytes=0-9' } })).status).toBe(403);
    // The draft stops with the vault: its process killed, the call answered.
    expect(worker.killed).toBe(true);
    expect(await draft).toMatchObject({ ok: false, error: { code: 'VAULT_LOCKED' } });
  });

  it("answers the model manager's channels from the page: the known list, Cancel, Remove, and no download but a known model's", async () => {
    const { home } = await launch();
    fake.ready();
    const win = await shown();
    const known = await value<{ cores: number; models: { id: string; hashKnown: boolean; installed: boolean }[] }>(win, 'asr.knownModels');
    expect(known.models.map((m) => [m.id, m.hashKnown])).toEqual([['whisper-tiny', true], ['whisper-base', true], ['whisper-small', true], ['whisper-medium', false]]);
    expect(known.cores).toBeGreaterThan(0);
    // The page names a known model's id, never an address: anything else is refused before any request.
    expect(await call(win, 'asr.installModel', { jobId: 'mdl-test-1', id: 'no-such-model' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await call(win, 'asr.installModel', { jobId: 'mdl-test-1', id: 'https://example.org/x.tar.bz2' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await call(win, 'asr.cancelInstall', { jobId: 'mdl-test-1' })).toEqual({ ok: true, value: null });
    // Remove: the folder goes; a name that climbs out is refused.
    const models = path.join(home, 'userData', 'models');
    writeTestModel(path.join(models, 'whisper-tiny'), 'micro');
    expect((await value<{ models: { id: string; installed: boolean }[] }>(win, 'asr.knownModels')).models[0]).toMatchObject({ id: 'whisper-tiny', installed: true });
    expect(await call(win, 'asr.removeModel', { name: '..' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await call(win, 'asr.removeModel', { name: 'whisper-tiny' })).toEqual({ ok: true, value: null });
    expect(fs.readdirSync(models)).toEqual([]);
    expect(await call(win, 'asr.removeModel', { name: 'whisper-tiny' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('long work (an export of a large recording) sends its progress to the page, answers the page meanwhile, and work.cancel leaves nothing', async () => {
    const { home } = await launch();
    fake.ready();
    const win = await shown();
    await value(win, 'vault.create', {
      path: path.join(home, 'Documents', 'Hvelv', 'Studie'),
      passphrase: 'korrekt hest batteri stift',
      project: { title: 'Studie', institution: 'VID', faculty: 'Sosialt arbeid', student: 'S', supervisor: 'V', siktRef: '123456', endDate: '2027-06-30', endAction: 'delete-all' },
    });
    await finishLetter({ invoke: (method: string, input: unknown) => value(win, method, input) } as unknown as Harness);
    const { code } = await value<{ code: string }>(win, 'participants.add', { identity: { name: 'Ragnhild Testesen' } });
    await value(win, 'consent.record', { code, date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
    // 96 MiB of silence, sparse on disk.
    const wav = path.join(tempDir(), 'langt.wav');
    const head = makeWav(path.join(tempDir(), 'h.wav'), 0.001, 1, 48000).subarray(0, 44);
    head.writeUInt32LE(36 + 96 * 2 ** 20, 4);
    head.writeUInt32LE(96 * 2 ** 20, 40);
    fs.writeFileSync(wav, head);
    fs.truncateSync(wav, 44 + 96 * 2 ** 20);
    fake.dialogAnswers.open.push(wav);
    const chosen = await value<{ token: string }>(win, 'recordings.chooseFile');
    const rec = await value<{ id: string }>(win, 'recordings.import', { jobId: 'job-app-import', code, file: chosen.token });
    const progressOf = (jobId: string) => win.webContents.sent.filter((m) => m.channel === EVENT_CHANNEL && (m.args[0] as { type: string; jobId?: string }).type === 'work-progress' && (m.args[0] as { jobId: string }).jobId === jobId);

    // The page pings while the export runs: each ping is answered before the export is done.
    const out = path.join(tempDir(), 'eksport.wav');
    fake.dialogAnswers.save.push(out);
    let done = false;
    const exported = call<string>(win, 'recordings.export', { id: rec.id, jobId: 'job-app-export' }).finally(() => (done = true));
    let pings = 0;
    while (!done) {
      // A message from the page arrives as a task of its own, as IPC does (not a microtask chain).
      await new Promise((resolve) => setImmediate(resolve));
      const r = await call<{ version: string }>(win, 'app.info');
      if (r.ok && !done) pings++;
    }
    expect(await exported).toMatchObject({ ok: true, value: out });
    expect(pings).toBeGreaterThan(3);
    expect(progressOf('job-app-export').length).toBeGreaterThan(0);
    const lastSeen = progressOf('job-app-export').at(-1)!.args[0] as { bytes: number; total: number };
    expect(lastSeen.total).toBe(44 + 96 * 2 ** 20);
    expect(lastSeen.bytes).toBeGreaterThan(0);
    expect(lastSeen.bytes).toBeLessThanOrEqual(lastSeen.total);
    expect(fs.statSync(out).size).toBe(44 + 96 * 2 ** 20);

    // Cancelled at its first progress: CANCELLED, and nothing at the target or beside it.
    const dir = tempDir();
    fake.dialogAnswers.save.push(path.join(dir, 'avbrutt.wav'));
    const cancelled = call(win, 'recordings.export', { id: rec.id, jobId: 'job-app-cancel' });
    await expect.poll(() => progressOf('job-app-cancel').length, { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await call(win, 'work.cancel', { jobId: 'job-app-cancel' })).toMatchObject({ ok: true });
    expect(await cancelled).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(fs.readdirSync(dir)).toEqual([]);
  }, 120_000);

  it("the end date's deletion: the open vault locked, its state kept for the page (projectEnd.state) and sent as it changes, then done with the certificate; dismissed only when done", async () => {
    const { home } = await launch();
    fake.ready();
    const win = await shown();
    const vault = path.join(home, 'Documents', 'Hvelv', 'Slutt');
    await value(win, 'vault.create', {
      path: vault,
      passphrase: 'korrekt hest batteri stift',
      project: { title: 'Slutt', institution: 'VID', faculty: 'Sosialt arbeid', student: 'S', supervisor: 'V', siktRef: '123456', endDate: '2027-06-30', endAction: 'anonymise' },
    });
    await finishLetter({ invoke: (method: string, input: unknown) => value(win, method, input) } as unknown as Harness);
    const { code } = await value<{ code: string }>(win, 'participants.add', { identity: { name: 'Ragnhild Testesen' } });
    await value(win, 'consent.record', { code, date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
    const wav = path.join(tempDir(), 'intervju.wav');
    makeWav(wav, 4, 9);
    fake.dialogAnswers.open.push(wav);
    const chosen = await value<{ token: string }>(win, 'recordings.chooseFile');
    await value(win, 'recordings.import', { jobId: 'job-app-end', code, file: chosen.token });
    expect(await value(win, 'projectEnd.state')).toBe(null);
    // Nothing to dismiss yet: not an error.
    expect(await value(win, 'projectEnd.dismiss')).toBe(null);

    // The end date passed (a time seen later than it, as the daily job records it), and the
    // machine wakes: the watch locks the open vault and deletes.
    fs.writeFileSync(path.join(vault, 'clock.json'), `${JSON.stringify({ latestSeen: '2027-07-01T12:00:00.000Z' })}\n`);
    expect(fake.powerMonitor.fire('resume')).toBe(true);
    await expect.poll(async () => (await value<{ phase: string } | null>(win, 'projectEnd.state'))?.phase, { timeout: 30_000 }).toBe('done');
    const sent = win.webContents.sent.filter((m) => m.channel === EVENT_CHANNEL).map((m) => m.args[0] as { type: string; reason?: string; state?: { phase: string } | null });
    expect(sent).toContainEqual(expect.objectContaining({ type: 'locked', reason: 'project-end' }));
    const states = sent.filter((e) => e.type === 'project-end').map((e) => e.state?.phase);
    expect(states[0]).toBe('running');
    expect(states.at(-1)).toBe('done');
    expect(await value<{ unlocked: boolean }>(win, 'session.state')).toEqual({ unlocked: false });
    const done = await value<{ title: string; endDate: string; endAction: string; resumed: boolean; certificate: string; bytes: number; total: number }>(win, 'projectEnd.state');
    expect(done).toMatchObject({ title: 'Slutt', endDate: '2027-06-30', endAction: 'anonymise', resumed: false });
    expect(done.total).toBeGreaterThan(0);
    expect(done.bytes).toBe(done.total);
    expect(path.dirname(done.certificate)).toBe(path.join(vault, 'certificates'));
    expect(fs.readFileSync(done.certificate, 'utf8')).toContain('Slettebekreftelse ved prosjektslutt');
    // The page's Close forgets it, and says so to any other listener.
    expect(await value(win, 'projectEnd.dismiss')).toBe(null);
    expect(await value(win, 'projectEnd.state')).toBe(null);
    expect(win.webContents.sent.at(-1)!.args[0]).toEqual({ type: 'project-end', state: null });
  }, 120_000);

  it('a second launch builds nothing and quits; the first comes to the front', async () => {
    await launch({ singleInstance: false });
    fake.ready();
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.app.calls).toContain('quit');
    // start() never ran: its first act after ready is hardening the session.
    expect(fake.session.checkHandler).toBe(null);
    expect(fake.windows).toEqual([]);
    expect(fake.ipcChannels).toEqual([]);

    await launch();
    fake.ready();
    const win = await shown();
    win.minimized = true;
    fake.app.emit('second-instance', {}, ['/opt/Hvelv/hvelv'], '/home/student', {});
    expect(win.calls.slice(-3)).toEqual(['restore', 'show', 'focus']);
  });

  it('ends the logind monitor with the app, not after it', async () => {
    gdbus.length = 0;
    await launch();
    fake.ready();
    await shown();
    expect(gdbus.map((g) => g.args)).toEqual([['monitor', '--system', '--dest', 'org.freedesktop.login1']]);
    expect(gdbus[0]!.killed).toBe(false);
    fake.app.emit('will-quit', {});
    expect(gdbus[0]!.killed).toBe(true);
  });

  it('a package without its SQLite for Electron says so at once and exits, the daily job too', async () => {
    await launch({ isPackaged: true });
    expect(fake.app.exitCode).toBe(1);
    // The packaged app keeps its settings, recent vaults and models where `hvelv` does
    // (<appData>/hvelv), not in a folder named after electron-builder's productName "Hvelv".
    expect(fake.app.getPath('userData')).toBe(path.join(path.dirname(fake.app.getPath('documents')), 'appData', 'hvelv'));
    expect(fake.errorBoxes).toEqual([{ title: 'Hvelv', content: expect.stringContaining('Installer Hvelv på nytt') }]);
    expect(fake.app.calls).not.toContain('enableSandbox');
    await launch({ isPackaged: true, argv: ['--ozone-platform=headless', 'enforce', '/home/student/Hvelv/Studie'] });
    expect(fake.app.exitCode).toBe(1);
    // No display for a dialog in the daily job: the message goes to its log only.
    expect(fake.errorBoxes).toEqual([]);
  });

  it("runs the daily job's headless enforce with no window and exits with the command's code", async () => {
    const missing = path.join(tempDir(), 'no-such-vault');
    await launch({ argv: ['--ozone-platform=headless', 'enforce', missing, '--json'] });
    await expect.poll(() => fake.app.exitCode, { timeout: 30_000 }).not.toBe(null);
    expect(fake.app.exitCode).not.toBe(0);
    expect(fake.app.calls).not.toContain('enableSandbox');
    expect(fake.windows).toEqual([]);
    expect(fake.ipcChannels).toEqual([]);
  });
});
