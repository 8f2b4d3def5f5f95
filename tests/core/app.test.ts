/** The handler table and session manager beneath Electron: boundary parsing, idle lock, recent vaults. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createHandlers, dispatch, folderName } from '../../electron/main/handlers';
import { AppConfig } from '../../electron/core/services/project/app-config';
import type { AppEvent } from '@shared/contract';
import { createCrypto } from '../../electron/core/crypto/sodium';
import { admit, makeWav, tempDir, TEST_KDF, TEST_KDF_POLICY } from './helpers';

async function setup(opts: { timers?: { setTimeout(fn: () => void, ms: number): unknown; clearTimeout(h: unknown): void } } = {}) {
  const home = tempDir();
  const events: AppEvent[] = [];
  const chosen: (string | null)[] = [];
  const { handlers, sessions } = createHandlers({
    crypto: await createCrypto(),
    kdfPolicy: TEST_KDF_POLICY,
    createOptions: { kdf: TEST_KDF },
    now: () => new Date('2026-11-27T12:00:00Z'),
    config: new AppConfig(path.join(home, 'cfg', 'config.json')),
    emit: (e) => events.push(e),
    timers: opts.timers,
    platform: { version: 't', systemLocale: () => 'en-US', documentsDir: () => path.join(home, 'Documents'), chooseFolder: async () => null, chooseFile: async () => chosen.shift() ?? null, chooseSavePath: async () => null, mediaUrl: (id) => `test-media://${id}`, scheduleCommand: () => null },
  });
  return { home, events, handlers, sessions, chosen };
}

const project = { title: 'Studie', institution: '', faculty: '', student: '', supervisor: '', siktRef: '', endDate: '2027-06-01', endAction: 'anonymise' };

describe('dispatch: the IPC boundary', () => {
  it('rejects unknown methods and malformed payloads before any handler runs', async () => {
    const { handlers } = await setup();
    expect(await dispatch(handlers, 'fs.readFile', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatch(handlers, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatch(handlers, 'vault.unlock', { path: 42 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatch(handlers, 'vault.unlock', { path: '/x', passphrase: 'y', extra: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await dispatch(handlers, 'vault.create', { path: '/x', passphrase: 'y'.repeat(20), project: { ...project, endDate: '2027-02-30' } })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
  });

  it('returns expected failures as values with their code', async () => {
    const { handlers, home } = await setup();
    expect(await dispatch(handlers, 'vault.unlock', { path: path.join(home, 'nothing'), passphrase: 'x' })).toMatchObject({ ok: false, error: { code: 'NOT_A_VAULT' } });
    expect(await dispatch(handlers, 'settings.update', { autoLockMinutes: 5 })).toMatchObject({ ok: false, error: { code: 'VAULT_LOCKED' } });
  });

  it('creates, remembers, locks and unlocks a vault; audit records the sessions', async () => {
    const { handlers, home, events, sessions } = await setup();
    const vault = path.join(home, 'Documents', 'Hvelv', 'Studie');
    const made = await dispatch(handlers, 'vault.create', { path: vault, passphrase: 'a passphrase that is long', project });
    expect(made).toMatchObject({ ok: true, value: { title: 'Studie', daysLeft: 186 } });
    expect(await dispatch(handlers, 'vault.recent', {})).toMatchObject({ ok: true, value: [{ path: vault, title: 'Studie' }] });
    expect(await dispatch(handlers, 'session.lock', {})).toEqual({ ok: true, value: null });
    expect(events).toEqual([{ type: 'locked', reason: 'user', minutes: 10 }]);
    expect(await dispatch(handlers, 'session.state', {})).toEqual({ ok: true, value: { unlocked: false } });
    expect(await dispatch(handlers, 'vault.unlock', { path: vault, passphrase: 'wrong passphrase!' })).toMatchObject({ ok: false, error: { code: 'WRONG_PASSPHRASE' } });
    const open = await dispatch(handlers, 'vault.unlock', { path: vault, passphrase: 'a passphrase that is long' });
    expect(open.ok).toBe(true);
    const actions = (await dispatch(handlers, 'session.state', {})) as { ok: true; value: { unlocked: true } };
    expect(actions.value.unlocked).toBe(true);
    expect(sessions.current!.audit.list().map((e) => e.action)).toEqual(['vault.created', 'session.unlocked', 'session.locked', 'session.unlocked']);
  });

  it('suggests a folder in Documents/Hvelv named after the project', async () => {
    const { handlers, home } = await setup();
    expect(await dispatch(handlers, 'vault.suggestPath', { title: 'Relasjonsarbeid på NAV: «ære»' })).toEqual({
      ok: true,
      value: path.join(home, 'Documents', 'Hvelv', 'Relasjonsarbeid-pa-NAV-aere'),
    });
    expect(folderName('///')).toBe('prosjekt');
  });

  it('follows the system language until the user picks one, and remembers it', async () => {
    const { handlers, home } = await setup();
    expect(await dispatch(handlers, 'app.info', {})).toMatchObject({ ok: true, value: { locale: 'en', language: 'system' } });
    expect(await dispatch(handlers, 'app.setLanguage', { language: 'nb' })).toMatchObject({ ok: true, value: { locale: 'nb', language: 'nb' } });
    const again = new AppConfig(path.join(home, 'cfg', 'config.json'));
    expect(again.language).toBe('nb');
  });
});

describe('auto-lock', () => {
  it('locks after the idle time, each touch restarting the countdown, and wipes the session', async () => {
    vi.useFakeTimers();
    try {
      const { handlers, home, events, sessions } = await setup({
        timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
      });
      const vault = path.join(home, 'v');
      await dispatch(handlers, 'vault.create', { path: vault, passphrase: 'a passphrase that is long', project });
      const session = sessions.current!;
      vi.advanceTimersByTime(9 * 60_000);
      await dispatch(handlers, 'session.touch', {});
      vi.advanceTimersByTime(9 * 60_000);
      expect(sessions.current).not.toBeNull();
      vi.advanceTimersByTime(61_000);
      expect(sessions.current).toBeNull();
      expect(session.isLocked).toBe(true);
      expect(events).toEqual([{ type: 'locked', reason: 'idle', minutes: 10 }]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('app config', () => {
  it('survives a damaged file by starting fresh, and forgets vaults that are gone', () => {
    const dir = tempDir();
    const file = path.join(dir, 'config.json');
    fs.writeFileSync(file, '{not json');
    const c = new AppConfig(file);
    expect(c.recent()).toEqual([]);
    c.rememberVault(path.join(dir, 'gone'), 'Borte', new Date());
    c.rememberVault(dir, 'Her', new Date());
    expect(c.recent().map((r) => r.title)).toEqual(['Her']);
  });
});

describe('recording import over IPC', () => {
  it('reports progress as events and can be cancelled by job id, leaving nothing', async () => {
    const { handlers, home, events, sessions, chosen } = await setup();
    const vault = path.join(home, 'v');
    await dispatch(handlers, 'vault.create', { path: vault, passphrase: 'a passphrase that is long', project });
    const code = admit(sessions.current!);
    const wav = path.join(tempDir(), 'long.wav');
    makeWav(wav, 300, 2); // ~9.6 MB: several batches
    // The page can only name a file the user chose in main's dialog: a made-up token is refused.
    expect(await dispatch(handlers, 'recordings.import', { jobId: 'job-zero', code, file: 'f'.repeat(32) })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    chosen.push(wav);
    const picked = (await dispatch(handlers, 'recordings.chooseFile', {})) as { ok: true; value: { token: string; name: string } };
    expect(picked.value.name).toBe('long.wav');
    expect(JSON.stringify(picked)).not.toContain(path.dirname(wav));
    const done = await dispatch(handlers, 'recordings.import', { jobId: 'job-one', code, file: picked.value.token });
    expect(done.ok).toBe(true);
    const progress = events.filter((e) => e.type === 'import-progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ jobId: 'job-one', bytes: fs.statSync(wav).size, total: fs.statSync(wav).size });

    const other = path.join(tempDir(), 'other.wav');
    makeWav(other, 300, 3);
    chosen.push(other);
    const otherToken = ((await dispatch(handlers, 'recordings.chooseFile', {})) as { ok: true; value: { token: string } }).value.token;
    events.length = 0;
    const pending = dispatch(handlers, 'recordings.import', { jobId: 'job-two', code, file: otherToken });
    await dispatch(handlers, 'recordings.cancelImport', { jobId: 'job-two' });
    expect(await pending).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect((await dispatch(handlers, 'recordings.list', {})) as { value: unknown[] }).toMatchObject({ ok: true, value: [{ code }] });
    expect(fs.readdirSync(path.join(vault, 'recordings', 'blobs'))).toHaveLength(1);
  });
});
