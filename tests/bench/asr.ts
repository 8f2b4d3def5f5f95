/**
 * `npm run bench:asr [-- tiny base small] [f32|int8]`: how fast automatic drafts are here, with
 * Whisper models of the real tiny, base and small dimensions in sherpa-onnx's layout,
 * made by scripts/make-test-model.ts (random weights, f32 and int8: no model can be downloaded
 * on this machine).
 *
 * Each model runs in a child process of its own (so its peak memory is its own, and a
 * run that hangs can be stopped), as the draft runs it: sherpa-onnx-node's
 * OfflineRecognizer, `decodeAsync`, one thread per core as `hvelv transcript draft` uses
 * (the app leaves one core free; HVELV_BENCH_THREADS to change), over a 29-second window of
 * speech-like sound (the longest window our VAD cuts). A window is decoded once to warm
 * up, then RUNS times; the median is the figure.
 *
 * Random weights never say "end of text": the decoder runs to sherpa-onnx's limit of
 * 6 tokens per second of audio (174 for 29 s), about twice what real speech needs
 * (~3 tokens per second). So the real-time factor here is an upper bound for the
 * decoder's share; the encoder's is what a real model costs.
 *
 * The old engine (@fugood/whisper.node) is gone from the project, and with it the ggml
 * model writer; its figures (3.0-3.4x for base on this kind of machine) are in issue 26
 * and in the earlier section of docs/benchmarks.md. Prints the section for
 * docs/benchmarks.md; it is copied there by hand.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTestModel, type TestModelSize } from '../../scripts/make-test-model';
import { createDecoder, SAMPLE_RATE } from '../../electron/core/services/asr/audio';
import { Windower } from '../../electron/core/services/asr/vad';
import { modelFiles } from '../../electron/core/services/asr/models';
import { loadSherpa, recognizerConfig } from '../../electron/core/services/asr/worker';
import { wavHeader } from '../wav';

const THREADS = Number(process.env.HVELV_BENCH_THREADS ?? os.availableParallelism());
const RUNS = Number(process.env.HVELV_BENCH_RUNS ?? 3);
const WINDOW_S = 29;
/** Seconds of sound whose decoder limit (6 tokens a second) is what 29 s of real speech needs. */
const SPEECH_S = 15;
const STEP_LIMIT_MIN = Number(process.env.HVELV_BENCH_STEP_MIN ?? 20);
const MiB = 2 ** 20;

interface StepResult {
  loadMs: number;
  windowMs: number[];
  /** CPU time of the whole process per window: what the window costs whatever else runs on the machine. */
  cpuMs: number[];
  tokens: number;
  /**
   * The same, for a window whose decoder stops where real speech does: 15 s of sound, padded
   * by the engine to the same 30 s the encoder always sees, so the encoder's cost is the full
   * window's, and the decoder's limit (6 tokens a second) is 90 tokens: about what 29 s of real
   * speech needs (~3 tokens a second). Random weights never end the text, so this is how a
   * real model's window is measured here: not an upper bound but an estimate.
   */
  speechMs: number[];
  speechCpuMs: number[];
  speechTokens: number;
  /** Peak resident memory (VmHWM) above the process before the model was loaded. */
  memBytes: number;
  cores: number;
}

function status(key: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

/** 29 s of a voiced, wobbling tone with noise: what the VAD passes on as speech. */
function speechWindow(seconds = WINDOW_S): Float32Array {
  const out = new Float32Array(seconds * SAMPLE_RATE);
  let x = 7;
  for (let k = 0; k < out.length; k++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const t = k / SAMPLE_RATE;
    const f0 = 140 + 30 * Math.sin(t * 3);
    out[k] = 0.2 * Math.sin(2 * Math.PI * f0 * t) * (0.6 + 0.4 * Math.sin(t * 9)) + ((x % 2000) - 1000) / 30000;
  }
  return out;
}

const here = fileURLToPath(import.meta.url);

if (process.argv[2] === '--step') {
  const dir = process.argv[3]!;
  const rssBefore = status('VmRSS');
  // The model's files as the draft finds them (int8 before f32).
  const files = modelFiles(dir);
  const t0 = performance.now();
  const rec = await loadSherpa().OfflineRecognizer.createAsync(recognizerConfig({ model: files, language: 'nb', threads: THREADS }));
  const loadMs = performance.now() - t0;
  const samples = speechWindow();
  const windowMs: number[] = [];
  const cpuMs: number[] = [];
  let tokens = 0;
  const cpu0 = process.cpuUsage();
  const w0 = performance.now();
  for (let i = 0; i <= RUNS; i++) {
    const s = rec.createStream();
    s.acceptWaveform({ samples, sampleRate: SAMPLE_RATE });
    const t = performance.now();
    const c = process.cpuUsage();
    const r = (await rec.decodeAsync(s)) as { text: string; tokens?: string[] };
    const used = process.cpuUsage(c);
    if (i > 0) {
      windowMs.push(performance.now() - t);
      cpuMs.push((used.user + used.system) / 1000);
    }
    tokens = r.tokens?.length ?? 0;
  }
  const cpu = process.cpuUsage(cpu0);
  const cores = (cpu.user + cpu.system) / 1000 / (performance.now() - w0);
  const memBytes = status('VmHWM') - rssBefore;
  // The window a real model decodes: the encoder's whole 30 s (sherpa-onnx pads the sound
  // with `tailPaddings` frames up to its 3000: 1500 here, so 15 s reach the full window as
  // 29 s do with its default 1000), the decoder to 90 tokens (its limit counts the sound's
  // frames, not the padding's).
  const config = recognizerConfig({ model: files, language: 'nb', threads: THREADS }) as { modelConfig: { whisper: Record<string, unknown> } };
  config.modelConfig.whisper.tailPaddings = 3000 - SPEECH_S * 100;
  const rec2 = await loadSherpa().OfflineRecognizer.createAsync(config);
  const speech = speechWindow(SPEECH_S);
  const speechMs: number[] = [];
  const speechCpuMs: number[] = [];
  let speechTokens = 0;
  for (let i = 0; i < RUNS; i++) {
    const s = rec2.createStream();
    s.acceptWaveform({ samples: speech, sampleRate: SAMPLE_RATE });
    const t = performance.now();
    const c = process.cpuUsage();
    const r = (await rec2.decodeAsync(s)) as { tokens?: string[] };
    const used = process.cpuUsage(c);
    speechMs.push(performance.now() - t);
    speechCpuMs.push((used.user + used.system) / 1000);
    speechTokens = r.tokens?.length ?? 0;
  }
  const out: StepResult = { loadMs, windowMs, cpuMs, tokens, speechMs, speechCpuMs, speechTokens, memBytes, cores };
  process.send!(out, () => process.exit(0));
} else {
  await parent();
}

function runStep(dir: string): Promise<StepResult | string> {
  return new Promise((resolve) => {
    const child = fork(here, ['--step', dir], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
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

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

async function parent(): Promise<void> {
  const asked = process.argv.slice(2).filter((a) => /^(micro|tiny|base|small)$/.test(a)) as TestModelSize[];
  const sizes: TestModelSize[] = asked.length ? asked : ['tiny', 'base', 'small'];
  // int8 beside f32 (sherpa-onnx publishes both); `f32` or `int8` on the command line runs only that one.
  const quants = (['f32', 'int8'] as const).filter((q) => !process.argv.includes(q === 'f32' ? 'int8' : 'f32'));
  const load0 = os.loadavg()[0]!;
  const started = new Date();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-asr-bench-'));
  const rows: string[] = [];
  const goals: Partial<Record<TestModelSize, number>> = { base: 0.2, small: 0.5 };
  try {
    for (const size of sizes) for (const quant of quants) {
      const dir = path.join(root, `${size}-${quant}`);
      const m = writeTestModel(dir, size, undefined, quant);
      const name = `${size} ${quant} (${(m.bytes / MiB).toFixed(0)} MiB)`;
      console.log(`${name}: ${RUNS + 1} windows of ${WINDOW_S} s… (load ${os.loadavg()[0]!.toFixed(1)})`);
      const r = await runStep(dir);
      fs.rmSync(dir, { recursive: true });
      if (typeof r === 'string') {
        rows.push(`| ${name} | – | – | – | – | – | – | – | ${r} |`);
        console.log(rows.at(-1));
        continue;
      }
      const med = median(r.windowMs);
      const rtf = med / (WINDOW_S * 1000);
      // On two idle cores the window takes at least its CPU time over the threads it has.
      const idle = median(r.cpuMs) / Math.min(THREADS, os.availableParallelism()) / (WINDOW_S * 1000);
      const goal = goals[size];
      // The estimate for real speech: the encoder's whole window, the decoder to 90 tokens.
      const sMed = median(r.speechMs);
      const sRtf = sMed / (WINDOW_S * 1000);
      const sIdle = median(r.speechCpuMs) / Math.min(THREADS, os.availableParallelism()) / (WINDOW_S * 1000);
      const verdict = (wall: number, idleCores: number) => (goal === undefined ? '–' : `≤ ${goal}×: ${wall <= goal ? 'met' : idleCores <= goal ? 'not met here; met on idle cores' : 'not met'}`);
      rows.push(
        `| ${name} | ${(r.loadMs / 1000).toFixed(1)} s | ${(med / 1000).toFixed(1)} s (${r.windowMs.map((x) => (x / 1000).toFixed(1)).join(', ')}) | ${(median(r.cpuMs) / 1000).toFixed(1)} s | ${r.tokens} | ${(r.memBytes / MiB).toFixed(0)} MiB | ${r.cores.toFixed(1)} | **${rtf.toFixed(2)}×** (idle cores: ~${idle.toFixed(2)}×) | ${verdict(rtf, idle)} |`,
        `| ${name}, decoder to real speech's tokens | | ${(sMed / 1000).toFixed(1)} s (${r.speechMs.map((x) => (x / 1000).toFixed(1)).join(', ')}) | ${(median(r.speechCpuMs) / 1000).toFixed(1)} s | ${r.speechTokens} | | | **${sRtf.toFixed(2)}×** (idle cores: ~${sIdle.toFixed(2)}×) | ${verdict(sRtf, sIdle)} |`,
      );
      console.log(rows.slice(-2).join('\n'));
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
  const load1 = os.loadavg()[0]!;
  const pipe = process.env.HVELV_BENCH_NO_PIPELINE ? 'Decoding and windowing a two-hour recording without the engine: not run this time (HVELV_BENCH_NO_PIPELINE).' : await pipeline();

  const lines: string[] = [];
  const log = (s: string) => lines.push(s);
  log(`## Automatic drafts: engine speed and memory (${started.toISOString().slice(0, 10)})`);
  log('');
  log(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}; Whisper through sherpa-onnx-node 1.13.8 (onnxruntime inside), ${THREADS} thread(s) as the draft uses. Load average (1 min) ${load0.toFixed(1)} at the start, ${load1.toFixed(1)} at the end (the machine is shared: a load above 2 slows every figure). Made by \`npm run bench:asr\` (tests/bench/asr.ts), each model in a process of its own.`);
  log('');
  log(`Models of the real tiny, base and small dimensions with random weights, f32 and int8 (weight matrices quantized as onnxruntime's dynamic quantization does, the token embedding f32, as sherpa-onnx's \`*.int8.onnx\`), in sherpa-onnx's layout (scripts/make-test-model.ts). One ${WINDOW_S}-second window of speech-like sound (the longest our VAD cuts), decoded as the draft does (\`decodeAsync\`), once to warm up and then ${RUNS} times; the median. Random weights never end the text, so the decoder runs to sherpa-onnx's limit of 6 tokens per second of audio, about twice real speech: **an upper bound**. The second row of each model is the estimate for real speech: ${SPEECH_S} s of the same sound, padded by the engine (its \`tailPaddings\` set to ${3000 - SPEECH_S * 100} frames) to the same 30 s the encoder sees for a full window (so the encoder costs what it costs there) while the decoder's limit falls to ${SPEECH_S * 6} tokens, what 29 s of real speech needs at about 3 tokens a second. Peak memory: the process's VmHWM above what it had before the model was loaded. Cores: CPU time / wall time over the windows. "Idle cores": the window's CPU time spread over the threads, the wall time it would take on cores nobody else uses (a lower bound: threads never share work perfectly).`);
  log('');
  log('| model | load | one 29 s window: median (runs) | CPU time per window | tokens | peak memory | cores used | real-time factor | goal on 2 cores |');
  log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const r of rows) log(r);
  log('');
  log('The old engine (whisper.cpp through @fugood/whisper.node 1.1.1) could not run in the same run: it was removed with this change (one engine, one model format), and with it the ggml model writer. Its figures on this kind of machine: base 3.0-3.4× real time (issue 26, and the earlier section below).');
  log('');
  log(pipe);
  console.log(`\n${lines.join('\n')}`);
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
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  await dec.end();
  windower.end();
  clearInterval(sampler);
  const ms = performance.now() - t0;
  return `Decoding and windowing without the engine: a ${hours}-hour WAV (44.1 kHz, 16-bit mono), fed in 1 MiB pieces as the draft does: ${(ms / 1000).toFixed(1)} s (${((hours * 3600 * 1000) / ms).toFixed(0)}× real time, the test signal's making included), ${windows} windows, the longest ${(held / SAMPLE_RATE).toFixed(1)} s; peak RSS growth ${((peakRss - rssBefore) / MiB).toFixed(0)} MiB (goal: under 1 GiB above the model for 2 hours).`;
}
