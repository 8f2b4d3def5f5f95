/**
 * Reading .qdpx and .qdc files as the four programs write them, and refusing what no
 * honest exchange file holds. The fixtures are small hand-written files shaped like
 * each tool's habits (see the issue): BOM, CRLF, braces, `Sources/`, PlainTextContent,
 * bare plainTextPath, MAXQDA's selections without Coding.
 */
import { strToU8, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { HvelvError } from '../../electron/core/errors';
import type { QdaTextSource } from '../../electron/core/services/exchange/qda-model';
import { prepareSource, sourceName, unpackCodebook, unpackQdpx, type RawText } from '../../electron/core/services/exchange/qdpx';
import { sliceCodePoints } from '../../electron/core/services/exchange/positions';

const G = {
  code1: '11111111-1111-4111-8111-111111111111',
  code2: '22222222-2222-4222-8222-222222222222',
  src: '33333333-3333-4333-8333-333333333333',
  sel1: '44444444-4444-4444-8444-444444444444',
  sel2: '55555555-5555-4555-8555-555555555555',
  coding: '66666666-6666-4666-8666-666666666666',
  note: '77777777-7777-4777-8777-777777777777',
  user: '88888888-8888-4888-8888-888888888888',
};
const up = (g: string) => g.toUpperCase();
const braced = (g: string) => `{${g.toUpperCase()}}`;

const cpIndexOf = (text: string, needle: string): number => Array.from(text.slice(0, text.indexOf(needle))).length;
const cpLen = (s: string) => Array.from(s).length;

function qdpx(files: Record<string, string | Uint8Array>): Uint8Array {
  const z: Zippable = {};
  for (const [k, v] of Object.entries(files)) z[k] = typeof v === 'string' ? strToU8(v) : v;
  return zipSync(z);
}

function code(kind: HvelvError['code'], f: () => unknown): void {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(HvelvError);
    expect((err as HvelvError).code).toBe(kind);
    return;
  }
  throw new Error(`expected ${kind}`);
}

const textOf = (t: RawText | undefined): string => {
  if (!t || !('text' in t)) throw new Error(`no text: ${JSON.stringify(t)}`);
  return t.text;
};

/** The coded text of each selection, after the text is prepared as transcripts are stored. */
function codedTexts(bytes: Uint8Array): string[] {
  const { project, texts } = unpackQdpx(bytes);
  const src = project.sources.find((s): s is QdaTextSource => s.kind === 'text')!;
  const prepared = prepareSource(src, textOf(texts.get(src.guid)));
  return prepared.selections.map((s) => sliceCodePoints(prepared.text, s.start, s.end));
}

const TEXT = 'I: Hvordan har du det?\nB: Jeg har det bra 😀, takk.\nI: Og på jobben?\nB: Der er det mye stress.\n';

describe('import: files shaped like each tool writes them', () => {
  it('QualCoder: bare GUIDs, internal:// paths in sources/, selection names holding the coded text', () => {
    const a = cpIndexOf(TEXT, 'Jeg har');
    const b = cpIndexOf(TEXT, 'mye stress');
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="qc" origin="QualCoder 3.5" creatingUserGUID="${G.user}">
<Users><User guid="${G.user}" name="default"/></Users>
<CodeBook><Codes>
<Code guid="${G.code1}" name="Trivsel" isCodable="true" color="#F5E11C"><Description>Hvordan de har det</Description></Code>
<Code guid="${G.code2}" name="Stress" isCodable="true"/>
</Codes></CodeBook>
<Sources>
<TextSource guid="${G.src}" name="intervju1.txt" plainTextPath="internal://${G.src}.txt" creatingUser="${G.user}">
<PlainTextSelection guid="${G.sel1}" name="Jeg har det bra 😀" startPosition="${a}" endPosition="${a + cpLen('Jeg har det bra 😀')}" creatingUser="${G.user}">
<Coding guid="${G.coding}" creatingUser="${G.user}"><CodeRef targetGUID="${G.code1}"/></Coding>
</PlainTextSelection>
<PlainTextSelection guid="${G.sel2}" name="mye stress" startPosition="${b}" endPosition="${b + cpLen('mye stress')}">
<Coding guid="${G.note}"><CodeRef targetGUID="${G.code2}"/></Coding>
</PlainTextSelection>
</TextSource>
</Sources>
</Project>`;
    const bytes = qdpx({ 'project.qde': xml, [`sources/${G.src}.txt`]: TEXT });
    const { project } = unpackQdpx(bytes);
    expect(project.codes.map((c) => [c.name, c.color])).toEqual([
      ['Trivsel', '#f5e11c'],
      ['Stress', undefined],
    ]);
    expect(codedTexts(bytes)).toEqual(['Jeg har det bra 😀', 'mye stress']);
  });

  it('NVivo: a BOM, braces around GUIDs, Sources/ spelt with a capital, CRLF text counted with the CR', () => {
    const crlf = TEXT.replace(/\n/g, '\r\n');
    const a = cpIndexOf(crlf, 'Og på jobben');
    const b = cpIndexOf(crlf, 'mye stress');
    const xml = `\uFEFF<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<Project name="NVivo-prosjekt" origin="NVivo 14" xmlns="urn:QDA-XML:project:1.0">
<CodeBook><Codes><Code guid="${braced(G.code1)}" name="Jobb" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="${braced(G.src)}" name="Intervju 1" plainTextPath="internal://${braced(G.src)}.txt">
<PlainTextSelection guid="${braced(G.sel1)}" startPosition="${a}" endPosition="${b + cpLen('mye stress')}">
<Coding guid="${braced(G.coding)}"><CodeRef targetGUID="${braced(G.code1)}"/></Coding>
</PlainTextSelection></TextSource></Sources></Project>`;
    const bytes = qdpx({ 'project.qde': strToU8(xml), [`Sources/${braced(G.src)}.txt`]: `\uFEFF${crlf}` });
    const { project, texts } = unpackQdpx(bytes);
    expect(project.codes[0]!.guid).toBe(G.code1);
    const src = project.sources[0] as QdaTextSource;
    expect(src.selections[0]!.codings[0]!.codeRef).toBe(G.code1);
    const prepared = prepareSource(src, textOf(texts.get(G.src)));
    expect(prepared.counting).toBe('as-stored');
    expect(prepared.text).toBe(TEXT);
    expect(prepared.selections.map((s) => sliceCodePoints(prepared.text, s.start, s.end))).toEqual(['Og på jobben?\nB: Der er det mye stress']);
  });

  it('ATLAS.ti with CRLF text: selection names tell whether positions count the CR', () => {
    const crlf = TEXT.replace(/\n/g, '\r\n');
    // Positions over the LF text, as a tool that counts a line break once would write them.
    const a = cpIndexOf(TEXT, 'Der er det');
    const sel = (g: string, name: string, at: number) =>
      `<PlainTextSelection guid="${up(g)}" name="${name}" startPosition="${at}" endPosition="${at + cpLen(name)}"><Coding guid="${up(G.coding)}"><CodeRef targetGUID="${up(G.code1)}"/></Coding></PlainTextSelection>`;
    const xml = `<?xml version="1.0" encoding="utf-8"?><Project name="atlas" origin="ATLAS.ti" xmlns="urn:QDA-XML:project:1.0">
<CodeBook><Codes><Code guid="${up(G.code1)}" name="Stress" isCodable="true" color="#FF0000"/></Codes></CodeBook>
<Sources><TextSource guid="${up(G.src)}" name="Intervju" plainTextPath="internal://${up(G.src)}.txt">${sel(G.sel1, 'Der er det', a)}${sel(G.sel2, 'Og på', cpIndexOf(TEXT, 'Og på'))}</TextSource></Sources></Project>`;
    const bytes = qdpx({ 'project.qde': xml, [`sources/${up(G.src)}.txt`]: crlf });
    const { project, texts } = unpackQdpx(bytes);
    const prepared = prepareSource(project.sources[0] as QdaTextSource, textOf(texts.get(G.src)));
    expect(prepared.counting).toBe('lf');
    expect(prepared.selections.map((s) => sliceCodePoints(prepared.text, s.start, s.end))).toEqual(['Der er det', 'Og på']);
  });

  it('MAXQDA: plainTextPath without internal://, a selection with a Description but no Coding, PlainTextContent notes', () => {
    const a = cpIndexOf(TEXT, 'stress');
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="maxqda" origin="MAXQDA 2022">
<CodeBook><Codes><Code guid="${up(G.code1)}" name="Belastning" isCodable="false"><Code guid="${up(G.code2)}" name="Stress" isCodable="true" color="#00ff00"/></Code></Codes></CodeBook>
<Sources><TextSource guid="${up(G.src)}" plainTextPath="Intervju B.txt">
<PlainTextSelection guid="${up(G.sel1)}" startPosition="${a}" endPosition="${a + 6}"><Description>Parafrase: belastet</Description></PlainTextSelection>
<PlainTextSelection guid="${up(G.sel2)}" startPosition="${a}" endPosition="${a + 6}"><Coding guid="${up(G.coding)}"><CodeRef targetGUID="${up(G.code2)}"/></Coding><NoteRef targetGUID="${up(G.note)}"/></PlainTextSelection>
</TextSource></Sources>
<Notes><Note guid="${up(G.note)}" name="Memo"><PlainTextContent>Viktig sitat</PlainTextContent></Note></Notes>
</Project>`;
    const bytes = qdpx({ 'project.qde': xml, 'sources/Intervju B.txt': TEXT });
    const { project, texts } = unpackQdpx(bytes);
    const src = project.sources[0] as QdaTextSource;
    expect(sourceName(src)).toBe('Intervju B');
    expect(src.selections[0]!.codings).toEqual([]);
    expect(src.selections[0]!.description).toBe('Parafrase: belastet');
    expect(project.codes[0]!.isCodable).toBe(false);
    expect(project.codes[0]!.children[0]!.name).toBe('Stress');
    expect(textOf(texts.get(G.note))).toBe('Viktig sitat');
    expect(codedTexts(bytes)).toEqual(['stress', 'stress']);
  });

  it('text in PlainTextContent, decomposed letters: positions follow the text through NFC', () => {
    const decomposed = 'Vi dro til A\u030Alesund og spiste ro\u0308mmegrøt.';
    const a = cpIndexOf(decomposed, 'spiste');
    const xml = `<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes><Code guid="${G.code1}" name="Mat" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="${G.src}" name="P07"><PlainTextContent>${decomposed}</PlainTextContent>
<PlainTextSelection guid="${G.sel1}" startPosition="${a}" endPosition="${a + cpLen('spiste ro\u0308mmegrøt')}"><Coding guid="${G.coding}"><CodeRef targetGUID="${G.code1}"/></Coding></PlainTextSelection>
</TextSource></Sources></Project>`;
    const bytes = qdpx({ 'project.qde': xml });
    expect(codedTexts(bytes)).toEqual(['spiste römmegrøt']);
  });

  it('a project with only its name (every optional element missing) reads as empty', () => {
    const { project } = unpackQdpx(qdpx({ 'project.qde': '<Project xmlns="urn:QDA-XML:project:1.0" name="tom"/>' }));
    expect(project).toMatchObject({ name: 'tom', codes: [], sources: [], notes: [], sets: [], cases: [] });
  });

  it('counts what the model leaves out (pictures, PDFs, graphs) instead of dropping it silently', () => {
    const xml = `<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources><PDFSource guid="${G.src}" name="artikkel"/></Sources><Graphs><Graph guid="${G.code1}"/></Graphs></Project>`;
    expect(unpackQdpx(qdpx({ 'project.qde': xml })).project.skipped).toEqual({ PDFSource: 1, Graph: 1 });
  });

  it('marks a source whose text file is missing or outside the archive, without failing the rest', () => {
    const xml = `<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>
<TextSource guid="${G.src}" name="a" plainTextPath="internal://borte.txt"/>
<TextSource guid="${G.sel1}" name="b" plainTextPath="absolute:///home/x/b.txt"/>
</Sources></Project>`;
    const { texts } = unpackQdpx(qdpx({ 'project.qde': xml }));
    expect(texts.get(G.src)).toMatchObject({ problem: 'missing' });
    expect(texts.get(G.sel1)).toMatchObject({ problem: 'external' });
  });

  it('reads a .qdc codebook, with or without a BOM, sets by MemberCode guid', () => {
    const xml = `\uFEFF<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo"><Codes>
<Code guid="${braced(G.code1)}" name="Tillit" isCodable="true"><Description>Def</Description><Code guid="${G.code2}" name="Tillit" isCodable="true"/></Code></Codes>
<Sets><Set guid="${G.src}" name="Tema"><MemberCode guid="${G.code2}"/></Set></Sets></CodeBook>`;
    const cb = unpackCodebook(strToU8(xml));
    expect(cb.codes[0]!.children[0]!.name).toBe('Tillit');
    expect(cb.codes[0]!.description).toBe('Def');
    expect(cb.sets[0]!.memberCodes).toEqual([G.code2]);
  });
});

describe('import: refusals', () => {
  const minimal = '<Project xmlns="urn:QDA-XML:project:1.0" name="p"/>';

  it('refuses a ZIP that is not a qdpx (no project.qde), and a file that is not a ZIP', () => {
    code('EXCHANGE_NOT_QDA', () => unpackQdpx(qdpx({ 'word/document.xml': '<w:document/>' })));
    code('EXCHANGE_NOT_QDA', () => unpackQdpx(strToU8('just some text, not an archive at all')));
    code('EXCHANGE_NOT_QDA', () => unpackCodebook(qdpx({ 'project.qde': minimal })));
  });

  it('refuses XML that is not QDA-XML: another root, no namespace, or not well-formed', () => {
    code('EXCHANGE_NOT_QDA', () => unpackQdpx(qdpx({ 'project.qde': '<Project name="p"/>' })));
    code('EXCHANGE_NOT_QDA', () => unpackQdpx(qdpx({ 'project.qde': '<html xmlns="http://www.w3.org/1999/xhtml"/>' })));
    code('EXCHANGE_NOT_QDA', () => unpackQdpx(qdpx({ 'project.qde': '<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources>' })));
    code('EXCHANGE_NOT_QDA', () => unpackCodebook(strToU8(minimal)));
  });

  it('refuses entity definitions (an XML bomb) before parsing', () => {
    const bomb = `<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&c;"/>`;
    code('EXCHANGE_UNSAFE', () => unpackQdpx(qdpx({ 'project.qde': bomb })));
    code('EXCHANGE_UNSAFE', () => unpackCodebook(strToU8(`<!DOCTYPE CodeBook SYSTEM "file:///etc/passwd"><CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>`)));
  });

  it('refuses entries and source paths that leave the archive', () => {
    code('EXCHANGE_UNSAFE', () => unpackQdpx(qdpx({ 'project.qde': minimal, '../../evil.txt': 'x' })));
    code('EXCHANGE_UNSAFE', () => unpackQdpx(qdpx({ 'project.qde': minimal, '/etc/evil': 'x' })));
    code('EXCHANGE_UNSAFE', () => unpackQdpx(qdpx({ 'project.qde': minimal, 'sources\\..\\..\\evil.txt': 'x' })));
    const xml = `<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources><TextSource guid="${G.src}" plainTextPath="internal://../../../etc/passwd"/></Sources></Project>`;
    code('EXCHANGE_UNSAFE', () => unpackQdpx(qdpx({ 'project.qde': xml })));
  });

  it('refuses an archive entry that is a link, not a regular file', () => {
    const z: Zippable = { 'project.qde': strToU8(minimal), 'sources/link.txt': [strToU8('/etc/passwd'), { os: 3, attrs: (0o120777 << 16) >>> 0 }] };
    code('EXCHANGE_UNSAFE', () => unpackQdpx(zipSync(z)));
  });

  it('stops unpacking at the limit: a small entry that inflates beyond it is refused', () => {
    const zeros = new Uint8Array(8 * 1024 * 1024);
    const xml = `<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources><TextSource guid="${G.src}" plainTextPath="internal://big.txt"/></Sources></Project>`;
    const bytes = qdpx({ 'project.qde': xml, 'sources/big.txt': zeros });
    expect(bytes.length).toBeLessThan(64 * 1024);
    code('FILE_TOO_LARGE', () => unpackQdpx(bytes, { maxEntries: 100, maxUnpackedBytes: 1024 * 1024 }));
    // And the same file under a larger limit is read (the limit is what refused it).
    expect(unpackQdpx(bytes, { maxEntries: 100, maxUnpackedBytes: 16 * 1024 * 1024 }).texts.get(G.src)).toMatchObject({ problem: 'encoding' });
  });

  it('refuses an archive with more entries than the limit', () => {
    const files: Record<string, string> = { 'project.qde': minimal };
    for (let i = 0; i < 20; i++) files[`sources/${i}.txt`] = 'x';
    code('FILE_TOO_LARGE', () => unpackQdpx(qdpx(files), { maxEntries: 10, maxUnpackedBytes: 1 << 20 }));
  });

  it('refuses a selection or GUID the file cannot mean', () => {
    const xml = `<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources><TextSource guid="${G.src}"><PlainTextContent>abc</PlainTextContent>
<PlainTextSelection guid="${G.sel1}" startPosition="-1" endPosition="2"/></TextSource></Sources></Project>`;
    code('EXCHANGE_NOT_QDA', () => unpackQdpx(qdpx({ 'project.qde': xml })));
    code('EXCHANGE_NOT_QDA', () => unpackQdpx(qdpx({ 'project.qde': '<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes><Code guid="P01" name="x" isCodable="true"/></Codes></CodeBook></Project>' })));
  });

  it('leaves out selections beyond the end of their text, and counts them', () => {
    const xml = `<Project xmlns="urn:QDA-XML:project:1.0" name="p"><Sources><TextSource guid="${G.src}"><PlainTextContent>abc</PlainTextContent>
<PlainTextSelection guid="${G.sel1}" startPosition="1" endPosition="99"/><PlainTextSelection guid="${G.sel2}" startPosition="0" endPosition="3"/></TextSource></Sources></Project>`;
    const { project, texts } = unpackQdpx(qdpx({ 'project.qde': xml }));
    const prepared = prepareSource(project.sources[0] as QdaTextSource, textOf(texts.get(G.src)));
    expect(prepared.outside).toBe(1);
    expect(prepared.selections).toHaveLength(1);
  });
});
