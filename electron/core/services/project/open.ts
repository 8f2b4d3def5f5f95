/**
 * Opening a project, for the app and the CLI alike: unlock, then finish anything a
 * crash interrupted (a withdrawal half done completes here, so the promise "all
 * your data will be deleted" holds even across a power cut).
 */
import { Attributes } from '../attributes/attributes';
import { passphraseBytes } from '../../crypto/kdf';
import { unlockVault, type VaultDeps, type VaultSession } from '../../vault/vault';
import { Participants } from '../participants/participants';
import { Recordings } from '../recordings/recordings';
import { enforceProjectEndAsync, type EnforceResult, type OverwriteProgress } from '../project-end/project-end';
import { auditConsistency } from './consistency';
import { sweepInterruptedExports } from './export-journal';
import { HvelvError } from '../../errors';
import { syncClearPlaces } from '../backup/places';

/** Runs the end date's enforce handed to it (with its progress), reporting it: the app's window shows it (deadline-watch.ts's ProjectEndReport). */
export type EnforceTracker = (run: (onProgress?: OverwriteProgress) => Promise<EnforceResult>) => Promise<EnforceResult>;

export async function openProject(vaultPath: string, passphrase: string, deps: VaultDeps, trackEnd?: EnforceTracker): Promise<VaultSession> {
  // The deadline first, headless as the daily job would: a passed end date destroys
  // before anything is opened, whoever opens the vault.
  // Keys and records at once; the recordings' ciphertext then overwritten with the thread free.
  const enforce = (onProgress?: OverwriteProgress) => enforceProjectEndAsync(vaultPath, { crypto: deps.crypto, now: deps.now() }, onProgress);
  await (trackEnd ? trackEnd(enforce) : enforce());
  const session = await unlockVault(vaultPath, passphraseBytes(passphrase), deps);
  try {
    await new Participants(session, deps.now).resumeWithdrawals();
    // An older copy of one store or of the header put back: refused before anything is shown.
    const rolledBack = auditConsistency(session);
    if (rolledBack.length > 0) throw new HvelvError('INTEGRITY', rolledBack[0]!);
    session.audit.acknowledgeSystemEvents();
    session.recordSeen(deps.now());
    // Overwritten in slices: a crash mid-withdrawal can leave a whole recording here.
    await new Recordings(session, deps.now).sweepOrphans();
    new Attributes(session, deps.now).moveExactToKeyList();
    sweepInterruptedExports(session);
    // The certificate's clear list of backup places (unsigned) brought back to the sealed record.
    syncClearPlaces(session, deps.now());
  } catch (err) {
    session.lock();
    throw err;
  }
  return session;
}
