/**
 * "Flytt hvelvet til en lokal mappe …" in Chromium, in Norwegian (issue 28): a vault in a folder
 * Dropbox keeps (its marker file in the folder's root), a refused target, the plan with what the
 * cloud still keeps, the move, and the new place; and the dashboard's line when the only backup
 * place's disk was recorded destroyed. axe-clean.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';

let harness: Harness;
let browser: Browser;
let page: Page;
let home: string;
let vault: string;

beforeAll(async () => {
  ({ harness, browser, page, home, vault } = await openStudy('hvelv-e2e-move-'));
  await harness.invoke('participants.add', { identity: { name: 'Ingebrigt Særsyn' } });
  // The Documents folder is kept by Dropbox.
  fs.writeFileSync(path.join(home, 'Documents', '.dropbox.cache'), '');
  await page.goto(harness.url);
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('moving the vault out of a synced folder', () => {
  it('refuses a synced target, shows the plan, moves, and shows the new place', async () => {
    await page.getByRole('button', { name: 'Innstillinger' }).click();
    const card = page.getByRole('region', { name: 'Sikkerhetskopi' });
    await expect.poll(() => card.getByText('Hvelvet ligger i en mappe som Dropbox synkroniserer', { exact: false }).isVisible()).toBe(true);
    // A folder inside Dropbox too: refused, said why, nothing planned.
    harness.folderAnswers.push(path.join(home, 'Documents', 'Annet'));
    await card.getByRole('button', { name: 'Flytt hvelvet til en lokal mappe …' }).click();
    await expect.poll(() => card.getByText('Den mappen synkroniseres av en skytjeneste', { exact: false }).isVisible()).toBe(true);
    expect(await card.getByRole('button', { name: 'Flytt hvelvet', exact: true }).count()).toBe(0);

    const target = path.join(home, 'Lokal', 'studie');
    harness.folderAnswers.push(target);
    await card.getByRole('button', { name: 'Flytt hvelvet til en lokal mappe …' }).click();
    await expect.poll(() => card.getByRole('heading', { name: 'Flytt hvelvet ut av den synkroniserte mappen' }).isVisible()).toBe(true);
    await expect.poll(() => card.getByText(`Ny mappe: ${target}`).isVisible()).toBe(true);
    await expect.poll(() => card.getByText('Den gamle mappen i Dropbox blir et sikkerhetskopisted', { exact: false }).isVisible()).toBe(true);
    await expect.poll(() => card.getByText('Dette kan ingen programvare gjøre: Dropbox tar vare på eldre versjoner', { exact: false }).isVisible()).toBe(true);
    expect(fs.existsSync(target)).toBe(false);
    await card.getByRole('heading', { name: 'Flytt hvelvet ut av den synkroniserte mappen' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'backup-move-plan');
    await card.getByRole('button', { name: 'Flytt hvelvet', exact: true }).click();
    await expect.poll(() => card.getByText(`Hvelvet ligger nå i ${target}.`).isVisible(), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => card.getByText(`${vault} er nå et sikkerhetskopisted med en kryptert kopi.`).isVisible()).toBe(true);
    // The synced-folder warning is gone; the old folder is listed as the backup place.
    expect(await card.getByText('Hvelvet ligger i en mappe som Dropbox synkroniserer', { exact: false }).count()).toBe(0);
    await expect.poll(() => card.locator('.backup-dir', { hasText: vault }).isVisible()).toBe(true);
    await card.getByText(`Hvelvet ligger nå i ${target}.`).scrollIntoViewIfNeeded();
    await screenshot(page, 'backup-move-done');
    // On disk: the vault at the new place, nothing of it in the old folder but the backup place.
    expect(fs.existsSync(path.join(target, 'hvelv-vault.json'))).toBe(true);
    expect(fs.readdirSync(vault).filter((n) => !n.startsWith('hvelv-backup-'))).toEqual([]);
    expect(await harness.invoke('backup.verify', {})).toEqual([{ dir: vault, problems: [] }]);
    expect(((await harness.invoke('session.state', {})) as { status: { path: string } }).status.path).toBe(target);
    // The vault still works where it is now.
    await page.getByRole('button', { name: 'Oversikt' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1, name: 'Oversikt' }).isVisible()).toBe(true);
    expect(((await harness.invoke('participants.list', {})) as { code: string }[]).map((p) => p.code)).toEqual(['JS01']);
  });

  it('the dashboard says the only place\'s disk was recorded destroyed, not "Ingen kopi ennå"', async () => {
    // The backup place (the old Dropbox folder) is lost with its disk, and recorded destroyed.
    fs.rmSync(vault, { recursive: true, force: true });
    await harness.invoke('backup.destroyed', { dir: vault, on: '2026-11-26' });
    await page.getByRole('button', { name: 'Innstillinger' }).click();
    await page.getByRole('button', { name: 'Oversikt' }).click();
    const dash = page.getByRole('region', { name: 'Sikkerhetskopi' });
    await expect.poll(() => dash.getByText('Disken til det eneste sikkerhetskopistedet er registrert som ødelagt (26. november 2026). Hvelvet har ingen kopi nå: legg til et nytt sted.').isVisible()).toBe(true);
    expect(await dash.getByText('Ingen kopi ennå').count()).toBe(0);
    await dash.scrollIntoViewIfNeeded();
    await screenshot(page, 'backup-dashboard-destroyed');
  });
});
