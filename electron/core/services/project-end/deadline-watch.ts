/**
 * What the running app does about end dates, locked or not (destruction needs no
 * passphrase): at start and then hourly, enforce every vault this computer knows; if
 * the open vault's end date has come, lock it first so nothing is destroyed under an
 * open session; and remind at 30, 14, 7 and 1 days, once per threshold.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { daysUntil, localIsoDate, reminderFor } from '../../../../shared/domain';
import type { AppEvent } from '../../../../shared/contract';
import type { Crypto } from '../../crypto/sodium';
import { HvelvError } from '../../errors';
import { inspectVault } from '../../vault/vault';
import type { AppConfig } from '../project/app-config';
import { effectiveNow, enforceProjectEndAsync, storesDueAtEnd } from './project-end';
import type { SessionManager } from '../project/session-manager';

export interface DeadlineWatchDeps {
  config: AppConfig;
  sessions: SessionManager;
  crypto: Crypto;
  now: () => Date;
  emit(e: AppEvent): void;
  /** An operating-system notification (Electron's Notification in the app). */
  notify(title: string, body: string): void;
  /** Localised reminder text. */
  reminderText(title: string, days: number, endDate: string, endAction: 'anonymise' | 'delete-all'): { title: string; body: string };
}

/** Vaults whose recordings this app is overwriting now: a check meanwhile (the hour, a wake) leaves them to it. */
const enforcing = new Set<string>();

/** The job id the end date's overwriting reports 'work-progress' under (no Cancel: the promise runs to the end). */
export const PROJECT_END_JOB = 'project-end';

/**
 * Keys and records go at once (synchronously, as before); the recordings' ciphertext is then
 * overwritten in slices with the thread free (the window answers), its progress sent as
 * 'work-progress' under PROJECT_END_JOB at most ten times a second.
 */
export async function checkDeadlines(deps: DeadlineWatchDeps): Promise<{ enforced: string[]; reminded: string[] }> {
  const enforced: string[] = [];
  const reminded: string[] = [];
  for (const { path: vault } of deps.config.recent()) {
    let info;
    try {
      info = inspectVault(vault, deps.crypto);
    } catch {
      continue; // moved, damaged or unreadable: `hvelv verify` and the unlock screen say why
    }
    const today = localIsoDate(effectiveNow(vault, undefined, deps.now()));
    const days = daysUntil(info.endDate, today);
    if (days <= 0) {
      const pending = storesDueAtEnd(info.endAction).some((s) => info.stores[s] !== 'destroyed' && info.stores[s] !== 'missing');
      if (!pending) continue;
      const open = deps.sessions.current;
      if (open && sameFolder(open.path, vault)) deps.sessions.lock('project-end');
      const key = path.resolve(vault);
      if (enforcing.has(key)) continue;
      enforcing.add(key);
      let last = 0;
      try {
        const r = await enforceProjectEndAsync(vault, { crypto: deps.crypto, now: deps.now() }, ({ bytes, total }) => {
          const t = Date.now();
          if (t - last < 100 && bytes < total) return;
          last = t;
          deps.emit({ type: 'work-progress', jobId: PROJECT_END_JOB, bytes, total });
        });
        if (r.destroyedNow.length > 0) enforced.push(vault);
      } catch (err) {
        if (!(err instanceof HvelvError)) throw err;
        // VAULT_BUSY (another Hvelv has it) or INTEGRITY: left for the next run, reported by `hvelv enforce`.
      } finally {
        enforcing.delete(key);
      }
      continue;
    }
    const threshold = reminderFor(days);
    if (threshold !== null && deps.config.lastReminder(info.vaultId) !== threshold) {
      const text = deps.reminderText(info.title, days, info.endDate, info.endAction);
      deps.notify(text.title, text.body);
      deps.config.setLastReminder(info.vaultId, threshold);
      reminded.push(vault);
    }
  }
  return { enforced, reminded };
}

function sameFolder(a: string, b: string): boolean {
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
}

/**
 * How long the running app waits before its next end-date check: an hour, but never past
 * the next local midnight (plus a second), so the end day is kept from its first minute
 * and not up to an hour late with the key list still readable.
 */
export function nextCheckDelay(now: Date, everyMs = 60 * 60 * 1000): number {
  const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 0, 0, 1);
  return Math.max(1000, Math.min(everyMs, midnight.getTime() - now.getTime()));
}
