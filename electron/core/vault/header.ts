/**
 * The vault header (`hvelv-vault.json`): format version, key-derivation
 * parameters, the owner's slot and the owner's signed settings.
 *
 * The whole body is signed with the owner's Ed25519 key, so any change to it
 * (a weaker KDF, a later end date, another title) is detected before the
 * passphrase is even asked for. The public key in the header is checked against
 * the private key unwrapped with the passphrase, so a header re-signed with
 * someone else's key is detected on unlock.
 */
import * as fs from 'node:fs';
import { canonicalJson, encodeFields, fromB64, utf8 } from '../crypto/encoding';
import { SIGNATURE_BYTES, SIGN_PUBLIC_BYTES, XNONCE_BYTES } from '../crypto/sizes';
import type { SignatureVerifier } from '../crypto/ed25519';
import { HvelvError, integrity } from '../errors';
import { isIsoDate } from '../../../shared/domain';
import { FORMAT_VERSION, headerPath } from './layout';
import { writeFileAtomic, type FileOps } from './atomic-file';

/*
 * The header's shape is checked by hand, not with zod: the daily `hvelv enforce` reads
 * the header and nothing else, and loading zod was most of its start-up
 * (docs/benchmarks.md). The rules are zod's strictObject rules: every field required
 * unless marked, no field more.
 */

export interface SealedBox {
  nonce: string;
  ciphertext: string;
}

export interface EndDateChange {
  from: string;
  to: string;
  reason: string;
  siktRef: string;
  siktNotifiedOn: string;
  changedAt: string;
}

export interface HeaderBody {
  format: 'hvelv-vault';
  version: typeof FORMAT_VERSION;
  vaultId: string;
  createdAt: string;
  kdf: { alg: 'argon2id13'; opslimit: number; memlimit: number; salt: string };
  owner: { signPublicKey: string; slot: SealedBox; signSeed: SealedBox };
  settings: {
    revision: number;
    title: string;
    endDate: string;
    endAction: 'anonymise' | 'delete-all';
    sealed: SealedBox;
    /**
     * Every move of the end date, oldest first. Sikt must be notified before a change
     * applies, so each carries the reason and the notification's reference and date.
     */
    endDateHistory?: EndDateChange[];
    /** The latest time the owner's Hvelv has seen: a clock set back cannot undo a passed deadline. */
    latestSeen?: string;
  };
}

const B64_RE = /^[A-Za-z0-9+/]*={0,2}$/;
const HEX_ID_RE = /^[0-9a-f]{32}$/;
/** An RFC 3339 date-time in UTC (`Z`), seconds required, any fraction: zod's `z.iso.datetime()`. */
const DATETIME_RE =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:\.\d+)?Z$/;

export const isIsoDateTime = (v: unknown): v is string => typeof v === 'string' && DATETIME_RE.test(v);

/** Thrown by the checks below with the path of the first field that is wrong. */
class ShapeError extends Error {
  constructor(readonly at: string) {
    super(at);
  }
}

type Rec = Record<string, unknown>;

function object(v: unknown, at: string, keys: readonly string[], optional: readonly string[] = []): Rec {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ShapeError(at);
  const o = v as Rec;
  for (const k of Object.keys(o)) if (!keys.includes(k) && !optional.includes(k)) throw new ShapeError(join(at, k));
  for (const k of keys) if (!(k in o) || o[k] === undefined) throw new ShapeError(join(at, k));
  return o;
}
const join = (at: string, k: string | number): string => (at ? `${at}.${k}` : String(k));

function str(o: Rec, k: string, at: string, test: (s: string) => boolean = () => true): string {
  const v = o[k];
  if (typeof v !== 'string' || !test(v)) throw new ShapeError(join(at, k));
  return v;
}
function int(o: Rec, k: string, at: string, min: number): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new ShapeError(join(at, k));
  return v;
}
const b64 = (s: string): boolean => B64_RE.test(s);
const len = (min: number, max: number) => (s: string): boolean => s.length >= min && s.length <= max;

function sealedBox(v: unknown, at: string): SealedBox {
  const o = object(v, at, ['nonce', 'ciphertext']);
  return { nonce: str(o, 'nonce', at, b64), ciphertext: str(o, 'ciphertext', at, b64) };
}

function endDateChange(v: unknown, at: string): EndDateChange {
  const o = object(v, at, ['from', 'to', 'reason', 'siktRef', 'siktNotifiedOn', 'changedAt']);
  return {
    from: str(o, 'from', at, isIsoDate),
    to: str(o, 'to', at, isIsoDate),
    reason: str(o, 'reason', at, len(1, 1000)),
    siktRef: str(o, 'siktRef', at, len(1, 100)),
    siktNotifiedOn: str(o, 'siktNotifiedOn', at, isIsoDate),
    changedAt: str(o, 'changedAt', at, isIsoDateTime),
  };
}

/** The header body checked field by field; a copy holding only the known fields. */
function checkBody(v: unknown): HeaderBody {
  const o = object(v, '', ['format', 'version', 'vaultId', 'createdAt', 'kdf', 'owner', 'settings']);
  if (o.format !== 'hvelv-vault') throw new ShapeError('format');
  if (o.version !== FORMAT_VERSION) throw new ShapeError('version');
  const k = object(o.kdf, 'kdf', ['alg', 'opslimit', 'memlimit', 'salt']);
  if (k.alg !== 'argon2id13') throw new ShapeError('kdf.alg');
  const w = object(o.owner, 'owner', ['signPublicKey', 'slot', 'signSeed']);
  const s = object(o.settings, 'settings', ['revision', 'title', 'endDate', 'endAction', 'sealed'], ['endDateHistory', 'latestSeen']);
  if (s.endAction !== 'anonymise' && s.endAction !== 'delete-all') throw new ShapeError('settings.endAction');
  const settings: HeaderBody['settings'] = {
    revision: int(s, 'revision', 'settings', 0),
    title: str(s, 'title', 'settings', len(1, 300)),
    endDate: str(s, 'endDate', 'settings', isIsoDate),
    endAction: s.endAction,
    sealed: sealedBox(s.sealed, 'settings.sealed'),
  };
  if (s.endDateHistory !== undefined) {
    const h = s.endDateHistory;
    if (!Array.isArray(h) || h.length > 100) throw new ShapeError('settings.endDateHistory');
    settings.endDateHistory = h.map((c, i) => endDateChange(c, `settings.endDateHistory.${i}`));
  }
  if (s.latestSeen !== undefined) settings.latestSeen = str(s, 'latestSeen', 'settings', isIsoDateTime);
  return {
    format: 'hvelv-vault',
    version: FORMAT_VERSION,
    vaultId: str(o, 'vaultId', '', (x) => HEX_ID_RE.test(x)),
    createdAt: str(o, 'createdAt', '', isIsoDateTime),
    kdf: { alg: 'argon2id13', opslimit: int(k, 'opslimit', 'kdf', 1), memlimit: int(k, 'memlimit', 'kdf', 1), salt: str(k, 'salt', 'kdf', b64) },
    owner: {
      signPublicKey: str(w, 'signPublicKey', 'owner', b64),
      slot: sealedBox(w.slot, 'owner.slot'),
      signSeed: sealedBox(w.signSeed, 'owner.signSeed'),
    },
    settings,
  };
}

/** The path of the first wrong field, or null when `v` is a well-formed header body. */
export function headerBodyProblem(v: unknown): string | null {
  try {
    checkBody(v);
    return null;
  } catch (err) {
    if (err instanceof ShapeError) return err.at;
    throw err;
  }
}

/**
 * A header body about to be written, checked as a read would check it: a body Hvelv
 * would refuse to open is never written.
 */
export function checkedHeaderBody(v: unknown): HeaderBody {
  try {
    return checkBody(v);
  } catch (err) {
    if (err instanceof ShapeError) throw new HvelvError('INVALID_INPUT', `the vault settings are not valid: ${err.at}`);
    throw err;
  }
}

export interface SignedHeader {
  body: HeaderBody;
  signature: Uint8Array;
  publicKey: Uint8Array;
}

export function headerSignatureMessage(body: HeaderBody): Uint8Array {
  return encodeFields('hvelv/header', [FORMAT_VERSION, canonicalJson(body)]);
}

export function ownerSlotAd(vaultId: string, signPublicKey: string): Uint8Array {
  return encodeFields('hvelv/owner-slot', [FORMAT_VERSION, vaultId, signPublicKey]);
}
export function signSeedAd(vaultId: string): Uint8Array {
  return encodeFields('hvelv/sign-seed', [FORMAT_VERSION, vaultId]);
}
export function sealedSettingsAd(vaultId: string, revision: number): Uint8Array {
  return encodeFields('hvelv/settings', [FORMAT_VERSION, vaultId, revision]);
}

/**
 * Read and authenticate the header without any key. Errors: NOT_A_VAULT when
 * there is no header, UNSUPPORTED_VERSION for another format version, INTEGRITY
 * for anything malformed or not matching its signature.
 */
export function readHeader(vault: string, crypto: SignatureVerifier): SignedHeader {
  let raw: Buffer;
  try {
    raw = fs.readFileSync(headerPath(vault));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new HvelvError('NOT_A_VAULT', `${vault} is not a Hvelv vault (no header)`);
    }
    throw new HvelvError('IO', `cannot read the vault header: ${(err as Error).message}`, { cause: err });
  }
  if (raw.length > 64 * 1024) throw integrity('the vault header is implausibly large');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
  } catch (err) {
    throw integrity('the vault header is not valid JSON', err);
  }
  let file: { body: unknown; signature: string };
  try {
    const o = object(parsed, '', ['body', 'signature']);
    file = { body: o.body, signature: str(o, 'signature', '', b64) };
  } catch (err) {
    if (err instanceof ShapeError) throw integrity('the vault header has the wrong shape');
    throw err;
  }
  const body = file.body as Record<string, unknown> | null;
  if (body && typeof body === 'object' && body.format === 'hvelv-vault' && body.version !== FORMAT_VERSION) {
    throw new HvelvError('UNSUPPORTED_VERSION', `vault format ${String(body.version)} is not supported by this Hvelv`);
  }
  let checked: HeaderBody;
  try {
    checked = checkBody(file.body);
  } catch (err) {
    if (err instanceof ShapeError) throw integrity(`the vault header is malformed: ${err.at}`);
    throw err;
  }
  const publicKey = fromB64(checked.owner.signPublicKey, SIGN_PUBLIC_BYTES, 'owner public key');
  const signature = fromB64(file.signature, SIGNATURE_BYTES, 'header signature');
  // Strict base64 everywhere, so a flipped character is never silently equivalent.
  fromB64(checked.kdf.salt, undefined, 'salt');
  for (const box of [checked.owner.slot, checked.owner.signSeed, checked.settings.sealed]) {
    fromB64(box.nonce, XNONCE_BYTES, 'nonce');
    fromB64(box.ciphertext, undefined, 'ciphertext');
  }
  // Verify what was signed: the body as stored, not as parsed (parsing could add defaults).
  if (!crypto.verify(publicKey, headerSignatureMessage(file.body as HeaderBody), signature)) {
    throw integrity('the vault header was changed outside Hvelv (signature does not verify)');
  }
  return { body: checked, signature, publicKey };
}

export function serializeHeader(body: HeaderBody, signature: Uint8Array): Uint8Array {
  const file = { body: JSON.parse(canonicalJson(body)) as unknown, signature: Buffer.from(signature).toString('base64') };
  return utf8(`${JSON.stringify(file, null, 2)}\n`);
}

export function writeHeader(vault: string, body: HeaderBody, sign: (m: Uint8Array) => Uint8Array, ops?: FileOps): void {
  const signature = sign(headerSignatureMessage(body));
  writeFileAtomic(headerPath(vault), serializeHeader(body, signature), ops);
}
