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
const tp = performance.now();
const ids: string[] = [];
for (let i = 0; i < N; i++) ids.push(session.stores.transcripts.put('segment', { participant: `P${String(i % 6).padStart(2, '0')}`, data: { text } }).id);
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

const doc = path.join(import.meta.dirname, '..', '..', 'docs', 'benchmarks.md');
const header = '# Benchmarks\n\nMade by `npm run bench` (tests/bench/run.ts). Figures are from the machine and date given; rerun to update.\n\n';
fs.writeFileSync(doc, `${header}${lines.join('\n')}\n`);
console.log(`\nwrote ${doc}`);
