/**
 * Passphrase → key-encryption key with Argon2id (libsodium crypto_pwhash).
 *
 * Runs in a short-lived worker thread: libsodium's WebAssembly memory only grows, so
 * a 256 MiB derivation in the main process would keep 256 MiB for the app's life.
 * The worker exits after each job and takes that memory with it.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { HvelvError } from '../errors';
import { KEY_BYTES } from './sodium';

export const SALT_BYTES = 16;
const MiB = 1024 * 1024;

export interface KdfParams {
  alg: 'argon2id13';
  opslimit: number;
  memlimit: number;
  salt: Uint8Array;
}

/**
 * What parameters a vault may ask for. The bounds are enforced on every header we
 * read, before any memory is allocated: a crafted header must not make the app
 * allocate gigabytes or run for hours, nor weaken the KDF below the floor.
 * A policy is chosen by code (main, CLI, tests), never by a vault file.
 */
export interface KdfPolicy {
  readonly minOps: number;
  readonly maxOps: number;
  readonly minMem: number;
  readonly maxMem: number;
  /** Calibration aims for this duration of one derivation. */
  readonly targetMs: number;
  /** Calibration grows memory up to this before adding passes. */
  readonly calibrationMaxMem: number;
}

export const PRODUCTION_KDF_POLICY: KdfPolicy = Object.freeze({
  minOps: 3,
  maxOps: 32,
  minMem: 64 * MiB,
  maxMem: 1024 * MiB,
  targetMs: 1000,
  calibrationMaxMem: 256 * MiB,
});

export function checkKdfParams(params: Pick<KdfParams, 'alg' | 'opslimit' | 'memlimit'>, policy: KdfPolicy): void {
  const { opslimit, memlimit } = params;
  if (params.alg !== 'argon2id13') {
    throw new HvelvError('UNSAFE_PARAMETERS', `unknown key-derivation algorithm ${String(params.alg)}`);
  }
  if (!Number.isSafeInteger(opslimit) || opslimit < policy.minOps || opslimit > policy.maxOps) {
    throw new HvelvError('UNSAFE_PARAMETERS', `Argon2id passes ${opslimit} outside [${policy.minOps}, ${policy.maxOps}]`);
  }
  if (!Number.isSafeInteger(memlimit) || memlimit < policy.minMem || memlimit > policy.maxMem || memlimit % 1024 !== 0) {
    throw new HvelvError('UNSAFE_PARAMETERS', `Argon2id memory ${memlimit} outside [${policy.minMem}, ${policy.maxMem}]`);
  }
}

/** The worker's source, run with `eval: true` so it needs no separate bundled file. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const sodium = require(workerData.sodiumPath);
sodium.ready.then(() => {
  const job = workerData.job;
  const run = (ops, mem, pw, salt) => sodium.crypto_pwhash(${KEY_BYTES}, pw, salt, ops, mem, sodium.crypto_pwhash_ALG_ARGON2ID13);
  if (job.kind === 'derive') {
    const key = run(job.opslimit, job.memlimit, job.passphrase, job.salt);
    sodium.memzero(job.passphrase);
    parentPort.postMessage({ key }, [key.buffer]);
  } else {
    const pw = sodium.randombytes_buf(32), salt = sodium.randombytes_buf(16);
    const time = (ops, mem) => { const t0 = performance.now(); run(ops, mem, pw, salt); return performance.now() - t0; };
    let ops = job.minOps, mem = job.minMem, ms = time(ops, mem);
    while (ms * 2 <= job.targetMs && mem * 2 <= job.maxMem) { mem *= 2; ms = time(ops, mem); }
    const scaled = Math.floor(ops * job.targetMs / ms);
    const finalOps = Math.min(job.maxOps, Math.max(ops, scaled));
    parentPort.postMessage({ opslimit: finalOps, memlimit: mem, estimatedMs: Math.round(ms * finalOps / ops) });
  }
}).catch((e) => { throw e; });
`;

const sodiumPath = createRequire(import.meta.url).resolve('libsodium-wrappers-sumo');

function runWorker<T>(job: Record<string, unknown>, transfer: ArrayBuffer[]): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { sodiumPath, job },
      transferList: transfer,
      // The derivation needs memlimit of WebAssembly memory plus a margin.
      resourceLimits: { maxOldGenerationSizeMb: 64 },
    });
    let settled = false;
    worker.once('message', (msg: T) => {
      settled = true;
      resolve(msg);
      void worker.terminate();
    });
    worker.once('error', (err) => {
      settled = true;
      reject(new HvelvError('INTERNAL', `key derivation failed: ${err.message}`, { cause: err }));
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new HvelvError('INTERNAL', `key derivation worker exited with ${code}`));
    });
  });
}

/**
 * Derive the 32-byte key-encryption key. `passphrase` is moved into the worker
 * (transferred) and wiped there; the caller's view of it becomes empty.
 */
export async function deriveKek(passphrase: Uint8Array, params: KdfParams, policy: KdfPolicy): Promise<Uint8Array> {
  checkKdfParams(params, policy);
  // Copy into a buffer we own exclusively so transferring it detaches nothing shared.
  const pw = new Uint8Array(passphrase);
  passphrase.fill(0);
  const salt = new Uint8Array(params.salt);
  const { key } = await runWorker<{ key: Uint8Array }>(
    { kind: 'derive', opslimit: params.opslimit, memlimit: params.memlimit, passphrase: pw, salt },
    [pw.buffer as ArrayBuffer],
  );
  return new Uint8Array(key.buffer, key.byteOffset, key.byteLength);
}

export interface Calibration {
  opslimit: number;
  memlimit: number;
  estimatedMs: number;
}

/** Find parameters that take about `policy.targetMs` on this machine, never below the floor. */
export async function calibrateKdf(policy: KdfPolicy): Promise<Calibration> {
  const result = await runWorker<Calibration>(
    {
      kind: 'calibrate',
      minOps: policy.minOps,
      maxOps: policy.maxOps,
      minMem: policy.minMem,
      maxMem: Math.min(policy.calibrationMaxMem, policy.maxMem),
      targetMs: policy.targetMs,
    },
    [],
  );
  checkKdfParams({ alg: 'argon2id13', ...result }, policy);
  return result;
}

/** Normalise so the same passphrase typed on another keyboard or OS yields the same bytes. */
export function passphraseBytes(passphrase: string): Uint8Array {
  return new TextEncoder().encode(passphrase.normalize('NFC'));
}
