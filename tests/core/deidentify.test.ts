/**
 * Finding identifying details in transcripts: what the key list knows and patterns
 * that need none; replacing them with placeholders in a real vault, audited without
 * the words; refusing stale or non-placeholder replacements.
 */
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { applyReplacements, findIdentifiers, knownDetails, NO_KNOWN_DETAILS } from '../../electron/core/services/deidentify/deidentify';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { admit, codeOf, listFiles, makeVault } from './helpers';

const PEOPLE = [
  { name: 'Kari Nordmann', email: 'kari.nordmann@example.no', phone: '+47 912 34 567', workplace: 'NAV Sandnes' },
  { name: 'Ola Fjeldstad', email: '', phone: '98765432', workplace: '' },
  { name: 'Ingrid Lie', email: '', phone: '', workplace: 'NAV Time' },
];
const known = knownDetails(PEOPLE);
const found = (text: string, k = known, kept: string[] = []) => findIdentifiers(text, k, kept).map((f) => [f.kind, f.text]);
/** What the key list and the number and address patterns find (the word lists' findings are tested in deidentify-details). */
const KEYLIST_AND_NUMBERS = new Set(['phone', 'email', 'national-id']);
const foundByKeyList = (text: string, k = known) =>
  findIdentifiers(text, k)
    .filter((f) => f.source === 'keylist' || KEYLIST_AND_NUMBERS.has(f.kind))
    .map((f) => [f.kind, f.text]);

describe('finding identifying details', () => {
  it('surnames and places that are also words are found only when capitalised', () => {
    expect(found('Vi gikk opp i lia, og Lie sa at det tok en time å gå til Time, eller til nav time.')).toEqual([
      ['name', 'Lie'],
      ['workplace', 'Time'],
    ]);
    // The place of "NAV Sandnes" identifies on its own; "NAV" alone does not.
    expect(found('Arbeidsgiverne i Sandnes kjenner meg. Jeg representerer NAV.')).toEqual([['workplace', 'Sandnes']]);
  });

  it('names from the key list, whole or in part, with the genitive -s, capitalised or in capitals; not inside other words', () => {
    // "kari" in lower case is found too: it is no ordinary word (hardening, second round);
    // "lie" and "time" are, and are found only capitalised (the test above).
    expect(foundByKeyList('#00:00:12-6# B: Ja. Jeg er Kari, forresten. Karis kontor. KARI NORDMANN. Karianne og Olav er ikke med. Ola sa det. kari skrevet fort.')).toEqual([
      ['name', 'Kari'],
      ['name', 'Karis'],
      ['name', 'KARI NORDMANN'],
      ['name', 'Ola'],
      ['name', 'kari'],
    ]);
  });

  it('phone numbers from the key list however they are grouped, and any Norwegian number by pattern', () => {
    expect(found('Ring 912 34 567 eller +4791234567, eller 98 76 54 32. Kontoret: 51 00 00 00.')).toEqual([
      ['phone', '912 34 567'],
      ['phone', '+4791234567'],
      ['phone', '98 76 54 32'],
      ['phone', '51 00 00 00'],
    ]);
    // Timestamps, years, counts and short numbers are not phone numbers.
    expect(found('#00:12:34-5# I 2021 hadde vi 6 besøk i uka og 120 brukere.')).toEqual([]);
  });

  it('e-mail addresses, workplaces and national identity numbers', () => {
    expect(found('Skriv til kari.nordmann@example.no eller per@firma.no. Jeg jobber på NAV SANDNES. Fnr 01019912345.')).toEqual([
      ['email', 'kari.nordmann@example.no'],
      ['email', 'per@firma.no'],
      ['workplace', 'NAV SANDNES'],
      ['national-id', '01019912345'],
    ]);
  });

  it('what people write that is not a phone number: dates, times, periods, sums, account numbers', () => {
    const text = 'Møtet var 01.02.2021 eller 21.02.2021 kl. 08.00-16.00, i perioden 2019-2021 og 2020 2021. Vi fikk 12 000 kr, 1 250 000 kr og 12.500.000 kroner. Konto 1234 56 78903.';
    expect(foundByKeyList(text, NO_KNOWN_DETAILS)).toEqual([]);
  });

  it('numbers grouped with no-break or thin spaces; apostrophes of any kind; hyphenated first names', () => {
    const k = knownDetails([{ name: 'Siri D\'Souza', email: '', phone: '412 34 567', workplace: '' }, { name: 'Per-Arne Østby', email: '', phone: '', workplace: '' }, { name: 'Jo van der Berg', email: '', phone: '', workplace: 'NAV' }]);
    expect(found('Ring 412\u00a034\u00a0567 eller 22\u202f33\u202f44\u202f55. Siri D’Souza kom. Per-Arne sa det, og Arnes bil sto der. Der og da sa van der Berg noe. NAV er NAV.', k)).toEqual([
      ['phone', '412\u00a034\u00a0567'],
      ['phone', '22\u202f33\u202f44\u202f55'],
      ['name', 'Siri D’Souza'],
      ['name', 'Per-Arne'],
      ['name', 'Arnes'],
      ['name', 'Berg'],
    ]);
  });

  it('phone numbers however they are grouped, and what only looks like one', () => {
    const text = 'Ring 412 34567, 4123 45 67, 412 34-567, 41 23-45-67, 412.34 567 eller tlf:41234567. Ikke 22.30-23.30, 2021-12-24, 2019-2021, 21.02.2021 eller #00:12:34-5#.';
    expect(foundByKeyList(text, NO_KNOWN_DETAILS).map(([, t]) => t)).toEqual(['412 34567', '4123 45 67', '412 34-567', '41 23-45-67', '412.34 567', '41234567']);
  });

  it('a key list typed in lower case, and names with combining accents, are still found', () => {
    const k = knownDetails([{ name: 'jon olsen', email: '', phone: '', workplace: 'nav klepp' }, { name: 'Zoe\u0308 Ask', email: '', phone: '', workplace: '' }]);
    expect(found('Jon Olsen jobber i Klepp. Zoë kom også.', k)).toEqual([
      ['name', 'Jon Olsen'],
      ['workplace', 'Klepp'],
      ['name', 'Zoë'],
    ]);
  });

  it('without a key list the patterns and the word lists still find them', () => {
    expect(found('Jeg er Kari på NAV Sandnes, ring 912 34 567.', NO_KNOWN_DETAILS)).toEqual([
      ['name', 'Kari'],
      ['workplace', 'NAV Sandnes'],
      ['phone', '912 34 567'],
    ]);
    expect(findIdentifiers('Jeg er Kari på NAV Sandnes.', NO_KNOWN_DETAILS).every((f) => f.source === 'pattern')).toBe(true);
  });

  it('leaves out what the user marked as not identifying, in any case', () => {
    expect(found('Kari og Ola.', known, ['ola'])).toEqual([['name', 'Kari']]);
  });

  it('finds nothing twice: the longer match wins', () => {
    const f = findIdentifiers('Kari Nordmann på NAV Sandnes', known);
    expect(f.map((x) => [x.start, x.end, x.source])).toEqual([
      [0, 13, 'keylist'],
      [17, 28, 'keylist'],
    ]);
  });
});

describe('letters written in two ways', () => {
  it('a transcript is stored with composed letters, so "A + ring" is found as Å', async () => {
    const { session } = await makeVault();
    const code = admit(session, { name: 'Åse Berg' });
    const tr = new Transcripts(session, () => new Date('2026-11-27T10:00:00Z'));
    const t = tr.create(code, 'B: Jeg heter A\u030Ase.');
    expect(t.text).toBe('B: Jeg heter Åse.');
    expect(tr.check(t.id).findings.map((f) => f.text)).toEqual(['Åse']);
    session.lock();
  });
});

describe('replacing', () => {
  it('replaces only where the text is still what the user saw', () => {
    const text = 'Jeg er Kari på NAV Sandnes.';
    expect(applyReplacements(text, [{ start: 7, end: 11, expected: 'Kari', with: '[navn]' }, { start: 15, end: 26, expected: 'NAV Sandnes', with: '[arbeidsplass]' }])).toBe('Jeg er [navn] på [arbeidsplass].');
    expect(applyReplacements(text, [{ start: 6, end: 10, expected: 'Kari', with: '[navn]' }])).toBeNull();
    expect(applyReplacements(text, [{ start: 7, end: 11, expected: 'Kari', with: '[navn]' }, { start: 9, end: 12, expected: 'ri ', with: '[x]' }])).toBeNull();
  });
});

describe('in a vault', () => {
  it('checks a transcript against the key list, replaces with placeholders, keeps sync points, audits counts only', async () => {
    const { session } = await makeVault();
    const code = admit(session, { name: 'Kari Nordmann', email: 'kari.nordmann@example.no', phone: '+47 912 34 567' });
    const tr = new Transcripts(session, () => new Date('2026-11-27T10:00:00Z'));
    const text = '#00:00:04-1# I: Takk for at du ville være med.\n#00:00:12-6# B: Jeg er Kari. Ring 912 34 567.\n#00:00:25-0# I: Takk.\n';
    const t = tr.create(code, text);
    expect(t.identifiers).toBe(2);
    const report = tr.check(t.id);
    expect(report.keyListUsed).toBe(true);
    expect(report.findings.map((f) => f.text)).toEqual(['Kari', '912 34 567']);

    const [name, phone] = report.findings;
    const after = tr.deidentify(t.id, [{ ...name!, expected: name!.text, with: '[navn]' }], [phone!.text]);
    expect(after.text).toBe(text.replace('Kari', '[navn]'));
    expect(after.syncPoints.map((p) => p.ms)).toEqual([4100, 12600, 25000]);
    expect(after.syncPoints.every((p) => after.text.startsWith('#', p.offset))).toBe(true);
    expect(after.identifiers).toBe(0);
    expect(tr.list()[0]!.identifiers).toBe(0);
    expect(tr.check(t.id).kept).toEqual(['912 34 567']);

    // A view that is out of date, or a replacement that writes words in, is refused and changes nothing.
    expect(codeOf(() => tr.deidentify(t.id, [{ start: name!.start, end: name!.end, expected: 'Kari', with: '[navn]' }], []))).toBe('INVALID_INPUT');
    expect(codeOf(() => tr.deidentify(t.id, [{ start: 0, end: 1, expected: '#', with: 'Kari Nordmann' }], []))).toBe('INVALID_INPUT');
    expect(tr.get(t.id).text).toBe(after.text);

    const entries = session.audit.list().filter((e) => e.action.startsWith('transcript.'));
    expect(entries.map((e) => e.action)).toEqual(['transcript.added', 'transcript.checked', 'transcript.deidentified', 'transcript.checked']);
    // (Ids and hashes are hex, so look for the words as written, not stray digits.)
    expect(JSON.stringify(entries)).not.toMatch(/Kari|912 34 567/);
    expect(entries[2]!.details).toMatchObject({ replaced: 1, kept: 1 });
    const vaultDir = session.path;
    session.lock();
    // The replaced words are not left in clear anywhere in the vault (everything is sealed).
    for (const f of listFiles(vaultDir)) expect(fs.readFileSync(f).includes(Buffer.from('Jeg er Kari')), f).toBe(false);
  });
});
