/**
 * `hvelv verify`: everything that can be checked with the passphrase. The vault's own
 * check (header, key files, every record and store head, the audit chain), then every
 * recording blob decrypted end to end and compared with the SHA-256 taken at import.
 */
import { createHash } from 'node:crypto';
import { HvelvError } from '../../errors';
import type { VaultSession } from '../../vault/vault';
import { Recordings } from '../recordings/recordings';
import { auditConsistency } from './consistency';
import { clockFileWarning } from '../project-end/project-end';

export interface VerifyReport {
  /** What fails verification: damage or tampering. */
  problems: string[];
  /** What is worth knowing but not a failure (unsigned files, by design). */
  warnings: { code: 'clock-damaged' | 'clock-ahead'; message: string }[];
}

/** The full report: problems, and warnings about the files that are unsigned by design. */
export function verifyReport(session: VaultSession, now: () => Date): VerifyReport {
  const clock = clockFileWarning(session.path, now());
  return { problems: verifyProject(session, now), warnings: clock ? [clock] : [] };
}

export function verifyProject(session: VaultSession, now: () => Date): string[] {
  const problems = [...session.verify(), ...auditConsistency(session)];
  const recordings = new Recordings(session, now);
  for (const rec of recordings.list()) {
    try {
      const reader = recordings.open(rec.id);
      try {
        const h = createHash('sha256');
        for (let i = 0; i < reader.chunkCount; i++) h.update(reader.chunk(i));
        if (h.digest('hex') !== rec.sha256) problems.push(`recordings/${rec.id}: decrypts, but not to the recording that was imported`);
      } finally {
        reader.close();
      }
    } catch (err) {
      problems.push(`recordings/${rec.id}: ${err instanceof HvelvError ? err.message : String(err)}`);
    }
  }
  return problems;
}
