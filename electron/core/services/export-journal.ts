/**
 * Exports write plaintext where the user asked (a recording, a transcript, an access
 * request), first under a hidden temporary name that is renamed when complete. A crash
 * or power cut in between would leave that hidden plaintext behind, forgotten. So each
 * export notes its temporary path in the vault (encrypted, in the key list, or in the
 * transcripts store once the key list is gone) before it starts and removes the note
 * when it ends; opening the vault overwrites and removes whatever a note still points
 * at. The paths may hold names (a file the user called after a participant), which is
 * why the note is kept inside the vault and not in the app's settings.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { VaultSession } from '../vault/vault';
import type { RecordStore } from '../stores/record-store';
import { TEMP_SUFFIX } from '../vault/atomic-file';
import { shredFile } from '../vault/safe-delete';
import { BugIndicatingError } from '../errors';

const TABLE = 'pending_export';
/** The temporary names Hvelv's exports use; a note pointing at anything else is not acted on. */
const TEMP_NAME = new RegExp(`(\\.partial(-\\d+)?|${TEMP_SUFFIX.replace('.', '\\.')})$`);

interface PendingExport {
  tmp: string;
  startedAt: string;
}

function journalStore(session: VaultSession): RecordStore | null {
  for (const s of [session.stores.keylist, session.stores.transcripts]) if (!s.destroyed) return s;
  return null;
}

/**
 * Note that an export is about to write `tmp`; call `end()` when it has finished or
 * cleaned up after itself (in a finally). Only a crash leaves the note.
 */
export function beginExport(session: VaultSession, tmp: string, now: () => Date): { end(): void } {
  if (!TEMP_NAME.test(path.basename(tmp))) throw new BugIndicatingError(`not an export temp name: ${path.basename(tmp)}`);
  const store = journalStore(session);
  const note = store?.put(TABLE, { participant: null, data: { tmp, startedAt: now().toISOString() } satisfies PendingExport });
  return {
    end: () => {
      if (store && note) store.delete(TABLE, note.id);
    },
  };
}

/** Overwrite and remove what interrupted exports left; returns how many were found. */
export function sweepInterruptedExports(session: VaultSession): number {
  let found = 0;
  for (const store of [session.stores.keylist, session.stores.transcripts]) {
    if (store.destroyed) continue;
    for (const rec of store.list<PendingExport>(TABLE)) {
      const tmp = rec.data.tmp;
      if (TEMP_NAME.test(path.basename(tmp)) && removeTree(tmp)) found++;
      store.delete(TABLE, rec.id);
    }
  }
  if (found > 0) session.audit.append('export.leftovers-removed', { details: { count: found } });
  return found;
}

/** Shred a file, or every file in a folder (links removed, never followed). True when something was there. */
function removeTree(p: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch {
    return false;
  }
  if (st.isDirectory()) {
    for (const entry of fs.readdirSync(p)) removeTree(path.join(p, entry));
    fs.rmdirSync(p);
  } else {
    shredFile(p);
  }
  return true;
}
