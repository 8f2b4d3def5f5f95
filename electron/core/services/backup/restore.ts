/**
 * `hvelv restore <dir> <new-vault> [--also <dir>…]`: a vault again from a backup place, on
 * this machine or a new one, with the passphrase. Serves the letter's promise of withdrawal
 * for the copies: before the restored vault is handed over, every withdrawal recorded in the
 * copy, in each further place and in each vault shown is carried out in it, so an older copy
 * cannot bring a person back; the end date is enforced as on every opening. An older copy
 * never silently wins: when a place or vault shown holds a newer copy, the restore is refused
 * unless the student says they mean the older one (then that newer source's withdrawals apply).
 *
 * The vault is assembled in a hidden folder beside the target (every file written whole,
 * the header last), opened, checked, brought up to the promises, and only then renamed into
 * place: a restore cut short leaves no half vault at the target.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { HvelvError, integrity } from '../../errors';
import { fsyncDir } from '../../vault/atomic-file';
import { DATA_STORES, HEADER_FILE } from '../../vault/layout';
import { readHeader } from '../../vault/header';
import { derivedKeysFromHeader, unlockVault, type VaultDeps } from '../../vault/vault';
import { registryEntry } from '../../consent/model';
import { enforceProjectEnd } from '../project-end/project-end';
import { Participants } from '../participants/participants';
import { manifestSeqs, MAX_SEALED_PIECE, newestManifest, openPiece, piecePath, REPO_PREFIX, repoDir, sizeOf, streamFile, writeWhole, type Manifest, type RepoKeys, type WithdrawalRecord } from './repository';
import { mergeWithdrawals, readRecord, writeRecord } from './places';
import { knownWithdrawals } from './run';

export interface RestoreOptions {
  /** Further backup places or vaults whose records of withdrawals and the end date apply. */
  also?: string[];
  /** Restore this copy even though a source shown holds a newer one. */
  allowOlder?: boolean;
}

export interface RestoreResult {
  vault: string;
  seq: number;
  /** When the copy restored was made. */
  copyMadeAt: string;
  /** The newest copy among everything shown (the copy itself when nothing newer was shown). */
  newestKnownAt: string;
  /** Withdrawals carried out in the restored vault that the copy itself did not have. */
  applied: WithdrawalRecord[];
  /** Sources given with --also that could not be read, and why. */
  unreadable: { dir: string; reason: string }[];
  /**
   * The backup places the copy's own record names, each looked at on its own: 'read' (its
   * withdrawals and end date applied), 'unreachable' (not found from this computer: it may
   * hold later withdrawals), 'same' (the place restored from, or one given with --also).
   */
  places: { dir: string; outcome: 'read' | 'unreachable' | 'same'; madeAt?: string }[];
  /** Whether the end date was carried into the restored vault because a newer source had reached it. */
  endFromSource: boolean;
  problems: string[];
}

/** The backup folder of one vault in `dir` (`dir` may also be that folder itself). */
export function findRepo(dir: string, vaultId?: string): string | null {
  const abs = path.resolve(dir);
  if (path.basename(abs).startsWith(REPO_PREFIX) && fs.existsSync(path.join(abs, 'manifests'))) {
    return !vaultId || path.basename(abs) === `${REPO_PREFIX}${vaultId}` ? abs : null;
  }
  if (vaultId) return fs.existsSync(path.join(repoDir(abs, vaultId), 'manifests')) ? repoDir(abs, vaultId) : null;
  let names: string[];
  try {
    names = fs.readdirSync(abs).filter((n) => n.startsWith(REPO_PREFIX) && fs.existsSync(path.join(abs, n, 'manifests')));
  } catch {
    return null;
  }
  if (names.length > 1) throw new HvelvError('INVALID_INPUT', `${abs} holds copies of ${names.length} vaults: name the one meant (${names.join(', ')})`);
  return names.length === 1 ? path.join(abs, names[0]!) : null;
}

interface Source {
  dir: string;
  seq: number;
  madeAt: string;
  withdrawals: WithdrawalRecord[];
  /** The stores the end date had destroyed there. */
  destroyed: string[];
}

export async function restoreVault(from: string, target: string, passphrase: Uint8Array, deps: VaultDeps, opts: RestoreOptions = {}): Promise<RestoreResult> {
  const { crypto } = deps;
  const repo = findRepo(from);
  if (!repo) throw new HvelvError('BACKUP_NOT_FOUND', `no backup of a vault in ${from}`);
  const dest = path.resolve(target);
  if (fs.existsSync(dest) && (!fs.statSync(dest).isDirectory() || fs.readdirSync(dest).length > 0)) {
    throw new HvelvError('VAULT_EXISTS', `${dest} already exists and is not an empty folder: a restore never writes over a vault`);
  }
  const header = readHeader(repo, crypto);
  const vaultId = header.body.vaultId;
  const [sealKey, nameKey] = await derivedKeysFromHeader(header, passphrase.slice(), ['backup-seal', 'backup-name'], deps);
  const keys: RepoKeys = { crypto, vaultId, sealKey: sealKey!, nameKey: nameKey!, ownerPublicKey: header.publicKey };
  try {
    const { manifest } = newestManifest(repo, keys);
    if (!manifest) throw integrity(`${repo} holds no manifest that reads and checks`);
    // A newer copy that does not read or check is not passed over in silence: someone who can
    // write to the place (or a cloud's version history) could put an old copy back beside it.
    const unread = manifestSeqs(repo).filter((s) => s > manifest.seq);
    if (unread.length > 0 && !opts.allowOlder) {
      throw new HvelvError('BACKUP_OLDER', `the newest copy in ${from} (number ${unread.at(-1)}) does not read or check; the newest that does (made ${manifest.createdAt}) may lack later withdrawals: check the place, or say --allow-older`);
    }

    // What every other source shown knows: its newest copy and its withdrawals.
    const others: Source[] = [];
    const unreadable: { dir: string; reason: string }[] = [];
    for (const dir of opts.also ?? []) {
      try {
        others.push(await readSource(dir, vaultId, keys, passphrase.slice(), deps));
      } catch (err) {
        unreadable.push({ dir, reason: err instanceof Error ? err.message : String(err) });
      }
    }
    // A source the student named holds withdrawals this copy may lack: going on without it could bring a person back.
    if (unreadable.length > 0) throw new HvelvError('INVALID_INPUT', `could not read ${unreadable[0]!.dir} (${unreadable[0]!.reason}): nothing was restored`);
    const staging = path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(6).toString('hex')}.hvelv-restoring`);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    // A restore cut short (killed, a crash) left its staging folder: a whole vault from before
    // the withdrawals were applied. It goes before anything else is written here.
    removeStaleStaging(dest);
    fs.mkdirSync(staging, { mode: 0o700 });
    try {
      writeFiles(repo, keys, manifest, staging);
      // The places the copy's own record names: each one this computer can reach is read as
      // if given with --also (a copy made later there holds withdrawals this one lacks).
      const places: RestoreResult['places'] = [];
      const shown = new Set([repo, ...others.map((o) => o.dir)].map((d) => findRepoQuiet(d, vaultId) ?? d));
      for (const { dir, destroyed } of await recordedPlaces(staging, passphrase.slice(), deps)) {
        const there = findRepoQuiet(dir, vaultId);
        // A place recorded destroyed is looked at only if its copy can be reached (the disk
        // turned up, perhaps with a newer copy): otherwise it is gone, as the student said.
        if (destroyed && !there) continue;
        if (there && shown.has(there)) {
          places.push({ dir, outcome: 'same' });
          continue;
        }
        if (!there) {
          places.push({ dir, outcome: 'unreachable' });
          continue;
        }
        try {
          const src = await readSource(there, vaultId, keys, passphrase.slice(), deps);
          others.push({ ...src, dir });
          shown.add(there);
          places.push({ dir, outcome: 'read', madeAt: src.madeAt });
        } catch {
          // A copy there that does not read is no newer copy we know of: listed as not reached.
          places.push({ dir, outcome: 'unreachable' });
        }
      }
      const newer = others.filter((o) => o.seq > manifest.seq);
      if (newer.length > 0 && !opts.allowOlder) {
        const n = newer.sort((a, b) => b.seq - a.seq)[0]!;
        throw new HvelvError('BACKUP_OLDER', `the copy in ${from} (made ${manifest.createdAt}) is older than the one in ${n.dir} (${n.madeAt}): restore from that one, or say --allow-older`);
      }
      const wanted = mergeWithdrawals(manifest.promises.withdrawals, others.flatMap((o) => o.withdrawals));
      // The end date first, headless, as every opening does; then the withdrawals. A source
      // where the end date has already destroyed stores carries it here too, whatever this
      // computer's clock says.
      const endFromSource = others.some((o) => o.destroyed.length > 0) && manifest.promises.destroyed.length === 0;
      const endAt = endFromSource ? new Date(`${readHeader(staging, crypto).body.settings.endDate}T12:00:00`) : undefined;
      enforceProjectEnd(staging, { crypto, now: deps.now(), ...(endAt ? { requestedNow: endAt } : {}) });
      const session = await unlockVault(staging, passphrase.slice(), deps);
      const applied: WithdrawalRecord[] = [];
      let problems: string[];
      try {
        const participants = new Participants(session, deps.now);
        await participants.resumeWithdrawals();
        if (!session.stores.keylist.destroyed) {
          for (const w of wanted) {
            const entry = registryEntry(session.stores.keylist, w.code);
            if (!entry || entry.status === 'withdrawn') continue;
            await participants.withdraw(w.code, w.date);
            applied.push(w);
          }
        }
        const record = readRecord(session);
        writeRecord(session, { ...record, withdrawals: mergeWithdrawals(knownWithdrawals(session, record), wanted) }, deps.now());
        session.audit.append('backup.restored', { details: { seq: manifest.seq, madeAt: manifest.createdAt, applied: applied.length } });
        problems = session.verify();
      } finally {
        session.lock();
      }
      if (problems.length > 0) throw integrity(`the restored vault does not verify: ${problems[0]}`);
      if (fs.existsSync(dest)) fs.rmdirSync(dest);
      fs.renameSync(staging, dest);
      fsyncDir(path.dirname(dest));
      const newestKnownAt = [manifest.createdAt, ...others.map((o) => o.madeAt)].sort().at(-1)!;
      return { vault: dest, seq: manifest.seq, copyMadeAt: manifest.createdAt, newestKnownAt, applied, unreadable, places, endFromSource, problems };
    } catch (err) {
      // Only ciphertext was written there (the vault's own sealed files): removed, not shredded.
      fs.rmSync(staging, { recursive: true, force: true });
      throw err;
    }
  } finally {
    crypto.wipe(keys.sealKey, keys.nameKey);
  }
}

/** Reassemble every file of `manifest` under `dir`, each piece checked as it is read; the header last. */
function writeFiles(repo: string, keys: RepoKeys, manifest: Manifest, dir: string): void {
  const files = [...manifest.files].sort((a, b) => Number(a.path === HEADER_FILE) - Number(b.path === HEADER_FILE));
  const made = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..')) throw integrity(`the manifest names an unsafe path ${f.path}`);
    const target = path.join(dir, ...parts);
    const parent = path.dirname(target);
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true, mode: 0o700 });
      made.add(parent);
    }
    let total = 0;
    writeWhole(target, (write) => {
      for (const id of f.pieces) {
        const info = manifest.pieces[id];
        if (!info) throw integrity(`${f.path}: a piece is not described`);
        const file = piecePath(repo, info.group, id);
        const damaged = () => integrity(`${f.path}: piece ${id.slice(0, 12)}… is torn or altered (hvelv backup verify lists every such piece)`);
        // The size first, from the file system: nothing larger than the manifest says is read.
        if (sizeOf(file) !== info.size) throw damaged();
        if (info.kind === 'blob') {
          // A recording's blob (already sealed under its own key), streamed: written as it is
          // hashed, and refused at the end if the hash differs (the file is then never renamed
          // into place: writeWhole removes it).
          const hash = createHash('sha256');
          const n = streamFile(file, (part) => {
            hash.update(part);
            write(part);
          });
          if (n !== info.size || hash.digest('hex') !== info.sha256) throw damaged();
          total += n;
        } else {
          if (info.size > MAX_SEALED_PIECE) throw damaged();
          const bytes = fs.readFileSync(file);
          if (bytes.length !== info.size || createHash('sha256').update(bytes).digest('hex') !== info.sha256) throw damaged();
          const plain = openPiece(keys, id, bytes);
          if (!plain) throw integrity(`${f.path}: piece ${id.slice(0, 12)}… does not decrypt`);
          write(plain);
          total += plain.length;
          keys.crypto.wipe(plain);
        }
      }
    });
    if (total !== f.size) throw integrity(`${f.path}: its pieces hold ${total} bytes, the file had ${f.size}`);
  }
  for (const d of made) fsyncDir(d);
}

/** A further source: a backup place of the same vault, or the vault itself (opened with the same passphrase, read only). */
async function readSource(dir: string, vaultId: string, keys: RepoKeys, passphrase: Uint8Array, deps: VaultDeps): Promise<Source> {
  const abs = path.resolve(dir);
  if (fs.existsSync(path.join(abs, HEADER_FILE)) && !path.basename(abs).startsWith(REPO_PREFIX)) {
    const h = readHeader(abs, deps.crypto);
    if (h.body.vaultId !== vaultId) throw new HvelvError('INVALID_INPUT', `${abs} is another vault`);
    const session = await unlockVault(abs, passphrase, deps, { forInspection: true });
    try {
      const record = readRecord(session);
      // A vault is as new as anything it wrote, and newer than any copy of it.
      return { dir: abs, seq: Number.MAX_SAFE_INTEGER, madeAt: deps.now().toISOString(), withdrawals: knownWithdrawals(session, record), destroyed: DATA_STORES.filter((st) => session.stores[st].destroyed) };
    } finally {
      session.lock();
    }
  }
  const repo = findRepo(abs, vaultId);
  if (!repo) throw new HvelvError('BACKUP_NOT_FOUND', `no copy of this vault in ${abs}`);
  const { manifest } = newestManifest(repo, keys);
  if (!manifest) throw integrity(`${repo} holds no manifest that reads and checks`);
  // As for the place restored from: a newer copy there that does not read or check may hold
  // withdrawals its older one lacks, so this source is not known (a place given with --also
  // stops the restore; a place the copy's record names is listed as not reached).
  const unread = manifestSeqs(repo).filter((seq) => seq > manifest.seq);
  if (unread.length > 0) throw new HvelvError('BACKUP_OLDER', `the newest copy in ${abs} (number ${unread.at(-1)}) does not read or check`);
  return { dir: abs, seq: manifest.seq, madeAt: manifest.createdAt, withdrawals: manifest.promises.withdrawals, destroyed: manifest.promises.destroyed };
}

/** findRepo, or null where it cannot tell (a folder holding copies of several vaults is not this one's). */
function findRepoQuiet(dir: string, vaultId: string): string | null {
  try {
    return findRepo(dir, vaultId);
  } catch {
    return null;
  }
}

/** The backup places the restored copy's own record names (backup.sealed, read only). */
async function recordedPlaces(staging: string, passphrase: Uint8Array, deps: VaultDeps): Promise<{ dir: string; destroyed: boolean }[]> {
  const session = await unlockVault(staging, passphrase, deps, { forInspection: true });
  try {
    return readRecord(session).places.map((p) => ({ dir: p.dir, destroyed: p.destroyedOn !== null }));
  } finally {
    session.lock();
  }
}

/** Staging folders of earlier restores to `dest` that never finished (`.<name>.<hex>.hvelv-restoring`). */
export function removeStaleStaging(dest: string): string[] {
  const dir = path.dirname(dest);
  const prefix = `.${path.basename(dest)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const stale = names.filter((n) => n.startsWith(prefix) && /^[0-9a-f]{12}\.hvelv-restoring$/.test(n.slice(prefix.length)));
  for (const n of stale) fs.rmSync(path.join(dir, n), { recursive: true, force: true });
  return stale;
}
