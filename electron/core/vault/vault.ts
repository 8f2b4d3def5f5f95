/**
 * Creating, inspecting and unlocking a vault. Key hierarchy:
 *
 *   passphrase --Argon2id--> KEK --unwraps--> user key (owner slot, in the header)
 *   user key --unwraps--> owner's Ed25519 seed (header), sealed settings (header),
 *                         one key per store (<store>/store.key)
 *   store key --unwraps--> one key per participant (inside the store)
 *
 * No password verifier is stored: a wrong passphrase is simply a slot that does not
 * unwrap.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHmac } from 'node:crypto';
import { calibrateKdf, checkKdfParams, deriveKek, SALT_BYTES, type KdfPolicy } from '../crypto/kdf';
import { encodeFields, fromB64, fromUtf8, toB64, toHex, utf8 } from '../crypto/encoding';
import type { Crypto } from '../crypto/sodium';
import { KEY_BYTES, SIGN_SEED_BYTES, XNONCE_BYTES } from '../crypto/sodium';
import { BugIndicatingError, HvelvError, integrity } from '../errors';
import { createConsentGate } from '../consent/gate';
import { AuditLog } from '../stores/audit-log';
import { RecordStore, type Signer } from '../stores/record-store';
import { openDb } from '../stores/sqlite';
import Database from 'better-sqlite3';
import { acquireLock, type VaultLock } from './lock';
import { AUTO_LOCK_DEFAULT_MINUTES, CODE_PREFIX_RE, DEFAULT_CODE_DIGITS, DEFAULT_CODE_PREFIX, daysUntil, hasControlCharacter, isIsoDate, type IsoDate, type ProjectFacts } from '../../../shared/domain';
import { removeStaleTemps, writeFileAtomic, type FileOps } from './atomic-file';
import { z } from 'zod';
import { checkedHeaderBody, ownerSlotAd, readHeader, sealedSettingsAd, signSeedAd, writeHeader, type HeaderBody, type SignedHeader } from './header';
import { AUDIT_STORE, DATA_STORES, FORMAT_VERSION, HEADER_FILE, isDestroyed, storeDbPath, storeDir, TOMBSTONE, type DataStore } from './layout';
import { readStoreKey, writeStoreKey } from './store-key';

/** What the owner's settings hold beyond the public part: encrypted with the user key (in the header). */
const sealedSettingsSchema = z.strictObject({
  institution: z.string().max(300),
  faculty: z.string().max(300),
  student: z.string().max(200),
  supervisor: z.string().max(200),
  siktRef: z.string().max(100),
  autoLockMinutes: z.number().int().min(1).max(240),
  /** Participant codes are prefix + number (P01, JS07): set per project, never from a name. */
  codePrefix: z.string().regex(CODE_PREFIX_RE).default(DEFAULT_CODE_PREFIX),
  codeDigits: z.number().int().min(2).max(4).default(DEFAULT_CODE_DIGITS),
});
export type SealedSettings = z.infer<typeof sealedSettingsSchema>;

export type { ProjectFacts };

export interface VaultDeps {
  crypto: Crypto;
  kdfPolicy: KdfPolicy;
  now: () => Date;
  /** Tests inject faults here; production uses node:fs. */
  fileOps?: FileOps;
}

export interface CreateOptions {
  /** Fixed KDF parameters (still checked against the policy); calibrated when absent. */
  kdf?: { opslimit: number; memlimit: number };
}

export type StoreState = 'present' | 'missing' | 'destroyed';

export interface VaultInspection {
  path: string;
  vaultId: string;
  formatVersion: number;
  title: string;
  endDate: IsoDate;
  endAction: 'anonymise' | 'delete-all';
  createdAt: string;
  stores: Record<DataStore | 'audit', StoreState>;
  kdf: { opslimit: number; memlimit: number };
  endDateHistory: NonNullable<HeaderBody['settings']['endDateHistory']>;
  ownerKey: string;
}

/** What `status` can tell without the passphrase: what headless deletion needs. */
export function inspectVault(vault: string, crypto: Crypto): VaultInspection {
  const { body } = readHeader(vault, crypto);
  const stores = {} as Record<DataStore | 'audit', StoreState>;
  for (const s of [...DATA_STORES, AUDIT_STORE] as const) {
    const tomb = s !== AUDIT_STORE && isDestroyed(vault, s);
    stores[s] = tomb ? 'destroyed' : fs.existsSync(storeDbPath(vault, s)) ? 'present' : 'missing';
  }
  return {
    path: vault,
    vaultId: body.vaultId,
    formatVersion: body.version,
    title: body.settings.title,
    endDate: body.settings.endDate as IsoDate,
    endAction: body.settings.endAction,
    createdAt: body.createdAt,
    stores,
    kdf: { opslimit: body.kdf.opslimit, memlimit: body.kdf.memlimit },
    endDateHistory: body.settings.endDateHistory ?? [],
    ownerKey: body.owner.signPublicKey,
  };
}

export async function createVault(
  vault: string,
  passphrase: Uint8Array,
  facts: ProjectFacts,
  deps: VaultDeps,
  options: CreateOptions = {},
): Promise<VaultSession> {
  const { crypto } = deps;
  if (hasControlCharacter(vault)) throw new HvelvError('INVALID_INPUT', 'a vault path may not hold control characters (a newline, a tab, …)');
  if (fs.existsSync(vault) && (!fs.statSync(vault).isDirectory() || fs.readdirSync(vault).length > 0)) {
    throw new HvelvError('VAULT_EXISTS', `${vault} already exists and is not an empty folder`);
  }
  const kdf = options.kdf ?? (await calibrateKdf(deps.kdfPolicy));
  checkKdfParams({ alg: 'argon2id13', ...kdf }, deps.kdfPolicy);

  const vaultId = toHex(crypto.random(16));
  const salt = crypto.random(SALT_BYTES);
  const kek = await deriveKek(passphrase, { alg: 'argon2id13', ...kdf, salt }, deps.kdfPolicy);
  const userKey = crypto.random(KEY_BYTES);
  const seed = crypto.random(SIGN_SEED_BYTES);
  const pair = crypto.signKeyPair(seed);
  const signPublicKey = toB64(pair.publicKey);

  const slotNonce = crypto.random(XNONCE_BYTES);
  const slot = crypto.seal(kek, slotNonce, userKey, ownerSlotAd(vaultId, signPublicKey));
  crypto.wipe(kek);
  const seedNonce = crypto.random(XNONCE_BYTES);
  const wrappedSeed = crypto.seal(userKey, seedNonce, seed, signSeedAd(vaultId));
  crypto.wipe(seed);

  const sealed: SealedSettings = sealedSettingsSchema.parse({
    institution: facts.institution,
    faculty: facts.faculty,
    student: facts.student,
    supervisor: facts.supervisor,
    siktRef: facts.siktRef,
    autoLockMinutes: facts.autoLockMinutes,
    codePrefix: facts.codePrefix,
    codeDigits: facts.codeDigits,
  });
  const body: HeaderBody = checkedHeaderBody({
    format: 'hvelv-vault',
    version: FORMAT_VERSION,
    vaultId,
    createdAt: deps.now().toISOString(),
    kdf: { alg: 'argon2id13', opslimit: kdf.opslimit, memlimit: kdf.memlimit, salt: toB64(salt) },
    owner: {
      signPublicKey,
      slot: { nonce: toB64(slotNonce), ciphertext: toB64(slot) },
      signSeed: { nonce: toB64(seedNonce), ciphertext: toB64(wrappedSeed) },
    },
    settings: {
      revision: 0,
      title: facts.title,
      endDate: facts.endDate,
      endAction: facts.endAction,
      sealed: sealSettings(crypto, userKey, vaultId, 0, sealed),
    },
  });

  const createdDir = !fs.existsSync(vault);
  const signer = makeSigner(crypto, pair);
  try {
    fs.mkdirSync(vault, { recursive: true, mode: 0o700 });
    for (const store of DATA_STORES) {
      fs.mkdirSync(storeDir(vault, store), { mode: 0o700 });
      const storeKey = crypto.random(KEY_BYTES);
      writeStoreKey(vault, { crypto, vaultId, store, keyId: toHex(crypto.random(16)), storeKey, userKey }, deps.fileOps);
      const rs = RecordStore.initialise(openDb(storeDbPath(vault, store), { create: true }), {
        crypto, vaultId, store, storeKey, signer, ownerPublicKey: pair.publicKey,
      });
      rs.close();
    }
    fs.mkdirSync(storeDir(vault, AUDIT_STORE), { mode: 0o700 });
    const audit = AuditLog.open(openDb(storeDbPath(vault, AUDIT_STORE), { create: true }), {
      crypto, vaultId, ownerPublicKey: pair.publicKey, signer, now: deps.now, fresh: true,
    });
    audit.append('vault.created', { details: { endDate: facts.endDate, endAction: facts.endAction } });
    audit.close();
    // The header goes last: until it exists, the folder is not a vault.
    writeHeader(vault, body, signer.sign, deps.fileOps);
  } catch (err) {
    crypto.wipe(userKey, pair.secretKey);
    removePartialVault(vault, createdDir);
    throw err instanceof HvelvError ? err : new HvelvError('IO', `could not create the vault: ${(err as Error).message}`, { cause: err });
  }
  crypto.wipe(pair.secretKey);
  // Open through the normal path, so a new vault is read back and checked like any other.
  return VaultSession.fromUserKey(vault, readHeader(vault, crypto), userKey, deps);
}

/**
 * Unlock a vault with the passphrase. WRONG_PASSPHRASE when the owner slot does not
 * unwrap. `forInspection` (for `hvelv verify` and `audit`): open even with a damaged
 * audit log, so its problems can be listed; such a session must not write.
 */
export async function unlockVault(vault: string, passphrase: Uint8Array, deps: VaultDeps, options: { forInspection?: boolean } = {}): Promise<VaultSession> {
  const header = readHeader(vault, deps.crypto);
  const userKey = await openOwnerSlot(header, passphrase, deps);
  return VaultSession.fromUserKey(vault, header, userKey, deps, options.forInspection);
}

/** The user key from the header's owner slot and the passphrase; WRONG_PASSPHRASE when it does not open. */
async function openOwnerSlot(header: SignedHeader, passphrase: Uint8Array, deps: VaultDeps): Promise<Uint8Array> {
  const { crypto } = deps;
  const { body } = header;
  checkKdfParams(body.kdf, deps.kdfPolicy);
  const salt = fromB64(body.kdf.salt, SALT_BYTES, 'salt');
  const kek = await deriveKek(passphrase, { ...body.kdf, salt }, deps.kdfPolicy);
  const userKey = crypto.open(kek, fromB64(body.owner.slot.nonce), fromB64(body.owner.slot.ciphertext), ownerSlotAd(body.vaultId, body.owner.signPublicKey));
  crypto.wipe(kek);
  if (!userKey) throw new HvelvError('WRONG_PASSPHRASE', 'the passphrase does not open this vault');
  return userKey;
}

/**
 * The purposes a key may be derived from the user key for (services/backup: a backup
 * place's pieces are sealed under one, named by another). Each is bound to the vault.
 */
export type DerivedKeyPurpose = 'backup-seal' | 'backup-name';

/** HMAC-SHA256 of the purpose under the user key: a key of its own for each purpose, no key reused. */
export function deriveKey(userKey: Uint8Array, vaultId: string, purpose: DerivedKeyPurpose): Uint8Array {
  return new Uint8Array(createHmac('sha256', userKey).update(encodeFields('hvelv/derived-key', [1, vaultId, purpose])).digest());
}

/**
 * The derived keys of a vault whose header was read from somewhere else (a backup place's
 * copy of it), from the passphrase, without opening any store: what a restore needs before
 * a vault exists. WRONG_PASSPHRASE as for unlocking. The user key is wiped before return.
 */
export async function derivedKeysFromHeader(header: SignedHeader, passphrase: Uint8Array, purposes: readonly DerivedKeyPurpose[], deps: VaultDeps): Promise<Uint8Array[]> {
  const { crypto } = deps;
  const { body } = header;
  const userKey = await openOwnerSlot(header, passphrase, deps);
  try {
    return purposes.map((p) => deriveKey(userKey, body.vaultId, p));
  } finally {
    crypto.wipe(userKey);
  }
}

export class VaultSession {
  private locked = false;
  private readonly lockHooks = new Set<() => void>();

  private constructor(
    readonly path: string,
    private header: SignedHeader,
    private settingsCache: SealedSettings,
    private readonly userKey: Uint8Array,
    private readonly signer: Signer & { secretKey: Uint8Array },
    readonly stores: Readonly<Record<DataStore, RecordStore>>,
    readonly audit: AuditLog,
    private readonly deps: VaultDeps,
    private readonly vaultLock: VaultLock,
  ) {}

  static fromUserKey(vault: string, header: SignedHeader, userKey: Uint8Array, deps: VaultDeps, forInspection = false): VaultSession {
    const { crypto } = deps;
    const { body } = header;
    const opened: RecordStore[] = [];
    let signer: (Signer & { secretKey: Uint8Array }) | undefined;
    // One process at a time: a headless enforce run must not destroy stores under us.
    const vaultLock = acquireLock(vault, 'session');
    try {
      const seed = crypto.open(userKey, fromB64(body.owner.signSeed.nonce), fromB64(body.owner.signSeed.ciphertext), signSeedAd(body.vaultId));
      if (!seed) throw integrity('the owner signing key does not unwrap');
      const pair = crypto.signKeyPair(seed);
      crypto.wipe(seed);
      if (!crypto.equal(pair.publicKey, header.publicKey)) {
        crypto.wipe(pair.secretKey);
        throw integrity('the header is signed by a key that is not the owner’s');
      }
      signer = makeSigner(crypto, pair);
      const settings = openSettings(crypto, userKey, body);
      for (const d of [vault, ...DATA_STORES.map((s) => storeDir(vault, s)), storeDir(vault, AUDIT_STORE)]) removeStaleTemps(d);
      const stores = {} as Record<DataStore, RecordStore>;
      for (const store of DATA_STORES) {
        if (isDestroyed(vault, store)) {
          // Destroyed at project end (or being destroyed: enforce finishes it). Never opened again.
          stores[store] = RecordStore.destroyedPlaceholder(new Database(':memory:'), {
            crypto, vaultId: body.vaultId, store, storeKey: new Uint8Array(32), ownerPublicKey: header.publicKey,
          });
          opened.push(stores[store]);
          continue;
        }
        if (!fs.existsSync(storeDbPath(vault, store))) throw integrity(`${store}: the store is missing`);
        const storeKey = readStoreKey(vault, { crypto, vaultId: body.vaultId, store, userKey });
        // RecordStore.open closes its database on failure; the key is ours to wipe then.
        const rs = openStore(storeKey, () => RecordStore.open(openDb(storeDbPath(vault, store), { create: false }), {
          crypto, vaultId: body.vaultId, store, storeKey, signer, ownerPublicKey: header.publicKey,
          guard: store === 'keylist' ? undefined : createConsentGate(stores.keylist, store),
        }));
        opened.push(rs);
        stores[store] = rs;
      }
      if (!fs.existsSync(storeDbPath(vault, AUDIT_STORE))) throw integrity('audit: the audit log is missing');
      const audit = AuditLog.open(openDb(storeDbPath(vault, AUDIT_STORE), { create: false }), {
        crypto, vaultId: body.vaultId, ownerPublicKey: header.publicKey, signer, now: deps.now, reportOnly: forInspection,
      });
      return new VaultSession(vault, header, settings, userKey, signer, stores, audit, deps, vaultLock);
    } catch (err) {
      for (const rs of opened) rs.close();
      crypto.wipe(userKey, signer?.secretKey);
      vaultLock.release();
      throw err;
    }
  }

  get isLocked(): boolean {
    return this.locked;
  }

  get vaultId(): string {
    return this.header.body.vaultId;
  }

  /** When the vault was made (ISO 8601): what came before it was recorded afterwards. */
  get createdAt(): string {
    return this.header.body.createdAt;
  }

  get ownerPublicKey(): Uint8Array {
    return this.header.publicKey;
  }

  /**
   * The owner's signature over a share (services/supervisor/share-file.ts). Only messages
   * in the share's own domain are signed, so no caller can use this to sign a record, a
   * header or an audit entry.
   */
  signShare(message: Uint8Array): Uint8Array {
    this.assertOpen();
    const domain = encodeFields('hvelv/share', []);
    if (message.length < domain.length || !domain.every((b, i) => message[i] === b) || message[domain.length] === undefined) {
      throw new BugIndicatingError('signShare signs only share messages');
    }
    return this.signer.sign(message);
  }

  /** The owner's signature over a backup manifest (services/backup): only messages in that domain. */
  signBackupManifest(message: Uint8Array): Uint8Array {
    this.assertOpen();
    const domain = encodeFields('hvelv/backup-manifest', []);
    if (message.length <= domain.length || !domain.every((b, i) => message[i] === b)) {
      throw new BugIndicatingError('signBackupManifest signs only backup manifests');
    }
    return this.signer.sign(message);
  }

  /**
   * Open the copy of this vault in another folder (a move, services/backup/move.ts) with this
   * session's user key, as unlocking it there would: its header must be this vault's, signed
   * by its owner, and every store is opened and checked as at any unlock.
   */
  openCopy(folder: string): VaultSession {
    this.assertOpen();
    const header = readHeader(folder, this.deps.crypto);
    if (header.body.vaultId !== this.vaultId || !this.deps.crypto.equal(header.publicKey, this.header.publicKey)) throw integrity('the copy is not this vault');
    return VaultSession.fromUserKey(folder, header, this.userKey.slice(), this.deps);
  }

  /** A key derived from the user key for one purpose (see deriveKey); the caller wipes it. */
  derivedKey(purpose: DerivedKeyPurpose): Uint8Array {
    this.assertOpen();
    return deriveKey(this.userKey, this.vaultId, purpose);
  }

  /**
   * A small private file in the vault's root, sealed under the user key (so it outlives
   * the stores: project end destroys those, not the user key). `purpose` names it and
   * is bound into the associated data. Null when there is no such file.
   */
  readPrivateFile(purpose: string): Uint8Array | null {
    this.assertOpen();
    const file = privateFilePath(this.path, purpose);
    if (!fs.existsSync(file)) return null;
    const text = fs.readFileSync(file, 'utf8'); // a read error (busy, no access) is not damage: it propagates as is
    let nonce: Uint8Array;
    let ciphertext: Uint8Array;
    try {
      const box = JSON.parse(text) as { nonce: unknown; ciphertext: unknown };
      if (typeof box.nonce !== 'string' || typeof box.ciphertext !== 'string') throw new TypeError('not a sealed box');
      nonce = fromB64(box.nonce);
      ciphertext = fromB64(box.ciphertext);
    } catch (err) {
      throw integrity(`${purpose}.sealed is malformed`, err);
    }
    const plain = this.deps.crypto.open(this.userKey, nonce, ciphertext, privateFileAd(this.vaultId, purpose));
    if (!plain) throw integrity(`${purpose}.sealed does not decrypt`);
    return plain;
  }

  /** Replace (atomically) or, with null, remove the private file `purpose`. */
  writePrivateFile(purpose: string, plain: Uint8Array | null): void {
    this.assertOpen();
    const file = privateFilePath(this.path, purpose);
    if (plain === null) {
      fs.rmSync(file, { force: true });
      return;
    }
    const nonce = this.deps.crypto.random(XNONCE_BYTES);
    const ct = this.deps.crypto.seal(this.userKey, nonce, plain, privateFileAd(this.vaultId, purpose));
    writeFileAtomic(file, utf8(JSON.stringify({ nonce: toB64(nonce), ciphertext: toB64(ct) })), this.deps.fileOps);
  }

  get facts(): ProjectFacts {
    this.assertOpen();
    const s = this.header.body.settings;
    return { title: s.title, endDate: s.endDate as IsoDate, endAction: s.endAction, ...this.settingsCache };
  }

  get kdf(): { opslimit: number; memlimit: number } {
    return { opslimit: this.header.body.kdf.opslimit, memlimit: this.header.body.kdf.memlimit };
  }

  /**
   * Change owner settings. The header is rewritten atomically (old or new, never
   * a mix) and re-signed; the audit log records which fields changed, not values.
   * The end date is not changed here: moving it has its own rules (Sikt).
   */
  updateSettings(change: Partial<Pick<ProjectFacts, 'title' | 'institution' | 'faculty' | 'student' | 'supervisor' | 'siktRef' | 'autoLockMinutes' | 'codePrefix'>>): void {
    this.assertOpen();
    const { crypto } = this.deps;
    const body = this.header.body;
    const revision = body.settings.revision + 1;
    const { title, ...sealedChange } = change;
    const sealed = sealedSettingsSchema.parse({ ...this.settingsCache, ...sealedChange });
    const next: HeaderBody = checkedHeaderBody({
      ...body,
      settings: {
        ...body.settings,
        revision,
        title: title ?? body.settings.title,
        sealed: sealSettings(crypto, this.userKey, body.vaultId, revision, sealed),
      },
    });
    writeHeader(this.path, next, this.signer.sign, this.deps.fileOps);
    this.header = { ...this.header, body: next };
    this.settingsCache = sealed;
    this.audit.append('settings.changed', { details: { fields: Object.keys(change).sort().join(',') } });
  }

  /**
   * New passphrase: a new salt and KDF run, a new owner slot for the same user
   * key. Only the header changes, atomically, so a crash leaves the old
   * passphrase or the new one working, never neither.
   */
  async changePassphrase(newPassphrase: Uint8Array, options: CreateOptions = {}): Promise<void> {
    this.assertOpen();
    const { crypto } = this.deps;
    const kdf = options.kdf ?? (await calibrateKdf(this.deps.kdfPolicy));
    const salt = crypto.random(SALT_BYTES);
    const kek = await deriveKek(newPassphrase, { alg: 'argon2id13', ...kdf, salt }, this.deps.kdfPolicy);
    const body = this.header.body;
    const nonce = crypto.random(XNONCE_BYTES);
    const slot = crypto.seal(kek, nonce, this.userKey, ownerSlotAd(body.vaultId, body.owner.signPublicKey));
    crypto.wipe(kek);
    const next: HeaderBody = checkedHeaderBody({
      ...body,
      kdf: { alg: 'argon2id13', opslimit: kdf.opslimit, memlimit: kdf.memlimit, salt: toB64(salt) },
      owner: { ...body.owner, slot: { nonce: toB64(nonce), ciphertext: toB64(slot) } },
    });
    writeHeader(this.path, next, this.signer.sign, this.deps.fileOps);
    this.header = { ...this.header, body: next };
    this.audit.append('passphrase.changed');
  }

  get endDateHistory(): NonNullable<HeaderBody['settings']['endDateHistory']> {
    return this.header.body.settings.endDateHistory ?? [];
  }

  get latestSeen(): string | undefined {
    return this.header.body.settings.latestSeen;
  }

  /**
   * Sign the latest time this app has seen into the header, so that setting the clock
   * back later cannot make a passed end date look ahead. Only ever moves forward.
   */
  recordSeen(now: Date): void {
    this.assertOpen();
    const prev = this.header.body.settings.latestSeen;
    if (prev && Date.parse(prev) >= now.getTime() - 60_000) return;
    this.rewriteSettings({ latestSeen: now.toISOString() });
  }

  /**
   * Move the end date later. Sikt must be told before a change applies, so the reason
   * and the notification's reference and date are required and kept, signed, in the
   * header's history; the date can only move forward, and never to a day already past.
   */
  extendEndDate(change: { to: IsoDate; reason: string; siktRef: string; siktNotifiedOn: IsoDate }, today: IsoDate): void {
    this.assertOpen();
    const s = this.header.body.settings;
    if (!isIsoDate(change.to) || !isIsoDate(change.siktNotifiedOn)) throw new HvelvError('INVALID_INPUT', 'dates must be YYYY-MM-DD');
    if (daysUntil(change.to, s.endDate as IsoDate) <= 0) throw new HvelvError('INVALID_INPUT', `the new end date must be after the current one (${s.endDate})`);
    if (daysUntil(change.to, today) <= 0) throw new HvelvError('INVALID_INPUT', 'the new end date must be in the future');
    if (daysUntil(change.siktNotifiedOn, today) > 0) throw new HvelvError('INVALID_INPUT', 'the Sikt notification date cannot be in the future');
    if (!change.reason.trim() || !change.siktRef.trim()) throw new HvelvError('INVALID_INPUT', 'a reason and the Sikt reference are required');
    const entry = { from: s.endDate, to: change.to, reason: change.reason.trim(), siktRef: change.siktRef.trim(), siktNotifiedOn: change.siktNotifiedOn, changedAt: this.deps.now().toISOString() };
    this.rewriteSettings({ endDate: change.to, endDateHistory: [...(s.endDateHistory ?? []), entry] });
    this.audit.append('deadline.extended', { details: { from: entry.from, to: entry.to, siktRef: entry.siktRef } });
  }

  /**
   * What happens at the end date: anonymise (delete the key list and recordings) or
   * delete everything. Chosen at creation, changeable until the end; signed and audited.
   */
  setEndAction(action: 'anonymise' | 'delete-all'): void {
    this.assertOpen();
    if (Object.values(this.stores).some((s) => s.destroyed)) throw new HvelvError('PROJECT_ENDED', 'the project has already ended');
    if (this.header.body.settings.endAction === action) return;
    this.rewriteSettings({ endAction: action });
    this.audit.append('deadline.action-changed', { details: { endAction: action } });
  }

  private rewriteSettings(change: Partial<HeaderBody['settings']>): void {
    const body = this.header.body;
    const next: HeaderBody = checkedHeaderBody({ ...body, settings: { ...body.settings, ...change } });
    writeHeader(this.path, next, this.signer.sign, this.deps.fileOps);
    this.header = { ...this.header, body: next };
  }

  /** Decrypt and check everything: header, key files, every record, the audit chain. */
  verify(): string[] {
    this.assertOpen();
    const problems: string[] = [];
    // A tombstone is not signed: one dated before the end date is reported, not trusted quietly.
    for (const store of DATA_STORES) {
      if (!this.stores[store].destroyed) continue;
      try {
        const t = JSON.parse(fs.readFileSync(path.join(storeDir(this.path, store), TOMBSTONE), 'utf8')) as { destroyedAt?: string };
        const day = t.destroyedAt?.slice(0, 10) ?? '';
        if (!isIsoDate(day) || daysUntil(this.header.body.settings.endDate as IsoDate, day) > 0) {
          problems.push(`${store}: marked destroyed on ${day || 'an unknown day'}, before the end date ${this.header.body.settings.endDate}`);
        }
      } catch {
        problems.push(`${store}: the destruction record is unreadable`);
      }
    }
    for (const rs of Object.values(this.stores)) problems.push(...rs.verifyAll());
    problems.push(...this.audit.verify());
    return problems;
  }

  /**
   * Run `fn` when the session locks (e.g. close a playback stream holding a recording
   * key). Returns a function that unregisters it.
   */
  onLock(fn: () => void): () => void {
    this.lockHooks.add(fn);
    return () => this.lockHooks.delete(fn);
  }

  /** Close every store and overwrite every key this session holds. */
  lock(): void {
    if (this.locked) return;
    this.locked = true;
    for (const fn of this.lockHooks) {
      try {
        fn();
      } catch {
        /* closing must go on */
      }
    }
    this.lockHooks.clear();
    for (const rs of Object.values(this.stores)) rs.close();
    this.audit.close();
    this.deps.crypto.wipe(this.userKey, this.signer.secretKey);
    this.vaultLock.release();
  }

  private assertOpen(): void {
    if (this.locked) throw new HvelvError('VAULT_LOCKED', 'the vault is locked');
  }
}

function openStore(storeKey: Uint8Array, open: () => RecordStore): RecordStore {
  try {
    return open();
  } catch (err) {
    storeKey.fill(0);
    throw err;
  }
}

function makeSigner(crypto: Crypto, pair: { publicKey: Uint8Array; secretKey: Uint8Array }): Signer & { secretKey: Uint8Array } {
  return {
    publicKey: pair.publicKey,
    secretKey: pair.secretKey,
    sign: (m) => crypto.sign(pair.secretKey, m),
  };
}

function privateFilePath(vault: string, purpose: string): string {
  if (!/^[a-z][a-z0-9-]{0,31}$/.test(purpose)) throw new BugIndicatingError(`bad private file name ${purpose}`);
  return path.join(vault, `${purpose}.sealed`);
}

function privateFileAd(vaultId: string, purpose: string): Uint8Array {
  return encodeFields('hvelv/private-file', [1, vaultId, purpose]);
}

function sealSettings(crypto: Crypto, userKey: Uint8Array, vaultId: string, revision: number, sealed: SealedSettings): { nonce: string; ciphertext: string } {
  const nonce = crypto.random(XNONCE_BYTES);
  const ct = crypto.seal(userKey, nonce, utf8(JSON.stringify(sealed)), sealedSettingsAd(vaultId, revision));
  return { nonce: toB64(nonce), ciphertext: toB64(ct) };
}

function openSettings(crypto: Crypto, userKey: Uint8Array, body: HeaderBody): SealedSettings {
  const box = body.settings.sealed;
  const plain = crypto.open(userKey, fromB64(box.nonce), fromB64(box.ciphertext), sealedSettingsAd(body.vaultId, body.settings.revision));
  if (!plain) throw integrity('the sealed settings do not decrypt');
  try {
    return sealedSettingsSchema.parse(JSON.parse(fromUtf8(plain)));
  } catch (err) {
    throw integrity('the sealed settings are malformed', err);
  } finally {
    crypto.wipe(plain);
  }
}

function removePartialVault(vault: string, createdDir: boolean): void {
  // Only what createVault itself made: the stores and header inside, and the folder if new.
  for (const name of [...DATA_STORES, AUDIT_STORE, HEADER_FILE]) {
    fs.rmSync(path.join(vault, name), { recursive: true, force: true });
  }
  if (createdDir) fs.rmSync(vault, { recursive: true, force: true });
}

export const DEFAULT_FACTS: Pick<ProjectFacts, 'endAction' | 'autoLockMinutes' | 'codePrefix' | 'codeDigits'> = {
  endAction: 'anonymise',
  autoLockMinutes: AUTO_LOCK_DEFAULT_MINUTES,
  codePrefix: DEFAULT_CODE_PREFIX,
  codeDigits: DEFAULT_CODE_DIGITS,
};
