/**
 * The only module that imports libsodium. Everything else sees the narrow `Crypto`
 * interface below, whose comments state sizes and failure behaviour, so the
 * primitives can be reviewed in one place.
 */
import sodiumModule from 'libsodium-wrappers-sumo';

export type Sodium = typeof sodiumModule;

let ready: Promise<Sodium> | undefined;

/** libsodium after its WebAssembly has been instantiated (once per process). */
export function loadSodium(): Promise<Sodium> {
  ready ??= sodiumModule.ready.then(() => sodiumModule);
  return ready;
}

import { KEY_BYTES, SIGNATURE_BYTES, SIGN_PUBLIC_BYTES, SIGN_SEED_BYTES, TAG_BYTES, XNONCE_BYTES } from './sizes';

export { KEY_BYTES, SIGNATURE_BYTES, SIGN_PUBLIC_BYTES, SIGN_SEED_BYTES, TAG_BYTES, XNONCE_BYTES };

/** A source of random bytes. Production uses libsodium's CSPRNG; tests may inject a seeded one. */
export type RandomSource = (length: number) => Uint8Array;

export interface Crypto {
  /** `length` bytes from the CSPRNG (or the injected source). */
  random(length: number): Uint8Array;
  /**
   * XChaCha20-Poly1305 (IETF). key: 32 bytes, nonce: 24 bytes.
   * Returns ciphertext || 16-byte tag.
   */
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, ad: Uint8Array): Uint8Array;
  /** Inverse of `seal`. Returns null when the tag does not verify (wrong key, AD or bytes). */
  open(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, ad: Uint8Array): Uint8Array | null;
  /** Ed25519 key pair from a 32-byte seed. secretKey is 64 bytes (libsodium layout). */
  signKeyPair(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array };
  /** Detached Ed25519 signature, 64 bytes. */
  sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** false for any malformed key or signature; never throws on bad input. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** X25519 key pair from a 32-byte seed (libsodium crypto_box_seed_keypair): a supervisor's receiving key. */
  boxKeyPair(seed: Uint8Array): { publicKey: Uint8Array; secretKey: Uint8Array };
  /**
   * Anonymous encryption to an X25519 public key (crypto_box_seal: an ephemeral key pair,
   * X25519 + XSalsa20-Poly1305). Output is 48 bytes longer than `plaintext`.
   */
  sealTo(publicKey: Uint8Array, plaintext: Uint8Array): Uint8Array;
  /** Inverse of `sealTo` with the recipient's key pair; null when it does not open (another key, any changed byte). */
  openSealed(publicKey: Uint8Array, secretKey: Uint8Array, sealed: Uint8Array): Uint8Array | null;
  /** Overwrite with zeros in place. */
  wipe(...buffers: (Uint8Array | undefined | null)[]): void;
  /** Constant-time comparison of equal-length buffers; false if lengths differ. */
  equal(a: Uint8Array, b: Uint8Array): boolean;
}

export async function createCrypto(randomSource?: RandomSource): Promise<Crypto> {
  const s = await loadSodium();
  const random: RandomSource = randomSource ?? ((n) => s.randombytes_buf(n));
  return {
    random,
    seal(key, nonce, plaintext, ad) {
      if (key.length !== KEY_BYTES || nonce.length !== XNONCE_BYTES) {
        throw new RangeError('seal: key must be 32 bytes and nonce 24 bytes');
      }
      return s.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, null, nonce, key);
    },
    open(key, nonce, sealed, ad) {
      if (key.length !== KEY_BYTES || nonce.length !== XNONCE_BYTES || sealed.length < TAG_BYTES) {
        return null;
      }
      try {
        return s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, sealed, ad, nonce, key);
      } catch {
        return null;
      }
    },
    signKeyPair(seed) {
      const kp = s.crypto_sign_seed_keypair(seed);
      return { publicKey: kp.publicKey, secretKey: kp.privateKey };
    },
    sign(secretKey, message) {
      return s.crypto_sign_detached(message, secretKey);
    },
    verify(publicKey, message, signature) {
      if (publicKey.length !== SIGN_PUBLIC_BYTES || signature.length !== SIGNATURE_BYTES) return false;
      try {
        return s.crypto_sign_verify_detached(signature, message, publicKey);
      } catch {
        return false;
      }
    },
    boxKeyPair(seed) {
      if (seed.length !== KEY_BYTES) throw new RangeError('boxKeyPair: seed must be 32 bytes');
      const kp = s.crypto_box_seed_keypair(seed);
      return { publicKey: kp.publicKey, secretKey: kp.privateKey };
    },
    sealTo(publicKey, plaintext) {
      if (publicKey.length !== KEY_BYTES) throw new RangeError('sealTo: public key must be 32 bytes');
      return s.crypto_box_seal(plaintext, publicKey);
    },
    openSealed(publicKey, secretKey, sealed) {
      if (publicKey.length !== KEY_BYTES || secretKey.length !== KEY_BYTES || sealed.length < 48) return null;
      try {
        return s.crypto_box_seal_open(sealed, publicKey, secretKey);
      } catch {
        return null;
      }
    },
    wipe(...buffers) {
      for (const b of buffers) if (b && b.length > 0) s.memzero(b);
    },
    equal(a, b) {
      return a.length === b.length && (a.length === 0 || s.memcmp(a, b));
    },
  };
}
