/**
 * Where each part of a vault lives. The three personal-data stores are separate
 * folders with their own SQLite file and key file, so one can be destroyed (its
 * key file, then its data files) without touching, or needing a passphrase for,
 * the others: that is how project end and withdrawal delete.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const FORMAT_VERSION = 1;
export const HEADER_FILE = 'hvelv-vault.json';

/** Encrypted stores. Order is fixed: it is the order of creation and of checks. */
export const DATA_STORES = ['keylist', 'recordings', 'transcripts'] as const;
export type DataStore = (typeof DATA_STORES)[number];
export const AUDIT_STORE = 'audit';

export function storeDir(vault: string, store: DataStore | typeof AUDIT_STORE): string {
  return path.join(vault, store);
}
export function storeDbPath(vault: string, store: DataStore | typeof AUDIT_STORE): string {
  return path.join(vault, store, `${store}.sqlite`);
}
export function storeKeyPath(vault: string, store: DataStore): string {
  return path.join(vault, store, 'store.key');
}
export function headerPath(vault: string): string {
  return path.join(vault, HEADER_FILE);
}

/** The file that marks a store destroyed at project end (see services/project-end/project-end.ts). */
export const TOMBSTONE = 'DESTROYED.json';

/** Destroyed, or being destroyed: the store's folder holds a tombstone. */
export function isDestroyed(vault: string, store: DataStore): boolean {
  return fs.existsSync(path.join(storeDir(vault, store), TOMBSTONE));
}
