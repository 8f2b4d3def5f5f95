/**
 * A withdrawal with a large recording in Chromium (issue 27): the keys go at once, then the
 * sealed recording is overwritten; past a second the dialog shows a bar with the percentage
 * and the time left, no Cancel, and says why there is none. Main keeps answering meanwhile
 * (the page's bar moves). At the end the receipt shows and no blob is left. The same for
 * one recording deleted from its view.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { makeWav, tempDir } from '../core/helpers';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { recordConsent } from './study';

let harness: Harness;
let vault: string;
let browser: Browser;
let page: Page;
let problems: string[];

beforeAll(async () => {
  ({ harness, vault, browser, page, problems } = await openStudy('hvelv-e2e-wp-'));
  await harness.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  await harness.invoke('participants.add', { identity: { name: 'Bjørn Testesen' } });
  await recordConsent(harness, 'JS02');
  await recordConsent(harness, 'JS01');
  // A 768 MiB WAV of silence, sparse on disk (quick to make); sealed, it is 768 MiB of ciphertext to overwrite.
  const wav = path.join(tempDir(), 'langt-intervju.wav');
  const dataLen = 768 * 1024 ** 2;
  const head = makeWav(path.join(tempDir(), 'head.wav'), 0.001, 1, 48000).subarray(0, 44);
  head.writeUInt32LE(36 + dataLen, 4);
  head.writeUInt32LE(dataLen, 40);
  fs.writeFileSync(wav, head);
  fs.truncateSync(wav, 44 + dataLen);
  await new Recordings(harness.sessions.current!, () => new Date()).import('JS01', wav);
  // Another recording (another length: the same one twice is refused).
  fs.appendFileSync(wav, Buffer.alloc(4800));
  head.writeUInt32LE(36 + dataLen + 4800, 4);
  head.writeUInt32LE(dataLen + 4800, 40);
  const fd = fs.openSync(wav, 'r+');
  fs.writeSync(fd, head, 0, 44, 0);
  fs.closeSync(fd);
  await new Recordings(harness.sessions.current!, () => new Date()).import('JS02', wav);
  await page.goto(harness.url);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

/**
 * Paces the overwrite in this process (the harness runs main's handlers here): each write
 * through a FileHandle waits `ms` first. The bar shows past a second of work, and on an idle
 * machine 768 MiB of zeros can take less than that (a CI run saw the delete end before its
 * bar); 192 slices of 4 MiB at 10 ms make at least two seconds, whatever the disk. Returns
 * the undo.
 */
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

describe('withdrawal with a large recording in Chromium', () => {
  it('shows the overwriting’s progress past a second, without Cancel, and says why', { timeout: 300_000 }, async () => {
    expect(fs.readdirSync(path.join(vault, 'recordings', 'blobs'))).toHaveLength(2);
    await page.getByRole('button', { name: 'Deltakere' }).click();
    await page.getByRole('button', { name: 'Åpne JS01' }).click();
    await page.getByRole('button', { name: 'Trekk samtykke …' }).click();
    const dialog = page.getByRole('dialog', { name: 'Trekk samtykke for JS01' });
    await dialog.getByLabel('Skriv koden JS01 for å bekrefte').fill('JS01');
    const unpace = await paceFileWrites(10);
    await dialog.getByRole('button', { name: 'Slett alt om JS01' }).click();
    const status = dialog.getByRole('status');
    await expect.poll(() => status.textContent(), { timeout: 30_000, interval: 50 }).toMatch(/Overskriver opptakene med nuller … \d+ %/);
    await expect.poll(() => status.textContent(), { timeout: 30_000, interval: 50 }).toMatch(/Overskriver opptakene med nuller … \d+ % \(omtrent \d+:\d\d igjen\)/);
    expect(await status.textContent()).toContain('Dette kan ikke avbrytes');
    expect(await status.getByRole('button').count()).toBe(0);
    await status.scrollIntoViewIfNeeded();
    await screenshot(page, '17b-withdraw-overwriting-progress');
    await expect.poll(() => page.getByRole('heading', { name: 'Kvittering for tilbaketrukket samtykke' }).isVisible(), { timeout: 240_000 }).toBe(true);
    unpace();
    expect(fs.readdirSync(path.join(vault, 'recordings', 'blobs'))).toHaveLength(1);
    expect(problems).toEqual([]);
  });

  it('deleting one large recording shows the same bar in its confirmation, without Cancel', { timeout: 300_000 }, async () => {
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await page.locator('tbody[data-code="JS02"]').getByText(/^\d+:\d\d:\d\d$/).click();
    await page.getByRole('button', { name: 'Slett opptaket …' }).click();
    const dialog = page.getByRole('dialog', { name: 'Slett opptaket til JS02' });
    await dialog.getByLabel('Skriv koden JS02 for å bekrefte').fill('JS02');
    const unpace = await paceFileWrites(10);
    await dialog.getByRole('button', { name: 'Slett' }).click();
    const status = dialog.getByRole('status');
    await expect.poll(() => status.textContent(), { timeout: 30_000, interval: 50 }).toMatch(/Overskriver opptaket med nuller … \d+ % \(omtrent \d+:\d\d igjen\)/);
    expect(await status.textContent()).toContain('Dette kan ikke avbrytes');
    expect(await status.getByRole('button').count()).toBe(0);
    await status.scrollIntoViewIfNeeded();
    await screenshot(page, '29d-recording-delete-overwriting-progress');
    await expect.poll(() => page.getByText('Opptaket er slettet.').isVisible(), { timeout: 240_000 }).toBe(true);
    unpace();
    expect(fs.readdirSync(path.join(vault, 'recordings', 'blobs'))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
