/**
 * An encrypted store: one SQLite file whose rows are sealed with XChaCha20-Poly1305
 * and signed by the owner.
 *
 * - Each participant has their own key inside each store (wrapped by the store key),
 *   so destroying one person's data means destroying their key and rows.
 * - The associated data of a record are rebuilt from the row's plaintext columns
 *   (and the store's identity), never read from storage: a row moved to another
 *   table, participant or store, or given another version number, fails to decrypt.
 * - A signed "head" covers the set of rows (table, id, participant, key, version,
 *   nonce). A row deleted, restored from an old copy, or slipped in is detected.
 */
import type { Crypto } from '../crypto/sodium';
import { KEY_BYTES, XNONCE_BYTES } from '../crypto/sodium';
import { createHash } from 'node:crypto';
import { encodeFields, fromUtf8, sha256, toHex, utf8 } from '../crypto/encoding';
import { BugIndicatingError, HvelvError, integrity } from '../errors';
import { FORMAT_VERSION, type DataStore } from '../vault/layout';
import { checkpointTruncate, migrate, type Db, type Migration } from './sqlite';

export const STORE_KEY_ID = 'store';

export const RECORD_STORE_MIGRATIONS: readonly Migration[] = [
  (db) => {
    db.exec(`
      CREATE TABLE participant_keys (
        key_id      TEXT PRIMARY KEY,
        participant TEXT NOT NULL UNIQUE,
        nonce       BLOB NOT NULL,
        wrapped     BLOB NOT NULL,
        leaf        BLOB NOT NULL
      ) STRICT;
      CREATE TABLE records (
        tbl         TEXT NOT NULL,
        id          TEXT NOT NULL,
        participant TEXT,
        key_id      TEXT NOT NULL,
        version     INTEGER NOT NULL,
        nonce       BLOB NOT NULL,
        ct          BLOB NOT NULL,
        sig         BLOB NOT NULL,
        leaf        BLOB NOT NULL,
        PRIMARY KEY (tbl, id)
      ) STRICT;
      CREATE INDEX records_by_participant ON records (participant);
      CREATE TABLE head (
        one    INTEGER PRIMARY KEY CHECK (one = 1),
        seq    INTEGER NOT NULL,
        digest BLOB NOT NULL,
        sig    BLOB NOT NULL
      ) STRICT;
    `);
  },
  // The head's digest runs over every row's leaf on each write. Read from the table, each
  // leaf stands behind the row's sealed content (a transcript's overflow pages), so every
  // write read the whole store; from this covering index it reads a few pages.
  (db) => {
    db.exec('CREATE INDEX records_leaves ON records (tbl, id, version, leaf)');
  },
];

/** The owner's signing key while a session is unlocked. */
export interface Signer {
  publicKey: Uint8Array;
  sign(message: Uint8Array): Uint8Array;
}

export interface StoreContext {
  crypto: Crypto;
  vaultId: string;
  store: DataStore;
  storeKey: Uint8Array;
  /** Present for the owner; absent for read-only sessions (the supervisor, later). */
  signer?: Signer;
  /** The owner's public key: every record and head must carry its signature. */
  ownerPublicKey: Uint8Array;
  /**
   * Called before any write of a participant's record, inside the store, so that no
   * code path can add data about a person without the consent that covers it.
   */
  guard?: (participant: string, table: string) => void;
}

export interface StoredRecord<T = unknown> {
  table: string;
  id: string;
  participant: string | null;
  version: number;
  data: T;
}

interface RecordRow {
  tbl: string;
  id: string;
  participant: string | null;
  key_id: string;
  version: number;
  nonce: Uint8Array;
  ct: Uint8Array;
  sig: Uint8Array;
  leaf: Uint8Array;
}

interface KeyRow {
  key_id: string;
  participant: string;
  nonce: Uint8Array;
  wrapped: Uint8Array;
  leaf: Uint8Array;
}

type RecordIdentity = Pick<RecordRow, 'tbl' | 'id' | 'participant' | 'key_id' | 'version' | 'nonce'>;

function recordLeaf(r: RecordIdentity): Uint8Array {
  return sha256(encodeFields('hvelv/row', [r.tbl, r.id, r.participant, r.key_id, r.version, r.nonce]));
}

function keyLeaf(k: Pick<KeyRow, 'key_id' | 'participant' | 'nonce'>): Uint8Array {
  return sha256(encodeFields('hvelv/key-row', [k.key_id, k.participant, k.nonce]));
}

const TABLE_RE = /^[a-z][a-z0-9_]{0,31}$/;

export class RecordStore {
  private readonly participantKeys = new Map<string, { keyId: string; key: Uint8Array }>();
  private closed = false;
  private checkpointDue = false;

  private constructor(
    private readonly db: Db,
    private readonly ctx: StoreContext,
    /** Destroyed at project end: reads find nothing, writes are refused. */
    readonly destroyed = false,
  ) {}

  /**
   * Stands in for a store destroyed at project end, so the rest of the app can ask it
   * questions (it holds nothing) without special cases; every write is PROJECT_ENDED.
   */
  static destroyedPlaceholder(db: Db, ctx: StoreContext): RecordStore {
    migrate(db, RECORD_STORE_MIGRATIONS);
    return new RecordStore(db, ctx, true);
  }

  /** Create the schema and the first signed head. */
  static initialise(db: Db, ctx: StoreContext): RecordStore {
    migrate(db, RECORD_STORE_MIGRATIONS);
    const store = new RecordStore(db, ctx);
    db.transaction(() => store.writeHead(0))();
    return store;
  }

  /** Open an existing store and check its head (signature and row set). */
  static open(db: Db, ctx: StoreContext): RecordStore {
    try {
      migrate(db, RECORD_STORE_MIGRATIONS);
      const store = new RecordStore(db, ctx);
      store.checkHead();
      return store;
    } catch (err) {
      // Never leave a handle open on a store we refused: the caller may repair or delete it.
      db.close();
      if (err instanceof HvelvError) throw err;
      throw integrity(`${ctx.store}: the database is damaged`, err);
    }
  }

  get name(): DataStore {
    return this.ctx.store;
  }

  /**
   * Insert or replace a record; the version goes up by one on each write. `removal`
   * marks a rewrite of an existing record that only takes personal data out (replacing
   * names in a transcript with placeholders): it is not processing that needs consent,
   * so it is allowed after the key list is gone, when nothing new may be written.
   */
  put(table: string, record: { id?: string; participant: string | null; data: unknown }, opts: { removal?: boolean } = {}): StoredRecord {
    const signer = this.requireSigner();
    checkTable(table);
    const id = record.id ?? toHex(this.ctx.crypto.random(16));
    if (opts.removal && record.id === undefined) throw new BugIndicatingError('a removal rewrites an existing record');
    if (record.participant !== null && !opts.removal) this.ctx.guard?.(record.participant, table);
    const write = this.db.transaction((): StoredRecord => {
      const existing = this.db
        .prepare<[string, string], { version: number; participant: string | null }>(
          'SELECT version, participant FROM records WHERE tbl = ? AND id = ?',
        )
        .get(table, id);
      if (existing && existing.participant !== record.participant) {
        throw new BugIndicatingError('a record cannot change participant');
      }
      if (opts.removal && !existing) throw new HvelvError('NOT_FOUND', `no ${table} record ${id}`);
      const version = (existing?.version ?? 0) + 1;
      const { keyId, key } =
        record.participant === null
          ? { keyId: STORE_KEY_ID, key: this.ctx.storeKey }
          : this.participantKey(record.participant, true);
      const nonce = this.ctx.crypto.random(XNONCE_BYTES);
      const ad = this.recordAd(table, id, record.participant, keyId, version);
      const plain = utf8(JSON.stringify(record.data));
      const ct = this.ctx.crypto.seal(key, nonce, plain, ad);
      this.ctx.crypto.wipe(plain);
      const sig = signer.sign(recordSigMessage(ad, nonce, ct));
      this.db
        .prepare(
          `INSERT INTO records (tbl, id, participant, key_id, version, nonce, ct, sig, leaf)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (tbl, id) DO UPDATE SET key_id = excluded.key_id, version = excluded.version,
             nonce = excluded.nonce, ct = excluded.ct, sig = excluded.sig, leaf = excluded.leaf`,
        )
        .run(table, id, record.participant, keyId, version, nonce, ct, sig, recordLeaf({ tbl: table, id, participant: record.participant, key_id: keyId, version, nonce }));
      this.bumpHead();
      return { table, id, participant: record.participant, version, data: record.data };
    });
    try {
      return write();
    } catch (err) {
      // A participant key made inside a rolled-back transaction must not outlive it in
      // the cache, or later records would be sealed with a key the store never kept.
      if (record.participant !== null) this.forgetCachedKey(record.participant);
      throw err;
    }
  }

  get<T = unknown>(table: string, id: string): StoredRecord<T> | null {
    this.assertOpen();
    checkTable(table);
    const row = this.db
      .prepare<[string, string], RecordRow>('SELECT * FROM records WHERE tbl = ? AND id = ?')
      .get(table, id);
    return row ? this.decryptRow<T>(row) : null;
  }

  list<T = unknown>(table: string, filter: { participant?: string } = {}): StoredRecord<T>[] {
    this.assertOpen();
    checkTable(table);
    const rows =
      filter.participant === undefined
        ? this.db.prepare<[string], RecordRow>('SELECT * FROM records WHERE tbl = ? ORDER BY id').all(table)
        : this.db
            .prepare<[string, string], RecordRow>('SELECT * FROM records WHERE tbl = ? AND participant = ? ORDER BY id')
            .all(table, filter.participant);
    return rows.map((r) => this.decryptRow<T>(r));
  }

  /** Every record of one participant, in every table, decrypted. */
  listParticipant(participant: string): StoredRecord[] {
    this.assertOpen();
    return this.db
      .prepare<[string], RecordRow>('SELECT * FROM records WHERE participant = ? ORDER BY tbl, id')
      .all(participant)
      .map((r) => this.decryptRow(r));
  }

  /** How many records one participant has in each table (no decryption). */
  countParticipant(participant: string): Record<string, number> {
    this.assertOpen();
    const out: Record<string, number> = {};
    for (const r of this.db
      .prepare<[string], { tbl: string; n: number }>('SELECT tbl, count(*) AS n FROM records WHERE participant = ? GROUP BY tbl')
      .all(participant)) {
      out[r.tbl] = r.n;
    }
    return out;
  }

  /**
   * Destroy everything this store holds about one participant: their rows and their
   * key, in one transaction, then fold the WAL so no copy of a page lingers there.
   * secure_delete has already overwritten the freed cells. Idempotent: a second run
   * (after a crash) finds nothing and changes nothing.
   */
  destroyParticipant(participant: string): Record<string, number> {
    this.requireSigner();
    const counts = this.countParticipant(participant);
    const changed = this.db.transaction(() => {
      const rows = this.db.prepare('DELETE FROM records WHERE participant = ?').run(participant).changes;
      const keys = this.db.prepare('DELETE FROM participant_keys WHERE participant = ?').run(participant).changes;
      if (rows + keys > 0) this.bumpHead();
      return rows + keys > 0;
    })();
    const cached = this.participantKeys.get(participant);
    if (cached) {
      this.ctx.crypto.wipe(cached.key);
      this.participantKeys.delete(participant);
    }
    if (changed) checkpointTruncate(this.db);
    return counts;
  }

  /**
   * The id and version of every record of a table, without decrypting anything: lets
   * an in-memory cache (analysis, search) see cheaply what changed since it was built.
   */
  versions(table: string): Map<string, number> {
    this.assertOpen();
    checkTable(table);
    const out = new Map<string, number>();
    for (const r of this.db.prepare<[string], { id: string; version: number }>('SELECT id, version FROM records WHERE tbl = ?').iterate(table)) out.set(r.id, r.version);
    return out;
  }

  /**
   * As `versions`, each with the record's nonce (new on every write): a record deleted and
   * made again under the same id starts at version 1 again, which `versions` cannot tell
   * from the record before it; a cache keyed by a record's own id (participant attributes)
   * compares these.
   */
  stamps(table: string): Map<string, string> {
    this.assertOpen();
    checkTable(table);
    const out = new Map<string, string>();
    for (const r of this.db.prepare<[string], { id: string; version: number; nonce: Uint8Array }>('SELECT id, version, nonce FROM records WHERE tbl = ?').iterate(table)) out.set(r.id, `${r.version}:${toHex(r.nonce)}`);
    return out;
  }

  /**
   * A number that changes with every committed write to this store (the signed head's
   * sequence), or null inside a transaction (a rollback would take it back): lets an
   * in-memory cache skip even `versions` when nothing was written since it last looked.
   */
  changeMark(): number | null {
    this.assertOpen();
    if (this.db.inTransaction) return null;
    return this.db.prepare<[], { seq: number }>('SELECT seq FROM head').get()?.seq ?? 0;
  }

  /**
   * Several writes as one: all of them or none (a transcript edited and its coded
   * segments moved with it). Nested calls join the outer transaction.
   */
  atomically<T>(fn: () => T): T {
    this.requireSigner();
    try {
      const out = this.db.transaction(fn)();
      if (this.checkpointDue && !this.db.inTransaction) this.checkpoint();
      return out;
    } catch (err) {
      this.checkpointDue = false;
      // Keys made by puts inside the rolled-back transaction must not stay cached.
      for (const participant of [...this.participantKeys.keys()]) this.forgetCachedKey(participant);
      throw err;
    }
  }

  count(): number {
    this.assertOpen();
    return (this.db.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n;
  }

  delete(table: string, id: string): boolean {
    this.requireSigner();
    checkTable(table);
    const changed = this.db.transaction(() => {
      const info = this.db.prepare('DELETE FROM records WHERE tbl = ? AND id = ?').run(table, id);
      if (info.changes > 0) this.bumpHead();
      return info.changes > 0;
    })();
    if (changed) this.checkpoint();
    return changed;
  }

  /**
   * Decrypt and check every record and participant key. Returns one line per
   * problem; an empty list means the store is whole.
   */
  verifyAll(): string[] {
    if (this.destroyed) return [];
    const problems: string[] = [];
    try {
      this.checkHead();
    } catch (err) {
      problems.push((err as Error).message);
    }
    for (const k of this.db.prepare<[], KeyRow>('SELECT * FROM participant_keys').all()) {
      try {
        this.wipeKey(this.unwrapParticipantKey(k));
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    for (const row of this.db.prepare<[], RecordRow>('SELECT * FROM records ORDER BY tbl, id').iterate()) {
      try {
        this.decryptRow(row);
      } catch (err) {
        problems.push((err as Error).message);
      }
    }
    return problems;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const { key } of this.participantKeys.values()) this.ctx.crypto.wipe(key);
    this.participantKeys.clear();
    this.ctx.crypto.wipe(this.ctx.storeKey);
    if (this.db.open) this.db.close();
  }

  // ---- internals -------------------------------------------------------------

  /**
   * Fold the WAL after a deletion, so no copy of a deleted page lingers there. Inside a
   * transaction (`atomically`) SQLite cannot, so it is done when the transaction commits.
   */
  private checkpoint(): void {
    if (this.db.inTransaction) {
      this.checkpointDue = true;
      return;
    }
    this.checkpointDue = false;
    checkpointTruncate(this.db);
  }

  private assertOpen(): void {
    if (this.closed) throw new HvelvError('VAULT_LOCKED', 'the vault is locked');
  }

  private requireSigner(): Signer {
    this.assertOpen();
    if (this.destroyed) throw new HvelvError('PROJECT_ENDED', `the ${this.ctx.store} store was destroyed at project end`);
    if (!this.ctx.signer) throw new HvelvError('FORBIDDEN', 'this session may read but not change the vault');
    return this.ctx.signer;
  }

  private recordAd(table: string, id: string, participant: string | null, keyId: string, version: number): Uint8Array {
    return encodeFields('hvelv/record', [FORMAT_VERSION, this.ctx.vaultId, this.ctx.store, table, id, participant, keyId, version]);
  }

  private keyAd(keyId: string, participant: string): Uint8Array {
    return encodeFields('hvelv/participant-key', [FORMAT_VERSION, this.ctx.vaultId, this.ctx.store, keyId, participant]);
  }

  private decryptRow<T>(row: RecordRow): StoredRecord<T> {
    const where = `${this.ctx.store}/${row.tbl}/${row.id}`;
    const ad = this.recordAd(row.tbl, row.id, row.participant, row.key_id, row.version);
    if (!this.ctx.crypto.verify(this.ctx.ownerPublicKey, recordSigMessage(ad, row.nonce, row.ct), row.sig)) {
      throw integrity(`${where}: signature does not verify`);
    }
    let key: Uint8Array;
    if (row.key_id === STORE_KEY_ID) {
      if (row.participant !== null) throw integrity(`${where}: participant record under the store key`);
      key = this.ctx.storeKey;
    } else {
      if (row.participant === null) throw integrity(`${where}: record without participant under a participant key`);
      const pk = this.participantKey(row.participant, false);
      if (pk.keyId !== row.key_id) throw integrity(`${where}: record under another participant's key`);
      key = pk.key;
    }
    const plain = this.ctx.crypto.open(key, row.nonce, row.ct, ad);
    if (!plain) throw integrity(`${where}: record does not decrypt (moved, altered or replaced)`);
    try {
      return { table: row.tbl, id: row.id, participant: row.participant, version: row.version, data: JSON.parse(fromUtf8(plain)) as T };
    } finally {
      this.ctx.crypto.wipe(plain);
    }
  }

  private participantKey(participant: string, create: boolean): { keyId: string; key: Uint8Array } {
    const cached = this.participantKeys.get(participant);
    if (cached) return cached;
    const row = this.db
      .prepare<[string], KeyRow>('SELECT * FROM participant_keys WHERE participant = ?')
      .get(participant);
    let entry: { keyId: string; key: Uint8Array };
    if (row) {
      entry = { keyId: row.key_id, key: this.unwrapParticipantKey(row) };
    } else {
      if (!create) throw integrity(`${this.ctx.store}: no key for participant ${participant}`);
      const keyId = toHex(this.ctx.crypto.random(16));
      const key = this.ctx.crypto.random(KEY_BYTES);
      const nonce = this.ctx.crypto.random(XNONCE_BYTES);
      const wrapped = this.ctx.crypto.seal(this.ctx.storeKey, nonce, key, this.keyAd(keyId, participant));
      this.db
        .prepare('INSERT INTO participant_keys (key_id, participant, nonce, wrapped, leaf) VALUES (?, ?, ?, ?, ?)')
        .run(keyId, participant, nonce, wrapped, keyLeaf({ key_id: keyId, participant, nonce }));
      entry = { keyId, key };
    }
    this.participantKeys.set(participant, entry);
    return entry;
  }

  private unwrapParticipantKey(row: KeyRow): Uint8Array {
    const key = this.ctx.crypto.open(this.ctx.storeKey, row.nonce, row.wrapped, this.keyAd(row.key_id, row.participant));
    if (!key) throw integrity(`${this.ctx.store}: key of participant ${row.participant} does not unwrap`);
    return key;
  }

  private forgetCachedKey(participant: string): void {
    const cached = this.participantKeys.get(participant);
    if (!cached) return;
    const stored = this.db.prepare<[string], { key_id: string }>('SELECT key_id FROM participant_keys WHERE participant = ?').get(participant);
    if (stored?.key_id !== cached.keyId) {
      this.ctx.crypto.wipe(cached.key);
      this.participantKeys.delete(participant);
    }
  }

  private wipeKey(key: Uint8Array): void {
    // Keys held in the cache are wiped on close; this is for transient unwraps.
    if (![...this.participantKeys.values()].some((e) => e.key === key)) this.ctx.crypto.wipe(key);
  }

  /**
   * The set of rows the owner signed: SHA-256 over each row's leaf, a hash of its
   * identity (table, id, participant, key, version, nonce), records then keys, in a
   * fixed order. A nonce is unique per written version, so this pins exactly which
   * version of which rows exist. Writes use the stored leaves (fast); opening
   * recomputes every leaf from the row itself (`checkHead`).
   */
  private digestOfStoredLeaves(): Uint8Array {
    const h = createHash('sha256');
    for (const leaf of this.db.prepare<[], Uint8Array>('SELECT leaf FROM records ORDER BY tbl, id').pluck().iterate()) h.update(leaf);
    for (const leaf of this.db.prepare<[], Uint8Array>('SELECT leaf FROM participant_keys ORDER BY key_id').pluck().iterate()) h.update(leaf);
    return new Uint8Array(h.digest());
  }

  /** The same digest, with every leaf recomputed from its row and compared to the stored one. */
  private digestOfRows(): { digest: Uint8Array; badLeaves: number } {
    const h = createHash('sha256');
    let badLeaves = 0;
    const add = (computed: Uint8Array, stored: Uint8Array): void => {
      if (!this.ctx.crypto.equal(computed, stored)) badLeaves++;
      h.update(computed);
    };
    for (const r of this.db
      .prepare<[], Omit<RecordRow, 'ct' | 'sig'>>('SELECT tbl, id, participant, key_id, version, nonce, leaf FROM records ORDER BY tbl, id')
      .iterate()) {
      add(recordLeaf(r), r.leaf);
    }
    for (const k of this.db
      .prepare<[], Omit<KeyRow, 'wrapped'>>('SELECT key_id, participant, nonce, leaf FROM participant_keys ORDER BY key_id')
      .iterate()) {
      add(keyLeaf(k), k.leaf);
    }
    return { digest: new Uint8Array(h.digest()), badLeaves };
  }

  private headMessage(seq: number, digest: Uint8Array): Uint8Array {
    return encodeFields('hvelv/store-head', [FORMAT_VERSION, this.ctx.vaultId, this.ctx.store, seq, digest]);
  }

  private writeHead(seq: number): void {
    const signer = this.requireSigner();
    const digest = this.digestOfStoredLeaves();
    const sig = signer.sign(this.headMessage(seq, digest));
    this.db
      .prepare('INSERT INTO head (one, seq, digest, sig) VALUES (1, ?, ?, ?) ON CONFLICT (one) DO UPDATE SET seq = excluded.seq, digest = excluded.digest, sig = excluded.sig')
      .run(seq, digest, sig);
  }

  private bumpHead(): void {
    const cur = this.db.prepare<[], { seq: number }>('SELECT seq FROM head').get();
    this.writeHead((cur?.seq ?? 0) + 1);
  }

  private checkHead(): void {
    const head = this.db.prepare<[], { seq: number; digest: Uint8Array; sig: Uint8Array }>('SELECT seq, digest, sig FROM head').get();
    if (!head) throw integrity(`${this.ctx.store}: store head is missing`);
    if (!this.ctx.crypto.verify(this.ctx.ownerPublicKey, this.headMessage(head.seq, head.digest), head.sig)) {
      throw integrity(`${this.ctx.store}: store head signature does not verify`);
    }
    const { digest, badLeaves } = this.digestOfRows();
    if (badLeaves > 0 || !this.ctx.crypto.equal(head.digest, digest)) {
      throw integrity(`${this.ctx.store}: rows were added, removed or rolled back outside Hvelv`);
    }
  }
}

function recordSigMessage(ad: Uint8Array, nonce: Uint8Array, ct: Uint8Array): Uint8Array {
  return encodeFields('hvelv/record-signature', [ad, nonce, ct]);
}

function checkTable(table: string): void {
  if (!TABLE_RE.test(table)) throw new BugIndicatingError(`bad table name ${table}`);
}
