/**
 * Attributes in REFI-QDA: Variables on Cases with VariableValues, out (generalised values
 * of attributes not marked identifying only, valid against the Project schema, the
 * small-group warning in the plan) and back in (defined and set in a fresh vault).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Attributes } from '../../electron/core/services/attributes/attributes';
import { Exchange } from '../../electron/core/services/exchange/export';
import { ExchangeImport } from '../../electron/core/services/exchange/import';
import { initSupervisorFolder } from '../../electron/core/services/supervisor/folder';
import { HeldShares } from '../../electron/core/services/supervisor/held';
import { Supervisors } from '../../electron/core/services/supervisor/student';
import type { IsoDate } from '@shared/domain';
import { admit, makeVault, pw, tempDir, TEST_KDF, TEST_KDF_POLICY } from './helpers';
import { NOW, study } from './analysis/fixture';
import { validateRefiQda } from '../libxml2';
import { twoParticipants } from './attributes-fixture';

const now = () => new Date('2026-11-27T10:00:00Z');

async function exported() {
  const { session, p1, p2, attrs } = await twoParticipants();
  attrs.define({ name: 'rolle', kind: 'list', values: ['Jobbspesialist', 'Veileder'], labels: { nb: 'Rolle', en: 'Role' } });
  attrs.define({ name: 'alder', kind: 'number' });
  attrs.define({ name: 'arbeidssted', identifying: true });
  attrs.set(p1, 'rolle', 'Jobbspesialist');
  attrs.set(p2, 'rolle', 'Veileder');
  attrs.set(p1, 'alder', '52');
  attrs.set(p2, 'alder', '38', { exact: true });
  attrs.set(p1, 'arbeidssted', 'Kafé Solsiden', { exact: true });
  const ex = new Exchange(session, now);
  const out = path.join(tempDir(), 'studie.qdpx');
  const plan = ex.exportQdpx(out, { accepted: ex.plan('qdpx').findings.map((f) => f.id) });
  const bytes = fs.readFileSync(out);
  session.lock();
  return { bytes, plan, p1, p2 };
}

describe('attributes as REFI-QDA Variables', () => {
  it('go out on Cases, generalised values only, valid against the schema, with the small-group warning', async () => {
    const { bytes, plan, p1 } = await exported();
    const xml = strFromU8(unzipSync(bytes)['project.qde']!);
    const r = await validateRefiQda(xml, 'Project.xsd');
    expect(r.output).toBe('');
    expect(r.ok).toBe(true);
    expect(xml).toMatch(/<Variable [^>]*name="rolle"[^>]*typeOfVariable="Text"/);
    expect(xml).toMatch(/<Variable [^>]*name="alder"/);
    expect(xml).toContain('<TextValue>50-59</TextValue>');
    expect(xml).toContain('<TextValue>Jobbspesialist</TextValue>');
    // The exact age the student kept and the identifying attribute stay home.
    expect(xml).not.toContain('>38<');
    expect(xml).not.toContain('arbeidssted');
    expect(xml).not.toContain('Solsiden');
    expect(plan.smallGroups).toContainEqual({ values: { alder: '50-59', rolle: 'Jobbspesialist' }, participants: 1 });
    expect(p1).toBeTruthy();
  });

  it('come back in: attributes defined, each case\'s values set on the participant its sources went to', async () => {
    const { bytes, p1, p2 } = await exported();
    const { session } = await makeVault();
    const q1 = admit(session, { name: 'Kari Nordmann' });
    const q2 = admit(session, { name: 'Ola Hansen' });
    const result = new ExchangeImport(session, now).importQdpx(bytes, new Map([[p1, q1], [p2, q2]]));
    expect(result.attributes).toEqual({ defined: 2, values: 3, generalised: 0, leftOut: 0 });
    const attrs = new Attributes(session, now);
    expect(attrs.list().map((a) => [a.name, a.kind])).toEqual([['alder', 'text'], ['rolle', 'text']]);
    expect(attrs.table()).toEqual(new Map([[q1, { alder: '50-59', rolle: 'Jobbspesialist' }], [q2, { rolle: 'Veileder' }]]));
    session.lock();
  });
});

describe('attributes in a supervisor\'s share', () => {
  it('carries generalised values of attributes not marked identifying, and warns of small groups', async () => {
    const v = await study();
    const dir = path.join(tempDir('hvelv-sup-'), 'veileder');
    const sup = await initSupervisorFolder(dir, pw('veileders passord 1'), { crypto: v.deps.crypto, kdfPolicy: TEST_KDF_POLICY, now: NOW }, { kdf: TEST_KDF });
    const attrs = new Attributes(v.session, NOW);
    attrs.define({ name: 'rolle', kind: 'list', values: ['Jobbspesialist', 'Veileder'] });
    attrs.define({ name: 'alder', kind: 'number' });
    attrs.define({ name: 'kommune', identifying: true });
    attrs.set(v.a, 'rolle', 'Jobbspesialist');
    attrs.set(v.a, 'alder', '52');
    attrs.set(v.b, 'alder', '38', { exact: true });
    attrs.set(v.b, 'kommune', 'Ålesund', { exact: true });
    const students = new Supervisors(v.session, NOW, v.deps.crypto);
    const entry = students.add({ key: sup.identity.key, label: 'Hovedveileder', until: '2027-03-01' as IsoDate });
    const plan = students.plan(entry.id);
    expect(plan.smallGroups).toContainEqual({ values: { alder: '50-59', rolle: 'Jobbspesialist' }, participants: 1 });
    const { bytes, made } = students.create(entry.id, plan.findings.map((f) => f.id));
    students.recordShare(entry.id, made);
    const held = new HeldShares(sup);
    held.open(bytes);
    const c = held.content(v.session.vaultId);
    expect(c.attributes!.attributes.map((a) => a.name).sort()).toEqual(['alder', 'rolle']);
    expect(c.attributes!.values.map((x) => `${x.participant} ${x.value}`).sort()).toEqual([`${v.a} 50-59`, `${v.a} Jobbspesialist`]);
    expect(JSON.stringify(c)).not.toMatch(/Ålesund|"38"|kommune/);
    v.session.lock();
    sup.lock();
  });
});
