/**
 * Attacks on the REFI-QDA exchange, as someone who sends a crafted .qdpx would try
 * them, and on the export, as a careless one would leak through it. Each test is the
 * trial as it was run; the fixes are in electron/core/services/exchange.
 */
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { HvelvError } from '../../electron/core/errors';
import type { QdaTextSource } from '../../electron/core/services/exchange/qda-model';
import { prepareSource, unpackCodebook, unpackQdpx } from '../../electron/core/services/exchange/qdpx';
import { Codebook } from '../../electron/core/services/analysis/codebook';
import { Coding } from '../../electron/core/services/analysis/coding';
import { ExchangeImport } from '../../electron/core/services/exchange/import';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import type { VaultSession } from '../../electron/core/vault/vault';
import { Exchange } from '../../electron/core/services/exchange/export';
import { Participants } from '../../electron/core/services/participants/participants';
import { createVault } from '../../electron/core/vault/vault';
import { admit, makeVault, pw, SAMPLE_FACTS, TEST_KDF, tempDir, testDeps } from './helpers';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateRefiQda } from '../libxml2';

const G = {
  a: '11111111-1111-4111-8111-111111111111',
  b: '22222222-2222-4222-8222-222222222222',
  src: '33333333-3333-4333-8333-333333333333',
  sel: '44444444-4444-4444-8444-444444444444',
};
const NS = 'urn:QDA-XML:project:1.0';
const minimal = `<Project xmlns="${NS}" name="p"/>`;

function qdpx(files: Record<string, string | Uint8Array>): Uint8Array {
  const z: Zippable = {};
  for (const [k, v] of Object.entries(files)) z[k] = typeof v === 'string' ? strToU8(v) : v;
  return zipSync(z);
}

/** A stored (uncompressed) ZIP written by hand, so names may repeat as an attacker's would. */
function rawZip(entries: { name: string; data: Uint8Array }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = strToU8(e.name);
    const local = new Uint8Array(30 + name.length);
    const v = new DataView(local.buffer);
    v.setUint32(0, 0x04034b50, true);
    v.setUint16(4, 20, true);
    v.setUint16(6, 0x800, true);
    v.setUint32(18, e.data.length, true);
    v.setUint32(22, e.data.length, true);
    v.setUint16(26, name.length, true);
    local.set(name, 30);
    const c = new Uint8Array(46 + name.length);
    const cv = new DataView(c.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(8, 0x800, true);
    cv.setUint32(20, e.data.length, true);
    cv.setUint32(24, e.data.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    c.set(name, 46);
    parts.push(local, e.data);
    central.push(c);
    offset += local.length + e.data.length;
  }
  const cdSize = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const all = [...parts, ...central, end];
  const out = new Uint8Array(all.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of all) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (err instanceof HvelvError) return err.code;
    return `not a HvelvError: ${(err as Error).name}: ${(err as Error).message.slice(0, 80)}`;
  }
  return 'no error';
}

const project = (inner: string) => `<?xml version="1.0" encoding="utf-8"?><Project xmlns="${NS}" name="p">${inner}</Project>`;
const source = (text: string, guid = G.src) => `<TextSource guid="${guid}" name="s"><PlainTextContent>${text}</PlainTextContent></TextSource>`;

describe('attack: the archive', () => {
  it('two project.qde entries: which one a tool reads is not for the attacker to choose', () => {
    const zip = rawZip([
      { name: 'project.qde', data: strToU8(minimal) },
      { name: 'project.qde', data: strToU8(project(`<Sources>${source('other')}</Sources>`)) },
    ]);
    expect(codeOf(() => unpackQdpx(zip))).toBe('EXCHANGE_UNSAFE');
  });
  it('two entries whose names differ only in case', () => {
    const zip = rawZip([
      { name: 'project.qde', data: strToU8(minimal) },
      { name: 'Project.qde', data: strToU8(minimal) },
    ]);
    expect(codeOf(() => unpackQdpx(zip))).toBe('EXCHANGE_UNSAFE');
  });
  it('backslashes, absolute and drive paths', () => {
    for (const name of ['..\\..\\x', '/abs', 'C:\\x', 'C:/x', 'sources/../../x', '\\\\server\\share\\x']) {
      expect(codeOf(() => unpackQdpx(rawZip([{ name: 'project.qde', data: strToU8(minimal) }, { name, data: strToU8('x') }]))), name).toBe('EXCHANGE_UNSAFE');
    }
  });
});

describe('attack: the XML', () => {
  it('a DOCTYPE after a comment that holds a "<"', () => {
    const xml = `<?xml version="1.0"?><!-- <a --><!DOCTYPE Project SYSTEM "http://example.invalid/x.dtd"><Project xmlns="${NS}" name="p"/>`;
    expect(codeOf(() => unpackQdpx(qdpx({ 'project.qde': xml })))).toBe('EXCHANGE_UNSAFE');
  });
  it('deeply nested elements inside a Description', () => {
    const deep = '<x>'.repeat(200_000) + '</x>'.repeat(200_000);
    const xml = project(`<CodeBook><Codes><Code guid="${G.a}" name="c" isCodable="true"><Description>${deep}</Description></Code></Codes></CodeBook>`);
    expect(codeOf(() => unpackQdpx(qdpx({ 'project.qde': xml })))).toBe('EXCHANGE_NOT_QDA');
  });
  it('a character reference to NUL or another control character', () => {
    const xml = project(`<CodeBook><Codes><Code guid="${G.a}" name="a&#0;b&#7;" isCodable="true"/></Codes></CodeBook>`);
    const r = codeOf(() => unpackQdpx(qdpx({ 'project.qde': xml })));
    expect(r).toBe('EXCHANGE_NOT_QDA');
  });
  it('a latin-1 project.qde that says so', () => {
    const body = `<?xml version="1.0" encoding="ISO-8859-1"?><Project xmlns="${NS}" name="Bl\u00e5b\u00e6r"/>`;
    const bytes = new Uint8Array([...body].map((c) => c.charCodeAt(0)));
    expect(unpackQdpx(qdpx({ 'project.qde': bytes })).project.name).toBe('Blåbær');
  });
  it('two sources with one GUID', () => {
    const xml = project(`<Sources>${source('first')}${source('second')}</Sources>`);
    expect(codeOf(() => unpackQdpx(qdpx({ 'project.qde': xml })))).toBe('EXCHANGE_NOT_QDA');
  });
  it('a huge attribute is read within the limit', () => {
    const xml = project(`<CodeBook><Codes><Code guid="${G.a}" name="${'x'.repeat(20_000_000)}" isCodable="true"/></Codes></CodeBook>`);
    // Read, not refused: the name is cut to the codebook's limit when it is imported.
    expect(codeOf(() => unpackQdpx(qdpx({ 'project.qde': xml })))).toBe('no error');
  });
  it('a codebook of 100 000 codes parses', () => {
    const codes = Array.from({ length: 100_000 }, (_, i) => `<Code guid="${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000" name="k${i}" isCodable="true"/>`).join('');
    const book = unpackCodebook(strToU8(`<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>${codes}</Codes></CodeBook>`));
    expect(book.codes).toHaveLength(100_000);
  });
  it('a selection inside a surrogate pair cannot exist in code points', () => {
    const xml = project(`<Sources><TextSource guid="${G.src}" name="s"><PlainTextContent>a😀b</PlainTextContent><PlainTextSelection guid="${G.sel}" startPosition="1" endPosition="2"><Coding guid="${G.b}"><CodeRef targetGUID="${G.a}"/></Coding></PlainTextSelection></TextSource></Sources>`);
    const { project: p, texts } = unpackQdpx(qdpx({ 'project.qde': xml }));
    const prep = prepareSource(p.sources[0] as QdaTextSource, (texts.get(G.src) as { text: string }).text);
    expect([...prep.text].slice(prep.selections[0]!.start, prep.selections[0]!.end).join('')).toBe('😀');
  });
});

// ---------------------------------------------------------------- through the vault


const now = () => new Date('2026-11-27T10:00:00Z');
const sessions: VaultSession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) if (!s.isLocked) s.lock();
});

async function vault(): Promise<{ session: VaultSession; p: string }> {
  const { session } = await makeVault();
  sessions.push(session);
  return { session, p: admit(session) };
}

const auditCount = (s: VaultSession) => s.audit.list().length;

describe('attack: import into the vault', () => {
  it('a codebook far larger than any study has is refused before anything is written', async () => {
    const { session } = await vault();
    const codes = Array.from({ length: 100_000 }, (_, i) => `<Code guid="${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000" name="k${i}" isCodable="true"/>`).join('');
    const before = auditCount(session);
    const r = codeOf(() => new ExchangeImport(session, now).importQdc(strToU8(`<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>${codes}</Codes></CodeBook>`)));
    expect(r).toBe('FILE_TOO_LARGE');
    expect(new Codebook(session, now).list()).toHaveLength(0);
    expect(auditCount(session)).toBe(before);
  });

  it('a codebook of 2 000 codes goes in as one step: one audit entry, every code listed', async () => {
    const { session } = await vault();
    const codes = Array.from({ length: 40 }, (_, i) => `<Code guid="${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000" name="Gruppe ${i}" isCodable="true">${Array.from({ length: 49 }, (_, j) => `<Code guid="${i.toString(16).padStart(8, '0')}-${j.toString(16).padStart(4, '0')}-4000-8000-000000000001" name="k${j}" isCodable="true"/>`).join('')}</Code>`).join('');
    const before = auditCount(session);
    const r = new ExchangeImport(session, now).importQdc(strToU8(`<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>${codes}</Codes></CodeBook>`));
    expect(r.codes.created).toBe(2000);
    const list = new Codebook(session, now).list();
    expect(list).toHaveLength(2000);
    expect(list.filter((c) => c.path.length === 2)).toHaveLength(1960);
    expect(auditCount(session) - before).toBe(2);
  });

  it('grouping codes (isCodable="false") stay grouping codes: never applied, exported as such', async () => {
    const { session, p } = await vault();
    const xml = project(`<CodeBook><Codes><Code guid="${G.a}" name="Relasjoner" isCodable="false"><Code guid="${G.b}" name="Tillit" isCodable="true"/></Code></Codes></CodeBook>
<Sources><TextSource guid="${G.src}" name="Intervju"><PlainTextContent>Hun ga meg tillit.</PlainTextContent>
<PlainTextSelection guid="${G.sel}" startPosition="11" endPosition="17"><Coding guid="55555555-5555-4555-8555-555555555555"><CodeRef targetGUID="${G.b}"/></Coding></PlainTextSelection></TextSource></Sources>`);
    const imp = new ExchangeImport(session, now).importQdpx(qdpx({ 'project.qde': xml }), new Map([['Intervju', p]]));
    expect(imp.segments).toBe(1);
    const book = new Codebook(session, now);
    const group = book.resolve('Relasjoner');
    expect(group.codable).toBe(false);
    expect(book.resolve('Tillit').codable).toBe(true);
    const tid = imp.imported[0]!.transcriptId;
    expect(codeOf(() => new Coding(session, now).apply(tid, { start: 0, end: 3 }, [group.id]))).toBe('INVALID_INPUT');
    // Nor can coded text reach it by a merge.
    expect(codeOf(() => book.merge(book.resolve('Tillit').id, group.id))).toBe('INVALID_INPUT');
    expect(new Coding(session, now).forTranscript(tid).map((s) => s.text)).toEqual(['tillit']);
    const ex = new Exchange(session, now);
    const out = path.join(tempDir(), 'ut.qdpx');
    ex.exportQdpx(out, { accepted: ex.plan('qdpx').findings.map((f) => f.id) });
    const qde = strFromU8(unzipSync(fs.readFileSync(out))['project.qde']!);
    expect(qde).toMatch(/<Code guid="[^"]+" name="Relasjoner" isCodable="false"/);
    expect(qde).toMatch(/<Code guid="[^"]+" name="Tillit" isCodable="true"/);
  });

  it('a grouping code that the file codes text with all the same becomes an ordinary code, so no coding is lost', async () => {
    const { session, p } = await vault();
    const xml = project(`<CodeBook><Codes><Code guid="${G.a}" name="Mappe" isCodable="false"/></Codes></CodeBook>
<Sources><TextSource guid="${G.src}" name="Intervju"><PlainTextContent>abc def</PlainTextContent>
<PlainTextSelection guid="${G.sel}" startPosition="0" endPosition="3"><Coding guid="55555555-5555-4555-8555-555555555555"><CodeRef targetGUID="${G.a}"/></Coding></PlainTextSelection></TextSource></Sources>`);
    const imp = new ExchangeImport(session, now).importQdpx(qdpx({ 'project.qde': xml }), new Map([['Intervju', p]]));
    expect(imp.segments).toBe(1);
    expect(new Codebook(session, now).resolve('Mappe').codable).toBe(true);
  });
});

describe('attack: what the export carries', () => {
  it('the project title is checked too (the student’s own name, the file’s user, is not a finding), and Cases carry the code as a Variable (valid against Project.xsd)', async () => {
    const deps = await testDeps();
    const session = await createVault(path.join(tempDir(), 'v'), pw('correct horse battery staple'), { ...SAMPLE_FACTS, title: 'Samtaler med Kari Nordmann' }, deps, { kdf: TEST_KDF });
    sessions.push(session);
    const p = admit(session, { name: 'Kari Nordmann' });
    new Transcripts(session, now).create(p, 'I: Fortell.\nB: Ja.\n');
    const ex = new Exchange(session, now);
    const plan = ex.plan('qdpx');
    const inTitle = plan.findings.filter((f) => f.where.kind === 'project' && f.where.id === 'title');
    expect(inTitle.map((f) => f.text)).toContain('Kari Nordmann');
    expect(plan.findings.some((f) => f.where.kind === 'project' && f.where.id !== 'title')).toBe(false);
    const out = path.join(tempDir(), 'ut.qdpx');
    expect(codeOf(() => ex.exportQdpx(out, { accepted: plan.findings.filter((f) => f.where.kind !== 'project').map((f) => f.id) }))).toBe('DETAILS_UNCHECKED');
    // The codebook alone names the project too.
    expect(ex.plan('qdc').findings.some((f) => f.where.kind === 'project')).toBe(true);
    ex.exportQdpx(out, { accepted: plan.findings.map((f) => f.id) });
    const qde = strFromU8(unzipSync(fs.readFileSync(out))['project.qde']!);
    expect(qde).toMatch(new RegExp(`<Case guid="[^"]+" name="${p}"><VariableValue><VariableRef targetGUID="[^"]+"/><TextValue>${p}</TextValue></VariableValue><SourceRef`));
    expect(await validateRefiQda(qde, 'Project.xsd')).toEqual({ ok: true, output: '' });
  });

  it('a withdrawal receipt lists the REFI-QDA export that holds the participant’s data (a copy outside the vault)', async () => {
    const { session, p } = await vault();
    new Transcripts(session, now).create(p, 'I: Fortell.\nB: Ja.\n');
    const ex = new Exchange(session, now);
    ex.exportQdpx(path.join(tempDir(), 'ut.qdpx'), { accepted: ex.plan('qdpx').findings.map((f) => f.id) });
    const participants = new Participants(session, now);
    const receipt = await participants.withdraw(p, '2026-11-27');
    expect(receipt.exportsHolding).toEqual([expect.objectContaining({ action: 'exchange.exported', format: 'qdpx' })]);
    expect(participants.receiptHtml(p, 'nb')).toContain('REFI-QDA-eksport (qdpx)');
  });
});
