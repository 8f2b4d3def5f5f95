/**
 * Backups (issue 28): a copy of the vault in each backup place the student names, so a
 * stolen laptop or a dead disk loses nothing, while every promise of the information letter
 * reaches the copies too ("you may withdraw at any time, and all data about you will be
 * deleted"; "the recordings and the key list are deleted at the end of the project").
 *
 * This file owns the format of one backup place (docs/backup.md):
 *
 *   <place>/hvelv-backup-<vaultId>/
 *     hvelv-vault.json         a copy of the vault's header (what the vault shows in clear)
 *     manifests/<seq>.json     the signed, sealed list of files and pieces; written last
 *     pieces/<group>/<id>      immutable pieces, each written whole (temp name, fsync, rename)
 *
 * A piece is sealed under a key derived from the user key (XChaCha20-Poly1305, its id in the
 * associated data), except a recording's blob, which is already sealed under its own
 * recording key (STREAM) and is copied as it is. An id is an HMAC of the content under a
 * second derived key, so the same content is stored once and a place reveals nothing of it.
 * A place keeps one copy, not a history: after the newest manifest is durable, older
 * manifests and every piece they alone referred to are removed, which is how a withdrawal
 * and the end date reach it (the person's rows and keys were in pieces nothing refers to
 * any more).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { encodeFields, fromB64, fromUtf8, toB64, utf8 } from '../../crypto/encoding';
import type { Crypto } from '../../crypto/sodium';
import { XNONCE_BYTES } from '../../crypto/sodium';
import { HvelvError, integrity } from '../../errors';
import { fsyncDir, nodeFileOps, writeFileAtomic, writeFileAtomicWith } from '../../vault/atomic-file';
import { readHeader, type SignedHeader } from '../../vault/header';

export const REPO_PREFIX = 'hvelv-backup-';
export const GROUPS = ['vault', 'keylist', 'recordings', 'transcripts', 'audit'] as const;
export type Group = (typeof GROUPS)[number];
/** SQLite snapshots are cut into pieces of this size: a day's changes touch a few of them. */
export const DB_CHUNK = 32 * 1024;
const TMP = '.hvelv-tmp';
/** The largest a sealed piece can be: a chunk, its nonce and its tag. Anything larger is not ours. */
export const MAX_SEALED_PIECE = DB_CHUNK + XNONCE_BYTES + 16;

/**
 * How many bytes a piece is read in at a time when it is hashed or copied (a recording's blob
 * can be many GiB; reading it whole failed over 2 GiB and held it all in memory). Tests set it
 * small to cross many chunk boundaries with a small piece; nothing else changes it.
 */
export const streaming = { chunk: 4 * 1024 * 1024 };

/**
 * Read `file` from start to end in pieces of `streaming.chunk` bytes, handing each to
 * `onChunk` (the buffer is reused: copy what must outlive the call). Returns the bytes read.
 * Memory stays the same whatever the file's size.
 */
export function streamFile(file: string, onChunk: (part: Uint8Array) => void): number {
  const buf = Buffer.allocUnsafe(streaming.chunk);
  const fd = fs.openSync(file, 'r');
  let total = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      onChunk(buf.subarray(0, n));
      total += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return total;
}

/** The size of a file, or null when it is not there. */
export function sizeOf(file: string): number | null {
  try {
    return fs.statSync(file).size;
  } catch {
    return null;
  }
}

export function repoDir(place: string, vaultId: string): string {
  return path.join(place, `${REPO_PREFIX}${vaultId}`);
}

export interface PieceInfo {
  group: Group;
  /** Bytes of the piece file. */
  size: number;
  /** SHA-256 of the piece file (hex): `backup verify` reads every piece back against it. */
  sha256: string;
  /** `sealed`: our nonce + XChaCha20-Poly1305; `blob`: a recording's own STREAM file, as it is in the vault. */
  kind: 'sealed' | 'blob';
}

export interface WithdrawalRecord {
  code: string;
  /** The withdrawal's date, as on the receipt. */
  date: string;
}

/** What each place keeps of the promises: only what receipts and the header already hold, no names. */
export interface Promises {
  withdrawals: WithdrawalRecord[];
  endDate: string;
  endAction: 'anonymise' | 'delete-all';
  /** The stores the end date destroyed (empty before the end). */
  destroyed: string[];
}

export interface ManifestBody {
  createdAt: string;
  files: { path: string; size: number; pieces: string[] }[];
  pieces: Record<string, PieceInfo>;
  promises: Promises;
}

export interface Manifest extends ManifestBody {
  seq: number;
  vaultId: string;
}

const idRe = /^[0-9a-f]{64}$/;
const manifestFileSchema = z.strictObject({
  format: z.literal('hvelv-backup-manifest'),
  version: z.literal(1),
  vaultId: z.string().regex(/^[0-9a-f]{32}$/),
  seq: z.number().int().min(1),
  nonce: z.string(),
  ciphertext: z.string(),
  signature: z.string(),
});
const bodySchema = z.strictObject({
  createdAt: z.string(),
  files: z.array(z.strictObject({ path: z.string().min(1).max(400), size: z.number().int().min(0), pieces: z.array(z.string().regex(idRe)) })),
  pieces: z.record(z.string().regex(idRe), z.strictObject({ group: z.enum(GROUPS), size: z.number().int().min(0), sha256: z.string().regex(idRe), kind: z.enum(['sealed', 'blob']) })),
  promises: z.strictObject({
    withdrawals: z.array(z.strictObject({ code: z.string().max(40), date: z.string().max(10) })),
    endDate: z.string(),
    endAction: z.enum(['anonymise', 'delete-all']),
    destroyed: z.array(z.string()),
  }),
});

/** Far above a manifest's size (a piece's entry is ~200 bytes; 256 MiB lists a million pieces). */
const MAX_MANIFEST = 256 * 1024 * 1024;
const manifestName = (seq: number): string => `${String(seq).padStart(10, '0')}.json`;
const manifestAd = (vaultId: string, seq: number): Uint8Array => encodeFields('hvelv/backup-manifest-body', [1, vaultId, seq]);
const pieceAd = (vaultId: string, id: string): Uint8Array => encodeFields('hvelv/backup-piece', [1, vaultId, id]);
export const manifestSigned = (vaultId: string, seq: number, nonce: string, ciphertext: string): Uint8Array =>
  encodeFields('hvelv/backup-manifest', [1, vaultId, seq, nonce, ciphertext]);

/** The keys a place is read and written with (derived from the user key: services never see it). */
export interface RepoKeys {
  crypto: Crypto;
  vaultId: string;
  sealKey: Uint8Array;
  nameKey: Uint8Array;
  ownerPublicKey: Uint8Array;
}

/** The id of a sealed piece: HMAC of its group and content under the naming key. */
export function sealedPieceId(keys: RepoKeys, group: Group, plain: Uint8Array): string {
  return createHmac('sha256', keys.nameKey).update(encodeFields('hvelv/backup-piece-id', [1, group])).update(plain).digest('hex');
}

/** The id of a recording's blob: blobs never change once written, so their path and size name them. */
export function blobPieceId(keys: RepoKeys, rel: string, size: number): string {
  return createHmac('sha256', keys.nameKey).update(encodeFields('hvelv/backup-blob-id', [1, rel, size])).digest('hex');
}

export function piecePath(repo: string, group: Group, id: string): string {
  return path.join(repo, 'pieces', group, id);
}

export function sealPiece(keys: RepoKeys, id: string, plain: Uint8Array): Uint8Array {
  const nonce = keys.crypto.random(XNONCE_BYTES);
  const ct = keys.crypto.seal(keys.sealKey, nonce, plain, pieceAd(keys.vaultId, id));
  const out = new Uint8Array(nonce.length + ct.length);
  out.set(nonce, 0);
  out.set(ct, nonce.length);
  return out;
}

/** Null when the piece does not open under this vault's key with this id (altered, swapped, torn). */
export function openPiece(keys: RepoKeys, id: string, bytes: Uint8Array): Uint8Array | null {
  if (bytes.length < XNONCE_BYTES + 16) return null;
  return keys.crypto.open(keys.sealKey, bytes.subarray(0, XNONCE_BYTES), bytes.subarray(XNONCE_BYTES), pieceAd(keys.vaultId, id));
}

export const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/**
 * Write `data` as a new file at `target` whole or not at all: a temporary name in the same
 * folder, fsync, rename. The folder is fsynced by the caller once per batch (`fsyncDir`).
 */
export function writeWhole(target: string, fill: (write: (b: Uint8Array) => void) => void): void {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}${TMP}`);
  writeFileAtomicWith(target, fill, nodeFileOps, tmp, false);
}

/** The newest manifest's sequence number among the names in `manifests/` (0: none). */
export function manifestSeqs(repo: string): number[] {
  const dir = path.join(repo, 'manifests');
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((n) => /^(\d{10})\.json$/.exec(n)?.[1])
    .filter((x): x is string => x !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

export function writeManifest(repo: string, keys: RepoKeys, seq: number, body: ManifestBody, sign: (m: Uint8Array) => Uint8Array): void {
  const { crypto, vaultId } = keys;
  const nonce = crypto.random(XNONCE_BYTES);
  const ct = crypto.seal(keys.sealKey, nonce, utf8(JSON.stringify(body)), manifestAd(vaultId, seq));
  const n = toB64(nonce);
  const c = toB64(ct);
  const signature = toB64(sign(manifestSigned(vaultId, seq, n, c)));
  const file = { format: 'hvelv-backup-manifest', version: 1, vaultId, seq, nonce: n, ciphertext: c, signature };
  const dir = path.join(repo, 'manifests');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileAtomic(path.join(dir, manifestName(seq)), utf8(JSON.stringify(file)));
}

/** Read, check the owner's signature on, and open manifest `seq`. INTEGRITY when any of it fails. */
export function readManifest(repo: string, keys: RepoKeys, seq: number): Manifest {
  const file = path.join(repo, 'manifests', manifestName(seq));
  let parsed: z.infer<typeof manifestFileSchema>;
  try {
    // Only a plain file of a plausible size is opened: a named pipe there (whoever can write to
    // the place) would hold a run, verify or restore, and the app with them, for ever.
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > MAX_MANIFEST) throw integrity(`manifest ${seq} is not a file of a manifest's size`);
    parsed = manifestFileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new HvelvError('NOT_FOUND', `${file} is missing`);
    throw integrity(`manifest ${seq} is malformed`, err);
  }
  if (parsed.vaultId !== keys.vaultId || parsed.seq !== seq) throw integrity(`manifest ${seq} belongs to another vault or place in the sequence`);
  const sig = fromB64(parsed.signature, 64, 'manifest signature');
  if (!keys.crypto.verify(keys.ownerPublicKey, manifestSigned(keys.vaultId, seq, parsed.nonce, parsed.ciphertext), sig)) {
    throw integrity(`manifest ${seq} is not signed by this vault's owner`);
  }
  const plain = keys.crypto.open(keys.sealKey, fromB64(parsed.nonce, XNONCE_BYTES, 'nonce'), fromB64(parsed.ciphertext), manifestAd(keys.vaultId, seq));
  if (!plain) throw integrity(`manifest ${seq} does not decrypt`);
  try {
    return { ...bodySchema.parse(JSON.parse(fromUtf8(plain))), seq, vaultId: keys.vaultId };
  } catch (err) {
    throw integrity(`manifest ${seq} is malformed`, err);
  }
}

/** The newest manifest that reads and checks, newest first; a torn or altered newer one is reported and passed over. */
export function newestManifest(repo: string, keys: RepoKeys): { manifest: Manifest | null; problems: string[] } {
  const problems: string[] = [];
  for (const seq of manifestSeqs(repo).reverse()) {
    try {
      return { manifest: readManifest(repo, keys, seq), problems };
    } catch (err) {
      if (!(err instanceof HvelvError)) throw err;
      problems.push(err.message);
    }
  }
  return { manifest: null, problems };
}

/** The header copy a place keeps (checked: its signature, format and bounds, as a vault's). */
export function readRepoHeader(repo: string, crypto: Crypto): SignedHeader {
  return readHeader(repo, crypto);
}

/**
 * Read every piece of `manifest` back and check it (size, SHA-256, and for sealed pieces
 * that it opens under this vault's key and id): what `hvelv backup verify` reports. Also
 * checks that each file's pieces add up to its size.
 */
export function verifyRepo(repo: string, keys: RepoKeys, manifest: Manifest): string[] {
  const problems: string[] = [];
  const plainSizes = new Map<string, number>();
  for (const [id, info] of Object.entries(manifest.pieces)) {
    const file = piecePath(repo, info.group, id);
    const name = `piece ${info.group}/${id.slice(0, 12)}…`;
    // The size first, from the file system: a piece enlarged by someone with access to the
    // place is found without reading it.
    const size = sizeOf(file);
    if (size === null) {
      problems.push(`${name} is missing`);
      continue;
    }
    if (size !== info.size) {
      problems.push(`${name} has ${size} bytes, the manifest says ${info.size} (torn)`);
      continue;
    }
    if (info.kind === 'blob') {
      // A recording's blob, many GiB perhaps: hashed as it streams by, never held whole.
      const hash = createHash('sha256');
      try {
        streamFile(file, (part) => hash.update(part));
      } catch {
        problems.push(`${name} cannot be read`);
        continue;
      }
      if (hash.digest('hex') !== info.sha256) problems.push(`${name} does not match the manifest (altered)`);
      else plainSizes.set(id, size);
      continue;
    }
    if (size > MAX_SEALED_PIECE) {
      problems.push(`${name} is larger than a sealed piece can be`);
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(file);
    } catch {
      problems.push(`${name} cannot be read`);
      continue;
    }
    if (bytes.length !== info.size) {
      problems.push(`${name} has ${bytes.length} bytes, the manifest says ${info.size} (torn)`);
      continue;
    }
    if (sha256Hex(bytes) !== info.sha256) {
      problems.push(`${name} does not match the manifest (altered)`);
      continue;
    }
    const plain = openPiece(keys, id, bytes);
    if (!plain) problems.push(`${name} does not decrypt`);
    else {
      plainSizes.set(id, plain.length);
      keys.crypto.wipe(plain);
    }
  }
  for (const f of manifest.files) {
    if (f.pieces.some((id) => !manifest.pieces[id])) {
      problems.push(`${f.path}: the manifest names a piece it does not describe`);
      continue;
    }
    if (f.pieces.every((id) => plainSizes.has(id))) {
      const total = f.pieces.reduce((n, id) => n + plainSizes.get(id)!, 0);
      if (total !== f.size) problems.push(`${f.path}: its pieces hold ${total} bytes, the file had ${f.size}`);
    }
  }
  return problems;
}

/** Remove every piece and temporary file no manifest in `keep` refers to, and every manifest before `newest`. */
export function prune(repo: string, newest: Manifest): { removedPieces: number } {
  let removedPieces = 0;
  for (const seq of manifestSeqs(repo)) if (seq < newest.seq) fs.rmSync(path.join(repo, 'manifests', manifestName(seq)), { force: true });
  for (const name of fs.existsSync(path.join(repo, 'manifests')) ? fs.readdirSync(path.join(repo, 'manifests')) : []) {
    if (name.endsWith(TMP)) fs.rmSync(path.join(repo, 'manifests', name), { force: true });
  }
  fsyncDir(path.join(repo, 'manifests'));
  for (const group of GROUPS) {
    const dir = path.join(repo, 'pieces', group);
    if (!fs.existsSync(dir)) continue;
    let changed = false;
    for (const name of fs.readdirSync(dir)) {
      const referenced = idRe.test(name) && newest.pieces[name]?.group === group;
      if (referenced) continue;
      fs.rmSync(path.join(dir, name), { force: true });
      changed = true;
      if (!name.endsWith(TMP)) removedPieces++;
    }
    if (changed) fsyncDir(dir);
  }
  return { removedPieces };
}
