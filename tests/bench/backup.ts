/**
 * `npx tsx tests/bench/backup.ts [GiB] [recordings]`: a first backup of a vault holding GiB of
 * recordings (default 2, in 4 recordings) against `cp -r` + `sync` of the same vault folder in
 * the same run, then an incremental backup after a day of coding (codes applied, a memo, a
 * transcript edited), then `backup verify` and a restore (against `cp -r` + `sync` of the
 * place), with the process's peak memory before and after them: `backup.ts 2.2 1` makes one
 * recording over 2 GiB, which verify and restore read in pieces (reading it whole fails over
 * 2 GiB). Results printed; copied by hand into docs/benchmarks.md.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Recordings } from '../../electron/core/services/recordings/recordings';
import { Transcripts } from '../../electron/core/services/transcripts/transcripts';
import { Codebook } from '../../electron/core/services/analysis/codebook';
import { Coding } from '../../electron/core/services/analysis/coding';
import { addPlace } from '../../electron/core/services/backup/places';
import { runBackup, verifyBackups } from '../../electron/core/services/backup/run';
import { restoreVault } from '../../electron/core/services/backup/restore';
import { admit, makeVault, pw, tempDir } from '../core/helpers';
import { wavHeader } from '../wav';

const GiB = 1024 ** 3;
const size = Number(process.argv[2] ?? 2) * GiB;
const nRec = Number(process.argv[3] ?? 4);
const now = () => new Date('2026-11-27T10:00:00Z');
const dir = tempDir('hvelv-bench-backup-');
const dirSize = (d: string): number => Number(execFileSync('du', ['-sb', d], { encoding: 'utf8' }).split('\t')[0]);

/** A WAV of `bytes` of noise written in 8 MiB pieces (never the whole file in memory). */
function wav(file: string, bytes: number): void {
  const fd = fs.openSync(file, 'w');
  fs.writeSync(fd, wavHeader(bytes, 48000, 2));
  for (let left = bytes; left > 0; left -= 8 * 1024 * 1024) fs.writeSync(fd, randomBytes(Math.min(left, 8 * 1024 * 1024)));
  fs.closeSync(fd);
}

const { session, deps, dir: vault } = await makeVault();
const codes = Array.from({ length: 8 }, (_, i) => admit(session, { name: `Benk Deltaker ${i}` }));
const perRecording = Math.floor(size / nRec / 2) * 2;
for (let i = 0; i < nRec; i++) {
  const f = path.join(dir, `rec${i}.wav`);
  wav(f, perRecording);
  await new Recordings(session, now).import(codes[i % codes.length]!, f);
  fs.rmSync(f);
}
// Eight transcripts of about 60 000 characters, a codebook of 40 codes, 300 coded passages.
const t = new Transcripts(session, now);
const words = 'jeg tenker at tillit handler om å bli sett og hørt i hverdagen på jobben med kollegaer'.split(' ');
const text = (seed: number) => Array.from({ length: 700 }, (_, i) => `${i % 2 ? 'B' : 'I'}: ${Array.from({ length: 14 }, (_, j) => words[(i * 7 + j * 3 + seed) % words.length]).join(' ')}.`).join('\n');
const transcripts = codes.map((c, i) => t.create(c, text(i)));
const book = new Codebook(session, now);
const codeIds = Array.from({ length: 40 }, (_, i) => book.add({ name: `Kode ${i}` }).id);
const coding = new Coding(session, now);
for (let i = 0; i < 300; i++) coding.apply(transcripts[i % 8]!.id, { start: (i * 97) % 50000, end: ((i * 97) % 50000) + 60 }, [codeIds[i % 40]!]);
fs.rmSync(path.join(dir, 'x'), { force: true, recursive: true });

const vaultBytes = dirSize(vault);
const place = path.join(dir, 'place');
fs.mkdirSync(place);
addPlace(session, place, now());

// cp -r + sync of the same folder, then Hvelv's first backup; the vault read once before each so both start from the page cache.
const readAll = () => execFileSync('sh', ['-c', `cat $(find "${vault}" -type f) > /dev/null`]);
readAll();
const cpTarget = path.join(dir, 'cp-copy');
let t0 = performance.now();
execFileSync('cp', ['-r', vault, cpTarget]);
execFileSync('sync');
const cpMs = performance.now() - t0;
fs.rmSync(cpTarget, { recursive: true });
execFileSync('sync');
readAll();
t0 = performance.now();
const first = (await runBackup(session, deps.crypto, now))[0]!;
execFileSync('sync');
const firstMs = performance.now() - t0;

// A day of coding: 60 codes applied, two new codes, a memo-length edit of one transcript.
codeIds.push(book.add({ name: 'Ny kode A' }).id, book.add({ name: 'Ny kode B' }).id);
for (let i = 0; i < 60; i++) coding.apply(transcripts[i % 8]!.id, { start: (i * 131 + 7) % 50000, end: ((i * 131 + 7) % 50000) + 80 }, [codeIds[40 + (i % 2)]!]);
t.update(transcripts[0]!.id, { text: `${t.get(transcripts[0]!.id).text}\nI: Takk for praten i dag, det var nyttig.` });
t0 = performance.now();
const second = (await runBackup(session, deps.crypto, now))[0]!;
const secondMs = performance.now() - t0;

// verify and restore, with the process's peak memory (maxRSS) before and after them.
const peakMb = () => process.resourceUsage().maxRSS / 1024;
const peakBefore = peakMb();
execFileSync('sync');
t0 = performance.now();
const verified = verifyBackups(session, deps.crypto)[0]!;
const verifyMs = performance.now() - t0;
if (verified.problems.length > 0) throw new Error(`verify: ${verified.problems.join('; ')}`);
const peakVerify = peakMb();
session.lock();
const cpPlace = path.join(dir, 'cp-place');
t0 = performance.now();
execFileSync('cp', ['-r', place, cpPlace]);
execFileSync('sync');
const cpPlaceMs = performance.now() - t0;
fs.rmSync(cpPlace, { recursive: true });
execFileSync('sync');
const restored = path.join(dir, 'restored');
t0 = performance.now();
await restoreVault(place, restored, pw('correct horse battery staple'), deps);
execFileSync('sync');
const restoreMs = performance.now() - t0;
const peakRestore = peakMb();

const mb = (b: number) => (b / 1e6).toFixed(1);
console.log(`## Backups (${new Date().toISOString().slice(0, 10)})\n`);
console.log(`Machine: ${os.cpus()[0]?.model ?? 'cpu'}, ${os.cpus().length} cores, ${Math.round(os.totalmem() / GiB)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}. Vault of ${mb(vaultBytes)} MB (${nRec} recordings of ${mb(perRecording)} MB, 8 transcripts of about 60 000 characters, 40 codes, 300 coded passages).\n`);
console.log('| what | figure |\n| --- | --- |');
console.log(`| \`cp -r\` + \`sync\` of the vault folder | ${(cpMs / 1000).toFixed(2)} s, ${mb(vaultBytes / (cpMs / 1000))} MB/s |`);
console.log(`| first \`backup run\` (snapshot, seal, write pieces whole, fsync, manifest) + \`sync\` | ${(firstMs / 1000).toFixed(2)} s, ${mb(first.newBytes / (firstMs / 1000))} MB/s; ${first.newPieces} pieces, ${mb(first.newBytes)} MB; Hvelv/cp time ratio ${(firstMs / cpMs).toFixed(2)} |`);
console.log(`| incremental \`backup run\` after a day of coding | ${(secondMs / 1000).toFixed(2)} s; ${second.newPieces} new pieces, ${mb(second.newBytes)} MB written, ${second.removedPieces} removed |`);
console.log(`| \`backup verify\` (every piece read back, hashed, sealed ones opened) | ${(verifyMs / 1000).toFixed(2)} s, ${mb(second.totalBytes / (verifyMs / 1000))} MB/s |`);
console.log(`| \`cp -r\` + \`sync\` of the backup place | ${(cpPlaceMs / 1000).toFixed(2)} s |`);
console.log(`| restore (pieces checked, files written whole, withdrawals applied, vault verified) + \`sync\` | ${(restoreMs / 1000).toFixed(2)} s; Hvelv/cp time ratio ${(restoreMs / cpPlaceMs).toFixed(2)} |`);
console.log(`| peak memory of the process (maxRSS) before verify / after verify / after restore | ${peakBefore.toFixed(0)} / ${peakVerify.toFixed(0)} / ${peakRestore.toFixed(0)} MB, largest recording ${mb(perRecording)} MB |`);
fs.rmSync(dir, { recursive: true, force: true });
