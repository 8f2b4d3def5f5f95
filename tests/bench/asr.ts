/**
 * `npm run bench:asr`: how fast automatic drafts can be here, with models of the real
 * tiny and base dimensions made by scripts/make-test-model.ts (random weights: no model
 * can be downloaded on this machine). Random weights make the decoder's output length
 * meaningless, so we measure what does not depend on the weights (the engine's own
 * timing of one 30-second encoder pass and of one decoder step per token) and
 * estimate the real-time factor for speech at about 3 tokens per second. The
 * decoding and windowing of a long recording (no engine) is measured for memory.
 *
 * Writes a section into docs/benchmarks.md (replacing an earlier one).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeTestModel, type TestModelSize } from '../../scripts/make-test-model';
import { createDecoder, SAMPLE_RATE } from '../../electron/core/services/asr/audio';
import { Windower } from '../../electron/core/services/asr/vad';
import { wavHeader } from '../wav';
import { writeSections } from './doc';

const THREADS = Math.max(1, os.availableParallelism());
/** `npm run bench:asr -- tiny` measures one size; three runs each unless HVELV_BENCH_RUNS says otherwise. */
const SIZES = (process.argv.slice(2).filter((a) => a === 'tiny' || a === 'base') as TestModelSize[]).concat();
const RUNS = Number(process.env.HVELV_BENCH_RUNS ?? 3);
const TOKENS_PER_SECOND = 3;
const WINDOW_S = 30;
const lines: string[] = [];
const log = (s: string) => {
  console.log(s);
  lines.push(s);
};
const MiB = 2 ** 20;

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);

interface Bench {
  encodeMs: number;
  decodeMs: number;
  batchdMs: number;
  promptMs: number;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-asr-bench-'));
const rows: string[] = [];
try {
  const { initWhisper } = await import('@fugood/whisper.node');
  for (const size of SIZES.length ? SIZES : (['tiny', 'base'] as TestModelSize[])) {
    const file = path.join(dir, `${size}.bin`);
    const bytes = writeTestModel(file, size);
    const rssBefore = process.memoryUsage().rss;
    peakRss = rssBefore;
    const ctx = await initWhisper({ filePath: file, useGpu: false });
    const runs: Bench[] = [];
    for (let i = 0; i < RUNS; i++) runs.push((await ctx.bench(THREADS)) as Bench);
    await ctx.release();
    const med = (k: keyof Bench) => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)]!;
    const enc = med('encodeMs');
    const dec = med('decodeMs');
    const prompt = med('promptMs');
    // One 30 s window of speech: one encoder pass, ~90 decoder steps, and the previous
    // window's text (~90 tokens) as prompt; the prompt figure is for 256 tokens.
    const tokens = TOKENS_PER_SECOND * WINDOW_S;
    const windowMs = enc + tokens * dec + (prompt * tokens) / 256;
    const rtf = windowMs / (WINDOW_S * 1000);
    rows.push(
      `| ${size} (${(bytes / MiB).toFixed(0)} MiB f16) | ${enc.toFixed(0)} ms | ${dec.toFixed(1)} ms | ${prompt.toFixed(0)} ms | ${((peakRss - rssBefore) / MiB).toFixed(0)} MiB | ${rtf.toFixed(2)}× | ${((60 * rtf)).toFixed(0)} min |`,
    );
    console.log(rows.at(-1));
    fs.rmSync(file);
  }

  // Decoding and windowing a two-hour recording (16-bit mono 44.1 kHz WAV, fed in
  // 1 MiB pieces as the draft does), without the engine: time and memory growth.
  const hours = 2;
  const rate = 44_100;
  const total = hours * 3600 * rate;
  const rssBefore = process.memoryUsage().rss;
  peakRss = rssBefore;
  let windows = 0;
  let held = 0;
  const windower = new Windower((w) => {
    windows++;
    held = Math.max(held, w.samples.length);
  });
  const dec = await createDecoder('wav', (pcm) => windower.push(pcm));
  const header = wavHeader(total * 2, rate);
  const t0 = performance.now();
  await dec.push(header);
  const piece = Buffer.alloc(MiB);
  let x = 7;
  for (let done = 0; done < total; ) {
    const n = Math.min(piece.length / 2, total - done);
    for (let i = 0; i < n; i++) {
      const t = (done + i) / rate;
      const talking = Math.floor(t / 7) % 3 !== 2; // 14 s of talk, 7 s of pause
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      piece.writeInt16LE(talking ? Math.round(6000 * Math.sin(2 * Math.PI * 150 * t) + ((x % 2000) - 1000)) : (x % 40) - 20, i * 2);
    }
    await dec.push(piece.subarray(0, n * 2));
    done += n;
  }
  await dec.end();
  windower.end();
  const pipeMs = performance.now() - t0;

  const date = new Date().toISOString().slice(0, 10);
  log(`## Automatic drafts: engine speed and memory (${date})`);
  log('');
  log(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}; whisper.cpp through @fugood/whisper.node (CPU build), ${THREADS} threads. Made by \`npm run bench:asr\` (tests/bench/asr.ts).`);
  log('');
  log(`Models of the real tiny and base dimensions with random weights (scripts/make-test-model.ts). The engine's own timings (its bench: one encoder pass over a 30-second window; one decoder step of one token; a 256-token prompt), medians of ${RUNS} run(s). Load average while it ran: ${os.loadavg()[0]!.toFixed(1)} (the machine is shared: a load above 2 slows every figure).`);
  log('');
  log('| model | encoder, one 30 s window | decoder, per token | prompt of 256 tokens | memory above the process (model + buffers) | estimated real-time factor | estimated time for a 60-minute interview |');
  log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) log(r);
  log('');
  log(`**These real-time factors are estimates, not measurements of a draft.** They assume speech at about ${TOKENS_PER_SECOND} tokens per second, every 30 s window full of speech (the VAD skips silence, which only makes it faster), one decoder pass per window (no temperature fallback, which whisper.cpp uses on doubtful windows and which costs a further decoder pass each time), and the previous window's text as prompt. Estimate per window = encoder + 90 × decoder step + 90/256 × prompt. Until a real model has been run on a real interview, read them as a lower bound of the time. Goal (issue 13): base under 0.5× on two cores.`);
  log('');
  log(`Decoding and windowing without the engine: a ${hours}-hour WAV (44.1 kHz, 16-bit mono), fed in 1 MiB pieces as the draft does: ${(pipeMs / 1000).toFixed(1)} s (${((hours * 3600 * 1000) / pipeMs).toFixed(0)}× real time), ${windows} windows, the longest ${(held / SAMPLE_RATE).toFixed(1)} s; peak RSS growth ${((peakRss - rssBefore) / MiB).toFixed(0)} MiB (goal: under 1 GiB above the model for 2 hours).`);
  log('');
} finally {
  clearInterval(sampler);
  fs.rmSync(dir, { recursive: true, force: true });
}

writeSections(lines);
