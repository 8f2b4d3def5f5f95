/**
 * M4A/AAC in core (issue 27): import of a 75-minute M4A (44.1 kHz stereo AAC-LC at
 * 128 kb/s, as a phone records, moov after mdat), waveform included, against `age -r` +
 * `sync` in the same run; and the decode alone (FFmpeg's AAC decoder in our WebAssembly
 * build, asr/aac), in times real time. The M4A is made by the installed ffmpeg at bench
 * time; without ffmpeg the section says so and measures nothing.
 * Part of `npm run bench`; run alone: `npx tsx tests/bench/import-m4a.ts` (writes its section).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeM4aMono } from '../../electron/core/services/asr/audio';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { admit, makeVault } from '../core/helpers';
import { collector, writeSections } from './doc';

const MINUTES = 75;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timeShell(cmd: string): { wall: number; cpu: number } {
  const t = performance.now();
  const out = execFileSync('bash', ['-c', `${cmd}; times`], { encoding: 'utf8' });
  const wall = (performance.now() - t) / 1000;
  const secs = (out.trim().split('\n').at(-1) ?? '').split(/\s+/).map((x) => {
    const m = /(\d+)m([\d.]+)s/.exec(x);
    return m ? Number(m[1]) * 60 + Number(m[2]) : 0;
  });
  return { wall, cpu: secs.reduce((a, b) => a + b, 0) };
}

export async function benchImportM4a(log: (s: string) => void, date: string, rounds = 3): Promise<void> {
  log('');
  log(`## Recordings: import of a ${MINUTES}-minute M4A (${date})`);
  log('');
  if (spawnSync('ffmpeg', ['-version']).status !== 0) {
    log('Not measured: ffmpeg is not installed here (it makes the M4A; `apt-get install ffmpeg`).');
    return;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-bench-m4a-'));
  const m4a = path.join(work, 'interview.m4a');
  // Speech-like: a wobbling voiced tone with noise, in bursts; stereo 44.1 kHz, 128 kb/s.
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `aevalsrc=0.3*sin(2*PI*(140+30*sin(3*t))*t)*(0.6+0.4*sin(9*t))*lt(mod(t\\,7)\\,5)+0.01*(random(0)-0.5)|0.25*sin(2*PI*(150+20*sin(2*t))*t)*lt(mod(t\\,7)\\,5)+0.01*(random(1)-0.5):s=44100:d=${MINUTES * 60}`, '-c:a', 'aac', '-b:a', '128k', m4a]);
  const size = fs.statSync(m4a).size;
  const warm = (): void => void execFileSync('cat', [m4a], { stdio: ['ignore', 'ignore', 'ignore'] });
  let ageRecipient: string | null = null;
  if (spawnSync('age', ['--version']).status === 0) {
    const id = path.join(work, 'age.key');
    execFileSync('age-keygen', ['-o', id], { stdio: 'ignore' });
    ageRecipient = /public key: (\S+)/.exec(fs.readFileSync(id, 'utf8'))?.[1] ?? null;
  }
  const { session: s } = await makeVault();
  const vdir = s.path;
  const code = admit(s);
  const rec = new Recordings(s, () => new Date());
  const ageRuns: { wall: number; cpu: number }[] = [];
  const hvelvRuns: { wall: number; cpu: number }[] = [];
  const waveRuns: number[] = [];
  let longestGap = 0;
  let info: Awaited<ReturnType<typeof rec.import>> | null = null;
  for (let round = 0; round < rounds; round++) {
    if (ageRecipient) {
      warm();
      ageRuns.push(timeShell(`age -r ${ageRecipient} -o "${work}/out.age" "${m4a}" && sync "${work}/out.age"`));
      fs.rmSync(path.join(work, 'out.age'));
    }
    if (info) await rec.delete(info.id);
    execFileSync('sync');
    warm();
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    info = await rec.import(code, m4a);
    const wall = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpu0);
    hvelvRuns.push({ wall, cpu: (cpu.user + cpu.system) / 1e6 });
    if (rec.peaks(info.id)) throw new Error('the import folded an M4A (it should leave its waveform to ensurePeaks)');
    // The waveform when the recording is first shown: ensurePeaks, decrypted and decoded in
    // the decode worker; this thread's longest wait meanwhile.
    let last = performance.now();
    let gap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      gap = Math.max(gap, now - last);
      last = now;
    }, 5);
    const tw = performance.now();
    const peaks = await rec.ensurePeaks(info.id);
    waveRuns.push((performance.now() - tw) / 1000);
    clearInterval(timer);
    longestGap = Math.max(longestGap, gap);
    if (!peaks) throw new Error('no waveform for the M4A');
  }
  // The decode alone, from memory: demux, decode every frame, mix to mono.
  const bytes = fs.readFileSync(m4a);
  let samples = 0;
  let rate = 0;
  const t0 = performance.now();
  await decodeM4aMono({ size: bytes.length, readAt: (at, n) => bytes.subarray(at, at + n) }, (x, r) => {
    samples += x.length;
    rate = r;
  }, { declaredMs: info!.durationMs });
  const decodeS = (performance.now() - t0) / 1000;
  const soundS = samples / rate;
  s.lock();
  fs.rmSync(work, { recursive: true, force: true });
  fs.rmSync(path.dirname(vdir), { recursive: true, force: true });

  const importS = median(hvelvRuns.map((r) => r.wall));
  const importCpu = median(hvelvRuns.map((r) => r.cpu));
  const ageS = ageRuns.length ? median(ageRuns.map((r) => r.wall)) : null;
  const ageCpu = ageRuns.length ? median(ageRuns.map((r) => r.cpu)) : null;
  log(`Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores (shared with other work while measured), Node ${process.version}.`);
  log('');
  log(`A ${MINUTES}-minute M4A made by ffmpeg (AAC-LC, 44.1 kHz stereo, 128 kb/s, moov after mdat as phones write it): ${(size / 1e6).toFixed(1)} MB. Read once before each run (page cache); ${rounds} interleaved rounds, medians (Hvelv ${hvelvRuns.map((x) => x.wall.toFixed(2)).join(', ')} s; age ${ageRuns.map((x) => x.wall.toFixed(2)).join(', ') || '–'} s).`);
  log('');
  log('| what | figure |');
  log('| --- | --- |');
  log(`| Hvelv import (probe, SHA-256, the seal, fsync, record; an M4A's waveform is not folded at import: its frame table may come last) | ${importS.toFixed(2)} s; CPU ${importCpu.toFixed(2)} s |`);
  log(`| \`age -r\` + \`sync\` of the same file | ${ageS === null ? 'not measured (age is not installed)' : `${ageS.toFixed(2)} s; CPU ${ageCpu!.toFixed(2)} s; **Hvelv/age time ratio ${(importS / ageS).toFixed(2)}**`} |`);
  log(`| its waveform when first shown (ensurePeaks: the sealed copy read by random access, decrypted and decoded in the decode worker thread), median | ${median(waveRuns).toFixed(2)} s; the calling thread's longest wait meanwhile ${longestGap.toFixed(0)} ms |`);
  log(`| decode alone (demux, FFmpeg's AAC decoder in WebAssembly, mix to mono), from memory | ${decodeS.toFixed(2)} s for ${(soundS / 60).toFixed(1)} minutes: ${(soundS / decodeS).toFixed(0)}x real time |`);
  log('');
  log(`Goal (issue 27): the same as for WAV, at most 1.0x \`age -r\` + \`sync\`. ${ageS !== null && importS <= ageS ? 'Met' : 'Not met'} (ratio ${ageS === null ? '–' : (importS / ageS).toFixed(2)}). The waveform is made off the import's clock, in a worker, when the recording is first shown (the row after): an M4A is a small file for its length, and no decode of the whole sound fits in the time age takes to encrypt it.`);
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  const { log, lines } = collector();
  await benchImportM4a(log, new Date().toISOString().slice(0, 10), Number(process.env.ROUNDS ?? 3));
  writeSections(lines);
}
