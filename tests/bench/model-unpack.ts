/**
 * Unpacking a model archive (issue 26): a ~100 MB .tar.bz2 (make-test-model's tiny int8,
 * random weights, so it barely compresses, as real weights; packed with tar and
 * `bzip2 -9` as sherpa-onnx's releases are) installed from a file by the installer
 * (services/asr/install.ts: hash, unpack in its worker thread, check, hash the tree), beside
 * Debian's `bzip2 -d | tar x` of the same archive in the same run. For the installer: the
 * unpack phase's time and the calling thread's longest wait between two turns of its event
 * loop over the whole install (what the app's windows would wait), from a 10 ms timer's
 * lateness (perf_hooks monitorEventLoopDelay), so the measuring takes no core from the work.
 *
 * Run alone: `npx tsx tests/bench/model-unpack.ts` (prints markdown; copy it by hand into
 * docs/benchmarks.md). HVELV_BENCH_BEFORE=<module> also runs that module's installModel
 * (an older install.ts) on the same archive, for a before/after in one run.
 * Needs the `bzip2` and `tar` programs (the bench only; the test suite needs neither).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeTestModel } from '../../scripts/make-test-model';
import { installModel as current, type InstallOptions, type InstalledModel } from '../../electron/core/services/asr/install';
import { monitorEventLoopDelay } from 'node:perf_hooks';

type Install = (o: InstallOptions) => Promise<InstalledModel>;
const MB = 1e6;
const ROUNDS = Number(process.env.HVELV_BENCH_ROUNDS ?? 3);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-bench-unpack-'));
try {
  const top = 'sherpa-onnx-whisper-tiny';
  writeTestModel(path.join(work, 'src', top), 'tiny', 'hvelv-bench', 'int8');
  const archive = path.join(work, `${top}.tar.bz2`);
  execFileSync('bash', ['-c', `tar -C "${work}/src" -cf - ${top} | bzip2 -9 > "${archive}"`]);
  const size = fs.statSync(archive).size;
  const unpackedBytes = Number(execFileSync('du', ['-sb', path.join(work, 'src', top)]).toString().split('\t')[0]);
  fs.rmSync(path.join(work, 'src'), { recursive: true });

  const debian = (): number => {
    const out = fs.mkdtempSync(path.join(work, 'deb-'));
    const t = performance.now();
    execFileSync('bash', ['-c', `bzip2 -d -c "${archive}" | tar -x -C "${out}"`]);
    const ms = performance.now() - t;
    fs.rmSync(out, { recursive: true });
    return ms;
  };

  const ours = async (install: Install): Promise<{ totalMs: number; unpackMs: number; gapMs: number }> => {
    const modelsDir = fs.mkdtempSync(path.join(work, 'models-'));
    let unpackStart = 0;
    let unpackEnd = 0;
    // Sampled by a timer every 10 ms, not by a busy loop: a loop spinning on setImmediate
    // would take a core from the worker thread it is measuring beside.
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const t0 = performance.now();
    await install({
      modelsDir,
      source: archive,
      onProgress: (p) => {
        if (p.phase !== 'unpack') return;
        if (!unpackStart) unpackStart = performance.now();
        if (p.bytes === p.total) unpackEnd = performance.now();
      },
    });
    const totalMs = performance.now() - t0;
    delay.disable();
    // The longest interval between two of the timer's turns (its own 10 ms included).
    const gapMs = delay.max / 1e6;
    fs.rmSync(modelsDir, { recursive: true });
    return { totalMs, unpackMs: unpackEnd - unpackStart, gapMs };
  };

  const before = process.env.HVELV_BENCH_BEFORE ? ((await import(path.resolve(process.env.HVELV_BENCH_BEFORE))) as { installModel: Install }).installModel : null;
  const rows: Record<string, { totalMs: number[]; unpackMs: number[]; gapMs: number[] }> = {};
  const deb: number[] = [];
  const add = (name: string, r: { totalMs: number; unpackMs: number; gapMs: number }): void => {
    const row = (rows[name] ??= { totalMs: [], unpackMs: [], gapMs: [] });
    row.totalMs.push(r.totalMs);
    row.unpackMs.push(r.unpackMs);
    row.gapMs.push(r.gapMs);
  };
  // Interleaved rounds: the machine's load falls on each alike.
  for (let i = 0; i < ROUNDS; i++) {
    deb.push(debian());
    add('installer, unpacking in a worker thread', await ours(current));
    if (before) add('installer before (unpacking on the calling thread in pieces)', await ours(before));
  }
  const log = (s: string): void => void process.stdout.write(`${s}\n`);
  log(`Archive: ${(size / MB).toFixed(1)} MB .tar.bz2 (bzip2 -9) unpacking to ${(unpackedBytes / MB).toFixed(1)} MB; ${ROUNDS} interleaved rounds, medians; ${os.cpus().length} cores, Node ${process.versions.node}.`);
  log('');
  log('| what | unpack | whole install (hash, unpack, check, hash of the files) | longest wait of the calling thread |');
  log('|---|---|---|---|');
  log(`| Debian \`bzip2 -d \\| tar x\` | ${(median(deb) / 1000).toFixed(1)} s (${(size / MB / (median(deb) / 1000)).toFixed(1)} MB/s of archive) | – | – |`);
  for (const [name, r] of Object.entries(rows)) {
    const u = median(r.unpackMs);
    log(`| ${name} | ${(u / 1000).toFixed(1)} s (${(size / MB / (u / 1000)).toFixed(1)} MB/s of archive) | ${(median(r.totalMs) / 1000).toFixed(1)} s | ${median(r.gapMs).toFixed(0)} ms (worst of ${ROUNDS}: ${Math.max(...r.gapMs).toFixed(0)} ms) |`);
  }
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
