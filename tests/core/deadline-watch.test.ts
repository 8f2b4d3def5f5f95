/** The running app keeps the end date: reminders once per threshold; on the day, lock then destroy. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDeadlines, nextCheckDelay } from '../../electron/core/services/project-end/deadline-watch';
import { AppConfig } from '../../electron/core/services/project/app-config';
import { SessionManager } from '../../electron/core/services/project/session-manager';
import { createVault, unlockVault } from '../../electron/core/vault/vault';
import { storeDir } from '../../electron/core/vault/layout';
import { reminderFor, type IsoDate } from '@shared/domain';
import type { AppEvent } from '@shared/contract';
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
