/**
 * Key, nonce and signature sizes, apart from sodium.ts so that code which only needs a
 * size (the header parser, headless enforce) does not load libsodium's WebAssembly.
 */
export const KEY_BYTES = 32;
export const XNONCE_BYTES = 24;
export const TAG_BYTES = 16;
export const SIGN_SEED_BYTES = 32;
export const SIGN_PUBLIC_BYTES = 32;
export const SIGNATURE_BYTES = 64;
