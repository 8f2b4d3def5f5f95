/**
 * Attributes at the end date and in number (issue 31, after the attack review): an exact
 * value the student insisted on does not outlive "anonymised when the project ends" (only
 * its generalised value does), through the real end-date run with no passphrase; and many
 * attributes stay cheap (the session's cache) or are refused past a bound, an import's
 * Variables before anything is written.
 */
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Attributes, MAX_ATTRIBUTES } from '../../electron/core/services/attributes/attributes';
import { ExchangeImport } from '../../electron/core/services/exchange/import';
import { enforceProjectEnd } from '../../electron/core/services/project-end/project-end';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { Participants } from '../../electron/core/services/participants/participants';
import { unlockVault } from '../../electron/core/vault/vault';
import { openProject } from '../../electron/core/services/project/open';
import { HvelvError } from '../../electron/core/errors';
import { admit, findNeedles, listFiles, makeVault, pw } from './helpers';

const now = () => new Date('2026-11-27T10:00:00Z');

async function vault() {
  const { session, dir, deps } = await makeVault();
  const p1 = admit(session, { name: 'Kari Nordmann' });
  const p2 = admit(session, { name: 'Ola Hansen' });
  const tr = new Transcripts(session, now);
  tr.create(p1, 'I: Hvordan gikk det?\nB: Det gikk fint på jobben.\n');
  tr.create(p2, 'I: Fortell.\nB: Jobben ga struktur.\n');
  return { session, dir, deps, p1, p2, attrs: new Attributes(session, now) };
}

describe('the end date anonymises attribute values', () => {
  it('an exact value insisted on is gone after the end-date run; its generalised value stays', async () => {
    const { session, dir, deps, p1, p2, attrs } = await vault();
    attrs.define({ name: 'alder', kind: 'number' });
    attrs.define({ name: 'kommune' });
    attrs.define({ name: 'rolle', kind: 'list', values: ['Jobbspesialist', 'Veileder'] });
    attrs.set(p1, 'alder', '38', { exact: true });
    attrs.set(p2, 'alder', '47');
    attrs.set(p1, 'kommune', 'Ålesund', { exact: true });
    attrs.set(p1, 'rolle', 'Jobbspesialist');
    // Before the end: the student sees the exact value they kept.
    expect(attrs.valuesOf(p1)).toEqual([
      expect.objectContaining({ name: 'alder', value: '38', exact: true }),
      expect.objectContaining({ name: 'kommune', value: 'Ålesund', exact: true }),
      expect.objectContaining({ name: 'rolle', value: 'Jobbspesialist', exact: false }),
    ]);
    session.lock();
    enforceProjectEnd(dir, { crypto: deps.crypto, now: new Date('2031-06-15T12:00:00Z') });
    const s = await unlockVault(dir, pw('correct horse battery staple'), deps);
    const after = new Attributes(s, deps.now);
    expect(after.valuesOf(p1)).toEqual([
      expect.objectContaining({ name: 'alder', value: '30-39', exact: false }),
      expect.objectContaining({ name: 'kommune', value: 'Møre og Romsdal', exact: false }),
      expect.objectContaining({ name: 'rolle', value: 'Jobbspesialist', exact: false }),
    ]);
    expect(after.valuesOf(p2)).toEqual([expect.objectContaining({ name: 'alder', value: '40-49', exact: false })]);
    s.lock();
    // Nor anywhere on the disk in the clear (the transcripts store seals; the key list's store is gone).
    expect(findNeedles(listFiles(dir), [Buffer.from('Ålesund')])).toEqual([]);
  });

  it('an exact value a vault kept beside the transcripts (before this change) is moved to the key list at open', async () => {
    const { session, dir, deps, p1, attrs } = await vault();
    const a = attrs.define({ name: 'alder', kind: 'number' });
    // As an older Hvelv wrote it: the exact value itself, flagged, in the transcripts store.
    session.stores.transcripts.put('attribute_value', { id: `${a.id}:${p1}`, participant: p1, data: { attributeId: a.id, value: '38', exact: true, setAt: now().toISOString() } });
    session.lock();
    const s = await openProject(dir, 'correct horse battery staple', deps);
    expect(new Attributes(s, deps.now).valuesOf(p1)).toEqual([expect.objectContaining({ value: '38', exact: true })]);
    expect(s.stores.transcripts.list<{ value: string; exact: boolean }>('attribute_value').map((r) => r.data)).toEqual([expect.objectContaining({ value: '30-39', exact: false })]);
    s.lock();
    enforceProjectEnd(dir, { crypto: deps.crypto, now: new Date('2031-06-15T12:00:00Z') });
    const after = await unlockVault(dir, pw('correct horse battery staple'), deps);
    expect(new Attributes(after, deps.now).valuesOf(p1)).toEqual([expect.objectContaining({ value: '30-39', exact: false })]);
    after.lock();
  });

  it('an older vault opened after its end date keeps only the generalised value of an exact one', async () => {
    const { session, dir, deps, p1, attrs } = await vault();
    const a = attrs.define({ name: 'alder', kind: 'number' });
    session.stores.transcripts.put('attribute_value', { id: `${a.id}:${p1}`, participant: p1, data: { attributeId: a.id, value: '38', exact: true, setAt: now().toISOString() } });
    session.lock();
    enforceProjectEnd(dir, { crypto: deps.crypto, now: new Date('2031-06-15T12:00:00Z') });
    const s = await openProject(dir, 'correct horse battery staple', deps);
    expect(new Attributes(s, deps.now).valuesOf(p1)).toEqual([expect.objectContaining({ value: '30-39', exact: false })]);
    s.lock();
  });

  it('withdrawal destroys the exact value kept in the key list with the rest, counted once', async () => {
    const { session, p1, attrs } = await vault();
    attrs.define({ name: 'alder', kind: 'number' });
    attrs.set(p1, 'alder', '38', { exact: true });
    expect(session.stores.keylist.countParticipant(p1)['attribute_exact']).toBe(1);
    const p = new Participants(session, now);
    expect(p.withdrawalPreview(p1).attributes).toBe(1);
    expect((await p.withdraw(p1, '2026-11-27')).counts.attributes).toBe(1);
    expect(session.stores.keylist.countParticipant(p1)['attribute_exact']).toBeUndefined();
    expect(session.stores.transcripts.countParticipant(p1)['attribute_value']).toBeUndefined();
  });

  it('an identifying flag changed moves the exact value, never leaving it beside the transcripts', async () => {
    const { p1, attrs, session } = await vault();
    attrs.define({ name: 'alder', kind: 'number', identifying: true });
    attrs.set(p1, 'alder', '38', { exact: true });
    attrs.update('alder', { identifying: false });
    const beside = session.stores.transcripts.list<{ value: string }>('attribute_value');
    expect(beside.map((r) => r.data.value)).toEqual(['30-39']);
    expect(attrs.valuesOf(p1)).toEqual([expect.objectContaining({ value: '38', exact: true })]);
    attrs.update('alder', { identifying: true });
    expect(session.stores.transcripts.list('attribute_value')).toEqual([]);
    expect(session.stores.keylist.list('attribute_exact')).toEqual([]);
    expect(attrs.valuesOf(p1)).toEqual([expect.objectContaining({ value: '38', exact: true })]);
    // A value set plainly afterwards leaves no exact value behind it.
    attrs.update('alder', { identifying: false });
    attrs.set(p1, 'alder', '52');
    expect(attrs.valuesOf(p1)).toEqual([expect.objectContaining({ value: '50-59', exact: false })]);
    expect(session.stores.keylist.list('attribute_exact')).toEqual([]);
  });
});

describe('many attributes (as a hostile .qdpx would define them)', () => {
  it('defining and setting many costs what one does, and past the bound is refused in the user\'s terms', async () => {
    const { session } = await makeVault();
    const p = admit(session, { name: 'Kari Nordmann' });
    new Transcripts(session, now).create(p, 'B: hei\n');
    const attrs = new Attributes(session, now);
    let refused = 0;
    for (let i = 0; i < MAX_ATTRIBUTES + 20; i++) {
      try {
        attrs.define({ name: `v${i}` });
        attrs.set(p, `v${i}`, 'x');
      } catch (err) {
        expect((err as HvelvError).code).toBe('TOO_MANY_ATTRIBUTES');
        refused++;
      }
    }
    expect(refused).toBe(20);
    expect(attrs.valuesOf(p)).toHaveLength(MAX_ATTRIBUTES);
    // The definitions are decrypted once, not on every call (the quadratic cost measured: 70 s for 400).
    let decrypted = 0;
    const store = session.stores.transcripts;
    const get = store.get.bind(store);
    store.get = ((t: string, id: string) => {
      decrypted++;
      return get(t, id);
    }) as typeof store.get;
    for (let i = 0; i < 50; i++) attrs.resolve(`v${i}`);
    attrs.valuesOf(p);
    expect(decrypted).toBe(0);
    attrs.update('v1', { labels: { nb: 'Ny' } });
    attrs.resolve('v2');
    expect(decrypted).toBe(1);
  });

  it('the cache shows no attribute a rolled-back write made, though it read it inside the transaction', async () => {
    const { attrs, session } = await vault();
    attrs.define({ name: 'rolle' });
    expect(() =>
      session.stores.transcripts.atomically(() => {
        attrs.define({ name: 'alder', kind: 'number' });
        expect(attrs.list().map((a) => a.name)).toEqual(['alder', 'rolle']);
        throw new Error('rolled back');
      }),
    ).toThrow('rolled back');
    expect(attrs.list().map((a) => a.name)).toEqual(['rolle']);
    attrs.define({ name: 'kommune' });
    expect(attrs.list().map((a) => a.name)).toEqual(['kommune', 'rolle']);
  });

  it('a .qdpx whose Variables would pass the bound is refused before anything is written', async () => {
    const { session } = await makeVault();
    const p = admit(session, { name: 'Kari Nordmann' });
    const vars = Array.from({ length: MAX_ATTRIBUTES + 1 }, (_, i) => `<Variable guid="${guid(i + 100)}" name="v${i}" typeOfVariable="Text"/>`).join('');
    const values = Array.from({ length: MAX_ATTRIBUTES + 1 }, (_, i) => `<VariableValue><VariableRef targetGUID="${guid(i + 100)}"/><TextValue>x</TextValue></VariableValue>`).join('');
    const xml = `<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="s" origin="t"><Variables>${vars}</Variables><Cases><Case guid="${guid(2)}" name="c">${values}<SourceRef targetGUID="${guid(1)}"/></Case></Cases><Sources><TextSource guid="${guid(1)}" name="int" plainTextPath="internal://${guid(1)}.txt"/></Sources></Project>`;
    const bytes = zipSync({ 'project.qde': strToU8(xml), [`sources/${guid(1)}.txt`]: strToU8('B: hei\n') });
    const before = session.stores.transcripts.versions('transcript').size;
    expect(() => new ExchangeImport(session, now).importFile(bytes, new Map([['int', p]]))).toThrow(expect.objectContaining({ code: 'TOO_MANY_ATTRIBUTES' }));
    expect(session.stores.transcripts.versions('transcript').size).toBe(before);
    expect(new Attributes(session, now).list()).toEqual([]);
  });
});

function guid(i: number): string {
  return `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
}
