/**
 * What the tests of long work on large recordings share (tests/core/shred-large and
 * project-end-large): a large WAV of random samples, the longest gap in this thread's event
 * loop while some work runs, and the sealed blobs a vault's recordings store holds.
 */
import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { storeDir } from '../../electron/core/vault/layout';
import { wavHeader } from '../wav';

/** A WAV of `bytes` of random samples (random data: nothing in it compresses or repeats). */
export function randomWav(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, wavHeader(bytes, 16000, 1));
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  for (let left = bytes; left > 0; left -= chunk.length) fs.writeSync(fd, randomFillSync(chunk), 0, Math.min(chunk.length, left));
  fs.closeSync(fd);
}

/** The longest time between two turns of this thread's event loop while `work` runs, and how long it ran. */
export async function loopGap(work: () => unknown): Promise<{ gapMs: number; totalMs: number }> {
  let last = performance.now();
  let gap = 0;
  let on = true;
  const tick = (): void => {
    const t = performance.now();
    gap = Math.max(gap, t - last);
    last = t;
    if (on) setImmediate(tick);
  };
  setImmediate(tick);
  await new Promise((r) => setImmediate(r));
  const start = performance.now();
  last = start;
  await work();
  const totalMs = performance.now() - start;
  await new Promise((r) => setImmediate(r));
  on = false;
  return { gapMs: gap, totalMs };
}

/** The sealed blobs in a vault's recordings store. */
export const blobsIn = (dir: string): string[] => {
  const d = path.join(storeDir(dir, 'recordings'), 'blobs');
  return fs.existsSync(d) ? fs.readdirSync(d) : [];
};
