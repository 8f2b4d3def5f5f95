/**
 * The waveform of an M4A/AAC recording, computed in core. An MP4 cannot be folded as
 * its bytes stream past (phones write the frame table after the sound), so the import
 * does not fold it: ensurePeaks makes it when it is first shown, in the decode worker
 * (decode-worker.ts), from the sealed copy read by random access (only the 64 KiB chunks
 * a read touches are decrypted, each overwritten once copied from). The same folding as
 * the other formats' (PeakFolder), the same ceiling on the decoded length.
 */
import type { AudioFacts } from '../../../../shared/contract';
import { CHUNK_SIZE, type StreamReader } from '../../crypto/stream';
import { decodeM4aMono } from '../asr/audio';
import type { RandomAccess } from '../asr/aac/aac';
import { computePeaks, coreCanDecode, PeakFolder, type ChunkSource } from './peaks';

export async function m4aPeaks(src: RandomAccess, durationMs: number, opts: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
  const folder = new PeakFolder(durationMs);
  await decodeM4aMono(src, folder.fold, { declaredMs: durationMs }, opts);
  return folder.result();
}

/** A sealed recording by random access. */
export function sealedSource(reader: StreamReader): RandomAccess {
  return { size: reader.plainSize, readAt: (at, length) => (length > 0 ? reader.read(at, at + length - 1) : new Uint8Array(0)) };
}

/**
 * A recording's plaintext chunks (`size` bytes in all) by random access: each chunk a read
 * touches is opened, the bytes wanted copied out, and the chunk's plaintext overwritten.
 */
export function chunkedSource(chunks: ChunkSource, size: number): RandomAccess {
  return {
    size,
    readAt(at, length) {
      const end = Math.min(size, at + Math.max(0, length));
      const out = new Uint8Array(Math.max(0, end - at));
      for (let pos = at; pos < end; ) {
        const i = Math.floor(pos / CHUNK_SIZE);
        const plain = chunks.chunk(i);
        try {
          const from = pos - i * CHUNK_SIZE;
          const n = Math.min(plain.length - from, end - pos);
          if (n <= 0) break;
          out.set(plain.subarray(from, from + n), pos - at);
          pos += n;
        } finally {
          plain.fill(0);
        }
      }
      return out;
    },
  };
}

/**
 * The peaks of a stored recording from its plaintext chunks, whatever its format: read in
 * order by the streaming decoders, or, for an M4A, by random access (the decode worker's
 * one entry, so that it names no format itself).
 */
export async function peaksOfChunks(chunks: ChunkSource, size: number, format: AudioFacts['format'], durationMs: number, opts: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
  return coreCanDecode(format) ? computePeaks(chunks, format, durationMs, opts) : m4aPeaks(chunkedSource(chunks, size), durationMs, opts);
}
