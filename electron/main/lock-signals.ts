/**
 * When the vault locks by itself: the machine going to sleep, and the screen being locked.
 * Electron tells of a screen lock only on macOS and Windows (`lock-screen`; on Linux it is
 * not supported, electron/electron#24800), so on Linux the lock is found two ways:
 *  - logind, the session manager of every systemd desktop: its `Lock` signal for our
 *    session (`loginctl lock-session`, the lock key on many desktops) and `LockedHint`
 *    becoming true (set by GNOME, KDE and others when their lock screen shows), read with
 *    `gdbus monitor` where it is installed (GLib's, on nearly every desktop);
 *  - the system idle state, which Chromium reports as 'locked' where it can ask the
 *    desktop's screen saver (GNOME and KDE over D-Bus), polled every few seconds.
 * What is covered on each OS is written in docs/threat-model.md.
 *
 * No Electron import: tested with a fake powerMonitor per platform and logind's own lines.
 */

/** Which powerMonitor events Electron 45 emits on which OS (docs/api/power-monitor.md). */
export const POWER_MONITOR_EVENTS = {
  suspend: ['darwin', 'win32', 'linux'],
  resume: ['darwin', 'win32', 'linux'],
  'lock-screen': ['darwin', 'win32'],
  'unlock-screen': ['darwin', 'win32'],
  shutdown: ['darwin', 'linux'],
} as const satisfies Record<string, readonly NodeJS.Platform[]>;

export type PowerEvent = keyof typeof POWER_MONITOR_EVENTS;

export interface PowerMonitorLike {
  on(event: PowerEvent, listener: () => void): unknown;
  removeListener(event: PowerEvent, listener: () => void): unknown;
  getSystemIdleState(idleThreshold: number): 'active' | 'idle' | 'locked' | 'unknown';
}

export interface ChildLike {
  stdout: { on(event: 'data', fn: (chunk: Buffer | string) => void): unknown } | null;
  on(event: 'error' | 'exit', fn: (...args: unknown[]) => void): unknown;
  kill(): unknown;
}

export interface LockSignalDeps {
  platform: NodeJS.Platform;
  powerMonitor: PowerMonitorLike;
  /** Called on every sign that the vault should lock (it is idempotent). */
  onLock: (why: 'suspend' | 'screen') => void;
  /** Starts a program (child_process.spawn); only used on Linux, for logind. */
  spawn?: (command: string, args: string[]) => ChildLike;
  env?: NodeJS.ProcessEnv;
  setInterval?: (fn: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

/** How often the idle state is asked on Linux: a locked screen is seen within this time. */
export const IDLE_POLL_MS = 5_000;

/**
 * The object path logind gives a session: `/org/freedesktop/login1/session/` and the id
 * escaped as systemd escapes bus paths (every byte but [A-Za-z0-9] as _xx, and so is a
 * leading digit: session "2" is `_32`).
 */
export function logindSessionPath(sessionId: string): string {
  const escaped = [...Buffer.from(sessionId, 'utf8')]
    .map((b, i) => {
      const c = String.fromCharCode(b);
      return /[A-Za-z]/.test(c) || (i > 0 && /[0-9]/.test(c)) ? c : `_${b.toString(16).padStart(2, '0')}`;
    })
    .join('');
  return `/org/freedesktop/login1/session/${escaped}`;
}

/**
 * Whether one line of `gdbus monitor --system --dest org.freedesktop.login1` says that
 * `sessionPath` (or, when our session is unknown, any session) was locked.
 */
export function isLogindLockLine(line: string, sessionPath: string | null): boolean {
  const m = /^(\/org\/freedesktop\/login1\/session\/[A-Za-z0-9_]+): (.*)$/.exec(line.trim());
  if (!m) return false;
  if (sessionPath !== null && m[1] !== sessionPath) return false;
  const body = m[2]!;
  if (/^org\.freedesktop\.login1\.Session\.Lock \(\)$/.test(body)) return true;
  return body.startsWith("org.freedesktop.DBus.Properties.PropertiesChanged ('org.freedesktop.login1.Session',") && /'LockedHint': <true>/.test(body);
}

/** Starts watching; the returned function stops every watcher. */
export function watchLockSignals(deps: LockSignalDeps): () => void {
  const { platform, powerMonitor, onLock } = deps;
  const stops: (() => void)[] = [];
  const listen = (event: PowerEvent, fn: () => void): void => {
    if (!(POWER_MONITOR_EVENTS[event] as readonly string[]).includes(platform)) return;
    powerMonitor.on(event, fn);
    stops.push(() => powerMonitor.removeListener(event, fn));
  };
  listen('suspend', () => onLock('suspend'));
  listen('lock-screen', () => onLock('screen'));
  if (platform === 'linux') {
    // The idle state: locking on the edge into 'locked', not again while it stays so.
    let wasLocked = false;
    const every = deps.setInterval ?? ((fn, ms) => setInterval(fn, ms).unref());
    const stop = deps.clearInterval ?? ((h) => clearInterval(h as NodeJS.Timeout));
    const timer = every(() => {
      const locked = powerMonitor.getSystemIdleState(60) === 'locked';
      if (locked && !wasLocked) onLock('screen');
      wasLocked = locked;
    }, IDLE_POLL_MS);
    stops.push(() => stop(timer));
    if (deps.spawn) stops.push(watchLogind(deps.spawn, deps.env ?? process.env, () => onLock('screen')));
  }
  return () => {
    for (const s of stops.splice(0)) s();
  };
}

function watchLogind(spawn: NonNullable<LockSignalDeps['spawn']>, env: NodeJS.ProcessEnv, onLock: () => void): () => void {
  const sessionPath = env.XDG_SESSION_ID ? logindSessionPath(env.XDG_SESSION_ID) : null;
  let child: ChildLike;
  try {
    child = spawn('gdbus', ['monitor', '--system', '--dest', 'org.freedesktop.login1']);
  } catch {
    return () => undefined;
  }
  // No gdbus, or no system bus: the idle state still covers the desktops that report it.
  child.on('error', () => undefined);
  let rest = '';
  child.stdout?.on('data', (chunk) => {
    const lines = (rest + chunk.toString()).split('\n');
    rest = lines.pop() ?? '';
    // A line without an end within 64 KiB is not logind's: dropped, not kept growing.
    if (rest.length > 65_536) rest = '';
    if (lines.some((l) => isLogindLockLine(l, sessionPath))) onLock();
  });
  return () => void child.kill();
}
