/**
 * Issue 29, walked again in Norwegian as the student met it: uncertain findings of the
 * identifying-details check start unticked, the panel says how many of each certainty it
 * will change, and a replacement is in the history and can be undone; legal dates default
 * to today, not the day the vault was unlocked; after consent a new consent version is
 * offered; a recording's row begins a transcript; F8 and the speaker keys stamp as f4
 * does; the letter's warning lists its unfilled fields, each a way to it.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { openStudy, screenshot, type Harness } from './harness';
import { makeWav, tempDir } from '../core/helpers';
import type { FormVersionDto } from '@shared/contract';
import { recordConsent } from './study';

let harness: Harness;
let browser: Browser;
let page: Page;
let problems: string[];
let transcriptId: string;
/** Days the machine's clock has moved on since the vault was unlocked. */
let daysLater = 0;
const DAY = 86_400_000;
const shot = (name: string): Promise<void> => screenshot(page, `walk-${name}`);
const norwegianDate = (d: Date): string => `${String(d.getDate()).padStart(2, '0')}.${String(d.getMonth() + 1).padStart(2, '0')}.${d.getFullYear()}`;

const TEXT = '#00:00:04-1# I: Hvordan jobber dere?\n#00:00:12-6# B: Vi jobber etter Supported Employment. Jeg er Kari, forresten.\n';

beforeAll(async () => {
  ({ harness, browser, page, problems } = await openStudy('hvelv-e2e-walk-a-', {}, 900, () => new Date(Date.now() + daysLater * DAY)));
  await harness.invoke('participants.add', { identity: { name: 'Kari Nordmann' } });
  await harness.invoke('participants.add', { identity: { name: 'Per Prøvesen' } });
  await recordConsent(harness, 'JS01');
  const wav = path.join(tempDir(), 'intervju.wav');
  makeWav(wav, 20, 3);
  harness.fileAnswers.push(wav);
  const file = (await harness.invoke('recordings.chooseFile', {})) as { token: string };
  await harness.invoke('recordings.import', { jobId: 'walk-a-1', code: 'JS01', file: file.token });
  transcriptId = ((await harness.invoke('transcripts.create', { code: 'JS01', recordingId: null })) as { id: string }).id;
  await harness.invoke('transcripts.update', { id: transcriptId, text: TEXT });
  await page.goto(harness.url);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await harness?.close();
});

describe('the identifying-details check (item 1)', () => {
  it('an uncertain finding starts unticked; the panel says what it will change; the replacement can be undone', async () => {
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    await page.getByRole('button', { name: 'Åpne transkripsjonen til JS01' }).click();
    await page.getByRole('button', { name: 'Se etter identifiserende opplysninger' }).click();
    const rows = page.locator('.findings li');
    await expect.poll(() => rows.locator('mark').allTextContents()).toEqual(['Supported Employment', 'Kari']);
    const method = rows.filter({ has: page.locator('mark', { hasText: 'Supported Employment' }) }).getByRole('checkbox');
    const name = rows.filter({ has: page.locator('mark', { hasText: /^Kari$/ }) }).getByRole('checkbox');
    expect(await method.isChecked()).toBe(false);
    expect(await name.isChecked()).toBe(true);
    const replace = page.getByRole('button', { name: 'Bytt ut valgte (1)' });
    expect(await page.getByText('Byttes ut: 1 sikker, 0 trolige, 0 kanskje').isVisible()).toBe(true);
    expect(await replace.getAttribute('aria-describedby')).toBe('deid-will-change');
    await expect.poll(() => page.getByText(/Funn merket «kanskje» er ikke krysset av/).isVisible()).toBe(true);
    await shot('01-deid-uncertain-unticked');

    // The student ticks it anyway (as one might by mistake), and replaces both.
    await method.check();
    expect(await page.getByText('Byttes ut: 1 sikker, 0 trolige, 1 kanskje').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Bytt ut valgte (2)' }).click();
    await expect.poll(() => page.getByText('Byttet ut 2. Teksten er sjekket på nytt:').isVisible()).toBe(true);
    const history = page.getByRole('region', { name: 'Utskiftinger som ikke er godtatt' });
    await expect.poll(() => history.getByText('«Supported Employment» → [navn]').isVisible()).toBe(true);
    await expect.poll(() => page.locator('.transcript').textContent()).toContain('Vi jobber etter [navn]. Jeg er [navn]');
    await shot('02-deid-replaced-in-history');

    // Undone: the exact text is back, and the notice of the replacement is gone with its moment.
    await history.getByRole('button', { name: 'Angre siste utskifting (2)' }).click();
    await expect.poll(() => page.getByText('Angret: 2 utskiftinger er satt tilbake slik teksten var.').isVisible()).toBe(true);
    expect(await page.getByText('Byttet ut 2. Teksten er sjekket på nytt:').count()).toBe(0);
    expect(await history.count()).toBe(0);
    expect(((await harness.invoke('transcripts.get', { id: transcriptId })) as { text: string }).text).toBe(TEXT);
    await expect.poll(() => page.locator('.transcript').textContent()).toContain('Supported Employment');
    await shot('03-deid-undone');

    // The name alone, accepted: it leaves the history.
    await page.getByRole('button', { name: 'Bytt ut valgte (1)' }).click();
    await expect.poll(() => history.getByText('«Kari» → [navn]').isVisible()).toBe(true);
    await history.getByRole('button', { name: 'Godta utskiftingene' }).click();
    await expect.poll(() => page.getByText('Utskiftingene er godtatt, og ordene som ble byttet ut, er slettet.').isVisible()).toBe(true);
    expect(await history.count()).toBe(0);
    expect(((await harness.invoke('transcripts.get', { id: transcriptId })) as { text: string }).text).toBe(TEXT.replace('Kari', '[navn]'));
    await shot('04-deid-accepted');
    expect(problems).toEqual([]);
  });
});

describe('consent and legal dates (item 3, smaller)', () => {
  it('after consent a new consent version is offered; the consent and withdrawal dates default to today, not the unlock day', async () => {
    daysLater = 20;
    const today = norwegianDate(new Date(Date.now() + daysLater * DAY));
    await page.getByRole('button', { name: 'Deltakere', exact: true }).click();
    await page.getByRole('button', { name: 'Åpne JS01' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Ny samtykkeversjon' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Registrer samtykke' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Ny samtykkeversjon' }).click();
    await expect.poll(() => page.getByLabel('Dato for samtykket').inputValue()).toBe(today);
    // The form says what it does: a new version, not the first consent again.
    const form = page.getByRole('form', { name: 'Ny samtykkeversjon for JS01' });
    expect(await form.getByRole('button', { name: 'Registrer den nye versjonen' }).isVisible()).toBe(true);
    expect(await page.getByText('Registrer samtykke for JS01').count()).toBe(0);
    await shot('05-new-consent-version-today');
    await page.getByRole('button', { name: 'Avbryt' }).first().click();

    await page.getByRole('button', { name: 'Trekk samtykke …' }).click();
    const dialog = page.getByRole('dialog', { name: 'Trekk samtykke for JS01' });
    await expect.poll(() => dialog.getByLabel('Dato samtykket ble trukket').inputValue()).toBe(today);
    await shot('06-withdraw-date-today');
    await dialog.getByRole('button', { name: 'Avbryt' }).click();

    // A participant without consent is still offered to record it.
    await page.getByRole('button', { name: 'Deltakere', exact: true }).click();
    await page.getByRole('button', { name: 'Åpne JS02' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Registrer samtykke' }).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Innstillinger' }).click();
    await expect.poll(() => page.getByLabel('Dato Sikt ble varslet').inputValue()).toBe(today);
    await shot('07-sikt-date-today');
    // The end moved: the notice says so until a new move is begun.
    await page.getByLabel('Ny dato for prosjektslutt').fill('01.06.2031');
    await page.getByLabel('Sikt-referanse for varslingen').fill('123456');
    await page.getByLabel('Begrunnelse').fill('Innleveringen ble utsatt');
    await page.getByRole('button', { name: 'Flytt prosjektslutt' }).click();
    await expect.poll(() => page.getByText('Prosjektslutt er flyttet til 1. juni 2031.').isVisible()).toBe(true);
    await page.getByLabel('Begrunnelse').fill('Ny');
    expect(await page.getByText('Prosjektslutt er flyttet til 1. juni 2031.').count()).toBe(0);
    await page.getByLabel('Begrunnelse').fill('');
    daysLater = 0;
    expect(problems).toEqual([]);
  });
});

describe("the letter's unfilled fields (item 10)", () => {
  it('the warning lists each unfilled field, and each goes to its place in the editor', async () => {
    await harness.invoke('forms.newVersion', {});
    const forms = (await harness.invoke('forms.list', {})) as FormVersionDto[];
    const v2 = forms.at(-1)!;
    const text = v2.texts.nb;
    const section = text.sections[1]!;
    await harness.invoke('forms.update', {
      version: v2.version,
      locale: 'nb',
      text: { ...text, intro: `${text.intro} Vi intervjuer [antall] jobbspesialister.`, sections: text.sections.map((s) => (s.id === section.id ? { ...s, body: `${s.body}\nOpptakene lagres på [lagringssted].` } : s)) },
    });
    await page.getByRole('button', { name: 'Informasjonsskriv' }).click();
    await page.getByRole('tab', { name: `Versjon ${v2.version}` }).click();
    await expect.poll(() => page.getByText('2 felt er ikke fylt ut. Velg et for å gå til det:').isVisible()).toBe(true);
    const toStorage = page.getByRole('button', { name: `[lagringssted] i «${section.heading}»` });
    expect(await page.getByRole('button', { name: '[antall] i «Innledning»' }).isVisible()).toBe(true);
    await shot('08-letter-unfilled-listed');
    await toStorage.click();
    // The editor opens with the field selected in its part, the caret there.
    await expect
      .poll(() =>
        page.evaluate(() => {
          type Area = { tagName: string; value: string; selectionStart: number; selectionEnd: number };
          const a = (globalThis as unknown as { document: { activeElement: Area | null } }).document.activeElement;
          return a && a.tagName === 'TEXTAREA' ? a.value.slice(a.selectionStart, a.selectionEnd) : null;
        }),
      )
      .toBe('[lagringssted]');
    expect(await page.getByLabel(section.heading).evaluate((a) => a === (a as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)).toBe(true);
    await shot('09-letter-field-focused');
    // A notice belongs to its moment: "saved" goes when the text is edited again.
    await page.keyboard.type('en kryptert disk');
    await page.getByRole('button', { name: 'Lagre teksten' }).click();
    await expect.poll(() => page.getByText('Teksten er lagret.').isVisible()).toBe(true);
    await expect.poll(() => page.getByText('1 felt er ikke fylt ut. Velg et for å gå til det:').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Rediger' }).click();
    expect(await page.getByText('Teksten er lagret.').count()).toBe(0);
    await page.getByRole('button', { name: 'Avbryt' }).click();
    expect(problems).toEqual([]);
  });
});

describe('beginning to transcribe (item 9)', () => {
  it("the recording's row begins a transcript in the workspace; F8 and the speaker keys stamp as f4 does", async () => {
    await page.getByRole('button', { name: 'Opptak', exact: true }).click();
    const begin = page.getByRole('button', { name: 'Begynn å transkribere (JS01, opptaket på 0:20)' });
    await expect.poll(() => begin.isVisible()).toBe(true);
    await shot('10-recordings-row-begin');
    await begin.click();
    await expect.poll(() => page.getByRole('heading', { name: 'Transkribering av JS01' }).isVisible()).toBe(true);
    const editor = page.locator('#tx-editor');
    await expect.poll(() => editor.isVisible()).toBe(true);
    await editor.click();
    await page.keyboard.type('Hun sa');
    await page.keyboard.press('F8');
    await page.keyboard.type('ja.');
    const lines = async () => (await page.locator('#tx-editor .cm-line').allTextContents()).join('\n');
    await expect.poll(lines).toBe('Hun sa #00:00:00-0# ja.');
    // A turn stamped later than where the player is now (it rewound on resume): the new turn takes the later time.
    await page.keyboard.press('Enter');
    await page.keyboard.type('#00:00:09-5# B: Det stemmer.');
    await page.keyboard.press('Control+1');
    await expect.poll(lines).toBe('Hun sa #00:00:00-0# ja.\n#00:00:09-5# B: Det stemmer.\n#00:00:09-5# I: ');
    await shot('11-workspace-stamps');
    expect(problems).toEqual([]);
  });
});
