/** What the dashboard and `hvelv status` show about an unlocked vault. */
import { daysUntil, localIsoDate, reminderFor } from '../../../../shared/domain';
import { DATA_STORES } from '../../vault/layout';
import { listCertificates } from '../project-end/project-end';
import type { ProjectStatus } from '../../../../shared/contract';
import type { VaultSession } from '../../vault/vault';
import { T, type RegistryEntry } from '../../consent/model';
import { Transcripts } from '../transcripts/transcripts';
import { RECORDING_TABLE } from '../recordings/recordings';

export function projectStatus(session: VaultSession, now: Date): ProjectStatus {
  const f = session.facts;
  const transcripts = session.stores.transcripts.destroyed ? [] : new Transcripts(session, () => now).list();
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
    participants: countParticipants(session),
    kdf: session.kdf,
    reminder: reminderFor(daysUntil(f.endDate, localIsoDate(now))),
    destroyed: DATA_STORES.filter((s) => session.stores[s].destroyed),
    certificates: listCertificates(session.path),
    endDateHistory: session.endDateHistory,
    // Counted by kind, not by record: the recordings store may keep more than recordings,
    // and the transcripts store keeps the analysis and the markers too ("12 entries" for
    // three transcripts was not what the student had).
    recordingCount: session.stores.recordings.destroyed ? 0 : session.stores.recordings.versions(RECORDING_TABLE).size,
    transcriptsWithIdentifiers: transcripts.filter((t) => t.identifiers > 0).length,
    transcriptCount: transcripts.length,
  };
}

function countParticipants(session: VaultSession): { active: number; withdrawn: number } {
  const entries = session.stores.keylist.list<RegistryEntry>(T.participant).map((r) => r.data);
  return { active: entries.filter((e) => e.status === 'active').length, withdrawn: entries.filter((e) => e.status !== 'active').length };
}
