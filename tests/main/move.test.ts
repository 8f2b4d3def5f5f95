/**
 * "Flytt hvelvet til en lokal mappe …" through the built main process and the fake `electron`
 * (issue 28): the folder comes from main's own dialog, the page cannot name one, the move
 * reports its progress to the page, and afterwards main holds the vault at its new place and
 * the recent list names that place.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fake, type FakeBrowserWindow } from './fake-electron';
import { tempDir } from '../core/helpers';
import { finishLetter, type Harness } from '../e2e/harness';
import { IPC_CHANNEL, EVENT_CHANNEL } from '@shared/ipc-channels';

// gdbus (the logind monitor on Linux) as a process that never answers; every other program is real.
vi.mock('node:child_process', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:child_process')>();
  const { EventEmitter } = await import('node:events');
  const spawn = ((command: string, args: string[], options: object) => {
    if (command !== 'gdbus') return real.spawn(command, args, options);
    return Object.assign(new EventEmitter(), { stdout: new EventEmitter(), kill: () => true });
  }) as typeof real.spawn;
  return { ...real, spawn, default: { ...real, spawn } };
});

vi.mock('electron', async () => {
  const m = await import('./fake-electron');
  return { ...m.electronModule, default: m.electronModule };
});

const OUT = path.join(import.meta.dirname, '..', '..', 'out');
const MAIN = pathToFileURL(path.join(OUT, 'main', 'index.js')).href;

type R<T> = { ok: true; value: T } | { ok: false; error: { code: string } };

async function launch() {
  const home = tempDir('hvelv-app-move-');
  fake.reset({ platform: 'linux', paths: { userData: path.join(home, 'userData'), documents: path.join(home, 'Documents') } });
  (process as { resourcesPath?: string }).resourcesPath = path.join(home, 'resources');
  fs.mkdirSync(path.join(home, 'userData'));
  const argv = process.argv;
  process.argv = [process.execPath];
  vi.resetModules();
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  try {
    await import(/* @vite-ignore */ MAIN);
  } finally {
    process.argv = argv;
  }
  fake.ready();
  await expect.poll(() => fake.windows[0]?.visible ?? false, { timeout: 30_000 }).toBe(true);
  return { home, win: fake.windows[0]! };
}

const call = <T>(win: FakeBrowserWindow, method: string, input: unknown = {}) => fake.invoke(IPC_CHANNEL, { wc: win.webContents }, method, input) as Promise<R<T>>;
async function value<T>(win: FakeBrowserWindow, method: string, input: unknown = {}): Promise<T> {
  const r = await call<T>(win, method, input);
  if (!r.ok) throw new Error(`${method}: ${r.error.code}`);
  return r.value;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('moving the vault out of a synced folder, in the app', () => {
  it('takes the folder from main\'s dialog only, moves with progress, and holds the vault at its new place', async () => {
    if (!fs.existsSync(path.join(OUT, 'main', 'index.js'))) throw new Error('out/main is missing: run `npx electron-vite build` first (npm test does)');
    const { home, win } = await launch();
    // A Dropbox folder: the client's marker in its root.
    const dropbox = path.join(home, 'Dropbox');
    fs.mkdirSync(dropbox);
    fs.writeFileSync(path.join(dropbox, '.dropbox.cache'), '');
    const vault = path.join(dropbox, 'Studie');
    await value(win, 'vault.create', {
      path: vault,
      passphrase: 'korrekt hest batteri stift',
      project: { title: 'Studie', institution: 'VID', faculty: 'Sosialt arbeid', student: 'S', supervisor: 'V', siktRef: '123456', endDate: '2027-06-30', endAction: 'delete-all' },
    });
    await finishLetter({ invoke: (method: string, input: unknown) => value(win, method, input) } as unknown as Harness);
    await value(win, 'participants.add', { identity: { name: 'Ragnhild Testesen' } });
    expect((await value<{ syncedBy: string | null }>(win, 'backup.get')).syncedBy).toBe('Dropbox');

    // The page cannot name a folder, and cannot move before main's dialog chose one.
    expect(await call(win, 'backup.move', { to: path.join(home, 'anywhere') })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await call(win, 'backup.move', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    // Cancelled in the dialog: nothing planned.
    fake.dialogAnswers.open.push(null);
    expect(await value(win, 'backup.chooseMoveTarget')).toBeNull();
    // A folder inside the synced folder is refused at once.
    fake.dialogAnswers.open.push(path.join(dropbox, 'Annet'));
    expect(await call(win, 'backup.chooseMoveTarget')).toMatchObject({ ok: false, error: { code: 'MOVE_TARGET_SYNCED' } });
    expect(await call(win, 'backup.move', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    const target = path.join(home, 'Lokal', 'Studie');
    fake.dialogAnswers.open.push(target);
    expect(await value(win, 'backup.chooseMoveTarget')).toEqual({ to: target, backupIn: vault, service: 'Dropbox' });
    const moved = await value<{ to: string; backupPlace: string; backupCopied: boolean; service: string; view: { syncedBy: string | null; places: { dir: string }[] } }>(win, 'backup.move', { jobId: 'job-move-1' });
    expect(moved).toMatchObject({ to: target, backupPlace: vault, backupCopied: true, service: 'Dropbox', view: { syncedBy: null, places: [{ dir: vault }] } });
    // Progress reached the page under the job's id, to the end.
    const progress = win.webContents.sent.filter((m) => m.channel === EVENT_CHANNEL && (m.args[0] as { type: string; jobId?: string }).jobId === 'job-move-1').map((m) => m.args[0] as { bytes: number; total: number });
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)!.bytes).toBe(progress.at(-1)!.total);
    // Main holds the vault at its new place, unlocked, with its data; no lock was announced.
    const state = await value<{ unlocked: boolean; status: { path: string } }>(win, 'session.state');
    expect(state).toMatchObject({ unlocked: true, status: { path: target } });
    expect(win.webContents.sent.some((m) => m.channel === EVENT_CHANNEL && (m.args[0] as { type: string }).type === 'locked')).toBe(false);
    expect((await value<{ code: string }[]>(win, 'participants.list')).map((p) => p.code)).toEqual(['P01']);
    expect(await value(win, 'backup.verify')).toEqual([{ dir: vault, problems: [] }]);
    expect((await value<{ path: string }[]>(win, 'vault.recent')).map((r) => r.path)).toEqual([target]);
    expect(fs.readdirSync(vault).filter((n) => !n.startsWith('hvelv-backup-'))).toEqual([]);
    // The chosen folder was used once: a second move needs the dialog again.
    expect(await call(win, 'backup.move', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    await value(win, 'session.lock');
  });
});
