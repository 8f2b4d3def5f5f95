/**
 * Attributes under attack (issue 31, the attack review of this round): exact (narrowing)
 * values that were taken as generalised and left the vault unmarked, and a hostile name
 * that hid values from the small-group warning. Each test failed before its fix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Exchange } from '../../electron/core/services/exchange/export';
import { tempDir } from './helpers';
import { twoParticipants } from './attributes-fixture';

const now = () => new Date('2026-11-27T10:00:00Z');

const vault = twoParticipants;

function qdpx(session: ConstructorParameters<typeof Exchange>[0]) {
  const ex = new Exchange(session, now);
  const out = path.join(tempDir(), 'studie.qdpx');
  const plan = ex.exportQdpx(out, { accepted: ex.plan('qdpx').findings.map((f) => f.id) });
  return { xml: strFromU8(unzipSync(fs.readFileSync(out))['project.qde']!), plan };
}

describe('exact values escape generalisation and leave in a .qdpx, not marked exact', () => {
  it('a date attribute whose name speaks of years in the job keeps and exports the exact date', async () => {
    const { session, p1, attrs } = await vault();
    attrs.define({ name: 'startet i jobben', kind: 'date' });
    const r = attrs.set(p1, 'startet i jobben', '2019-03-14');
    // SAFE: generalised to a span (as "startet" without "i jobben" is), or at least flagged exact.
    expect(r.generalised || r.stored.exact, `stored ${JSON.stringify(r.stored)}`).toBe(true);
    expect(qdpx(session).xml).not.toContain('2019-03-14');
  });

  it('a one-value "band" (52-52) for an age is taken as generalised and exported', async () => {
    const { session, p1, attrs } = await vault();
    attrs.define({ name: 'alder', kind: 'number' });
    const r = attrs.set(p1, 'alder', '52-52');
    expect(r.generalised || r.stored.exact, `stored ${JSON.stringify(r.stored)}`).toBe(true);
    expect(qdpx(session).xml).not.toContain('52-52');
  });

  it('a birth year given for an age attribute is neither generalised nor flagged', async () => {
    const { session, p1, attrs } = await vault();
    attrs.define({ name: 'alder', kind: 'number' });
    const r = attrs.set(p1, 'alder', '1972');
    expect(r.generalised || r.stored.exact, `stored ${JSON.stringify(r.stored)}`).toBe(true);
    expect(qdpx(session).xml).not.toContain('>1972<');
  });
});

describe('an attribute named __proto__ (a hostile .qdpx Variable can define one)', () => {
  it('is refused, as every name the language keeps on all objects, so no value hides from the table and the small-group warning', async () => {
    const { attrs } = await vault();
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) expect(() => attrs.define({ name })).toThrow(/cannot be an attribute's name/);
    expect(attrs.define({ name: 'Rolle' })).toBeTruthy();
  });
});

