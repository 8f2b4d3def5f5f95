/**
 * The supervisor methods of the IPC contract (issue 10, shared/supervisor.ts), over core's
 * services in electron/core/services/supervisor/. Kept beside handlers.ts as
 * analysis-handlers.ts is; no Electron here, every input already parsed by the contract,
 * files read only by the tokens main's own dialogs handed out, and written only where the
 * user chose in main's save dialog.
 *
 * Two sessions can be open at once: the student's vault (`session()`, the student's side)
 * and a supervisor's folder (held here, the supervisor's side). The supervisor's session
 * holds no owner key of any vault, so nothing on that side can sign as a student.
 */
import type { Method, Outputs, ParsedInput } from '../../shared/contract';
import type { Locale } from '../../shared/i18n/catalogue';
import type { KdfPolicy } from '../core/crypto/kdf';
import { passphraseBytes } from '../core/crypto/kdf';
import type { Crypto } from '../core/crypto/sodium';
import { AUTO_LOCK_DEFAULT_MINUTES } from '../../shared/domain';
import type { Timers } from '../core/services/project/session-manager';
import { supervisorEnforceArgs } from '../core/services/project-end/headless-enforce';
import { installLinux, statusLinux, type EnforceCommand } from '../core/services/project-end/schedule';
import { HvelvError } from '../core/errors';
import type { AppConfig } from '../core/services/project/app-config';
import { readUserFile } from '../core/services/project/user-file';
import { renderShareCertificateHtml } from '../core/services/supervisor/documents';
import { initSupervisorFolder, unlockSupervisorFolder, type SupervisorSession } from '../core/services/supervisor/folder';
import { HeldShares } from '../core/services/supervisor/held';
import { FEEDBACK_EXTENSION, FEEDBACK_MAX_BYTES, SHARE_EXTENSION } from '../core/services/supervisor/share-file';
import { fileSlug } from './file-name';
import { Supervisors } from '../core/services/supervisor/student';
import { shareHoldings } from '../core/services/index';
import { writeFileAtomic } from '../core/vault/atomic-file';
import { WorkJobs } from './work-jobs';
import type { CreateOptions, VaultSession } from '../core/vault/vault';

type SupervisorMethod = Extract<Method, `supervisors.${string}` | `shares.${string}` | `feedback.${string}` | `supervisor.${string}`>;
export type SupervisorHandlers = { [M in SupervisorMethod]: (input: ParsedInput<M>) => Promise<Outputs[M]> | Outputs[M] };

export interface SupervisorHandlerDeps {
  /** The student's unlocked vault (VAULT_LOCKED otherwise). */
  session(): VaultSession;
  crypto: Crypto;
  kdfPolicy: KdfPolicy;
  now: () => Date;
  config: AppConfig;
  files: { grant(file: string | null): { token: string; name: string } | null; path(token: string): string };
  chooseFile(purpose: 'share' | 'feedback'): Promise<string | null>;
  chooseSavePath(defaultName: string): Promise<string | null>;
  printToPdf?(html: string): Promise<Uint8Array>;
  createOptions?: CreateOptions;
  /** The interface language, for documents. */
  locale?: () => Locale;
  /** The idle lock's and the end-date check's clock (tests give their own). */
  timers?: Timers;
  /** Told when the open folder locked itself (idle), so the screens can say so. */
  onLocked?(reason: 'idle', minutes: number): void;
  /** How the daily job starts Hvelv (the packaged app's headless entry, or the CLI); null where it is not installed from the app. */
  scheduleCommand?(): EnforceCommand | null;
  configHome?: string;
  /** Where the open folder is kept, so the media protocol can play its recordings (one per app). */
  folder?: SupervisorFolderRef;
  /** Long work's progress and Cancel (a share with recordings); without it, no progress. */
  work?: WorkJobs;
  /** The URL the page plays a held recording from (custom protocol in the app, loopback in tests). */
  shareMediaUrl?(vaultId: string, id: string): string;
}

/** The supervisor folder open in this app, if any: read by the handlers and by the media protocol. */
export class SupervisorFolderRef {
  current: { session: SupervisorSession; held: HeldShares } | null = null;
}

/**
 * The open folder locks itself after this many minutes without activity in the supervisor's
 * screens, as the student's vault does (at its default): the keys to every copy held are in
 * memory while it is open.
 */
export const SUPERVISOR_AUTO_LOCK_MINUTES = AUTO_LOCK_DEFAULT_MINUTES;
/** While the folder is open, the end dates are checked this often (and at each read). */
export const SUPERVISOR_ENFORCE_EVERY_MS = 60 * 60 * 1000;

export function supervisorHandlers(deps: SupervisorHandlerDeps): SupervisorHandlers {
  const { now } = deps;
  const students = () => new Supervisors(deps.session(), now, deps.crypto);
  const ref = deps.folder ?? new SupervisorFolderRef();
  // Unref'd: an open folder's countdown never keeps a process (a test, the harness) alive by itself.
  const timers: Timers = deps.timers ?? { setTimeout: (fn, ms) => setTimeout(fn, ms).unref(), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) };
  let idle: unknown = null;
  let enforceTimer: unknown = null;
  const stopTimers = () => {
    if (idle !== null) timers.clearTimeout(idle);
    if (enforceTimer !== null) timers.clearTimeout(enforceTimer);
    idle = enforceTimer = null;
  };
  const close = () => {
    stopTimers();
    ref.current?.session.lock();
    ref.current = null;
  };
  /** Activity: the idle lock starts counting again. */
  const touch = () => {
    if (!ref.current) return;
    if (idle !== null) timers.clearTimeout(idle);
    idle = timers.setTimeout(() => {
      close();
      deps.onLocked?.('idle', SUPERVISOR_AUTO_LOCK_MINUTES);
    }, SUPERVISOR_AUTO_LOCK_MINUTES * 60_000);
  };
  // The daily job cannot run while the folder is open (the open session holds the folder's
  // lock: VAULT_BUSY), so the open app keeps the end dates itself, as it does for the vault.
  const enforceLater = () => {
    enforceTimer = timers.setTimeout(() => {
      enforceTimer = null;
      const current = ref.current;
      if (!current || current.session.isLocked) return;
      try {
        current.held.settle();
      } catch {
        /* an unreadable folder is reported at the next read */
      }
      enforceLater();
    }, SUPERVISOR_ENFORCE_EVERY_MS);
  };
  const supervisor = () => {
    const current = ref.current;
    if (!current || current.session.isLocked) throw new HvelvError('VAULT_LOCKED', 'no supervisor folder is open');
    touch();
    return current;
  };
  const open = (session: SupervisorSession) => {
    close();
    try {
      ref.current = { session, held: new HeldShares(session) };
    } catch (err) {
      session.lock();
      ref.current = null;
      throw err;
    }
    deps.config.rememberSupervisorFolder(session.path, now());
    touch();
    enforceLater();
    return session.identity;
  };
  const supDeps = () => ({ crypto: deps.crypto, kdfPolicy: deps.kdfPolicy, now });

  return {
    'supervisors.list': () => students().list(),
    'supervisors.checkKey': ({ key }) => students().checkKey(key),
    'supervisors.add': ({ key, label, until, recordings }) => students().add({ key, label, until, recordings }),
    'supervisors.remove': ({ id }) => students().remove(id),
    'supervisors.setRecordings': ({ id, recordings }) => students().setRecordings(id, recordings),
    'supervisors.holding': ({ code }) => students().holding(code),
    'shares.plan': ({ supervisorId }) => {
      const plan = students().plan(supervisorId);
      return { ...plan, holdings: shareHoldings(deps.session(), plan.participants, plan.counts.recordings > 0) };
    },
    'shares.create': async ({ supervisorId, accepted, jobId }) => {
      const s = students();
      // Checked before the dialog: a refused share asks for no file name.
      const created = s.create(supervisorId, accepted);
      const { made } = created;
      const target = await deps.chooseSavePath(`${fileSlug(deps.session().facts.title, 60, 'hvelv')}${SHARE_EXTENSION}`);
      if (!target) {
        s.discardShare(created);
        return null;
      }
      // The recordings are re-sealed in a worker thread: the window keeps answering, the
      // page shows how far it is, and Cancel leaves nothing (CANCELLED).
      await (deps.work ?? new WorkJobs(() => undefined)).run(jobId, (opts) => s.writeShareInWorker(target, created, opts));
      s.recordShare(supervisorId, made);
      return { file: target.split(/[\\/]/).pop()!, ...made };
    },
    'feedback.chooseFile': async () => deps.files.grant(await deps.chooseFile('feedback')),
    'feedback.import': ({ file }) => students().importFeedback(readUserFile(deps.files.path(file), FEEDBACK_MAX_BYTES), deps.crypto),
    'feedback.list': () => students().comments(),
    'feedback.reply': ({ commentId, text }) => students().reply(commentId, text),
    'feedback.resolve': ({ commentId, resolved }) => students().resolve(commentId, resolved),
    'feedback.redact': ({ commentId, start, end, expected, with: placeholder }) => students().redact(commentId, { start, end, expected, with: placeholder }),
    'feedback.delete': ({ commentId }) => {
      students().deleteComment(commentId);
      return null;
    },

    'supervisor.recent': () => deps.config.supervisorFolders(),
    'supervisor.init': async ({ path, passphrase }) => open(await initSupervisorFolder(path, passphraseBytes(passphrase), supDeps(), deps.createOptions)),
    'supervisor.unlock': async ({ path, passphrase }) => open(await unlockSupervisorFolder(path, passphraseBytes(passphrase), supDeps())),
    'supervisor.state': () => (ref.current && !ref.current.session.isLocked ? { unlocked: true, identity: ref.current.session.identity } : { unlocked: false }),
    'supervisor.lock': () => {
      close();
      return null;
    },
    'supervisor.touch': () => {
      touch();
      return null;
    },
    'supervisor.scheduleStatus': () => {
      const { session } = supervisor();
      if (process.platform !== 'linux' || !deps.scheduleCommand?.()) return { supported: false, installed: false, detail: process.platform };
      const st = statusLinux(session.header.supervisorId, deps.configHome);
      return { supported: true, installed: st.installed, detail: st.unit === 'rejected' ? `systemd rejects the unit: ${st.problem}` : `${st.enabled}/${st.active}` };
    },
    'supervisor.scheduleInstall': () => {
      const { session } = supervisor();
      const command = deps.scheduleCommand?.() ?? null;
      if (process.platform !== 'linux' || !command) throw new HvelvError('FORBIDDEN', 'the daily job is installed from the command line on this system (hvelv schedule install <dir>)');
      // The same job as `hvelv schedule install <dir>`: share enforce on this folder, its own key pinned.
      const sign = session.header.keys.sign;
      const r = installLinux({ vaultPath: session.path, vaultId: session.header.supervisorId, title: 'supervisor folder', ownerKey: sign, command, enforceArgs: supervisorEnforceArgs(command, session.path, sign) }, deps.configHome);
      return { installed: true, detail: r.note };
    },
    'supervisor.chooseShare': async () => deps.files.grant(await deps.chooseFile('share')),
    // The file itself, not its bytes: a share with recordings is read one chunk at a time.
    // The recordings are re-sealed into the folder in a worker thread, with progress and Cancel.
    'supervisor.openShare': ({ file, jobId }) => (deps.work ?? new WorkJobs(() => undefined)).run(jobId, (opts) => supervisor().held.openInWorker(deps.files.path(file), opts)),
    'supervisor.shares': () => supervisor().held.list(),
    'supervisor.content': ({ vaultId }) => supervisor().held.content(vaultId),
    'supervisor.transcript': ({ vaultId, id }) => supervisor().held.transcript(vaultId, id),
    'supervisor.retrieve': ({ vaultId, of, id, participant }) => supervisor().held.retrieve(vaultId, of, id, participant),
    'supervisor.search': ({ vaultId, query }) => supervisor().held.search(vaultId, query),
    'supervisor.report': ({ vaultId }) => supervisor().held.report(vaultId),
    'supervisor.mediaUrl': ({ vaultId, id }) => {
      supervisor().held.openRecording(vaultId, id).reader.close();
      if (!deps.shareMediaUrl) throw new HvelvError('FORBIDDEN', 'playback is not available here');
      return deps.shareMediaUrl(vaultId, id);
    },
    'supervisor.comments': ({ vaultId }) => supervisor().held.comments(vaultId),
    'supervisor.comment': ({ vaultId, target, text }) => supervisor().held.addComment(vaultId, target, text),
    'supervisor.deleteComment': ({ vaultId, id }) => {
      supervisor().held.deleteComment(vaultId, id);
      return null;
    },
    'supervisor.exportFeedback': async ({ vaultId }) => {
      const { held } = supervisor();
      const title = held.list().find((h) => h.vaultId === vaultId)?.title ?? '';
      held.content(vaultId); // an expired or unknown share: refused before the dialog
      const target = await deps.chooseSavePath(`${fileSlug(title, 60, 'hvelv')}${FEEDBACK_EXTENSION}`);
      if (!target) return null;
      writeFileAtomic(target, held.exportFeedback(vaultId).bytes);
      return target;
    },
    'supervisor.saveCertificate': async ({ vaultId, format }) => {
      const { certificate, signature } = supervisor().held.certificate(vaultId);
      if (format === 'pdf' && !deps.printToPdf) throw new HvelvError('FORBIDDEN', 'PDF is not available here');
      const html = renderShareCertificateHtml(certificate, signature, deps.locale?.() ?? 'nb');
      const target = await deps.chooseSavePath(`slettebekreftelse-veileder-${certificate.destroyedAt.slice(0, 10)}.${format}`);
      if (!target) return null;
      writeFileAtomic(target, format === 'pdf' ? await deps.printToPdf!(html) : new TextEncoder().encode(html));
      return target;
    },
  };
}
