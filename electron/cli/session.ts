/** Opening the vault for a command: the passphrase the usual ways, and the lock always released. */
import { passphraseBytes } from '../core/crypto/kdf';
import { openProject } from '../core/services/project/open';
import { unlockVault, type VaultDeps, type VaultSession } from '../core/vault/vault';
import { str, type Values } from './args';
import type { CliIo } from './io';
import { obtainPassphrase } from './passphrase';

export async function unlockFromArgs(vault: string, values: Values, io: CliIo, vaultDeps: VaultDeps): Promise<VaultSession> {
  const passphrase = await obtainPassphrase(io, { passphraseFile: str(values['passphrase-file']) || undefined }, { confirm: false, required: true });
  return openProject(vault, passphrase!, vaultDeps);
}

/** For verify and audit: opens even a damaged audit log, to report it; writes nothing. */
export async function inspectFromArgs(vault: string, values: Values, io: CliIo, vaultDeps: VaultDeps): Promise<VaultSession> {
  const passphrase = await obtainPassphrase(io, { passphraseFile: str(values['passphrase-file']) || undefined }, { confirm: false, required: true });
  return unlockVault(vault, passphraseBytes(passphrase!), vaultDeps, { forInspection: true });
}

export async function withSession<T>(vault: string, values: Values, io: CliIo, vaultDeps: VaultDeps, fn: (s: VaultSession) => T | Promise<T>): Promise<T> {
  const session = await unlockFromArgs(vault, values, io, vaultDeps);
  try {
    return await fn(session);
  } finally {
    session.lock();
  }
}
