/**
 * Screenshot of an M4A's waveform, made by core at import (FFmpeg's AAC decoder in our
 * WebAssembly build; before, the page's streaming decode), issue 27, in Norwegian: a 40-minute M4A (real AAC frames of the committed tone.m4a, muxed anew with
 * moov at the end by tests/mp4-muxer.ts) in the transcription workspace. Chromium on
 * Linux has no AAC encoder, so the frames' loudness is varied in the bitstream itself:
 * each mono frame begins with a single channel element whose 8-bit global_gain scales
 * the whole frame (2^(1/4) a step), so turns of speech and pauses can be drawn. Not a test:
 * `npx electron-vite build && npx tsx scripts/shots-m4a.ts` writes
 * test-results/screenshots/27e-m4a-waveform.png (axe-core checks it as it is taken),
 * copied by hand into docs/screenshots/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openStudy, screenshot } from '../tests/e2e/harness';
import { demuxAac } from '../shared/mp4';
import { muxM4a } from '../tests/mp4-muxer';

const until = async (fn: () => Promise<boolean>, ms = 120_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await fn().catch(() => false))) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 200));
  }
};

/** The frame with its global_gain moved by `delta` steps (a mono frame: SCE id 0, 4 bits of tag, then the 8-bit gain). */
function withGain(frame: Uint8Array, delta: number): Uint8Array {
  if (frame[0]! >> 5 !== 0) throw new Error('not a single channel element');
  const bits = ((frame[0]! << 16) | (frame[1]! << 8) | frame[2]!) >>> 0;
  const gain = (bits >> 9) & 0xff;
  const next = Math.max(0, Math.min(255, gain + delta));
  const out = frame.slice();
  const v = ((bits & ~(0xff << 9)) | (next << 9)) >>> 0;
  out[0] = (v >> 16) & 0xff;
  out[1] = (v >> 8) & 0xff;
  out[2] = v & 0xff;
  return out;
}

const { harness, browser, page, home } = await openStudy('hvelv-shots-m4a-');
try {
  await harness.invoke('participants.add', { identity: { name: 'Ragnhild Testesen' } });
  await harness.invoke('consent.record', { code: 'JS01', date: '2026-11-20', formVersion: 1, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], evidence: null });
  const src = new Uint8Array(fs.readFileSync(path.join(import.meta.dirname, '..', 'tests', 'fixtures', 'audio', 'tone.m4a')));
  const t = await demuxAac({ size: src.length, read: (a, b) => Promise.resolve(src.slice(a, b)) });
  const frames = Array.from(t.sizes, (size, i) => src.slice(t.offsets[i]!, t.offsets[i]! + size));
  const n = Math.ceil((40 * 60 * t.sampleRate) / 1024);
  // Turns of 5 to 40 s with pauses of 1 to 4 s between them, the loudness wandering within a turn.
  let seed = 7;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const perSecond = t.sampleRate / 1024;
  const gains: number[] = [];
  while (gains.length < n) {
    const turn = Math.round((5 + rnd() * 35) * perSecond);
    const level = -rnd() * 12;
    for (let i = 0; i < turn; i++) gains.push(Math.round(level - 6 + 6 * Math.sin(i / 4) * rnd()));
    const pause = Math.round((1 + rnd() * 3) * perSecond);
    for (let i = 0; i < pause; i++) gains.push(-60);
  }
  const long = Array.from({ length: n }, (_, i) => withGain(frames[(i % (frames.length - 4)) + 2]!, gains[i]!));
  const file = path.join(home, 'intervju-JS01.m4a');
  fs.writeFileSync(file, muxM4a(long, { asc: t.config, sampleRate: t.sampleRate, channels: t.channels, moov: 'end' }));
  harness.fileAnswers.push(file);
  const chosen = (await harness.invoke('recordings.chooseFile', {})) as { token: string };
  const rec = (await harness.invoke('recordings.import', { jobId: 'shots-m4a-1', code: 'JS01', file: chosen.token })) as { id: string };
  await harness.invoke('transcripts.create', { code: 'JS01', recordingId: rec.id });
  await page.goto(harness.url);
  await page.getByRole('button', { name: 'Opptak', exact: true }).click();
  await page.getByRole('button', { name: /Åpne opptaket til JS01/ }).click();
  await page.getByRole('button', { name: 'Transkriber' }).click();
  await until(async () => Number(await page.locator('.tx-wave').getAttribute('data-peaks')) > 0);
  await screenshot(page, '27e-m4a-waveform');
} finally {
  await browser.close();
  await harness.close();
}
