/**
 * Cross-checks between the signed audit log and the stores and header. Each file is
 * consistent on its own, so an older copy of one file put back (from a backup, say)
 * would pass its own checks; the audit log remembers what was done and catches the two
 * rollbacks that would break a promise:
 * - data of a participant who withdrew reappearing in any store (or their code active
 *   again in the key list),
 * - the end date moved back before an extension the owner made.
 */
import type { IsoDate } from '../../../../shared/domain';
import { daysUntil } from '../../../../shared/domain';
import { registryEntry } from '../../consent/model';
import { DATA_STORES } from '../../vault/layout';
import type { VaultSession } from '../../vault/vault';

export function auditConsistency(session: VaultSession): string[] {
  const problems: string[] = [];
  const entries = session.audit.list();
  const withdrawn = new Set(entries.filter((e) => e.action === 'participant.withdrawn' && e.participant).map((e) => e.participant!));
  for (const code of withdrawn) {
    for (const store of DATA_STORES) {
      const s = session.stores[store];
      if (s.destroyed) continue;
      const held = Object.values(s.countParticipant(code)).reduce((n, c) => n + c, 0);
      if (held > 0) problems.push(`${store}: ${held} record(s) of ${code}, who withdrew, are back (an older copy of the store was put back)`);
    }
    if (!session.stores.keylist.destroyed) {
      const entry = registryEntry(session.stores.keylist, code);
      if (entry && entry.status === 'active') problems.push(`keylist: ${code} withdrew but is active again (an older copy of the key list was put back)`);
    }
  }
  const extensions = entries.filter((e) => e.action === 'deadline.extended' && typeof e.details.to === 'string');
  const latest = extensions.map((e) => e.details.to as string).sort().at(-1);
  const end = session.facts.endDate;
  if (latest && daysUntil(latest as IsoDate, end as IsoDate) > 0) {
    problems.push(`header: the end date ${end} is earlier than the extension to ${latest} in the audit log (an older header was put back)`);
  }
  return problems;
}
