/**
 * Exports write plaintext where the user asked (a recording, a transcript, an access
 * request), first under a hidden temporary name that is renamed when complete. A crash
 * or power cut in between would leave that hidden plaintext behind, forgotten. So each
 * export notes its temporary path before it starts and removes the note when it ends;
 * opening the vault overwrites and removes whatever a note still points at.
 *
 * The notes live in `exports.sealed` in the vault's root, sealed under the user key:
 * the paths may hold names (a file the user called after a participant), so not in the
 * app's settings; and not in a store, because project end destroys the stores (before
 * the next open could read the notes) but not the user key.
 *
 * Cleaning up never stops the vault from opening: what cannot be removed now (a file
 * in use, a drive not plugged in) keeps its note for the next open, and the audit log
 * says how many.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { VaultSession } from '../../vault/vault';
import { TEMP_SUFFIX } from '../../vault/atomic-file';
import { shredFile } from '../../vault/safe-delete';
import { fromUtf8, utf8 } from '../../crypto/encoding';
import { BugIndicatingError, HvelvError } from '../../errors';

const JOURNAL = 'exports';
/** The temporary names Hvelv's exports use; a note pointing at anything else is not acted on. */
const TEMP_NAME = new RegExp(`(\\.partial(-\\d+)?|${TEMP_SUFFIX.replace('.', '\\.')})$`);

interface PendingExport {
  id: string;
  tmp: string;
  startedAt: string;
}

function readNotes(session: VaultSession): PendingExport[] {
  const plain = session.readPrivateFile(JOURNAL);
  if (!plain) return [];
  try {
    return JSON.parse(fromUtf8(plain)) as PendingExport[];
  } finally {
    plain.fill(0);
  }
}

function writeNotes(session: VaultSession, notes: PendingExport[]): void {
  session.writePrivateFile(JOURNAL, notes.length ? utf8(JSON.stringify(notes)) : null);
}

/**
 * Note that an export is about to write `tmp`; call `end()` in a finally. The note is
 * dropped only if `tmp` is gone by then (renamed into place, or cleaned up): whatever
 * is still there, by a crash or a failed clean-up, is dealt with at the next open.
 */
export function beginExport(session: VaultSession, given: string, now: () => Date): { end(): void } {
  // Absolute: the next open may run from another working directory (`hvelv … --out x.wav`).
  const tmp = path.resolve(given);
  if (!TEMP_NAME.test(path.basename(tmp))) throw new BugIndicatingError(`not an export temp name: ${path.basename(tmp)}`);
  const id = randomBytes(8).toString('hex');
  writeNotes(session, [...readNotes(session), { id, tmp, startedAt: now().toISOString() }]);
  return {
    end: () => {
      if (session.isLocked || lexists(tmp)) return;
      writeNotes(session, readNotes(session).filter((n) => n.id !== id));
    },
  };
}

/**
 * Overwrite and remove what interrupted exports left. Never throws: a leftover that
 * cannot be removed now keeps its note, to be tried at the next open.
 */
export function sweepInterruptedExports(session: VaultSession): { removed: number; kept: number } {
  let notes: PendingExport[];
  try {
    notes = readNotes(session);
  } catch (err) {
    // Damaged or not ours: useless, and it would stop every export, so start afresh.
    // A file that cannot be read just now (in use) is left for the next open.
    if (err instanceof HvelvError && err.code === 'INTEGRITY') {
      session.audit.append('export.journal-unreadable');
      try {
        writeNotes(session, []);
      } catch {
        /* cleaning up never stops the vault from opening */
      }
    }
    return { removed: 0, kept: 0 };
  }
  if (notes.length === 0) return { removed: 0, kept: 0 };
  let removed = 0;
  const keep: PendingExport[] = [];
  for (const note of notes) {
    if (!TEMP_NAME.test(path.basename(note.tmp))) continue;
    try {
      if (removeTree(note.tmp)) removed++;
      // Gone, or never written: the note is done with only if its folder is there to
      // say so (an export to a USB stick that is not plugged in is tried again later).
      else if (!fs.existsSync(path.dirname(note.tmp))) keep.push(note);
    } catch {
      keep.push(note);
    }
  }
  try {
    writeNotes(session, keep);
  } catch {
    /* the notes stay as they were: tried again at the next open */
  }
  if (removed > 0) session.audit.append('export.leftovers-removed', { details: { count: removed } });
  if (keep.length > 0) session.audit.append('export.leftovers-kept', { details: { count: keep.length } });
  return { removed, kept: keep.length };
}

/** The temporary files of interrupted exports (and shares) still there: what the next unlock removes. Never throws. */
export function interruptedExports(session: VaultSession): string[] {
  try {
    return readNotes(session)
      .filter((n) => TEMP_NAME.test(path.basename(n.tmp)) && lexists(n.tmp))
      .map((n) => n.tmp);
  } catch {
    return [];
  }
}

function lexists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Shred a file, or every file in a folder; links and other non-files (a FIFO) are
 * removed, never followed or read. True when something was there.
 */
export function removeTree(p: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  if (st.isDirectory()) {
    for (const entry of fs.readdirSync(p)) removeTree(path.join(p, entry));
    fs.rmdirSync(p);
  } else if (st.isFile() || st.isSymbolicLink()) {
    shredFile(p);
  } else {
    fs.unlinkSync(p);
  }
  return true;
}
