/**
 * The vault inside a synced folder is recognised by the sync clients' own marker files and
 * settings (issue 28), not only by folder names: each OS's layout is built here, in folders the
 * test creates (a home of its own), with folder names that say nothing of the service.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { syncedByMarkers, type SyncContext } from '../../electron/core/services/backup/synced';
import { syncedBy } from '../../electron/core/services/notification';
import { tempDir } from './helpers';

/** A vault folder at `rel` under `root` (created), and a file or folder of the client's put at `marker`. */
function vaultUnder(root: string, rel: string): string {
  const v = path.join(root, rel, 'studie');
  fs.mkdirSync(v, { recursive: true });
  return v;
}
function put(file: string, text = ''): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function home(platform: NodeJS.Platform, env: Record<string, string> = {}): SyncContext & { root: string } {
  const root = tempDir(`hvelv-sync-${platform}-`);
  const h = path.join(root, 'hjem');
  fs.mkdirSync(h);
  return { platform, home: h, env, root };
}

describe('synced folders by the clients’ marker files', () => {
  it('each client’s marker file in a folder above the vault, whatever the folders are called', () => {
    const ctx = home('linux');
    const cases: [string, string][] = [
      ['.dropbox', 'Dropbox'],
      ['.dropbox.cache/x', 'Dropbox'],
      ['.849C9593-D756-4E56-8D6E-42412F2A707B', 'OneDrive'],
      ['.tmp.drivedownload/x', 'Google Drive'],
      ['.shortcut-targets-by-id/x', 'Google Drive'],
      ['.sync_4f2a9c81e0b7.db', 'Nextcloud'],
      ['._sync_4f2a9c81e0b7.db', 'Nextcloud'],
      ['.nextcloudsync.log', 'Nextcloud'],
      ['.owncloudsync.log', 'ownCloud'],
    ];
    cases.forEach(([marker, service], i) => {
      const top = path.join(ctx.home, `Mappe${i}`);
      const v = vaultUnder(top, 'Jobb/Master');
      expect(syncedByMarkers(v, ctx)).toBeNull();
      put(path.join(top, marker));
      expect([marker, syncedByMarkers(v, ctx)]).toEqual([marker, service]);
    });
    // Dropbox's settings folder in the home (~/.dropbox) is not its synced folder.
    const settingsOnly = home('linux');
    put(path.join(settingsOnly.home, '.dropbox', 'info.json'), '{}');
    expect(syncedByMarkers(vaultUnder(settingsOnly.home, 'Dokumenter'), settingsOnly)).toBeNull();
    // A folder not yet created (a new vault's path) is judged by the folders above it.
    expect(syncedByMarkers(path.join(ctx.home, 'Mappe0', 'ny', 'hvelv'), ctx)).toBe('Dropbox');
  });

  it('Linux: Dropbox’s info.json, the onedrive client’s sync_dir, Nextcloud’s localPath', () => {
    const ctx = home('linux');
    const plain = vaultUnder(ctx.home, 'Dokumenter');
    const dbx = vaultUnder(ctx.home, 'Arbeid');
    const od = vaultUnder(ctx.home, 'Skybasert');
    const nc = vaultUnder(ctx.home, 'Universitet');
    expect([plain, dbx, od, nc].map((v) => syncedByMarkers(v, ctx))).toEqual([null, null, null, null]);
    put(path.join(ctx.home, '.dropbox', 'info.json'), JSON.stringify({ personal: { path: path.join(ctx.home, 'Arbeid'), host: 1 } }));
    put(path.join(ctx.home, '.config', 'onedrive', 'config'), 'sync_dir = "~/Skybasert"\n');
    put(path.join(ctx.home, '.config', 'Nextcloud', 'nextcloud.cfg'), `[Accounts]\n0\\Folders\\1\\localPath=${path.join(ctx.home, 'Universitet')}/\n`);
    expect([plain, dbx, od, nc].map((v) => syncedByMarkers(v, ctx))).toEqual([null, 'Dropbox', 'OneDrive', 'Nextcloud']);
  });

  it('Windows: OneDrive’s environment variables, Dropbox under AppData, iCloudDrive, Nextcloud under AppData', () => {
    const ctx0 = home('win32');
    const appData = path.join(ctx0.home, 'AppData', 'Roaming');
    const local = path.join(ctx0.home, 'AppData', 'Local');
    const ctx = { ...ctx0, env: { APPDATA: appData, LOCALAPPDATA: local, OneDriveCommercial: path.join(ctx0.home, 'Universitetet i Bergen') } };
    const od = vaultUnder(ctx.home, 'Universitetet i Bergen/Hvelv');
    const dbx = vaultUnder(ctx.home, 'Boks');
    const ic = vaultUnder(ctx.home, 'iCloudDrive');
    const nc = vaultUnder(ctx.home, 'Sky');
    const plain = vaultUnder(ctx.home, 'Documents');
    put(path.join(local, 'Dropbox', 'info.json'), JSON.stringify({ business: { path: path.join(ctx.home, 'Boks') } }));
    put(path.join(appData, 'Nextcloud', 'nextcloud.cfg'), `0\\Folders\\1\\localPath=${path.join(ctx.home, 'Sky')}\n`);
    expect([od, dbx, ic, nc, plain].map((v) => syncedByMarkers(v, ctx))).toEqual(['OneDrive', 'Dropbox', 'iCloud', 'Nextcloud', null]);
    // The same layout read as Linux's: none of Windows' settings count.
    expect(syncedByMarkers(od, { ...ctx, platform: 'linux' })).toBeNull();
  });

  it('macOS: iCloud Drive’s Mobile Documents, Dropbox’s info.json, Nextcloud’s preferences', () => {
    const ctx = home('darwin');
    const ic = vaultUnder(ctx.home, 'Library/Mobile Documents/iCloud~no~hvelv/Documents');
    const dbx = vaultUnder(ctx.home, 'Deling');
    const nc = vaultUnder(ctx.home, 'UiO');
    const plain = vaultUnder(ctx.home, 'Documents');
    put(path.join(ctx.home, '.dropbox', 'info.json'), JSON.stringify({ personal: { path: path.join(ctx.home, 'Deling') } }));
    put(path.join(ctx.home, 'Library', 'Preferences', 'Nextcloud', 'nextcloud.cfg'), `0\\Folders\\1\\localPath=${path.join(ctx.home, 'UiO')}/\n`);
    expect([ic, dbx, nc, plain].map((v) => syncedByMarkers(v, ctx))).toEqual(['iCloud', 'Dropbox', 'Nextcloud', null]);
  });

  it('the app’s and the notification’s syncedBy uses the markers as well as the names', () => {
    const root = tempDir('hvelv-sync-any-');
    const v = vaultUnder(root, 'Prosjekt');
    expect(syncedBy(v)).toBeNull();
    put(path.join(root, '.nextcloudsync.log'));
    expect(syncedBy(v)).toBe('Nextcloud');
  });
});

describe('the text for Sikt names the backup places', () => {
  it('says how many places and which services sync them (never the paths), what reaches them, what no software can do, and flags a new synced place as a change for Sikt', async () => {
    const { Notification } = await import('../../electron/core/services/notification');
    const { addPlace } = await import('../../electron/core/services/backup/places');
    const { makeVault } = await import('./helpers');
    const { session } = await makeVault();
    const NOW = () => new Date('2026-12-07T10:00:00Z');
    const n = () => new Notification(session, { now: NOW, dailyJob: null });
    const para = (id: string) => n().view('nb').text.sections.find((s) => s.id === id)!.paragraphs.join('\n');
    expect(n().view('nb').markdown).not.toMatch(/sikkerhetskopi/i);
    n().markCopied();
    const root = tempDir('hvelv-sikt-');
    const disk = path.join(root, 'Hemmelig disk');
    const cloud = path.join(root, 'Jobbsky');
    fs.mkdirSync(disk);
    fs.mkdirSync(cloud);
    put(path.join(cloud, '.dropbox.cache', 'x'));
    addPlace(session, disk, NOW());
    addPlace(session, cloud, NOW());
    const view = n().view('nb');
    const text = view.markdown;
    expect(para('storage')).toContain('til 2 steder: en mappe som Dropbox synkroniserer og 1 mappe som Hvelv ikke kjenner igjen som synkronisert');
    expect(para('processors')).toContain('Dropbox er dermed databehandler for krypterte kopier');
    expect(para('withdrawal')).toContain('En tilbaketrekking gjennomføres også i hver sikkerhetskopi');
    expect(para('end')).toContain('«kopi ikke slettet ennå»');
    expect(para('end')).toContain('Dette kan ingen programvare gjøre: slette eldre versjoner og papirkurven');
    expect(text).not.toContain('Hemmelig disk');
    expect(text).not.toContain(root);
    expect(view.changes).toEqual([{ text: 'Sikkerhetskopistedene er endret (nå 2).', notice: true }]);
    expect(n().view('en').text.sections.find((s) => s.id === 'end')!.paragraphs.join('\n')).toContain('What no software can do');
    session.lock();
  });
});
