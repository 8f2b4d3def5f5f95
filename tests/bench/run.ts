/**
 * `npm run bench`: speed and memory figures, written to docs/benchmarks.md with the
 * date and the machine. Not part of `npm test`: timings belong here, not in tests.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { calibrateKdf, deriveKek, PRODUCTION_KDF_POLICY } from '../../electron/core/crypto/kdf';
import { createCrypto } from '../../electron/core/crypto/sodium';
import { createVault, unlockVault } from '../../electron/core/vault/vault';
import { SAMPLE_FACTS, pw } from '../core/helpers';
import { benchAnalysis } from './analysis';
import { writeSections } from './doc';

const MiB = 1024 * 1024;
const lines: string[] = [];
const log = (s: string): void => {
  console.log(s);
  lines.push(s);
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const crypto = await createCrypto();
const rssBefore = process.memoryUsage().rss;

// 1. Key derivation: what calibration picks here, and what one unlock costs.
const t0 = performance.now();
const cal = await calibrateKdf(PRODUCTION_KDF_POLICY);
const calMs = performance.now() - t0;
const derive: number[] = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  await deriveKek(pw('benchmark passphrase'), { alg: 'argon2id13', opslimit: cal.opslimit, memlimit: cal.memlimit, salt: crypto.random(16) }, PRODUCTION_KDF_POLICY);
  derive.push(performance.now() - t);
}
derive.sort((a, b) => a - b);
// Let the exited workers' memory go back before measuring.
await new Promise((r) => setTimeout(r, 1500));
const rssAfterKdf = process.memoryUsage().rss;

// 2. A vault with production parameters: create, unlock, records.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hvelv-bench-'));
const deps = { crypto, kdfPolicy: PRODUCTION_KDF_POLICY, now: () => new Date() };
const tc = performance.now();
const session = await createVault(path.join(dir, 'v'), pw('benchmark passphrase'), SAMPLE_FACTS, deps, { kdf: cal });
const createMs = performance.now() - tc;
const N = 2000;
const text = 'B: '.padEnd(2000, 'lorem ipsum dolor sit amet ');
const ids: string[] = [];
const { admit: admitOne } = await import('../core/helpers');
const codes = Array.from({ length: 6 }, (_, i) => admitOne(session, { name: `Deltaker ${i}` }));
const tp = performance.now();
for (let i = 0; i < N; i++) ids.push(session.stores.transcripts.put('segment', { participant: codes[i % 6]!, data: { text } }).id);
const putMs = performance.now() - tp;
const tg = performance.now();
for (const id of ids) session.stores.transcripts.get('segment', id);
const getMs = performance.now() - tg;
session.lock();
const tu = performance.now();
const again = await unlockVault(path.join(dir, 'v'), pw('benchmark passphrase'), deps);
const unlockMs = performance.now() - tu;
const tv = performance.now();
const problems = again.verify();
const verifyMs = performance.now() - tv;
again.lock();
fs.rmSync(dir, { recursive: true, force: true });

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const date = new Date().toISOString().slice(0, 10);
log(`## Vault and key derivation (${date})`);
log('');
log(`Machine: ${cpu}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}.`);
log('');
log('| what | figure |');
log('| --- | --- |');
log(`| KDF calibration picks (target ${PRODUCTION_KDF_POLICY.targetMs} ms) | Argon2id, ${cal.opslimit} passes, ${cal.memlimit / MiB} MiB |`);
log(`| calibration itself | ${calMs.toFixed(0)} ms |`);
log(`| one derivation at those parameters, median of 3 (worker thread) | ${percentile(derive, 50).toFixed(0)} ms |`);
log(`| main-process RSS growth from the derivations (workers exited; measured 1.5 s later) | ${((rssAfterKdf - rssBefore) / MiB).toFixed(1)} MiB |`);
log(`| create a vault (one derivation, 3 stores, audit) | ${createMs.toFixed(0)} ms |`);
log(`| unlock (one derivation, 3 key files, 3 store heads over ${N} rows) | ${unlockMs.toFixed(0)} ms |`);
log(`| write ${N} records of 2 KB (seal, sign, head update) | ${((N / putMs) * 1000).toFixed(0)} records/s |`);
log(`| read ${N} records (verify signature, open) | ${((N / getMs) * 1000).toFixed(0)} records/s |`);
log(`| verify the whole vault (${N} records) | ${verifyMs.toFixed(0)} ms, ${problems.length} problems |`);

// 3. Recordings: import of a 1 GiB WAV, waveform included, against age and cp; seek
// latency, memory (tests/bench/import.ts).
{
  const { benchExport, benchImport } = await import('./import');
  await benchImport(log, date);
  await benchExport(log, date);
}
// 3b. A 75-minute M4A the same way (tests/bench/import-m4a.ts; needs ffmpeg to make it).
{
  const { benchImportM4a } = await import('./import-m4a');
  await benchImportM4a(log, date);
}

// 4. Transcripts: looking for identifying details (the check runs on every list of
// transcripts, so it must be quick at the size of a real interview).
{
  const { applyReplacements, findIdentifiers, knownDetails, removalSpans } = await import('../../electron/core/services/deidentify/deidentify');
  const names = ['Kari Nordmann', 'Ola Hansen', 'Ingrid Berg', 'Per Dahl', 'Siri Lunde', 'Åse Haugen'];
  const people = names.map((name, i) => ({ name, email: `${name.split(' ')[0]!.toLowerCase()}${i}@example.no`, phone: `9${i}2 34 56${i}`, workplace: `NAV Sted${i}` }));
  const known = knownDetails(people);
  const turn = '#00:12:34-5# B: Jeg tar kaffe, vi går tur, jeg sender en sms bare for å holde relasjonen varm. Tillit kommer ikke av seg selv, sa Per, og ring 932 34 563. ';
  const interview = turn.repeat(Math.ceil(60_000 / turn.length)).slice(0, 60_000);
  const large = turn.repeat(Math.ceil(5_000_000 / turn.length)).slice(0, 5_000_000);
  const timeIt = (text: string, runs: number): { ms: number; found: number } => {
    let found = 0;
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      found = findIdentifiers(text, known).length;
      times.push(performance.now() - t);
    }
    return { ms: times.sort((a, b) => a - b)[Math.floor(runs / 2)]!, found };
  };
  const a = timeIt(interview, 21);
  const b = timeIt(large, 3);
  // Replacing every finding of the 5 MB text, as `deidentify` does: each span checked
  // to be a removal (whole words, no placeholder touched), then applied.
  const findings = findIdentifiers(large, known);
  const t0r = performance.now();
  const isRemoval = removalSpans(large, new Set(['[navn]', '[telefon]']));
  const allRemovals = findings.every((f) => isRemoval(f.start, f.end));
  const replaced = applyReplacements(large, findings.map((f) => ({ start: f.start, end: f.end, expected: f.text, with: f.kind === 'phone' ? '[telefon]' : '[navn]' })));
  const replaceMs = performance.now() - t0r;
  log('');
  log(`## Transcripts: looking for identifying details (${date})`);
  log('');
  log('Six participants in the key list (name, e-mail, phone, workplace); text with a name and a phone number in every turn. Medians.');
  log('');
  log('| what | figure |');
  log('| --- | --- |');
  log(`| a 75-minute interview (60 000 characters) | ${a.ms.toFixed(1)} ms, ${a.found} findings |`);
  log(`| the largest transcript Hvelv accepts (5 MB of text) | ${b.ms.toFixed(0)} ms, ${b.found} findings |`);
  log(`| replacing all ${findings.length} findings of the 5 MB text (each checked as a removal, then applied) | ${replaceMs.toFixed(0)} ms${allRemovals && replaced ? '' : ' (NOT all accepted: a bug)'} |`);
}

// 5. The analysis at thesis size (issue 9).
log('');
await benchAnalysis(log);

// 6. The command's start-up and a ZIP-bomb .docx (tests/bench/startup.ts).
{
  const { benchStartup } = await import('./startup');
  await benchStartup(log, date);
}

// 7. Identifying details beyond the key list: quality on the annotated corpus, and speed.
{
  const { deidBench } = await import('./deidentify');
  deidBench(log, date);
}

writeSections(lines);
