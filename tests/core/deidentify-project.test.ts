/**
 * The check across a project: "not identifying" is judged once for the whole project
 * (a place marked in one transcript is gone from every transcript's list), and after the
 * end date the key list's findings are still counted, so the badges do not shrink when
 * the key list is destroyed, and each transcript says how many were left then.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { enforceProjectEnd } from '../../electron/core/services/project-end/project-end';
import { openProject } from '../../electron/core/services/project/open';
import { Participants } from '../../electron/core/services/participants/participants';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { createVault } from '../../electron/core/vault/vault';
import type { IsoDate } from '@shared/domain';
import { admit, makeVault, pw, SAMPLE_FACTS, tempDir, testDeps, TEST_KDF } from './helpers';

const at = (iso: string) => new Date(`${iso}T12:00:00`);

describe('remembered for the project', () => {
  it('a place marked as not identifying once is gone from every transcript', async () => {
    const { session } = await makeVault();
    const a = admit(session, { name: 'Kari Nordmann' });
    const b = admit(session, { name: 'Ola Fjeldstad' });
    const tr = new Transcripts(session, () => new Date('2026-11-27T10:00:00Z'));
    const t1 = tr.create(a, 'B: Jeg bor i Stavanger, og sjefen heter Brynjulf Oxaal.');
    const t2 = tr.create(b, 'B: Kontoret er i Stavanger, nær Kvassheimfjorden.');
    expect(tr.check(t2.id).findings.map((f) => f.text)).toEqual(['Stavanger', 'Kvassheimfjorden']);
    tr.deidentify(t1.id, [], ['Stavanger']);
    expect(tr.check(t1.id).findings.map((f) => f.text)).toEqual(['Brynjulf Oxaal']);
    expect(tr.check(t2.id)).toMatchObject({ kept: ['Stavanger'] });
    expect(tr.check(t2.id).findings.map((f) => f.text)).toEqual(['Kvassheimfjorden']);
    expect(tr.list().map((t) => t.identifiers)).toEqual([1, 1]);
    // Forgetting it is for the project too.
    tr.deidentify(t2.id, [], []);
    expect(tr.check(t1.id).findings.map((f) => f.text)).toEqual(['Stavanger', 'Brynjulf Oxaal']);
    session.lock();
  });

  it('placeholders per kind replace names, places, workplaces and ages', async () => {
    const { session } = await makeVault();
    const a = admit(session, { name: 'Kari Nordmann' });
    const tr = new Transcripts(session, () => new Date('2026-11-27T10:00:00Z'));
    const t = tr.create(a, 'B: Brynjulf Oxaal på Kvassheim skole i Kvassheimfjorden er 52 år gammel.');
    const labels: Record<string, string> = { name: '[navn]', place: '[sted]', workplace: '[arbeidssted]', age: '[alder]' };
    const findings = tr.check(t.id).findings;
    const after = tr.deidentify(t.id, findings.map((f) => ({ start: f.start, end: f.end, expected: f.text, with: labels[f.kind]! })), []);
    expect(after.text).toBe('B: [navn] på [arbeidssted] i [sted] er [alder].');
    expect(after.identifiers).toBe(0);
    session.lock();
  });
});

/** A vault ending on 2031-05-30 (anonymise), on 2031-05-01: Turid Lie with consent, and one transcript of hers. */
async function endingStudy(passphrase: string, text: string) {
  const deps = await testDeps({ now: () => at('2031-05-01') });
  const dir = path.join(tempDir(), 'vault');
  const session = await createVault(dir, pw(passphrase), { ...SAMPLE_FACTS, endDate: '2031-05-30' as IsoDate, endAction: 'anonymise' }, deps, { kdf: TEST_KDF });
  const now = () => at('2031-05-01');
  const form = (await import('../../electron/core/consent/forms')).ensureInitialForm(session.stores.keylist, session.facts, now());
  const p = new Participants(session, now);
  const code = p.add({ name: 'Turid Lie', email: '', phone: '' });
  p.recordConsent(code, { date: '2031-04-20', formVersion: form.version, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], unfinishedLetter: true });
  const tr = new Transcripts(session, now);
  return { deps, dir, session, now, code, tr, t: tr.create(code, text) };
}

describe('after the key list is deleted', () => {
  it('the count does not shrink, and each transcript says how many were left then', async () => {
    // A surname that is an ordinary word ("lie") at the start of a sentence: only the key list knows it is a name here.
    const { deps, dir, session, tr, t } = await endingStudy('passphrase for deid', 'B: Lie i dag, sånn sa de det. Jeg bor i Stavanger.');
    const before = tr.list()[0]!;
    expect(tr.check(t.id).findings.map((f) => [f.text, f.source])).toEqual([
      ['Lie', 'keylist'],
      ['Stavanger', 'pattern'],
    ]);
    expect(before).toMatchObject({ identifiers: 2, unresolvedAtKeyListEnd: null });
    session.lock();

    enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-05-30') });
    const s = await openProject(dir, 'passphrase for deid', { ...deps, now: () => at('2031-05-31') });
    const after = new Transcripts(s, () => at('2031-05-31'));
    expect(after.list()[0]).toMatchObject({ identifiers: 2, unresolvedAtKeyListEnd: 2 });
    const report = after.check(t.id);
    expect(report.keyListUsed).toBe(false);
    expect(report.lastWithKeyList).toMatchObject({ unresolved: 2 });
    expect(report.findings.map((f) => [f.text, f.source])).toEqual([
      ['Lie', 'keylist'],
      ['Stavanger', 'pattern'],
    ]);
    // Taken out after the end (a removal), the remembered name moves with the text and goes when replaced.
    const place = report.findings[1]!;
    const cleaned = after.deidentify(t.id, [{ start: place.start, end: place.end, expected: place.text, with: '[sted]' }], []);
    expect(cleaned.identifiers).toBe(1);
    const lie = after.check(t.id).findings[0]!;
    expect(lie.text).toBe('Lie');
    expect(after.deidentify(t.id, [{ start: lie.start, end: lie.end, expected: 'Lie', with: '[navn]' }], []).identifiers).toBe(0);
    expect(after.list()[0]).toMatchObject({ identifiers: 0, unresolvedAtKeyListEnd: 2 });
    s.lock();
  });
});

describe('replacements not yet accepted, at the end (issue 29)', () => {
  it('the words a replacement took out do not outlive the key list, and after the end a replacement is final', async () => {
    const { deps, dir, session, tr, t } = await endingStudy('passphrase for undo', 'B: Jeg er Turid, og jeg bor i Stavanger.');
    expect(tr.deidentify(t.id, [{ start: 10, end: 15, expected: 'Turid', with: '[navn]' }], []).pendingReplacements).toHaveLength(1);
    session.lock();

    enforceProjectEnd(dir, { crypto: deps.crypto, now: at('2031-05-30') });
    const s = await openProject(dir, 'passphrase for undo', { ...deps, now: () => at('2031-05-31') });
    // Gone at the end itself, with nobody opening the app: read raw, before anything tidies up.
    expect(JSON.stringify(s.stores.transcripts.get('transcript', t.id)?.data)).not.toContain('Turid');
    expect(s.stores.keylist.destroyed).toBe(true);
    const after = new Transcripts(s, () => at('2031-05-31'));
    expect(after.get(t.id).pendingReplacements).toEqual([]);
    // A removal after the end keeps no history, and cannot be undone.
    const place = after.check(t.id).findings.find((f) => f.text === 'Stavanger')!;
    expect(after.deidentify(t.id, [{ start: place.start, end: place.end, expected: 'Stavanger', with: '[sted]' }], []).pendingReplacements).toEqual([]);
    expect(JSON.stringify(s.stores.transcripts.get('transcript', t.id)?.data)).not.toContain('Stavanger');
    s.lock();
  });
});
