/**
 * Attributes under attack, second round (issue 31: the cache, the label/flag editing, the
 * check of what leaves, an import's values). Each test failed on the code before its fix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { IsoDate } from '@shared/domain';
import { Attributes } from '../../electron/core/services/attributes/attributes';
import { Exchange } from '../../electron/core/services/exchange/export';
import { initSupervisorFolder } from '../../electron/core/services/supervisor/folder';
import { HeldShares } from '../../electron/core/services/supervisor/held';
import { Supervisors } from '../../electron/core/services/supervisor/student';
import { enforceProjectEnd } from '../../electron/core/services/project-end/project-end';
import { openProject } from '../../electron/core/services/project/open';
import { Participants } from '../../electron/core/services/participants/participants';
import { unlockVault } from '../../electron/core/vault/vault';
import { admit, makeVault, pw, tempDir, TEST_KDF, TEST_KDF_POLICY } from './helpers';
import { NOW, study } from './analysis/fixture';
import { ATTR_NOW as now, twoParticipants as vault } from './attributes-fixture';

function qdpx(session: ConstructorParameters<typeof Exchange>[0]) {
  const ex = new Exchange(session, now);
  const out = path.join(tempDir(), 'studie.qdpx');
  const plan = ex.plan('qdpx');
  ex.exportQdpx(out, { accepted: plan.findings.map((f) => f.id) });
  return { xml: strFromU8(unzipSync(fs.readFileSync(out))['project.qde']!), plan };
}

describe('the session\'s cache of attribute records', () => {
  it('shows the value set after a value was cleared, not the one before (a record made again starts at version 1)', async () => {
    const { p1, attrs } = await vault();
    attrs.define({ name: 'rolle', kind: 'list', values: ['Jobbspesialist', 'Veileder'] });
    attrs.set(p1, 'rolle', 'Jobbspesialist');
    expect(attrs.valuesOf(p1)).toEqual([expect.objectContaining({ value: 'Jobbspesialist' })]);
    attrs.clear(p1, 'rolle');
    attrs.set(p1, 'rolle', 'Veileder');
    expect(attrs.valuesOf(p1)).toEqual([expect.objectContaining({ value: 'Veileder' })]);
    expect([...attrs.matching([{ name: 'rolle', value: 'Veileder' }])]).toEqual([p1]);
    expect(attrs.shareable().values.get(p1)).toEqual([expect.objectContaining({ value: 'Veileder' })]);
  });

  it('shows the exact value kept last, not one replaced before it', async () => {
    const { p1, attrs } = await vault();
    attrs.define({ name: 'alder', kind: 'number' });
    attrs.set(p1, 'alder', '38', { exact: true });
    expect(attrs.valuesOf(p1)).toEqual([expect.objectContaining({ value: '38', exact: true })]);
    attrs.set(p1, 'alder', '52');
    attrs.set(p1, 'alder', '47', { exact: true });
    expect(attrs.valuesOf(p1)).toEqual([expect.objectContaining({ value: '47', exact: true })]);
  });
});

describe('what leaves the vault is checked whole', () => {
  it('an attribute\'s name and labels go out in a .qdpx even when no value of it does: the check reads them', async () => {
    const { session, p1, attrs } = await vault();
    attrs.define({ name: 'rolle', kind: 'list', values: ['Jobbspesialist', 'Veileder'] });
    attrs.set(p1, 'rolle', 'Veileder');
    // No value at all, and one whose only value is an exact one kept home.
    attrs.define({ name: 'Kari Nordmanns team' });
    attrs.define({ name: 'alder', kind: 'number', labels: { nb: 'Alder (Ola Hansen)' } });
    attrs.set(p1, 'alder', '38', { exact: true });
    const { xml, plan } = qdpx(session);
    // Each name either stays home or was named by the check for the student to replace or
    // confirm (before the fix both left as Variables, the label as description, unchecked).
    const texts = plan.findings.filter((f) => f.where.kind === 'attribute').map((f) => f.text);
    for (const [whole, name] of [['Kari Nordmanns team', 'Nordmann'], ['Ola Hansen', 'Hansen']] as const) {
      expect(xml.includes(whole) ? texts.some((t) => t.includes(name)) : true, `${whole} left unchecked`).toBe(true);
    }
    // The attribute with a value going out still does.
    expect(xml).toContain('Veileder');
    expect(xml).toContain('name="rolle"');
  });

  it('a supervisor\'s share: the same, the name going out only once the check has named it', async () => {
    const v = await study();
    const dir = path.join(tempDir('hvelv-sup-'), 'veileder');
    const sup = await initSupervisorFolder(dir, pw('veileders passord 1'), { crypto: v.deps.crypto, kdfPolicy: TEST_KDF_POLICY, now: NOW }, { kdf: TEST_KDF });
    const attrs = new Attributes(v.session, NOW);
    attrs.define({ name: 'rolle', kind: 'list', values: ['Jobbspesialist', 'Veileder'] });
    attrs.set(v.a, 'rolle', 'Veileder');
    attrs.define({ name: 'Kari Nordmanns team' });
    const students = new Supervisors(v.session, NOW, v.deps.crypto);
    const entry = students.add({ key: sup.identity.key, label: 'Hovedveileder', until: '2027-03-01' as IsoDate });
    const plan = students.plan(entry.id);
    const named = plan.findings.some((f) => f.where.kind === 'attribute' && f.text.includes('Nordmann'));
    const { bytes, made } = students.create(entry.id, plan.findings.map((f) => f.id));
    students.recordShare(entry.id, made);
    const held = new HeldShares(sup);
    held.open(bytes);
    const c = held.content(v.session.vaultId);
    expect(c.attributes!.values.map((x) => x.value)).toEqual(['Veileder']);
    const carried = c.attributes!.attributes.map((a) => a.name);
    expect(carried).toContain('rolle');
    expect(carried.includes('Kari Nordmanns team') ? named : true, 'the name left unchecked').toBe(true);
    v.session.lock();
    sup.lock();
  });
});

describe('an exact value hidden from generalisation by look-alike characters', () => {
  it('full-width digits or a zero-width space in an age are generalised as plain digits are, never kept as a band', async () => {
    const { session, p1, p2, attrs } = await vault();
    // A text attribute, as a .qdpx's Variable of type Text makes one.
    attrs.define({ name: 'alder' });
    const wide = attrs.set(p1, 'alder', '５２');
    const hidden = attrs.set(p2, 'alder', '4\u200b7');
    expect(wide.stored.value).toBe('50-59');
    expect(hidden.stored.value).toBe('40-49');
    const { xml } = qdpx(session);
    expect(xml).not.toContain('５２');
    expect(xml).not.toContain('4\u200b7');
  });

  it('digits NFKC keeps (Arabic-Indic) are refused, nothing stored', async () => {
    const { p1, attrs } = await vault();
    attrs.define({ name: 'alder' });
    expect(() => attrs.set(p1, 'alder', '\u0665\u0662')).toThrow(/digits 0-9/);
    expect(attrs.valuesOf(p1)).toEqual([]);
    // A list value given in full-width letters is still the list's own.
    attrs.define({ name: 'rolle', kind: 'list', values: ['Veileder', 'Jobbspesialist'] });
    expect(attrs.set(p1, 'rolle', 'Ｖｅｉｌｅｄｅｒ').stored.value).toBe('Veileder');
  });
});

describe('the identifying flag taken off after the labels changed', () => {
  it('an exact value with no band under the new labels is not put beside the transcripts as a generalised one', async () => {
    const { session, p1, attrs } = await vault();
    attrs.define({ name: 'bakgrunn', kind: 'number', labels: { nb: 'Alder', en: 'Age' }, identifying: true });
    attrs.set(p1, 'bakgrunn', '38', { exact: true });
    expect(attrs.valuesOf(p1)).toEqual([expect.objectContaining({ value: '38', exact: true })]);
    attrs.update('bakgrunn', { labels: { nb: 'Gruppe', en: 'Group' } });
    // Refused, nothing moved: the exact value stays in the key list, the flag as it was.
    expect(() => attrs.update('bakgrunn', { identifying: false })).toThrow(/exact value/);
    expect(attrs.resolve('bakgrunn').identifying).toBe(true);
    expect(attrs.valuesOf(p1)).toEqual([expect.objectContaining({ value: '38', exact: true })]);
    expect(session.stores.keylist.list<{ value: string }>('attribute_value').map((r) => r.data.value)).toEqual(['38']);
    const beside = session.stores.transcripts.list<{ value: string }>('attribute_value').map((r) => r.data.value);
    expect(beside).not.toContain('38');
    expect(attrs.shareable().values.get(p1) ?? []).not.toEqual([expect.objectContaining({ value: '38' })]);
  });
});

describe('an older vault\'s exact value with no band under its labels now', () => {
  it('is not left beside the transcripts by the move at open, so the end date takes it', async () => {
    const { session, dir, deps } = await makeVault();
    const p1 = admit(session, { name: 'Kari Nordmann' });
    const attrs = new Attributes(session, now);
    // Set exact while labelled an age, then labelled otherwise (an older Hvelv allowed both).
    const a = attrs.define({ name: 'bakgrunn', kind: 'number', labels: { nb: 'Gruppe', en: 'Group' } });
    session.stores.transcripts.put('attribute_value', { id: `${a.id}:${p1}`, participant: p1, data: { attributeId: a.id, value: '38', exact: true, setAt: now().toISOString() } });
    session.lock();
    const s = await openProject(dir, 'correct horse battery staple', deps);
    // Still the student's until the end date, not shared.
    expect(new Attributes(s, deps.now).valuesOf(p1)).toEqual([expect.objectContaining({ value: '38', exact: true })]);
    expect(new Attributes(s, deps.now).shareable().values.get(p1)).toBeUndefined();
    expect(s.stores.transcripts.list<{ value: string }>('attribute_value').map((r) => r.data.value)).not.toContain('38');
    // Counted for a withdrawal as the value it is.
    expect(new Participants(s, deps.now).withdrawalPreview(p1).attributes).toBe(1);
    s.lock();
    enforceProjectEnd(dir, { crypto: deps.crypto, now: new Date('2031-06-15T12:00:00Z') });
    const after = await unlockVault(dir, pw('correct horse battery staple'), deps);
    expect(new Attributes(after, deps.now).valuesOf(p1).map((v) => v.value)).not.toContain('38');
    after.lock();
  });
});

describe('labels that make an attribute an age after its values were set', () => {
  it('an exact age set while the attribute was not known as one does not leave as if generalised once it is', async () => {
    const { session, p1, attrs } = await vault();
    attrs.define({ name: 'bakgrunn', kind: 'number', labels: { nb: 'Gruppe', en: 'Group' } });
    expect(attrs.set(p1, 'bakgrunn', '52').generalised).toBe(false);
    attrs.update('bakgrunn', { labels: { nb: 'Alder', en: 'Age' } });
    expect(qdpx(session).xml).not.toMatch(/>52</);
    // Still the student's at home, as an exact value kept (the end date takes it).
    expect(attrs.valuesOf(p1)).toEqual([expect.objectContaining({ value: '52', exact: true })]);
  });
});

describe('labels as the command line or the screen give them', () => {
  it('a label holding a control character or over 60 characters is refused, as a name is, so no share goes out that the supervisor cannot open', async () => {
    const v = await study();
    const attrs = new Attributes(v.session, NOW);
    const tries: (() => unknown)[] = [
      () => attrs.define({ name: 'rolle', labels: { nb: 'Rol\tle' } }),
      () => attrs.define({ name: 'team', labels: { en: 'x'.repeat(61) } }),
    ];
    attrs.define({ name: 'alder', kind: 'number' });
    tries.push(() => attrs.update('alder', { labels: { nb: 'Al\u0007der' } }));
    const dir = path.join(tempDir('hvelv-sup-'), 'veileder');
    const sup = await initSupervisorFolder(dir, pw('veileders passord 1'), { crypto: v.deps.crypto, kdfPolicy: TEST_KDF_POLICY, now: NOW }, { kdf: TEST_KDF });
    const students = new Supervisors(v.session, NOW, v.deps.crypto);
    const entry = students.add({ key: sup.identity.key, label: 'Hovedveileder', until: '2027-03-01' as IsoDate });
    for (const t of tries) {
      let accepted = true;
      try {
        t();
      } catch {
        accepted = false;
      }
      if (!accepted) continue;
      // Taken: then the share that carries it must still open on the supervisor's side.
      for (const a of attrs.list()) attrs.set(v.a, a.name, a.kind === 'number' ? '50-59' : 'Veileder');
      const plan = students.plan(entry.id);
      const { bytes } = students.create(entry.id, plan.findings.map((f) => f.id));
      expect(() => new HeldShares(sup).open(bytes)).not.toThrow();
    }
    v.session.lock();
    sup.lock();
  });
});

describe('an attribute name spelt with look-alike letters (a .qdpx Variable can be)', () => {
  it('"аlder" with a Cyrillic а, or "al\u200bder", is read as an age: its values generalised, not sent out exact', async () => {
    const { session, p1, p2, attrs } = await vault();
    attrs.define({ name: '\u0430lder', kind: 'number' });
    attrs.define({ name: 'År i\u200b jobben', kind: 'number' });
    attrs.define({ name: 'Al\u200bder', kind: 'text' });
    expect(attrs.set(p1, '\u0430lder', '52').stored.value).toBe('50-59');
    expect(attrs.set(p2, 'År i\u200b jobben', '7').stored.value).toBe('5-10 år');
    expect(attrs.set(p2, 'Al\u200bder', '44').stored.value).toBe('40-49');
    expect(qdpx(session).xml).not.toMatch(/>(52|7|44)</);
  });
});
