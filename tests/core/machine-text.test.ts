/**
 * Machine text marked until checked (issue 26): every passage of an automatic draft is
 * machine text until the student played it through or edited it; the marks are kept in
 * the transcript's sealed record and survive locking and reopening; a typed transcript
 * has none; Hvelv's own replacements of names are no check.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { passagesOf } from '@shared/machine-text';
import { strFromU8, unzipSync } from 'fflate';
import { Codebook } from '../../electron/core/services/analysis/codebook';
import { Coding } from '../../electron/core/services/analysis/coding';
import { Report } from '../../electron/core/services/analysis/report';
import { Themes } from '../../electron/core/services/analysis/themes';
import { Exchange } from '../../electron/core/services/exchange/export';
import { parseTranscript } from '../../electron/core/services/transcripts/formats';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { initSupervisorFolder } from '../../electron/core/services/supervisor/folder';
import { HeldShares } from '../../electron/core/services/supervisor/held';
import { Supervisors } from '../../electron/core/services/supervisor/student';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { unlockVault } from '../../electron/core/vault/vault';
import { admit, makeVault, pw, TEST_KDF, TEST_KDF_POLICY, tempDir } from './helpers';
import { wavHeader } from '../wav';

const NOW = () => new Date('2026-11-27T10:00:00Z');
const PASS = 'correct horse battery staple';

/** As composeDraft writes a draft: a stamp at every segment, a speaker label at each turn. */
export const DRAFT = [
  '#00:00:01-0# I: Hvordan begynte det for deg? #00:00:04-5# Fortell litt.',
  '#00:00:07-0# B: Det var hos Kari i Stavanger, på kafeen.',
  '#00:00:12-2# I: Og så?',
  '',
].join('\n');

export async function draftVault() {
  const v = await makeVault(PASS);
  const code = admit(v.session, { name: 'Kari Nordmann' });
  const src = path.join(tempDir(), 'interview.wav');
  const data = Buffer.alloc(16_000 * 2 * 15);
  fs.writeFileSync(src, Buffer.concat([wavHeader(data.length, 16_000), data]));
  const rec = await new Recordings(v.session, NOW).import(code, src);
  fs.rmSync(src);
  const t = new Transcripts(v.session, NOW).createDraft(code, DRAFT, rec.id, { model: 'test-model', language: 'nb' });
  return { ...v, code, rec, t };
}

describe('machine text marked until checked', () => {
  it('splits a draft into passages at its stamps, comparing words without stamps, speaker labels or spacing', () => {
    const ps = passagesOf(DRAFT);
    expect(ps.map((p) => p.ms)).toEqual([1000, 4500, 7000, 12200]);
    expect(ps.map((p) => p.words)).toEqual(['Hvordan begynte det for deg?', 'Fortell litt.', 'Det var hos Kari i Stavanger, på kafeen.', 'Og så?']);
    // A stamp with nothing after it is no passage.
    expect(passagesOf('#00:00:01-0# I: \n#00:00:02-0# Ja.')).toHaveLength(1);
  });

  it('marks every passage of a new draft; a typed transcript has none', async () => {
    const { session, code, t } = await draftVault();
    expect(t.machineText).toEqual({ checked: 0, total: 4 });
    expect(t.machineUnchecked).toEqual([1000, 4500, 7000, 12200]);
    expect(t.automaticDraft).toBe(true);
    const typed = new Transcripts(session, NOW).create(code, '#00:00:01-0# I: Skrevet for hånd.\n');
    expect(typed.machineText).toBeNull();
    expect(typed.machineUnchecked).toEqual([]);
    expect(typed.automaticDraft).toBe(false);
    session.lock();
  });

  it('a passage played through is checked, and stays so after locking and reopening', async () => {
    const { session, dir, deps, t } = await draftVault();
    const tr = new Transcripts(session, NOW);
    expect(tr.heard(t.id, [4500, 7000])).toEqual({ checked: 2, total: 4 });
    // A time that is no passage, or one heard already, changes nothing.
    expect(tr.heard(t.id, [4500, 99_000])).toEqual({ checked: 2, total: 4 });
    session.lock();
    const again = await unlockVault(dir, pw(PASS), deps);
    const back = new Transcripts(again, NOW).get(t.id);
    expect(back.machineText).toEqual({ checked: 2, total: 4 });
    expect(back.machineUnchecked).toEqual([1000, 12200]);
    expect(new Transcripts(again, NOW).list()[0]).toMatchObject({ machineText: { checked: 2, total: 4 }, automaticDraft: true });
    again.lock();
  });

  it('an edited passage is checked for good (undoing the edit does not make it machine text again); naming the speakers is no edit', async () => {
    const { session, t } = await draftVault();
    const tr = new Transcripts(session, NOW);
    // Speakers named: "I" becomes "Int", "B" the participant's code. Words unchanged.
    const named = DRAFT.replace(/# I:/g, '# Int:').replace(/# B:/g, '# P01:');
    expect(tr.update(t.id, { text: named }).machineText).toEqual({ checked: 0, total: 4 });
    const edited = named.replace('på kafeen', 'på kafeen i sentrum');
    const after = tr.update(t.id, { text: edited });
    expect(after.machineText).toEqual({ checked: 1, total: 4 });
    expect(after.machineUnchecked).toEqual([1000, 4500, 12200]);
    expect(tr.autosave(t.id, named).written).toBe(true);
    expect(tr.get(t.id).machineText).toEqual({ checked: 1, total: 4 });
    session.lock();
  });

  it("Hvelv's own replacement of a name is not a check against the recording", async () => {
    const { session, t } = await draftVault();
    const tr = new Transcripts(session, NOW);
    const kari = tr.check(t.id).findings.find((f) => f.text === 'Kari')!;
    expect(kari).toBeDefined();
    const replaced = tr.deidentify(t.id, [{ start: kari.start, end: kari.end, expected: 'Kari', with: '[navn]' }], []);
    expect(replaced.text).toContain('hos [navn] i');
    expect(replaced.machineText).toEqual({ checked: 0, total: 4 });
    expect(tr.undoReplacement(t.id).machineText).toEqual({ checked: 0, total: 4 });
    session.lock();
  });

  it('"I have checked the draft" clears every mark, and the draft is no longer flagged', async () => {
    const { session, t } = await draftVault();
    const tr = new Transcripts(session, NOW);
    const done = tr.markChecked(t.id);
    expect(done.machineText).toEqual({ checked: 4, total: 4 });
    expect(done.machineUnchecked).toEqual([]);
    expect(done.automaticDraft).toBe(false);
    session.lock();
  });

  it('a report marks each quote of unchecked machine text and says what the mark means; a REFI-QDA export describes the draft', async () => {
    const { session, t, code } = await draftVault();
    const tr = new Transcripts(session, NOW);
    tr.heard(t.id, [4500]);
    // The name is replaced first, as the report's check asks.
    const kari = tr.check(t.id).findings.find((f) => f.text === 'Kari')!;
    tr.deidentify(t.id, [{ start: kari.start, end: kari.end, expected: 'Kari', with: '[navn]' }], []);
    tr.acceptReplacements(t.id);
    const book = new Codebook(session, NOW);
    const coding = new Coding(session, NOW);
    const themes = new Themes(session, NOW);
    const c = book.add({ name: 'Begynnelsen', definition: '' });
    const machine = coding.apply(t.id, { quote: 'på kafeen' }, [c.id]);
    const heard = coding.apply(t.id, { quote: 'Fortell litt.' }, [c.id]);
    coding.setQuote(machine.id, true);
    coding.setQuote(heard.id, true);
    // The retrieval list says the same of each passage: the unchecked one marked, the heard one not.
    const listed = coding.retrieve({ codeId: c.id });
    expect(listed.find((x) => x.id === machine.id)?.machineText).toBe(true);
    expect(listed.find((x) => x.id === heard.id)?.machineText).toBeUndefined();
    const th = themes.add({ name: 'Start' });
    themes.assign(th.id, c.id);
    const report = new Report(session, NOW);
    const out = path.join(tempDir(), 'rapport.docx');
    await report.export(out, { locale: 'nb', accepted: report.check().map((f) => f.text) });
    const text = parseTranscript(fs.readFileSync(out), 'docx');
    expect(text).toContain('Sitater merket «maskintekst, ikke kontrollert» er fra automatiske utkast');
    expect(text).toContain(`«på kafeen» (${code}, 00:00:07) (maskintekst, ikke kontrollert)`);
    expect(text).toMatch(new RegExp(`«Fortell litt\\.» \\(${code}, 00:00:04\\)\\n`));
    expect(session.audit.list().at(-1)).toMatchObject({ action: 'report.exported', details: { machineTextQuotes: 1 } });

    const ex = new Exchange(session, NOW);
    const qdpx = path.join(tempDir(), 'prosjekt.qdpx');
    ex.exportQdpx(qdpx, { accepted: ex.plan('qdpx').findings.map((f) => f.id) });
    const xml = strFromU8(unzipSync(fs.readFileSync(qdpx))['project.qde']!);
    expect(xml).toContain('<Description>Contains machine text not checked against the recording (1 of 4 passages checked).</Description>');

    // Once every passage is checked, neither says it.
    tr.markChecked(t.id);
    await report.export(out, { locale: 'nb', accepted: report.check().map((f) => f.text) });
    expect(parseTranscript(fs.readFileSync(out), 'docx')).not.toContain('maskintekst');
    ex.exportQdpx(qdpx, { accepted: ex.plan('qdpx').findings.map((f) => f.id) });
    expect(strFromU8(unzipSync(fs.readFileSync(qdpx))['project.qde']!)).not.toContain('machine text');
    session.lock();
  });

  it("a share to the supervisor carries the count, and the supervisor's reader has it for the transcript", async () => {
    const { session, deps, t } = await draftVault();
    const tr = new Transcripts(session, NOW);
    const kari = tr.check(t.id).findings.find((f) => f.text === 'Kari')!;
    tr.deidentify(t.id, [{ start: kari.start, end: kari.end, expected: 'Kari', with: '[navn]' }], []);
    tr.acceptReplacements(t.id);
    tr.heard(t.id, [1000]);
    const sup = await initSupervisorFolder(path.join(tempDir('hvelv-sup-'), 'veileder'), pw('veileders passord 1'), { crypto: deps.crypto, kdfPolicy: TEST_KDF_POLICY, now: NOW }, { kdf: TEST_KDF });
    const students = new Supervisors(session, NOW, deps.crypto);
    const entry = students.add({ key: sup.identity.key, label: 'Hovedveileder', until: '2027-03-01' as never });
    const { bytes, made } = students.create(entry.id, students.plan(entry.id).findings.map((f) => f.id));
    students.recordShare(entry.id, made);
    const held = new HeldShares(sup);
    const opened = held.open(bytes);
    const content = held.content(opened.vaultId);
    expect(content.transcripts).toEqual([expect.objectContaining({ id: t.id, machineText: { checked: 1, total: 4 } })]);
    expect(held.transcript(opened.vaultId, t.id).machineText).toEqual({ checked: 1, total: 4 });
    session.lock();
  });
});
