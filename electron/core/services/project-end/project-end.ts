/**
 * The end date, enforced without a passphrase (project-end-steps.ts has the steps and
 * why). This module adds the synchronous enforceProjectEnd (tests, restore) and the app's
 * enforceProjectEndAsync,
 * with the deletion certificate's text at hand; `hvelv enforce` calls
 * enforceProjectEndLazily instead, which loads that text (and the string catalogue with
 * it) only when a certificate is written.
 */
import { renderCertificateHtml } from './documents';
import { enforceProjectEndWith, enforceSteps, type EnforceOptions, type EnforceResult, type OverwriteProgress } from './steps';
import { shredFile } from '../../vault/safe-delete';

export * from './steps';

/**
 * Enforce the end date on a vault, with no passphrase. Nothing happens before the end
 * date. A header that does not verify (or is signed by another key than `ownerKey`,
 * the key pinned when the daily job was installed) is refused and reported, never
 * taken as a reason to wait.
 */
export function enforceProjectEnd(vault: string, opts: EnforceOptions): EnforceResult {
  const steps = enforceSteps(vault, opts);
  let step = steps.next();
  while (!step.done) {
    // Without slices the steps overwrite in place and never ask for 'overwrite'; if they did, here it is.
    if (step.value.need === 'overwrite') step.value.files.forEach(shredFile);
    step = steps.next(renderCertificateHtml);
  }
  return step.value;
}

/**
 * enforceProjectEnd for the app (its deadline watch and the open): the same order (keys and
 * records destroyed at once, synchronously), then the recordings' ciphertext overwritten in
 * slices with the thread free and `onProgress` told, then the certificate, in one pass
 * (steps.ts's enforceProjectEndWith).
 */
export function enforceProjectEndAsync(vault: string, opts: EnforceOptions, onProgress?: OverwriteProgress): Promise<EnforceResult> {
  return enforceProjectEndWith(vault, opts, () => renderCertificateHtml, onProgress);
}
