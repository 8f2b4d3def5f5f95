/**
 * The analysis at thesis size (issue 9's goals): 200 interviews of 60 000 characters,
 * 40 codes, 10 000 coded segments (one interview with 500 of them, one code with
 * 1 000), production KDF. Called by run.ts; `tsx tests/bench/analysis.ts` runs this part
 * alone and replaces only its section of docs/benchmarks.md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { calibrateKdf, deriveKek, PRODUCTION_KDF_POLICY } from '../../electron/core/crypto/kdf';
import { createCrypto } from '../../electron/core/crypto/sodium';
import { createVault, unlockVault } from '../../electron/core/vault/vault';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { Codebook } from '../../electron/core/services/analysis/codebook';
import { Coding, writeSegments } from '../../electron/core/services/analysis/coding';
import { Memos } from '../../electron/core/services/analysis/memos';
import { Search } from '../../electron/core/services/analysis/search';
import type { SegmentRecord } from '../../electron/core/services/analysis/records';
import { admit, pw, SAMPLE_FACTS } from '../core/helpers';
import { collector, writeSections } from './doc';

const WORDS = ('tillit samarbeid arbeidsgiver veileder jobbspesialist oppfølging møte kontoret hverdagen trygghet ' +
  'relasjon mestring utfordring å bli sett være ærlig åpen støtte hjelp arbeid jobb søknad intervju praksis ' +
  'kollega leder tid uke dag måned år først etterpå egentlig liksom altså ja nei kanskje også men og eller ' +
  'fordi når hvis så det den de vi jeg du han hun meg deg seg oss dere dem mye lite godt vanskelig lett').split(' ');

function interview(seed: number, chars: number): string {
  let s = '';
  let ms = 0;
  let x = seed * 2654435761;
  const next = () => (x = (x * 1103515245 + 12345) >>> 0);
  while (s.length < chars) {
    ms += 4000 + (next() % 20000);
    const t = Math.floor(ms / 100);
    const p = (n: number) => String(n).padStart(2, '0');
    s += `#${p(Math.floor(t / 36000))}:${p(Math.floor(t / 600) % 60)}:${p(Math.floor(t / 10) % 60)}-${t % 10}# ${next() % 3 === 0 ? 'I' : 'B'}: `;
    const n = 20 + (next() % 60);
    for (let i = 0; i < n; i++) s += `${WORDS[next() % WORDS.length]}${i % 11 === 10 ? '. ' : ' '}`;
    if (next() % 17 === 0) s += '😀 ';
    s += '\n';
  }
  return s.slice(0, chars);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Wall time, and the process's CPU time: on cores shared with other work the second says what the operation costs. */
function time<T>(fn: () => T): { ms: number; cpu: number; value: T } {
  const c = process.cpuUsage();
  const t = performance.now();
  const value = fn();
  const ms = performance.now() - t;
  const d = process.cpuUsage(c);
  const cpu = (d.user + d.system) / 1000;
  return { ms, cpu, value };
}

/** p50 and p95 of wall and CPU times of a series of `time` results. */
function fig(rs: { ms: number; cpu: number }[]): string {
  const w = rs.map((r) => r.ms).sort((a, b) => a - b);
  const c = rs.map((r) => r.cpu).sort((a, b) => a - b);
  return `p50 ${percentile(w, 50).toFixed(1)} ms, p95 ${percentile(w, 95).toFixed(1)} ms (CPU p50 ${percentile(c, 50).toFixed(1)}, p95 ${percentile(c, 95).toFixed(1)} ms)`;
}

export async function benchAnalysis(log: (s: string) => void): Promise<void> {
  const loadBefore = os.loadavg()[0]!;
  const crypto = await createCrypto();
  const cal = await calibrateKdf(PRODUCTION_KDF_POLICY);
  const kdf: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    await deriveKek(pw('bench'), { alg: 'argon2id13', opslimit: cal.opslimit, memlimit: cal.memlimit, salt: crypto.random(16) }, PRODUCTION_KDF_POLICY);
    kdf.push(performance.now() - t);
  }
  kdf.sort((a, b) => a - b);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-bench-analysis-'));
  const vault = path.join(dir, 'v');
  const now = () => new Date('2026-11-27T10:00:00Z');
  const deps = { crypto, kdfPolicy: PRODUCTION_KDF_POLICY, now };
  let session = await createVault(vault, pw('benchmark passphrase'), SAMPLE_FACTS, deps, { kdf: cal });

  // The project: 200 participants, each with one interview.
  const tBuild = performance.now();
  const transcripts = new Transcripts(session, now);
  const ids: string[] = [];
  const texts: string[] = [];
  for (let i = 0; i < 200; i++) {
    const code = admit(session, { name: `Deltaker Nummer${i}` }, now);
    const text = interview(i + 1, 60_000);
    texts.push(text);
    ids.push(transcripts.create(code, text).id);
  }
  const book = new Codebook(session, now);
  const codes = Array.from({ length: 40 }, (_, i) => book.add({ name: `Kode ${i + 1}`, parentId: null }).id);
  // 10 000 segments: 500 in the first interview, 9 500 over the other 199; code 0 gets 1 000.
  let made = 0;
  const store = session.stores.transcripts;
  for (let t = 0; t < 200; t++) {
    const n = t === 0 ? 500 : t <= 100 ? 48 : 47;
    const len = Array.from(texts[t]!).length;
    const segs: SegmentRecord[] = [];
    for (let k = 0; k < n; k++) {
      const start = Math.floor((k * (len - 200)) / n);
      const end = start + 40 + (k % 120);
      const codeIds = made % 10 === 0 ? [codes[0]!] : [codes[1 + (made % 39)]!];
      segs.push({ id: randomBytes(16).toString('hex'), start, end, text: Array.from(texts[t]!).slice(start, end).join(''), codeIds, quote: false, orphanedAt: null, createdAt: now().toISOString(), updatedAt: now().toISOString() });
      made++;
    }
    writeSegments(session, ids[t]!, store.get('transcript', ids[t]!)!.participant!, segs);
  }
  const memos = new Memos(session, now);
  for (let i = 0; i < 200; i++) memos.add({ target: { kind: 'transcript', id: ids[i]! }, text: interview(1000 + i, 600) });
  const buildMs = performance.now() - tBuild;
  session.lock();

  // Unlock, against the KDF alone.
  const unlock: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    session = await unlockVault(vault, pw('benchmark passphrase'), deps);
    unlock.push(performance.now() - t);
    if (i < 2) session.lock();
  }
  unlock.sort((a, b) => a - b);

  // First search after unlock with nothing warmed: decrypts and folds every transcript and memo.
  const first = time(() => new Search(session, now).query('tillit'));
  // As the app does it: unlock, then the analysis warmed in the background (a record per
  // turn of the event loop), then the student's first search.
  session.lock();
  session = await unlockVault(vault, pw('benchmark passphrase'), deps);
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const warm = await new Search(session, now).warmInBackground();
  const warmMs = performance.now() - w0;
  const dc = process.cpuUsage(c0);
  const warmCpu = (dc.user + dc.system) / 1000;
  const search = new Search(session, now);
  const firstWarm = time(() => search.query('tillit'));
  const queries = ['tillit', 'arbeidsgiver', '"å bli sett"', 'aerlig', 'kontoret hverdagen', 'mestring', 'oppfolging', 'jobbspesialist', '"vi jeg"', 'sokn'];
  const searches: { ms: number; cpu: number }[] = [];
  for (let r = 0; r < 5; r++) for (const q of queries) searches.push(time(() => search.query(q)));

  // Retrieval of the code with 1 000 segments: the first time after unlock (after the
  // warm-up, which decrypted every interview's coding), then again.
  const coding = new Coding(session, now);
  const retrieveCold = time(() => coding.retrieve({ codeId: codes[0]! }));
  const retrieveWarm: { ms: number; cpu: number }[] = [];
  for (let i = 0; i < 20; i++) retrieveWarm.push(time(() => coding.retrieve({ codeId: codes[0]! })));

  // Opening the interview with 500 segments: the text and its segments, as main sends them.
  const open: { ms: number; cpu: number }[] = [];
  for (let i = 0; i < 10; i++) open.push(time(() => JSON.stringify({ t: new Transcripts(session, now).get(ids[0]!), s: new Coding(session, now).forTranscript(ids[0]!) })));
  const openNoCheck: { ms: number; cpu: number }[] = [];
  for (let i = 0; i < 10; i++) openNoCheck.push(time(() => JSON.stringify(new Coding(session, now).forTranscript(ids[0]!))));

  // Applying a code (seal, sign, write, fsync), in the interview with 500 segments and in one with 47.
  const apply: { ms: number; cpu: number }[] = [];
  // What the garbage collector takes meanwhile (the heap holds the folded search index).
  let gcMs = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMs += e.duration;
  });
  gc.observe({ entryTypes: ['gc'] });
  const applyStart = performance.now();
  for (let i = 0; i < 100; i++) {
    const t = i % 2 === 0 ? ids[0]! : ids[150]!;
    const start = 1000 + i * 37;
    apply.push(time(() => coding.apply(t, { start, end: start + 30 }, [codes[5]!])));
  }
  const applyTotal = performance.now() - applyStart;
  // GC entries are delivered on a later turn of the event loop.
  await new Promise((r) => setTimeout(r, 100));
  gc.disconnect();
  const rss = process.memoryUsage().rss;
  session.lock();
  fs.rmSync(dir, { recursive: true, force: true });

  const kdfMs = percentile(kdf, 50);
  const unlockMs = percentile(unlock, 50);
  const date = new Date().toISOString().slice(0, 10);
  log(`## Analysis at thesis size (${date})`);
  log('');
  log(`200 interviews of 60 000 characters (f4 stamps, æøå, emoji), 40 codes, 10 000 coded segments (500 in one interview, 1 000 on one code), 200 memos; production KDF (${cal.opslimit} passes, ${cal.memlimit / 1024 / 1024} MiB). Building the project took ${(buildMs / 1000).toFixed(1)} s. Process RSS at the end: ${(rss / 1024 / 1024).toFixed(0)} MiB. Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, load average ${loadBefore.toFixed(1)} at the start and ${os.loadavg()[0]!.toFixed(1)} at the end (other engineers' builds and tests share these cores: figures are high by about that factor over the core count).`);
  log('');
  log('| what | figure | goal |');
  log('| --- | --- | --- |');
  log(`| unlock, median of 3 (KDF alone: ${kdfMs.toFixed(0)} ms) | ${unlockMs.toFixed(0)} ms, ${(unlockMs / kdfMs).toFixed(2)}× the KDF | under 1.5× |`);
  log(`| warm-up after unlock in the background (decrypt the analysis, fold 12 M characters), a record per turn | ${warmMs.toFixed(0)} ms (CPU ${warmCpu.toFixed(0)} ms), longest single step ${warm.longestStepMs.toFixed(1)} ms | (the window is answered between steps) |`);
  log(`| first search after unlock, after the warm-up (as the app does it) | ${firstWarm.ms.toFixed(1)} ms (CPU ${firstWarm.cpu.toFixed(1)} ms) | under 1 s |`);
  log(`| first search after unlock, nothing warmed (a search typed before the warm-up is done) | ${first.ms.toFixed(0)} ms (CPU ${first.cpu.toFixed(0)} ms) | under 1 s |`);
  log(`| search after the first, ${searches.length} queries (words, phrases, folded forms) | ${fig(searches)} | p95 under 50 ms |`);
  log(`| apply a code (seal, sign, write, fsync), 100 times | ${fig(apply)}; garbage collection ${gcMs.toFixed(0)} ms of the ${applyTotal.toFixed(0)} ms | p95 under 30 ms |`);
  log(`| open the interview with 500 segments: text, identifying-details count and segments, as main sends them | ${fig(open)}; segments alone ${fig(openNoCheck)} | under 150 ms to the margin bars |`);
  log(`| retrieve the code with ${retrieveCold.value.length} segments: first after unlock (and the warm-up) | ${retrieveCold.ms.toFixed(0)} ms (CPU ${retrieveCold.cpu.toFixed(0)} ms) | under 100 ms |`);
  log(`| the same, warm (20 times) | ${fig(retrieveWarm)} | under 100 ms |`);
  log('');
  log('The "open" figure is the core and IPC payload only; drawing the margin bars is the renderer\'s and is measured in its browser tests.');
  log('');
  log('Where the time goes. Wall times on these shared cores are several times an idle machine\'s (load average above); the CPU figures say what the work costs. Unlock: the KDF, then each store\'s signed head checked against its rows and the audit log\'s hash chain against its signed head (each entry\'s own signature, an Ed25519 verification per entry, is left to `hvelv verify`: it was most of the time past the KDF). Right after unlock main warms the analysis in the background, a record per turn of the event loop: the analysis tables and every coding and memo decrypted, every transcript decrypted and folded (12 million characters, typed buffers, one pass); the first search then only scans the folded texts (indexOf, hits built up to the limit), and retrieval and opening find everything decrypted. A search typed before the warm-up is done finishes it itself (the "nothing warmed" row). Applying a code: the part of the interview\'s segments that holds the segment (at most 32 of them, about 10 KB of JSON) sealed and signed, the consent gate (the participant\'s registry entry and consent decrypted), the store head re-signed over the rows\' leaves (read from an index: before, reaching each row\'s leaf stepped through its sealed content, 16 MB of pages per apply), and the commit\'s fsync (synchronous=FULL), which waits on the shared disk. Before the parts, each apply resealed the interview\'s whole coding record (500 segments with their text, 125 KB) and the head digest read the whole store: CPU p50 29 ms against 9–11 ms now on the same vault (profiled at load 5–13). The slowest applies are the first few after unlock (the code paths compiled, the store\'s pages read) and those a young-generation collection falls in. Opening the 500-segment interview: the identifying-details count is kept while the key list and the text are unchanged, so only the first open of an interview runs the check (the p95 row is that first open); before, every open decrypted every transcript for the legacy "not identifying" terms and ran the check again. Retrieval builds context and a timestamp for each of the ~1 000 segments: the timestamp by binary search in a sync-point index made once per transcript (in the warm-up, with the position map that the search index shares), transcripts put in order once rather than a thousand segments sorted with the collator; what is left is the context (slices and three small regular expressions per segment) and the objects sent; the p95 is a garbage collection over the 400 MB heap falling into a run.');
}

// Run alone: replace only this section of docs/benchmarks.md.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { log, lines } = collector();
  await benchAnalysis(log);
  writeSections(lines);
}
