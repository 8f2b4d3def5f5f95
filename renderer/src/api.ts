/** Typed access to main through the preload bridge (`window.hvelv`). */
import type { AppEvent, HvelvApi, Input, Method, Outputs } from '../../shared/contract';
import type { Result } from '../../shared/errors';

declare global {
  interface Window {
    hvelv: HvelvApi;
  }
}

/**
 * Methods that only read (or only open a dialog): every other method that succeeds may
 * have changed the vault, and the screens that show counts and days are told so.
 * A method missing here errs on the side of one needless refresh, never a stale screen.
 */
const READS: ReadonlySet<Method> = new Set<Method>([
  'app.info',
  'vault.recent',
  'vault.chooseFolder',
  'vault.suggestPath',
  'vault.inspect',
  'session.state',
  'session.touch',
  'participants.list',
  'participants.reveal',
  'consent.chooseEvidence',
  'forms.list',
  'forms.export',
  'withdrawal.preview',
  'withdrawal.receipt',
  'withdrawal.saveReceipt',
  'recordings.list',
  'recordings.chooseFile',
  'recordings.mediaUrl',
  'asr.pcm',
  'recordings.cancelImport',
  'transcripts.list',
  'backup.get',
  'backup.verify',
  'transcripts.get',
  'transcripts.chooseFile',
  'transcripts.check',
  'transcripts.export',
  'transcripts.exportFindings',
  'schedule.status',
  'notification.get',
  'attributes.list',
  'attributes.values',
  'attributes.suggest',
  'attributes.compare',
]);

/**
 * Writes that change nothing any screen counts: the workspace's autosave (every second
 * or two while the student types) and the waveform's peaks. Refreshing the status after
 * each would re-read the project and re-render the app under the student's fingers.
 */
const QUIET: ReadonlySet<Method> = new Set<Method>(['transcripts.autosave', 'recordings.computePeaks', 'recordings.storePeaks']);

const changeListeners = new Set<() => void>();

export async function call<M extends Method>(method: M, input: Input<M>): Promise<Result<Outputs[M]>> {
  const r = await window.hvelv.invoke(method, input).catch(() => ({
    ok: false as const,
    error: { code: 'INTERNAL' as const, message: 'the request did not reach the app' },
  }));
  if (r.ok && !READS.has(method) && !QUIET.has(method)) for (const l of changeListeners) l();
  return r;
}

/** Called after every request that may have changed the vault (participants, consent, files, dates). */
export function onVaultChanged(listener: () => void): () => void {
  changeListeners.add(listener);
  return () => changeListeners.delete(listener);
}

export function onAppEvent(listener: (e: AppEvent) => void): () => void {
  return window.hvelv.onEvent(listener);
}
