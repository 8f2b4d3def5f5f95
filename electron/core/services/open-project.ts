/**
 * Opening a project, for the app and the CLI alike: unlock, then finish anything a
 * crash interrupted (a withdrawal half done completes here, so the promise "all
 * your data will be deleted" holds even across a power cut).
 */
import { passphraseBytes } from '../crypto/kdf';
import { unlockVault, type VaultDeps, type VaultSession } from '../vault/vault';
import { Participants } from './participants';
import { Recordings } from './recordings';

export async function openProject(vaultPath: string, passphrase: string, deps: VaultDeps): Promise<VaultSession> {
  const session = await unlockVault(vaultPath, passphraseBytes(passphrase), deps);
  try {
    new Participants(session, deps.now).resumeWithdrawals();
    new Recordings(session, deps.now).sweepOrphans();
  } catch (err) {
    session.lock();
    throw err;
  }
  return session;
}
