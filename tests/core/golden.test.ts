/**
 * The golden vault was made by an earlier build (scripts/make-golden-vault.ts) and
 * is committed. If a change to the code can no longer open it, or reads different
 * data from it, existing users' vaults would break: this test fails first.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createCrypto } from '../../electron/core/crypto/sodium';
import { PRODUCTION_KDF_POLICY } from '../../electron/core/crypto/kdf';
import { inspectVault, unlockVault } from '../../electron/core/vault/vault';
import { GOLDEN } from '../fixtures/golden';
import { pw, tempDir } from './helpers';

const SOURCE = path.join(import.meta.dirname, '..', 'fixtures', 'golden-vault');

describe('golden vault (format 1)', () => {
  it('opens with the production policy and yields exactly the data written', async () => {
    const copy = path.join(tempDir(), 'golden');
    fs.cpSync(SOURCE, copy, { recursive: true });
    const crypto = await createCrypto();
    const info = inspectVault(copy, crypto);
    expect(info.vaultId).toBe(GOLDEN.vaultId);
    expect(info.formatVersion).toBe(1);
    expect(info.endDate).toBe('2031-05-30');

    const s = await unlockVault(copy, pw(GOLDEN.passphrase), { crypto, kdfPolicy: PRODUCTION_KDF_POLICY, now: () => new Date() });
    try {
      for (const r of GOLDEN.records) {
        const got = s.stores[r.store].get(r.table, r.id);
        expect(got, `${r.store}/${r.table}/${r.id}`).not.toBeNull();
        expect(got!.data).toEqual(r.data);
        expect(got!.participant).toBe(r.participant);
      }
      expect(s.facts.student).toBe('Test Student');
      expect(s.audit.list().map((e) => e.action)).toEqual(['vault.created', 'participant.added', 'consent.recorded']);
      expect(s.verify()).toEqual([]);
    } finally {
      s.lock();
    }
    // Its stores were made before the leaf index (schema 1): opening added it, and the
    // head, signed before, still verified above.
    for (const store of ['keylist', 'recordings', 'transcripts'] as const) {
      const db = new Database(path.join(copy, store, `${store}.sqlite`), { readonly: true });
      expect(db.pragma('user_version', { simple: true }), store).toBe(2);
      expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'records_leaves'").get(), store).toBeTruthy();
      db.close();
    }
  });

  it('a wrong passphrase on the golden vault is WRONG_PASSPHRASE', async () => {
    const crypto = await createCrypto();
    await expect(unlockVault(SOURCE, pw('not the golden passphrase'), { crypto, kdfPolicy: PRODUCTION_KDF_POLICY, now: () => new Date() })).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
  });
});
