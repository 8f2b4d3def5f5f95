/** The analysis commands (code, theme, memo, phase, search, report, journal), in process, --json everywhere. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import { testIo, type TestIo } from './io';
import { tempDir, TEST_KDF, TEST_KDF_POLICY } from '../core/helpers';

const PASS = 'cli analysis passphrase';
const env = { HVELV_PASSPHRASE: PASS, LANG: 'nb_NO.UTF-8' };
const fast = { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } };

const fakeIo = (): TestIo => testIo(env);

/** Run a command; return its exit code and its parsed JSON (or its text). */
async function hv(...argv: string[]): Promise<{ code: number; json: Record<string, unknown>; text: string; err: string }> {
  const io = fakeIo();
  const code = await run(argv, io, fast);
  const text = io.stdout.join('\n');
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  return { code, json, text, err: io.stderr.join('\n') };
}

const TRANSCRIPT = `#00:00:05-0# I: Hva betyr tillit for deg?
#00:14:32-0# B: Tillit er å bli sett 😀 som et helt menneske.
#00:15:00-0# B: Åse på kontoret forstod det, hun ringte meg hver uke.
`;

async function project() {
  const vault = path.join(tempDir(), 'v');
  expect((await hv('init', vault, '--title', 'Relasjonsarbeid', '--end-date', '2027-05-30', '--student', 'Turid Test', '--code-prefix', 'JS')).code).toBe(EXIT.ok);
  expect((await hv('participant', 'add', vault, '--name', 'Åse Nilsen')).code).toBe(EXIT.ok);
  expect((await hv('consent', 'record', vault, 'JS01', '--date', '2026-11-20', '--form-version', '1', '--unfinished-letter')).code).toBe(EXIT.ok);
  const file = path.join(tempDir(), 'js01.txt');
  fs.writeFileSync(file, TRANSCRIPT);
  const t = await hv('transcript', 'import', vault, 'JS01', file, '--json');
  expect(t.code, t.err).toBe(EXIT.ok);
  return { vault, transcript: (t.json.transcript as { id: string }).id };
}

describe('hvelv code / theme / memo / search / report / journal', () => {
  // Some thirty commands, each unlocking the vault: on a loaded machine this takes its time.
  it('scripts an analysis end to end', { timeout: 240_000 }, async () => {
    const { vault, transcript } = await project();
    const rel = await hv('code', 'add', vault, 'Relasjon', '--definition', 'Forholdet til veilederen.', '--json');
    expect(rel.json).toMatchObject({ ok: true, code: { name: 'Relasjon', path: ['Relasjon'] } });
    expect((await hv('code', 'add', vault, 'Tillit', '--parent', 'Relasjon', '--color', '#336699')).code).toBe(EXIT.ok);
    expect((await hv('code', 'add', vault, 'Tillit', '--json')).code).toBe(EXIT.ok); // same name, other parent
    const dup = await hv('code', 'add', vault, 'tillit', '--parent', 'Relasjon', '--json');
    expect(dup.code).toBe(EXIT.other);
    expect(dup.json).toMatchObject({ ok: false, error: { code: 'NAME_TAKEN' } });

    // Apply by quote (the name is ambiguous: the path says which), and by code points.
    const ambiguous = await hv('code', 'apply', vault, transcript, '--code', 'Tillit', '--quote', 'Tillit er å bli sett', '--json');
    expect(ambiguous.json).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const a = await hv('code', 'apply', vault, transcript, '--code', 'Relasjon/Tillit', '--quote', 'Tillit er å bli sett 😀 som et helt menneske', '--json');
    expect(a.code, a.err).toBe(EXIT.ok);
    const seg = a.json.segment as { id: string; start: number; end: number; text: string; participant: string; transcriptId: string; codes: { name: string }[] };
    expect(seg).toMatchObject({ participant: 'JS01', transcriptId: transcript, text: 'Tillit er å bli sett 😀 som et helt menneske', codes: [{ name: 'Tillit' }] });
    expect(Array.from(TRANSCRIPT).slice(seg.start, seg.end).join('')).toBe(seg.text);
    const start = Array.from(TRANSCRIPT).indexOf('h', Array.from(TRANSCRIPT).findIndex((_, i, cs) => cs.slice(i, i + 4).join('') === 'hver'));
    const b = await hv('code', 'apply', vault, transcript, '--code', 'Relasjon', '--start', String(start), '--end', String(start + 8), '--json');
    expect((b.json.segment as { text: string }).text).toBe('hver uke');
    // Each code has one segment in one interview, and the listing says so in the singular (in the system's language).
    const listed = await hv('code', 'list', vault);
    expect(listed.text).toMatch(/Relasjon .* {2}1 utdrag i 1 intervju$/m);
    expect(listed.text).not.toMatch(/\b1 intervjuer\b/);
    expect((await hv('code', 'list', vault, '--lang', 'en')).text).toMatch(/Relasjon .* {2}1 segment in 1 interview$/m);

    // Bad input: a clear code, nothing changed.
    expect((await hv('code', 'apply', vault, transcript, '--code', 'Relasjon', '--quote', 'ikke her', '--json')).json).toMatchObject({ error: { code: 'QUOTE_NOT_FOUND' } });
    expect((await hv('code', 'apply', vault, transcript, '--code', 'Relasjon', '--quote', 'B:', '--json')).json).toMatchObject({ error: { code: 'QUOTE_AMBIGUOUS' } });
    expect((await hv('code', 'apply', vault, transcript, '--code', 'Relasjon', '--start', '0', '--end', '100000', '--json')).json).toMatchObject({ error: { code: 'RANGE_INVALID' } });
    expect((await hv('code', 'apply', vault, transcript, '--code', 'Relasjon', '--start', 'x', '--end', '3')).code).toBe(EXIT.usage);
    const notFound = await hv('code', 'apply', vault, transcript, '--code', 'Relasjon', '--quote', 'ikke her');
    expect(notFound.err).toContain('Fant ikke den teksten i transkripsjonen.');

    const segs = await hv('code', 'segments', vault, 'Relasjon', '--json');
    expect((segs.json.segments as { text: string; timestamp: string }[]).map((s) => [s.text, s.timestamp])).toEqual([
      ['Tillit er å bli sett 😀 som et helt menneske', '00:14:32'],
      ['hver uke', '00:15:00'],
    ]);
    expect((await hv('code', 'quote', vault, seg.id, '--json')).json).toMatchObject({ quote: true });
    const list = await hv('code', 'list', vault, '--json');
    expect((list.json.codes as { path: string[]; segmentCount: number }[]).map((c) => [c.path.join('/'), c.segmentCount])).toEqual([
      ['Relasjon', 1],
      ['Relasjon/Tillit', 1],
      ['Tillit', 0],
    ]);
    expect((await hv('code', 'move', vault, '/Tillit', '--parent', 'Relasjon', '--json')).json).toMatchObject({ error: { code: 'NAME_TAKEN' } });
    expect((await hv('code', 'rename', vault, '/Tillit', 'Trygghet', '--json')).json).toMatchObject({ code: { name: 'Trygghet' } });
    expect((await hv('code', 'move', vault, 'Relasjon', '--parent', 'Relasjon/Tillit', '--json')).json).toMatchObject({ error: { code: 'HIERARCHY_CYCLE' } });

    // Themes and memos.
    expect((await hv('theme', 'add', vault, 'Å bli sett', '--definition', 'Deltakerne vil bli sett som hele mennesker.', '--json')).code).toBe(EXIT.ok);
    expect((await hv('theme', 'assign', vault, 'Å bli sett', '--code', 'Relasjon/Tillit', '--json')).json).toMatchObject({ theme: { codeIds: [expect.any(String)] } });
    expect((await hv('theme', 'status', vault, 'Å bli sett', 'reviewed', '--json')).json).toMatchObject({ theme: { status: 'reviewed' } });
    expect((await hv('theme', 'status', vault, 'Å bli sett', 'ferdig')).code).toBe(EXIT.usage);
    expect((await hv('memo', 'add', vault, '--on', `segment:${seg.id}`, '--text', 'Sterkt sitat.', '--json')).json).toMatchObject({ memo: { participant: 'JS01' } });
    expect((await hv('memo', 'add', vault, '--on', 'code:Relasjon', '--text', 'Bred kode.', '--json')).json).toMatchObject({ memo: { participant: null } });
    expect((await hv('phase', 'set', vault, 'searching-themes', '--json')).json).toMatchObject({ phase: { current: 'searching-themes' } });
    expect((await hv('memo', 'add', vault, '--on', 'journal', '--text', 'I dag så jeg et mønster.', '--json')).json).toMatchObject({ memo: { phase: 'searching-themes' } });
    expect((await hv('memo', 'list', vault, '--json')).json.memos).toHaveLength(3);

    // Search: Norwegian folding, JSON hit shape.
    const found = await hv('search', vault, 'aase', '--json');
    expect(found.json).toMatchObject({ ok: true, total: 1 });
    const hit = (found.json.hits as Record<string, unknown>[])[0]!;
    expect(hit).toMatchObject({ kind: 'transcript', id: transcript, participant: 'JS01', match: 'Åse' });
    expect(Array.from(TRANSCRIPT).slice(hit.start as number, hit.end as number).join('')).toBe('Åse');
    expect(typeof hit.before).toBe('string');
    expect(((await hv('search', vault, '"hver uke"', '--json')).json.hits as unknown[]).length).toBe(1);

    // Report: the check finds nothing in the codes, themes and the one quote here, so it is written.
    const out = path.join(tempDir(), 'rapport.docx');
    const rep = await hv('report', vault, '--out', out, '--lang', 'nb', '--json');
    expect(rep.code, rep.text + rep.err).toBe(EXIT.ok);
    expect(rep.json).toMatchObject({ participants: ['JS01'], quotes: 1 });
    const xml = strFromU8(unzipSync(fs.readFileSync(out))['word/document.xml']!);
    expect(xml).toContain('(JS01, 00:14:32)');
    const svg = path.join(tempDir(), 'kart.svg');
    expect((await hv('report', vault, '--map', svg)).code).toBe(EXIT.ok);
    expect(fs.readFileSync(svg, 'utf8')).toContain('Å bli sett');
    const journal = path.join(tempDir(), 'logg.docx');
    expect((await hv('journal', 'export', vault, '--out', journal, '--json')).json).toMatchObject({ entries: 1 });
    expect(strFromU8(unzipSync(fs.readFileSync(journal))['word/document.xml']!)).toContain('I dag så jeg et mønster.');

    // Orphans: delete the coded text by an edit (through the transcript service), then decide.
    const audit = await hv('audit', 'list', vault, '--json');
    expect(JSON.stringify(audit.json)).not.toContain('Tillit');
    expect(JSON.stringify(audit.json)).toContain('report.exported');
  });

  it('refuses a report while an identifying detail is neither replaced nor accepted, and writes nothing', { timeout: 120_000 }, async () => {
    const { vault, transcript } = await project();
    await hv('code', 'add', vault, 'Kontoret');
    const a = await hv('code', 'apply', vault, transcript, '--code', 'Kontoret', '--quote', 'Åse på kontoret forstod det', '--json');
    await hv('code', 'quote', vault, (a.json.segment as { id: string }).id);
    await hv('theme', 'add', vault, 'Hverdagen');
    await hv('theme', 'assign', vault, 'Hverdagen', '--code', 'Kontoret');
    const out = path.join(tempDir(), 'rapport.docx');
    const refused = await hv('report', vault, '--out', out);
    expect(refused.code).toBe(EXIT.other);
    expect(refused.err).toContain('segment');
    expect(refused.err).toContain('"Åse"');
    expect(fs.existsSync(out)).toBe(false);
    expect(fs.readdirSync(path.dirname(out))).toEqual([]);
    const check = await hv('report', 'check', vault, '--json');
    expect((check.json.findings as { text: string }[]).map((f) => f.text)).toEqual(['Åse']);
    const ok = await hv('report', vault, '--out', out, '--accept', 'Åse', '--json');
    expect(ok.code, ok.err).toBe(EXIT.ok);
    expect(fs.existsSync(out)).toBe(true);
  });

  it('lists, keeps and drops orphaned segments', { timeout: 120_000 }, async () => {
    const { vault, transcript } = await project();
    await hv('code', 'add', vault, 'Spørsmål');
    const a = await hv('code', 'apply', vault, transcript, '--code', 'Spørsmål', '--quote', 'Hva betyr tillit for deg?', '--json');
    const id = (a.json.segment as { id: string }).id;
    // Edit the transcript through the core service (the CLI has no text editor).
    const { unlockVault } = await import('../../electron/core/vault/vault');
    const { createCrypto } = await import('../../electron/core/crypto/sodium');
    const { Transcripts } = await import('../../electron/core/services/transcripts/transcripts');
    const s = await unlockVault(vault, new TextEncoder().encode(PASS), { crypto: await createCrypto(), kdfPolicy: TEST_KDF_POLICY, now: () => new Date('2026-11-27T12:00:00Z') });
    new Transcripts(s, () => new Date('2026-11-27T12:00:00Z')).update(transcript, { text: TRANSCRIPT.replace('I: Hva betyr tillit for deg?', 'I: (spørsmålet slettet)') });
    s.lock();
    const orphans = await hv('code', 'orphans', vault, '--json');
    expect((orphans.json.orphans as { id: string; orphaned: boolean; text: string }[])).toEqual([expect.objectContaining({ id, orphaned: true, text: 'Hva betyr tillit for deg?' })]);
    const kept = await hv('code', 'orphans', vault, '--keep', id, '--quote', 'spørsmålet slettet', '--json');
    expect(kept.json.orphans).toEqual([]);
    expect(((await hv('code', 'segments', vault, 'Spørsmål', '--json')).json.segments as { text: string }[])[0]!.text).toBe('spørsmålet slettet');
    expect((await hv('code', 'orphans', vault, '--drop', id)).code).toBe(EXIT.usage); // not an orphan any more
  });
});
