/**
 * Writing an analysis export to a file the user chose, the way every export is written:
 * a hidden temporary name noted in the export journal first (so a crash leaves nothing
 * that the next open does not overwrite and remove), fsync, rename into place.
 */
import type { VaultSession } from '../../vault/vault';
import { atomicTempPath, nodeFileOps, writeFileAtomic } from '../../vault/atomic-file';
import { beginExport } from '../project/export-journal';

export function writeExport(session: VaultSession, now: () => Date, out: string, bytes: Uint8Array): void {
  const tmp = atomicTempPath(out);
  const note = beginExport(session, tmp, now);
  try {
    writeFileAtomic(out, bytes, nodeFileOps, tmp);
  } finally {
    note.end();
  }
}
