/** `hvelv transcript draft` and `hvelv model`, in process, with the real engine (sherpa-onnx) and a generated tiny model. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, EXIT } from '../../electron/cli/index';
import { testIo, type TestIo } from './io';
import { writeTestModel } from '../../scripts/make-test-model';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { admit, findNeedles, listFiles, makeVault, makeWav, pw, recentTempFiles, tempDir, TEST_KDF_POLICY } from '../core/helpers';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { demuxAac } from '@shared/mp4';
import { muxM4a } from '../mp4-muxer';
import { unlockVault } from '../../electron/core/vault/vault';

const PASS = 'cli draft passphrase';
const fast = { kdfPolicy: TEST_KDF_POLICY };

const fakeIo = (env: Record<string, string | undefined>): TestIo => testIo(env);

describe('hvelv transcript draft / hvelv model', () => {
  it('drafts: progress on stderr, the new id on stdout, the draft listed; model check and list', async () => {
    const dataDir = tempDir('hvelv-data-');
    fs.mkdirSync(path.join(dataDir, 'models'));
    const model = path.join(dataDir, 'models', 'tiny');
    writeTestModel(model, 'tiny');
    const { dir, session } = await makeVault(PASS);
    const code = admit(session);
    const wav = path.join(tempDir(), 'i.wav');
    makeWav(wav, 3);
    const rec = await new Recordings(session, () => new Date('2026-11-27T10:00:00Z')).import(code, wav);
    session.lock();

    const env = { HVELV_PASSPHRASE: PASS, HVELV_DATA_DIR: dataDir, LANG: 'nb_NO.UTF-8' };
    const io = fakeIo(env);
    expect(await run(['transcript', 'draft', dir, rec.id, '--model', model], io, fast), io.stderr.join('\n')).toBe(EXIT.ok);
    expect(io.stdout).toHaveLength(1);
    const id = io.stdout[0]!;
    expect(io.stderr.at(-1)).toMatch(/^Utkast: 100 % av lyden/);

    const list = fakeIo(env);
    expect(await run(['transcript', 'list', dir, '--json'], list, fast)).toBe(EXIT.ok);
    const t = (JSON.parse(list.stdout[0]!) as { transcripts: { id: string; sourceFormat: string; automaticDraft: boolean; syncPointCount: number }[] }).transcripts;
    expect(t).toEqual([expect.objectContaining({ id, sourceFormat: 'asr', automaticDraft: true })]);
    expect(t[0]!.syncPointCount).toBeGreaterThan(0);

    const checked = fakeIo(env);
    expect(await run(['transcript', 'checked', dir, id, '--json'], checked, fast)).toBe(EXIT.ok);
    expect(JSON.parse(checked.stdout[0]!)).toMatchObject({ ok: true, transcript: { automaticDraft: false } });

    const mc = fakeIo(env);
    expect(await run(['model', 'check', model, '--json'], mc, fast)).toBe(EXIT.ok);
    expect(JSON.parse(mc.stdout[0]!)).toMatchObject({ ok: true, size: 'tiny', type: 'f32', multilingual: true, known: null });
    const ml = fakeIo(env);
    expect(await run(['model', 'list', '--json'], ml, fast)).toBe(EXIT.ok);
    expect(JSON.parse(ml.stdout[0]!)).toMatchObject({ folder: path.join(dataDir, 'models'), files: [{ file: model }] });

    // Bad input: a model that is no model, a language we do not do.
    const bad = fakeIo(env);
    expect(await run(['transcript', 'draft', dir, rec.id, '--model', wav, '--json'], bad, fast)).toBe(EXIT.other);
    expect(JSON.parse(bad.stdout[0]!)).toMatchObject({ ok: false, error: { code: 'MODEL_INVALID' } });
    const lang = fakeIo(env);
    expect(await run(['transcript', 'draft', dir, rec.id, '--model', model, '--language', 'sv'], lang, fast)).toBe(EXIT.usage);
    // Six unlocks and a run of the engine: minutes on a loaded two-core machine.
  }, 300_000);

  it('an M4A whose frames are garbage: the draft is refused with the damaged-file message, in Norwegian and as JSON', async () => {
    const dataDir = tempDir('hvelv-data-');
    const model = path.join(dataDir, 'micro');
    writeTestModel(model, 'micro');
    const { dir, session } = await makeVault(PASS);
    const code = admit(session);
    const whole = new Uint8Array(fs.readFileSync(path.join(import.meta.dirname, '..', 'fixtures', 'audio', 'tone.m4a')));
    const track = await demuxAac({ size: whole.length, read: (s, e) => Promise.resolve(whole.slice(s, e)) });
    let x = 5;
    const garbage = Array.from(track.sizes, (size) => Uint8Array.from({ length: size }, () => (x = (x * 1103515245 + 12345) & 0x7fffffff) & 255));
    const src = path.join(tempDir(), 'garbage.m4a');
    fs.writeFileSync(src, muxM4a(garbage, { asc: track.config, sampleRate: 16_000, channels: 1, moov: 'end' }));
    const rec = await new Recordings(session, () => new Date('2026-11-27T10:00:00Z')).import(code, src);
    session.lock();
    const env = { HVELV_PASSPHRASE: PASS, HVELV_DATA_DIR: dataDir, LANG: 'nb_NO.UTF-8' };
    const io = fakeIo(env);
    expect(await run(['transcript', 'draft', dir, rec.id, '--model', model], io, fast)).toBe(EXIT.other);
    expect(io.stdout).toEqual([]);
    expect(io.stderr.join('\n')).toContain('Lydfilen er skadet eller ufullstendig.');
    const json = fakeIo(env);
    expect(await run(['transcript', 'draft', dir, rec.id, '--model', model, '--json'], json, fast)).toBe(EXIT.other);
    expect(JSON.parse(json.stdout[0]!)).toMatchObject({ ok: false, error: { code: 'AUDIO_DAMAGED' } });
  }, 120_000);

  it('drafts an encrypted WAV, FLAC, MP3, OGG and M4A recording end to end; neither sound nor text reaches the disk in the clear', async () => {
    const since = Date.now();
    const dataDir = tempDir('hvelv-data-');
    const model = path.join(dataDir, 'models', 'tiny');
    writeTestModel(model, 'tiny');
    const { dir, session, deps } = await makeVault(PASS);
    const code = admit(session);
    const fixtures = path.join(import.meta.dirname, '..', 'fixtures', 'audio');
    const recs: [string, string][] = [];
    for (const f of ['wav', 'flac', 'mp3', 'ogg', 'm4a']) recs.push([f, (await new Recordings(session, () => new Date('2026-11-27T10:00:00Z')).import(code, path.join(fixtures, `tone.${f}`))).id]);
    session.lock();
    const env = { HVELV_PASSPHRASE: PASS, HVELV_DATA_DIR: dataDir, LANG: 'nb_NO.UTF-8' };
    const texts: string[] = [];
    for (const [format, id] of recs) {
      const io = fakeIo(env);
      expect(await run(['transcript', 'draft', dir, id, '--model', model, '--json'], io, fast), `${format}: ${io.stderr.join('\n')}`).toBe(EXIT.ok);
      const out = JSON.parse(io.stdout[0]!) as { ok: boolean; transcript: { id: string; automaticDraft: boolean; syncPointCount: number } };
      expect(out, format).toMatchObject({ ok: true, transcript: { automaticDraft: true } });
      expect(out.transcript.syncPointCount, format).toBeGreaterThan(0);
      const s = await unlockVault(dir, pw(PASS), deps);
      const text = new Transcripts(s, () => new Date()).get(out.transcript.id).text;
      s.lock();
      // The 2-second tone is one window: one turn, stamped at its start.
      expect(text, format).toMatch(/^#00:00:00-\d# I: \S/);
      texts.push(text);
    }
    const wav = fs.readFileSync(path.join(fixtures, 'tone.wav'));
    const m4a = fs.readFileSync(path.join(fixtures, 'tone.m4a'));
    const needles = [wav.subarray(44 + 20_000, 44 + 20_064), m4a.subarray(2000, 2064), ...texts.map((t) => Buffer.from(t.split('\n')[0]!.slice(0, 40), 'utf8'))];
    const files = [...listFiles(dir), ...recentTempFiles(since), ...listFiles(dataDir)].filter((f) => !f.startsWith(model + path.sep));
    expect(findNeedles(files, needles)).toEqual([]);
  }, 300_000);
});
