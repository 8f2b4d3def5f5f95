/**
 * `hvelv verify`: everything that can be checked with the passphrase. The vault's own
 * check (header, key files, every record and store head, the audit chain), then every
 * recording blob decrypted end to end and compared with the SHA-256 taken at import.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { storeDir } from '../../vault/layout';
import { interruptedExports } from './export-journal';
import { HvelvError } from '../../errors';
import type { VaultSession } from '../../vault/vault';
import { Recordings } from '../recordings/recordings';
import { auditConsistency } from './consistency';
import { clockFileWarning } from '../project-end/project-end';

export interface Leftover {
  kind: 'orphan-blob' | 'partial-import' | 'interrupted-export';
  /** The file: inside the vault relative to it, else (an export's temporary file) as noted. */
  file: string;
  bytes: number;
}

export interface VerifyReport {
  /** What fails verification: damage or tampering. */
  problems: string[];
  /** What is worth knowing but not a failure (unsigned files, by design). */
  warnings: { code: 'clock-damaged' | 'clock-ahead'; message: string }[];
  /**
   * What a crash left (no damage: none of it can be opened without a key that is gone or
   * was never stored) and the next unlock removes: recording blobs with no record,
   * imports cut short, exports' and shares' temporary files. `verify` opens the vault
   * without tidying, so it says what is there instead of "ok" (issue 32).
   */
  leftovers: Leftover[];
}

/** The full report: problems, warnings about the files that are unsigned by design, and leftovers. */
/** Progress of the long part, the recordings decrypted and hashed: bytes of sound done of the total. */
export type VerifyProgress = (p: { bytes: number; total: number }) => void;

export function verifyReport(session: VaultSession, now: () => Date, onProgress?: VerifyProgress): VerifyReport {
  const clock = clockFileWarning(session.path, now());
  const problems = verifyProject(session, now, onProgress);
  const blobDir = path.relative(session.path, path.join(storeDir(session.path, 'recordings'), 'blobs'));
  const leftovers: Leftover[] = session.stores.recordings.destroyed ? [] : new Recordings(session, now).orphans().map((o) => ({ kind: o.kind, file: path.join(blobDir, o.name), bytes: o.bytes }));
  for (const tmp of interruptedExports(session)) {
    let bytes = 0;
    try {
      bytes = fs.lstatSync(tmp).size;
    } catch {
      /* gone meanwhile */
    }
    leftovers.push({ kind: 'interrupted-export', file: tmp, bytes });
  }
  return { problems, warnings: clock ? [clock] : [], leftovers };
}

export function verifyProject(session: VaultSession, now: () => Date, onProgress?: VerifyProgress): string[] {
  const problems = [...session.verify(), ...auditConsistency(session)];
  const recordings = new Recordings(session, now);
  const list = recordings.list();
  const total = list.reduce((n, r) => n + r.size, 0);
  let bytes = 0;
  onProgress?.({ bytes, total });
  for (const rec of list) {
    const before = bytes;
    try {
      const reader = recordings.open(rec.id);
      try {
        const h = createHash('sha256');
        for (let i = 0; i < reader.chunkCount; i++) {
          const chunk = reader.chunk(i);
          h.update(chunk);
          bytes = Math.min(total, bytes + chunk.length);
          onProgress?.({ bytes, total });
        }
        if (h.digest('hex') !== rec.sha256) problems.push(`recordings/${rec.id}: decrypts, but not to the recording that was imported`);
      } finally {
        reader.close();
      }
    } catch (err) {
      problems.push(`recordings/${rec.id}: ${err instanceof HvelvError ? err.message : String(err)}`);
    }
    // A recording that failed counts as done: the bar moves on to the next.
    bytes = Math.min(total, before + rec.size);
  }
  if (list.length > 0) onProgress?.({ bytes: total, total });
  return problems;
}
