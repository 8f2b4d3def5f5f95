/**
 * Long work on a recording (issue 27): an export reports its progress and can be
 * cancelled part way, and a cancelled export leaves nothing behind, neither the file
 * asked for nor its temporary one (it held plaintext).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { wavHeader } from '../wav';
import { storeDir } from '../../electron/core/vault/layout';
import { blobsIn } from './large-work';
import { admit, makeVault, tempDir } from './helpers';

const MiB = 1024 * 1024;

describe('export of a large recording', () => {
  it('reports progress, and a cancel part way leaves no file, not even the temporary one', async () => {
    const { session } = await makeVault();
    const code = admit(session);
    const rec = new Recordings(session, () => new Date('2026-11-27T10:00:00Z'));
    const wav = path.join(tempDir(), 'i.wav');
    const data = Buffer.alloc(8 * MiB);
    for (let i = 0; i < data.length; i += 2) data.writeInt16LE(Math.round(5000 * Math.sin(i / 9)), i);
    fs.writeFileSync(wav, Buffer.concat([wavHeader(data.length, 16000), data]));
    const info = await rec.import(code, wav);
    const dir = tempDir();
    const out = path.join(dir, 'out.wav');

    const seen: number[] = [];
    const stop = new AbortController();
    await expect(
      rec.export(info.id, out, {
        signal: stop.signal,
        onProgress: ({ bytes, total }) => {
          seen.push(bytes);
          expect(total).toBe(info.size);
          if (bytes >= 2 * MiB) stop.abort();
        },
      }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(seen.length).toBeGreaterThan(0);
    expect(fs.readdirSync(dir)).toEqual([]);

    // Not cancelled: the whole file, bit-identical, with progress up to the end.
    const all: number[] = [];
    await rec.export(info.id, out, { onProgress: ({ bytes }) => all.push(bytes) });
    expect(fs.readFileSync(out).equals(fs.readFileSync(wav))).toBe(true);
    expect(all.at(-1)).toBeGreaterThan(7 * MiB);
    expect(fs.readdirSync(dir)).toEqual(['out.wav']);
    session.lock();
  });

  it('a chunk altered on disk: the worker refuses it (INTEGRITY), and neither the file nor its temporary one is left', async () => {
    const { dir: vault, session } = await makeVault();
    const code = admit(session);
    const rec = new Recordings(session, () => new Date('2026-11-27T10:00:00Z'));
    const wav = path.join(tempDir(), 'i.wav');
    const data = Buffer.alloc(4 * MiB);
    for (let i = 0; i < data.length; i += 2) data.writeInt16LE(Math.round(5000 * Math.sin(i / 7)), i);
    fs.writeFileSync(wav, Buffer.concat([wavHeader(data.length, 16000), data]));
    const info = await rec.import(code, wav);
    const [blob] = blobsIn(vault);
    const file = path.join(storeDir(vault, 'recordings'), 'blobs', blob!);
    // One byte in the middle of the recording (chunk 32 of 65): the export has written the chunks before it.
    const fd = fs.openSync(file, 'r+');
    const at = Math.floor(fs.fstatSync(fd).size / 2);
    const b = Buffer.alloc(1);
    fs.readSync(fd, b, 0, 1, at);
    fs.writeSync(fd, Buffer.from([b[0]! ^ 1]), 0, 1, at);
    fs.closeSync(fd);
    const dir = tempDir();
    await expect(rec.export(info.id, path.join(dir, 'out.wav'))).rejects.toMatchObject({ code: 'INTEGRITY' });
    expect(fs.readdirSync(dir)).toEqual([]);
    session.lock();
  });
});
