/**
 * What the running app does about end dates, locked or not (destruction needs no
 * passphrase): at start and then hourly, enforce every vault this computer knows; if
 * the open vault's end date has come, lock it first so nothing is destroyed under an
 * open session; and remind at 30, 14, 7 and 1 days, once per threshold.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { daysUntil, localIsoDate, reminderFor } from '../../../../shared/domain';
import type { AppEvent, ProjectEndState } from '../../../../shared/contract';
import type { Crypto } from '../../crypto/sodium';
import { HvelvError } from '../../errors';
import { inspectVault, type VaultInspection } from '../../vault/vault';
import { storeDir, TOMBSTONE } from '../../vault/layout';
import type { AppConfig } from '../project/app-config';
import { effectiveNow, enforceProjectEndAsync, storesDueAtEnd, type EnforceResult, type OverwriteProgress } from './project-end';
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
  /** Where the deletion's state is kept for the window (the app's one); without it, the events are sent all the same. */
  report?: ProjectEndReport;
}

/**
 * The end date's deletion this app runs now, by vault folder: a check meanwhile (the hour, a
 * wake) leaves the vault to it, and an open waits for it (enforceAlone).
 */
const running = new Map<string, Promise<unknown>>();

function folderKey(vault: string): string {
  try {
    return fs.realpathSync(vault);
  } catch {
    return path.resolve(vault);
  }
}

/** Whether this app is deleting `vault` for its end date now. */
export function enforcingNow(vault: string): boolean {
  return running.has(folderKey(vault));
}

/**
 * Run `start` as this app's one end-date deletion of `vault`, after any already running (the
 * watch's, an open's) has ended. Side by side (the watch's hourly check while an open was
 * overwriting: the open's steps let the lock go for that) both overwrote the same files, the
 * window was told the second was finishing one "cut short last time", the panel could end on
 * nothing (the second failed on the open's lock), and one deletion was certified and audited
 * twice. Across processes the vault's lock still decides.
 */
export async function enforceAlone<T>(vault: string, start: () => Promise<T>): Promise<T> {
  const key = folderKey(vault);
  for (let before = running.get(key); before; before = running.get(key)) await before.catch(() => undefined);
  const mine = start();
  running.set(key, mine);
  try {
    return await mine;
  } finally {
    if (running.get(key) === mine) running.delete(key);
  }
}

/** The job id the end date's overwriting reports 'work-progress' under (no Cancel: the promise runs to the end). */
export const PROJECT_END_JOB = 'project-end';

/** What the window says of a deletion about to run: the project, its end date, and whether it finishes one cut short. */
export type ProjectEndFacts = Pick<ProjectEndState, 'vault' | 'title' | 'endDate' | 'endAction' | 'resumed'>;

/**
 * The end date's deletion as the window shows it, whatever the screen (the start screen, the
 * lock screen, an open vault being locked for it): its state kept here for a page that loads
 * meanwhile (the check at start runs before the window exists) and sent as it changes, as
 * AppEvent 'project-end', and the overwriting's progress as 'work-progress' under
 * PROJECT_END_JOB (both at most ten times a second). No Cancel: a promise is kept.
 */
export class ProjectEndReport {
  /** The latest change, as its run made it (without `earlier`). */
  private shown: ProjectEndState | null = null;
  /**
   * Ended deletions (done or failed) of other projects the page has not closed, oldest first:
   * said above the one shown. With one state only, a second vault's deletion (two vaults past
   * their end at the app's start, or an open of one while the watch deleted another) replaced
   * the first's "done", and the student was never told in the window that it was deleted.
   */
  private ended: ProjectEndState[] = [];

  constructor(
    private readonly emit: (e: AppEvent) => void,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Running now, or the last one done and not yet dismissed; null: none. Earlier ones ended and not yet closed in `earlier`. */
  current(): ProjectEndState | null {
    return this.withEarlier(this.shown);
  }

  /** The page read the "done" (or "failed") and closed it, and every earlier one with it. A deletion still running is never dismissed. */
  dismiss(): void {
    if (this.shown?.phase !== 'done' && this.shown?.phase !== 'failed') return;
    this.ended = [];
    this.set(null);
  }

  /**
   * Run `work` (an enforce with its progress) and report it: running from now, then done with
   * the certificate's file. A failure is reported as failed, with its error, and goes on. Two
   * at once (an open of one vault while the watch deletes another): the latest change is shown,
   * and one that ended meanwhile is kept in `earlier`.
   */
  async track(facts: ProjectEndFacts, work: (onProgress: OverwriteProgress) => Promise<EnforceResult>): Promise<EnforceResult> {
    let mine: ProjectEndState = { phase: 'running', ...facts, bytes: 0, total: 0, startedAt: this.clock(), certificate: null };
    // A failed run of this same project is superseded by this one, not kept.
    this.ended = this.ended.filter((e) => !sameProject(e, mine));
    this.set(mine);
    let last = 0;
    try {
      const r = await work(({ bytes, total }) => {
        const t = this.clock();
        if (t - last < 100 && bytes < total) return;
        last = t;
        this.emit({ type: 'work-progress', jobId: PROJECT_END_JOB, bytes, total });
        mine = { ...mine, bytes, total };
        this.set(mine);
      });
      mine = { ...mine, phase: 'done', bytes: mine.total, certificate: r.certificate?.html ?? null };
      this.set(mine);
      return r;
    } catch (err) {
      // Said, not cleared: the panel that said "deleting" vanished without a word (the watch's
      // failures are not said anywhere else), the keys perhaps gone and the recordings not.
      mine = { ...mine, phase: 'failed', error: { code: err instanceof HvelvError ? err.code : 'IO', message: (err as Error)?.message ?? String(err) } };
      this.set(mine);
      throw err;
    }
  }

  private withEarlier(state: ProjectEndState | null): ProjectEndState | null {
    if (!state) return null;
    const earlier = this.ended.filter((e) => !sameProject(e, state));
    return earlier.length > 0 ? { ...state, earlier } : state;
  }

  private set(state: ProjectEndState | null): void {
    // The one shown until now, ended and of another project, is kept to be said above.
    const before = this.shown;
    if (state && before && before.phase !== 'running' && !sameProject(before, state)) this.ended = [...this.ended.filter((e) => !sameProject(e, before)), before];
    this.shown = state;
    this.emit({ type: 'project-end', state: this.withEarlier(state) });
  }
}

/** The same vault's deletion: by its folder, or (a caller that gave none) by the title and end date the window names it by. */
function sameProject(a: ProjectEndFacts, b: ProjectEndFacts): boolean {
  if (a.vault !== undefined && b.vault !== undefined) return a.vault === b.vault;
  return a.title === b.title && a.endDate === b.endDate;
}

/**
 * The end date's deletion due and not finished in `vault`, and what the window says of it;
 * null when the end has not come or everything due is gone. A store with its tombstone but
 * files left (the app quit mid-overwrite) is not finished: `resumed`.
 */
export function projectEndPending(vault: string, info: VaultInspection, now: Date): ProjectEndFacts | null {
  const today = localIsoDate(effectiveNow(vault, undefined, now));
  if (daysUntil(info.endDate, today) > 0) return null;
  let resumed = false;
  let pending = false;
  for (const s of storesDueAtEnd(info.endAction)) {
    if (info.stores[s] === 'missing') continue;
    if (info.stores[s] !== 'destroyed') {
      pending = true;
      continue;
    }
    let left: string[];
    try {
      left = fs.readdirSync(storeDir(vault, s)).filter((f) => f !== TOMBSTONE);
    } catch {
      left = [];
    }
    if (left.length > 0) pending = resumed = true;
  }
  return pending ? { vault: folderKey(vault), title: info.title, endDate: info.endDate, endAction: info.endAction, resumed } : null;
}

/**
 * Keys and records go at once (synchronously, as before); the recordings' ciphertext is then
 * overwritten in slices with the thread free (the window answers), its progress reported
 * (ProjectEndReport). A vault whose deletion was cut short (the app quit in the middle) is
 * finished here too, not only at its next open.
 */
export async function checkDeadlines(deps: DeadlineWatchDeps): Promise<{ enforced: string[]; reminded: string[] }> {
  const enforced: string[] = [];
  const reminded: string[] = [];
  // An unexpected failure in one vault (a damaged file in it) is kept for the end: every other
  // vault is still checked. Thrown at once, it left each vault after it in the list undeleted
  // past its end date for as long as the one failed, every hour.
  let failure: { err: unknown } | null = null;
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
      const pending = projectEndPending(vault, info, deps.now());
      if (!pending) continue;
      const open = deps.sessions.current;
      if (open && sameFolder(open.path, vault)) deps.sessions.lock('project-end');
      if (enforcingNow(vault)) continue;
      try {
        const r = await enforceAlone(vault, () => (deps.report ?? new ProjectEndReport(deps.emit)).track(pending, (onProgress) => enforceProjectEndAsync(vault, { crypto: deps.crypto, now: deps.now() }, onProgress)));
        if (r.destroyedNow.length > 0) enforced.push(vault);
      } catch (err) {
        // VAULT_BUSY (another Hvelv has it) or INTEGRITY: left for the next run, reported by `hvelv enforce`.
        if (!(err instanceof HvelvError)) failure ??= { err };
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
  if (failure) throw failure.err;
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
