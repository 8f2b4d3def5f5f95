/**
 * Tampering: every byte of the header and key files, sample records, rows moved
 * between tables, participants and stores, and rollback of a row must be detected
 * with a clear error and no data returned.
 */
import * as fs from 'node:fs';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { readHeader, ownerSlotAd } from '../../electron/core/vault/header';
import { readStoreKey } from '../../electron/core/vault/store-key';
import { headerPath, storeDbPath, storeKeyPath, DATA_STORES } from '../../electron/core/vault/layout';
import { unlockVault, type VaultDeps } from '../../electron/core/vault/vault';
import { deriveKek } from '../../electron/core/crypto/kdf';
import { fromB64 } from '../../electron/core/crypto/encoding';
import { admit, codeOf, makeVault, pw } from './helpers';

const PASS = 'tamper test passphrase';


let dir: string;
let deps: VaultDeps;
let ids: { keylist: string; transcripts: string; recordings: string; projectNote: string };

beforeAll(async () => {
  const v = await makeVault(PASS);
  dir = v.dir;
  deps = v.deps;
  const s = v.session;
  expect([admit(s, { name: 'Ola' }), admit(s, { name: 'Kari' })]).toEqual(['JS01', 'JS02']);
  ids = {
    keylist: s.stores.keylist.put('identity', { participant: 'JS01', data: { name: 'Ola' } }).id,
    transcripts: s.stores.transcripts.put('transcript', { participant: 'JS01', data: { text: 'B: ja' } }).id,
    recordings: s.stores.recordings.put('recording', { participant: 'JS01', data: { codec: 'pcm' } }).id,
    projectNote: s.stores.transcripts.put('memo', { participant: null, data: { text: 'tema' } }).id,
  };
  s.stores.keylist.put('identity', { participant: 'JS02', data: { name: 'Kari' } });
  s.stores.transcripts.put('transcript', { participant: 'JS02', data: { text: 'B: nei' } });
  s.lock();
});

/** Run `check` on the file with each byte flipped in turn, restoring it after. */
function eachFlip(file: string, check: (offset: number) => void): number {
  const original = fs.readFileSync(file);
  let n = 0;
  try {
    for (let i = 0; i < original.length; i++) {
      for (const mask of [0x01, 0x80]) {
        const copy = Buffer.from(original);
        copy[i]! ^= mask;
        fs.writeFileSync(file, copy);
        check(i);
        n++;
      }
    }
  } finally {
    fs.writeFileSync(file, original);
  }
  return n;
}

describe('header', () => {
  it('every flipped bit of the header is detected before any key is derived', async () => {
    const codes = new Set<string>();
    const flips = eachFlip(headerPath(dir), (i) => {
      const code = codeOf(() => readHeader(dir, deps.crypto));
      expect(code, `flip at byte ${i}`).not.toBe('NO_ERROR');
      codes.add(code);
    });
    expect(flips).toBeGreaterThan(1000);
    // Clear errors: damage is INTEGRITY, a changed format number is UNSUPPORTED_VERSION.
    expect([...codes].every((c) => c === 'INTEGRITY' || c === 'UNSUPPORTED_VERSION')).toBe(true);
    // And the restored header opens.
    (await unlockVault(dir, pw(PASS), deps)).lock();
  });

  it('a header re-signed with another key is refused on unlock', async () => {
    const original = fs.readFileSync(headerPath(dir));
    try {
      const file = JSON.parse(original.toString('utf8')) as { body: { owner: { signPublicKey: string }; settings: { endDate: string } }; signature: string };
      const attacker = deps.crypto.signKeyPair(deps.crypto.random(32));
      file.body.settings.endDate = '2099-01-01';
      file.body.owner.signPublicKey = Buffer.from(attacker.publicKey).toString('base64');
      const { headerSignatureMessage } = await import('../../electron/core/vault/header');
      file.signature = Buffer.from(deps.crypto.sign(attacker.secretKey, headerSignatureMessage(file.body as never))).toString('base64');
      fs.writeFileSync(headerPath(dir), JSON.stringify(file));
      // Changing the public key changes the slot's associated data: the slot no longer unwraps.
      await expect(unlockVault(dir, pw(PASS), deps)).rejects.toMatchObject({ code: expect.stringMatching(/INTEGRITY|WRONG_PASSPHRASE/) });
    } finally {
      fs.writeFileSync(headerPath(dir), original);
    }
  });
});

describe('key files', () => {
  it('every flipped bit of each store key file is detected', async () => {
    // Derive the user key once through the real slot, then check each flip with the
    // same function unlock uses (one KDF run instead of thousands).
    const { body } = readHeader(dir, deps.crypto);
    const kek = await deriveKek(pw(PASS), { ...body.kdf, salt: fromB64(body.kdf.salt) }, deps.kdfPolicy);
    const userKey = deps.crypto.open(kek, fromB64(body.owner.slot.nonce), fromB64(body.owner.slot.ciphertext), ownerSlotAd(body.vaultId, body.owner.signPublicKey))!;
    expect(userKey).not.toBeNull();
    for (const store of DATA_STORES) {
      const read = () => readStoreKey(dir, { crypto: deps.crypto, vaultId: body.vaultId, store, userKey });
      expect(read()).toHaveLength(32);
      eachFlip(storeKeyPath(dir, store), (i) => {
        expect(codeOf(read), `${store} flip at ${i}`).toBe('INTEGRITY');
      });
    }
  });

  it('a key file swapped in from another store is detected on unlock', async () => {
    const a = fs.readFileSync(storeKeyPath(dir, 'keylist'));
    const b = fs.readFileSync(storeKeyPath(dir, 'transcripts'));
    try {
      fs.writeFileSync(storeKeyPath(dir, 'keylist'), b);
      await expect(unlockVault(dir, pw(PASS), deps)).rejects.toMatchObject({ code: 'INTEGRITY' });
    } finally {
      fs.writeFileSync(storeKeyPath(dir, 'keylist'), a);
    }
  });
});

type Row = { tbl: string; id: string; participant: string | null; key_id: string; version: number; nonce: Buffer; ct: Buffer; sig: Buffer; leaf: Buffer };

/** Change the store's SQLite file directly, as someone with the files but not the keys could. */
function withDb<T>(store: (typeof DATA_STORES)[number], fn: (db: Database.Database) => T): T {
  const db = new Database(storeDbPath(dir, store));
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Snapshot every store file (with any WAL), run `fn`, then put them back exactly. */
async function withRestoredStores(fn: () => Promise<void>): Promise<void> {
  const files = DATA_STORES.flatMap((s) => ['', '-wal', '-shm'].map((x) => storeDbPath(dir, s) + x));
  const saved = files.map((f) => [f, fs.existsSync(f) ? fs.readFileSync(f) : null] as const);
  try {
    await fn();
  } finally {
    for (const [f, bytes] of saved) {
      if (bytes) fs.writeFileSync(f, bytes);
      else fs.rmSync(f, { force: true });
    }
  }
}

describe('records', () => {
  it('every flipped bit of a sample record’s nonce, ciphertext and signature is detected, no data returned', async () => {
    await withRestoredStores(async () => {
      const session = await unlockVault(dir, pw(PASS), deps);
      try {
        const row = withDb('transcripts', (db) => db.prepare('SELECT * FROM records WHERE id = ?').get(ids.transcripts) as Row);
        // The head covers nonces, so reopen is not needed for detection: decrypt is the check.
        for (const col of ['nonce', 'ct', 'sig'] as const) {
          for (let i = 0; i < row[col].length; i++) {
            const bad = Buffer.from(row[col]);
            bad[i]! ^= 0x01;
            withDb('transcripts', (db) => db.prepare(`UPDATE records SET ${col} = ? WHERE id = ?`).run(bad, ids.transcripts));
            expect(codeOf(() => session.stores.transcripts.get('transcript', ids.transcripts)), `${col}[${i}]`).toBe('INTEGRITY');
          }
          withDb('transcripts', (db) => db.prepare(`UPDATE records SET ${col} = ? WHERE id = ?`).run(row[col], ids.transcripts));
        }
        expect(session.stores.transcripts.get<{ text: string }>('transcript', ids.transcripts)?.data.text).toBe('B: ja');
      } finally {
        session.lock();
      }
    });
  });

  it.each([
    ['moved to another table', (db: Database.Database) => db.prepare("UPDATE records SET tbl = 'memo' WHERE id = ?").run(ids.transcripts), 'memo'],
    ['moved to another participant', (db: Database.Database) => db.prepare("UPDATE records SET participant = 'JS02' WHERE id = ?").run(ids.transcripts), 'transcript'],
    ['given another version number', (db: Database.Database) => db.prepare('UPDATE records SET version = 2 WHERE id = ?').run(ids.transcripts), 'transcript'],
    ['a participant record relabelled as a project record', (db: Database.Database) => db.prepare("UPDATE records SET participant = NULL, key_id = 'store' WHERE id = ?").run(ids.transcripts), 'transcript'],
  ])('a row %s fails to decrypt and the store head reports it', async (_what, change, table) => {
    await withRestoredStores(async () => {
      withDb('transcripts', change);
      // Opening checks the signed head over the row set: the change is reported at once.
      await expect(unlockVault(dir, pw(PASS), deps)).rejects.toMatchObject({ code: 'INTEGRITY' });
    });
    await withRestoredStores(async () => {
      // A session opened before the change: the record itself does not decrypt.
      const session = await unlockVault(dir, pw(PASS), deps);
      try {
        withDb('transcripts', change);
        expect(codeOf(() => session.stores.transcripts.get(table, ids.transcripts))).toBe('INTEGRITY');
      } finally {
        session.lock();
      }
    });
  });

  it('a forged row leaf (the hash the head is built from) is detected on open', async () => {
    await withRestoredStores(async () => {
      withDb('transcripts', (db) => db.prepare('UPDATE records SET leaf = zeroblob(32) WHERE id = ?').run(ids.transcripts));
      await expect(unlockVault(dir, pw(PASS), deps)).rejects.toMatchObject({ code: 'INTEGRITY' });
    });
  });

  it('a row moved to another store fails to decrypt', async () => {
    await withRestoredStores(async () => {
      const row = withDb('transcripts', (db) => db.prepare('SELECT * FROM records WHERE id = ?').get(ids.transcripts) as Row);
      const key = withDb('transcripts', (db) => db.prepare('SELECT * FROM participant_keys WHERE participant = ?').get('JS01') as Record<string, unknown>);
      // Copy the row and the participant's wrapped key into the recordings store.
      withDb('recordings', (db) => {
        db.prepare('DELETE FROM records WHERE participant = ?').run('JS01');
        db.prepare('DELETE FROM participant_keys WHERE participant = ?').run('JS01');
        db.prepare('INSERT INTO participant_keys (key_id, participant, nonce, wrapped, leaf) VALUES (?, ?, ?, ?, ?)').run(key.key_id, key.participant, key.nonce, key.wrapped, key.leaf);
        db.prepare('INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run('recording', row.id, row.participant, row.key_id, row.version, row.nonce, row.ct, row.sig, row.leaf);
      });
      await expect(unlockVault(dir, pw(PASS), deps)).rejects.toMatchObject({ code: 'INTEGRITY' });
    });
  });

  it('an old version of a record put back is detected, and a deleted record cannot be restored', async () => {
    const session = await unlockVault(dir, pw(PASS), deps);
    const old = withDb('keylist', (db) => db.prepare('SELECT * FROM records WHERE id = ?').get(ids.keylist) as Row);
    session.stores.keylist.put('identity', { id: ids.keylist, participant: 'JS01', data: { name: 'Ola Rettet' } });
    session.lock();
    await withRestoredStores(async () => {
      // Old ciphertext under the new version number: fails to decrypt.
      withDb('keylist', (db) => db.prepare('UPDATE records SET nonce = ?, ct = ?, sig = ? WHERE id = ?').run(old.nonce, old.ct, old.sig, ids.keylist));
      await expect(unlockVault(dir, pw(PASS), deps)).rejects.toMatchObject({ code: 'INTEGRITY' });
    });
    await withRestoredStores(async () => {
      // The whole old row, version number included: the signed head no longer matches.
      withDb('keylist', (db) => db.prepare('UPDATE records SET version = ?, nonce = ?, ct = ?, sig = ?, leaf = ? WHERE id = ?').run(old.version, old.nonce, old.ct, old.sig, old.leaf, ids.keylist));
      await expect(unlockVault(dir, pw(PASS), deps)).rejects.toMatchObject({ code: 'INTEGRITY' });
    });
    const s2 = await unlockVault(dir, pw(PASS), deps);
    expect(s2.stores.keylist.get<{ name: string }>('identity', ids.keylist)?.data.name).toBe('Ola Rettet');
    const deleted = withDb('transcripts', (db) => db.prepare('SELECT * FROM records WHERE id = ?').get(ids.projectNote) as Row);
    expect(s2.stores.transcripts.delete('memo', ids.projectNote)).toBe(true);
    s2.lock();
    await withRestoredStores(async () => {
      withDb('transcripts', (db) => db.prepare('INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(deleted.tbl, deleted.id, deleted.participant, deleted.key_id, deleted.version, deleted.nonce, deleted.ct, deleted.sig, deleted.leaf));
      await expect(unlockVault(dir, pw(PASS), deps)).rejects.toMatchObject({ code: 'INTEGRITY' });
    });
  });
});
