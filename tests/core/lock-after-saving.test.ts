/**
 * A lock the page did not ask for (screen lock, sleep, quit) first lets the page save
 * what is typed, through the handler table as main runs it: main tells the page
 * ('save-now'), the page saves and answers `session.saved`, then the vault locks. A page
 * that never answers holds the lock back no longer than the time given.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHandlers, dispatch } from '../../electron/main/handlers';
import { AppConfig } from '../../electron/core/services/project/app-config';
import type { AppEvent } from '@shared/contract';
import { createCrypto } from '../../electron/core/crypto/sodium';
import { tempDir, TEST_KDF, TEST_KDF_POLICY } from './helpers';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const PASSPHRASE = 'a passphrase that is long';

async function setup() {
  const home = tempDir();
  dirs.push(home);
  const events: AppEvent[] = [];
  const { handlers, sessions } = createHandlers({
    crypto: await createCrypto(),
    kdfPolicy: TEST_KDF_POLICY,
    createOptions: { kdf: TEST_KDF },
    now: () => new Date('2026-11-27T12:00:00Z'),
    config: new AppConfig(path.join(home, 'cfg', 'config.json')),
    emit: (e) => events.push(e),
    platform: { version: 't', systemLocale: () => 'en-US', documentsDir: () => path.join(home, 'Documents'), chooseFolder: async () => null, chooseFile: async () => null, chooseSavePath: async () => null, mediaUrl: (id) => `test-media://${id}`, scheduleCommand: () => null },
  });
  const vault = path.join(home, 'v');
  const project = { title: 'Studie', institution: '', faculty: '', student: '', supervisor: '', siktRef: '', endDate: '2027-06-01', endAction: 'anonymise' };
  const made = await dispatch(handlers, 'vault.create', { path: vault, passphrase: PASSPHRASE, project });
  if (!made.ok) throw new Error(JSON.stringify(made.error));
  return { handlers, sessions, events, vault };
}

describe('locking when the page did not ask', () => {
  it('tells the page, waits for its answer, then locks; the page can still save while it waits', async () => {
    const { handlers, sessions, events } = await setup();
    expect(sessions.current).not.toBeNull();
    const locking = sessions.lockAfterSaving('system', 10_000);
    const ask = events.find((e): e is Extract<AppEvent, { type: 'save-now' }> => e.type === 'save-now');
    expect(ask, 'the page is told to save').toBeDefined();
    // Still open: the page's save would reach the vault.
    expect(await dispatch(handlers, 'session.state', {})).toMatchObject({ ok: true, value: { unlocked: true } });
    await dispatch(handlers, 'session.saved', { id: ask!.id });
    await locking;
    expect(sessions.current).toBeNull();
    expect(events.at(-1)).toMatchObject({ type: 'locked', reason: 'system' });
  });

  it('a page that never answers holds the lock back only as long as given', async () => {
    const { sessions, events } = await setup();
    const t = performance.now();
    await sessions.lockAfterSaving('system', 200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(190);
    expect(sessions.current).toBeNull();
    expect(events.filter((e) => e.type === 'locked')).toHaveLength(1);
  });

  it('a lock the user made meanwhile stands, and a vault unlocked again since is not locked by the old request', async () => {
    const { handlers, sessions, events, vault } = await setup();
    const locking = sessions.lockAfterSaving('system', 10_000);
    const ask = events.find((e): e is Extract<AppEvent, { type: 'save-now' }> => e.type === 'save-now')!;
    await dispatch(handlers, 'session.lock', {});
    expect(sessions.current).toBeNull();
    const again = await dispatch(handlers, 'vault.unlock', { path: vault, passphrase: PASSPHRASE });
    expect(again.ok).toBe(true);
    await dispatch(handlers, 'session.saved', { id: ask.id });
    await locking;
    expect(sessions.current, 'the new session stays open').not.toBeNull();
  });

  it('refuses an answer that is not an id main gave', async () => {
    const { handlers } = await setup();
    const r = await dispatch(handlers, 'session.saved', { id: 'not-an-id' });
    expect(r.ok).toBe(false);
  });
});
