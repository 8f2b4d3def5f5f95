/**
 * `hvelv`: the same core as the app, without Electron, for scripts and for the
 * deletion that must run when nobody opens the app.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PRODUCTION_KDF_POLICY, type KdfPolicy } from '../core/crypto/kdf';
import { createCrypto, type Crypto } from '../core/crypto/sodium';
import { HvelvError } from '../core/errors';
import { createProject } from '../core/services/create-project';
import { projectStatus } from '../core/services/project-status';
import { openProject } from '../core/services/open-project';
import { inspectVault, type CreateOptions, type VaultDeps, type VaultSession } from '../core/vault/vault';
import { errorMessage, localeFromSystem, type Locale } from '../../shared/i18n/catalogue';
import { daysUntil, localIsoDate } from '../../shared/domain';
import type { CliIo } from './io';
import { UsageError } from './io';
import { obtainPassphrase } from './passphrase';

export const EXIT = { ok: 0, other: 1, usage: 2, wrongPassphrase: 3, integrity: 4 } as const;

export const HELP = `hvelv: keeps the data of an interview study safe and lawful

Usage:
  hvelv init <vault> --title T --end-date YYYY-MM-DD [--institution I] [--faculty F]
             [--student S] [--supervisor V] [--sikt-ref R] [--end-action anonymise|delete-all]
  hvelv status <vault> [--unlock] [--json]
  hvelv verify <vault> [--json]
  hvelv audit list <vault> [--json]
  hvelv audit verify <vault> [--json]

Passphrase: asked on the terminal without echo, or read from --passphrase-file FILE,
or from the HVELV_PASSPHRASE environment variable. Never give it as an argument.
"status" without a passphrase shows what deletion at project end needs (end date,
which stores exist); with one (--unlock, a file or the variable) it shows everything.

Exit codes:
  0  ok
  1  other error
  2  usage error
  3  wrong passphrase
  4  integrity failure (the vault is damaged or was changed outside Hvelv)
`;

/** For tests only: a faster KDF policy. The installed command never passes one. */
export interface CliDeps {
  kdfPolicy?: KdfPolicy;
  createOptions?: CreateOptions;
}

const COMMON: ParseArgsConfig['options'] = {
  json: { type: 'boolean' },
  'passphrase-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

export async function run(argv: string[], io: CliIo, deps: CliDeps = {}): Promise<number> {
  const locale = localeFromSystem(io.env.LC_ALL || io.env.LC_MESSAGES || io.env.LANG);
  const json = argv.includes('--json');
  try {
    const [command, ...rest] = argv;
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.out(HELP);
      return command ? EXIT.ok : EXIT.usage;
    }
    const crypto = await createCrypto();
    const vaultDeps: VaultDeps = { crypto, kdfPolicy: deps.kdfPolicy ?? PRODUCTION_KDF_POLICY, now: io.now };
    switch (command) {
      case 'init':
        return await cmdInit(rest, io, vaultDeps, deps);
      case 'status':
        return await cmdStatus(rest, io, vaultDeps);
      case 'verify':
        return await cmdVerify(rest, io, vaultDeps);
      case 'audit':
        return await cmdAudit(rest, io, vaultDeps);
      default:
        throw new UsageError(`unknown command "${command}" (see hvelv --help)`);
    }
  } catch (err) {
    return reportError(err, io, locale, json);
  }
}

function parse(args: string[], options: ParseArgsConfig['options'], positionals: number) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (parsed.positionals.length !== positionals) {
    throw new UsageError(`expected ${positionals} argument(s), got ${parsed.positionals.length} (see hvelv --help)`);
  }
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}

const str = (v: string | boolean | undefined): string => (typeof v === 'string' ? v : '');

async function cmdInit(args: string[], io: CliIo, vaultDeps: VaultDeps, deps: CliDeps): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      title: { type: 'string' },
      'end-date': { type: 'string' },
      'end-action': { type: 'string' },
      institution: { type: 'string' },
      faculty: { type: 'string' },
      student: { type: 'string' },
      supervisor: { type: 'string' },
      'sikt-ref': { type: 'string' },
    },
    1,
  );
  if (!values.title) throw new UsageError('--title is required');
  if (!values['end-date']) throw new UsageError('--end-date YYYY-MM-DD is required');
  const endAction = str(values['end-action']) || 'anonymise';
  if (endAction !== 'anonymise' && endAction !== 'delete-all') throw new UsageError('--end-action must be anonymise or delete-all');
  const passphrase = await obtainPassphrase(io, { passphraseFile: str(values['passphrase-file']) || undefined }, { confirm: true, required: true });
  const session = await createProject(
    positionals[0]!,
    passphrase!,
    {
      title: str(values.title),
      endDate: str(values['end-date']) as never,
      endAction,
      institution: str(values.institution),
      faculty: str(values.faculty),
      student: str(values.student),
      supervisor: str(values.supervisor),
      siktRef: str(values['sikt-ref']),
    },
    vaultDeps,
    deps.createOptions,
  );
  try {
    const status = projectStatus(session, io.now());
    if (values.json) io.out(JSON.stringify({ ok: true, vault: status.path, vaultId: status.vaultId, endDate: status.endDate, kdf: status.kdf }));
    else {
      io.out(`Created vault ${status.path}`);
      io.out(`  project end ${status.endDate} (${status.daysLeft} days)`);
      io.out(`  Argon2id: ${status.kdf.opslimit} passes, ${status.kdf.memlimit / 1048576} MiB`);
    }
  } finally {
    session.lock();
  }
  return EXIT.ok;
}

async function unlockFromArgs(vault: string, values: Record<string, string | boolean | undefined>, io: CliIo, vaultDeps: VaultDeps): Promise<VaultSession> {
  const passphrase = await obtainPassphrase(io, { passphraseFile: str(values['passphrase-file']) || undefined }, { confirm: false, required: true });
  return openProject(vault, passphrase!, vaultDeps);
}

async function cmdStatus(args: string[], io: CliIo, vaultDeps: VaultDeps): Promise<number> {
  const { values, positionals } = parse(args, { unlock: { type: 'boolean' } }, 1);
  const vault = positionals[0]!;
  const haveSecret = Boolean(values['passphrase-file']) || Boolean(io.env.HVELV_PASSPHRASE) || Boolean(values.unlock);
  if (!haveSecret) {
    const info = inspectVault(vault, vaultDeps.crypto);
    const daysLeft = daysUntil(info.endDate, localIsoDate(io.now()));
    if (values.json) io.out(JSON.stringify({ ok: true, unlocked: false, ...info, daysLeft }));
    else {
      io.out(`${info.title}`);
      io.out(`  vault ${info.path} (format ${info.formatVersion})`);
      io.out(`  project end ${info.endDate} (${daysLeft} days), then: ${info.endAction}`);
      for (const [store, state] of Object.entries(info.stores)) io.out(`  ${store}: ${state}`);
    }
    return EXIT.ok;
  }
  const session = await unlockFromArgs(vault, values, io, vaultDeps);
  try {
    const status = projectStatus(session, io.now());
    if (values.json) io.out(JSON.stringify({ ok: true, unlocked: true, ...status }));
    else {
      io.out(status.title);
      if (status.institution) io.out(`  ${status.institution}${status.faculty ? `, ${status.faculty}` : ''}`);
      io.out(`  student ${status.student || '-'}, supervisor ${status.supervisor || '-'}, Sikt ${status.siktRef || '-'}`);
      io.out(`  project end ${status.endDate} (${status.daysLeft} days), then: ${status.endAction}`);
      for (const [store, n] of Object.entries(status.stores)) io.out(`  ${store}: ${n} records`);
    }
  } finally {
    session.lock();
  }
  return EXIT.ok;
}

async function cmdVerify(args: string[], io: CliIo, vaultDeps: VaultDeps): Promise<number> {
  const { values, positionals } = parse(args, {}, 1);
  const session = await unlockFromArgs(positionals[0]!, values, io, vaultDeps);
  let problems: string[];
  try {
    problems = session.verify();
  } finally {
    session.lock();
  }
  if (values.json) io.out(JSON.stringify({ ok: problems.length === 0, problems }));
  else if (problems.length === 0) io.out('ok: header, key files, every record and the audit chain verify');
  else for (const p of problems) io.err(`problem: ${p}`);
  return problems.length === 0 ? EXIT.ok : EXIT.integrity;
}

async function cmdAudit(args: string[], io: CliIo, vaultDeps: VaultDeps): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'list' && sub !== 'verify') throw new UsageError('expected "audit list" or "audit verify"');
  const { values, positionals } = parse(rest, {}, 1);
  const session = await unlockFromArgs(positionals[0]!, values, io, vaultDeps);
  try {
    if (sub === 'list') {
      const entries = session.audit.list();
      if (values.json) io.out(JSON.stringify({ ok: true, entries }));
      else for (const e of entries) io.out(`${String(e.seq).padStart(5)}  ${e.at}  ${e.actor.padEnd(10)} ${e.action.padEnd(24)} ${e.participant ?? ''}`);
      return EXIT.ok;
    }
    const problems = session.audit.verify();
    if (values.json) io.out(JSON.stringify({ ok: problems.length === 0, problems }));
    else if (problems.length === 0) io.out(`ok: ${session.audit.list().length} entries, chain and signatures verify`);
    else for (const p of problems) io.err(`problem: ${p}`);
    return problems.length === 0 ? EXIT.ok : EXIT.integrity;
  } finally {
    session.lock();
  }
}

function reportError(err: unknown, io: CliIo, locale: Locale, json: boolean): number {
  if (err instanceof UsageError) {
    if (json) io.out(JSON.stringify({ ok: false, error: { code: 'USAGE', message: err.message } }));
    else io.err(`hvelv: ${err.message}`);
    return EXIT.usage;
  }
  if (err instanceof HvelvError) {
    if (json) io.out(JSON.stringify({ ok: false, error: { code: err.code, message: err.message } }));
    else io.err(`hvelv: ${errorMessage(locale, err.code)}\n  (${err.message})`);
    if (err.code === 'WRONG_PASSPHRASE') return EXIT.wrongPassphrase;
    if (err.code === 'INTEGRITY') return EXIT.integrity;
    if (err.code === 'INVALID_INPUT') return EXIT.usage;
    return EXIT.other;
  }
  // A bug: say so plainly, without dumping data.
  io.err(`hvelv: ${errorMessage(locale, 'INTERNAL')}\n  (${(err as Error)?.message ?? String(err)})`);
  return EXIT.other;
}

export type { Crypto };
