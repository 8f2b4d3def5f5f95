/**
 * A transcript export leaves the vault: it passes the identifying-details check, as the
 * REFI-QDA export and a share do (README "Not built yet" before: it wrote the file
 * whatever the transcript said).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { Exchange } from '../../electron/core/services/exchange/export';
import { admit, codeOf, makeVault, tempDir } from './helpers';

const NOW = () => new Date('2026-11-27T10:00:00Z');

function file(name: string, content: string): string {
  const f = path.join(tempDir(), name);
  fs.writeFileSync(f, content);
  return f;
}

describe('transcript export: the identifying-details check first', () => {
  it('is refused while a finding is neither replaced nor accepted, writes nothing, and takes the same finding ids as the REFI-QDA export', async () => {
    const { session } = await makeVault();
    const code = admit(session, { name: 'Kari Nordvik', phone: '912 34 567' });
    const t = new Transcripts(session, NOW);
    const { id } = await t.import(code, file('i.txt', 'I: Hvem ringte?\nB: Kari Nordvik ringte fra 912 34 567.\n'));
    const out = path.join(tempDir(), 'ut.txt');

    const findings = t.exportFindings(id);
    expect(findings.map((f) => f.text)).toEqual(expect.arrayContaining(['Kari Nordvik', '912 34 567']));
    for (const f of findings) expect(f).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{10}$/), where: { kind: 'transcript', id, participant: code }, line: 2 });

    expect(codeOf(() => t.export(id, out, 'txt', []))).toBe('DETAILS_UNCHECKED');
    expect(codeOf(() => t.export(id, out, 'docx', findings.slice(1).map((f) => f.id)))).toBe('DETAILS_UNCHECKED');
    // A typo is no decision.
    expect(codeOf(() => t.export(id, out, 'txt', [...findings.map((f) => f.id), '0123456789']))).toBe('INVALID_INPUT');
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(path.dirname(out))).toEqual([]);
    expect(session.audit.list().filter((e) => e.action === 'transcript.exported')).toEqual([]);

    // One check: the REFI-QDA export lists the transcript's findings under the same ids.
    const qdpx = new Exchange(session, NOW).plan('qdpx').findings.filter((f) => f.where.kind === 'transcript').map((f) => f.id);
    expect(qdpx.sort()).toEqual(findings.map((f) => f.id).sort());

    t.export(id, out, 'txt', findings.map((f) => f.id));
    expect(fs.readFileSync(out, 'utf8')).toContain('Kari Nordvik');
    const audited = session.audit.list().filter((e) => e.action === 'transcript.exported');
    expect(audited).toHaveLength(1);
    expect(JSON.stringify(audited)).not.toContain('Kari');
    session.lock();
  });

  it('a transcript whose details were replaced exports with nothing to accept; a changed text needs a new decision', async () => {
    const { session } = await makeVault();
    const code = admit(session, { name: 'Kari Nordvik' });
    const t = new Transcripts(session, NOW);
    const { id } = await t.import(code, file('i.txt', 'B: Kari Nordvik var der.\n'));
    const before = t.exportFindings(id).map((f) => f.id);
    t.update(id, { text: 'B: [navn] var der.\nI: Og Kari Nordvik?\n' });
    // The old ids point at the old text: refused, not taken as accepting the new finding.
    expect(codeOf(() => t.export(id, path.join(tempDir(), 'a.txt'), 'txt', before))).toBe('INVALID_INPUT');
    t.update(id, { text: 'B: [navn] var der.\n' });
    expect(t.exportFindings(id)).toEqual([]);
    const out = path.join(tempDir(), 'b.docx');
    t.export(id, out, 'docx', []);
    expect(fs.statSync(out).size).toBeGreaterThan(0);
    session.lock();
  });
});
