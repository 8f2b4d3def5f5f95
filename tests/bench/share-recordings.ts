/**
 * Supervisor shares with recordings (issue 10): making a share that carries a 75-minute
 * WAV (16 kHz mono, 144 MB, as the seed study's recorder makes) and opening it in the
 * supervisor's folder, beside `cp` of the same WAV in the same run. Each writes its file
 * and syncs it. Three interleaved rounds; medians. Both run as the app runs them: the
 * recordings re-sealed in a worker thread (issue 27), so the calling thread's longest gap
 * between two turns of its event loop is measured beside them (what the window would wait).
 * Peak memory from the process's own maximum RSS; CPU time is the whole process's (both threads).
 * Run alone: `npx tsx tests/bench/share-recordings.ts` (writes its section of docs/benchmarks.md).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { initSupervisorFolder } from '../../electron/core/services/supervisor/folder';
import { HeldShares } from '../../electron/core/services/supervisor/held';
import { Supervisors } from '../../electron/core/services/supervisor/student';
import type { IsoDate } from '@shared/domain';
import { wavHeader } from '../wav';
import { admit, makeVault, pw, TEST_KDF, TEST_KDF_POLICY } from '../core/helpers';
import { collector, writeSections } from './doc';

const MB = 1e6;
const MiB = 1024 * 1024;
const SECONDS = 75 * 60;
const RATE = 16_000;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const maxRss = (): number => process.resourceUsage().maxRSS * 1024;

/** Run `work`, and the longest the calling thread's event loop went without a turn meanwhile (ms). */
async function longestStall<T>(work: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
  let last = performance.now();
  let worst = 0;
  let on = true;
  const spin = (): void => {
    const t = performance.now();
    worst = Math.max(worst, t - last);
    last = t;
    if (on) setImmediate(spin);
  };
  setImmediate(spin);
  const value = await work();
  on = false;
  return { value, stallMs: worst };
}

/** A 75-minute WAV written in pieces (never whole in memory): a tone with bytes of its own. */
function writeWav(file: string): number {
  const samples = SECONDS * RATE;
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, wavHeader(samples * 2, RATE));
  const piece = Buffer.alloc(RATE * 2 * 10);
  for (let done = 0; done < samples; ) {
    const n = Math.min(samples - done, piece.length / 2);
    for (let i = 0; i < n; i++) piece.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 317 * (done + i)) / RATE)) + (((done + i) * 7919) % 97), i * 2);
    fs.writeSync(fd, piece, 0, n * 2);
    done += n;
  }
  fs.closeSync(fd);
  return 44 + samples * 2;
}

function syncFile(file: string): void {
  const fd = fs.openSync(file, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
}

const { log, lines } = collector();
const date = new Date().toISOString().slice(0, 10);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-bench-share-'));
try {
  const wav = path.join(dir, 'intervju.wav');
  const size = writeWav(wav);
  const now = () => new Date('2026-11-27T10:00:00Z');
  const { session, deps } = await makeVault();
  const code = admit(session, { name: 'Benk Marksen' });
  const rec = await new Recordings(session, now).import(code, wav);
  new Transcripts(session, now).create(code, '#00:00:01-0# I: Hva betyr tillit for deg?\n', 'hvelv', rec.id);
  const sup = await initSupervisorFolder(path.join(dir, 'veileder'), pw('bench supervisor'), { crypto: deps.crypto, kdfPolicy: TEST_KDF_POLICY, now }, { kdf: TEST_KDF });
  const students = new Supervisors(session, now, deps.crypto);
  const entry = students.add({ key: sup.identity.key, label: 'Veileder', until: '2027-03-01' as IsoDate, recordings: true });
  const held = new HeldShares(sup);

  const cpuMs = (c: NodeJS.CpuUsage): number => (c.user + c.system) / 1000;
  const makeCpu: number[] = [];
  const openCpu: number[] = [];
  const make: number[] = [];
  const open: number[] = [];
  const cp: number[] = [];
  const makeStall: number[] = [];
  const openStall: number[] = [];
  let shareSize = 0;
  const rssStart = maxRss();
  let rssAfterMake = 0;
  for (let round = 1; round <= 3; round++) {
    // The WAV read once first, so each contender starts with it in the page cache (the student's blob is there from the import).
    spawnSync('cat', [wav], { stdio: ['ignore', 'ignore', 'inherit'] });
    const target = path.join(dir, `del-${round}.hvelvshare`);
    let c = process.cpuUsage();
    let t = performance.now();
    const created = students.create(entry.id, students.plan(entry.id).findings.map((f) => f.id));
    makeStall.push((await longestStall(() => students.writeShareInWorker(target, created, { onProgress: () => undefined }))).stallMs);
    students.recordShare(entry.id, created.made);
    make.push(performance.now() - t);
    makeCpu.push(cpuMs(process.cpuUsage(c)));
    rssAfterMake = Math.max(rssAfterMake, maxRss());
    shareSize = fs.statSync(target).size;

    const copy = path.join(dir, `kopi-${round}.wav`);
    t = performance.now();
    const r = spawnSync('cp', [wav, copy]);
    if (r.status !== 0) throw new Error('cp failed');
    syncFile(copy);
    cp.push(performance.now() - t);

    c = process.cpuUsage();
    t = performance.now();
    openStall.push((await longestStall(() => held.openInWorker(target, { onProgress: () => undefined }))).stallMs);
    open.push(performance.now() - t);
    openCpu.push(cpuMs(process.cpuUsage(c)));
    fs.rmSync(copy);
    fs.rmSync(target);
  }
  const rssEnd = maxRss();

  // Playback on the supervisor's side: one byte at a random place (one chunk decrypted), as a seek does.
  const vaultId = session.vaultId;
  const recording = held.content(vaultId).recordings[0]!;
  const { reader } = held.openRecording(vaultId, recording.id);
  const seeks: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const at = Math.floor(Math.random() * size);
    const t = performance.now();
    reader.read(at, at);
    seeks.push(performance.now() - t);
  }
  reader.close();
  seeks.sort((a, b) => a - b);
  sup.lock();
  session.lock();

  const rate = (ms: number) => `${((size / MB) / (ms / 1000)).toFixed(0)} MB/s`;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  log(`## Supervisor shares with recordings (${date})`);
  log('');
  log(`Machine: ${os.cpus()[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'unknown'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}. Written by \`npx tsx tests/bench/share-recordings.ts\`.`);
  log('');
  log(`A share carrying one 75-minute WAV (16 kHz mono, ${(size / MB).toFixed(0)} MB; the share file ${(shareSize / MB).toFixed(1)} MB). Three interleaved rounds, medians (all runs: make ${make.map(s).join(', ')}; open ${open.map(s).join(', ')}; cp ${cp.map(s).join(', ')}).`);
  log('');
  log('| what | figure |');
  log('| --- | --- |');
  log(`| make the share (student: decrypt the stored recording chunk by chunk, re-seal, write, fsync, rename) | ${s(median(make))}, ${rate(median(make))}; CPU time ${s(median(makeCpu))} |`);
  log(`| open it (supervisor: check the signature, open each chunk, re-seal into the folder, fsync; content and header) | ${s(median(open))}, ${rate(median(open))}; CPU time ${s(median(openCpu))} |`);
  log(`| \`cp\` + fsync of the same WAV | ${s(median(cp))}, ${rate(median(cp))}; make/cp ${(median(make) / median(cp)).toFixed(2)}, open/cp ${(median(open) / median(cp)).toFixed(2)} |`);
  log(`| longest the calling thread (the app's main process) went without a turn of its event loop: making / opening | ${median(makeStall).toFixed(1)} ms / ${median(openStall).toFixed(1)} ms (medians; all: ${makeStall.map((x) => x.toFixed(1)).join(', ')} / ${openStall.map((x) => x.toFixed(1)).join(', ')}) |`);
  log(`| growth of the process's peak RSS over the three makes / over everything | ${((rssAfterMake - rssStart) / MiB).toFixed(1)} MiB / ${((rssEnd - rssStart) / MiB).toFixed(1)} MiB (the recording is ${(size / MiB).toFixed(0)} MiB) |`);
  log(`| supervisor's playback: read 1 byte at a random offset of the held recording, 2000 samples | p50 ${seeks[1000]!.toFixed(3)} ms, p99 ${seeks[1980]!.toFixed(3)} ms |`);
  log('');
  log(`Load average while it ran: ${os.loadavg().map((x) => x.toFixed(1)).join(', ')} (other work on the machine; wall times are longer than CPU times by that much).`);
  log('');
  log('Making and opening re-seal the recordings in a worker thread (electron/core/crypto/reseal.ts), with progress and Cancel; the calling thread only checks, signs and writes the small parts, and waits for messages. Both do two ChaCha20-Poly1305 passes per byte (one open, one seal) and a SHA-256: about 0.6 s of CPU for 144 MB on this machine by themselves; a profile of the rest shows the writes and fsync, Buffer copies (a chunk is sealed into its own buffer, then batched) and garbage collection, each a tenth to a fifth of the time. `cp` only copies pages.');
  writeSections(lines);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
