/**
 * Screenshots of long work's progress bars in Norwegian (issue 27): the check before an
 * original is deleted, and an audio export, each with its bar, time left and Cancel, and
 * the notice after Cancel. Not a test: `npx electron-vite build && npx tsx scripts/shots-progress.ts`
 * writes test-results/screenshots/27a-d-*.png (axe-core checks each screen as it is taken), copied by hand into docs/screenshots/.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openStudy, screenshot } from '../tests/e2e/harness';
import { makeWav } from '../tests/core/helpers';

/** A WAV of `mib` MiB of silence, sparse on disk: long enough to watch. */
function silentWav(file: string, mib: number): void {
  const dataLen = mib * 1024 * 1024;
  const head = makeWav(path.join(os.tmpdir(), `head-${process.pid}.wav`), 0.001, 1, 48000).subarray(0, 44);
  head.writeUInt32LE(36 + dataLen, 4);
  head.writeUInt32LE(dataLen, 40);
  fs.writeFileSync(file, head);
  fs.truncateSync(file, 44 + dataLen);
}

const until = async (fn: () => Promise<boolean>, ms = 60_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await fn().catch(() => false))) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
};

const { harness, browser, page, home } = await openStudy('hvelv-shots-progress-');
try {
  await harness.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  await harness.invoke('consent.record', { code: 'JS01', date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
  await page.goto(harness.url);
  const wav = path.join(home, 'langt-intervju-JS01.wav');
  silentWav(wav, 1024);
  harness.fileAnswers.push(wav);
  await page.getByRole('button', { name: 'Opptak', exact: true }).click();
  await page.getByRole('button', { name: 'Legg inn opptak … (JS01)' }).click();
  const dialog = page.getByRole('dialog', { name: 'Slette originalfilen?' });
  await until(() => dialog.isVisible(), 600_000);
  await dialog.getByRole('button', { name: 'Overskriv og slett originalen' }).click();
  const verify = page.getByRole('status').filter({ hasText: 'Sjekker at den lagrede kopien' });
  await until(async () => /\d+ % \(omtrent \d+:\d\d igjen\)/.test((await verify.textContent()) ?? ''));
  await screenshot(page, '27a-verify-original-progress');
  await verify.getByRole('button', { name: 'Avbryt' }).click();
  await until(() => page.getByText('Avbrutt. Originalen er ikke slettet.').isVisible());
  await screenshot(page, '27b-verify-original-cancelled');
  if (!fs.existsSync(wav)) throw new Error('the original went after a cancelled check');

  await page.getByRole('button', { name: /Åpne opptaket til JS01/ }).click();
  harness.saveAnswers.push(path.join(home, 'eksport-JS01.wav'));
  await page.getByRole('button', { name: 'Eksporter lydfilen …' }).click();
  const exporting = page.getByRole('status').filter({ hasText: 'Dekrypterer og lagrer opptaket' });
  await until(async () => /\d+ % \(omtrent \d+:\d\d igjen\)/.test((await exporting.textContent()) ?? ''));
  await screenshot(page, '27c-export-progress');
  await exporting.getByRole('button', { name: 'Avbryt' }).click();
  await until(() => page.getByText('Avbrutt. Ingenting ble lagret.').isVisible());
  await screenshot(page, '27d-export-cancelled');
  if (fs.readdirSync(home).some((f) => f.startsWith('eksport-JS01'))) throw new Error('a cancelled export left a file');
  console.log('screenshots written');
} finally {
  await browser.close();
  await harness.close();
  fs.rmSync(home, { recursive: true, force: true });
}
