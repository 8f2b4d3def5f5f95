/**
 * The deletion certificate names the backup places (issue 28): written at the end date by
 * the headless job, without the passphrase, from the clear companion the unlocked app keeps
 * (backup-places.json: number, folder name, state; never the whole path); each place is
 * "copy not yet erased" until the app reaches it, then "erased", or "disk destroyed" with the
 * student's date; the certificate, `hvelv status`'s places and the dashboard's say the same.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addPlace, recordDestroyed } from '../../electron/core/services/backup/places';
import { backupStatus, runBackup, type PlaceStatus } from '../../electron/core/services/backup/run';
import { enforceProjectEnd, listCertificates } from '../../electron/core/services/project-end/project-end';
import { BACKUP_PLACES_FILE } from '../../electron/core/services/project-end/backup-places';
import { unlockVault } from '../../electron/core/vault/vault';
import { admit, makeVault, pw, tempDir } from './helpers';

const PASS = 'correct horse battery staple';
const NOW = () => new Date('2026-11-27T10:00:00Z');
const AFTER = () => new Date('2031-06-02T10:00:00Z');

/** What `hvelv status` and the dashboard say of a place after the end date, in the certificate's words. */
const statusState = (p: PlaceStatus): string => (p.destroyedOn ? 'destroyed' : p.lastSeq === 0 ? 'no-copy' : p.pending.end ? 'not-erased' : 'erased');

function certificateHtml(vault: string): string {
  const dir = path.join(vault, 'certificates');
  return fs.readFileSync(path.join(dir, fs.readdirSync(dir).find((f) => f.endsWith('.html'))!), 'utf8');
}

describe('the deletion certificate lists the backup places', () => {
  it('lists each place as not yet erased at the end date, then erased or its disk destroyed as the app learns it, agreeing with status', async () => {
    const v = await makeVault(PASS);
    admit(v.session, { name: 'Ragnhild Testesen' });
    const root = tempDir('hvelv-cert-secret-parent-');
    const desk = path.join(root, 'Skrivebordsdisk');
    const usb = path.join(root, 'Minnepinne');
    const later = path.join(root, 'Aldri kopiert');
    for (const d of [desk, usb]) fs.mkdirSync(d);
    addPlace(v.session, desk, NOW());
    addPlace(v.session, usb, NOW());
    await runBackup(v.session, v.deps.crypto, NOW);
    addPlace(v.session, later, NOW());
    v.session.lock();

    // The clear companion holds folder names, never the whole path.
    const clear = fs.readFileSync(path.join(v.dir, BACKUP_PLACES_FILE), 'utf8');
    expect(clear).toContain('Minnepinne');
    expect(clear).not.toContain('hvelv-cert-secret-parent-');

    // The stick is unplugged; the end date passes; the daily job (no passphrase) writes the certificate.
    fs.renameSync(usb, `${usb}-away`);
    enforceProjectEnd(v.dir, { crypto: v.deps.crypto, now: AFTER() });
    const [cert] = listCertificates(v.dir);
    expect(cert!.backupPlaces!.places.map((p) => [p.n, p.label, p.state])).toEqual([
      [1, 'Skrivebordsdisk', 'not-erased'],
      [2, 'Minnepinne', 'not-erased'],
      [3, 'Aldri kopiert', 'no-copy'],
    ]);
    let html = certificateHtml(v.dir);
    expect(html).toContain('kopi ikke slettet ennå');
    expect(html).toContain('copy not yet erased');
    expect(html).not.toContain('hvelv-cert-secret-parent-');

    const s = await unlockVault(v.dir, pw(PASS), { ...v.deps, now: AFTER });
    try {
      // Before any run: status says the same as the certificate.
      expect(backupStatus(s).places.map(statusState)).toEqual(listCertificates(v.dir)[0]!.backupPlaces!.places.map((p) => p.state));
      // A run reaches the desk disk: erased there, in the certificate too.
      await runBackup(s, v.deps.crypto, AFTER);
      const afterRun = listCertificates(v.dir)[0]!.backupPlaces!.places.map((p) => p.state);
      // (The third folder does not exist: it still never got a copy.)
      expect(afterRun).toEqual(['erased', 'not-erased', 'no-copy']);
      expect(backupStatus(s).places.map(statusState)).toEqual(afterRun);
      // The stick is lost for good: the student records it destroyed, with the date.
      recordDestroyed(s, usb, '2031-06-01');
      const final = listCertificates(v.dir)[0]!.backupPlaces!;
      expect(final.places[1]).toMatchObject({ state: 'destroyed', destroyedOn: '2031-06-01' });
      expect(backupStatus(s).places.map(statusState)).toEqual(final.places.map((p) => p.state));
      html = certificateHtml(v.dir);
      expect(html).toContain('disken ble ødelagt 1. juni 2031');
      expect(html).not.toContain('kopi ikke slettet ennå');
      // The rest of the certificate is unchanged.
      expect({ ...listCertificates(v.dir)[0]!, backupPlaces: undefined }).toEqual({ ...cert!, backupPlaces: undefined });
    } finally {
      s.lock();
    }
  });

  it('says no place was recorded when the vault never had one, and what no software can do', async () => {
    const v = await makeVault(PASS);
    v.session.lock();
    enforceProjectEnd(v.dir, { crypto: v.deps.crypto, now: AFTER() });
    expect(listCertificates(v.dir)[0]!.backupPlaces).toBeUndefined();
    const html = certificateHtml(v.dir);
    expect(html).toContain('Hvelv hadde ingen sikkerhetskopisteder registrert');
    expect(html).toContain('eldre versjoner og papirkurven en skytjeneste');
  });
});
