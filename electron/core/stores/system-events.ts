/**
 * Events written without the owner's key: deletion at project end runs headless, so it
 * cannot sign. They are hash-chained among themselves in the audit database, and the
 * owner's next unlock copies each into the signed audit log (`acknowledgeSystemEvents`),
 * after which it is covered by the owner's signatures like any entry.
 */
import { createRequire } from 'node:module';
import { encodeFields, sha256, toHex } from '../crypto/encoding';
/** What an entry of the audit log carries besides its action (audit-log.ts uses this type). */
export type AuditDetails = Record<string, string | number | boolean>;

/** The owner's log, as far as acknowledging needs it: audit-log.ts passes itself (the arrow runs log → events only). */
interface AuditAppender {
  append(action: string, opts: { details: AuditDetails }): unknown;
}
import type { Db } from './sqlite';

const SCHEMA = `CREATE TABLE IF NOT EXISTS system_events (
  seq          INTEGER PRIMARY KEY,
  at           TEXT NOT NULL,
  action       TEXT NOT NULL,
  details      TEXT NOT NULL,
  prev         BLOB NOT NULL,
  hash         BLOB NOT NULL,
  acknowledged INTEGER NOT NULL DEFAULT 0
) STRICT`;

interface Row {
  seq: number;
  at: string;
  action: string;
  details: string;
  prev: Uint8Array;
  hash: Uint8Array;
  acknowledged: number;
}

function hashOf(vaultId: string, seq: number, at: string, action: string, details: string, prev: Uint8Array): Uint8Array {
  return sha256(encodeFields('hvelv/system-event', [vaultId, seq, at, action, details, prev]));
}

/** Loaded on first use: headless enforce with nothing due never opens SQLite. */
const requireHere = createRequire(import.meta.url);

export function appendSystemEvent(auditDbFile: string, vaultId: string, at: Date, action: string, details: AuditDetails): void {
  const Database = requireHere('better-sqlite3') as typeof import('better-sqlite3');
  const db = new Database(auditDbFile, { fileMustExist: true });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(SCHEMA);
    db.transaction(() => {
      const last = db.prepare('SELECT seq, hash FROM system_events ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: Uint8Array } | undefined;
      const seq = (last?.seq ?? 0) + 1;
      const prev = last?.hash ?? new Uint8Array(32);
      const d = JSON.stringify(details);
      const iso = at.toISOString();
      db.prepare('INSERT INTO system_events (seq, at, action, details, prev, hash) VALUES (?, ?, ?, ?, ?, ?)').run(seq, iso, action, d, prev, hashOf(vaultId, seq, iso, action, d, prev));
    })();
  } finally {
    db.close();
  }
}

/**
 * Copy unacknowledged system events into the owner's signed log (in order), after
 * checking their chain. A broken chain is itself logged as a problem, not hidden.
 */
export function acknowledgeSystemEvents(db: Db, audit: AuditAppender, vaultId: string): number {
  db.exec(SCHEMA);
  const rows = db.prepare('SELECT * FROM system_events ORDER BY seq').all() as Row[];
  let prev: Uint8Array = new Uint8Array(32);
  let n = 0;
  for (const r of rows) {
    const intact = Buffer.from(r.prev).equals(Buffer.from(prev)) && Buffer.from(r.hash).equals(Buffer.from(hashOf(vaultId, r.seq, r.at, r.action, r.details, r.prev)));
    prev = r.hash;
    if (r.acknowledged) continue;
    let details: AuditDetails = {};
    try {
      details = JSON.parse(r.details) as AuditDetails;
    } catch {
      /* logged below as damaged */
    }
    audit.append(intact ? r.action : 'system.event-damaged', { details: { ...details, systemSeq: r.seq, systemAt: r.at, systemHash: toHex(r.hash).slice(0, 16) } });
    db.prepare('UPDATE system_events SET acknowledged = 1 WHERE seq = ?').run(r.seq);
    n++;
  }
  return n;
}
