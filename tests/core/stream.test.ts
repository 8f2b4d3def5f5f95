/**
 * The seekable recording format: every size class round-trips; every kind of damage
 * (truncation at and inside a chunk, swapped chunks, a missing or doubled final chunk,
 * trailing garbage, another recording's header) is refused.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sodium from 'libsodium-wrappers-sumo';
import { describe, expect, it } from 'vitest';
import {
  BATCH,
  CHUNK_SIZE,
  STREAM_HEADER_SIZE,
  TAG_SIZE,
  StreamReader,
  decryptBlobToFile,
  encryptFileToBlob,
  sealChunk,
  openChunk,
} from '../../electron/core/crypto/stream';
import { HvelvError } from '../../electron/core/errors';
import { tempDir } from './helpers';

const C = CHUNK_SIZE;
const VAULT = '0123456789abcdef0123456789abcdef';

/** A source file of random bytes, and a fresh key and recording id for it. */
function makeSource(size: number) {
  const dir = tempDir();
  const source = path.join(dir, 'source.bin');
  const plain = randomBytes(size);
  fs.writeFileSync(source, plain);
  return { dir, source, plain, key: randomBytes(32), id: randomBytes(16) };
}

async function makeBlob(size: number) {
  const { dir, source, plain, key, id } = makeSource(size);
  const blob = path.join(dir, 'blob.hvr');
  const res = await encryptFileToBlob(source, blob, { key, vaultId: VAULT, recordingId: id });
  return { dir, plain, key, id, blob, res };
}

const open = (b: { blob: string; key: Buffer; id: Buffer }) => StreamReader.open(b.blob, b.key, VAULT, b.id);

function refused(fn: () => unknown): boolean {
  try {
    const r = fn() as StreamReader | undefined;
    // Opening may succeed when only a middle chunk is damaged: reading everything must not.
    if (r instanceof StreamReader) {
      for (let i = 0; i < r.chunkCount; i++) r.chunk(i);
      r.close();
    }
    return false;
  } catch (e) {
    return e instanceof HvelvError && e.code === 'INTEGRITY';
  }
}

describe('STREAM round trips', () => {
  // Sizes around a chunk, and around the 1 MiB batches the importer reads and seals in a worker.
  it.each([0, 1, C - 1, C, C + 1, 3 * C, 3 * C + 1, BATCH - 1, BATCH, BATCH + 1, 2 * BATCH + 5])('size %i: blob size, plaintext, hash and every range', async (size) => {
    const b = await makeBlob(size);
    const chunks = Math.max(1, Math.ceil(size / C));
    expect(fs.statSync(b.blob).size).toBe(STREAM_HEADER_SIZE + size + chunks * TAG_SIZE);
    expect(b.res.plainSize).toBe(size);
    const r = open(b);
    expect(r.plainSize).toBe(size);
    expect(r.chunkCount).toBe(chunks);
    if (size > 0) {
      expect(r.read(0, size - 1).equals(b.plain)).toBe(true);
      const ranges = [[0, 0], [size - 1, size - 1], [Math.floor(size / 2), size - 1], [Math.min(size - 1, C - 2), Math.min(size - 1, C + 1)]] as const;
      for (const [s, e] of ranges) expect(r.read(s, e).equals(b.plain.subarray(s, e + 1)), `${s}-${e}`).toBe(true);
      expect(() => r.read(0, size)).toThrow(RangeError);
    }
    r.close();
    const out = path.join(b.dir, 'export.bin');
    expect(await decryptBlobToFile(open(b), out)).toBe(b.res.sha256);
    expect(b.res.sha256).toBe(createHash('sha256').update(b.plain).digest('hex'));
    expect(fs.readFileSync(out).equals(b.plain)).toBe(true);
  });
});

describe('direct and cached writes', () => {
  // The importer writes whole 4 KiB blocks straight to the disk, carries the rest of
  // each batch into the next and cuts the padded last block back. Sizes where the blob
  // ends exactly on a block, one byte either side, and across several batches.
  const onBlock = 4096 - STREAM_HEADER_SIZE - TAG_SIZE;
  it.each([0, onBlock - 1, onBlock, onBlock + 1, BATCH + 3, 3 * BATCH + onBlock])('size %i: the same blob either way, no padding left', async (size) => {
    const { dir, source, plain, key, id } = makeSource(size);
    const direct = path.join(dir, 'direct.hvr');
    const cached = path.join(dir, 'cached.hvr');
    const a = await encryptFileToBlob(source, direct, { key, vaultId: VAULT, recordingId: id });
    const b = await encryptFileToBlob(source, cached, { key, vaultId: VAULT, recordingId: id, directIo: false });
    expect(a).toEqual(b);
    const chunks = Math.max(1, Math.ceil(size / C));
    expect(fs.statSync(direct).size).toBe(STREAM_HEADER_SIZE + size + chunks * TAG_SIZE);
    expect(fs.readFileSync(direct).equals(fs.readFileSync(cached))).toBe(true);
    const r = StreamReader.open(direct, key, VAULT, id);
    if (size > 0) expect(r.read(0, size - 1).equals(plain)).toBe(true);
    r.close();
    expect(fs.readdirSync(dir).sort()).toEqual(['cached.hvr', 'direct.hvr', 'source.bin']);
  });
});

describe('the import pipeline when something else fails', () => {
  it('a failing sealing worker rejects the import and leaves no partial file', async () => {
    for (const size of [1000, 3 * BATCH + 7]) {
      const { dir, source, id } = makeSource(size);
      // A 16-byte key: the worker's cipher throws on the first chunk.
      await expect(encryptFileToBlob(source, path.join(dir, 'blob.hvr'), { key: randomBytes(16), vaultId: VAULT, recordingId: id })).rejects.toThrow(/key length/i);
      expect(fs.readdirSync(dir)).toEqual(['source.bin']);
    }
  });

  it('a progress listener that throws (a window gone) does not stop the import', async () => {
    const { dir, source, plain, key, id } = makeSource(5 * BATCH + 3);
    let calls = 0;
    const res = await encryptFileToBlob(source, path.join(dir, 'blob.hvr'), {
      key,
      vaultId: VAULT,
      recordingId: id,
      onProgress: () => {
        calls++;
        throw new Error('the window is gone');
      },
    });
    expect(calls).toBeGreaterThan(1);
    expect(res.sha256).toBe(createHash('sha256').update(plain).digest('hex'));
  });
});

describe('STREAM damage', () => {
  const full = C + TAG_SIZE;
  const H = STREAM_HEADER_SIZE;

  it('truncation at a chunk boundary (a missing final chunk) is refused', async () => {
    const b = await makeBlob(3 * C + 100);
    fs.truncateSync(b.blob, H + 3 * full);
    expect(refused(() => open(b))).toBe(true);
  });

  it('truncation inside a chunk is refused', async () => {
    const b = await makeBlob(3 * C + 100);
    for (const cut of [H + 10, H + full + 7, fs.statSync(b.blob).size - 1]) {
      const copy = path.join(b.dir, `cut-${cut}`);
      fs.writeFileSync(copy, fs.readFileSync(b.blob).subarray(0, cut));
      expect(refused(() => StreamReader.open(copy, b.key, VAULT, b.id)), `cut at ${cut}`).toBe(true);
    }
  });

  it('swapped chunks are refused', async () => {
    const b = await makeBlob(3 * C);
    const bytes = fs.readFileSync(b.blob);
    const c0 = Buffer.from(bytes.subarray(H, H + full));
    const c1 = Buffer.from(bytes.subarray(H + full, H + 2 * full));
    c1.copy(bytes, H);
    c0.copy(bytes, H + full);
    fs.writeFileSync(b.blob, bytes);
    expect(refused(() => open(b))).toBe(true);
  });

  it('a doubled final chunk is refused', async () => {
    const b = await makeBlob(2 * C + 5);
    const bytes = fs.readFileSync(b.blob);
    const last = bytes.subarray(H + 2 * full);
    fs.writeFileSync(b.blob, Buffer.concat([bytes.subarray(0, H + 2 * full), last, last]));
    expect(refused(() => open(b))).toBe(true);
  });

  it('a full-size final chunk doubled (size kC) is refused', async () => {
    const b = await makeBlob(2 * C);
    const bytes = fs.readFileSync(b.blob);
    fs.writeFileSync(b.blob, Buffer.concat([bytes, bytes.subarray(H + full)]));
    expect(refused(() => open(b))).toBe(true);
  });

  it('trailing garbage is refused', async () => {
    for (const extra of [1, 15, 16, 17, full]) {
      const b = await makeBlob(C + 3);
      fs.appendFileSync(b.blob, randomBytes(extra));
      expect(refused(() => open(b)), `${extra} extra bytes`).toBe(true);
    }
  });

  it('a flipped byte anywhere in a small blob is refused', async () => {
    const b = await makeBlob(300);
    const orig = fs.readFileSync(b.blob);
    for (let i = 0; i < orig.length; i++) {
      const bad = Buffer.from(orig);
      bad[i]! ^= 0x04;
      fs.writeFileSync(b.blob, bad);
      expect(refused(() => open(b)), `byte ${i}`).toBe(true);
    }
  });

  it('a blob under another recording id, vault or key is refused', async () => {
    const b = await makeBlob(1000);
    expect(refused(() => StreamReader.open(b.blob, b.key, VAULT, randomBytes(16)))).toBe(true);
    expect(refused(() => StreamReader.open(b.blob, b.key, 'f'.repeat(32), b.id))).toBe(true);
    expect(refused(() => StreamReader.open(b.blob, randomBytes(32), VAULT, b.id))).toBe(true);
  });
});

describe('cross-check with libsodium', () => {
  it('node:crypto ChaCha20-Poly1305 chunks equal libsodium’s IETF ChaCha20-Poly1305 with the same nonce', async () => {
    await sodium.ready;
    const key = randomBytes(32);
    const ad = randomBytes(32);
    for (const [counter, last, size] of [[0, false, C], [7, true, 1000], [2 ** 40 + 3, true, 0]] as const) {
      const plain = randomBytes(size);
      const ours = sealChunk(key, ad, counter, last, plain);
      const nonce = Buffer.alloc(12);
      nonce.writeUIntBE(Math.floor(counter / 2 ** 48), 0, 5);
      nonce.writeUIntBE(counter % 2 ** 48, 5, 6);
      nonce[11] = last ? 1 : 0;
      const theirs = sodium.crypto_aead_chacha20poly1305_ietf_encrypt(plain, ad, null, nonce, key);
      expect(Buffer.from(theirs).equals(ours)).toBe(true);
      expect(openChunk(key, ad, counter, last, ours)!.equals(plain)).toBe(true);
      expect(openChunk(key, ad, counter, !last, ours)).toBeNull();
      expect(openChunk(key, ad, counter + 1, last, ours)).toBeNull();
    }
  });
});
