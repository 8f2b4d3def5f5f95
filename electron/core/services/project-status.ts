/** What the dashboard and `hvelv status` show about an unlocked vault. */
import { daysUntil, localIsoDate } from '../../../shared/domain';
import type { ProjectStatus } from '../../../shared/contract';
import type { VaultSession } from '../vault/vault';

export function projectStatus(session: VaultSession, now: Date): ProjectStatus {
  const f = session.facts;
  return {
    vaultId: session.vaultId,
    path: session.path,
    title: f.title,
    endDate: f.endDate,
    endAction: f.endAction,
    daysLeft: daysUntil(f.endDate, localIsoDate(now)),
    institution: f.institution,
    faculty: f.faculty,
    student: f.student,
    supervisor: f.supervisor,
    siktRef: f.siktRef,
    autoLockMinutes: f.autoLockMinutes,
    stores: {
      keylist: session.stores.keylist.count(),
      recordings: session.stores.recordings.count(),
      transcripts: session.stores.transcripts.count(),
    },
    kdf: session.kdf,
  };
}
