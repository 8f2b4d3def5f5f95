/** make-test-model's int8 models (`--quant int8`, as sherpa-onnx publishes `*.int8.onnx`): checked as int8 and run by the real engine. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTestModel } from '../../scripts/make-test-model';
import { checkModel, modelFiles } from '../../electron/core/services/asr/models';
import { makeDraft } from '../../electron/core/services/asr/draft';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { admit, makeVault, makeWav, tempDir } from './helpers';

const NOW = () => new Date('2026-11-27T10:00:00Z');

describe('int8 test models', () => {
  it('are written in sherpa-onnx\'s int8 names with int8 weight matrices, picked before f32, and make a real draft', async () => {
    const dir = tempDir('hvelv-int8-');
    const f32 = writeTestModel(path.join(dir, 'f32'), 'micro');
    const int8 = writeTestModel(path.join(dir, 'int8'), 'micro', 'hvelv-test-model', 'int8');
    expect(path.basename(int8.encoder)).toBe('encoder.int8.onnx');
    expect(path.basename(int8.decoder)).toBe('decoder.int8.onnx');
    // The weight matrices at one byte a weight: smaller than f32's (micro's positions and convolutions stay f32).
    expect(fs.statSync(int8.encoder).size).toBeLessThan(fs.statSync(f32.encoder).size * 0.8);
    const c = await checkModel(int8.dir);
    expect(c.header.type).toBe('int8');
    // A folder with both picks int8, as the engine's published folders have both.
    fs.copyFileSync(f32.encoder, path.join(int8.dir, 'encoder.onnx'));
    expect(path.basename(modelFiles(int8.dir).encoder)).toBe('encoder.int8.onnx');

    const v = await makeVault();
    const code = admit(v.session);
    const src = path.join(tempDir(), 'intervju.wav');
    makeWav(src, 3);
    const rec = await new Recordings(v.session, NOW).import(code, src);
    const t = await makeDraft(v.session, rec.id, { model: int8.dir, language: 'nb', now: NOW });
    expect(t.automaticDraft).toBe(true);
    expect(t.text.length).toBeGreaterThan(0);
    v.session.lock();
  }, 120_000);
});
