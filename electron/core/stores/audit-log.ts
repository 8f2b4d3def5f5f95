/**
 * The audit log: who did what to whose data, and when. Append-only, hash-chained
 * and signed, so an entry edited, deleted or reordered outside Hvelv is detected.
 *
 * It never holds personal data: a participant appears only as their code, and
 * details are short non-identifying facts (a field name, a count), never values.
 * That is why it is not encrypted: it must stay readable after the key list is
 * destroyed, to prove what was deleted and when.
 */
import type { Crypto } from '../crypto/sodium';
import { encodeFields, sha256, toHex } from '../crypto/encoding';
import { HvelvError, integrity } from '../errors';
import type { Signer } from './record-store';
import { migrate, type Db, type Migration } from './sqlite';
import { acknowledgeSystemEvents, type AuditDetails } from './system-events';

export type AuditActor = 'owner' | 'supervisor' | 'system';
export type { AuditDetails };

export interface AuditEntry {
  seq: number;
  at: string;
  actor: AuditActor;
  action: string;
  participant: string | null;
  details: AuditDetails;
  hash: string;
}

const MIGRATIONS: readonly Migration[] = [
  (db) => {
    db.exec(`
      CREATE TABLE entries (
        seq         INTEGER PRIMARY KEY,
        at          TEXT NOT NULL,
        actor       TEXT NOT NULL,
        action      TEXT NOT NULL,
        participant TEXT,
        details     TEXT NOT NULL,
        prev        BLOB NOT NULL,
        hash        BLOB NOT NULL,
        sig         BLOB NOT NULL
      ) STRICT;
      CREATE TABLE head (
        one  INTEGER PRIMARY KEY CHECK (one = 1),
        seq  INTEGER NOT NULL,
        hash BLOB NOT NULL,
        sig  BLOB NOT NULL
      ) STRICT;
    `);
  },
];

interface EntryRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  participant: string | null;
  details: string;
  prev: Uint8Array;
  hash: Uint8Array;
  sig: Uint8Array;
}

const GENESIS = new Uint8Array(32);
const ACTION_RE = /^[a-z][a-z-]*(\.[a-z-]+)+$/;

export class AuditLog {
  private constructor(
    private readonly db: Db,
    private readonly crypto: Crypto,
    private readonly vaultId: string,
    private readonly ownerPublicKey: Uint8Array,
    private readonly signer: Signer | undefined,
    private readonly now: () => Date,
  ) {}

  /**
   * Open the log and check its whole chain: an entry edited, removed or reordered
   * outside Hvelv must be found now, before a new signed entry could seal over it.
   * `fresh` only when the vault is being created (the one time the log may be empty).
   */
  static open(db: Db, opts: { crypto: Crypto; vaultId: string; ownerPublicKey: Uint8Array; signer?: Signer; now: () => Date; fresh?: boolean; reportOnly?: boolean }): AuditLog {
    try {
      migrate(db, MIGRATIONS);
      const log = new AuditLog(db, opts.crypto, opts.vaultId, opts.ownerPublicKey, opts.signer, opts.now);
      // reportOnly: `hvelv verify` opens a damaged log to list what is wrong, and writes nothing.
      if (!opts.fresh && !opts.reportOnly) {
        const problems = log.verify({ entrySignatures: false });
        if (problems.length > 0) throw integrity(`the audit log was changed outside Hvelv: ${problems[0]}`);
      }
      return log;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  append(action: string, opts: { participant?: string | null; details?: AuditDetails } = {}): AuditEntry {
    if (!this.signer) throw new HvelvError('FORBIDDEN', 'this session cannot write the audit log');
    if (!ACTION_RE.test(action)) throw new HvelvError('INVALID_INPUT', `bad audit action ${action}`);
    const signer = this.signer;
    return this.db.transaction((): AuditEntry => {
      const last = this.db.prepare<[], { seq: number; hash: Uint8Array }>('SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1').get();
      // Append only onto the entry the owner last signed: never re-sign over a removal.
      const head = this.db.prepare<[], { seq: number; hash: Uint8Array }>('SELECT seq, hash FROM head').get();
      if (last || head) {
        if (!last || !head || head.seq !== last.seq || !this.crypto.equal(head.hash, last.hash)) {
          throw integrity('the audit log does not end where the owner last signed it');
        }
      }
      const seq = (last?.seq ?? 0) + 1;
      const prev = last?.hash ?? GENESIS;
      const at = this.now().toISOString();
      const actor: AuditActor = 'owner';
      const participant = opts.participant ?? null;
      const details = JSON.stringify(opts.details ?? {});
      const hash = this.entryHash({ seq, at, actor, action, participant, details, prev });
      const sig = signer.sign(encodeFields('hvelv/audit-entry-signature', [hash]));
      this.db
        .prepare('INSERT INTO entries (seq, at, actor, action, participant, details, prev, hash, sig) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(seq, at, actor, action, participant, details, prev, hash, sig);
      const headSig = signer.sign(this.headMessage(seq, hash));
      this.db
        .prepare('INSERT INTO head (one, seq, hash, sig) VALUES (1, ?, ?, ?) ON CONFLICT (one) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, sig = excluded.sig')
        .run(seq, hash, headSig);
      return { seq, at, actor, action, participant, details: opts.details ?? {}, hash: toHex(hash) };
    })();
  }

  list(): AuditEntry[] {
    return this.db
      .prepare<[], EntryRow>('SELECT * FROM entries ORDER BY seq')
      .all()
      .map((r) => ({
        seq: r.seq,
        at: r.at,
        actor: r.actor as AuditActor,
        action: r.action,
        participant: r.participant,
        details: safeDetails(r.details),
        hash: toHex(r.hash),
      }));
  }

  /** Every problem in the chain, in order; empty when the log is whole. */
  verify(opts: { entrySignatures?: boolean } = {}): string[] {
    // On every unlock the chain and the signed head are enough: each entry's hash covers
    // its content and the hash before it, and the head's signature covers the last hash,
    // so no entry can be changed, added or removed without the owner's key. Checking
    // each entry's own signature as well (an Ed25519 verification per entry, most of the
    // unlock's time past the KDF in a thesis-sized log) is left to `hvelv verify`.
    const entrySignatures = opts.entrySignatures ?? true;
    const problems: string[] = [];
    let prev: Uint8Array = GENESIS;
    let expectedSeq = 1;
    let lastHash: Uint8Array | null = null;
    let lastSeq = 0;
    for (const r of this.db.prepare<[], EntryRow>('SELECT * FROM entries ORDER BY seq').iterate()) {
      if (r.seq !== expectedSeq) problems.push(`audit: entry ${expectedSeq} is missing (next is ${r.seq})`);
      if (!this.crypto.equal(r.prev, prev)) problems.push(`audit: entry ${r.seq} does not follow the entry before it (deleted, inserted or reordered)`);
      const hash = this.entryHash({ ...r, prev: r.prev });
      if (!this.crypto.equal(hash, r.hash)) problems.push(`audit: entry ${r.seq} was altered`);
      if (entrySignatures && !this.crypto.verify(this.ownerPublicKey, encodeFields('hvelv/audit-entry-signature', [r.hash]), r.sig)) {
        problems.push(`audit: entry ${r.seq} is not signed by the owner`);
      }
      prev = r.hash;
      expectedSeq = r.seq + 1;
      lastHash = r.hash;
      lastSeq = r.seq;
    }
    const head = this.db.prepare<[], { seq: number; hash: Uint8Array; sig: Uint8Array }>('SELECT * FROM head').get();
    if (head) {
      if (!this.crypto.verify(this.ownerPublicKey, this.headMessage(head.seq, head.hash), head.sig)) {
        problems.push('audit: the head of the log is not signed by the owner');
      } else if (head.seq !== lastSeq || !lastHash || !this.crypto.equal(head.hash, lastHash)) {
        problems.push(`audit: the log ends at entry ${lastSeq} but was signed up to entry ${head.seq} (entries removed)`);
      }
    } else {
      // Every vault's log starts with vault.created: an empty log or a missing head was emptied.
      problems.push(lastSeq > 0 ? 'audit: the head of the log is missing' : 'audit: the log is empty');
    }
    return problems;
  }

  /** Bring events written headless (project end) into this signed log. */
  acknowledgeSystemEvents(): number {
    return acknowledgeSystemEvents(this.db, this, this.vaultId);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private entryHash(e: { seq: number; at: string; actor: string; action: string; participant: string | null; details: string; prev: Uint8Array }): Uint8Array {
    return sha256(encodeFields('hvelv/audit-entry', [this.vaultId, e.seq, e.at, e.actor, e.action, e.participant, e.details, e.prev]));
  }

  private headMessage(seq: number, hash: Uint8Array): Uint8Array {
    return encodeFields('hvelv/audit-head', [this.vaultId, seq, hash]);
  }
}

function safeDetails(text: string): AuditDetails {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as AuditDetails) : {};
  } catch {
    throw integrity('audit: entry details are not valid JSON');
  }
}
