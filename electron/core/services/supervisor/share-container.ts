/**
 * Version 2 of the share file: one file that carries recordings too, still wholly covered
 * by the owner's signature (docs/vault-format.md, "Share file, version 2").
 *
 *     "HVLVSH02" | u32 BE n | n bytes: the signed JSON { body, signature } | stream 1 | stream 2 | … | end of file
 *
 * The JSON is a version-1 share's with `version: 2` and `recordings`: each stream's id,
 * participant and plain length, in file order. The streams follow, nothing else: the
 * signed lengths fix where each starts and ends, so a cut or lengthened file is refused
 * before any stream is read. A stream is the recording cut into 64 KiB chunks, each
 * sealed with ChaCha20-Poly1305 (node:crypto) under the stream's own fresh key, with the
 * nonce "11-byte chunk index || last-chunk flag" (as the recording store's) and, as
 * associated data, a hash that names the vault, share version, owner, recipient, stream
 * id, participant and length. The keys and each recording's SHA-256 travel inside the
 * encrypted content (which the signature covers). So a flipped byte fails its chunk's
 * tag, reordered or dropped chunks fail their nonces, a stream moved to another place or
 * share fails its key and associated data, and the decrypted audio must still hash to
 * what the owner signed for.
 *
 * Plaintext audio is never written: the student's side decrypts one chunk of its
 * recording store at a time and re-seals it; the supervisor's side opens one chunk of
 * the share at a time and re-seals it into its own store.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SignatureVerifier } from '../../crypto/ed25519';
import { canonicalJson, encodeFields, toB64, toHex, utf8 } from '../../crypto/encoding';
import { KEY_BYTES, XNONCE_BYTES, type Crypto } from '../../crypto/sodium';
import { CHUNK_SIZE, openChunk, sealChunk, TAG_SIZE } from '../../crypto/stream';
import { HvelvError, integrity } from '../../errors';
import { resealInWorker, type ResealProgress } from '../../crypto/reseal';
import { fsyncDir, nodeFileOps, writeFileAtomicWith } from '../../vault/atomic-file';
import { openRegularFile } from '../project/user-file';
import { processAlive } from '../../vault/lock';
import type { AudioFacts } from '../../../../shared/contract';
import {
  payloadAd,
  readShare,
  SHARE_MAX_BYTES,
  shareBodyV2Schema,
  shareSignatureMessage,
  type ShareBody,
  type ShareBodyV2,
  type ShareFields,
  type SharePayload,
  verifySignedShare,
} from './share-file';

export const SHARE_V2_MAGIC = Buffer.from('HVLVSH02', 'latin1');
const PREFIX = SHARE_V2_MAGIC.length + 4;
/** Sealed bytes gathered before each write. */
const WRITE_BATCH = 16 * (CHUNK_SIZE + TAG_SIZE);

/** Random access to a share file's bytes (the file itself, or bytes in memory for small ones). */
export interface ShareSource {
  readonly size: number;
  /** The open file's descriptor, for a worker to read the recordings from (a file source only). */
  readonly fd?: number;
  read(position: number, length: number): Buffer;
  close(): void;
}

export function bytesSource(bytes: Uint8Array): ShareSource {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    size: b.length,
    read: (p, n) => Buffer.from(b.subarray(p, p + n)),
    close: () => undefined,
  };
}

/** An ordinary file, opened once (never a FIFO or device); the caller closes it. */
export function fileSource(file: string): ShareSource {
  const { fd, size } = openRegularFile(file);
  return {
    size,
    fd,
    read(p, n) {
      const out = Buffer.alloc(n);
      let off = 0;
      while (off < n) {
        const got = fs.readSync(fd, out, off, n - off, p + off);
        if (got === 0) throw integrity('the share file is shorter than it says (cut short, or changed while it was read)');
        off += got;
      }
      return out;
    },
    close: () => fs.closeSync(fd),
  };
}

export const streamChunks = (size: number): number => Math.max(1, Math.ceil(size / CHUNK_SIZE));
export const sealedStreamSize = (size: number): number => size + streamChunks(size) * TAG_SIZE;

type StreamBinding = Pick<ShareBody, 'vaultId' | 'shareVersion' | 'owner' | 'recipient'>;

/** Associated data of every chunk of one stream. */
export function recordingStreamAd(b: StreamBinding, r: { id: string; participant: string; size: number }): Buffer {
  return createHash('sha256')
    .update(encodeFields('hvelv/share-recording', [2, b.vaultId, b.shareVersion, b.owner, b.recipient.box, b.recipient.sign, r.id, r.participant, r.size]))
    .digest();
}

/** Chunk-by-chunk plaintext of a recording (the student's store's StreamReader fits). */
export interface ChunkReader {
  readonly plainSize: number;
  readonly chunkCount: number;
  chunk(i: number): Buffer;
  /** Its sealed chunks for a worker to read (the store's StreamReader has it). */
  sealedSource?(): { fd: number; offset: number; size: number; key: Uint8Array; ad: Uint8Array };
  close(): void;
}

export interface RecordingToShare {
  participant: string;
  size: number;
  sha256: string;
  format: AudioFacts;
  transcriptIds: string[];
  peaks: string | null;
  open(): ChunkReader;
}

export interface PendingStream {
  id: string;
  key: Uint8Array;
  ad: Buffer;
  size: number;
  sha256: string;
  open(): ChunkReader;
}

/** A version-2 share ready to write: its head (prefix and signed JSON) and the streams that follow. */
export interface SealedShareV2 {
  head: Uint8Array;
  streams: PendingStream[];
}

/**
 * Seal a share with recordings. The streams' keys and hashes go into the encrypted
 * content; their order, ids, participants and lengths into the signed body.
 */
export function sealShareV2(crypto: Crypto, sign: (m: Uint8Array) => Uint8Array, f: ShareFields, payload: SharePayload, recordings: RecordingToShare[]): SealedShareV2 {
  const head = { vaultId: f.vaultId, shareVersion: f.shareVersion, owner: toB64(f.owner), recipient: { box: toB64(f.recipient.box), sign: toB64(f.recipient.sign) }, until: f.until, madeAt: f.madeAt };
  const streams = recordings.map((r) => {
    const id = toHex(crypto.random(16));
    return { id, key: crypto.random(KEY_BYTES), ad: recordingStreamAd(head, { id, participant: r.participant, size: r.size }), ...r };
  });
  const full: SharePayload = {
    ...payload,
    recordings: streams.map((s) => ({ id: s.id, participant: s.participant, key: toB64(s.key), sha256: s.sha256, size: s.size, format: s.format, transcriptIds: s.transcriptIds, peaks: s.peaks })),
  };
  const key = crypto.random(KEY_BYTES);
  const nonce = crypto.random(XNONCE_BYTES);
  const plain = utf8(JSON.stringify(full));
  const ciphertext = crypto.seal(key, nonce, plain, payloadAd(head));
  crypto.wipe(plain);
  const body: ShareBodyV2 = shareBodyV2Schema.parse({
    format: 'hvelv-share',
    version: 2,
    ...head,
    title: f.title,
    participants: f.participants,
    withdrawn: f.withdrawn,
    counts: f.counts,
    recordings: streams.map((s) => ({ id: s.id, participant: s.participant, size: s.size })),
    wrappedKey: toB64(crypto.sealTo(f.recipient.box, key)),
    nonce: toB64(nonce),
    ciphertext: toB64(ciphertext),
  });
  crypto.wipe(key);
  const json = utf8(JSON.stringify({ body: JSON.parse(canonicalJson(body)) as unknown, signature: toB64(sign(shareSignatureMessage(body))) }));
  const prefix = Buffer.alloc(PREFIX);
  SHARE_V2_MAGIC.copy(prefix, 0);
  prefix.writeUInt32BE(json.length, SHARE_V2_MAGIC.length);
  return { head: Buffer.concat([prefix, json]), streams: streams.map((s) => ({ id: s.id, key: s.key, ad: s.ad, size: s.size, sha256: s.sha256, open: s.open })) };
}


/** Where a share is written before it is renamed into place: hidden, beside it, named by this process. */
export function sharePartialPath(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.partial-${process.pid}`);
}

const PARTIAL_NAME = /^\..+\.partial-(\d+)$/;

/**
 * Remove what a share killed while it was written left in `dir` (issue 32: a killed share
 * left a 406 MB hidden file there for ever): files of our naming (`.NAME.partial-PID`)
 * whose process is gone, and which are a share's beginning (either version) or empty.
 * Anything else of that name is not ours and stays. Never throws; returns how many went.
 */
export function sweepSharePartials(dir: string): number {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const m = PARTIAL_NAME.exec(name);
    if (!m || Number(m[1]) === process.pid || processAlive(Number(m[1]))) continue;
    const file = path.join(dir, name);
    try {
      const st = fs.lstatSync(file);
      if (!st.isFile()) continue;
      if (st.size > 0) {
        const head = Buffer.alloc(SHARE_V2_MAGIC.length);
        const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0));
        try {
          fs.readSync(fd, head, 0, head.length, 0);
        } finally {
          fs.closeSync(fd);
        }
        if (!head.equals(SHARE_V2_MAGIC) && !head.subarray(0, 8).equals(Buffer.from('{"body":'))) continue;
      }
      // Only ciphertext was ever in it: removing it is enough.
      fs.unlinkSync(file);
      removed++;
    } catch {
      /* in use, gone, not ours to read: left */
    }
  }
  return removed;
}

/**
 * Write a version-2 share: a temporary file beside the target (only ciphertext is ever in
 * it), fsynced, then renamed. Each recording is read from the student's store one chunk
 * at a time, decrypted in memory, re-sealed, and its plaintext overwritten; its SHA-256
 * must be the one recorded at import, or nothing is written.
 */
export function writeShareV2(target: string, sealed: SealedShareV2, tmp: string = sharePartialPath(target)): void {
  // The stream keys are wiped once written (below): a second write of the same made share
  // would seal the audio under a key of zeros, which anyone could open. Never.
  if (sealed.streams.some((s) => s.key.every((b) => b === 0))) throw new HvelvError('INTERNAL', 'a made share is written once; make the share again');
  try {
    writeFileAtomicWith(
      target,
      (write) => {
        write(sealed.head);
        for (const s of sealed.streams) {
          const reader = s.open();
          try {
            const n = streamChunks(s.size);
            if (reader.plainSize !== s.size || reader.chunkCount !== n) throw integrity('a recording is not the length its record says');
            const hash = createHash('sha256');
            let batch: Buffer[] = [];
            let batched = 0;
            for (let i = 0; i < n; i++) {
              const plain = reader.chunk(i);
              hash.update(plain);
              const c = sealChunk(s.key, s.ad, i, i === n - 1, plain);
              plain.fill(0);
              batch.push(c);
              batched += c.length;
              if (batched >= WRITE_BATCH) {
                write(Buffer.concat(batch));
                batch = [];
                batched = 0;
              }
            }
            if (batch.length) write(Buffer.concat(batch));
            if (hash.digest('hex') !== s.sha256) throw integrity('a recording does not decrypt to the audio that was imported');
          } finally {
            reader.close();
          }
        }
      },
      nodeFileOps,
      tmp,
    );
  } finally {
    for (const s of sealed.streams) s.key.fill(0);
  }
}

/**
 * writeShareV2 in a worker thread (crypto/reseal.ts), so the window keeps answering while
 * gigabytes are re-sealed: progress as it goes, and `signal` cancels it. Cancelled or
 * failed, no file is left (neither the target nor the temporary one); done, the share is
 * renamed into place. The stream keys are overwritten either way.
 */
export async function writeShareV2InWorker(target: string, sealed: SealedShareV2, tmp: string, opts: { signal?: AbortSignal; onProgress?: (p: ResealProgress) => void } = {}): Promise<void> {
  if (sealed.streams.some((s) => s.key.every((b) => b === 0))) throw new HvelvError('INTERNAL', 'a made share is written once; make the share again');
  const readers: ChunkReader[] = [];
  const sourceKeys: Uint8Array[] = [];
  try {
    const streams = sealed.streams.map((s) => {
      const reader = s.open();
      readers.push(reader);
      if (reader.plainSize !== s.size || reader.chunkCount !== streamChunks(s.size)) throw integrity('a recording is not the length its record says');
      if (!reader.sealedSource) throw new HvelvError('INTERNAL', 'this recording cannot be read by a worker');
      const src = reader.sealedSource();
      sourceKeys.push(src.key);
      return { from: { ...src, sha256: s.sha256 }, key: s.key, ad: s.ad };
    });
    await resealInWorker({ tmp, head: sealed.head, streams }, opts);
    try {
      fs.renameSync(tmp, target);
    } catch (err) {
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    fsyncDir(path.dirname(target));
  } finally {
    for (const r of readers) r.close();
    for (const k of sourceKeys) k.fill(0);
    for (const s of sealed.streams) s.key.fill(0);
  }
}

export interface StreamLayout {
  id: string;
  participant: string;
  size: number;
  /** Where its first sealed chunk starts in the file. */
  offset: number;
}

/**
 * Read a share's signed part from either version and check the owner's signature; for v2
 * also that the file is exactly as long as the signed stream lengths say. INTEGRITY for
 * anything else (nothing of a stream is read here).
 */
export function readShareHead(src: ShareSource, verifier: SignatureVerifier): { body: ShareBody; streams: StreamLayout[] } {
  const first = src.size > 0 ? src.read(0, Math.min(src.size, SHARE_V2_MAGIC.length)) : Buffer.alloc(0);
  if (first[0] === 0x7b /* { */) {
    if (src.size > SHARE_MAX_BYTES) throw new HvelvError('FILE_TOO_LARGE', 'the share file is too large');
    return { body: readShare(src.read(0, src.size), verifier).body, streams: [] };
  }
  if (src.size < PREFIX || !first.equals(SHARE_V2_MAGIC)) throw integrity('this is not a Hvelv share, or it was changed');
  const n = src.read(SHARE_V2_MAGIC.length, 4).readUInt32BE(0);
  if (n > SHARE_MAX_BYTES) throw new HvelvError('FILE_TOO_LARGE', 'the share file’s content is too large');
  if (PREFIX + n > src.size) throw integrity('the share file is cut short');
  const { body } = verifySignedShare(src.read(PREFIX, n), shareBodyV2Schema, verifier);
  if (new Set(body.recordings.map((r) => r.id)).size !== body.recordings.length) throw integrity('the share names one recording twice');
  const streams: StreamLayout[] = [];
  let at = PREFIX + n;
  for (const r of body.recordings) {
    streams.push({ ...r, offset: at });
    at += sealedStreamSize(r.size);
  }
  if (at !== src.size) throw integrity(at > src.size ? 'the share file is cut short: a recording is incomplete' : 'the share file has bytes after its last recording');
  return { body, streams };
}

/**
 * Open one stream chunk by chunk, handing each chunk's plaintext to `sink` (which must
 * not keep it: it is overwritten after). INTEGRITY at the first chunk that does not
 * authenticate, and when the audio does not hash to `sha256`.
 */
export function openStream(src: ShareSource, body: StreamBinding, s: StreamLayout, key: Uint8Array, sha256: string, sink: (plain: Buffer, index: number, last: boolean) => void): void {
  const ad = recordingStreamAd(body, s);
  const n = streamChunks(s.size);
  const hash = createHash('sha256');
  const full = CHUNK_SIZE + TAG_SIZE;
  for (let i = 0; i < n; i++) {
    const last = i === n - 1;
    const len = last ? s.size - (n - 1) * CHUNK_SIZE + TAG_SIZE : full;
    const plain = openChunk(key, ad, i, last, src.read(s.offset + i * full, len));
    if (!plain) throw integrity(`a recording in the share was changed (chunk ${i} of ${s.participant}’s recording does not authenticate)`);
    try {
      hash.update(plain);
      sink(plain, i, last);
    } finally {
      plain.fill(0);
    }
  }
  if (hash.digest('hex') !== sha256) throw integrity(`${s.participant}’s recording in the share is not the audio the student signed for`);
}
