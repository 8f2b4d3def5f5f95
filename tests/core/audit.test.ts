import Database from 'better-sqlite3';
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { storeDbPath } from '../../electron/core/vault/layout';
import { unlockVault } from '../../electron/core/vault/vault';
import { makeVault, pw } from './helpers';

const PASS = 'audit test passphrase';

async function auditedVault() {
  const v = await makeVault(PASS);
  v.session.audit.append('participant.added', { participant: 'JS01' });
  v.session.audit.append('identity.revealed', { participant: 'JS01' });
  v.session.audit.append('identity.corrected', { participant: 'JS01', details: { field: 'phone' } });
  v.session.lock();
  return v;
}

async function problemsAfter(change: (db: Database.Database) => void): Promise<string[]> {
  const { dir, deps } = await auditedVault();
  const db = new Database(storeDbPath(dir, 'audit'));
  change(db);
  db.close();
  // The app refuses to open a vault whose audit log was changed outside Hvelv ...
  await expect(unlockVault(dir, pw(PASS), deps)).rejects.toMatchObject({ code: 'INTEGRITY' });
  // ... and `hvelv verify` opens it for inspection to say exactly what is wrong.
  const s = await unlockVault(dir, pw(PASS), deps, { forInspection: true });
  try {
    return s.audit.verify();
  } finally {
    s.lock();
  }
}

describe('audit log', () => {
  it('a whole log verifies, in order, with codes and no names', async () => {
    const { dir, deps } = await auditedVault();
    const s = await unlockVault(dir, pw(PASS), deps);
    expect(s.audit.verify()).toEqual([]);
    expect(s.audit.list().map((e) => [e.seq, e.action, e.participant])).toEqual([
      [1, 'vault.created', null],
      [2, 'participant.added', 'JS01'],
      [3, 'identity.revealed', 'JS01'],
      [4, 'identity.corrected', 'JS01'],
    ]);
    s.lock();
  });

  it('an edited entry is detected', async () => {
    const p = await problemsAfter((db) => db.prepare("UPDATE entries SET action = 'identity.corrected' WHERE seq = 3").run());
    expect(p.join('\n')).toMatch(/entry 3 was altered/);
  });

  it('an edited time is detected', async () => {
    const p = await problemsAfter((db) => db.prepare("UPDATE entries SET at = '2020-01-01T00:00:00.000Z' WHERE seq = 2").run());
    expect(p.join('\n')).toMatch(/entry 2 was altered/);
  });

  it('a deleted entry in the middle is detected', async () => {
    const p = await problemsAfter((db) => db.prepare('DELETE FROM entries WHERE seq = 2').run());
    expect(p.join('\n')).toMatch(/entry 2 is missing/);
  });

  it('a deleted last entry is detected by the signed head', async () => {
    const p = await problemsAfter((db) => db.prepare('DELETE FROM entries WHERE seq = 4').run());
    expect(p.join('\n')).toMatch(/entries removed/);
  });

  it('reordered entries are detected', async () => {
    const p = await problemsAfter((db) => {
      db.prepare('UPDATE entries SET seq = 100 WHERE seq = 2').run();
      db.prepare('UPDATE entries SET seq = 2 WHERE seq = 3').run();
      db.prepare('UPDATE entries SET seq = 3 WHERE seq = 100').run();
    });
    expect(p.join('\n')).toMatch(/does not follow/);
  });

  it('an entry forged without the owner’s key is detected', async () => {
    // New content under a made-up signature: the chain and the signed head refuse it at unlock.
    const p = await problemsAfter((db) => db.prepare("UPDATE entries SET action = 'vault.created', sig = zeroblob(64) WHERE seq = 4").run());
    expect(p.join('\n')).toMatch(/entry 4 was altered/);
    expect(p.join('\n')).toMatch(/entry 4 is not signed by the owner/);
  });

  it('a broken entry signature over unchanged content opens (the signed head covers it) and `hvelv verify` reports it', async () => {
    const { dir, deps } = await auditedVault();
    const db = new Database(storeDbPath(dir, 'audit'));
    db.prepare('UPDATE entries SET sig = zeroblob(64) WHERE seq = 4').run();
    db.close();
    const s = await unlockVault(dir, pw(PASS), deps);
    try {
      expect(s.audit.verify().join('\n')).toMatch(/entry 4 is not signed by the owner/);
    } finally {
      s.lock();
    }
  });

  it('an emptied log is detected, and nothing is ever appended over a removed entry', async () => {
    const p = await problemsAfter((db) => {
      db.prepare('DELETE FROM entries').run();
      db.prepare('DELETE FROM head').run();
    });
    expect(p.join('\n')).toMatch(/the log is empty/);
    const { dir, deps } = await auditedVault();
    const db = new Database(storeDbPath(dir, 'audit'));
    db.prepare('DELETE FROM entries WHERE seq = 4').run();
    db.close();
    const s = await unlockVault(dir, pw(PASS), deps, { forInspection: true });
    expect(() => s.audit.append('identity.revealed', { participant: 'JS01' })).toThrow(/does not end where the owner last signed/);
    s.lock();
  });

  it('the audit file holds no personal data even when details are given', async () => {
    const { dir } = await auditedVault();
    const text = fs.readFileSync(storeDbPath(dir, 'audit')).toString('latin1');
    expect(text).not.toMatch(/Test Student|Test Veileder/);
  });
});
