/**
 * The "New project" use case, shared by the app and `hvelv init`: check what the
 * user entered against the rules the information letter implies, then create
 * the vault.
 */
import { projectInputSchema, type ProjectInput } from '../../../../shared/contract';
import { AUTO_LOCK_DEFAULT_MINUTES, DEFAULT_CODE_DIGITS, daysUntil, localIsoDate, PASSPHRASE_MIN_LENGTH } from '../../../../shared/domain';
import { passphraseBytes } from '../../crypto/kdf';
import { ensureInitialForm } from '../../consent/forms';
import { HvelvError } from '../../errors';
import { createVault, type CreateOptions, type VaultDeps, type VaultSession } from '../../vault/vault';

export async function createProject(
  vaultPath: string,
  passphrase: string,
  input: ProjectInput,
  deps: VaultDeps,
  options: CreateOptions = {},
): Promise<VaultSession> {
  const parsed = projectInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HvelvError('INVALID_INPUT', `${issue?.path.join('.') ?? 'input'}: ${issue?.message ?? 'invalid'}`);
  }
  const project = parsed.data;
  if (daysUntil(project.endDate, localIsoDate(deps.now())) <= 0) {
    throw new HvelvError('INVALID_INPUT', `the project end date ${project.endDate} must be after today`);
  }
  if ([...passphrase.normalize('NFC')].length < PASSPHRASE_MIN_LENGTH) {
    throw new HvelvError('INVALID_INPUT', `the passphrase must have at least ${PASSPHRASE_MIN_LENGTH} characters`);
  }
  const session = await createVault(vaultPath, passphraseBytes(passphrase), { ...project, autoLockMinutes: AUTO_LOCK_DEFAULT_MINUTES, codeDigits: DEFAULT_CODE_DIGITS }, deps, options);
  // The information letter and consent form, version 1, generated from what was entered.
  ensureInitialForm(session.stores.keylist, session.facts, deps.now());
  return session;
}
