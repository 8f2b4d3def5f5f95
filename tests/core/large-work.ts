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

/**
 * How much of this thread `work` took: its event loop's busy time in all, the longest busy
 * stretch between two turns, and the longest gap. Ticks every millisecond by a timer, so
 * the loop waits for events between them: time the thread spends waiting (for a worker,
 * the disk), even descheduled by a loaded machine, counts as idle, and what counts as
 * busy is what ran on this thread (or the thread was descheduled while running it).
 */
export async function loopBusy(work: () => unknown): Promise<{ busyMs: number; longestBusyMs: number; gapMs: number; totalMs: number }> {
  let last = performance.now();
  let lastElu = performance.eventLoopUtilization();
  let longest = 0;
  let gap = 0;
  const tick = (): void => {
    const t = performance.now();
    const elu = performance.eventLoopUtilization();
    gap = Math.max(gap, t - last);
    longest = Math.max(longest, elu.active - lastElu.active);
    last = t;
    lastElu = elu;
  };
  const timer = setInterval(tick, 1);
  await new Promise((r) => setTimeout(r, 5));
  const start = performance.now();
  const startElu = performance.eventLoopUtilization();
  last = start;
  lastElu = startElu;
  longest = 0;
  gap = 0;
  await work();
  const totalMs = performance.now() - start;
  tick();
  const busyMs = performance.eventLoopUtilization(performance.eventLoopUtilization(), startElu).active;
  clearInterval(timer);
  return { busyMs, longestBusyMs: longest, gapMs: gap, totalMs };
}
