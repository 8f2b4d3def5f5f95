/**
 * `npm run bench:asr [-- tiny base base:q8_0 base:q5_0]`: how fast automatic drafts can
 * be here, with models of the real tiny and base dimensions made by
 * scripts/make-test-model.ts (random weights: no model can be downloaded on this machine).
 *
 * What is measured does not depend on the weights: the engine's own timers (whisper.cpp's
 * bench, through the binding's `bench()`) for one encoder pass over a 30-second window,
 * one decoder step of one token, and the per-token cost of a prompt. From them the
 * real-time factor for speech at about 3 tokens per second is estimated.
 *
 * Why `bench()` takes minutes, and why each step runs in a child process of its own:
 * - `bench()` runs 1 + 1 encoder passes, 257 single-token decoder steps, 64 batches of 5 and
 *   17 prompts of 256 tokens, and whisper.cpp computes the vocabulary's 51 865 logits for
 *   every prompt token: about 5 000 decoder-token steps in all. At a decoder step of
 *   0.1 s (base, this binding, two cores) that is 8 minutes, with nothing to show.
 * - The binding runs `bench()` synchronously on the calling JavaScript thread: no timer
 *   fires until it returns, and (seen here) whisper.cpp's OpenMP then uses one thread
 *   whatever it is asked. So the child runs it in a worker thread (two threads, as the
 *   draft's `transcribeData` gets) and the parent kills the child when a step outlasts
 *   its time limit, and reports that instead of hanging.
 *
 * Writes its section of docs/benchmarks.md (replacing an earlier one).
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { writeTestModel, type TestModelSize, type TestModelType } from '../../scripts/make-test-model';
import { createDecoder, SAMPLE_RATE } from '../../electron/core/services/asr/audio';
import { Windower } from '../../electron/core/services/asr/vad';
import { wavHeader } from '../wav';
import { writeSections } from './doc';

const THREADS = Math.max(1, os.availableParallelism());
const TOKENS_PER_SECOND = 3;
const WINDOW_S = 30;
/** Minutes one model's bench may take before it is stopped and reported as unfinished. */
const STEP_LIMIT_MIN = Number(process.env.HVELV_BENCH_STEP_MIN ?? 25);
const MiB = 2 ** 20;

interface EngineBench {
  encodeMs: number;
  decodeMs: number;
  batchdMs: number;
  promptMs: number;
  config: string;
}
interface StepResult extends EngineBench {
  wallMs: number;
  /** Process CPU time / wall time while the bench ran: how many cores it kept busy. */
  cores: number;
  /** Peak resident memory (VmHWM) above the process before the model was loaded. */
  memBytes: number;
}

function status(key: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

const here = fileURLToPath(import.meta.url);
const role = process.argv[2] === '--step' ? 'step' : 'parent';

/**
 * The engine thread: plain JavaScript (a worker thread does not get tsx's loader), the
 * binding by its resolved path. Loads the model, runs whisper.cpp's bench, posts the result.
 */
const ENGINE_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { initWhisper } = require(workerData.binding);
(async () => {
  const ctx = await initWhisper({ filePath: workerData.file, useGpu: false });
  const r = await ctx.bench(workerData.threads);
  await ctx.release();
  parentPort.postMessage(r);
})().catch((e) => { throw e; });
`;

if (role === 'step') {
  // A child process per model, so the parent can stop it.
  const file = process.argv[3]!;
  const rssBefore = status('VmRSS');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await new Promise<EngineBench>((resolve, reject) => {
    const binding = createRequire(import.meta.url).resolve('@fugood/whisper.node');
    const w = new Worker(ENGINE_THREAD, { eval: true, workerData: { file, threads: THREADS, binding } });
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => reject(new Error(`engine thread ended (${code})`)));
  });
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const out: StepResult = { ...r, wallMs, cores: (cpu.user + cpu.system) / 1000 / wallMs, memBytes: status('VmHWM') - rssBefore };
  process.send!(out, () => process.exit(0));
} else {
  await parent();
}

type Variant = { size: TestModelSize; type: TestModelType };

function runStep(file: string): Promise<StepResult | string> {
  return new Promise((resolve) => {
    // execArgv is inherited: tsx's loader, as this process runs under it.
    const child = fork(here, ['--step', file], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-2000)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(`did not finish within ${STEP_LIMIT_MIN} min (stopped)`);
    }, STEP_LIMIT_MIN * 60_000);
    child.once('message', (m) => {
      clearTimeout(timer);
      resolve(m as StepResult);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(`ended without a result (exit ${code}): ${err.split('\n').filter(Boolean).slice(-2).join(' ')}`);
    });
  });
}

async function parent(): Promise<void> {
  // micro only to try the bench itself quickly; its figures mean nothing.
  const asked = process.argv.slice(2).filter((a) => /^(micro|tiny|base)(:(f16|q8_0|q5_0))?$/.test(a));
  const variants: Variant[] = (asked.length ? asked : ['tiny', 'base', 'base:q8_0', 'base:q5_0']).map((a) => {
    const [size, type] = a.split(':') as [TestModelSize, TestModelType | undefined];
    return { size, type: type ?? 'f16' };
  });
  const load0 = os.loadavg()[0]!;
  const started = new Date();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-asr-bench-'));
  const rows: string[] = [];
  const unfinished: string[] = [];
  const tokens = TOKENS_PER_SECOND * WINDOW_S;
  let config = '';
  try {
    for (const v of variants) {
      const file = path.join(dir, `${v.size}-${v.type}.bin`);
      const bytes = writeTestModel(file, v.size, undefined, v.type);
      const name = `${v.size} ${v.type} (${(bytes / MiB).toFixed(0)} MiB)`;
      console.log(`${name}: bench… (load ${os.loadavg()[0]!.toFixed(1)})`);
      const r = await runStep(file);
      fs.rmSync(file);
      if (typeof r === 'string') {
        console.log(`  ${r}`);
        unfinished.push(`${name}: ${r}`);
        rows.push(`| ${name} | – | – | – | – | – | – | – |`);
        continue;
      }
      config = r.config;
      // One 30 s window of speech: one encoder pass, ~90 decoder steps, the previous
      // window's ~90 tokens again as prompt (whisper.cpp keeps them as context), and the
      // 3 start tokens as a small batch.
      const withPrompt = r.encodeMs + tokens * r.decodeMs + tokens * r.promptMs + 3 * r.batchdMs;
      const noPrompt = r.encodeMs + tokens * r.decodeMs + 3 * r.batchdMs;
      const rtf = withPrompt / (WINDOW_S * 1000);
      rows.push(
        `| ${name} | ${fmt(r.encodeMs)} | ${r.decodeMs.toFixed(0)} ms | ${r.promptMs.toFixed(0)} ms | ${(r.memBytes / MiB).toFixed(0)} MiB | ${r.cores.toFixed(1)} | **${rtf.toFixed(2)}×** (${(noPrompt / (WINDOW_S * 1000)).toFixed(2)}× without the prompt) | ${(60 * rtf).toFixed(0)} min |`,
      );
      console.log(rows.at(-1), `(bench took ${(r.wallMs / 60000).toFixed(1)} min)`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const load1 = os.loadavg()[0]!;

  // HVELV_BENCH_NO_PIPELINE=1: the engine only (the two-hour decode takes minutes on a loaded machine).
  const pipe = process.env.HVELV_BENCH_NO_PIPELINE ? 'Decoding and windowing a two-hour recording without the engine: not run this time (HVELV_BENCH_NO_PIPELINE).' : await pipeline();

  const lines: string[] = [];
  const log = (s: string) => lines.push(s);
  log(`## Automatic drafts: engine speed and memory (${started.toISOString().slice(0, 10)})`);
  log('');
  log(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}; whisper.cpp through @fugood/whisper.node 1.1.1 (its prebuilt linux-x64 binary: \`${config.trim() || 'n/a'}\`), ${THREADS} threads. Load average (1 min) ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end of the engine runs (the machine is shared: a load above 2 slows every figure). Made by \`npm run bench:asr\` (tests/bench/asr.ts), one run per model.`);
  log('');
  log("Models of the real tiny and base dimensions with random weights (scripts/make-test-model.ts), in f16 (as the `ggml-model.bin` downloads) and quantized (q8_0, q5_0: as the `ggml-model-q5_0.bin` downloads). The engine's own timers (whisper.cpp's bench): one encoder pass over a 30-second window; one decoder step of one token; a prompt, per token. Cores: CPU time / wall time while the bench ran.");
  log('');
  log('| model | encoder, one 30 s window | decoder, per token | prompt, per token | peak memory above the process | cores used | estimated real-time factor | estimated time for a 60-minute interview |');
  log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) log(r);
  log('');
  if (unfinished.length) log(`Not measured: ${unfinished.join('; ')}.\n`);
  log(`**These real-time factors are estimates, not measurements of a draft.** They assume speech at about ${TOKENS_PER_SECOND} tokens per second, every 30 s window full of speech (the VAD skips silence, which only makes it faster), one decoder pass per window (no temperature fallback, which whisper.cpp uses on doubtful windows and which costs a further pass each time), and the previous window's ~${tokens} tokens as prompt, as the draft runs now. Estimate per window = encoder + ${tokens} × decoder step + ${tokens} × prompt token + 3 start tokens. Until a real model has been run on a real interview, read them as a lower bound of the time. Goal (issue 13): base under 0.5× on two cores.`);
  log('');
  log(pipe);
  log('');
  writeSections(lines);
}

function fmt(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`;
}

/**
 * Decoding and windowing a two-hour recording (16-bit mono 44.1 kHz WAV, fed in 1 MiB
 * pieces as the draft does), without the engine: time and memory growth.
 */
async function pipeline(): Promise<string> {
  const hours = 2;
  const rate = 44_100;
  const total = hours * 3600 * rate;
  let peakRss = process.memoryUsage().rss;
  const rssBefore = peakRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
  let windows = 0;
  let held = 0;
  const windower = new Windower((w) => {
    windows++;
    held = Math.max(held, w.samples.length);
  });
  const dec = await createDecoder('wav', (pcm) => windower.push(pcm));
  const t0 = performance.now();
  await dec.push(wavHeader(total * 2, rate));
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
    // The loop seldom yields to the timer: sample here too.
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  await dec.end();
  windower.end();
  clearInterval(sampler);
  const ms = performance.now() - t0;
  return `Decoding and windowing without the engine: a ${hours}-hour WAV (44.1 kHz, 16-bit mono), fed in 1 MiB pieces as the draft does: ${(ms / 1000).toFixed(1)} s (${((hours * 3600 * 1000) / ms).toFixed(0)}× real time, the test signal's making included), ${windows} windows, the longest ${(held / SAMPLE_RATE).toFixed(1)} s; peak RSS growth ${((peakRss - rssBefore) / MiB).toFixed(0)} MiB (goal: under 1 GiB above the model for 2 hours).`;
}
