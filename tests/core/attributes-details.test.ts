/**
 * Attribute values are read by the identifying-details check (issue 31, after the attack
 * review): a free-text value Hvelv cannot generalise (a workplace's name) went into the
 * report's comparison tables, the .qdpx and the share unchecked. Now a value holding a
 * name, a workplace or a place is a finding to replace or confirm, like a transcript's
 * words; a county Hvelv generalised to is not.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { Attributes } from '../../electron/core/services/attributes/attributes';
import { Exchange } from '../../electron/core/services/exchange/export';
import { tempDir } from './helpers';
import { NOW, study } from './analysis/fixture';

describe('attribute values in the identifying-details check', () => {
  it('a one-person workplace name is a finding of the report\'s check, and the export waits for it', async () => {
    const { session, a, b, book, report } = await study();
    book.add({ name: 'tillit' } as never);
    const attrs = new Attributes(session, NOW);
    attrs.define({ name: 'arbeidsplass' });
    attrs.define({ name: 'kommune' });
    attrs.set(a, 'arbeidsplass', 'Kafé Solsiden');
    attrs.set(b, 'arbeidsplass', 'NAV Ålesund');
    attrs.set(a, 'kommune', 'Ålesund');
    const findings = report.check().filter((f) => f.where.kind === 'attribute');
    expect(findings.map((f) => [f.text, f.context, f.where.field])).toEqual(
      expect.arrayContaining([
        ['Solsiden', 'Kafé Solsiden', 'value'],
        ['NAV Ålesund', 'NAV Ålesund', 'value'],
      ]),
    );
    // The county Hvelv generalised "Ålesund" to is its own doing, not a finding.
    expect(findings.some((f) => f.context === 'Møre og Romsdal')).toBe(false);
    // The whole check (before the end date) reads them too.
    expect(report.checkAll().filter((f) => f.where.kind === 'attribute')).toHaveLength(findings.length);
    const out = path.join(tempDir(), 'rapport.docx');
    const others = report.check().filter((f) => f.where.kind !== 'attribute').map((f) => f.text);
    await expect(report.export(out, { locale: 'nb', accepted: others })).rejects.toMatchObject({ code: 'DETAILS_UNCHECKED' });
    expect(fs.existsSync(out)).toBe(false);
    await report.export(out, { locale: 'nb', accepted: report.check().map((f) => f.text) });
    expect(strFromU8(unzipSync(fs.readFileSync(out))['word/document.xml']!)).toContain('Kafé Solsiden');
  });

  it('an identifying attribute and an exact value kept are not checked: they do not leave', async () => {
    const { session, a, report } = await study();
    const attrs = new Attributes(session, NOW);
    attrs.define({ name: 'arbeidsplass', identifying: true });
    attrs.define({ name: 'kommune' });
    attrs.set(a, 'arbeidsplass', 'Kafé Solsiden');
    attrs.set(a, 'kommune', 'Ålesund', { exact: true });
    expect(report.check().filter((f) => f.where.kind === 'attribute')).toEqual([]);
  });

  it('a .qdpx\'s Variables are checked before they leave', async () => {
    const { session, a, b } = await study();
    const attrs = new Attributes(session, NOW);
    attrs.define({ name: 'arbeidsplass' });
    attrs.set(a, 'arbeidsplass', 'Kafé Solsiden');
    attrs.set(b, 'arbeidsplass', 'Jobbsenteret');
    const ex = new Exchange(session, NOW);
    const found = ex.plan('qdpx').findings.filter((f) => f.where.kind === 'attribute');
    expect(found.map((f) => f.text)).toContain('Solsiden');
    const out = path.join(tempDir(), 'studie.qdpx');
    const others = ex.plan('qdpx').findings.filter((f) => f.where.kind !== 'attribute').map((f) => f.id);
    expect(() => ex.exportQdpx(out, { accepted: others })).toThrow(expect.objectContaining({ code: 'DETAILS_UNCHECKED' }));
  });
});
