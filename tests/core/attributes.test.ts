/**
 * Participant attributes (electron/core/services/attributes/): values sealed under the
 * participant's key, in the registry (withdrawal, access request), identifying ones gone
 * at the end date, generalised by default, the small-group warning, retrieval and search
 * filtered by a value, and the comparison table.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Attributes } from '../../electron/core/services/attributes/attributes';
import { suggest } from '../../electron/core/services/attributes/generalise';
import { countyOf, MUNICIPALITIES } from '../../electron/core/services/attributes/municipalities';
import { filterWarning, smallGroups } from '../../electron/core/services/attributes/groups';
import { compare } from '../../electron/core/services/attributes/compare';
import { Participants } from '../../electron/core/services/participants/participants';
import { enforceProjectEnd } from '../../electron/core/services/project-end/project-end';
import { storeDir } from '../../electron/core/vault/layout';
import { parseTranscript } from '../../electron/core/services/transcripts/formats';
import { unlockVault } from '../../electron/core/vault/vault';
import { admit, codeOf, listFiles, pw, tempDir } from './helpers';
import { NOW, study } from './analysis/fixture';

const attr = (name: string, kind: 'text' | 'number' | 'date' | 'list' = 'text') => ({ name, kind, labels: { nb: name, en: name } });

describe('attribute values are held like the rest of a person\'s data', () => {
  it('seals each value under the participant\'s key: no plaintext in any store file', async () => {
    const { session, dir, a, b } = await study();
    const attrs = new Attributes(session, NOW);
    attrs.define({ name: 'rolle', kind: 'list', values: ['Jobbspesialist', 'Veileder'] });
    attrs.define({ name: 'arbeidssted', identifying: true });
    attrs.set(a, 'rolle', 'jobbspesialist');
    attrs.set(b, 'rolle', 'Veileder');
    attrs.set(a, 'arbeidssted', 'Bakeriet Sjokoladefabrikken', { exact: true });
    expect(attrs.valuesOf(a).map((v) => `${v.name}=${v.value}`)).toEqual(['arbeidssted=Bakeriet Sjokoladefabrikken', 'rolle=Jobbspesialist']);
    // Each value row carries its participant's key id, not the store key.
    const store = session.stores.transcripts;
    expect(store.countParticipant(a)['attribute_value']).toBe(1);
    expect(session.stores.keylist.countParticipant(a)['attribute_value']).toBe(1);
    session.lock();
    const needles = ['Jobbspesialist', 'Sjokoladefabrikken'].map((s) => Buffer.from(s));
    for (const f of listFiles(dir)) {
      const bytes = fs.readFileSync(f);
      for (const n of needles) expect(bytes.includes(n), `${path.relative(dir, f)} holds ${n.toString()}`).toBe(false);
    }
  });

  it('withdrawal counts and destroys them; the access request lists them', async () => {
    const { session, a, b } = await study();
    const attrs = new Attributes(session, NOW);
    attrs.define({ name: 'rolle', kind: 'list', values: ['Jobbspesialist', 'Veileder'] });
    attrs.define({ name: 'kommune', identifying: true });
    attrs.set(a, 'rolle', 'Jobbspesialist');
    attrs.set(a, 'kommune', 'Ålesund', { exact: true });
    attrs.set(b, 'rolle', 'Veileder');
    const p = new Participants(session, NOW);
    const out = path.join(tempDir(), 'innsyn');
    fs.mkdirSync(out);
    const { folder, files } = await p.accessRequest(a, out, 'nb');
    expect(files).toContain('attributes.json');
    const held = JSON.parse(fs.readFileSync(path.join(folder, 'attributes.json'), 'utf8'));
    expect(held).toEqual([
      { attribute: 'kommune', label: 'kommune', value: 'Ålesund', exact: true, identifying: true },
      { attribute: 'rolle', label: 'rolle', value: 'Jobbspesialist', exact: false, identifying: false },
    ]);
    expect(p.withdrawalPreview(a).attributes).toBe(2);
    expect((await p.withdraw(a, '2026-11-27')).counts.attributes).toBe(2);
    expect(attrs.valuesOf(a)).toEqual([]);
    expect(session.stores.keylist.countParticipant(a)).toEqual({});
    expect(attrs.valuesOf(b).map((v) => v.value)).toEqual(['Veileder']);
    // Nothing new about someone who withdrew.
    expect(codeOf(() => attrs.set(a, 'rolle', 'Veileder'))).toBe('PARTICIPANT_WITHDRAWN');
  });

  it('an identifying attribute\'s values are gone at the end date; the others stay for the analysis', async () => {
    const { session, dir, deps, a } = await study();
    const attrs = new Attributes(session, NOW);
    attrs.define({ name: 'rolle', kind: 'list', values: ['Jobbspesialist', 'Veileder'] });
    attrs.define({ name: 'arbeidssted', identifying: true });
    attrs.set(a, 'rolle', 'Jobbspesialist');
    attrs.set(a, 'arbeidssted', 'NAV Ålesund', { exact: true });
    // Marking one identifying later moves its values into the key list's store.
    attrs.define({ name: 'fylke' });
    attrs.set(a, 'fylke', 'Møre og Romsdal');
    attrs.update('fylke', { identifying: true });
    expect(session.stores.keylist.countParticipant(a)['attribute_value']).toBe(2);
    expect(session.stores.transcripts.countParticipant(a)['attribute_value']).toBe(1);
    session.lock();
    enforceProjectEnd(dir, { crypto: deps.crypto, now: new Date('2031-06-15T12:00:00Z') });
    for (const f of listFiles(storeDir(dir, 'keylist'))) expect(fs.readFileSync(f).includes(Buffer.from('NAV'))).toBe(false);
    const s = await unlockVault(dir, pw('correct horse battery staple'), deps);
    const after = new Attributes(s, deps.now);
    expect(after.table()).toEqual(new Map([[a, { rolle: 'Jobbspesialist' }]]));
    s.lock();
  });
});

describe('generalised by default', () => {
  const age = { ...attr('alder', 'number') };
  const years = { name: 'erfaring', kind: 'number' as const, labels: { nb: 'År i jobben', en: 'Years in the job' } };
  it('suggests the band, the span or the county an exact value belongs to', () => {
    expect(suggest(age, '52')).toEqual({ value: '50-59', rule: 'age-band' });
    expect(suggest(age, '52 år')).toEqual({ value: '50-59', rule: 'age-band' });
    expect(suggest(years, '7')).toEqual({ value: '5-10 år', rule: 'years-band' });
    expect(suggest(years, '7', 'en')).toEqual({ value: '5-10 years', rule: 'years-band' });
    expect(suggest(years, '25')).toEqual({ value: '20+ år', rule: 'years-band' });
    expect(suggest(years, '1')).toEqual({ value: '0-2 år', rule: 'years-band' });
    expect(suggest(attr('startet', 'date'), '2017-08-14')).toEqual({ value: '2015-2019', rule: 'year-span' });
    expect(suggest(attr('startår', 'number'), '2017')).toEqual({ value: '2015-2019', rule: 'year-span' });
    expect(suggest(attr('bosted'), 'Ålesund')).toEqual({ value: 'Møre og Romsdal', rule: 'county' });
    expect(suggest(attr('bosted'), 'tromsø kommune')).toEqual({ value: 'Troms', rule: 'county' });
    expect(suggest(attr('bosted'), 'Kautokeino')).toEqual({ value: 'Finnmark', rule: 'county' });
    // Nothing to generalise: a band already, a county, a name two counties share, a plain number.
    expect(suggest(age, '50-59')).toBeNull();
    expect(suggest(years, '5-10 år')).toBeNull();
    expect(suggest(attr('bosted'), 'Vestland')).toBeNull();
    expect(suggest(attr('bosted'), 'Herøy')).toBeNull();
    expect(suggest(attr('barn', 'number'), '3')).toBeNull();
    expect(suggest({ ...attr('rolle', 'list') }, 'Ålesund')).toBeNull();
  });

  it('has the 357 municipalities of 2024 in the 15 counties', () => {
    expect(MUNICIPALITIES).toHaveLength(357);
    expect(new Set(MUNICIPALITIES.map((m) => m.county)).size).toBe(15);
    expect(countyOf('Bærum')).toBe('Akershus');
    expect(countyOf('Drammen')).toBe('Buskerud');
    expect(countyOf('Oslo')).toBeNull();
  });

  it('keeps only the generalised value unless the student insists, and flags an exact one', async () => {
    const { session, a, b } = await study();
    const attrs = new Attributes(session, NOW);
    attrs.define({ name: 'alder', kind: 'number' });
    const r = attrs.set(a, 'alder', '52');
    expect(r).toMatchObject({ generalised: true, stored: { value: '50-59', exact: false } });
    expect(attrs.valuesOf(a)[0]).toMatchObject({ value: '50-59', exact: false });
    const e = attrs.set(b, 'alder', '47', { exact: true });
    expect(e).toMatchObject({ generalised: false, stored: { value: '47', exact: true } });
    // The kind is checked: a number attribute takes no words.
    expect(codeOf(() => attrs.set(a, 'alder', 'gammel'))).toBe('INVALID_INPUT');
    expect(codeOf(() => attrs.set(a, 'ukjent', '1'))).toBe('NOT_FOUND');
  });
});

describe('in the analysis', () => {
  async function coded() {
    const v = await study();
    const { session, book, coding, ta, tb, a, b } = v;
    const c = admit(session, { name: 'Per Persen' });
    const attrs = new Attributes(session, NOW);
    attrs.define({ name: 'rolle', kind: 'list', values: ['Jobbspesialist', 'Veileder'] });
    attrs.set(a, 'rolle', 'Jobbspesialist');
    attrs.set(b, 'rolle', 'Veileder');
    const tillit = book.add({ name: 'Tillit' });
    const sett = book.add({ name: 'Bli sett' });
    coding.apply(ta, { quote: 'Tillit er å bli sett' }, [tillit.id, sett.id]);
    coding.apply(ta, { quote: 'Arbeidsgiveren i Ålesund' }, [tillit.id]);
    coding.apply(tb, { quote: 'bygde tillit over tid' }, [tillit.id]);
    return { ...v, c, attrs, tillit, sett };
  }

  it('retrieval and search keep only the participants holding a value, and warn of a group so small', async () => {
    const { session, coding, search, tillit, attrs, a } = await coded();
    const among = filterWarning(session, NOW, [{ name: 'rolle', value: 'jobbspesialist' }]);
    expect(among).toEqual({ participants: [a], small: true });
    const segs = coding.retrieve({ codeId: tillit.id }, { participants: among.participants });
    expect(segs.map((s) => s.participant)).toEqual([a, a]);
    expect(coding.retrieve({ codeId: tillit.id })).toHaveLength(3);
    expect(search.query('tillit', { participants: among.participants }).hits.every((h) => h.participant === a)).toBe(true);
    expect(search.query('tillit').hits.some((h) => h.participant !== a)).toBe(true);
    expect(codeOf(() => attrs.matching([{ name: 'nei', value: 'x' }]))).toBe('NOT_FOUND');
  });

  it('warns of every combination held by five or fewer participants, not of larger groups', async () => {
    const { session, attrs, a, b, c } = await coded();
    attrs.set(c, 'rolle', 'Veileder');
    expect(smallGroups(session, NOW)).toEqual([
      { values: { rolle: 'Jobbspesialist' }, participants: 1 },
      { values: { rolle: 'Veileder' }, participants: 2 },
    ]);
    // Six participants share one value: no warning for it.
    for (let i = 0; i < 4; i++) attrs.set(admit(session, { name: `Deltaker ${i}` }), 'rolle', 'Veileder');
    expect(smallGroups(session, NOW)).toEqual([{ values: { rolle: 'Jobbspesialist' }, participants: 1 }]);
    attrs.define({ name: 'alder', kind: 'number' });
    attrs.set(b, 'alder', '41');
    // The combination rolle × alder splits the six: b alone is 40-49.
    expect(smallGroups(session, NOW, ['rolle', 'alder'])).toContainEqual({ values: { rolle: 'Veileder', alder: '40-49' }, participants: 1 });
    expect(a).toBeTruthy();
  });

  it('the comparison table counts passages and participants per code and value, each cell with its passages', async () => {
    const { session, attrs, tillit, sett, c } = await coded();
    const t = compare(session, NOW, 'rolle');
    expect(t.columns).toEqual(['Jobbspesialist', 'Veileder', '']);
    expect(t.columnParticipants).toEqual([1, 1, 1]);
    const row = (id: string) => t.rows.find((r) => r.codeId === id)!;
    expect(row(tillit.id).cells.map((x) => [x.passages, x.participants])).toEqual([[2, 1], [1, 1], [0, 0]]);
    expect(row(sett.id).cells.map((x) => [x.passages, x.participants])).toEqual([[1, 1], [0, 0], [0, 0]]);
    expect(row(tillit.id).cells[0]!.segmentIds).toHaveLength(2);
    expect(t.smallColumns).toEqual(['Jobbspesialist', 'Veileder']);
    attrs.set(c, 'rolle', 'Veileder');
    expect(compare(session, NOW, 'rolle').columns).toEqual(['Jobbspesialist', 'Veileder']);
  });
});

describe('the comparison table in the report', () => {
  it('is in the .docx, one table per attribute not marked identifying, an exact value counted as none', async () => {
    const v = await study();
    const { session, book, coding, ta, tb, a, b } = v;
    const attrs = new Attributes(session, NOW);
    attrs.define({ name: 'rolle', kind: 'list', values: ['Jobbspesialist', 'Veileder'], labels: { nb: 'Rolle', en: 'Role' } });
    attrs.define({ name: 'alder', kind: 'number' });
    attrs.define({ name: 'arbeidssted', identifying: true });
    attrs.set(a, 'rolle', 'Jobbspesialist');
    attrs.set(b, 'rolle', 'Veileder');
    attrs.set(a, 'alder', '52');
    attrs.set(b, 'alder', '38', { exact: true });
    attrs.set(a, 'arbeidssted', 'Kafé Solsiden', { exact: true });
    const tillit = book.add({ name: 'Tillit' });
    coding.apply(ta, { quote: 'Tillit er å bli sett' }, [tillit.id]);
    coding.apply(tb, { quote: 'bygde tillit over tid' }, [tillit.id]);
    const out = path.join(tempDir(), 'rapport.docx');
    await v.report.export(out, { locale: 'nb', accepted: [] });
    const text = parseTranscript(fs.readFileSync(out), 'docx');
    expect(text).toContain('Sammenligning etter Rolle');
    expect(text).toContain('Jobbspesialist (1)');
    expect(text).toContain('Sammenligning etter alder');
    expect(text).toContain('50-59 (1)');
    expect(text).toContain('Ingen verdi (1)');
    expect(text).not.toContain('38');
    expect(text).not.toContain('Solsiden');
    expect(text).not.toContain('arbeidssted');
  });
});

describe('the thematic map filtered by a value', () => {
  it('counts only the passages of the participants holding it', async () => {
    const v = await study();
    const { session, book, coding, themes, ta, tb, a, b } = v;
    const attrs = new Attributes(session, NOW);
    attrs.define({ name: 'rolle', kind: 'list', values: ['Jobbspesialist', 'Veileder'] });
    attrs.set(a, 'rolle', 'Jobbspesialist');
    attrs.set(b, 'rolle', 'Veileder');
    const tillit = book.add({ name: 'Tillit' });
    coding.apply(ta, { quote: 'Tillit er å bli sett' }, [tillit.id]);
    coding.apply(ta, { quote: 'Arbeidsgiveren i Ålesund' }, [tillit.id]);
    coding.apply(tb, { quote: 'bygde tillit over tid' }, [tillit.id]);
    const theme = themes.add({ name: 'Å bli sett' });
    themes.assign(theme.id, tillit.id);
    const all = v.report.mapData();
    expect(all.codes[0]!.segmentCount).toBe(3);
    const only = v.report.mapData([...attrs.matching([{ name: 'rolle', value: 'Veileder' }])]);
    expect(only.codes[0]!.segmentCount).toBe(1);
    expect(only.themes[0]!.segmentCount).toBe(1);
    expect(v.report.mapSvg('nb', [a])).toContain('2 utdrag');
  });
});
