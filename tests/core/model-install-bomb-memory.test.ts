/**
 * A bzip2 bomb against the unpacking thread's memory (issue 26, second review): bzip2's
 * largest block (900 kB before its run-length step) of long runs decodes to about 45 MB,
 * and unbzip2-stream's stream gathered each block in an array of numbers before the cap
 * was looked at: an archive of a few hundred bytes took the process to over 1.4 GB more
 * memory. The decoded bytes now go on a MiB at a time (bunzip2.ts), so the cap stops the
 * bomb mid-block with a few MiB held.
 *
 * Its own file, so that the process's peak of memory (VmHWM, Linux) before the install is
 * this file's setup only, and the peak the install adds can be measured.
 */
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Header } from 'tar';
import { installModel } from '../../electron/core/services/asr/install';
import { modelsDir as modelsDirOf } from '../../electron/core/services/asr/models';
import { tempDir } from './helpers';

type Bzip2Wasm = { compressBZ2(data: Uint8Array, blockSize: number, workFactor: number): { error: number; output: Uint8Array } };
const bz: Bzip2Wasm = await new Promise((resolve) => {
  const load = createRequire(import.meta.url)('libbzip2-wasm') as () => { then(f: (m: Bzip2Wasm & { then?: unknown }) => void): void };
  load().then((m) => {
    delete m.then;
    resolve(m);
  });
});

/** bzip2 with 900 kB blocks (-9), as sherpa-onnx's archives and most bzip2 files are made. */
function bzip2Large(data: Buffer): Buffer {
  const r = bz.compressBZ2(new Uint8Array(data.buffer, data.byteOffset, data.length), 9, 0);
  if (r.error !== 0) throw new Error(`bzip2 failed: error ${r.error}`);
  return Buffer.from(r.output);
}

const peakMiB = () => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]) / 1024;

describe('a bzip2 bomb of large blocks', () => {
  it('is stopped at the cap without the process taking hundreds of MB more', async () => {
    if (!fs.existsSync('/proc/self/status')) throw new Error('this test reads the peak of memory from /proc (Linux)');
    // One file of 200 MiB of zeros: each 900 kB block of it decodes to about 45 MB.
    const size = 200 * 2 ** 20;
    const h = Buffer.alloc(512);
    new Header({ path: 'm/encoder.onnx', type: 'File', size, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 }).encode(h, 0);
    const bomb = bzip2Large(Buffer.concat([h, Buffer.alloc(size), Buffer.alloc(1024)]));
    expect(bomb.length).toBeLessThan(2048);
    const work = tempDir('hvelv-bomb-');
    const file = path.join(work, 'bomb.tar.bz2');
    fs.writeFileSync(file, bomb);
    const dir = modelsDirOf(tempDir('hvelv-appdata-'));
    const before = peakMiB();
    const err = await installModel({ modelsDir: dir, source: file }).catch((e: unknown) => e);
    const added = peakMiB() - before;
    expect(err).toMatchObject({ code: 'ARCHIVE_UNSAFE' });
    expect((err as Error).message).toMatch(/unpacks to more than 64 MiB/);
    expect(fs.readdirSync(dir)).toEqual([]);
    // The thread's decoder and tar hold a few MiB; before, one block took over 1.4 GB.
    expect(added, `${added.toFixed(0)} MiB added to the peak`).toBeLessThan(250);
  }, 120_000);
});
