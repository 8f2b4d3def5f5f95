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
import { z } from 'zod';
import { canonicalJson, encodeFields, fromB64, utf8 } from '../crypto/encoding';
import { SIGNATURE_BYTES, SIGN_PUBLIC_BYTES, XNONCE_BYTES } from '../crypto/sizes';
import type { SignatureVerifier } from '../crypto/ed25519';
import { HvelvError, integrity } from '../errors';
import { CODE_PREFIX_RE, DEFAULT_CODE_DIGITS, DEFAULT_CODE_PREFIX, isIsoDate } from '../../../shared/domain';
import { FORMAT_VERSION, headerPath } from './layout';
import { writeFileAtomic, type FileOps } from './atomic-file';

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const hexId = z.string().regex(/^[0-9a-f]{32}$/);
const sealedBox = z.strictObject({ nonce: b64, ciphertext: b64 });

export const headerBodySchema = z.strictObject({
  format: z.literal('hvelv-vault'),
  version: z.literal(FORMAT_VERSION),
  vaultId: hexId,
  createdAt: z.iso.datetime(),
  kdf: z.strictObject({
    alg: z.literal('argon2id13'),
    opslimit: z.number().int().positive(),
    memlimit: z.number().int().positive(),
    salt: b64,
  }),
  owner: z.strictObject({
    signPublicKey: b64,
    slot: sealedBox,
    signSeed: sealedBox,
  }),
  settings: z.strictObject({
    revision: z.number().int().nonnegative(),
    title: z.string().min(1).max(300),
    endDate: z.string().refine(isIsoDate, 'not a date'),
    endAction: z.enum(['anonymise', 'delete-all']),
    sealed: sealedBox,
    /**
     * Every move of the end date, oldest first. Sikt must be notified before a change
     * applies, so each carries the reason and the notification's reference and date.
     */
    endDateHistory: z
      .array(
        z.strictObject({
          from: z.string().refine(isIsoDate, 'not a date'),
          to: z.string().refine(isIsoDate, 'not a date'),
          reason: z.string().min(1).max(1000),
          siktRef: z.string().min(1).max(100),
          siktNotifiedOn: z.string().refine(isIsoDate, 'not a date'),
          changedAt: z.iso.datetime(),
        }),
      )
      .max(100)
      .optional(),
    /** The latest time the owner's Hvelv has seen: a clock set back cannot undo a passed deadline. */
    latestSeen: z.iso.datetime().optional(),
  }),
});
export type HeaderBody = z.infer<typeof headerBodySchema>;

const headerFileSchema = z.strictObject({ body: z.unknown(), signature: b64 });

/** What the owner's settings hold beyond the public part: encrypted with the user key. */
export const sealedSettingsSchema = z.strictObject({
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
  const file = headerFileSchema.safeParse(parsed);
  if (!file.success) throw integrity('the vault header has the wrong shape');
  const body = file.data.body as Record<string, unknown> | null;
  if (body && typeof body === 'object' && body.format === 'hvelv-vault' && body.version !== FORMAT_VERSION) {
    throw new HvelvError('UNSUPPORTED_VERSION', `vault format ${String(body.version)} is not supported by this Hvelv`);
  }
  const checked = headerBodySchema.safeParse(file.data.body);
  if (!checked.success) throw integrity(`the vault header is malformed: ${checked.error.issues[0]?.path.join('.') ?? ''}`);
  const publicKey = fromB64(checked.data.owner.signPublicKey, SIGN_PUBLIC_BYTES, 'owner public key');
  const signature = fromB64(file.data.signature, SIGNATURE_BYTES, 'header signature');
  // Strict base64 everywhere, so a flipped character is never silently equivalent.
  fromB64(checked.data.kdf.salt, undefined, 'salt');
  for (const box of [checked.data.owner.slot, checked.data.owner.signSeed, checked.data.settings.sealed]) {
    fromB64(box.nonce, XNONCE_BYTES, 'nonce');
    fromB64(box.ciphertext, undefined, 'ciphertext');
  }
  // Verify what was signed: the body as stored, not as parsed (parsing could add defaults).
  if (!crypto.verify(publicKey, headerSignatureMessage(file.data.body as HeaderBody), signature)) {
    throw integrity('the vault header was changed outside Hvelv (signature does not verify)');
  }
  return { body: checked.data, signature, publicKey };
}

export function serializeHeader(body: HeaderBody, signature: Uint8Array): Uint8Array {
  const file = { body: JSON.parse(canonicalJson(body)) as unknown, signature: Buffer.from(signature).toString('base64') };
  return utf8(`${JSON.stringify(file, null, 2)}\n`);
}

export function writeHeader(vault: string, body: HeaderBody, sign: (m: Uint8Array) => Uint8Array, ops?: FileOps): void {
  const signature = sign(headerSignatureMessage(body));
  writeFileAtomic(headerPath(vault), serializeHeader(body, signature), ops);
}
