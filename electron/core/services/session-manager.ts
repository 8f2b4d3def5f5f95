/**
 * The one unlocked vault of the app, and the idle timer that locks it. Locking
 * wipes every key the session held (VaultSession.lock).
 */
import { HvelvError } from '../errors';
import type { VaultSession } from '../vault/vault';

export type LockReason = 'user' | 'idle' | 'system' | 'project-end';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export class SessionManager {
  private session: VaultSession | null = null;
  private timer: unknown = null;

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

  /** Any user activity: restart the idle countdown. */
  touch(): void {
    if (!this.session) return;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    const minutes = this.session.facts.autoLockMinutes;
    this.timer = this.timers.setTimeout(() => this.lock('idle'), minutes * 60_000);
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
