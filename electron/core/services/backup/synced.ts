/**
 * Is the vault inside a folder a sync client keeps (issue 28)? Told by the clients' own marker
 * files in the folder or one above it, and by where each client's own settings say its folder
 * is, on Windows, macOS and Linux; notification/index.ts's syncedBy adds the folders' names
 * (OneDrive - Org, Dropbox, ~/Library/CloudStorage/…) for a client whose markers are absent.
 *
 * Markers (in the synced folder's root, or any folder of it for Nextcloud):
 *   Dropbox       .dropbox (a file: ~/.dropbox, a folder, is its settings), .dropbox.cache
 *   OneDrive      .849C9593-D756-4E56-8D6E-42412F2A707B (Windows' client, in the root)
 *   Google Drive  .tmp.drivedownload, .tmp.driveupload, .shortcut-targets-by-id
 *   Nextcloud     .sync_<hex>.db, ._sync_<hex>.db, .nextcloudsync.log (ownCloud: .owncloudsync.log)
 * Clients' settings:
 *   Dropbox       ~/.dropbox/info.json (Linux, macOS); %APPDATA% or %LOCALAPPDATA%\Dropbox\info.json (Windows)
 *   OneDrive      %OneDrive%, %OneDriveCommercial%, %OneDriveConsumer% (Windows); ~/.config/onedrive/config
 *                 sync_dir, default ~/OneDrive (Linux's onedrive client)
 *   iCloud Drive  ~/Library/Mobile Documents (macOS), and ~/Desktop and ~/Documents when com~apple~CloudDocs
 *                 holds them (Desktop & Documents Folders on); ~/iCloudDrive (Windows)
 *   Nextcloud     nextcloud.cfg's localPath: ~/.config/Nextcloud (Linux), ~/Library/Preferences/Nextcloud
 *                 (macOS), %APPDATA%\Nextcloud (Windows)
 * Null is not proof that nothing syncs the folder: only that Hvelv recognised no client.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface SyncContext {
  platform: NodeJS.Platform;
  home: string;
  env: Record<string, string | undefined>;
}

export const hostContext = (): SyncContext => ({ platform: process.platform, home: os.homedir(), env: process.env });

const MARKERS: [RegExp, string][] = [
  // A file named .dropbox (in the Dropbox folder), not the folder ~/.dropbox (Dropbox's settings, in the home).
  [/^\.dropbox\.cache$/, 'Dropbox'],
  [/^\.849C9593-D756-4E56-8D6E-42412F2A707B$/i, 'OneDrive'],
  [/^\.tmp\.drive(download|upload)$|^\.shortcut-targets-by-id$/, 'Google Drive'],
  [/^\._?sync_[0-9a-f]+\.db$|^\.nextcloudsync\.log$/i, 'Nextcloud'],
  [/^\.owncloudsync\.log$/i, 'ownCloud'],
];

/** A sync client's own marker file (never part of a vault, never moved or removed with one). */
export function isSyncMarker(name: string): boolean {
  return name === '.dropbox' || MARKERS.some(([re]) => re.test(name));
}

function inside(child: string, parent: string, platform: NodeJS.Platform): boolean {
  const fold = (p: string) => (platform === 'win32' || platform === 'darwin' ? p.toLowerCase() : p);
  const c = fold(path.resolve(child));
  const p = fold(path.resolve(parent)).replace(/[\\/]+$/, '');
  return p.length > 0 && (c === p || c.startsWith(p + path.sep));
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

/** The folders each client's own settings name as its synced folder on this system. */
export function clientRoots(ctx: SyncContext): [string, string][] {
  const { home, env, platform } = ctx;
  const roots: [string, string][] = [];
  const tilde = (p: string) => (p.startsWith('~') ? path.join(home, p.slice(1)) : p);
  // Dropbox: info.json lists each account's folder ({"personal": {"path": …}, "business": …}).
  const dropboxInfo = platform === 'win32' ? [env.APPDATA, env.LOCALAPPDATA].filter((x): x is string => !!x).map((d) => path.join(d, 'Dropbox', 'info.json')) : [path.join(home, '.dropbox', 'info.json')];
  for (const f of dropboxInfo) {
    const raw = readText(f);
    if (!raw) continue;
    try {
      const info = JSON.parse(raw) as Record<string, { path?: unknown } | undefined>;
      for (const acc of Object.values(info)) if (acc && typeof acc.path === 'string') roots.push([acc.path, 'Dropbox']);
    } catch {
      /* a damaged info.json names no folder */
    }
  }
  if (platform === 'win32') {
    for (const k of ['OneDrive', 'OneDriveCommercial', 'OneDriveConsumer']) if (env[k]) roots.push([env[k]!, 'OneDrive']);
    roots.push([path.join(home, 'iCloudDrive'), 'iCloud']);
  }
  if (platform === 'darwin') {
    roots.push([path.join(home, 'Library', 'Mobile Documents'), 'iCloud']);
    // iCloud's "Desktop & Documents Folders" (offered as a default when macOS is upgraded):
    // ~/Desktop and ~/Documents are then kept by iCloud Drive, where they appear by name.
    for (const d of ['Desktop', 'Documents']) if (fs.existsSync(path.join(home, 'Library', 'Mobile Documents', 'com~apple~CloudDocs', d))) roots.push([path.join(home, d), 'iCloud']);
  }
  if (platform === 'linux') {
    const cfg = readText(path.join(home, '.config', 'onedrive', 'config'));
    if (cfg !== null) {
      const m = /^\s*sync_dir\s*=\s*"([^"]+)"/m.exec(cfg);
      roots.push([tilde(m?.[1] ?? '~/OneDrive'), 'OneDrive']);
    }
  }
  const nextcloudCfg =
    platform === 'win32'
      ? env.APPDATA && path.join(env.APPDATA, 'Nextcloud', 'nextcloud.cfg')
      : platform === 'darwin'
        ? path.join(home, 'Library', 'Preferences', 'Nextcloud', 'nextcloud.cfg')
        : path.join(home, '.config', 'Nextcloud', 'nextcloud.cfg');
  const nc = nextcloudCfg ? readText(nextcloudCfg) : null;
  if (nc) for (const m of nc.matchAll(/localPath=(.+)$/gm)) roots.push([tilde(m[1]!.trim()), 'Nextcloud']);
  return roots;
}

/** The sync client whose marker files lie in `vaultPath` or a folder above it, or whose settings name such a folder. */
export function syncedByMarkers(vaultPath: string, ctx: SyncContext = hostContext()): string | null {
  // The path as given and as the file system resolves it: a vault opened through a link (or a
  // junction) into a synced folder is in that folder, whatever the path it was opened by.
  const paths = [...new Set([path.resolve(vaultPath), realPathOf(path.resolve(vaultPath))])];
  for (const p of paths) {
    const found = markersAbove(p) ?? clientRootHolding(p, ctx);
    if (found) return found;
  }
  return null;
}

function clientRootHolding(vaultPath: string, ctx: SyncContext): string | null {
  for (const [root, service] of clientRoots(ctx)) if (inside(vaultPath, root, ctx.platform) || inside(vaultPath, realPathOf(root), ctx.platform)) return service;
  return null;
}

/** The real path of `p`, or of its nearest existing ancestor with the rest appended (a vault or a place may not exist yet). */
export function realPathOf(p: string): string {
  const rest: string[] = [];
  let cur = p;
  for (;;) {
    try {
      return path.join(fs.realpathSync.native(cur), ...rest.reverse());
    } catch {
      const up = path.dirname(cur);
      if (up === cur) return p;
      rest.push(path.basename(cur));
      cur = up;
    }
  }
}

function markersAbove(start: string): string | null {
  let dir = start;
  for (;;) {
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      /* not there (yet), or not readable: look further up */
    }
    if (entries.some((e) => e.name === '.dropbox' && e.isFile())) return 'Dropbox';
    for (const [re, service] of MARKERS) if (entries.some((e) => re.test(e.name))) return service;
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}
