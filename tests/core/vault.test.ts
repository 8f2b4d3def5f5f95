import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unlockVault, inspectVault, createVault } from '../../electron/core/vault/vault';
import { headerPath, storeDbPath, storeKeyPath } from '../../electron/core/vault/layout';
import { PRODUCTION_KDF_POLICY } from '../../electron/core/crypto/kdf';
import { HvelvError } from '../../electron/core/errors';
import { admit, makeVault, pw, SAMPLE_FACTS, tempDir, testDeps, TEST_KDF, listFiles } from './helpers';

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    if (e instanceof HvelvError) return e.code;
    throw e;
  }
  return 'NO_ERROR';
}

describe('vault lifecycle', () => {
  it('creates the four stores in separate folders with their own files', async () => {
    const { dir, session } = await makeVault();
    session.lock();
    for (const s of ['keylist', 'recordings', 'transcripts'] as const) {
      expect(fs.existsSync(storeKeyPath(dir, s))).toBe(true);
      expect(fs.existsSync(storeDbPath(dir, s))).toBe(true);
    }
    expect(fs.existsSync(storeDbPath(dir, 'audit'))).toBe(true);
    expect(fs.existsSync(headerPath(dir))).toBe(true);
  });

  it('unlocks with the right passphrase and returns the project facts', async () => {
    const { dir, session, deps } = await makeVault('en lang og trygg passfrase');
    session.lock();
    const again = await unlockVault(dir, pw('en lang og trygg passfrase'), deps);
    expect(again.facts.title).toBe(SAMPLE_FACTS.title);
    expect(again.facts.student).toBe('Test Student');
    expect(again.facts.endDate).toBe('2031-05-30');
    expect(again.audit.list().map((e) => e.action)).toEqual(['vault.created']);
    again.lock();
  });

  it('reports a wrong passphrase as such, not as damage', async () => {
    const { dir, session, deps } = await makeVault('the right one, long enough');
    session.lock();
    expect(await codeOf(unlockVault(dir, pw('the wrong one, long enough'), deps))).toBe('WRONG_PASSPHRASE');
  });

  it('stores no passphrase verifier: the header holds no hash of the passphrase', async () => {
    const { dir, session } = await makeVault();
    session.lock();
    const header = JSON.parse(fs.readFileSync(headerPath(dir), 'utf8')) as { body: Record<string, unknown> };
    expect(Object.keys(header.body).sort()).toEqual(['createdAt', 'format', 'kdf', 'owner', 'settings', 'vaultId', 'version']);
    expect(Object.keys(header.body.kdf as object).sort()).toEqual(['alg', 'memlimit', 'opslimit', 'salt']);
  });

  it('keeps project details other than title and end date encrypted in the header', async () => {
    const { dir, session } = await makeVault();
    session.lock();
    const text = fs.readFileSync(headerPath(dir), 'utf8');
    expect(text).toContain(SAMPLE_FACTS.title);
    expect(text).not.toContain('Test Student');
    expect(text).not.toContain('Test Veileder');
  });

  it('refuses to create over an existing non-empty folder', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'thesis.docx'), 'x');
    expect(await codeOf(createVault(dir, pw('x'.repeat(12)), SAMPLE_FACTS, await testDeps(), { kdf: TEST_KDF }))).toBe('VAULT_EXISTS');
    expect(fs.readdirSync(dir)).toEqual(['thesis.docx']);
  });

  it('says a folder without a header is not a vault', async () => {
    expect(await codeOf(() => inspectVault(tempDir(), undefined as never))).toBe('NOT_A_VAULT');
  });

  it('lock wipes the keys it held and refuses further use', async () => {
    const { session } = await makeVault();
    const rec = session.stores.transcripts.put('notes', { participant: null, data: { text: 'hei' } });
    session.lock();
    expect(session.isLocked).toBe(true);
    expect(await codeOf(() => session.stores.transcripts.get('notes', rec.id))).toBe('VAULT_LOCKED');
    expect(await codeOf(() => session.facts)).toBe('VAULT_LOCKED');
  });

  it('settings changes survive a reopen and are audited by field name only', async () => {
    const { dir, session, deps } = await makeVault();
    session.updateSettings({ supervisor: 'Ny Veileder', autoLockMinutes: 5 });
    session.lock();
    const again = await unlockVault(dir, pw('correct horse battery staple'), deps);
    expect(again.facts.supervisor).toBe('Ny Veileder');
    expect(again.facts.autoLockMinutes).toBe(5);
    const entry = again.audit.list().at(-1)!;
    expect(entry.action).toBe('settings.changed');
    expect(JSON.stringify(entry)).not.toContain('Ny Veileder');
    again.lock();
  });

  it('changing the passphrase retires the old one', async () => {
    const { dir, session, deps } = await makeVault('old passphrase here');
    await session.changePassphrase(pw('new passphrase here'), { kdf: TEST_KDF });
    session.lock();
    expect(await codeOf(unlockVault(dir, pw('old passphrase here'), deps))).toBe('WRONG_PASSPHRASE');
    (await unlockVault(dir, pw('new passphrase here'), deps)).lock();
  });
});

describe('production key derivation', () => {
  it('calibrates to at least 64 MiB and 3 passes, and the app refuses a test-profile vault', async () => {
    const deps = { ...(await testDeps()), kdfPolicy: PRODUCTION_KDF_POLICY };
    const dir = path.join(tempDir(), 'vault');
    const session = await createVault(dir, pw('a production passphrase'), SAMPLE_FACTS, deps);
    expect(session.kdf.memlimit).toBeGreaterThanOrEqual(64 * 1024 * 1024);
    expect(session.kdf.opslimit).toBeGreaterThanOrEqual(3);
    session.lock();
    expect(inspectVault(dir, deps.crypto).kdf.memlimit).toBeGreaterThanOrEqual(64 * 1024 * 1024);

    // A vault whose header asks for the fast test parameters: the production policy refuses it.
    const { dir: weak, session: s2 } = await makeVault();
    s2.lock();
    expect(await codeOf(unlockVault(weak, pw('correct horse battery staple'), deps))).toBe('UNSAFE_PARAMETERS');
  });
});

describe('no plaintext on disk', () => {
  it('no file in the vault contains a record’s plaintext or the sealed settings', async () => {
    const { dir, session } = await makeVault();
    const code = admit(session, { name: 'Kari Nordmann-Testesen', email: 'kari.testesen@example.no' });
    session.stores.transcripts.put('transcript', { participant: code, data: { text: 'Jeg jobber som jobbspesialist på Hinna' } });
    session.lock();
    for (const f of listFiles(dir)) {
      const bytes = fs.readFileSync(f);
      for (const needle of ['Kari Nordmann-Testesen', 'kari.testesen@example.no', 'jobbspesialist på Hinna', 'Test Student']) {
        expect(bytes.includes(Buffer.from(needle, 'utf8')), `${needle} in ${f}`).toBe(false);
      }
    }
  });
});

describe('key hygiene', () => {
  it('lock overwrites with zeros every key the session unwrapped', async () => {
    const deps = await testDeps();
    const held: Uint8Array[] = [];
    const crypto = {
      ...deps.crypto,
      // Watch every key that comes out of an unwrap or keypair, then check it is zero after lock.
      open: (k: Uint8Array, n: Uint8Array, c: Uint8Array, ad: Uint8Array) => {
        const out = deps.crypto.open(k, n, c, ad);
        if (out && out.length === 32) held.push(out);
        return out;
      },
      signKeyPair: (seed: Uint8Array) => {
        const kp = deps.crypto.signKeyPair(seed);
        held.push(kp.secretKey);
        return kp;
      },
    };
    const { dir, session } = await makeVault('passphrase for hygiene', { ...deps, crypto });
    session.stores.keylist.put('identity', { participant: 'P01', data: { name: 'x' } });
    session.lock();
    held.length = 0;
    const again = await unlockVault(dir, pw('passphrase for hygiene'), { ...deps, crypto });
    again.stores.keylist.list('identity');
    expect(held.length).toBeGreaterThanOrEqual(6); // user key, signing key, 3 store keys, participant key
    again.lock();
    for (const k of held) expect(k.every((b) => b === 0)).toBe(true);
  });
});

describe('failed writes', () => {
  it('a write that fails inside its transaction leaves nothing behind, not even a cached participant key', async () => {
    const { dir, session, deps } = await makeVault('failed writes passphrase');
    const code = admit(session);
    // Another connection adds a trigger that makes the insert fail, as a full disk would.
    const Database = (await import('better-sqlite3')).default;
    const other = new Database(storeDbPath(dir, 'transcripts'));
    other.exec(`CREATE TRIGGER fail_p09 BEFORE INSERT ON records WHEN NEW.participant = '${code}' BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    expect(() => session.stores.transcripts.put('transcript', { participant: code, data: { text: 'første' } })).toThrow(/disk full/);
    other.exec('DROP TRIGGER fail_p09');
    other.close();
    const rec = session.stores.transcripts.put('transcript', { participant: code, data: { text: 'andre' } });
    session.lock();
    const again = await unlockVault(dir, pw('failed writes passphrase'), deps);
    expect(again.stores.transcripts.get<{ text: string }>('transcript', rec.id)?.data.text).toBe('andre');
    expect(again.stores.transcripts.list('transcript')).toHaveLength(1);
    again.lock();
  });
});
