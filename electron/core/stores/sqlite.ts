/**
 * Opening a store's SQLite file with the settings our promises rest on, and
 * applying numbered migrations.
 */
import * as fs from 'node:fs';
import Database from 'better-sqlite3';
import { HvelvError } from '../errors';

export type Db = Database.Database;
export type Migration = (db: Db) => void;

/** Set by the Electron main process: path to a better-sqlite3 build for Electron's ABI. */
let nativeBinding: string | undefined;
export function setSqliteNativeBinding(file: string | undefined): void {
  nativeBinding = file;
}

export function openDb(file: string, options: { create: boolean; readonly?: boolean }): Db {
  let db: Db;
  if (options.create && !fs.existsSync(file)) {
    // Create it owner-only first; SQLite gives its -wal and -shm files the same mode.
    fs.closeSync(fs.openSync(file, 'wx', 0o600));
  }
  try {
    db = new Database(file, {
      fileMustExist: !options.create,
      readonly: options.readonly ?? false,
      ...(nativeBinding ? { nativeBinding } : {}),
    });
  } catch (err) {
    throw new HvelvError('IO', `cannot open ${file}: ${(err as Error).message}`, { cause: err });
  }
  try {
    if (!options.readonly) {
      // WAL for crash safety with concurrent readers; FULL so a committed write survives
      // power loss; secure_delete so deleted rows are overwritten with zeros, not left
      // in free pages where a forensic scan would find them.
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
    }
    db.pragma('secure_delete = ON');
    db.pragma('foreign_keys = ON');
    db.pragma('trusted_schema = OFF');
  } catch (err) {
    db.close();
    throw new HvelvError('INTEGRITY', `${file} is not a usable SQLite database`, { cause: err });
  }
  return db;
}

/** Apply the migrations after `user_version`, each in its own transaction. */
export function migrate(db: Db, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new HvelvError('UNSUPPORTED_VERSION', `database schema ${current} is newer than this Hvelv (${migrations.length})`);
  }
  for (let v = current; v < migrations.length; v++) {
    const step = migrations[v];
    if (!step) break;
    db.transaction(() => {
      step(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}

/** After deletions: fold the WAL into the main file and truncate it, so deleted pages do not linger. */
export function checkpointTruncate(db: Db): void {
  db.pragma('wal_checkpoint(TRUNCATE)');
}
