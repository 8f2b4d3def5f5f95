/**
 * The end date, enforced without a passphrase (project-end-steps.ts has the steps and
 * why). This module adds the synchronous enforceProjectEnd the app and the tests call,
 * with the deletion certificate's text at hand; `hvelv enforce` calls
 * enforceProjectEndLazily instead, which loads that text (and the string catalogue with
 * it) only when a certificate is written.
 */
import { renderCertificateHtml } from './documents';
import { enforceSteps, type EnforceOptions, type EnforceResult } from './steps';

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
  while (!step.done) step = steps.next(renderCertificateHtml);
  return step.value;
}
