/**
 * The supervisor key: the text a supervisor pastes into an e-mail to the student, and the
 * short fingerprint both read aloud to compare. Pure (node:crypto's SHA-256 only).
 *
 *   hvelv-sup1-<base32 of: version 1 | X25519 public key (32) | Ed25519 public key (32) | checksum (4)>
 *
 * The checksum is the first four bytes of SHA-256 over the rest (domain-separated), so a
 * character mistyped, dropped or swapped is caught (SUPERVISOR_KEY_TYPO) rather than
 * giving the student a key nobody holds; anything without the prefix is not a key at all
 * (NOT_A_SUPERVISOR_KEY). Base32 is Crockford's (no I, L, O, U), read case-insensitively
 * with spaces, line breaks and dashes ignored, so a key wrapped by a mail program still
 * parses.
 */
import { encodeFields, sha256 } from '../../crypto/encoding';
import { HvelvError } from '../../errors';
import { SUPERVISOR_KEY_PREFIX } from '../../../../shared/supervisor';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const KEY_VERSION = 1;
const BODY_BYTES = 1 + 32 + 32;
const CHECK_BYTES = 4;

export interface SupervisorPublicKeys {
  /** X25519: what a share is encrypted to. */
  box: Uint8Array;
  /** Ed25519: what feedback is signed with. */
  sign: Uint8Array;
}

export function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

function unbase32(text: string): Uint8Array | null {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const raw of text) {
    const c = raw === 'O' ? '0' : raw === 'I' || raw === 'L' ? '1' : raw;
    const v = ALPHABET.indexOf(c);
    if (v < 0) return null;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

const checksum = (body: Uint8Array): Uint8Array => sha256(encodeFields('hvelv/supervisor-key', [KEY_VERSION, body])).subarray(0, CHECK_BYTES);

/** The key text for a supervisor's two public keys, in groups of six for the eye. */
export function supervisorKeyText(keys: SupervisorPublicKeys): string {
  const body = new Uint8Array(BODY_BYTES);
  body[0] = KEY_VERSION;
  body.set(keys.box, 1);
  body.set(keys.sign, 33);
  const all = new Uint8Array(BODY_BYTES + CHECK_BYTES);
  all.set(body);
  all.set(checksum(body), BODY_BYTES);
  return SUPERVISOR_KEY_PREFIX + (base32(all).match(/.{1,6}/g) ?? []).join('-');
}

/** The two public keys in pasted key text; SUPERVISOR_KEY_TYPO or NOT_A_SUPERVISOR_KEY otherwise. */
export function parseSupervisorKey(text: string): SupervisorPublicKeys {
  // What mail programs and PDFs do to pasted text: full-width letters and no-break spaces
  // (NFKC), soft hyphens and zero-width characters, typographic dashes for "-".
  const squeezed = text
    .normalize('NFKC')
    .replace(/[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]/g, '')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    .replace(/\s+/g, '');
  if (!squeezed.toLowerCase().startsWith(SUPERVISOR_KEY_PREFIX)) {
    throw new HvelvError('NOT_A_SUPERVISOR_KEY', `a supervisor key begins with ${SUPERVISOR_KEY_PREFIX}`);
  }
  const bytes = unbase32(squeezed.slice(SUPERVISOR_KEY_PREFIX.length).replace(/-/g, '').toUpperCase());
  const expected = Math.ceil(((BODY_BYTES + CHECK_BYTES) * 8) / 5);
  const chars = squeezed.slice(SUPERVISOR_KEY_PREFIX.length).replace(/-/g, '').length;
  if (!bytes || chars !== expected) throw new HvelvError('SUPERVISOR_KEY_TYPO', `the key should have ${expected} characters after the prefix, and only 0-9 and A-Z without I, L, O, U`);
  const body = bytes.subarray(0, BODY_BYTES);
  const check = bytes.subarray(BODY_BYTES, BODY_BYTES + CHECK_BYTES);
  const want = checksum(body);
  if (!want.every((b, i) => b === check[i])) throw new HvelvError('SUPERVISOR_KEY_TYPO', 'the checksum does not match: a character is wrong');
  if (body[0] !== KEY_VERSION) throw new HvelvError('NOT_A_SUPERVISOR_KEY', `key version ${body[0]} is not one this Hvelv knows`);
  const keys = { box: body.slice(1, 33), sign: body.slice(33, 65) };
  // A key of zeros passes the checksum but can receive nothing (libsodium would refuse it late, without a word).
  if (keys.box.every((b) => b === 0) || keys.sign.every((b) => b === 0)) throw new HvelvError('NOT_A_SUPERVISOR_KEY', 'the key holds no public key');
  return keys;
}

/** 16 characters in four groups (80 bits of SHA-256): what two people compare on the phone. */
export function fingerprint(domain: 'supervisor' | 'owner', ...keys: Uint8Array[]): string {
  const h = sha256(encodeFields(`hvelv/${domain}-fingerprint`, [1, ...keys])).subarray(0, 10);
  return (base32(h).match(/.{4}/g) ?? []).join('-');
}

export const supervisorFingerprint = (keys: SupervisorPublicKeys): string => fingerprint('supervisor', keys.box, keys.sign);
export const ownerFingerprint = (signPublicKey: Uint8Array): string => fingerprint('owner', signPublicKey);
