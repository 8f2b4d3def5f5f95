/**
 * The one unlocked vault of the app, and the idle timer that locks it. Locking
 * wipes every key the session held (VaultSession.lock).
 */
import { HvelvError } from '../../errors';
import type { VaultSession } from '../../vault/vault';

export type LockReason = 'user' | 'idle' | 'system' | 'project-end';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export class SessionManager {
  private session: VaultSession | null = null;
  private timer: unknown = null;
  private beforeLock: ((reason: LockReason) => Promise<void>) | null = null;

  constructor(
    private readonly onLocked: (reason: LockReason, minutes: number) => void,
    private readonly timers: Timers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
  ) {}

  get current(): VaultSession | null {
    return this.session;
  }

  require(): VaultSession {
    if (!this.session) throw new HvelvError('VAULT_LOCKED', 'no vault is unlocked');
    return this.session;
  }

  open(session: VaultSession): void {
    if (this.session) this.lock('user');
    this.session = session;
    session.audit.append('session.unlocked');
    this.touch();
  }

  /**
   * The same vault, now open at another folder (services/backup/move.ts locked the old
   * session `previous`): held from now on, without a lock announced to the page. If the app
   * no longer holds `previous` (it locked while the move ran: idle, the lock button, the
   * screen), that lock stands: the moved session is locked too and false returned.
   */
  moved(session: VaultSession, previous: VaultSession): boolean {
    if (this.session !== previous) {
      session.lock();
      return false;
    }
    this.session = session;
    this.touch();
    return true;
  }

  /** Any user activity: restart the idle countdown. */
  touch(): void {
    if (!this.session) return;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    const minutes = this.session.facts.autoLockMinutes;
    this.timer = this.timers.setTimeout(() => this.lock('idle'), minutes * 60_000);
  }

  /**
   * What must happen before a lock that the page did not ask for (the screen locked, the
   * machine going to sleep, the app quitting): the page saves what is typed (issue 12:
   * autosave "when the app locks"). Set by the handler table, which asks the page.
   */
  setBeforeLock(hook: (reason: LockReason) => Promise<void>): void {
    this.beforeLock = hook;
  }

  /**
   * Lock, after letting the page save for at most `timeoutMs`: a page that does not
   * answer (hung, or no window) never keeps the vault open longer than that. The lock
   * happens whatever the page answers; a lock the user asked for meanwhile is not undone.
   */
  async lockAfterSaving(reason: LockReason, timeoutMs = 3000): Promise<void> {
    const s = this.session;
    if (!s) return;
    if (this.beforeLock && timeoutMs > 0) {
      let timer: unknown = null;
      await Promise.race([
        this.beforeLock(reason).catch(() => undefined),
        new Promise<void>((resolve) => (timer = this.timers.setTimeout(resolve, timeoutMs))),
      ]);
      this.timers.clearTimeout(timer);
    }
    // Locked and perhaps unlocked again while the page saved: that is a new session, not ours to lock.
    if (this.session === s) this.lock(reason);
  }

  lock(reason: LockReason): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    const s = this.session;
    if (!s) return;
    const minutes = s.isLocked ? 0 : s.facts.autoLockMinutes;
    this.session = null;
    try {
      if (!s.isLocked) s.audit.append('session.locked', { details: { reason } });
    } finally {
      s.lock();
    }
    this.onLocked(reason, minutes);
  }
}
