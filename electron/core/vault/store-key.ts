/**
 * A store's key file (`<store>/store.key`): the store key wrapped with the user
 * key. Deleting this file makes the store's data unreadable forever, with no
 * passphrase needed: crypto-shredding. The associated data bind the vault, the
 * store and the key id, so a key file copied from another store or vault fails.
 */
import * as fs from 'node:fs';
import { z } from 'zod';
import { encodeFields, fromB64, toB64, utf8 } from '../crypto/encoding';
import type { Crypto } from '../crypto/sodium';
import { KEY_BYTES, XNONCE_BYTES } from '../crypto/sodium';
import { HvelvError, integrity } from '../errors';
import { writeFileAtomic, type FileOps } from './atomic-file';
import { FORMAT_VERSION, storeKeyPath, type DataStore } from './layout';

const keyFileSchema = z.strictObject({
  format: z.literal('hvelv-store-key'),
  version: z.literal(FORMAT_VERSION),
  vaultId: z.string().regex(/^[0-9a-f]{32}$/),
  store: z.enum(['keylist', 'recordings', 'transcripts']),
  keyId: z.string().regex(/^[0-9a-f]{32}$/),
  nonce: z.string(),
  wrappedKey: z.string(),
});

function storeKeyAd(vaultId: string, store: DataStore, keyId: string): Uint8Array {
  return encodeFields('hvelv/store-key', [FORMAT_VERSION, vaultId, store, keyId]);
}

export function writeStoreKey(
  vault: string,
  args: { crypto: Crypto; vaultId: string; store: DataStore; keyId: string; storeKey: Uint8Array; userKey: Uint8Array },
  ops?: FileOps,
): void {
  const nonce = args.crypto.random(XNONCE_BYTES);
  const wrapped = args.crypto.seal(args.userKey, nonce, args.storeKey, storeKeyAd(args.vaultId, args.store, args.keyId));
  const file = {
    format: 'hvelv-store-key',
    version: FORMAT_VERSION,
    vaultId: args.vaultId,
    store: args.store,
    keyId: args.keyId,
    nonce: toB64(nonce),
    wrappedKey: toB64(wrapped),
  };
  writeFileAtomic(storeKeyPath(vault, args.store), utf8(`${JSON.stringify(file, null, 2)}\n`), ops);
}

/** Unwrap a store key. INTEGRITY for a damaged, moved or foreign key file. */
export function readStoreKey(vault: string, args: { crypto: Crypto; vaultId: string; store: DataStore; userKey: Uint8Array }): Uint8Array {
  const file = storeKeyPath(vault, args.store);
  let raw: Buffer;
  try {
    raw = fs.readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw integrity(`${args.store}: the key file is missing`);
    throw new HvelvError('IO', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: z.infer<typeof keyFileSchema>;
  try {
    parsed = keyFileSchema.parse(JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)));
  } catch (err) {
    throw integrity(`${args.store}: the key file is damaged`, err);
  }
  if (parsed.vaultId !== args.vaultId || parsed.store !== args.store) {
    throw integrity(`${args.store}: the key file belongs to another vault or store`);
  }
  const nonce = fromB64(parsed.nonce, XNONCE_BYTES, `${args.store} key nonce`);
  const wrapped = fromB64(parsed.wrappedKey, KEY_BYTES + 16, `${args.store} wrapped key`);
  const key = args.crypto.open(args.userKey, nonce, wrapped, storeKeyAd(args.vaultId, args.store, parsed.keyId));
  if (!key) throw integrity(`${args.store}: the key file does not unwrap (altered or from another vault)`);
  return key;
}
