/** `hvelv transcript draft <vault> --all`, in process, with the real engine and a generated model: a queue that goes on where it was stopped. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import { testIo, type TestIo } from './io';
import { writeTestModel } from '../../scripts/make-test-model';
import { DraftQueue } from '../../electron/core/services/asr/queue';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { admit, makeVault, makeWav, tempDir, TEST_KDF_POLICY } from '../core/helpers';

const PASS = 'cli queue passphrase';
const fast = { kdfPolicy: TEST_KDF_POLICY };
const NOW = () => new Date('2026-11-27T10:00:00Z');

const fakeIo = (env: Record<string, string | undefined>): TestIo => testIo(env);

describe('hvelv transcript draft --all', { timeout: 300_000 }, () => {
  it('drafts every recording without a transcript, and a second run after a stop goes on where it was', async () => {
    const model = path.join(tempDir('hvelv-models-'), 'micro.bin');
    writeTestModel(model, 'micro');
    const { dir, session } = await makeVault(PASS);
    const ids: string[] = [];
    for (const [i, name] of ['Anne Alfa', 'Bjørn Beta'].entries()) {
      const code = admit(session, { name });
      const wav = path.join(tempDir(), `${i}.wav`);
      makeWav(wav, 3 + i);
      ids.push((await new Recordings(session, NOW).import(code, wav)).id);
      fs.rmSync(wav);
    }
    // A queue stopped after the first: the second remains (as Ctrl-C or a lock leaves it).
    const q = new DraftQueue(session, NOW);
    q.enqueueAll({ model, language: 'nb' });
    q.pause();
    session.lock();

    const env = { HVELV_PASSPHRASE: PASS, LANG: 'nb_NO.UTF-8' };
    // Without --model: the queue in the vault goes on (resumed from its pause).
    const io = fakeIo(env);
    expect(await run(['transcript', 'draft', dir, '--all'], io, fast), io.stderr.join('\n')).toBe(EXIT.ok);
    expect(io.stdout.at(-1)).toBe('2 av 2 opptak i køen har fått et utkast');
    expect(io.stderr.some((l) => /^JS0\d: \d+ %, omtrent .* igjen$/.test(l))).toBe(true);

    const list = fakeIo(env);
    expect(await run(['transcript', 'list', dir, '--json'], list, fast)).toBe(EXIT.ok);
    const t = (JSON.parse(list.stdout[0]!) as { transcripts: { recordingId: string; sourceFormat: string; machineText: unknown }[] }).transcripts;
    expect(t.map((x) => x.recordingId).sort()).toEqual([...ids].sort());
    expect(t.every((x) => x.sourceFormat === 'asr' && x.machineText !== null)).toBe(true);

    // Nothing left: a run with nothing queued and no --model is a usage error.
    const none = fakeIo(env);
    expect(await run(['transcript', 'draft', dir, '--all'], none, fast)).toBe(EXIT.usage);
    expect(none.stderr.join('\n')).toContain('--model FILE is required to start a queue');
  });
});
