/**
 * A share's attribute values in the supervisor's reader, in Norwegian (issue 31): each
 * interview lists its participant's generalised values (an exact value the student kept
 * never leaves), and retrieval filters by a value, with the small-group warning. Both
 * sides set up through the handlers; the screens changed are walked, shot and axe-checked.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newPage, openStudy, screenshot, startHarness, type Harness } from './harness';
import { recordConsent } from './study';

const TITLE = 'Relasjonsarbeid i arbeidsinkluderingsprosesser';
const SUP_PASS = 'veilederen har sin egen lange frase';

let student: Harness;
let supervisor: Harness;
let browser: Browser;
let supPage: Page;
let supProblems: string[];
let home: string;
let supHome: string;

beforeAll(async () => {
  ({ harness: student, browser, home } = await openStudy('hvelv-e2e-attrshare-'));
  const tillit = (await student.invoke('codes.add', { name: 'Tillit' })) as { id: string };
  const texts: Record<string, string> = { JS01: 'B: Tillit er å bli sett.\n', JS02: 'B: Tillit bygde vi over tid.\n' };
  for (const name of ['Kari Nordmann', 'Ola Hansen']) await student.invoke('participants.add', { identity: { name } });
  for (const code of ['JS01', 'JS02']) {
    await recordConsent(student, code);
    const { id } = (await student.invoke('transcripts.create', { code, recordingId: null })) as { id: string };
    await student.invoke('transcripts.update', { id, text: texts[code] });
    await student.invoke('coding.apply', { transcriptId: id, start: 3, end: 9, codeId: tillit.id });
  }
  await student.invoke('attributes.define', { name: 'rolle', kind: 'list', values: ['Jobbspesialist', 'Veileder'], labels: { nb: 'Rolle', en: 'Role' } });
  await student.invoke('attributes.define', { name: 'alder', kind: 'number', labels: { nb: 'Alder', en: 'Age' } });
  await student.invoke('attributes.set', { code: 'JS01', attribute: 'rolle', value: 'Jobbspesialist' });
  await student.invoke('attributes.set', { code: 'JS02', attribute: 'rolle', value: 'Veileder' });
  await student.invoke('attributes.set', { code: 'JS01', attribute: 'alder', value: '52' });
  await student.invoke('attributes.set', { code: 'JS02', attribute: 'alder', value: '38', exact: true });

  supHome = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-e2e-attrsharev-'));
  supervisor = await startHarness({ home: supHome, locale: 'nb-NO' });
  const id = (await supervisor.invoke('supervisor.init', { path: path.join(supHome, 'veileder'), passphrase: SUP_PASS })) as { key: string };
  const supId = ((await student.invoke('supervisors.add', { key: id.key, label: 'Hovedveileder', until: '2030-12-31' })) as { id: string }).id;
  const plan = (await student.invoke('shares.plan', { supervisorId: supId })) as { findings: { id: string }[] };
  const file = path.join(home, 'deling.hvelvshare');
  student.saveAnswers.push(file);
  await student.invoke('shares.create', { supervisorId: supId, accepted: plan.findings.map((f) => f.id) });
  supervisor.fileAnswers.push(file);
  const token = (await supervisor.invoke('supervisor.chooseShare', {})) as { token: string };
  await supervisor.invoke('supervisor.openShare', { file: token.token });
  ({ page: supPage, problems: supProblems } = await newPage(browser, 860));
  await supPage.goto(supervisor.url);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await student?.close();
  await supervisor?.close();
  for (const d of [home, supHome]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('attribute values in the supervisor\'s reader (nb)', () => {
  it('each interview lists its participant\'s generalised values; the exact age kept stays home', async () => {
    await supPage.getByRole('button', { name: 'Jeg er veileder' }).click();
    await supPage.getByRole('button', { name: `Les «${TITLE}»` }).click();
    const values = supPage.locator('.tr-list .attribute-values');
    await expect.poll(() => values.allTextContents()).toEqual(['Egenskaper: Alder: 50-59 · Rolle: Jobbspesialist', 'Egenskaper: Rolle: Veileder']);
    await screenshot(supPage, 'attributes-share-01-interviews-nb');
  });

  it('retrieval filters by a value, with the small-group warning', async () => {
    await supPage.getByRole('button', { name: 'Gjenfinning' }).click();
    await supPage.locator('#sr-re-of').selectOption({ label: 'Tillit' });
    await expect.poll(() => supPage.locator('ul.retrieved > li').count()).toBe(2);
    await supPage.getByLabel('Filtrer etter egenskap').selectOption({ label: 'Rolle' });
    await supPage.getByLabel('Verdi av Rolle').selectOption('Veileder');
    await expect.poll(() => supPage.locator('ul.retrieved > li').count()).toBe(1);
    expect(await supPage.locator('ul.retrieved > li').first().textContent()).toContain('JS02');
    await expect.poll(() => supPage.getByText('Bare 1 deltaker har Rolle = Veileder').isVisible()).toBe(true);
    await screenshot(supPage, 'attributes-share-02-retrieval-nb');
    await supPage.getByLabel('Filtrer etter egenskap').selectOption({ label: 'Alle deltakere' });
    await expect.poll(() => supPage.locator('ul.retrieved > li').count()).toBe(2);
    expect(supProblems).toEqual([]);
  });
});
