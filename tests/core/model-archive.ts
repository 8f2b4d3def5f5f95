/**
 * Model archives for the model manager's tests, made as sherpa-onnx makes its releases:
 * make-test-model's micro model (random weights, the real layout) in one top folder,
 * packed by node-tar and compressed by libbzip2 compiled to WebAssembly (libbzip2-wasm,
 * ISC; the suite needs no bzip2 program). The hostile ones are written
 * header by header.
 */
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { create as tarCreate, Header } from 'tar';
import { writeTestModel } from '../../scripts/make-test-model';

type Bzip2Wasm = { compressBZ2(data: Uint8Array, blockSize: number, workFactor: number): { error: number; output: Uint8Array } };
// The module object Emscripten hands over is itself a 'thenable' (it has a then()), so awaiting
// it directly never ends: take it out of its then() and drop that method first.
const bz: Bzip2Wasm = await new Promise((resolve) => {
  const load = createRequire(import.meta.url)('libbzip2-wasm') as () => { then(f: (m: Bzip2Wasm & { then?: unknown }) => void): void };
  load().then((m) => {
    delete m.then;
    resolve(m);
  });
});

/** bzip2 at its fastest level (-1), as `bzip2 -c -1` would write it. */
export function bzip2(data: Buffer): Buffer {
  const r = bz.compressBZ2(new Uint8Array(data.buffer, data.byteOffset, data.length), 1, 0);
  if (r.error !== 0) throw new Error(`bzip2 failed: error ${r.error}`);
  return Buffer.from(r.output);
}

/** A tar of hand-written entries (so a test can write what no honest packer would). */
export function rawTar(entries: { path: string; type?: string; body?: string; linkpath?: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const h = new Header({ path: e.path, type: (e.type ?? 'File') as 'File', size: body.length, mode: 0o644, mtime: new Date(0), linkpath: e.linkpath, uid: 0, gid: 0 });
    const block = Buffer.alloc(512);
    h.encode(block, 0);
    blocks.push(block, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** The micro model as a .tar.bz2 of one folder named `top`, made in `work`; with its SHA-256. */
export function modelArchive(work: string, top: string): { archive: Buffer; sha256: string; file: string } {
  const src = path.join(work, 'src');
  writeTestModel(path.join(src, top), 'micro');
  tarCreate({ cwd: src, file: path.join(work, 'model.tar'), sync: true, portable: true }, [top]);
  const archive = bzip2(fs.readFileSync(path.join(work, 'model.tar')));
  const file = path.join(work, `${top}.tar.bz2`);
  fs.writeFileSync(file, archive);
  return { archive, sha256: createHash('sha256').update(archive).digest('hex'), file };
}
