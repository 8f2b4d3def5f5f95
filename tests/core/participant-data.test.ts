/**
 * The registry of what Hvelv holds about a participant (electron/core/services/index.ts):
 * every store table holding a participant's rows is claimed by a registration, so a
 * feature cannot keep something about a person that withdrawal would not count, the
 * receipt would not list or an access request would leave out; the dialog before a
 * withdrawal and the receipt after it say the same, row for row, in both languages.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PARTICIPANT_DATA, PARTICIPANT_DATA_KINDS } from '../../electron/core/services/index';
import { Participants } from '../../electron/core/services/participants/participants';
import { Attributes } from '../../electron/core/services/attributes/attributes';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { FEEDBACK_TABLE } from '../../electron/core/services/supervisor/student';
import { DATA_STORES } from '../../electron/core/vault/layout';
import { translate } from '@shared/i18n/catalogue';
import { makeWav, tempDir } from './helpers';
import { NOW, study } from './analysis/fixture';

/** A study where participant A has something of every kind a feature keeps. */
async function everything() {
  const v = await study();
  const { session, book, coding, memos, a, ta } = v;
  const p = new Participants(session, NOW);
  // A second consent (admit recorded the first), with a scanned form as evidence.
  const scan = path.join(tempDir(), 'samtykke.pdf');
  fs.writeFileSync(scan, '%PDF-1.4 signert samtykke');
  p.recordConsent(a, { date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: { path: scan }, unfinishedLetter: true });
  const wav = path.join(tempDir(), 'intervju-kari.wav');
  makeWav(wav, 3, 2);
  await new Recordings(session, NOW).import(a, wav);
  const code = book.add({ name: 'Tillit', definition: 'Om å bli trodd.' });
  const seg = coding.apply(ta, { quote: 'Tillit er å bli sett 😀 som et helt menneske' }, [code.id]);
  memos.add({ target: { kind: 'transcript', id: ta }, text: 'Notat om intervjuet.' });
  // A replacement of an identifying detail not yet accepted (its words kept in the key list).
  const tr = new Transcripts(session, NOW);
  const text = tr.get(ta).text;
  const word = text.match(/\p{L}{4,}/u)!;
  tr.deidentify(ta, [{ start: word.index!, end: word.index! + word[0].length, expected: word[0], with: '[navn]' }], []);
  // A supervisor's comment on A's passage, as the feedback import stores it.
  session.stores.transcripts.put(FEEDBACK_TABLE, {
    participant: a,
    data: { target: { kind: 'segment', id: seg.id }, fingerprint: 'ab12', createdAt: NOW().toISOString(), text: 'Fin koding.', replies: [], resolved: false },
  });
  // Attribute values: one in the transcripts' store, one identifying in the key list's, one exact over its band.
  const attrs = new Attributes(session, NOW);
  attrs.define({ name: 'rolle', kind: 'list', values: ['Jobbspesialist', 'Veileder'] });
  attrs.define({ name: 'arbeidssted', identifying: true });
  attrs.set(a, 'rolle', 'Jobbspesialist');
  attrs.set(a, 'arbeidssted', 'Kafeen', { exact: true });
  // An exact value insisted on, of one not marked identifying: kept in the key list over its generalised value.
  attrs.define({ name: 'alder', kind: 'number' });
  attrs.set(a, 'alder', '38', { exact: true });
  return { ...v, p };
}

describe('the registry of participant data', () => {
  it('claims every store table that holds a participant\'s rows', async () => {
    const { session, a } = await everything();
    const unclaimed: string[] = [];
    for (const store of DATA_STORES) {
      for (const table of Object.keys(session.stores[store].countParticipant(a))) {
        if (!PARTICIPANT_DATA.some((d) => d.tables.some((t) => t.store === store && t.table === table))) unclaimed.push(`${store}.${table}`);
      }
    }
    expect(unclaimed, 'a feature keeps this about a participant without registering it in electron/core/services/index.ts').toEqual([]);
    // And the fixture reaches every registered table, so the check above is not vacuous.
    const held = new Set(DATA_STORES.flatMap((s) => Object.keys(session.stores[s].countParticipant(a)).map((t) => `${s}.${t}`)));
    const registeredTables = PARTICIPANT_DATA.flatMap((d) => d.tables.map((t) => `${t.store}.${t.table}`)).filter((t) => t !== 'transcripts.coding');
    expect(registeredTables.filter((t) => !held.has(t))).toEqual([]);
  });

  it('names every row in both languages', () => {
    for (const kind of PARTICIPANT_DATA_KINDS) {
      for (const locale of ['nb', 'en'] as const) {
        const label = translate(locale, `kind.${kind}` as never);
        expect(label, `${locale} kind.${kind}`).not.toBe(`kind.${kind}`);
        expect(label.length).toBeGreaterThan(0);
      }
    }
  });

  it('gives the receipt the rows and counts the dialog showed, and leaves nothing of the person', async () => {
    const { session, p, a } = await everything();
    const preview = p.withdrawalPreview(a);
    expect(Object.keys(preview)).toEqual([...PARTICIPANT_DATA_KINDS]);
    expect(preview).toEqual({ identity: 1, consent: 2, 'consent-evidence': 1, recordings: 1, transcripts: 1, 'coded-segments': 1, memos: 1, attributes: 3, analysis: 1 });
    const receipt = await p.withdraw(a, '2026-11-27');
    expect(receipt.counts).toEqual(preview);
    for (const locale of ['nb', 'en'] as const) {
      const html = p.receiptHtml(a, locale);
      for (const [kind, n] of Object.entries(preview)) expect(html).toContain(`<tr><td>${translate(locale, `kind.${kind}` as never)}</td><td class="n">${n}</td></tr>`);
    }
    for (const store of DATA_STORES) expect(session.stores[store].countParticipant(a), store).toEqual({});
  });

  it('counts what no registration claims, so a receipt never says less than was destroyed', async () => {
    const { session, p, a } = await everything();
    session.stores.transcripts.put('a_feature_that_forgot', { participant: a, data: { note: 'glemt' } });
    expect(p.withdrawalPreview(a).analysis).toBe(2);
    const out = tempDir();
    const { files } = await p.accessRequest(a, out, 'nb');
    expect(files.some((f) => f.includes('a_feature_that_forgot'))).toBe(true);
  });

  it('puts every kind in the access request', async () => {
    const { p, a } = await everything();
    const folder = tempDir();
    const { files, folder: written } = await p.accessRequest(a, folder, 'en');
    // The words replaced and not yet accepted are held too: shown with their placeholder.
    const replaced = files.find((f) => /^transcripts\/transcript-[0-9a-f]+-replaced\.txt$/.test(f.split(path.sep).join('/')));
    expect(replaced).toBeDefined();
    expect(fs.readFileSync(path.join(written, replaced!), 'utf8')).toMatch(/\t\p{L}{4,}\t→\t\[navn\]\n/u);
    for (const expected of [/^identity\.json$/, /^consent-1\.json$/, /^consent-1-form-v1-nb\.html$/, /^evidence\/samtykke\.pdf$/, /^recordings\/[0-9a-f]{32}\.wav$/, /^transcripts\/transcript-/, /^analysis\/coded-segments\.json$/, /^analysis\/memos\.json$/, /^analysis\/feedback-/, /^00-cover-letter\.html$/]) {
      expect(files.some((f) => expected.test(f.split(path.sep).join('/'))), String(expected)).toBe(true);
    }
  });
});
