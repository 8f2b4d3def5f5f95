/**
 * Invisible characters must not hide a name from the check (issue 14). Names pasted
 * from web pages and PDFs carry zero-width spaces and soft hyphens; a transcript can
 * too. Key-list terms and transcript text are normalised alike before matching, and
 * each finding points at the stored text as it is, so replacing it takes the hidden
 * characters out with the name.
 */
import { describe, expect, it } from 'vitest';
import { applyReplacements, findIdentifiers, knownDetails } from '../../electron/core/services/deidentify/deidentify';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { admit, makeVault } from './helpers';

const PEOPLE = [
  { name: 'Ola\u200bNordvik', email: '', phone: '', workplace: '' },
  { name: 'Bjarte Sol\u00advang', email: '', phone: '', workplace: '' },
];

describe('invisible characters in the key list and the transcript', () => {
  it('finds names whose key-list entry holds a zero-width space or a soft hyphen', () => {
    const text = 'B: Ola sa at Nordvik-familien flyttet. Bjarte Solvang var sjefen, og Solvang bestemte.';
    const texts = findIdentifiers(text, knownDetails(PEOPLE)).filter((f) => f.source === 'keylist').map((f) => f.text);
    expect(texts).toEqual(['Ola', 'Nordvik', 'Bjarte Solvang', 'Solvang']);
  });

  it('finds names hidden in the transcript by invisible characters, at the stored positions', () => {
    const text = 'B: Bjarte Sol\u00advang og O\u200bla kom. Ｏｌａ også, og Bjarte\u00a0 Solvang.';
    const found = findIdentifiers(text, knownDetails(PEOPLE)).filter((f) => f.source === 'keylist');
    expect(found.map((f) => f.text)).toEqual(['Bjarte Sol\u00advang', 'O\u200bla', 'Ｏｌａ', 'Bjarte\u00a0 Solvang']);
    for (const f of found) expect(text.slice(f.start, f.end)).toBe(f.text);
    const out = applyReplacements(text, found.map((f) => ({ start: f.start, end: f.end, expected: f.text, with: '[navn]' })));
    expect(out).toBe('B: [navn] og [navn] kom. [navn] også, og [navn].');
  });

  it('flags invisible characters in a transcript, but not those that join emoji', () => {
    const text = 'B: Det var en i\u2060dé. Greit 👍🏽 og 👨\u200d👩\u200d👧 og ❤\ufe0f.';
    const hidden = findIdentifiers(text, knownDetails([])).filter((f) => f.kind === 'invisible');
    expect(hidden.map((f) => [f.start, f.text])).toEqual([[15, '\u2060']]);
    // Inside a name, the name's finding covers it (replacing the name takes it out) ...
    const named = 'B: Det var Brynjulf Ox\u200baal sin idé.';
    expect(findIdentifiers(named).map((f) => [f.kind, f.text])).toEqual([['name', 'Brynjulf Ox\u200baal']]);
    // ... and if the name is marked as not identifying, the hidden character is still listed.
    expect(findIdentifiers(named, undefined, ['Brynjulf Oxaal']).map((f) => [f.kind, f.text])).toEqual([['invisible', '\u200b']]);
  });

  it('in a vault: the check finds the hidden names; replacing them leaves no invisible character', async () => {
    const { session } = await makeVault();
    const code = admit(session, { name: 'Ola\u200bNordvik' });
    admit(session, { name: 'Bjarte Sol\u00advang' });
    const tr = new Transcripts(session, () => new Date('2026-11-27T10:00:00Z'));
    const t = tr.create(code, '#00:00:04-1# B: Jeg heter Ola. Sjefen er Bjarte Sol\u00advang.\n');
    const report = tr.check(t.id);
    const names = report.findings.filter((f) => f.source === 'keylist');
    expect(names.map((f) => f.text)).toEqual(['Ola', 'Bjarte Sol\u00advang']);
    const after = tr.deidentify(t.id, names.map((f) => ({ start: f.start, end: f.end, expected: f.text, with: '[navn]' })), []);
    expect(after.text).toBe('#00:00:04-1# B: Jeg heter [navn]. Sjefen er [navn].\n');
    expect(after.text).not.toMatch(/\p{Default_Ignorable_Code_Point}/u);
    // Invisible characters on their own are taken out, and only they can be replaced by nothing.
    const hidden = tr.create(code, 'B: Det var en i\u2060dé.');
    const [inv] = tr.check(hidden.id).findings;
    expect(inv).toMatchObject({ kind: 'invisible', text: '\u2060' });
    expect(tr.deidentify(hidden.id, [{ start: inv!.start, end: inv!.end, expected: inv!.text, with: '' }], []).text).toBe('B: Det var en idé.');
    expect(() => tr.deidentify(hidden.id, [{ start: 11, end: 14, expected: 'idé', with: '' }], [])).toThrow(/invisible/);
    session.lock();
  });
});
