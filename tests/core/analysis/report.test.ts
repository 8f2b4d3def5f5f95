/** The report and journal (.docx, opened and read back), the thematic map (SVG, parsed), the identifying-details check. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseTranscript } from '../../../electron/core/services/transcripts/formats';
import { thematicMapSvg } from '@shared/analysis-map';
import { codeOf, tempDir } from '../helpers';
import { xmlErrors } from '../../libxml2';
import { study } from './fixture';

const SVG_NS = 'http://www.w3.org/2000/svg';

async function analysed() {
  const v = await study();
  const { book, coding, themes, ta, tb } = v;
  const tillit = book.add({ name: 'Tillit', definition: 'Når deltakeren beskriver å bli trodd.' });
  const sett = book.add({ name: 'Å bli sett', definition: 'Å bli møtt som et helt menneske.' });
  const tid = book.add({ name: 'Tid & <rom>', parentId: tillit.id });
  const q1 = coding.apply(ta, { quote: 'Tillit er å bli sett 😀 som et helt menneske, ikke bare en sak.' }, [tillit.id, sett.id]);
  const q2 = coding.apply(tb, { quote: 'bygde tillit over tid' }, [tid.id]);
  coding.apply(tb, { quote: 'Det handler om å bli sett.' }, [sett.id]);
  coding.setQuote(q1.id, true);
  coding.setQuote(q2.id, true);
  const t1 = themes.add({ name: 'Det gode møtet', definition: 'Samarbeid som bygger på tillit.' });
  const t2 = themes.add({ name: 'Anerkjennelse', definition: 'Å bli sett.' });
  const sub = themes.add({ name: 'Tid', parentId: t1.id });
  themes.assign(t1.id, tillit.id);
  themes.assign(t2.id, sett.id);
  themes.assign(t2.id, tillit.id);
  themes.assign(sub.id, tid.id);
  themes.setStatus(t1.id, 'defined');
  return { ...v, tillit, sett, tid, t1, t2, sub, q1, q2 };
}

describe('report', () => {
  it('writes a .docx with the codebook, the themes, and quotes cited (code, timestamp); audited with participants, not text', async () => {
    const v = await analysed();
    // The quote from A names "Åse"? No: but A's transcript mentions Åse elsewhere; only what goes in is checked.
    expect(v.report.check()).toEqual([]);
    const out = path.join(tempDir(), 'rapport.docx');
    const res = await v.report.export(out, { locale: 'nb', accepted: [] });
    expect(res).toEqual({ out, participants: [v.a, v.b].sort(), quotes: 2 });
    const bytes = fs.readFileSync(out);
    const text = parseTranscript(bytes, 'docx');
    for (const s of ['Kodebok', 'Tillit', 'Når deltakeren beskriver å bli trodd.', 'Tillit / Tid & <rom>', 'Det gode møtet', 'Status: Definert', 'Undertema: Tid', 'Anerkjennelse']) expect(text).toContain(s);
    expect(text).toContain(`«Tillit er å bli sett 😀 som et helt menneske, ikke bare en sak.» (${v.a}, 00:14:32)`);
    expect(text).toContain(`«bygde tillit over tid» (${v.b}, 00:02:05)`);
    // The quote under both of its themes' codes: in "Det gode møtet" (tillit) and in "Anerkjennelse".
    expect(text.split('bygde tillit over tid').length - 1).toBe(3); // Det gode møtet, Tid, Anerkjennelse (tillit's child)
    // A real Word document: the parts Word needs, styles for the headings.
    const files = unzipSync(bytes);
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['[Content_Types].xml', 'word/document.xml', 'word/styles.xml']));
    expect(strFromU8(files['word/document.xml']!)).toContain('Heading1');
    const entry = v.session.audit.list().at(-1)!;
    expect(entry).toMatchObject({ action: 'report.exported', details: { participants: [v.a, v.b].sort().join(','), quotes: 2 } });
    expect(JSON.stringify(entry)).not.toContain('Tillit');
    expect(v.report.exportsHolding(v.a)).toHaveLength(1);
    // In English too.
    const en = path.join(tempDir(), 'report.docx');
    await v.report.export(en, { locale: 'en', accepted: [] });
    expect(parseTranscript(fs.readFileSync(en), 'docx')).toContain('Codebook');
    v.session.lock();
  });

  it('is refused while a finding is neither replaced nor accepted; replacing in the transcript clears it', async () => {
    const v = await analysed();
    v.transcripts.update(v.ta, { text: `${v.transcripts.get(v.ta).text}#00:16:00-0# B: Kari ringte meg hver dag.\n` });
    const withName = v.coding.apply(v.ta, { quote: 'Kari ringte meg hver dag.' }, [v.tillit.id]);
    v.coding.setQuote(withName.id, true);
    v.book.update(v.sett.id, { definition: 'Som Kari Nordmann sa: å bli sett. Ring 915 55 123.' });
    const findings = v.report.check();
    expect(findings.map((f) => [f.where.kind, f.where.field, f.text])).toEqual([
      ['code', 'definition', 'Kari Nordmann'],
      ['code', 'definition', '915 55 123'],
      ['segment', 'text', 'Kari'],
    ]);
    const out = path.join(tempDir(), 'rapport.docx');
    await expect(v.report.export(out, { locale: 'nb', accepted: ['Kari'] })).rejects.toMatchObject({ code: 'DETAILS_UNCHECKED' });
    expect(fs.readdirSync(path.dirname(out))).toEqual([]);
    // Replace the name in the transcript: the quote moves onto the placeholder.
    const t = v.transcripts.get(v.ta).text;
    const at = t.indexOf('Kari ringte');
    v.transcripts.deidentify(v.ta, [{ start: at, end: at + 4, expected: 'Kari', with: '[navn]' }], []);
    expect(v.coding.get(withName.id).text).toBe('[navn] ringte meg hver dag.');
    v.book.update(v.sett.id, { definition: 'Å bli sett.' });
    expect(v.report.check()).toEqual([]);
    await v.report.export(out, { locale: 'nb', accepted: [] });
    expect(parseTranscript(fs.readFileSync(out), 'docx')).toContain('«[navn] ringte meg hver dag.» (' + v.a + ', 00:16:00)');
    v.session.lock();
  });

  it('the check covers memos, code and theme names and definitions', async () => {
    const v = await analysed();
    v.memos.add({ target: { kind: 'code', id: v.tillit.id }, text: 'Kari sa dette på telefon 915 55 123.', private: true });
    v.themes.update(v.t2.id, { name: 'Olas anerkjennelse' });
    const all = v.report.checkAll().map((f) => [f.where.kind, f.where.field, f.text]);
    expect(all).toEqual(expect.arrayContaining([
      ['memo', 'text', 'Kari'],
      ['memo', 'text', '915 55 123'],
      ['theme', 'name', 'Olas'],
    ]));
    v.session.lock();
  });
});

describe('journal', () => {
  it('exports the reflexive journal by phase and date, without private entries', async () => {
    const v = await study();
    v.memos.add({ target: { kind: 'journal' }, text: 'Jeg leste alle intervjuene to ganger.' });
    v.phases.set('initial-codes');
    v.memos.add({ target: { kind: 'journal' }, text: 'Privat: jeg kjenner meg igjen i JS01.', private: true });
    v.memos.add({ target: { kind: 'journal' }, text: 'Kodene vokser; jeg slår sammen to.' });
    const out = path.join(tempDir(), 'logg.docx');
    expect(await v.report.exportJournal(out, { locale: 'nb', accepted: [] })).toEqual({ out, entries: 2 });
    const text = parseTranscript(fs.readFileSync(out), 'docx');
    expect(text).toContain('Refleksiv logg');
    expect(text).toContain('Bli kjent med dataene');
    expect(text).toContain('Lage de første kodene');
    expect(text).toContain('27. november 2026');
    expect(text).toContain('Kodene vokser; jeg slår sammen to.');
    expect(text).not.toContain('Privat');
    expect(v.session.audit.list().at(-1)).toMatchObject({ action: 'journal.exported', details: { entries: 2 } });
    v.session.lock();
  });
});

describe('thematic map', () => {
  it('is SVG that parses, with every theme and code (with counts), names escaped', async () => {
    const v = await analysed();
    const svg = v.report.mapSvg('nb');
    // Well-formed XML (libxml2, as `xmllint --noout`), SVG namespace.
    expect(await xmlErrors(svg)).toBe('');
    const doc = new DOMParser({
      onError: (level, message) => {
        throw new Error(`${level}: ${message}`);
      },
    }).parseFromString(svg, 'image/svg+xml');
    expect(doc.documentElement?.namespaceURI).toBe(SVG_NS);
    const groups = Array.from(doc.getElementsByTagNameNS(SVG_NS, 'g'));
    const children = (g: Element, name: string) => Array.from(g.childNodes).filter((n): n is Element => n.nodeType === n.ELEMENT_NODE && (n as Element).localName === name);
    const titleOf = (g: Element) => children(g, 'title')[0]?.textContent;
    for (const t of [v.t1, v.t2, v.sub]) {
      const g = groups.filter((e) => e.getAttribute('data-theme') === t.id);
      expect(g).toHaveLength(1);
      expect(titleOf(g[0]!)).toBe(v.themes.get(t.id).name);
    }
    // Each code in each theme it belongs to (tillit in two), with its count.
    const expectCode = (codeId: string, themeId: string, count: number, name: string) => {
      const g = groups.filter((e) => e.getAttribute('data-code') === codeId && e.getAttribute('data-in-theme') === themeId);
      expect(g).toHaveLength(1);
      expect(titleOf(g[0]!)).toBe(name);
      expect(children(g[0]!, 'text')[1]?.textContent).toBe(String(count));
    };
    expectCode(v.tillit.id, v.t1.id, 1, 'Tillit');
    expectCode(v.tillit.id, v.t2.id, 1, 'Tillit');
    expectCode(v.sett.id, v.t2.id, 2, 'Å bli sett');
    expectCode(v.tid.id, v.sub.id, 1, 'Tid & <rom>');
    expect(groups.find((e) => e.getAttribute('data-theme') === v.t1.id)?.getAttribute('data-status')).toBe('defined');
    expect(svg).toContain('Relasjonsarbeid i arbeidsinkluderingsprosesser');
    // An empty project still draws.
    const empty = thematicMapSvg({ title: 'x', themes: [], codes: [] }, { segments: (n) => `${n}`, status: { candidate: 'c', reviewed: 'r', defined: 'd' }, empty: 'Ingen temaer ennå.' });
    expect(empty).toContain('Ingen temaer ennå.');
    v.session.lock();
  });
});

describe('after project end (anonymise)', () => {
  it('the analysis stays readable and exportable; nothing new may be written', async () => {
    const v = await analysed();
    const { enforceProjectEnd } = await import('../../../electron/core/services/project-end/project-end');
    const { unlockVault } = await import('../../../electron/core/vault/vault');
    const { Codebook } = await import('../../../electron/core/services/analysis/codebook');
    const { Coding } = await import('../../../electron/core/services/analysis/coding');
    const { Report } = await import('../../../electron/core/services/analysis/report');
    const { Search } = await import('../../../electron/core/services/analysis/search');
    const { pw } = await import('../helpers');
    v.session.lock();
    const late = () => new Date('2031-06-02T10:00:00Z');
    enforceProjectEnd(v.dir, { crypto: v.deps.crypto, now: late() });
    const s = await unlockVault(v.dir, pw('correct horse battery staple'), { ...v.deps, now: late });
    expect(s.stores.keylist.destroyed).toBe(true);
    const book = new Codebook(s, late);
    expect(book.list().map((c) => c.name)).toEqual(['Tillit', 'Tid & <rom>', 'Å bli sett']);
    expect(new Coding(s, late).retrieve({ codeId: v.tillit.id }).length).toBe(2);
    expect(new Search(s, late).query('tillit').total).toBeGreaterThan(0);
    const out = path.join(tempDir(), 'rapport.docx');
    await new Report(s, late).export(out, { locale: 'nb', accepted: [] });
    expect(parseTranscript(fs.readFileSync(out), 'docx')).toContain('(JS');
    expect(codeOf(() => book.add({ name: 'Ny' }))).toBe('PROJECT_ENDED');
    expect(codeOf(() => new Coding(s, late).apply(v.ta, { start: 0, end: 3 }, [v.tillit.id]))).toBe('PROJECT_ENDED');
    // Removals still work.
    expect(codeOf(() => new Coding(s, late).setQuote(v.q1.id, false))).toBe('NO_ERROR');
    s.lock();
  });
});
