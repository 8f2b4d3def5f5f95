/**
 * Screenshots of the attribute screens in English (issue 31; the Norwegian ones come from
 * tests/e2e/attributes-filters.test.ts): retrieval, search and the thematic map filtered by
 * an attribute's value, and the Compare tab's table and edit form. Not a test:
 * `npx electron-vite build && npx tsx scripts/shots-attributes-en.ts` writes
 * test-results/screenshots/attributes-en-*.png (axe-core checks each screen as it is taken),
 * copied by hand into docs/screenshots/.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { finishLetter, launchChromium, newPage, screenshot, startHarness, STUDY_PASSPHRASE } from '../tests/e2e/harness';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-shots-attr-en-'));
const harness = await startHarness({ home, locale: 'en-GB' });
await harness.invoke('vault.create', {
  path: path.join(home, 'Documents', 'Hvelv', 'study'),
  passphrase: STUDY_PASSPHRASE,
  project: { title: 'Relational work in work inclusion', institution: 'University of Stavanger', faculty: 'Social sciences', student: 'Turid Testesen', supervisor: 'Gurli Testesen', siktRef: '123456', endDate: '2031-05-30', endAction: 'anonymise', codePrefix: 'JS' },
});
await finishLetter(harness);
const browser = await launchChromium();
const { page, problems } = await newPage(browser, 860);
try {
  const people = ['Ingrid Fjelltveit', 'Halvard Øyen', 'Sigrun Lerøy'];
  for (const name of people) await harness.invoke('participants.add', { identity: { name } });
  const texts: Record<string, string> = { JS01: 'B: Trust is being seen as a whole person.\n', JS02: 'B: Trust we built over time.\n', JS03: 'B: Trust came when I kept my word.\n' };
  const trust = (await harness.invoke('codes.add', { name: 'Trust' })) as { id: string };
  const theme = (await harness.invoke('themes.add', { name: 'The relationship', parentId: null, definition: '' })) as { id: string };
  await harness.invoke('themes.assign', { themeId: theme.id, codeId: trust.id, assigned: true });
  for (const code of Object.keys(texts)) {
    await harness.invoke('consent.record', { code, date: '2026-11-20', formVersion: 1, locale: 'en', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
    const { id } = (await harness.invoke('transcripts.create', { code, recordingId: null })) as { id: string };
    await harness.invoke('transcripts.update', { id, text: texts[code] });
    await harness.invoke('coding.apply', { transcriptId: id, start: 3, end: 8, codeId: trust.id });
  }
  await harness.invoke('attributes.define', { name: 'rolle', kind: 'list', values: ['Job specialist', 'Supervisor'], labels: { nb: 'Rolle', en: 'Role' } });
  await harness.invoke('attributes.define', { name: 'alder', kind: 'number', values: [], labels: { nb: 'Alder', en: 'Age' } });
  const roles = ['Job specialist', 'Supervisor', 'Job specialist'];
  const ages = ['52', '38', '57'];
  for (const [i, code] of ['JS01', 'JS02', 'JS03'].entries()) {
    await harness.invoke('attributes.set', { code, attribute: 'rolle', value: roles[i] });
    await harness.invoke('attributes.set', { code, attribute: 'alder', value: ages[i] });
  }
  await page.goto(harness.url);
  await page.getByRole('button', { name: 'Analysis', exact: true }).click();

  await page.getByRole('button', { name: 'Retrieval' }).click();
  await page.getByLabel('Code or theme').selectOption({ label: 'Trust' });
  await page.getByLabel('Filter by attribute').selectOption({ label: 'Role' });
  await page.getByLabel('Value of Role').selectOption('Job specialist');
  await page.waitForTimeout(500);
  await screenshot(page, 'attributes-en-01-retrieval');

  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.getByLabel('Search for').fill('trust');
  await page.getByRole('search').getByRole('button', { name: 'Search' }).click();
  await page.getByLabel('Filter by attribute').selectOption({ label: 'Age' });
  await page.waitForTimeout(500);
  await screenshot(page, 'attributes-en-02-search');

  await page.getByRole('button', { name: 'Thematic map' }).click();
  await page.getByLabel('Filter by attribute').selectOption({ label: 'Role' });
  await page.waitForTimeout(500);
  await screenshot(page, 'attributes-en-03-map');

  await page.getByRole('button', { name: 'Compare' }).click();
  await page.waitForTimeout(500);
  await screenshot(page, 'attributes-en-04-compare');
  await page.getByRole('button', { name: /^Change .Age.$/ }).click();
  await page.waitForTimeout(300);
  await screenshot(page, 'attributes-en-05-edit');
  if (problems.length) console.error('problems on the page:', problems);
} finally {
  await browser.close();
  await harness.close();
}
