/**
 * The methods of Settings → Sikkerhetskopi (issue 28, shared/backup.ts) over core's
 * services/backup/. Kept beside handlers.ts as notification-handlers.ts is: no Electron
 * here, every input already parsed by the contract, folders chosen in main's dialog.
 */
import type { Method, Outputs, ParsedInput } from '../../shared/contract';
import type { BackupView } from '../../shared/backup';
import type { Crypto } from '../core/crypto/sodium';
import { addPlace, recordDestroyed, removePlace } from '../core/services/backup/places';
import { backupStatus, runBackup, verifyBackups } from '../core/services/backup/run';
import { syncedBy } from '../core/services/notification';
import type { VaultDeps, VaultSession } from '../core/vault/vault';
import { passphraseBytes } from '../core/crypto/kdf';
import { restoreVault } from '../core/services/backup/restore';
import { checkMoveTarget, checkNotAPlace, moveVault } from '../core/services/backup/move';
import { HvelvError } from '../core/errors';
import type { WorkProgress } from './work-jobs';

type BackupMethod = Extract<Method, `backup.${string}`>;
type BackupHandlers = { [M in BackupMethod]: (input: ParsedInput<M>) => Promise<Outputs[M]> | Outputs[M] };

export interface BackupDeps {
  session(): VaultSession;
  crypto: Crypto;
  now: () => Date;
  chooseFolder(): Promise<string | null>;
  vaultDeps: VaultDeps;
  /** The new folder for a move, from main's dialog (one the user may create). */
  chooseMoveFolder(): Promise<string | null>;
  /** Long work with progress to the page (work-jobs.ts). */
  runWork<T>(jobId: string | undefined, work: (opts: { onProgress?: (p: WorkProgress) => void }) => Promise<T>): Promise<T>;
  /** The app's records of the vault's folder (the recent list) follow a move, before the old files are shredded. */
  pathMoved(from: string, to: string): void;
  /** The vault now open at its new folder: the app holds that session, unless it locked `previous` while the move ran (false). */
  moved(session: VaultSession, previous: VaultSession): boolean;
  /** Where systemd user units are (the daily end-date job). */
  configHome?: string;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

function view(s: VaultSession, now: Date): BackupView {
  const status = backupStatus(s).places;
  const live = status.filter((p) => !p.destroyedOn);
  const newestCopyAt = live.map((p) => p.lastCopyAt).filter((x): x is string => x !== null).sort().at(-1) ?? null;
  const old = (at: string | null) => at === null || now.getTime() - Date.parse(at) > WEEK_MS;
  const reminder = live.some((p) => p.pending.end || p.pending.withdrawals.length > 0)
    ? 'notErased'
    : live.length > 0 && old(newestCopyAt)
      ? 'old'
      : live.some((p) => old(p.lastCopyAt))
        ? 'unseen'
        : null;
  return {
    syncedBy: syncedBy(s.path),
    newestCopyAt,
    reminder,
    places: status.map((p) => ({
      dir: p.dir,
      lastCopyAt: p.lastCopyAt,
      reachable: p.reachable,
      destroyedOn: p.destroyedOn,
      pendingWithdrawals: p.pending.withdrawals.length,
      notErased: p.pending.end,
    })),
  };
}

export function backupHandlers(deps: BackupDeps): BackupHandlers {
  /** The folder main's dialog gave for a move, for this vault: the page never names one itself. */
  let moveTarget: { vaultId: string; to: string } | null = null;
  return {
    'backup.get': () => view(deps.session(), deps.now()),
    'backup.addPlace': async () => {
      const dir = await deps.chooseFolder();
      if (!dir) return null;
      addPlace(deps.session(), dir, deps.now());
      return view(deps.session(), deps.now());
    },
    'backup.removePlace': ({ dir }) => {
      const s = deps.session();
      const p = backupStatus(s).places.find((x) => x.dir === dir);
      removePlace(s, dir, { pending: Boolean(p && (p.pending.end || p.pending.withdrawals.length > 0)) });
      return view(s, deps.now());
    },
    'backup.run': async () => {
      const s = deps.session();
      const results = await runBackup(s, deps.crypto, deps.now);
      return { view: view(s, deps.now()), results: results.map((r) => ({ dir: r.dir, outcome: r.outcome, ...(r.reason ? { reason: r.reason } : {}), newBytes: r.newBytes })) };
    },
    'backup.restore': async ({ from, to, passphrase, allowOlder, also }) => {
      const r = await restoreVault(from, to, passphraseBytes(passphrase), deps.vaultDeps, { allowOlder, also });
      return { vault: r.vault, copyMadeAt: r.copyMadeAt, newestKnownAt: r.newestKnownAt, applied: r.applied, places: r.places, endFromSource: r.endFromSource };
    },
    'backup.destroyed': ({ dir, on }) => {
      const s = deps.session();
      recordDestroyed(s, dir, on, deps.now());
      return view(s, deps.now());
    },
    'backup.chooseMoveTarget': async () => {
      const s = deps.session();
      moveTarget = null;
      const dir = await deps.chooseMoveFolder();
      if (!dir) return null;
      const to = checkMoveTarget(s.path, dir, undefined, s.vaultId);
      checkNotAPlace(s, to);
      moveTarget = { vaultId: s.vaultId, to };
      return { to, backupIn: s.path, service: syncedBy(s.path) };
    },
    'backup.move': async ({ jobId }) => {
      const s = deps.session();
      const chosen = moveTarget;
      if (!chosen || chosen.vaultId !== s.vaultId) throw new HvelvError('INVALID_INPUT', 'choose the new folder first');
      moveTarget = null;
      const service = syncedBy(s.path);
      const r = await deps.runWork(jobId, ({ onProgress }) => moveVault(s, chosen.to, deps.crypto, { now: deps.now, onProgress, configHome: deps.configHome, beforeRemovingOld: deps.pathMoved }));
      // The app locked while the move ran: that lock stands (the vault is at its new folder, locked).
      if (!deps.moved(r.session, s)) throw new HvelvError('VAULT_LOCKED', `the app locked while the vault moved; it is now at ${r.to}: unlock it there`);
      return {
        to: r.to,
        backupPlace: r.backupPlace,
        backupCopied: r.backup?.outcome === 'copied',
        leftInOldFolder: r.leftInOldFolder,
        notShredded: r.notShredded,
        dailyJob: r.dailyJob,
        service,
        view: view(r.session, deps.now()),
      };
    },
    'backup.verify': () => verifyBackups(deps.session(), deps.crypto).map((r) => ({ dir: r.dir, problems: r.problems })),
  };
}
