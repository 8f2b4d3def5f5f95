/** `hvelv attribute …` and `--where` on `code segments` and `search`, in process. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import type { CliIo } from '../../electron/cli/io';
import { tempDir, TEST_KDF, TEST_KDF_POLICY } from '../core/helpers';

const PASS = 'cli attribute passphrase';
const env = { HVELV_PASSPHRASE: PASS, LANG: 'nb_NO.UTF-8' };
const fast = { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } };

async function hv(...argv: string[]): Promise<{ code: number; json: Record<string, unknown>; text: string; err: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIo = { out: (t) => stdout.push(t), err: (t) => stderr.push(t), env, isTty: false, promptHidden: () => Promise.reject(new Error('no terminal')), now: () => new Date('2026-11-27T12:00:00Z') };
  const code = await run(argv, io, fast);
  const text = stdout.join('\n');
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  return { code, json, text, err: stderr.join('\n') };
}

describe('hvelv attribute', () => {
  it('defines, sets (generalised unless --exact), lists, compares and filters', { timeout: 240_000 }, async () => {
    const vault = path.join(tempDir(), 'v');
    expect((await hv('init', vault, '--title', 'Tillit', '--end-date', '2027-05-30', '--code-prefix', 'JS')).code).toBe(EXIT.ok);
    for (const name of ['Kari Nordmann', 'Ola Hansen']) {
      expect((await hv('participant', 'add', vault, '--name', name)).code).toBe(EXIT.ok);
    }
    for (const [i, text] of ['B: Tillit er å bli sett.\n', 'B: Vi bygde tillit over tid.\n'].entries()) {
      const code = `JS0${i + 1}`;
      expect((await hv('consent', 'record', vault, code, '--date', '2026-11-20', '--form-version', '1', '--unfinished-letter')).code).toBe(EXIT.ok);
      const file = path.join(tempDir(), `${code}.txt`);
      fs.writeFileSync(file, text);
      const t = await hv('transcript', 'import', vault, code, file, '--json');
      expect(t.code, t.err).toBe(EXIT.ok);
      expect((await hv('code', 'add', vault, `K${i}`)).code).toBe(EXIT.ok);
      expect((await hv('code', 'apply', vault, (t.json.transcript as { id: string }).id, '--code', `K${i}`, '--quote', i === 0 ? 'Tillit' : 'tillit')).code).toBe(EXIT.ok);
    }
    expect((await hv('code', 'add', vault, 'Tillit')).code).toBe(EXIT.ok);

    const d = await hv('attribute', 'define', vault, 'rolle', '--kind', 'list', '--values', 'Jobbspesialist,Veileder', '--json');
    expect(d.json).toMatchObject({ ok: true, attribute: { name: 'rolle', kind: 'list', values: ['Jobbspesialist', 'Veileder'] } });
    expect((await hv('attribute', 'define', vault, 'alder', '--kind', 'number')).code).toBe(EXIT.ok);
    expect((await hv('attribute', 'define', vault, 'x', '--kind', 'farge')).code).toBe(EXIT.usage);

    const age = await hv('attribute', 'set', vault, 'JS01', 'alder=52');
    expect(age.code, age.err).toBe(EXIT.ok);
    expect(age.text).toContain('JS01: alder=50-59');
    expect(age.text).toContain('Bruk aldersgruppen «50-59»');
    expect(age.err).toContain('fem eller færre');
    const exact = await hv('attribute', 'set', vault, 'JS02', 'alder=47', '--exact', '--json');
    expect(exact.json).toMatchObject({ stored: { value: '47', exact: true }, generalised: false });
    expect((await hv('attribute', 'set', vault, 'JS01', 'rolle=jobbspesialist')).code).toBe(EXIT.ok);
    expect((await hv('attribute', 'set', vault, 'JS02', 'rolle=Veileder')).code).toBe(EXIT.ok);
    const bad = await hv('attribute', 'set', vault, 'JS02', 'rolle=Sjef', '--json');
    expect(bad.json).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    const list = await hv('attribute', 'list', vault, '--json');
    expect(list.json.participants).toEqual({ JS01: { alder: '50-59', rolle: 'Jobbspesialist' }, JS02: { alder: '47', rolle: 'Veileder' } });

    // Retrieval and search filtered by a value, with the warning that one person is few.
    const segs = await hv('code', 'segments', vault, 'K0', '--where', 'rolle=Jobbspesialist');
    expect(segs.text).toContain('Tillit');
    expect(segs.err).toContain('Bare 1 deltaker har rolle=Jobbspesialist');
    expect((await hv('code', 'segments', vault, 'K0', '--where', 'rolle=Veileder', '--json')).json.segments).toEqual([]);
    const found = await hv('search', vault, 'tillit', '--where', 'rolle=Veileder', '--json');
    expect((found.json.hits as { participant: string }[]).map((h) => h.participant)).toEqual(['JS02']);
    expect((await hv('search', vault, 'tillit', '--where', 'rolle')).code).toBe(EXIT.usage);

    const cmp = await hv('attribute', 'compare', vault, 'rolle', '--json');
    const table = cmp.json.table as { columns: string[]; rows: { name: string; cells: { passages: number }[] }[] };
    expect(table.columns).toEqual(['Jobbspesialist', 'Veileder']);
    expect(table.rows.map((r) => [r.name, ...r.cells.map((c) => c.passages)])).toEqual([['K0', 1, 0], ['K1', 0, 1], ['Tillit', 0, 0]]);

    expect((await hv('attribute', 'set', vault, 'JS01', 'alder=')).text).toContain('alder removed');
    expect((await hv('attribute', 'delete', vault, 'alder')).code).toBe(EXIT.usage);
    expect((await hv('attribute', 'delete', vault, 'alder', '--yes')).code).toBe(EXIT.ok);
  });
});
