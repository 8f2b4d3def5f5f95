/**
 * `backup run` and `backup verify`: bring every reachable backup place up to the vault as it
 * is now (withdrawals and the end date included: what the vault no longer holds, the place
 * no longer holds either), and read every piece of a place back against its manifest.
 *
 * The snapshot is taken in one synchronous step, so no write of the session comes between
 * the stores: each SQLite store is serialised into memory (SQLite's own consistent image,
 * the WAL included), never copied as a live file; its bytes are cut into pieces and sealed
 * before anything is written, so no plaintext and no open database reaches the place.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { openDb } from '../../stores/sqlite';
import { HvelvError } from '../../errors';
import { fsyncDir, writeFileAtomic } from '../../vault/atomic-file';
import { DATA_STORES, HEADER_FILE } from '../../vault/layout';
import type { VaultSession } from '../../vault/vault';
import type { Crypto } from '../../crypto/sodium';
import { T, type RegistryEntry } from '../../consent/model';
import {
  blobPieceId,
  DB_CHUNK,
  GROUPS,
  newestManifest,
  manifestSeqs,
  piecePath,
  prune,
  repoDir,
  sealedPieceId,
  sealPiece,
  sha256Hex,
  verifyRepo,
  writeManifest,
  writeWhole,
  type Group,
  type ManifestBody,
  type PieceInfo,
  type Promises,
  type RepoKeys,
} from './repository';
import { mergeWithdrawals, pendingAt, readRecord, writeRecord, type BackupRecord, type Place } from './places';

/** Files of a vault a copy leaves out: the lock, temp files, a live database's journals, the list of exports in progress on this machine. */
// A backup place's own folder is never part of the vault it copies (a place reached through a link into the vault).
const SKIP = [/^hvelv-backup-/, /^hvelv\.lock$/, /\.hvelv-tmp$/, /\.partial$/, /-wal$/, /-shm$/, /-journal$/, /^exports\.sealed$/];

interface SnapFile {
  rel: string;
  size: number;
  group: Group;
  /** In memory (a store's snapshot or a small file), cut into pieces. */
  chunks?: { id: string; plain: Uint8Array }[];
  /** A recording's blob, copied as it is (already sealed under its own key). */
  blob?: { abs: string; id: string };
}

export interface Snapshot {
  files: SnapFile[];
  promises: Promises;
  header: Uint8Array;
}

function groupOf(rel: string): Group {
  const first = rel.split('/')[0]!;
  return (GROUPS as readonly string[]).includes(first) && first !== 'vault' ? (first as Group) : 'vault';
}

function walk(dir: string, base: string, out: string[]): void {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (SKIP.some((re) => re.test(e.name))) continue;
    if (e.isDirectory()) walk(path.join(dir, e.name), rel, out);
    else if (e.isFile()) out.push(rel);
  }
}

export function repoKeys(session: VaultSession, crypto: Crypto): RepoKeys {
  return { crypto, vaultId: session.vaultId, sealKey: session.derivedKey('backup-seal'), nameKey: session.derivedKey('backup-name'), ownerPublicKey: session.ownerPublicKey };
}

/** Every withdrawal the vault knows of: its register's, and those its record kept past the end date. */
export function knownWithdrawals(session: VaultSession, record: BackupRecord): { code: string; date: string }[] {
  const keylist = session.stores.keylist;
  const fromRegister = keylist.destroyed
    ? []
    : keylist
        .list<RegistryEntry>(T.participant)
        .map((r) => r.data)
        .filter((e) => e.status !== 'active' && e.withdrawal)
        .map((e) => ({ code: e.code, date: e.withdrawal!.date }));
  return mergeWithdrawals(record.withdrawals, fromRegister);
}

/** The vault as it is, in memory and cut into pieces (synchronous: no write comes between the stores). */
export function takeSnapshot(session: VaultSession, keys: RepoKeys, record: BackupRecord): Snapshot {
  const rels: string[] = [];
  walk(session.path, '', rels);
  rels.sort();
  const files: SnapFile[] = [];
  for (const rel of rels) {
    const abs = path.join(session.path, ...rel.split('/'));
    const group = groupOf(rel);
    if (/^recordings\/blobs\/[0-9a-f]{32}\.hvr$/.test(rel)) {
      const size = fs.statSync(abs).size;
      files.push({ rel, size, group, blob: { abs, id: blobPieceId(keys, rel, size) } });
      continue;
    }
    let bytes: Uint8Array;
    if (rel.endsWith('.sqlite')) {
      // SQLite's consistent image of the store (pages of the WAL included), in memory.
      const db = openDb(abs, { create: false, readonly: true });
      try {
        bytes = db.serialize();
      } finally {
        db.close();
      }
    } else bytes = fs.readFileSync(abs);
    const chunks: { id: string; plain: Uint8Array }[] = [];
    for (let off = 0; off < bytes.length || (off === 0 && chunks.length === 0); off += DB_CHUNK) {
      const plain = bytes.subarray(off, Math.min(bytes.length, off + DB_CHUNK));
      chunks.push({ id: sealedPieceId(keys, group, plain), plain });
      if (bytes.length === 0) break;
    }
    files.push({ rel, size: bytes.length, group, chunks });
  }
  const facts = session.facts;
  return {
    files,
    header: fs.readFileSync(path.join(session.path, HEADER_FILE)),
    promises: {
      withdrawals: knownWithdrawals(session, record),
      endDate: facts.endDate,
      endAction: facts.endAction,
      destroyed: DATA_STORES.filter((s) => session.stores[s].destroyed),
    },
  };
}

export function wipeSnapshot(snap: Snapshot): void {
  for (const f of snap.files) for (const c of f.chunks ?? []) c.plain.fill(0);
}

export interface PlaceResult {
  dir: string;
  /**
   * 'refused': the place holds something this vault did not write last (`reason`): a newer
   * copy (another copy of the vault, restored or old, wrote it: writing over it could undo
   * withdrawals it holds), or no copy where this vault made one (another disk at the same
   * path: the real copy, still holding what was withdrawn, is elsewhere). Nothing is written.
   */
  outcome: 'copied' | 'unreachable' | 'failed' | 'refused';
  reason?: 'newer-there' | 'not-found';
  error?: string;
  seq?: number;
  /** Pieces written this run, and their bytes; pieces removed (no longer in the vault). */
  newPieces: number;
  newBytes: number;
  removedPieces: number;
  totalBytes: number;
}

const yieldNow = (): Promise<void> => new Promise((r) => setImmediate(r));

/** Copy one snapshot to one place; the previous copy there stays whole until the new manifest is durable. */
async function copyTo(repo: string, keys: RepoKeys, snap: Snapshot, seq: number, createdAt: string, sign: (m: Uint8Array) => Uint8Array): Promise<Omit<PlaceResult, 'dir' | 'outcome'>> {
  fs.mkdirSync(repo, { recursive: true, mode: 0o700 });
  for (const g of GROUPS) fs.mkdirSync(path.join(repo, 'pieces', g), { recursive: true, mode: 0o700 });
  // The header first: a restore needs it to turn the passphrase into the keys.
  writeFileAtomic(path.join(repo, HEADER_FILE), snap.header);
  const known = newestManifest(repo, keys).manifest?.pieces ?? {};
  const pieces: Record<string, PieceInfo> = {};
  const files: ManifestBody['files'] = [];
  let newPieces = 0;
  let newBytes = 0;
  const touched = new Set<Group>();
  const existing = (file: string, id: string, group: Group): PieceInfo | null => {
    let st: fs.Stats;
    try {
      st = fs.statSync(file);
    } catch {
      return null;
    }
    const k = known[id];
    if (k && k.group === group && k.size === st.size) return k;
    // Present but not in the last manifest (a run cut short): hashed again, not trusted blindly.
    return null;
  };
  for (const f of snap.files) {
    const ids: string[] = [];
    if (f.blob) {
      const { id, abs } = f.blob;
      const target = piecePath(repo, f.group, id);
      let info = existing(target, id, f.group);
      if (!info) {
        const hash = createHash('sha256');
        const buf = Buffer.allocUnsafe(4 * 1024 * 1024);
        const fd = fs.openSync(abs, 'r');
        let total = 0;
        try {
          writeWhole(target, (write) => {
            for (;;) {
              const n = fs.readSync(fd, buf, 0, buf.length, null);
              if (n === 0) break;
              const part = buf.subarray(0, n);
              hash.update(part);
              write(part);
              total += n;
            }
          });
        } finally {
          fs.closeSync(fd);
        }
        if (total !== f.size) throw new HvelvError('IO', `${f.rel} changed while it was copied`);
        info = { group: f.group, size: total, sha256: hash.digest('hex'), kind: 'blob' };
        newPieces++;
        newBytes += total;
        touched.add(f.group);
        await yieldNow();
      }
      pieces[id] = info;
      ids.push(id);
    } else {
      for (const c of f.chunks!) {
        ids.push(c.id);
        if (pieces[c.id]) continue;
        const target = piecePath(repo, f.group, c.id);
        let info = existing(target, c.id, f.group);
        if (!info) {
          const sealed = sealPiece(keys, c.id, c.plain);
          writeWhole(target, (write) => write(sealed));
          info = { group: f.group, size: sealed.length, sha256: sha256Hex(sealed), kind: 'sealed' };
          newPieces++;
          newBytes += sealed.length;
          touched.add(f.group);
        }
        pieces[c.id] = info;
      }
    }
    files.push({ path: f.rel, size: f.size, pieces: ids });
  }
  for (const g of touched) fsyncDir(path.join(repo, 'pieces', g));
  // The manifest last: until it is durable, the place's previous copy is the one that counts.
  const body: ManifestBody = { createdAt, files, pieces, promises: snap.promises };
  writeManifest(repo, keys, seq, body, sign);
  const { removedPieces } = prune(repo, { ...body, seq, vaultId: keys.vaultId });
  const totalBytes = Object.values(pieces).reduce((n, p) => n + p.size, 0);
  return { seq, newPieces, newBytes, removedPieces, totalBytes };
}

/**
 * Bring every place (or the one named) up to the vault. An unreachable place is reported,
 * not an error: the others still get their copy, and the place stays listed until a run
 * reaches it.
 */
export function runBackup(session: VaultSession, crypto: Crypto, now: () => Date, opts: { only?: string } = {}): Promise<PlaceResult[]> {
  // One run at a time per vault: a run gives way between recordings, and a second run then
  // (the Backup button pressed while a withdrawal brings the places up to it) took the next
  // number and wrote its copy, and the first, finishing, pruned the pieces the newer copy
  // needed and set the place back to its older number (refused from then on). The second
  // waits, and then takes its own snapshot: the newer vault, without whoever withdrew.
  const before = runs.get(session) ?? Promise.resolve();
  const run = before.then(() => runBackupNow(session, crypto, now, opts));
  const tail = run.catch(() => undefined);
  runs.set(session, tail);
  void tail.then(() => {
    if (runs.get(session) === tail) runs.delete(session);
  });
  return run;
}

/** The run under way (or last) of each unlocked vault: the next waits for it. */
const runs = new WeakMap<VaultSession, Promise<unknown>>();

async function runBackupNow(session: VaultSession, crypto: Crypto, now: () => Date, opts: { only?: string }): Promise<PlaceResult[]> {
  const record = readRecord(session);
  // A place recorded destroyed is passed over, unless its copy can be reached again (the disk
  // turned up): then it is brought up like any other, and is no longer recorded destroyed.
  const copyThere = (p: Place) => manifestSeqs(repoDir(p.dir, session.vaultId)).length > 0;
  const places = record.places.filter((p) => (!p.destroyedOn || copyThere(p)) && (!opts.only || p.dir === path.resolve(opts.only)));
  if (opts.only && places.length === 0) throw new HvelvError('NOT_FOUND', `${opts.only} is not a backup place of this vault`);
  const keys = repoKeys(session, crypto);
  const results: PlaceResult[] = [];
  const base = (dir: string) => ({ dir, newPieces: 0, newBytes: 0, removedPieces: 0, totalBytes: 0 });
  // Each place is first checked to hold what this vault wrote there last, and nothing newer.
  const going: { place: Place; repo: string }[] = [];
  // Places refused because a copy this vault did not write last is there: it may hold anyone withdrawn since.
  const found = new Set<string>();
  let seq = record.seq;
  for (const place of places) {
    if (!isFolder(place.dir)) {
      results.push({ ...base(place.dir), outcome: 'unreachable' });
      continue;
    }
    const repo = repoDir(place.dir, session.vaultId);
    const seqs = manifestSeqs(repo);
    const newestNumber = seqs.at(-1) ?? 0;
    const readable = newestManifest(repo, keys).manifest?.seq ?? 0;
    if (place.lastSeq > 0 && seqs.length === 0) {
      results.push({ ...base(place.dir), outcome: 'refused', reason: 'not-found' });
      continue;
    }
    if (Math.max(newestNumber, readable) > place.lastSeq) {
      found.add(place.dir);
      results.push({ ...base(place.dir), outcome: 'refused', reason: 'newer-there' });
      continue;
    }
    seq = Math.max(seq, newestNumber);
    going.push({ place, repo });
  }
  // One number for the run, kept in the vault's record BEFORE the snapshot: the record a copy
  // carries says what each place holds once this run is done, so a vault restored from it
  // knows its places (and a copy made later by another vault is seen as newer, not overwritten).
  seq += 1;
  const planned = new Set(going.map((g) => g.place.dir));
  if (going.length > 0) writeRecord(session, { ...record, seq, places: record.places.map((p) => (planned.has(p.dir) ? { ...p, lastSeq: seq } : p)) }, now());
  const snap = takeSnapshot(session, keys, readRecord(session));
  const updated: Place[] = [];
  const failed: Place[] = [];
  try {
    for (const { place, repo } of going) {
      try {
        const at = now().toISOString();
        const r = await copyTo(repo, keys, snap, seq, at, (m) => session.signBackupManifest(m));
        results.push({ ...base(place.dir), ...r, outcome: 'copied' });
        updated.push({ ...place, lastCopyAt: at, lastSeq: seq, lastSeenAt: at, carried: snap.promises.withdrawals.map((w) => w.code), endCarried: snap.promises.destroyed.length > 0, copyFound: false, destroyedOn: null });
      } catch (err) {
        results.push({ ...base(place.dir), outcome: 'failed', error: (err as Error).message });
        // What the place holds now: this run's copy if its manifest was written, else the one before.
        failed.push({ ...place, lastSeq: manifestSeqs(repo).includes(seq) ? seq : place.lastSeq });
      }
    }
  } finally {
    wipeSnapshot(snap);
    crypto.wipe(keys.sealKey, keys.nameKey);
  }
  // Read again: nothing else writes the record while this session holds the vault.
  const latest = readRecord(session);
  writeRecord(session, {
    ...latest,
    seq: Math.max(latest.seq, seq),
    withdrawals: mergeWithdrawals(latest.withdrawals, snap.promises.withdrawals),
    places: latest.places.map((p) => updated.find((u) => u.dir === p.dir) ?? failed.find((f) => f.dir === p.dir) ?? (found.has(p.dir) ? { ...p, copyFound: true } : p)),
  }, now());
  // In the order of the places, as the list shows them.
  const order = (dir: string) => places.findIndex((p) => p.dir === dir);
  results.sort((a, b) => order(a.dir) - order(b.dir));
  session.audit.append('backup.run', { details: { copied: results.filter((r) => r.outcome === 'copied').length, unreachable: results.filter((r) => r.outcome === 'unreachable').length, failed: results.filter((r) => r.outcome === 'failed').length, refused: results.filter((r) => r.outcome === 'refused').length } });
  return results;
}

export interface PlaceStatus extends Place {
  reachable: boolean;
  /** Withdrawals (codes) and the end date the copy there has not yet been brought up to. */
  pending: { withdrawals: string[]; end: boolean };
}

/** Each place, whether it can be reached now, and what it still holds that the vault no longer does. */
export function backupStatus(session: VaultSession): { places: PlaceStatus[]; withdrawals: number } {
  const record = readRecord(session);
  const all = { ...record, withdrawals: knownWithdrawals(session, record) };
  const ended = DATA_STORES.some((s) => session.stores[s].destroyed);
  return {
    withdrawals: all.withdrawals.length,
    places: record.places.map((p) => ({ ...p, reachable: isFolder(p.dir), pending: pendingAt(p, all, ended) })),
  };
}

/** Read back every piece of every reachable place (or the one named) against its newest manifest. */
export function verifyBackups(session: VaultSession, crypto: Crypto, opts: { only?: string } = {}): { dir: string; seq: number | null; problems: string[] }[] {
  const keys = repoKeys(session, crypto);
  try {
    const record = readRecord(session);
    const places = record.places.filter((p) => !opts.only || p.dir === path.resolve(opts.only));
    if (opts.only && places.length === 0) return [verifyPlace(path.resolve(opts.only), keys)];
    return places.map((p) => verifyPlace(p.dir, keys));
  } finally {
    crypto.wipe(keys.sealKey, keys.nameKey);
  }
}

export function verifyPlace(dir: string, keys: RepoKeys): { dir: string; seq: number | null; problems: string[] } {
  if (!isFolder(dir)) return { dir, seq: null, problems: ['the place cannot be reached'] };
  const repo = repoDir(dir, keys.vaultId);
  const { manifest, problems } = newestManifest(repo, keys);
  if (!manifest) return { dir, seq: null, problems: [...problems, 'no copy of this vault is there'] };
  return { dir, seq: manifest.seq, problems: [...problems, ...verifyRepo(repo, keys, manifest)] };
}

function isFolder(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Right after a withdrawal: bring every place that can be reached up to it, and say for each
 * place whether it was (what the receipt lists). A failure to copy is not the withdrawal's:
 * the vault is already done; the place stays listed as holding the person until a run reaches it.
 */
export async function backupAfterWithdrawal(session: VaultSession, crypto: Crypto, now: () => Date, code: string): Promise<{ dir: string; updated: boolean }[]> {
  if (readRecord(session).places.length === 0) return [];
  await runBackup(session, crypto, now);
  return placesForReceipt(session, code);
}

/** Each backup place, and whether the copy there no longer holds `code` (what a receipt lists). */
export function placesForReceipt(session: VaultSession, code: string): { dir: string; updated: boolean }[] {
  return backupStatus(session)
    .places.filter((p) => !p.destroyedOn)
    .map((p) => ({ dir: p.dir, updated: (p.lastSeq === 0 && !p.copyFound) || !p.pending.withdrawals.includes(code) }));
}
