/**
 * `hvelv share show <dir> transcripts` of a share holding a partly checked automatic draft
 * (issue 26): the text output says it holds unchecked machine text, with the count, as the
 * reader does; --json carries which passages (machineSpans, code points of the text).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import { testIo } from './io';
import { tempDir, TEST_KDF, TEST_KDF_POLICY } from '../core/helpers';
import { NOW, partlyCheckedDraft, shareTo } from '../core/machine-share-fixture';

const SUPERVISOR = 'veileders passord 2';
const fast = { kdfPolicy: TEST_KDF_POLICY, createOptions: { kdf: TEST_KDF } };

async function sup(...argv: string[]): Promise<{ code: number; text: string; err: string }> {
  const io = testIo({ HVELV_PASSPHRASE: SUPERVISOR, LANG: 'nb_NO.UTF-8' }, NOW);
  const code = await run(argv, io, fast);
  return { code, text: io.stdout.join('\n'), err: io.stderr.join('\n') };
}

describe('hvelv share show: machine text', () => {
  it('says a draft holds unchecked machine text, and --json says which passages', { timeout: 120_000 }, async () => {
    const v = await partlyCheckedDraft();
    const dir = path.join(tempDir(), 'veileder');
    const init = await sup('supervisor', 'init', dir, '--json');
    expect(init.code, init.err).toBe(EXIT.ok);
    const file = path.join(tempDir(), 'deling.hvelvshare');
    fs.writeFileSync(file, shareTo(v, (JSON.parse(init.text) as { key: string }).key));
    v.session.lock();
    expect((await sup('share', 'open', dir, file)).code).toBe(EXIT.ok);
    const shown = await sup('share', 'show', dir, 'transcripts');
    expect(shown.text).toContain('Inneholder maskintekst som ikke er kontrollert mot opptaket (2 av 4 avsnitt kontrollert).');
    const json = JSON.parse((await sup('share', 'show', dir, 'transcripts', '--json')).text) as { transcripts: { text: string; machineSpans: { start: number; end: number }[] }[] };
    const t = json.transcripts[0]!;
    expect(t.machineSpans.map((p) => [...t.text].slice(p.start, p.end).join('').trim())).toEqual(['#00:00:01-0# I: Hvordan begynte det for deg? 😀', '#00:00:07-0# B: Det var en mandag, på kafeen.']);
  });
});
