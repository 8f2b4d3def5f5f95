/**
 * Ed25519 signature checks with Node's own crypto (OpenSSL), for headless `enforce`:
 * verifying the signed header is all it needs, and node:crypto does that without
 * libsodium's WebAssembly start-up. Signing stays in sodium.ts; the signatures are the
 * same standard (RFC 8032), so a header libsodium signed verifies here (tested).
 */
import { createPublicKey, verify } from 'node:crypto';
import { SIGNATURE_BYTES, SIGN_PUBLIC_BYTES } from './sizes';

/** What readHeader needs of a crypto provider: a detached-signature check. */
export interface SignatureVerifier {
  /** True only for a valid Ed25519 signature of `message` by `publicKey`; false for anything malformed. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

export const nodeEd25519: SignatureVerifier = {
  verify(publicKey, message, signature) {
    if (publicKey.length !== SIGN_PUBLIC_BYTES || signature.length !== SIGNATURE_BYTES) return false;
    try {
      const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' });
      return verify(null, message, key, signature);
    } catch {
      return false;
    }
  },
};
