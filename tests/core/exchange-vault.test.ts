/**
 * REFI-QDA exchange through the vault: export gated by the identifying-details check,
 * private memos kept back, recordings only on request; import assigning sources to
 * participants with consent; and the round trip into a fresh vault with the same codes
 * and the same segments on the same words.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import { Codebook } from '../../electron/core/services/analysis/codebook';
import { Coding } from '../../electron/core/services/analysis/coding';
import { Memos } from '../../electron/core/services/analysis/memos';
import { Themes } from '../../electron/core/services/analysis/themes';
import { Report } from '../../electron/core/services/analysis/report';
import { Exchange } from '../../electron/core/services/exchange/export';
import { ExchangeImport } from '../../electron/core/services/exchange/import';
import { Participants } from '../../electron/core/services/participants/participants';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import type { VaultSession } from '../../electron/core/vault/vault';
import { admit, codeOf, makeVault, makeWav, tempDir } from './helpers';
import { validateRefiQda } from '../libxml2';

const now = () => new Date('2026-11-27T10:00:00Z');
const sessions: VaultSession[] = [];
afterEach(() => {
  for (const s of sessions.splice(0)) if (!s.isLocked) s.lock();
});

const TEXT1 = 'I: Hvordan var det å begynne?\nB: Kari, altså jeg, var nervøs 😬 første dag på kafé.\nI: Og sjefen?\nB: Hun ga meg tillit. Det betydde mye 💪.\n';
const TEXT2 = 'I: Fortell.\nB: Jobben ga struktur i hverdagen. Tilliten kom sakte.\n';
const SECRET_MEMO = 'PRIVAT-NOTAT-som-aldri-skal-ut';

interface Study {
  session: VaultSession;
  p1: string;
  p2: string;
  t1: string;
  t2: string;
}

async function study(): Promise<Study> {
  const { session } = await makeVault();
  sessions.push(session);
  const p1 = admit(session, { name: 'Kari Nordmann', email: 'kari@example.no' });
  const p2 = admit(session, { name: 'Ola Hansen' });
  const tr = new Transcripts(session, now);
  const t1 = tr.create(p1, TEXT1).id;
  const t2 = tr.create(p2, TEXT2).id;
  const book = new Codebook(session, now);
  const rel = book.add({ name: 'Relasjoner', definition: 'Forholdet til andre', color: '#1f77b4' });
  const trust = book.add({ name: 'Tillit', parentId: rel.id, definition: 'Når tillit nevnes', color: '#2ca02c' });
  const work = book.add({ name: 'Arbeid', color: '#d62728' });
  const trust2 = book.add({ name: 'Tillit', parentId: work.id, color: '#9467bd' });
  const nerves = book.add({ name: 'Nervøsitet 😬', color: '#ff7f0e' });
  const coding = new Coding(session, now);
  const s1 = coding.apply(t1, { quote: 'var nervøs 😬 første dag på kafé' }, [nerves.id]);
  coding.apply(t1, { quote: 'Hun ga meg tillit. Det betydde mye 💪' }, [trust.id, trust2.id]);
  coding.apply(t2, { quote: 'Tilliten kom sakte' }, [trust2.id]);
  coding.apply(t2, { quote: 'Jobben ga struktur' }, [work.id]);
  const themes = new Themes(session, now);
  const theme = themes.add({ name: 'Tillit bygges over tid', definition: 'Tillit vokser med erfaring' });
  themes.assign(theme.id, trust.id);
  themes.assign(theme.id, trust2.id);
  const memos = new Memos(session, now);
  memos.add({ target: { kind: 'segment', id: s1.id }, text: 'Nervøsitet i starten er vanlig' });
  memos.add({ target: { kind: 'code', id: trust.id }, text: 'Se også Arbeid/Tillit' });
  memos.add({ target: { kind: 'project' }, text: SECRET_MEMO, private: true });
  return { session, p1, p2, t1, t2 };
}

/** libxml2's verdict against the REFI-QDA Project schema: 'valid', or its errors. */
async function validates(xml: string): Promise<string> {
  const r = await validateRefiQda(xml, 'Project.xsd');
  return r.ok ? 'valid' : r.output;
}

/** Codes by path, and each transcript's segments as the words they cover with their code paths. */
function snapshot(session: VaultSession): { codes: string[]; segments: string[]; themes: string[] } {
  const book = new Codebook(session, now).list();
  const pathOf = new Map(book.map((c) => [c.id, c.path.join('/')]));
  const coding = new Coding(session, now);
  const segments = new Transcripts(session, now)
    .list()
    .flatMap((t) => coding.forTranscript(t.id).map((s) => `${s.text} ⇒ ${s.codeIds.map((c) => pathOf.get(c)).sort().join(' + ')}`))
    .sort();
  const themes = new Themes(session, now).list().map((t) => `${t.name}: ${t.codeIds.map((c) => pathOf.get(c)).sort().join(', ')}`);
  return { codes: book.map((c) => `${c.path.join('/')} ${c.color}`).sort(), segments, themes };
}

describe('export .qdpx from the vault', () => {
  it('is refused, nothing written, until every identifying finding is replaced or accepted by id', async () => {
    const { session } = await study();
    const ex = new Exchange(session, now);
    const plan = ex.plan('qdpx');
    const kari = plan.findings.find((f) => f.text === 'Kari');
    expect(kari).toMatchObject({ where: { kind: 'transcript' }, kind: 'name', line: 2 });
    const out = path.join(tempDir(), 'studie.qdpx');
    expect(codeOf(() => ex.exportQdpx(out, { accepted: [] }))).toBe('DETAILS_UNCHECKED');
    expect(fs.existsSync(out)).toBe(false);
    // Accepting one of several is not enough, and an id that is no finding is refused.
    if (plan.findings.length > 1) expect(codeOf(() => ex.exportQdpx(out, { accepted: [kari!.id] }))).toBe('DETAILS_UNCHECKED');
    expect(codeOf(() => ex.exportQdpx(out, { accepted: [...plan.findings.map((f) => f.id), 'deadbeef00'] }))).toBe('INVALID_INPUT');
    expect(fs.existsSync(out)).toBe(false);
    // The same ids on a second look: an id names the same finding while the text stays.
    expect(ex.plan('qdpx').findings.map((f) => f.id)).toEqual(plan.findings.map((f) => f.id));
    ex.exportQdpx(out, { accepted: plan.findings.map((f) => f.id) });
    expect(fs.existsSync(out)).toBe(true);
    expect(fs.readdirSync(path.dirname(out))).toEqual(['studie.qdpx']);
  });

  it('writes a valid project: codebook with hierarchy and colours, segments, cases by code, themes as sets, no private memo', async () => {
    const { session, p1, p2 } = await study();
    const ex = new Exchange(session, now);
    const out = path.join(tempDir(), 'studie.qdpx');
    const plan = ex.exportQdpx(out, { accepted: ex.plan('qdpx').findings.map((f) => f.id) });
    expect(plan.counts).toMatchObject({ transcripts: 2, codes: 5, segments: 4, themes: 1, memos: 2, privateMemosLeftOut: 1, recordings: 0 });
    const files = unzipSync(fs.readFileSync(out));
    const xml = strFromU8(files['project.qde']!);
    expect(await validates(xml)).toBe('valid');
    expect(xml).not.toContain(SECRET_MEMO);
    expect(xml).toContain(`<Case guid=`);
    expect(xml).toMatch(new RegExp(`<Case [^>]*name="${p1}"`));
    expect(xml).toMatch(new RegExp(`<TextSource [^>]*name="${p2}"`));
    expect(xml).toContain('name="Test Student"');
    // Nothing of the key list beyond what the transcript says and the student accepted.
    const all = Object.values(files).map((b) => strFromU8(b)).join('\n');
    expect(all).not.toContain('Nordmann');
    expect(all).not.toContain('kari@example.no');
    expect(all).not.toContain('Ola Hansen');
    expect(Object.keys(files).filter((n) => n !== 'project.qde').every((n) => n.startsWith('sources/'))).toBe(true);
    // Audited with counts and codes, never text.
    const entry = session.audit.list().find((e) => e.action === 'exchange.exported')!;
    expect(entry.details).toMatchObject({ format: 'qdpx', participants: [p1, p2].sort().join(','), segments: 4, privateMemosLeftOut: 1 });
    expect(JSON.stringify(entry)).not.toContain('tillit');
    // Withdrawal and the end date list the copies outside the vault: this one too.
    expect(new Report(session, () => new Date()).exportsHolding(p1).map((e) => e.action)).toContain('exchange.exported');
  });

  it('leaves nothing behind when the file cannot be written, and no note in the export journal', async () => {
    const { session } = await study();
    const ex = new Exchange(session, now);
    const accepted = ex.plan('qdpx').findings.map((f) => f.id);
    const dir = tempDir();
    const blocked = path.join(dir, 'ikke-en-mappe');
    fs.writeFileSync(blocked, 'x');
    expect(codeOf(() => ex.exportQdpx(path.join(blocked, 'studie.qdpx'), { accepted }))).not.toBe('NO_ERROR');
    expect(fs.readdirSync(dir)).toEqual(['ikke-en-mappe']);
    expect(session.readPrivateFile('exports')).toBeNull();
    expect(session.audit.list().some((e) => e.action === 'exchange.exported')).toBe(false);
  });

  it('adds recordings only on request, as AudioSource with the transcript and its sync points', async () => {
    const { session, p1 } = await study();
    const wav = path.join(tempDir(), 'p1.wav');
    const original = makeWav(wav, 1, 3);
    const rec = await new Recordings(session, now).import(p1, wav);
    const tr = new Transcripts(session, now);
    const t = tr.create(p1, '#00:00:00-0# I: Hei.\n#00:00:02-5# B: Hei 😀 på deg.\n', 'hvelv', rec.id);
    const ex = new Exchange(session, now);
    const accepted = ex.plan('qdpx', { recordings: true }).findings.map((f) => f.id);
    const without = path.join(tempDir(), 'uten.qdpx');
    expect(ex.exportQdpx(without, { accepted }).recordingsWarning).toBe(false);
    expect(strFromU8(unzipSync(fs.readFileSync(without))['project.qde']!)).not.toContain('<AudioSource');
    expect(ex.plan('qdpx', { recordings: true }).recordingsWarning).toBe(true);
    const withRec = path.join(tempDir(), 'med.qdpx');
    ex.exportQdpx(withRec, { accepted, recordings: true });
    const files = unzipSync(fs.readFileSync(withRec));
    const xml = strFromU8(files['project.qde']!);
    expect(await validates(xml)).toBe('valid');
    const audioPath = /<AudioSource [^>]*path="internal:\/\/([^"]+\.wav)"/.exec(xml)![1]!;
    expect(Buffer.from(files[`sources/${audioPath}`]!).equals(original)).toBe(true);
    const sync = [...xml.matchAll(/<SyncPoint [^>]*timeStamp="(\d+)" position="(\d+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const text = tr.get(t.id).text;
    expect(sync).toEqual([
      [0, 0],
      [2500, Array.from(text.slice(0, text.indexOf('#00:00:02'))).length],
    ]);
  });
});

describe('import .qdpx into the vault', () => {
  async function exported(crlf = false): Promise<{ bytes: Uint8Array; src: Study }> {
    const src = await study();
    const ex = new Exchange(src.session, now);
    const out = path.join(tempDir(), 'studie.qdpx');
    ex.exportQdpx(out, { accepted: ex.plan('qdpx').findings.map((f) => f.id), crlf });
    return { bytes: fs.readFileSync(out), src };
  }

  it('round trip into a fresh vault: the same codes, the same segments on the same words, themes and memos', async () => {
    for (const crlf of [false, true]) {
      const { bytes, src } = await exported(crlf);
      const { session } = await makeVault();
      sessions.push(session);
      const q1 = admit(session, { name: 'Kari Nordmann' });
      const q2 = admit(session, { name: 'Ola Hansen' });
      const imp = new ExchangeImport(session, now);
      expect(imp.preview(bytes).sources.map((s) => s.name)).toEqual([src.p1, src.p2]);
      const result = imp.importQdpx(bytes, new Map([[src.p1, q1], [src.p2, q2]]));
      expect(result.unassigned).toEqual([]);
      expect(result).toMatchObject({ segments: 4, memos: 2, themes: 1, codes: { created: 5, reused: 0 } });
      expect(snapshot(session)).toEqual(snapshot(src.session));
      const texts = new Transcripts(session, now).list().map((t) => new Transcripts(session, now).get(t.id).text);
      expect(texts.sort()).toEqual([TEXT1, TEXT2].sort());
      // Imported text is checked like any transcript: "Kari" is found again.
      expect(result.imported.find((i) => i.participant === q1)!.findings).toBeGreaterThan(0);
      const memo = new Memos(session, now).list().find((m) => m.target.kind === 'segment')!;
      expect(memo.text).toContain('Nervøsitet i starten er vanlig');
      expect(memo.participant).toBe(q1);
    }
  });

  it('lists sources left unassigned and imports the rest, codes included', async () => {
    const { bytes, src } = await exported();
    const { session } = await makeVault();
    sessions.push(session);
    const q1 = admit(session);
    const result = new ExchangeImport(session, now).importQdpx(bytes, new Map([[src.p1, q1]]));
    expect(result.unassigned).toEqual([src.p2]);
    expect(result.imported.map((i) => i.participant)).toEqual([q1]);
    expect(new Transcripts(session, now).list()).toHaveLength(1);
    expect(new Codebook(session, now).list()).toHaveLength(5);
    expect(result.segments).toBe(2);
    // With no assignment at all: nothing of anyone, the codebook still.
    const { session: s2 } = await makeVault();
    sessions.push(s2);
    const none = new ExchangeImport(s2, now).importQdpx(bytes, new Map());
    expect(none.unassigned).toEqual([src.p1, src.p2]);
    expect(new Transcripts(s2, now).list()).toHaveLength(0);
    expect(new Codebook(s2, now).list()).toHaveLength(5);
  });

  it('refuses an assignment to a participant without consent, or to a source not in the file, storing nothing', async () => {
    const { bytes, src } = await exported();
    const { session } = await makeVault();
    sessions.push(session);
    const q1 = admit(session);
    const noConsent = new Participants(session, now).add({ name: 'Uten Samtykke' });
    const imp = new ExchangeImport(session, now);
    expect(codeOf(() => imp.importQdpx(bytes, new Map([[src.p1, q1], [src.p2, noConsent]])))).toBe('CONSENT_MISSING');
    expect(codeOf(() => imp.importQdpx(bytes, new Map([['P99', q1]])))).toBe('INVALID_INPUT');
    expect(new Transcripts(session, now).list()).toHaveLength(0);
    expect(new Codebook(session, now).list()).toHaveLength(0);
  });

  it('imported twice, the codebook is not doubled: codes with the same name under the same parent are reused', async () => {
    const { bytes, src } = await exported();
    const { session } = await makeVault();
    sessions.push(session);
    const q1 = admit(session);
    const imp = new ExchangeImport(session, now);
    imp.importQdpx(bytes, new Map([[src.p1, q1]]));
    const again = imp.importQdpx(bytes, new Map());
    expect(again.codes).toEqual({ created: 0, reused: 5 });
    expect(new Codebook(session, now).list()).toHaveLength(5);
  });
});

describe('.qdc codebook', () => {
  it('exports the codebook alone (checked for identifying details) and imports it into a fresh vault', async () => {
    const { session } = await study();
    new Codebook(session, now).add({ name: 'Samtale med Kari', color: '#17becf' });
    const ex = new Exchange(session, now);
    const plan = ex.plan('qdc');
    expect(plan.findings.map((f) => [f.where.kind, f.text])).toEqual([['code', 'Kari']]);
    const out = path.join(tempDir(), 'kodebok.qdc');
    expect(codeOf(() => ex.exportQdc(out, { accepted: [] }))).toBe('DETAILS_UNCHECKED');
    ex.exportQdc(out, { accepted: plan.findings.map((f) => f.id) });
    const xml = fs.readFileSync(out, 'utf8');
    expect(xml).not.toContain('nervøs 😬 første');
    const { session: fresh } = await makeVault();
    sessions.push(fresh);
    const r = new ExchangeImport(fresh, now).importQdc(fs.readFileSync(out));
    expect(r).toEqual({ codes: { created: 6, reused: 0 }, themes: 1 });
    expect(snapshot(fresh).codes).toEqual(snapshot(session).codes);
  });
});
