/**
 * The end date's deletion in Chromium, in Norwegian: whichever screen is up, a panel says
 * what is happening and why (the end date passed; the name list and the recordings are
 * deleted as the information letter promised), past a second the overwriting's bar with
 * the time left and no Cancel (and why), then that it is done and where the deletion
 * certificate is. Two ways in: the running app's check, which locks the open vault (the
 * start screen with the vault list comes up under the panel), and opening a vault whose
 * deletion was cut short (the app quit in the middle), from the lock screen: the panel
 * says it is being finished. Real vaults, real sealed recordings overwritten; each write of
 * zeros is paced (as in withdraw-progress.test.ts) so the bar shows whatever the disk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { finishLetter, openStudy, screenshot, STUDY_PASSPHRASE, type Harness } from './harness';
import { makeWav, tempDir } from '../core/helpers';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { enforceProjectEnd, listCertificates } from '../../electron/core/services/project-end/project-end';
import { createCrypto } from '../../electron/core/crypto/sodium';
import { storeDir, TOMBSTONE } from '../../electron/core/vault/layout';
import { acquireLock } from '../../electron/core/vault/lock';

let harness: Harness;
let home: string;
let vault: string;
let browser: Browser;
let page: Page;
let problems: string[];

/** After the seed study's end date (2031-05-30), as the daily job or the signed header would have seen it. */
const AFTER = '2031-06-01T12:00:00.000Z';

/** A WAV of `mib` MiB of silence, sparse on disk (quick to make); sealed, `mib` MiB of ciphertext to overwrite. */
function silentWav(mib: number, extra = 0): string {
  const wav = path.join(tempDir(), 'langt-intervju.wav');
  const dataLen = mib * 1024 ** 2 + extra;
  const head = makeWav(path.join(tempDir(), 'head.wav'), 0.001, 1, 48000).subarray(0, 44);
  head.writeUInt32LE(36 + dataLen, 4);
  head.writeUInt32LE(dataLen, 40);
  fs.writeFileSync(wav, head);
  fs.truncateSync(wav, 44 + dataLen);
  return wav;
}

async function withRecording(code: string, mib: number): Promise<void> {
  await harness.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  await harness.invoke('consent.record', { code, date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
  await new Recordings(harness.sessions.current!, () => new Date()).import(code, silentWav(mib));
}

/** Each write through a FileHandle in this process (the harness runs main's handlers here) waits `ms` first. Returns the undo. */
async function paceFileWrites(ms: number): Promise<() => void> {
  const probe = path.join(tempDir(), 'probe');
  fs.writeFileSync(probe, '');
  const fh = await fs.promises.open(probe, 'r');
  const proto = Object.getPrototypeOf(fh) as { write: (...args: unknown[]) => Promise<unknown> };
  await fh.close();
  const write = proto.write;
  proto.write = async function (this: unknown, ...args: unknown[]) {
    await new Promise((r) => setTimeout(r, ms));
    return write.apply(this, args);
  };
  return () => {
    proto.write = write;
  };
}

const blobs = (v: string): string[] => {
  const d = path.join(storeDir(v, 'recordings'), 'blobs');
  return fs.existsSync(d) ? fs.readdirSync(d) : [];
};

beforeAll(async () => {
  ({ harness, home, vault, browser, page, problems } = await openStudy('hvelv-e2e-endp-'));
  await withRecording('JS01', 384);
  await page.goto(harness.url);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('the end date’s deletion in Chromium', () => {
  it('the running app’s check locks the open vault; over the start screen the panel shows the bar past a second, no Cancel and why; then done, with the certificate', { timeout: 300_000 }, async () => {
    await expect.poll(() => page.getByRole('button', { name: 'Lås', exact: true }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(blobs(vault)).toHaveLength(1);
    // The end date has passed (a later time seen, as the daily job records it); the hourly check comes.
    fs.writeFileSync(path.join(vault, 'clock.json'), `${JSON.stringify({ latestSeen: AFTER })}\n`);
    const unpace = await paceFileWrites(30);
    const watch = harness.checkDeadlines();
    const panel = page.getByRole('region', { name: 'Prosjektet er avsluttet: slettingen pågår' });
    await expect.poll(() => panel.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await panel.textContent()).toContain('Sluttdatoen for «Relasjonsarbeid i arbeidsinkluderingsprosesser» (30. mai 2031) er passert. Som lovet i informasjonsskrivet slettes nå navnelisten og lydopptakene.');
    expect(await panel.textContent()).not.toContain('ikke ferdig');
    const status = panel.getByRole('status');
    await expect.poll(() => status.textContent(), { timeout: 30_000, interval: 50 }).toMatch(/Overskriver lydopptakene med nuller … \d+ % \(omtrent \d+:\d\d igjen\)/);
    expect(await status.textContent()).toContain('Dette kan ikke avbrytes');
    expect(await status.getByRole('button').count()).toBe(0);
    // The vault was locked for it: the start screen with the vault list is under the panel.
    expect(await page.getByRole('button', { name: 'Lås opp' }).isVisible()).toBe(true);
    expect(await page.getByText('Prosjektslutt er nådd: hvelvet ble låst for slettingen informasjonsskrivet lover.').isVisible()).toBe(true);
    await screenshot(page, '44a-project-end-deleting');
    const done = page.getByRole('region', { name: 'Slettingen ved prosjektslutt er fullført' });
    await expect.poll(() => done.isVisible(), { timeout: 240_000 }).toBe(true);
    expect((await watch).enforced).toEqual([vault]);
    unpace();
    const [cert] = fs.readdirSync(path.join(vault, 'certificates')).filter((f) => f.endsWith('.html'));
    expect(await done.textContent()).toContain(`Slettebekreftelsen er lagret i hvelvets mappe: ${path.join(vault, 'certificates', cert!)}.`);
    expect(await done.textContent()).toContain('Navnelisten og lydopptakene i «Relasjonsarbeid i arbeidsinkluderingsprosesser» er slettet');
    expect(await panel.isVisible()).toBe(false);
    await screenshot(page, '44b-project-end-done');
    expect(blobs(vault)).toEqual([]);
    expect(fs.readdirSync(storeDir(vault, 'recordings'))).toEqual([TOMBSTONE]);
    await done.getByRole('button', { name: 'Lukk' }).click();
    await expect.poll(() => done.isVisible()).toBe(false);
    // Gone for good: a page loaded again does not bring it back.
    await page.reload();
    await expect.poll(() => page.getByRole('button', { name: 'Lås opp' }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await done.isVisible()).toBe(false);
    expect(problems).toEqual([]);
  });

  it('a deletion cut short (the app quit in the middle) is finished when the vault is opened from the lock screen, and the panel says so', { timeout: 300_000 }, async () => {
    const second = path.join(home, 'Documents', 'Hvelv', 'andre');
    await harness.invoke('vault.create', {
      path: second,
      passphrase: STUDY_PASSPHRASE,
      project: { title: 'Andre studie', institution: 'VID', faculty: 'Sosialt arbeid', student: 'Turid Testesen', supervisor: 'Gurli Testesen', siktRef: '654321', endDate: '2031-05-30', endAction: 'anonymise', codePrefix: 'AS' },
    });
    await finishLetter(harness);
    await withRecording('AS01', 384);
    harness.sessions.lock('user');
    // Cut short after the recordings' key went (the key list's is gone too): the sealed
    // recording is keyless ciphertext under a tombstone, and no certificate yet.
    let keys = 0;
    class Quit extends Error {}
    const crypto = await createCrypto();
    expect(() =>
      enforceProjectEnd(second, {
        crypto,
        now: new Date(AFTER),
        hooks: {
          afterStep: (s) => {
            if (s === 'key' && ++keys === 2) throw new Quit();
          },
        },
      }),
    ).toThrow(Quit);
    expect(blobs(second)).toHaveLength(1);
    expect(listCertificates(second)).toEqual([]);

    await page.reload();
    await page.getByLabel(/Passfrase for/).fill(STUDY_PASSPHRASE);
    const unpace = await paceFileWrites(30);
    await page.getByRole('button', { name: 'Lås opp' }).click();
    const panel = page.getByRole('region', { name: 'Prosjektet er avsluttet: slettingen pågår' });
    await expect.poll(() => panel.isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await panel.textContent()).toContain('Slettingen ble begynt før, men er ikke ferdig (Hvelv ble lukket underveis, eller den daglige kontrollen holder på med den). Hvelv gjør den ferdig nå.');
    expect(await panel.textContent()).toContain('«Andre studie»');
    const status = panel.getByRole('status');
    await expect.poll(() => status.textContent(), { timeout: 30_000, interval: 50 }).toMatch(/Overskriver lydopptakene med nuller … \d+ % \(omtrent \d+:\d\d igjen\)/);
    expect(await status.getByRole('button').count()).toBe(0);
    await screenshot(page, '44c-project-end-resumed-on-open');
    // Done: the vault opens, anonymised, and the panel says where the certificate is.
    const done = page.getByRole('region', { name: 'Slettingen ved prosjektslutt er fullført' });
    await expect.poll(() => done.isVisible(), { timeout: 240_000 }).toBe(true);
    unpace();
    await expect.poll(() => page.getByRole('heading', { name: 'Prosjektet er avsluttet', exact: true }).isVisible(), { timeout: 30_000 }).toBe(true);
    expect(await done.textContent()).toContain('Den står også på oversikten, der du kan lagre den som PDF.');
    await screenshot(page, '44d-project-end-done-opened');
    expect(blobs(second)).toEqual([]);
    expect(listCertificates(second)).toHaveLength(1);
    expect(problems).toEqual([]);
  });

  it('two vaults past their end in one check: one deleted, one that cannot be (another Hvelv holds it): both said, the failure with why and that it is tried again; one Close closes both', { timeout: 300_000 }, async () => {
    const make = async (folder: string, title: string, codePrefix: string): Promise<string> => {
      const dir = path.join(home, 'Documents', 'Hvelv', folder);
      await harness.invoke('vault.create', {
        path: dir,
        passphrase: STUDY_PASSPHRASE,
        project: { title, institution: 'VID', faculty: 'Sosialt arbeid', student: 'Turid Testesen', supervisor: 'Gurli Testesen', siktRef: '987654', endDate: '2031-05-30', endAction: 'anonymise', codePrefix },
      });
      await finishLetter(harness);
      harness.sessions.lock('user');
      fs.writeFileSync(path.join(dir, 'clock.json'), `${JSON.stringify({ latestSeen: AFTER })}\n`);
      return dir;
    };
    const third = await make('tredje', 'Tredje studie', 'TS');
    const fourth = await make('fjerde', 'Fjerde studie', 'FS');
    await page.reload();
    await expect.poll(() => page.getByRole('button', { name: 'Lås opp' }).isVisible(), { timeout: 30_000 }).toBe(true);
    // Another Hvelv (a CLI session) has the vault open: the app's check cannot take its lock.
    const held = acquireLock(third, 'session');
    try {
      await harness.checkDeadlines();
      const failed = page.getByRole('region', { name: 'Slettingen ved prosjektslutt ble ikke fullført nå' });
      await expect.poll(() => failed.isVisible(), { timeout: 30_000 }).toBe(true);
      expect(await failed.textContent()).toContain('Sluttdatoen for «Tredje studie» (30. mai 2031) er passert, men slettingen kunne ikke gjøres ferdig nå.');
      expect(await failed.getByRole('alert').textContent()).toBe('Hvelvet er i bruk av et annet Hvelv-program akkurat nå. Prøv igjen om litt. Hvelv prøver igjen innen en time, og når hvelvet åpnes. Det som alt er slettet, forblir slettet.');
      expect(await page.getByRole('region', { name: 'Prosjektet er avsluttet: slettingen pågår' }).isVisible()).toBe(false);
      // The one deleted first (the latest opened is checked first) is said too, named by its project.
      const deleted = page.getByRole('region', { name: 'Slettingen ved prosjektslutt er fullført: «Fjerde studie»' });
      expect(await deleted.isVisible()).toBe(true);
      expect(await deleted.textContent()).toContain('Navnelisten og lydopptakene i «Fjerde studie» er slettet');
      expect(fs.readdirSync(storeDir(fourth, 'keylist'))).toEqual([TOMBSTONE]);
      await screenshot(page, '44e-project-end-failed');
      await failed.getByRole('button', { name: 'Lukk' }).click();
      await expect.poll(() => failed.isVisible()).toBe(false);
      expect(await deleted.isVisible()).toBe(false);
      expect(await harness.invoke('projectEnd.state', {})).toBe(null);
    } finally {
      held.release();
    }
    // The next check deletes it.
    expect((await harness.checkDeadlines()).enforced).toEqual([third]);
    expect(problems).toEqual([]);
  });
});
