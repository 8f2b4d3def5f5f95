/**
 * The QDA-XML writer and reader, independent of the vault: what Hvelv writes is valid
 * against the standard's schemas (checked by libxml2, as WebAssembly, not by our own code),
 * packed as the standard says, and reads back to the same model; positions count code
 * points over the text in the archive, LF or CRLF.
 */
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { BugIndicatingError } from '../../electron/core/errors';
import { newGuid, parseGuid } from '../../electron/core/services/exchange/guid';
import { emptyProject, type QdaCodebook, type QdaProject, type QdaTextSource } from '../../electron/core/services/exchange/qda-model';
import { codebookToXml, projectToXml, xmlToCodebook, xmlToProject } from '../../electron/core/services/exchange/qda-xml';
import { packCodebook, packQdpx, prepareSource, unpackCodebook, unpackQdpx } from '../../electron/core/services/exchange/qdpx';
import { validateRefiQda as validate } from '../libxml2';
import { codePointLength, normaliseWithMap, sliceCodePoints, toCrlf } from '../../electron/core/services/exchange/positions';

/** Positions counted the slow, obvious way: by code points of an array of characters. */
const cpSlice = (text: string, start: number, end: number): string => Array.from(text).slice(start, end).join('');
const cpIndexOf = (text: string, needle: string): number => Array.from(text.slice(0, text.indexOf(needle))).length;

const TEXT = 'I: Hvordan var det på jobben?\nB: Blåbær 😀 og «hæ»? Det var e\u0301n lang dag 👩‍👩‍👧.\nI: Takk.\n';

function sampleProject(): { project: QdaProject; texts: Map<string, string> } {
  const user = newGuid();
  const group = newGuid();
  const trust = newGuid();
  const work = newGuid();
  const src = newGuid();
  const audio = newGuid();
  const transcript = newGuid();
  const note = newGuid();
  const variable = newGuid();
  const emojiAt = cpIndexOf(TEXT, 'Blåbær');
  const dagAt = cpIndexOf(TEXT, 'e\u0301n lang');
  const p = emptyProject('Studie «tillit» & <arbeid>');
  p.origin = 'Hvelv 0.1.0';
  p.creatingUser = user;
  p.creationDateTime = '2026-05-01T10:00:00Z';
  p.users = [{ guid: user, name: 'Kari Student' }];
  p.codes = [
    {
      guid: group,
      name: 'Relasjoner',
      isCodable: false,
      description: 'Alt om relasjoner',
      noteRefs: [],
      children: [
        { guid: trust, name: 'Tillit', isCodable: true, color: '#1f77b4', description: 'Når "tillit" nevnes', noteRefs: [note], children: [] },
        { guid: work, name: 'Tillit', isCodable: true, color: '#d62728', noteRefs: [], children: [] },
      ],
    },
  ];
  p.variables = [{ guid: variable, name: 'Rolle', type: 'Text' }];
  p.cases = [{ guid: newGuid(), name: 'P01', values: [{ variable, type: 'Text', value: 'leder' }], sourceRefs: [src] }];
  const source: QdaTextSource = {
    kind: 'text',
    guid: src,
    name: 'P01',
    selections: [
      {
        guid: newGuid(),
        name: 'Blåbær 😀 og «hæ»',
        start: emojiAt,
        end: emojiAt + codePointLength('Blåbær 😀 og «hæ»'),
        codings: [{ guid: newGuid(), codeRef: trust, creatingUser: user }],
        noteRefs: [note],
        creatingUser: user,
        creationDateTime: '2026-05-02T10:00:00Z',
      },
      {
        guid: newGuid(),
        start: dagAt,
        end: dagAt + codePointLength('e\u0301n lang dag 👩‍👩‍👧'),
        codings: [
          { guid: newGuid(), codeRef: trust },
          { guid: newGuid(), codeRef: work },
        ],
        noteRefs: [],
      },
    ],
    noteRefs: [],
    values: [],
    creatingUser: user,
  };
  p.sources = [
    source,
    {
      kind: 'audio',
      guid: audio,
      name: 'P01 opptak',
      transcripts: [
        {
          guid: transcript,
          name: 'P01',
          syncPoints: [
            { guid: newGuid(), timeStamp: 0, position: 0 },
            { guid: newGuid(), timeStamp: 4200, position: cpIndexOf(TEXT, 'B:') },
            { guid: newGuid(), timeStamp: 9100, position: cpIndexOf(TEXT, 'I: Takk') },
          ],
        },
      ],
      noteRefs: [],
    },
  ];
  p.notes = [{ guid: note, name: 'Memo', plainTextContent: 'Tillit & <makt>\nandre linje 😀', creatingUser: user }];
  p.sets = [{ guid: newGuid(), name: 'Tema: tillit på jobb', description: 'Et tema', memberCodes: [trust, work], memberSources: [], memberNotes: [] }];
  return { project: p, texts: new Map([[src, TEXT], [transcript, TEXT]]) };
}

describe('QDA-XML project writer', () => {
  it('writes XML that the standard Project schema accepts, in its namespace, without a BOM', async () => {
    const { project, texts } = sampleProject();
    const files = unzipSync(packQdpx({ project, texts }));
    const qde = files['project.qde']!;
    expect([...qde.subarray(0, 5)]).toEqual([...Buffer.from('<?xml')]);
    const xml = strFromU8(qde);
    expect(xml).toMatch(/^<\?xml[^>]*\?>\n<Project [^>]*xmlns="urn:QDA-XML:project:1.0"/);
    const verdict = await validate(xml, 'Project.xsd');
    expect(verdict.output).toBe('');
    expect(verdict.ok).toBe(true);
  });

  it('is caught by the schema when the order of elements is wrong (the check can fail)', async () => {
    const { project, texts } = sampleProject();
    const xml = strFromU8(unzipSync(packQdpx({ project, texts }))['project.qde']!);
    // Sets before Notes breaks the Project sequence.
    const notes = /<Notes>.*<\/Notes>/s.exec(xml)![0];
    const swapped = xml.replace(notes, '').replace('</Sets>', `</Sets>${notes}`);
    expect((await validate(swapped, 'Project.xsd')).ok).toBe(false);
    // A GUID the pattern does not allow.
    expect((await validate(xml.replace(/guid="[0-9A-F-]+"/, 'guid="not-a-guid"'), 'Project.xsd')).ok).toBe(false);
  });

  it('puts the sources in lower-case sources/ as internal files, named by GUID', () => {
    const { project, texts } = sampleProject();
    const files = unzipSync(packQdpx({ project, texts }));
    const names = Object.keys(files).sort();
    expect(names).toHaveLength(3);
    for (const n of names.filter((n) => n !== 'project.qde')) expect(n).toMatch(/^sources\/[0-9A-F-]{36}\.txt$/);
    const xml = strFromU8(files['project.qde']!);
    const paths = [...xml.matchAll(/plainTextPath="([^"]+)"/g)].map((m) => m[1]);
    expect(paths).toHaveLength(2);
    for (const p of paths) expect(p).toMatch(/^internal:\/\/[0-9A-F-]{36}\.txt$/);
    expect(strFromU8(files[`sources/${paths[0]!.slice('internal://'.length)}`]!)).toBe(TEXT);
  });

  it('counts positions in code points of the exported text: æøå, combining accents and emoji land exactly', () => {
    const { project, texts } = sampleProject();
    const files = unzipSync(packQdpx({ project, texts }));
    const xml = strFromU8(files['project.qde']!);
    const sel = [...xml.matchAll(/startPosition="(\d+)" endPosition="(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    const text = strFromU8(files[Object.keys(files).find((n) => n.startsWith('sources/'))!]!);
    expect(cpSlice(text, ...sel[0]!)).toBe('Blåbær 😀 og «hæ»');
    expect(cpSlice(text, ...sel[1]!)).toBe('e\u0301n lang dag 👩‍👩‍👧');
    // JavaScript's own indexOf (UTF-16 units) would be larger: the emoji counts twice there.
    expect(sel[1]![0]).toBeLessThan(text.indexOf('e\u0301n lang'));
  });

  it('writes CRLF on request, with selections and sync points moved by the line breaks before them', async () => {
    const { project, texts } = sampleProject();
    const files = unzipSync(packQdpx({ project, texts, crlf: true }));
    const xml = strFromU8(files['project.qde']!);
    const text = strFromU8(files[Object.keys(files).find((n) => n.startsWith('sources/'))!]!);
    expect(text).toBe(TEXT.replace(/\n/g, '\r\n'));
    const sel = [...xml.matchAll(/startPosition="(\d+)" endPosition="(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
    expect(cpSlice(text, ...sel[0]!)).toBe('Blåbær 😀 og «hæ»');
    expect(cpSlice(text, ...sel[1]!)).toBe('e\u0301n lang dag 👩‍👩‍👧');
    const sync = [...xml.matchAll(/<SyncPoint [^>]*timeStamp="(\d+)" position="(\d+)"/g)].map((m) => Number(m[2]));
    expect(cpSlice(text, sync[1]!, sync[1]! + 2)).toBe('B:');
    expect(cpSlice(text, sync[2]!, sync[2]! + 7)).toBe('I: Takk');
    expect((await validate(xml, 'Project.xsd')).ok).toBe(true);
  });

  it('reads back what it wrote: codes, hierarchy, colours, selections, codings, notes, cases, sets', () => {
    const { project, texts } = sampleProject();
    const back = unpackQdpx(packQdpx({ project, texts }));
    const p = back.project;
    expect(p.name).toBe(project.name);
    expect(p.codes[0]!.isCodable).toBe(false);
    expect(p.codes[0]!.children.map((c) => [c.name, c.color, c.description])).toEqual([
      ['Tillit', '#1f77b4', 'Når "tillit" nevnes'],
      ['Tillit', '#d62728', undefined],
    ]);
    const src = p.sources[0] as QdaTextSource;
    expect(src.selections.map((s) => s.codings.map((c) => c.codeRef))).toEqual((project.sources[0] as QdaTextSource).selections.map((s) => s.codings.map((c) => c.codeRef)));
    expect(src.selections[0]!.noteRefs).toEqual([project.notes[0]!.guid]);
    expect(p.notes[0]!.plainTextContent).toBe('Tillit & <makt>\nandre linje 😀');
    expect(p.cases[0]!.values).toEqual([{ variable: project.variables[0]!.guid, type: 'Text', value: 'leder' }]);
    expect(p.sets[0]!.memberCodes).toEqual(project.sets[0]!.memberCodes);
    const t = back.texts.get(src.guid);
    expect(t).toEqual({ text: TEXT });
    const prepared = prepareSource(src, TEXT);
    expect(prepared.selections.map((s) => sliceCodePoints(prepared.text, s.start, s.end))).toEqual(['Blåbær 😀 og «hæ»', 'én lang dag 👩‍👩‍👧']);
  });

  it('refuses to write what the schema would not accept (a bad GUID, colour or range is a bug, not a file)', () => {
    const { project, texts } = sampleProject();
    const bad = structuredClone(project);
    bad.codes[0]!.children[0]!.color = 'blue';
    expect(() => projectToXml(bad)).toThrow(BugIndicatingError);
    const badRange = structuredClone(project);
    (badRange.sources[0] as QdaTextSource).selections[0]!.end = 10_000;
    expect(() => packQdpx({ project: badRange, texts })).toThrow(BugIndicatingError);
    const badGuid = structuredClone(project);
    badGuid.users[0]!.guid = 'P01';
    expect(() => projectToXml(badGuid)).toThrow(BugIndicatingError);
  });

  it('keeps control characters that XML cannot carry out of the file', async () => {
    const p = emptyProject('x');
    p.notes = [{ guid: newGuid(), plainTextContent: 'a\u000Bb\u0000c' }];
    const xml = projectToXml(p);
    expect((await validate(xml, 'Project.xsd')).ok).toBe(true);
    expect(xmlToProject(xml).notes[0]!.plainTextContent).toBe('a\uFFFDb\uFFFDc');
  });
});

describe('QDA-XML codebook (.qdc)', () => {
  const codebook = (): QdaCodebook => ({
    origin: 'Hvelv',
    codes: [
      { guid: newGuid(), name: 'Arbeid', isCodable: false, noteRefs: [], children: [{ guid: newGuid(), name: 'Stress', isCodable: true, color: '#2ca02c', description: 'Press på jobb', noteRefs: [], children: [] }] },
    ],
    sets: [],
  });

  it('writes a codebook the standard Codebook schema accepts, and reads it back', async () => {
    const c = codebook();
    c.sets = [{ guid: newGuid(), name: 'Tema', memberCodes: [c.codes[0]!.children[0]!.guid], memberSources: [], memberNotes: [] }];
    const bytes = packCodebook(c);
    expect(bytes[0]).toBe(0x3c);
    const xml = strFromU8(bytes);
    expect(xml).toContain('xmlns="urn:QDA-XML:codebook:1.0"');
    const verdict = await validate(xml, 'Codebook.xsd');
    expect(verdict.output).toBe('');
    expect(verdict.ok).toBe(true);
    const back = unpackCodebook(bytes);
    expect(back.codes[0]!.children[0]).toMatchObject({ name: 'Stress', color: '#2ca02c', description: 'Press på jobb', isCodable: true });
    expect(back.sets[0]!.memberCodes).toEqual(c.sets[0]!.memberCodes);
    expect(xmlToCodebook(codebookToXml(back))).toEqual(back);
  });
});

describe('positions', () => {
  it('counts code points, not UTF-16 units', () => {
    expect(codePointLength('😀å')).toBe(2);
    expect(sliceCodePoints('a😀b', 1, 2)).toBe('😀');
  });

  it('maps positions through NFC and CRLF → LF so each lands on the same letters', () => {
    const raw = 'Pa\u030As\r\ndu 😀 A\u030Ase\r\n';
    const { text, map } = normaliseWithMap(raw);
    expect(text).toBe('Pås\ndu 😀 Åse\n');
    const at = (s: string) => cpIndexOf(raw, s);
    const start = map.map(at('du'), 'start');
    const end = map.map(at('A\u030Ase') + 4, 'end');
    expect(cpSlice(text, start, end)).toBe('du 😀 Åse');
    // A range that begins between a letter and its combining ring grows to the whole letter.
    expect(cpSlice(text, map.map(at('a\u030A') + 1, 'start'), map.map(at('s\r\n'), 'end'))).toBe('å');
  });

  it('moves positions by one per line break when writing CRLF', () => {
    const { text, map } = toCrlf('a\nbc\n😀d');
    expect(text).toBe('a\r\nbc\r\n😀d');
    expect(cpSlice(text, map.map(5, 'start'), map.map(7, 'end'))).toBe('😀d');
  });
});

describe('GUIDs', () => {
  it('reads GUIDs with or without braces, in either case, as the same GUID', () => {
    const g = '6f1b0c2e-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
    expect(parseGuid(`{${g.toUpperCase()}}`)).toBe(g);
    expect(parseGuid(g)).toBe(g);
    expect(parseGuid('P01')).toBeNull();
  });
});
