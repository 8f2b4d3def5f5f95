/**
 * The vault locks when the screen locks, on every OS (the first review's F5: Electron's
 * 'lock-screen' is macOS and Windows only, so on Linux nothing locked the vault). The
 * fake powerMonitor delivers each event only where Electron 45 emits it.
 */
import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fake, type Platform } from './fake-electron';
import { IDLE_POLL_MS, isLogindLockLine, logindSessionPath, POWER_MONITOR_EVENTS, watchLockSignals, type PowerMonitorLike } from '../../electron/main/lock-signals';

class FakeGdbus extends EventEmitter {
  readonly stdout = new EventEmitter();
  killed = false;
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

function watch(platform: Platform, opts: { spawn?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  fake.reset({ platform });
  const locks: string[] = [];
  const timers: { fn: () => void; ms: number; cleared: boolean }[] = [];
  const spawned: { command: string; args: string[]; child: FakeGdbus }[] = [];
  const stop = watchLockSignals({
    platform,
    powerMonitor: fake.powerMonitor as unknown as PowerMonitorLike,
    onLock: (why) => locks.push(why),
    env: opts.env ?? {},
    setInterval: (fn, ms) => {
      const t = { fn, ms, cleared: false };
      timers.push(t);
      return t;
    },
    clearInterval: (t) => void ((t as { cleared: boolean }).cleared = true),
    spawn:
      opts.spawn === false
        ? undefined
        : (command, args) => {
            const child = new FakeGdbus();
            spawned.push({ command, args, child });
            return child;
          },
  });
  const tick = () => timers.filter((t) => !t.cleared).forEach((t) => t.fn());
  return { locks, timers, spawned, stop, tick };
}

// Lines as `gdbus monitor --system --dest org.freedesktop.login1` prints them.
const LOCK = '/org/freedesktop/login1/session/_32: org.freedesktop.login1.Session.Lock ()';
const HINT = "/org/freedesktop/login1/session/_32: org.freedesktop.DBus.Properties.PropertiesChanged ('org.freedesktop.login1.Session', {'LockedHint': <true>}, @as [])";
const UNHINT = "/org/freedesktop/login1/session/_32: org.freedesktop.DBus.Properties.PropertiesChanged ('org.freedesktop.login1.Session', {'LockedHint': <false>}, @as [])";

describe('the screen lock locks the vault on every OS', () => {
  for (const platform of ['darwin', 'win32'] as const) {
    it(`${platform}: from Electron's lock-screen`, () => {
      const w = watch(platform);
      fake.powerMonitor.lockScreen();
      expect(w.locks).toEqual(['screen']);
      // No polling and no logind there.
      expect(w.timers).toEqual([]);
      expect(w.spawned).toEqual([]);
    });
  }

  it('linux: Electron says nothing, the idle state says locked, and the vault locks once', () => {
    const w = watch('linux', { spawn: false });
    fake.powerMonitor.lockScreen();
    expect(w.locks).toEqual([]);
    expect(w.timers.map((t) => t.ms)).toEqual([IDLE_POLL_MS]);
    w.tick();
    expect(w.locks).toEqual(['screen']);
    w.tick();
    expect(w.locks).toEqual(['screen']);
    // Unlocked, then locked again: locks again.
    fake.powerMonitor.idleState = 'active';
    w.tick();
    fake.powerMonitor.idleState = 'locked';
    w.tick();
    expect(w.locks).toEqual(['screen', 'screen']);
  });

  it("linux: logind's Lock and LockedHint for our session lock the vault, another session's do not", () => {
    const w = watch('linux', { env: { XDG_SESSION_ID: '2' } });
    expect(w.spawned.map((s) => [s.command, ...s.args])).toEqual([['gdbus', 'monitor', '--system', '--dest', 'org.freedesktop.login1']]);
    const out = w.spawned[0]!.child.stdout;
    out.emit('data', Buffer.from('/org/freedesktop/login1/session/_33: org.freedesktop.login1.Session.Lock ()\n'));
    out.emit('data', Buffer.from(UNHINT + '\n'));
    expect(w.locks).toEqual([]);
    // A line in two pieces, as a pipe may deliver it.
    out.emit('data', Buffer.from(LOCK.slice(0, 20)));
    expect(w.locks).toEqual([]);
    out.emit('data', Buffer.from(LOCK.slice(20) + '\n'));
    expect(w.locks).toEqual(['screen']);
    out.emit('data', HINT + '\n');
    expect(w.locks).toEqual(['screen', 'screen']);
  });

  it('linux: without gdbus or a system bus the idle state still locks, and nothing throws', () => {
    const w = watch('linux');
    w.spawned[0]!.child.emit('error', Object.assign(new Error('spawn gdbus ENOENT'), { code: 'ENOENT' }));
    fake.powerMonitor.lockScreen();
    w.tick();
    expect(w.locks).toEqual(['screen']);
  });

  it('sleep locks on every OS; stopping ends the poll and the monitor', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const w = watch(platform);
      expect(fake.powerMonitor.fire('suspend')).toBe(true);
      expect(w.locks).toEqual(['suspend']);
      w.stop();
      fake.powerMonitor.fire('suspend');
      expect(w.locks).toEqual(['suspend']);
      expect(w.timers.every((t) => t.cleared)).toBe(true);
      expect(w.spawned.every((s) => s.child.killed)).toBe(true);
    }
  });

  it('listens to each powerMonitor event only where Electron emits it', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      fake.reset({ platform });
      const on = vi.spyOn(fake.powerMonitor, 'on');
      watchLockSignals({ platform, powerMonitor: fake.powerMonitor as unknown as PowerMonitorLike, onLock: () => undefined, setInterval: () => 0, clearInterval: () => undefined });
      for (const [event] of on.mock.calls) expect(POWER_MONITOR_EVENTS[event as keyof typeof POWER_MONITOR_EVENTS], `${String(event)} on ${platform}`).toContain(platform);
    }
  });
});

describe("logind's lines", () => {
  beforeEach(() => fake.reset());

  it('escapes session ids as systemd does for bus paths', () => {
    expect(logindSessionPath('2')).toBe('/org/freedesktop/login1/session/_32');
    expect(logindSessionPath('c1')).toBe('/org/freedesktop/login1/session/c1');
    expect(logindSessionPath('12')).toBe('/org/freedesktop/login1/session/_312');
    expect(logindSessionPath('a-b')).toBe('/org/freedesktop/login1/session/a_2db');
  });

  it('reads Lock and LockedHint true, and nothing else', () => {
    expect(isLogindLockLine(LOCK, '/org/freedesktop/login1/session/_32')).toBe(true);
    expect(isLogindLockLine(HINT, null)).toBe(true);
    expect(isLogindLockLine(UNHINT, null)).toBe(false);
    expect(isLogindLockLine('/org/freedesktop/login1/session/_32: org.freedesktop.login1.Session.Unlock ()', null)).toBe(false);
    expect(isLogindLockLine("/org/freedesktop/login1/user/_1000: org.freedesktop.DBus.Properties.PropertiesChanged ('org.freedesktop.login1.User', {'LockedHint': <true>}, @as [])", null)).toBe(false);
    expect(isLogindLockLine('garbage', null)).toBe(false);
  });
});
