/**
 * The model archive's unpacking thread (install.ts, unpack-worker.ts) attacked (issue 26,
 * second review): an archive with two entries of one name is refused as the archive's
 * fault, in nb and en, not as a disk that could not be written; the calling thread's
 * side of the handshake failing (its progress callback, its file opener) ends the install
 * with that failure and keeps nothing, instead of escaping as an uncaught exception or
 * leaving the thread waiting for an answer for ever.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bzip2, modelArchive, rawTar } from './model-archive';
import { installModel } from '../../electron/core/services/asr/install';
import { modelsDir as modelsDirOf } from '../../electron/core/services/asr/models';
import { translate } from '@shared/i18n/catalogue';
import { tempDir } from './helpers';

let work: string;
let good: ReturnType<typeof modelArchive>;
const entries = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);
const freshModels = () => modelsDirOf(tempDir('hvelv-appdata-'));

beforeAll(() => {
  work = tempDir('hvelv-model-worker-');
  good = modelArchive(work, 'sherpa-onnx-whisper-micro');
}, 120_000);

describe('the unpacking thread under attack', () => {
  it('two entries of one name (or a file where a folder is) are refused as a damaged archive, not a disk error', async () => {
    const cases: { name: string; entries: Parameters<typeof rawTar>[0] }[] = [
      { name: 'twice', entries: [{ path: 'm/tokens.txt', body: 'a' }, { path: 'm/tokens.txt', body: 'b' }] },
      { name: 'folder-then-file', entries: [{ path: 'm/x', type: 'Directory' }, { path: 'm/x', body: 'b' }] },
      { name: 'file-then-inside', entries: [{ path: 'm/x', body: 'a' }, { path: 'm/x/y', body: 'b' }] },
      { name: 'file-then-folder', entries: [{ path: 'm/x', body: 'a' }, { path: 'm/x', type: 'Directory' }] },
    ];
    for (const c of cases) {
      const dir = freshModels();
      const file = path.join(work, `${c.name}.tar.bz2`);
      fs.writeFileSync(file, bzip2(rawTar(c.entries)));
      const err = await installModel({ modelsDir: dir, source: file }).then(
        () => null,
        (e: unknown) => e as { code: string; message: string },
      );
      expect(err, c.name).toMatchObject({ code: 'ARCHIVE_UNSAFE' });
      expect(err!.message, c.name).toMatch(/^the archive holds two entries named "m\//);
      expect(entries(dir), c.name).toEqual([]);
    }
    // What the student reads: the archive is damaged, in both languages (not "check the disk's room").
    expect(translate('nb', 'error.ARCHIVE_UNSAFE')).toMatch(/skadet/);
    expect(translate('en', 'error.ARCHIVE_UNSAFE')).toMatch(/damaged/);
  }, 120_000);

  it("the calling thread's progress callback failing while the thread unpacks ends the install with that failure, keeping nothing", async () => {
    const dir = freshModels();
    let unpackCalls = 0;
    // A window closed under the download, say: telling it the progress throws.
    const onProgress = (p: { phase: string }) => {
      if (p.phase !== 'unpack') return;
      unpackCalls++;
      throw new Error('the window is gone');
    };
    await expect(installModel({ modelsDir: dir, source: good.file, onProgress })).rejects.toMatchObject({ code: 'IO' });
    // Stopped at the first progress it could not pass on, as the download's own progress does.
    expect(unpackCalls).toBe(1);
    expect(entries(dir)).toEqual([]);
  }, 120_000);

  it('a file opener that fails without an errno (throws null) is still answered: the thread does not wait for ever', async () => {
    const dir = freshModels();
    const openForWrite = (file: string): number => {
      if (file.endsWith('tokens.txt')) throw null;
      return fs.openSync(file, 'wx');
    };
    await expect(installModel({ modelsDir: dir, source: good.file, openForWrite })).rejects.toMatchObject({ code: 'IO' });
    expect(entries(dir)).toEqual([]);
  }, 30_000);
});
