/**
 * The waveform of an M4A/AAC recording, computed in core. An MP4 cannot be folded as
 * its bytes stream past (phones write the frame table after the sound), so it is read
 * by random access after the seal: at import from the source file still open (already
 * in the page cache, no decryption, nothing new on disk), later from the sealed copy
 * (only the 64 KiB chunks asked for are decrypted). The same folding as the other
 * formats' (PeakFolder), the same ceiling on the decoded length.
 */
import * as fs from 'node:fs';
import type { StreamReader } from '../../crypto/stream';
import { decodeM4aMono } from '../asr/audio';
import type { RandomAccess } from '../asr/aac/aac';
import { PeakFolder } from './peaks';

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
 * The import's waveform of an M4A from its source file (`file`: the import's open file,
 * as /proc/self/fd gives it, of `size` bytes). Null if it cannot be decoded: a failure
 * stops the waveform, never the import (as for the other formats).
 */
export async function m4aImportPeaks(file: string, size: number, durationMs: number, signal?: AbortSignal): Promise<Uint8Array | null> {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const src: RandomAccess = {
      size,
      readAt: (at, length) => {
        const b = Buffer.allocUnsafe(length);
        const got = fs.readSync(fd, b, 0, length, at);
        return b.subarray(0, got);
      },
    };
    return await m4aPeaks(src, durationMs, { signal });
  } catch {
    return null;
  } finally {
    fs.closeSync(fd);
  }
}
