/** The running app keeps the end date: reminders once per threshold; on the day, lock then destroy. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDeadlines, nextCheckDelay, ProjectEndReport } from '../../electron/core/services/project-end/deadline-watch';
import { enforceProjectEnd, listCertificates } from '../../electron/core/services/project-end/project-end';
import { makeVault } from './helpers';
import { AppConfig } from '../../electron/core/services/project/app-config';
import { SessionManager } from '../../electron/core/services/project/session-manager';
import { createVault, unlockVault } from '../../electron/core/vault/vault';
import { storeDir } from '../../electron/core/vault/layout';
import { reminderFor, type IsoDate } from '@shared/domain';
import type { AppEvent } from '@shared/contract';
import { HvelvError } from '../../electron/core/errors';
import { pw, SAMPLE_FACTS, tempDir, testDeps, TEST_KDF } from './helpers';

describe('reminders', () => {
  it.each([
    [31, null],
    [30, 30],
    [15, 30],
    [14, 14],
    [8, 14],
    [7, 7],
    [2, 7],
    [1, 1],
    [0, null],
  ])('%i days left: reminder %s', (days, expected) => {
    expect(reminderFor(days)).toBe(expected);
  });
});

describe('the deadline watch', () => {
  it('reminds once per threshold, and on the day locks the open vault before destroying', async () => {
    let now = new Date('2031-05-23T12:00:00');
    const deps = await testDeps({ now: () => now });
    const dir = path.join(tempDir(), 'v');
    const s = await createVault(dir, pw('watch passphrase'), { ...SAMPLE_FACTS, endDate: '2031-05-30' as IsoDate }, deps, { kdf: TEST_KDF });
    const config = new AppConfig(path.join(tempDir(), 'c.json'));
    config.rememberVault(dir, 'Studie', now);
    const events: AppEvent[] = [];
    const notes: string[] = [];
    const sessions = new SessionManager((reason) => events.push({ type: 'locked', reason }), { setTimeout: () => 0, clearTimeout: () => undefined });
    sessions.open(s);
    const watch = () =>
      checkDeadlines({
        config,
        sessions,
        crypto: deps.crypto,
        now: () => now,
        emit: (e) => events.push(e),
        notify: (title, body) => notes.push(`${title}|${body}`),
        reminderText: (title, days) => ({ title, body: `${days} days` }),
      });
    expect(await watch()).toEqual({ enforced: [], reminded: [dir] });
    expect((await watch()).reminded).toEqual([]); // the same threshold is not repeated
    now = new Date('2031-05-29T12:00:00');
    expect((await watch()).reminded).toEqual([dir]);
    expect(notes).toEqual(['Relasjonsarbeid i arbeidsinkluderingsprosesser|7 days', 'Relasjonsarbeid i arbeidsinkluderingsprosesser|1 days']);
    expect(sessions.current).not.toBeNull();

    now = new Date('2031-05-30T12:00:00');
    expect((await watch()).enforced).toEqual([dir]);
    expect(sessions.current).toBeNull();
    expect(events).toContainEqual({ type: 'locked', reason: 'project-end' });
    expect(fs.readdirSync(storeDir(dir, 'keylist'))).toEqual(['DESTROYED.json']);
    const again = await unlockVault(dir, pw('watch passphrase'), deps);
    expect(again.stores.keylist.destroyed).toBe(true);
    again.lock();
    expect((await watch()).enforced).toEqual([]);
  });
});

describe('the deletion as the window shows it', () => {
  it('a deletion cut short (the app quit mid-way) is finished by the watch, said to be resumed, then done with its certificate', async () => {
    const { dir, session, deps } = await makeVault();
    session.lock();
    // Cut short after the recordings' key went: a tombstone with the store's files still there.
    let keys = 0;
    class Cut extends Error {}
    expect(() =>
      enforceProjectEnd(dir, {
        crypto: deps.crypto,
        now: new Date('2031-05-31T12:00:00Z'),
        hooks: {
          afterStep: (s) => {
            if (s === 'key' && ++keys === 2) throw new Cut();
          },
        },
      }),
    ).toThrow(Cut);
    expect(fs.readdirSync(storeDir(dir, 'recordings')).length).toBeGreaterThan(1);
    expect(listCertificates(dir)).toEqual([]);

    const config = new AppConfig(path.join(tempDir(), 'c.json'));
    config.rememberVault(dir, 'Studie', new Date('2031-05-31T12:00:00Z'));
    const events: AppEvent[] = [];
    const report = new ProjectEndReport((e) => events.push(e));
    const sessions = new SessionManager(() => undefined, { setTimeout: () => 0, clearTimeout: () => undefined });
    const r = await checkDeadlines({ config, sessions, crypto: deps.crypto, now: () => new Date('2031-06-01T12:00:00Z'), emit: (e) => events.push(e), report, notify: () => undefined, reminderText: () => ({ title: '', body: '' }) });
    expect(r.enforced).toEqual([dir]);
    expect(fs.readdirSync(storeDir(dir, 'recordings'))).toEqual(['DESTROYED.json']);
    expect(listCertificates(dir)).toHaveLength(1);
    const states = events.flatMap((e) => (e.type === 'project-end' && e.state ? [e.state] : []));
    expect(states[0]).toMatchObject({ phase: 'running', resumed: true, title: 'Relasjonsarbeid i arbeidsinkluderingsprosesser', endDate: '2031-05-30', endAction: 'anonymise' });
    expect(report.current()).toMatchObject({ phase: 'done', resumed: true });
    expect(report.current()!.certificate).toMatch(/certificates[\\/]deletion-2031-06-01\.html$/);
    // Nothing more due: the next check reports nothing new.
    expect((await checkDeadlines({ config, sessions, crypto: deps.crypto, now: () => new Date('2031-06-01T13:00:00Z'), emit: (e) => events.push(e), report, notify: () => undefined, reminderText: () => ({ title: '', body: '' }) })).enforced).toEqual([]);
    report.dismiss();
    expect(report.current()).toBe(null);
  });

  it('a failing deletion is said to have failed, with why (the panel does not stay "running" nor vanish), and a running one is not dismissed', async () => {
    const events: AppEvent[] = [];
    const report = new ProjectEndReport((e) => events.push(e));
    let release!: () => void;
    const run = report.track({ title: 'T', endDate: '2031-05-30', endAction: 'anonymise', resumed: false }, () => new Promise((_, reject) => (release = () => reject(new HvelvError('VAULT_BUSY', 'the vault is in use by process 4242 (session)')))));
    expect(report.current()).toMatchObject({ phase: 'running' });
    report.dismiss();
    expect(report.current()).toMatchObject({ phase: 'running' });
    release();
    await expect(run).rejects.toMatchObject({ code: 'VAULT_BUSY' });
    expect(report.current()).toMatchObject({ phase: 'failed', title: 'T', error: { code: 'VAULT_BUSY' } });
    expect(events.at(-1)).toMatchObject({ type: 'project-end', state: { phase: 'failed' } });
    // The page read it and closed it.
    report.dismiss();
    expect(report.current()).toBe(null);
    expect(events.at(-1)).toEqual({ type: 'project-end', state: null });
  });
});

describe('when the running app checks again', () => {
  it('an hour from now, but never past the next local midnight, so the end day is kept from its first minute', () => {
    expect(nextCheckDelay(new Date(2031, 5, 29, 10, 0, 0))).toBe(60 * 60 * 1000);
    // 23:40: the next check comes a second after midnight, not at 00:40.
    expect(nextCheckDelay(new Date(2031, 5, 29, 23, 40, 0))).toBe(20 * 60 * 1000 + 1000);
    expect(nextCheckDelay(new Date(2031, 5, 29, 23, 59, 59, 500))).toBe(1500);
    // Just after midnight it waits the hour again.
    expect(nextCheckDelay(new Date(2031, 5, 30, 0, 0, 2))).toBe(60 * 60 * 1000);
  });
});
