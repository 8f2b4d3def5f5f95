/**
 * Test support. The fast KDF policy below exists only under tests/: production
 * code (main, CLI) always passes PRODUCTION_KDF_POLICY, and a vault file cannot
 * choose a policy, so a vault made with these parameters is refused by the app.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { KdfPolicy } from '../../electron/core/crypto/kdf';
import { createCrypto, type Crypto } from '../../electron/core/crypto/sodium';
import { createVault, DEFAULT_FACTS, type ProjectFacts, type VaultDeps } from '../../electron/core/vault/vault';
import type { IsoDate } from '@shared/domain';
import { HvelvError } from '../../electron/core/errors';
import { Participants } from '../../electron/core/services/participants/participants';
import { ensureInitialForm } from '../../electron/core/consent/forms';
import { wavHeader } from '../wav';

export const TEST_KDF_POLICY: KdfPolicy = Object.freeze({
  minOps: 1,
  maxOps: 4,
  minMem: 8 * 1024,
  maxMem: 1024 * 1024,
  targetMs: 1,
  calibrationMaxMem: 8 * 1024,
});
export const TEST_KDF = { opslimit: 1, memlimit: 8 * 1024 };

/** Deterministic bytes from a seed (SHA-256 in counter mode): for golden files only. */
export function seededRandom(seed: string): (n: number) => Uint8Array {
  let counter = 0;
  return (n) => {
    const out = new Uint8Array(n);
    let off = 0;
    while (off < n) {
      const block = createHash('sha256').update(`${seed}:${counter++}`).digest();
      const take = Math.min(block.length, n - off);
      out.set(block.subarray(0, take), off);
      off += take;
    }
    return out;
  };
}

export const pw = (s: string): Uint8Array => new TextEncoder().encode(s);

export const SAMPLE_FACTS: ProjectFacts = {
  ...DEFAULT_FACTS,
  title: 'Relasjonsarbeid i arbeidsinkluderingsprosesser',
  endDate: '2031-05-30' as IsoDate,
  institution: 'Universitetet i Stavanger',
  faculty: 'Det samfunnsvitenskapelige fakultet',
  student: 'Test Student',
  supervisor: 'Test Veileder',
  siktRef: '123456',
  codePrefix: 'JS',
};

export function tempDir(prefix = 'hvelv-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function testDeps(overrides: Partial<VaultDeps> = {}): Promise<VaultDeps> {
  return {
    crypto: overrides.crypto ?? (await createCrypto()),
    kdfPolicy: TEST_KDF_POLICY,
    now: () => new Date('2026-11-27T10:00:00Z'),
    ...overrides,
  };
}

/** A fresh vault in a temp folder, unlocked, with the fast test KDF. */
export async function makeVault(passphrase = 'correct horse battery staple', deps?: VaultDeps) {
  const dir = path.join(tempDir(), 'vault');
  const d = deps ?? (await testDeps());
  const session = await createVault(dir, pw(passphrase), SAMPLE_FACTS, d, { kdf: TEST_KDF });
  return { dir, session, deps: d };
}

export type { Crypto };

/** Every file under `dir` (recursively), for forensic scans and tamper loops. */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/**
 * Which of `files` hold which needles: "<file> holds needle <i>" for each hit. Files that
 * vanish before they are read are skipped (other tests run beside the forensic ones,
 * and their SQLite -shm and temp files come and go).
 */
export function findNeedles(files: string[], needles: Buffer[]): string[] {
  const hits: string[] = [];
  for (const f of files) {
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(f);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    needles.forEach((n, i) => {
      if (bytes.includes(n)) hits.push(`${path.relative(os.tmpdir(), f)} holds needle ${i}`);
    });
  }
  return hits;
}

/** Files in the temp folder written since `since` (ms), smaller than `maxBytes`: where a leak to a temp file would be. */
export function recentTempFiles(since: number, maxBytes = 64 * 1024 * 1024): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    if (depth > 4) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      try {
        if (e.isDirectory()) walk(p, depth + 1);
        else if (e.isFile() && fs.statSync(p).mtimeMs >= since && fs.statSync(p).size < maxBytes) out.push(p);
      } catch {
        /* vanished */
      }
    }
  };
  walk(os.tmpdir(), 0);
  return out;
}

/**
 * Add a participant with consent to everything (as a signed paper form would give),
 * through the real service, so their data may be stored. Returns the new code.
 */
export function admit(session: import('../../electron/core/vault/vault').VaultSession, identity: { name: string; email?: string; phone?: string } = { name: 'Test Deltaker' }, now: () => Date = () => new Date('2026-11-27T10:00:00Z')): string {
  const p = new Participants(session, now);
  const form = ensureInitialForm(session.stores.keylist, session.facts, now());
  const code = p.add(identity);
  p.recordConsent(code, { date: '2026-11-20', formVersion: form.version, locale: 'nb', method: 'paper', statements: ['participate', 'audio-recording', 'processing-until-end'], unfinishedLetter: true });
  return code;
}

/** The HvelvError code `fn` throws, or 'NO_ERROR'. Anything else is rethrown: a bug, not an expected failure. */
export function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof HvelvError) return e.code;
    throw e;
  }
  return 'NO_ERROR';
}

/** codeOf for work that returns a promise: the HvelvError code it rejects with, or 'NO_ERROR'. */
export async function codeOfAsync(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof HvelvError) return e.code;
    throw e;
  }
  return 'NO_ERROR';
}

/**
 * A real WAV file (16-bit PCM, mono): a tone whose samples also carry `seed`, so
 * every file made here has bytes of its own that a forensic scan can look for.
 */
export function makeWav(file: string, seconds: number, seed = 1, sampleRate = 16000): Buffer {
  const n = Math.round(seconds * sampleRate);
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) {
    const v = Math.round(8000 * Math.sin((2 * Math.PI * (300 + seed * 17) * i) / sampleRate)) + ((i * 7919 + seed * 104729) % 97);
    data.writeInt16LE(v, i * 2);
  }
  const h = wavHeader(data.length, sampleRate);
  const bytes = Buffer.concat([h, data]);
  fs.writeFileSync(file, bytes);
  return bytes;
}
