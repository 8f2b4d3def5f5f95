/**
 * The supervisor's folder: their own key pair (X25519 to receive shares, Ed25519 to sign
 * feedback) under their own passphrase, and the copies of the shares they hold.
 *
 *   passphrase --Argon2id (the vault's KDF worker and policy)--> KEK --unwraps--> user key
 *   user key --unwraps--> the two 32-byte seeds (box, sign)
 *            --unwraps--> one copy key per held share (shares/<vaultId>/copy-<v>.key)
 *   copy key --unwraps--> the share's content and the supervisor's comments on it
 *
 * The header (`hvelv-supervisor.json`) is signed with the supervisor's own key. It holds
 * in clear, signed, what the daily job needs without a passphrase: for each held share its
 * owner's key, version, end date and counts, and the latest time the app has seen. The
 * daily job destroys a copy by deleting its copy key file first (crypto-shredding), then
 * overwriting its sealed files, and leaves an unsigned tombstone that the next unlock
 * signs into the header.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { SignatureVerifier } from '../../crypto/ed25519';
import { canonicalJson, encodeFields, fromB64, fromUtf8, toB64, toHex, utf8 } from '../../crypto/encoding';
import { calibrateKdf, checkKdfParams, deriveKek, SALT_BYTES, type KdfPolicy } from '../../crypto/kdf';
import { KEY_BYTES, SIGNATURE_BYTES, XNONCE_BYTES, type Crypto } from '../../crypto/sodium';
import { HvelvError, integrity } from '../../errors';
import { removeStaleTemps, writeFileAtomic } from '../../vault/atomic-file';
import { acquireLock, type VaultLock } from '../../vault/lock';
import { hasControlCharacter, isIsoDate } from '../../../../shared/domain';
import type { SupervisorIdentity } from '../../../../shared/supervisor';
import { supervisorFingerprint, supervisorKeyText, type SupervisorPublicKeys } from './key-text';

export const SUPERVISOR_HEADER = 'hvelv-supervisor.json';
export const SHARES_DIR = 'shares';
export const CLOCK_FILE = 'clock.json';
export const TOMBSTONE = 'DESTROYED.json';

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const hexId = z.string().regex(/^[0-9a-f]{32}$/);
const sealedBox = z.strictObject({ nonce: b64, ciphertext: b64 });
const code = z.string().regex(/^[A-Z][A-Z0-9]{0,7}[0-9]{2,4}$/);
const counts = z.strictObject({ transcripts: z.number().int().min(0), codes: z.number().int().min(0), segments: z.number().int().min(0), themes: z.number().int().min(0), memos: z.number().int().min(0) });

/** What the folder knows of a share it holds (or held), signed by the supervisor. */
export const heldEntrySchema = z.strictObject({
  owner: b64,
  title: z.string().max(300),
  version: z.number().int().min(1),
  madeAt: z.iso.datetime(),
  until: z.string().refine(isIsoDate),
  importedAt: z.iso.datetime(),
  participants: z.array(code).max(10_000),
  counts,
  destroyedAt: z.iso.datetime().nullable(),
});
export type HeldEntry = z.infer<typeof heldEntrySchema>;

export const supervisorHeaderSchema = z.strictObject({
  format: z.literal('hvelv-supervisor'),
  version: z.literal(1),
  supervisorId: hexId,
  createdAt: z.iso.datetime(),
  kdf: z.strictObject({ alg: z.literal('argon2id13'), opslimit: z.number().int().positive(), memlimit: z.number().int().positive(), salt: b64 }),
  keys: z.strictObject({ box: b64, sign: b64 }),
  slot: sealedBox,
  seeds: sealedBox,
  latestSeen: z.iso.datetime(),
  shares: z.record(hexId, heldEntrySchema),
});
export type SupervisorHeader = z.infer<typeof supervisorHeaderSchema>;

const headerFileSchema = z.strictObject({ body: z.unknown(), signature: b64 });

export interface SupervisorDeps {
  crypto: Crypto;
  kdfPolicy: KdfPolicy;
  now: () => Date;
}

const headerMessage = (body: SupervisorHeader): Uint8Array => encodeFields('hvelv/supervisor-header', [1, canonicalJson(body)]);
const slotAd = (id: string, keys: SupervisorHeader['keys']): Uint8Array => encodeFields('hvelv/supervisor-slot', [1, id, keys.box, keys.sign]);
const seedsAd = (id: string): Uint8Array => encodeFields('hvelv/supervisor-seeds', [1, id]);

/** Read and check the header with the public key it names (no passphrase): for the daily job. */
export function readSupervisorHeader(dir: string, verifier: SignatureVerifier): SupervisorHeader {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(path.join(dir, SUPERVISOR_HEADER));
  } catch (err) {
    const c = (err as NodeJS.ErrnoException).code;
    if (c === 'ENOENT' || c === 'ENOTDIR') throw new HvelvError('NOT_A_SUPERVISOR_FOLDER', `${dir} is not a Hvelv supervisor folder`);
    throw new HvelvError('IO', `cannot read the supervisor folder: ${c ?? 'error'}`, { cause: err });
  }
  if (raw.length > 4 * 1024 * 1024) throw integrity('the supervisor header is implausibly large');
  let file: z.infer<typeof headerFileSchema>;
  let body: SupervisorHeader;
  try {
    file = headerFileSchema.parse(JSON.parse(fromUtf8(raw)));
    body = supervisorHeaderSchema.parse(file.body);
  } catch (err) {
    throw integrity('the supervisor header is malformed', err);
  }
  const signature = fromB64(file.signature, SIGNATURE_BYTES, 'header signature');
  if (!verifier.verify(fromB64(body.keys.sign, 32, 'signing key'), headerMessage(file.body as SupervisorHeader), signature)) {
    throw integrity('the supervisor header was changed outside Hvelv (signature does not verify)');
  }
  return body;
}

function writeSupervisorHeader(dir: string, body: SupervisorHeader, sign: (m: Uint8Array) => Uint8Array): void {
  const checked = supervisorHeaderSchema.parse(body);
  const file = { body: JSON.parse(canonicalJson(checked)) as unknown, signature: toB64(sign(headerMessage(checked))) };
  writeFileAtomic(path.join(dir, SUPERVISOR_HEADER), utf8(`${JSON.stringify(file, null, 2)}\n`));
}

export async function initSupervisorFolder(dir: string, passphrase: Uint8Array, deps: SupervisorDeps, options: { kdf?: { opslimit: number; memlimit: number } } = {}): Promise<SupervisorSession> {
  const { crypto } = deps;
  if (hasControlCharacter(dir)) throw new HvelvError('INVALID_INPUT', 'a folder path may not hold control characters');
  if (fs.existsSync(dir) && (!fs.statSync(dir).isDirectory() || fs.readdirSync(dir).length > 0)) {
    throw new HvelvError('VAULT_EXISTS', `${dir} already exists and is not an empty folder`);
  }
  const kdf = options.kdf ?? (await calibrateKdf(deps.kdfPolicy));
  checkKdfParams({ alg: 'argon2id13', ...kdf }, deps.kdfPolicy);
  const supervisorId = toHex(crypto.random(16));
  const salt = crypto.random(SALT_BYTES);
  const kek = await deriveKek(passphrase, { alg: 'argon2id13', ...kdf, salt }, deps.kdfPolicy);
  const userKey = crypto.random(KEY_BYTES);
  const seeds = crypto.random(64);
  const box = crypto.boxKeyPair(seeds.subarray(0, 32));
  const sign = crypto.signKeyPair(seeds.subarray(32, 64));
  const keys = { box: toB64(box.publicKey), sign: toB64(sign.publicKey) };
  const slotNonce = crypto.random(XNONCE_BYTES);
  const seedsNonce = crypto.random(XNONCE_BYTES);
  const body: SupervisorHeader = {
    format: 'hvelv-supervisor',
    version: 1,
    supervisorId,
    createdAt: deps.now().toISOString(),
    kdf: { alg: 'argon2id13', opslimit: kdf.opslimit, memlimit: kdf.memlimit, salt: toB64(salt) },
    keys,
    slot: { nonce: toB64(slotNonce), ciphertext: toB64(crypto.seal(kek, slotNonce, userKey, slotAd(supervisorId, keys))) },
    seeds: { nonce: toB64(seedsNonce), ciphertext: toB64(crypto.seal(userKey, seedsNonce, seeds, seedsAd(supervisorId))) },
    latestSeen: deps.now().toISOString(),
    shares: {},
  };
  try {
    fs.mkdirSync(path.join(dir, SHARES_DIR), { recursive: true, mode: 0o700 });
    // The header last: until it exists, the folder is not a supervisor folder.
    writeSupervisorHeader(dir, body, (m) => crypto.sign(sign.secretKey, m));
  } catch (err) {
    crypto.wipe(userKey);
    throw err instanceof HvelvError ? err : new HvelvError('IO', `could not make the supervisor folder: ${(err as Error).message}`, { cause: err });
  } finally {
    crypto.wipe(kek, seeds, box.secretKey, sign.secretKey);
  }
  // Read back and checked like any other folder.
  return SupervisorSession.fromUserKey(dir, readSupervisorHeader(dir, crypto), userKey, deps);
}

export async function unlockSupervisorFolder(dir: string, passphrase: Uint8Array, deps: SupervisorDeps): Promise<SupervisorSession> {
  const { crypto } = deps;
  const body = readSupervisorHeader(dir, crypto);
  checkKdfParams(body.kdf, deps.kdfPolicy);
  const kek = await deriveKek(passphrase, { ...body.kdf, salt: fromB64(body.kdf.salt, SALT_BYTES, 'salt') }, deps.kdfPolicy);
  const userKey = crypto.open(kek, fromB64(body.slot.nonce, XNONCE_BYTES), fromB64(body.slot.ciphertext), slotAd(body.supervisorId, body.keys));
  crypto.wipe(kek);
  if (!userKey) throw new HvelvError('WRONG_PASSPHRASE', 'the passphrase does not open this supervisor folder');
  return SupervisorSession.fromUserKey(dir, body, userKey, deps);
}

/** An unlocked supervisor folder: the keys in memory until `lock`. It can sign only as the supervisor. */
export class SupervisorSession {
  private locked = false;
  private readonly lockListeners = new Set<() => void>();

  private constructor(
    readonly path: string,
    private body: SupervisorHeader,
    private readonly userKey: Uint8Array,
    private readonly box: { publicKey: Uint8Array; secretKey: Uint8Array },
    private readonly signer: { publicKey: Uint8Array; secretKey: Uint8Array },
    readonly deps: SupervisorDeps,
    private readonly lockHandle: VaultLock,
  ) {}

  static fromUserKey(dir: string, body: SupervisorHeader, userKey: Uint8Array, deps: SupervisorDeps): SupervisorSession {
    const { crypto } = deps;
    const handle = acquireLock(dir, 'supervisor');
    try {
      const seeds = crypto.open(userKey, fromB64(body.seeds.nonce, XNONCE_BYTES), fromB64(body.seeds.ciphertext), seedsAd(body.supervisorId));
      if (!seeds || seeds.length !== 64) throw integrity('the supervisor keys do not unwrap');
      const box = crypto.boxKeyPair(seeds.subarray(0, 32));
      const sign = crypto.signKeyPair(seeds.subarray(32, 64));
      crypto.wipe(seeds);
      if (toB64(box.publicKey) !== body.keys.box || toB64(sign.publicKey) !== body.keys.sign) {
        crypto.wipe(box.secretKey, sign.secretKey);
        throw integrity('the header names keys that are not this folder’s');
      }
      removeStaleTemps(dir);
      const session = new SupervisorSession(dir, body, userKey, box, sign, deps, handle);
      return session;
    } catch (err) {
      crypto.wipe(userKey);
      handle.release();
      throw err;
    }
  }

  get header(): SupervisorHeader {
    this.assertOpen();
    return this.body;
  }

  get publicKeys(): SupervisorPublicKeys {
    return { box: this.box.publicKey, sign: this.signer.publicKey };
  }

  get identity(): SupervisorIdentity {
    return { path: this.path, key: supervisorKeyText(this.publicKeys), fingerprint: supervisorFingerprint(this.publicKeys) };
  }

  /** Open what a student sealed to this supervisor's X25519 key; null if it is not for us or was changed. */
  openSealed(sealed: Uint8Array): Uint8Array | null {
    this.assertOpen();
    return this.deps.crypto.openSealed(this.box.publicKey, this.box.secretKey, sealed);
  }

  /** Sign as the supervisor (feedback, certificates). Never as a student: this folder holds no owner key. */
  sign(message: Uint8Array): Uint8Array {
    this.assertOpen();
    return this.deps.crypto.sign(this.signer.secretKey, message);
  }

  /** Replace the header (signed); `latestSeen` only moves forward. */
  writeHeader(change: Partial<Pick<SupervisorHeader, 'shares' | 'latestSeen'>>): void {
    this.assertOpen();
    const next: SupervisorHeader = { ...this.body, ...change };
    if (Date.parse(next.latestSeen) < Date.parse(this.body.latestSeen)) next.latestSeen = this.body.latestSeen;
    writeSupervisorHeader(this.path, next, (m) => this.sign(m));
    this.body = next;
  }

  /** Wrap a fresh copy key under the user key, bound to the share and version. */
  wrapCopyKey(vaultId: string, version: number, key: Uint8Array): { nonce: string; ciphertext: string } {
    this.assertOpen();
    const nonce = this.deps.crypto.random(XNONCE_BYTES);
    return { nonce: toB64(nonce), ciphertext: toB64(this.deps.crypto.seal(this.userKey, nonce, key, copyKeyAd(this.body.supervisorId, vaultId, version))) };
  }

  unwrapCopyKey(vaultId: string, version: number, box: { nonce: string; ciphertext: string }): Uint8Array {
    this.assertOpen();
    const key = this.deps.crypto.open(this.userKey, fromB64(box.nonce, XNONCE_BYTES), fromB64(box.ciphertext), copyKeyAd(this.body.supervisorId, vaultId, version));
    if (!key) throw integrity('a copy key does not unwrap');
    return key;
  }

  get isLocked(): boolean {
    return this.locked;
  }

  /** Run `fn` when the folder locks (a player's open reader closes, wiping its key); returns the unhook. */
  onLock(fn: () => void): () => void {
    this.lockListeners.add(fn);
    return () => this.lockListeners.delete(fn);
  }

  lock(): void {
    if (this.locked) return;
    this.locked = true;
    for (const fn of [...this.lockListeners]) {
      try {
        fn();
      } catch {
        /* a listener's failure must not keep the keys in memory */
      }
    }
    this.lockListeners.clear();
    this.deps.crypto.wipe(this.userKey, this.box.secretKey, this.signer.secretKey);
    this.lockHandle.release();
  }

  private assertOpen(): void {
    if (this.locked) throw new HvelvError('VAULT_LOCKED', 'the supervisor folder is locked');
  }
}

const copyKeyAd = (supervisorId: string, vaultId: string, version: number): Uint8Array => encodeFields('hvelv/supervisor-copy-key', [1, supervisorId, vaultId, version]);

/** Where a held share's files are. */
export const shareDir = (dir: string, vaultId: string): string => path.join(dir, SHARES_DIR, vaultId);
