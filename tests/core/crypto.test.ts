import { createCipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import vectors from './vectors.json';
import { createCrypto } from '../../electron/core/crypto/sodium';
import { checkKdfParams, deriveKek, PRODUCTION_KDF_POLICY } from '../../electron/core/crypto/kdf';
import { encodeFields, fromB64 } from '../../electron/core/crypto/encoding';
import { HvelvError } from '../../electron/core/errors';

const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('known answers', () => {
  it('XChaCha20-Poly1305 matches draft-irtf-cfrg-xchacha A.3.1 and round-trips', async () => {
    const c = await createCrypto();
    const v = vectors.xchacha20poly1305_a31;
    const sealed = c.seal(hex(v.key), hex(v.nonce), hex(v.plaintext_hex), hex(v.aad));
    expect(toHex(sealed)).toBe(v.ciphertext + v.tag);
    expect(toHex(c.open(hex(v.key), hex(v.nonce), sealed, hex(v.aad))!)).toBe(v.plaintext_hex);
    // Any change to AD, ciphertext or tag is rejected without returning data.
    const badAd = hex(v.aad);
    badAd[0]! ^= 1;
    expect(c.open(hex(v.key), hex(v.nonce), sealed, badAd)).toBeNull();
    const badCt = new Uint8Array(sealed);
    badCt[badCt.length - 1]! ^= 0x80;
    expect(c.open(hex(v.key), hex(v.nonce), badCt, hex(v.aad))).toBeNull();
  });

  it('Ed25519 matches RFC 8032 §7.1 test 1', async () => {
    const c = await createCrypto();
    const v = vectors.ed25519_rfc8032_test1;
    const pair = c.signKeyPair(hex(v.seed));
    expect(toHex(pair.publicKey)).toBe(v.public_key);
    const sig = c.sign(pair.secretKey, hex(v.message));
    expect(toHex(sig)).toBe(v.signature);
    expect(c.verify(pair.publicKey, hex(v.message), sig)).toBe(true);
    expect(c.verify(pair.publicKey, new Uint8Array([1]), sig)).toBe(false);
  });

  it('node:crypto ChaCha20-Poly1305 matches RFC 8439 §2.8.2 (the native cipher recordings will use)', () => {
    const v = vectors.chacha20poly1305_rfc8439_2_8_2;
    const cipher = createCipheriv('chacha20-poly1305', hex(v.key), hex(v.nonce), { authTagLength: 16 });
    cipher.setAAD(hex(v.aad), { plaintextLength: v.plaintext_hex.length / 2 });
    const ct = Buffer.concat([cipher.update(hex(v.plaintext_hex)), cipher.final()]);
    expect(ct.toString('hex')).toBe(v.ciphertext);
    expect(cipher.getAuthTag().toString('hex')).toBe(v.tag);
  });

  it('Argon2id matches the reference implementation (golden output)', async () => {
    // Made with the reference CLI (Debian package argon2):
    //   echo -n "correct horse battery staple" | argon2 "hvelv-gold-salt!" -id -t 3 -m 16 -p 1 -l 32 -r
    const key = await deriveKek(
      new TextEncoder().encode('correct horse battery staple'),
      { alg: 'argon2id13', opslimit: 3, memlimit: 64 * 1024 * 1024, salt: new TextEncoder().encode('hvelv-gold-salt!') },
      PRODUCTION_KDF_POLICY,
    );
    expect(toHex(key)).toBe('c35b814885fed95181c1a9903e943c22ca4c08b0e8301b00361ba279701133a0');
  });
});

describe('key-derivation bounds', () => {
  it('the production floor is Argon2id, 64 MiB and 3 passes', () => {
    expect(PRODUCTION_KDF_POLICY.minMem).toBe(64 * 1024 * 1024);
    expect(PRODUCTION_KDF_POLICY.minOps).toBe(3);
    expect(PRODUCTION_KDF_POLICY.targetMs).toBe(1000);
    expect(Object.isFrozen(PRODUCTION_KDF_POLICY)).toBe(true);
  });

  it.each([
    ['too few passes', 2, 64 * 1024 * 1024],
    ['too little memory', 3, 32 * 1024 * 1024],
    ['gigabytes of memory', 3, 8 * 1024 * 1024 * 1024],
    ['absurd passes', 1_000_000, 64 * 1024 * 1024],
    ['not an integer', 3.5, 64 * 1024 * 1024],
  ])('refuses %s before allocating anything', (_what, opslimit, memlimit) => {
    let err: unknown;
    try {
      checkKdfParams({ alg: 'argon2id13', opslimit, memlimit }, PRODUCTION_KDF_POLICY);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(HvelvError);
    expect((err as HvelvError).code).toBe('UNSAFE_PARAMETERS');
  });
});

describe('encodings', () => {
  it('field encoding is unambiguous', () => {
    expect(encodeFields('d', ['ab', 'c'])).not.toEqual(encodeFields('d', ['a', 'bc']));
    expect(encodeFields('d', [null])).not.toEqual(encodeFields('d', ['']));
    expect(encodeFields('d', [1])).not.toEqual(encodeFields('d', ['1']));
  });

  it('base64 is strict: a changed character is never the same value', () => {
    expect(() => fromB64('AAE=')).not.toThrow();
    expect(() => fromB64('AAF=')).toThrow(HvelvError); // same bytes in lenient decoders
    expect(() => fromB64('AA*E=')).toThrow(HvelvError);
  });
});
