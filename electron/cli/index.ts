/**
 * `hvelv`: the same core as the app, without Electron, for scripts and for the
 * deletion that must run when nobody opens the app.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PRODUCTION_KDF_POLICY, passphraseBytes, type KdfPolicy } from '../core/crypto/kdf';
import { createCrypto, type Crypto } from '../core/crypto/sodium';
import { HvelvError } from '../core/errors';
import { createProject } from '../core/services/create-project';
import { projectStatus } from '../core/services/project-status';
import { openProject } from '../core/services/open-project';
import { inspectVault, unlockVault, type CreateOptions, type VaultDeps, type VaultSession } from '../core/vault/vault';
import type { DeidReport } from '../../shared/contract';
import { errorMessage, localeFromSystem, translate, type Locale } from '../../shared/i18n/catalogue';
import { daysUntil, isIsoDate, localIsoDate } from '../../shared/domain';
import type { CliIo } from './io';
import { Participants, type WithdrawalCounts } from '../core/services/participants';
import type { WithdrawalReceipt } from '../core/services/participant-documents';
import type { Identity } from '../core/consent/model';
import { getForm, listForms, renderFormHtml } from '../core/consent/forms';
import { writeFileAtomic } from '../core/vault/atomic-file';
import { Recordings } from '../core/services/recordings';
import { Transcripts } from '../core/services/transcripts';
import * as path from 'node:path';
import { enforceProjectEnd } from '../core/services/project-end';
import { verifyProject } from '../core/services/verify';
import { currentCommand, installLinux, jobName, removeLinux, scheduleFiles, statusLinux, type SchedulePlatform } from '../core/services/schedule';
import type { ConsentMethod } from '../../shared/domain';
import { UsageError } from './io';
import { obtainPassphrase } from './passphrase';

export const EXIT = { ok: 0, other: 1, usage: 2, wrongPassphrase: 3, integrity: 4 } as const;

export const HELP = `hvelv: keeps the data of an interview study safe and lawful

Usage:
  hvelv init <vault> --title T --end-date YYYY-MM-DD [--institution I] [--faculty F]
             [--student S] [--supervisor V] [--sikt-ref R] [--end-action anonymise|delete-all]
             [--code-prefix JS]   (participant codes become JS01, JS02, …; default P)
  hvelv status <vault> [--unlock] [--json]
  hvelv verify <vault> [--json]
  hvelv audit list <vault> [--json]
  hvelv audit verify <vault> [--json]

  hvelv participant add <vault> --name N [--email E] [--phone P] [--workplace W] [--notes T] [--json]
  hvelv participant list <vault> [--reveal] [--json]
  hvelv participant show <vault> <code> [--json]          (reveals the identity; audited)
  hvelv participant edit <vault> <code> [--name N] [--email E] [--phone P] [--workplace W] [--notes T]
  hvelv consent record <vault> <code> --date D --form-version V [--locale nb|en]
             [--method paper|digital|oral-recorded] [--evidence FILE] [--statement S]...
             (without --statement: every statement on the form)
  hvelv withdraw <vault> <code> [--date D] --yes [--receipt FILE] [--locale nb|en]
             (without --yes: shows what would be destroyed, changes nothing)
  hvelv access-request <vault> <code> --out DIR [--locale nb|en]
  hvelv form list <vault> [--json]
  hvelv form export <vault> --form-version V [--locale nb|en] --out FILE

  hvelv audio import <vault> <code> <file> [--delete-original] [--json]
  hvelv audio list <vault> [--json]
  hvelv audio export <vault> <id> --out FILE            (bit-identical to the original)
  hvelv audio delete <vault> <id> --yes
  hvelv transcript import <vault> <code> <file> [--recording ID] [--json]   (.txt, .docx, .srt, .vtt)
  hvelv transcript list <vault> [--json]
  hvelv transcript export <vault> <id> --out FILE.txt|FILE.docx
  hvelv transcript delete <vault> <id> --yes
  hvelv transcript check <vault> <id> [--json]         identifying details (names, phone numbers, ...)
  hvelv transcript deidentify <vault> <id> [--keep TERM ...] [--yes]
                                                       replace them with placeholders ([navn], ...);
                                                       without --yes, shows what would be replaced

  hvelv enforce <vault> [--now YYYY-MM-DD] [--owner-key KEY] [--json]
             Deletes what is due at the project end date. Needs no passphrase. --now may
             move time forward (for previews and tests), never back.
  hvelv deadline show <vault> [--json]
  hvelv deadline extend <vault> --to YYYY-MM-DD --reason R --sikt-ref X [--sikt-date YYYY-MM-DD]
  hvelv deadline action <vault> anonymise|delete-all   (what the end date deletes)
  hvelv schedule install|remove|status <vault> [--platform linux|darwin|win32] [--dry-run] [--json]
             A daily operating-system job that runs "hvelv enforce" (systemd user timer on
             Linux; launchd and Task Scheduler files are written for macOS and Windows).

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
      case 'participant':
        return await cmdParticipant(rest, io, vaultDeps);
      case 'consent':
        return await cmdConsent(rest, io, vaultDeps);
      case 'withdraw':
        return await cmdWithdraw(rest, io, vaultDeps, locale);
      case 'access-request':
        return await cmdAccess(rest, io, vaultDeps, locale);
      case 'form':
        return await cmdForm(rest, io, vaultDeps);
      case 'audio':
        return await cmdAudio(rest, io, vaultDeps);
      case 'transcript':
        return await cmdTranscript(rest, io, vaultDeps, locale);
      case 'enforce':
        return cmdEnforce(rest, io, vaultDeps);
      case 'deadline':
        return await cmdDeadline(rest, io, vaultDeps);
      case 'schedule':
        return cmdSchedule(rest, io, vaultDeps);
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
      'code-prefix': { type: 'string' },
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
      codePrefix: str(values['code-prefix']) || undefined,
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
      if (info.endDateHistory.length > 0) io.out(`  end date moved ${info.endDateHistory.length} time(s); see hvelv deadline show`);
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

/** For verify and audit: opens even a damaged audit log, to report it; writes nothing. */
async function inspectFromArgs(vault: string, values: Record<string, string | boolean | undefined>, io: CliIo, vaultDeps: VaultDeps): Promise<VaultSession> {
  const passphrase = await obtainPassphrase(io, { passphraseFile: str(values['passphrase-file']) || undefined }, { confirm: false, required: true });
  return unlockVault(vault, passphraseBytes(passphrase!), vaultDeps, { forInspection: true });
}

async function cmdVerify(args: string[], io: CliIo, vaultDeps: VaultDeps): Promise<number> {
  const { values, positionals } = parse(args, {}, 1);
  const session = await inspectFromArgs(positionals[0]!, values, io, vaultDeps);
  let problems: string[];
  try {
    problems = verifyProject(session, io.now);
  } finally {
    session.lock();
  }
  if (values.json) io.out(JSON.stringify({ ok: problems.length === 0, problems }));
  else if (problems.length === 0) io.out('ok: header, key files, every record, every recording and the audit chain verify');
  else for (const p of problems) io.err(`problem: ${p}`);
  return problems.length === 0 ? EXIT.ok : EXIT.integrity;
}

async function cmdAudit(args: string[], io: CliIo, vaultDeps: VaultDeps): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'list' && sub !== 'verify') throw new UsageError('expected "audit list" or "audit verify"');
  const { values, positionals } = parse(rest, {}, 1);
  const session = await inspectFromArgs(positionals[0]!, values, io, vaultDeps);
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

const IDENTITY_OPTIONS: ParseArgsConfig['options'] = {
  name: { type: 'string' },
  email: { type: 'string' },
  phone: { type: 'string' },
  workplace: { type: 'string' },
  notes: { type: 'string' },
};

function identityFrom(values: Record<string, string | boolean | undefined>): Partial<Identity> {
  const out: Partial<Identity> = {};
  for (const k of ['name', 'email', 'phone', 'workplace', 'notes'] as const) if (typeof values[k] === 'string') out[k] = values[k];
  return out;
}

async function withSession<T>(vault: string, values: Record<string, string | boolean | undefined>, io: CliIo, vaultDeps: VaultDeps, fn: (s: VaultSession) => T | Promise<T>): Promise<T> {
  const session = await unlockFromArgs(vault, values, io, vaultDeps);
  try {
    return await fn(session);
  } finally {
    session.lock();
  }
}

async function cmdParticipant(args: string[], io: CliIo, vaultDeps: VaultDeps): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add': {
      const { values, positionals } = parse(rest, IDENTITY_OPTIONS, 1);
      if (!values.name) throw new UsageError('--name is required');
      const code = await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Participants(s, io.now).add(identityFrom(values) as Identity));
      io.out(values.json ? JSON.stringify({ code }) : code);
      return EXIT.ok;
    }
    case 'list': {
      const { values, positionals } = parse(rest, { reveal: { type: 'boolean' } }, 1);
      const rows = await withSession(positionals[0]!, values, io, vaultDeps, (s) => {
        const p = new Participants(s, io.now);
        return p.list().map((x) => ({ ...x, identity: values.reveal && x.status === 'active' ? p.reveal(x.code) : undefined }));
      });
      if (values.json) io.out(JSON.stringify({ ok: true, participants: rows }));
      else
        for (const r of rows) {
          const consent = r.consent ? `consent ${r.consent.date} (${r.consent.method}, form v${r.consent.formVersion})` : r.status === 'active' ? 'no consent' : '';
          io.out(`${r.code.padEnd(8)} ${r.status.padEnd(11)} ${consent}${r.withdrawnOn ? `withdrawn ${r.withdrawnOn}` : ''}${r.identity ? `  ${r.identity.name} <${r.identity.email}>` : ''}`);
        }
      return EXIT.ok;
    }
    case 'show': {
      const { values, positionals } = parse(rest, {}, 2);
      const code = positionals[1]!;
      const shown = await withSession(positionals[0]!, values, io, vaultDeps, (s) => {
        const p = new Participants(s, io.now);
        const summary = p.list().find((x) => x.code === code);
        if (!summary) throw new HvelvError('UNKNOWN_PARTICIPANT', `no participant ${code}`);
        return { ...summary, identity: summary.status === 'active' ? p.reveal(code) : null };
      });
      if (values.json) io.out(JSON.stringify({ ok: true, participant: shown }));
      else {
        io.out(`${shown.code} (${shown.status})`);
        if (shown.identity) for (const [k, v] of Object.entries(shown.identity)) if (v) io.out(`  ${k}: ${v}`);
        if (shown.consent) io.out(`  consent: ${shown.consent.date}, ${shown.consent.method}, form v${shown.consent.formVersion}`);
      }
      return EXIT.ok;
    }
    case 'edit': {
      const { values, positionals } = parse(rest, IDENTITY_OPTIONS, 2);
      const change = identityFrom(values);
      if (Object.keys(change).length === 0) throw new UsageError('nothing to change: give --name, --email, --phone, --workplace or --notes');
      await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Participants(s, io.now).updateIdentity(positionals[1]!, change));
      io.out(values.json ? JSON.stringify({ ok: true }) : `updated ${positionals[1]}`);
      return EXIT.ok;
    }
    default:
      throw new UsageError('expected participant add|list|show|edit');
  }
}

async function cmdConsent(args: string[], io: CliIo, vaultDeps: VaultDeps): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'record') throw new UsageError('expected "consent record"');
  const { values, positionals } = parse(
    rest,
    {
      date: { type: 'string' },
      'form-version': { type: 'string' },
      locale: { type: 'string' },
      method: { type: 'string' },
      evidence: { type: 'string' },
      statement: { type: 'string', multiple: true },
    },
    2,
  );
  if (!values.date) throw new UsageError('--date YYYY-MM-DD is required');
  const version = Number(values['form-version']);
  if (!Number.isInteger(version) || version < 1) throw new UsageError('--form-version must be a version number (see hvelv form list)');
  const locale = (str(values.locale) || 'nb') as Locale;
  if (locale !== 'nb' && locale !== 'en') throw new UsageError('--locale must be nb or en');
  const raw = (values as Record<string, unknown>).statement;
  const given = Array.isArray(raw) ? (raw as string[]) : [];
  const record = await withSession(positionals[0]!, values, io, vaultDeps, (s) => {
    const statements = given.length > 0 ? given : getForm(s.stores.keylist, version).texts[locale].statements.map((x) => x.id);
    return new Participants(s, io.now).recordConsent(positionals[1]!, {
      date: str(values.date),
      formVersion: version,
      locale,
      method: (str(values.method) || 'paper') as ConsentMethod,
      statements,
      evidence: values.evidence ? { path: str(values.evidence) } : undefined,
    });
  });
  if (values.json) io.out(JSON.stringify({ ok: true, consent: { ...record } }));
  else io.out(`consent recorded for ${positionals[1]}: ${record.date}, form v${record.formVersion} (${record.locale}), ${record.statements.join(', ')}`);
  return EXIT.ok;
}

async function cmdWithdraw(args: string[], io: CliIo, vaultDeps: VaultDeps, locale: Locale): Promise<number> {
  const { values, positionals } = parse(args, { date: { type: 'string' }, yes: { type: 'boolean' }, receipt: { type: 'string' }, locale: { type: 'string' } }, 2);
  const code = positionals[1]!;
  const lang = (str(values.locale) || locale) as Locale;
  const result = await withSession(positionals[0]!, values, io, vaultDeps, (s): { preview: WithdrawalCounts } | { receipt: WithdrawalReceipt } => {
    const p = new Participants(s, io.now);
    if (!values.yes) return { preview: p.withdrawalPreview(code) };
    const receipt = p.withdraw(code, str(values.date) || undefined);
    if (values.receipt) writeFileAtomic(str(values.receipt), new TextEncoder().encode(p.receiptHtml(code, lang)));
    return { receipt };
  });
  if ('preview' in result) {
    if (values.json) io.out(JSON.stringify({ ok: false, wouldDestroy: result.preview }));
    else {
      io.err(`Withdrawing ${code} destroys, in every store:`);
      for (const [kind, n] of Object.entries(result.preview)) io.err(`  ${kind}: ${n}`);
      io.err('Nothing was changed. Run again with --yes to withdraw.');
    }
    return EXIT.usage;
  }
  if (values.json) io.out(JSON.stringify({ ok: true, receipt: result.receipt }));
  else {
    io.out(`${code} withdrawn on ${result.receipt.withdrawnOn}; destroyed:`);
    for (const [kind, n] of Object.entries(result.receipt.counts)) io.out(`  ${kind}: ${n}`);
    if (values.receipt) io.out(`receipt: ${str(values.receipt)}`);
  }
  return EXIT.ok;
}

async function cmdAccess(args: string[], io: CliIo, vaultDeps: VaultDeps, locale: Locale): Promise<number> {
  const { values, positionals } = parse(args, { out: { type: 'string' }, locale: { type: 'string' } }, 2);
  if (!values.out) throw new UsageError('--out DIR is required');
  const lang = (str(values.locale) || locale) as Locale;
  const res = await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Participants(s, io.now).accessRequest(positionals[1]!, str(values.out), lang));
  if (values.json) io.out(JSON.stringify({ ok: true, ...res }));
  else {
    io.out(`exported to ${res.folder}:`);
    for (const f of res.files) io.out(`  ${f}`);
  }
  return EXIT.ok;
}

async function cmdForm(args: string[], io: CliIo, vaultDeps: VaultDeps): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'list') {
    const { values, positionals } = parse(rest, {}, 1);
    const forms = await withSession(positionals[0]!, values, io, vaultDeps, (s) => listForms(s.stores.keylist));
    if (values.json) io.out(JSON.stringify({ ok: true, forms: forms.map((f) => ({ version: f.version, frozen: f.frozen, createdAt: f.createdAt, hashes: f.hashes })) }));
    else for (const f of forms) io.out(`v${f.version}  ${f.frozen ? 'frozen (used for consent)' : 'editable'}  nb ${f.hashes.nb.slice(0, 12)}  en ${f.hashes.en.slice(0, 12)}`);
    return EXIT.ok;
  }
  if (sub === 'export') {
    const { values, positionals } = parse(rest, { 'form-version': { type: 'string' }, locale: { type: 'string' }, out: { type: 'string' } }, 1);
    if (!values.out) throw new UsageError('--out FILE is required');
    const version = Number(values['form-version'] ?? '1');
    const lang = (str(values.locale) || 'nb') as Locale;
    const html = await withSession(positionals[0]!, values, io, vaultDeps, (s) => {
      const f = getForm(s.stores.keylist, version);
      return renderFormHtml(f.texts[lang], lang, { version: f.version, hash: f.hashes[lang] });
    });
    writeFileAtomic(str(values.out), new TextEncoder().encode(html));
    io.out(values.json ? JSON.stringify({ ok: true, out: str(values.out) }) : `wrote ${str(values.out)}`);
    return EXIT.ok;
  }
  throw new UsageError('expected form list|export');
}

async function cmdAudio(args: string[], io: CliIo, vaultDeps: VaultDeps): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'import': {
      const { values, positionals } = parse(rest, { 'delete-original': { type: 'boolean' } }, 3);
      const [vault, code, file] = positionals as [string, string, string];
      const info = await withSession(vault, values, io, vaultDeps, async (s) => {
        const rec = new Recordings(s, io.now);
        const started = Date.now();
        let shown = 0;
        const imported = await rec.import(code, file, {
          onProgress: ({ bytes, total }) => {
            if (!io.isTty || Date.now() - shown < 250) return;
            shown = Date.now();
            const mbs = bytes / 1e6 / Math.max(0.001, (Date.now() - started) / 1000);
            io.err(`\r${Math.floor((bytes / Math.max(total, 1)) * 100)}%  ${mbs.toFixed(0)} MB/s`);
          },
        });
        if (values['delete-original']) await rec.deleteOriginal(imported.id, file);
        return imported;
      });
      if (values.json) io.out(JSON.stringify({ ok: true, recording: info, originalDeleted: Boolean(values['delete-original']) }));
      else {
        io.out(info.id);
        if (values['delete-original']) io.err('The original was overwritten and removed. On SSDs and in backups copies may remain.');
      }
      return EXIT.ok;
    }
    case 'list': {
      const { values, positionals } = parse(rest, {}, 1);
      const list = await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Recordings(s, io.now).list());
      const rows = list.map((r) => ({ id: r.id, code: r.code, durationS: Math.round(r.durationMs / 100) / 10, codec: r.codec, format: r.format, size: r.size, sha256: r.sha256 }));
      if (values.json) io.out(JSON.stringify({ ok: true, recordings: rows }));
      else for (const r of rows) io.out(`${r.id}  ${r.code.padEnd(8)} ${String(r.durationS).padStart(8)} s  ${r.format.padEnd(5)} ${r.codec.padEnd(16)} ${String(r.size).padStart(12)}  ${r.sha256}`);
      return EXIT.ok;
    }
    case 'export': {
      const { values, positionals } = parse(rest, { out: { type: 'string' } }, 2);
      if (!values.out) throw new UsageError('--out FILE is required');
      const res = await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Recordings(s, io.now).export(positionals[1]!, str(values.out)));
      io.out(values.json ? JSON.stringify({ ok: true, out: str(values.out), sha256: res.sha256 }) : `wrote ${str(values.out)} (sha256 ${res.sha256}, identical to the original)`);
      return EXIT.ok;
    }
    case 'delete': {
      const { values, positionals } = parse(rest, { yes: { type: 'boolean' } }, 2);
      if (!values.yes) throw new UsageError('deleting a recording cannot be undone: add --yes');
      await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Recordings(s, io.now).delete(positionals[1]!));
      io.out(values.json ? JSON.stringify({ ok: true }) : `deleted ${positionals[1]}`);
      return EXIT.ok;
    }
    default:
      throw new UsageError('expected audio import|list|export|delete');
  }
}

async function cmdTranscript(args: string[], io: CliIo, vaultDeps: VaultDeps, locale: Locale): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'import': {
      const { values, positionals } = parse(rest, { recording: { type: 'string' } }, 3);
      const [vault, code, file] = positionals as [string, string, string];
      const t = await withSession(vault, values, io, vaultDeps, (s) => new Transcripts(s, io.now).import(code, file, { recordingId: str(values.recording) || undefined }));
      io.out(values.json ? JSON.stringify({ ok: true, transcript: { ...t, text: undefined } }) : t.id);
      return EXIT.ok;
    }
    case 'list': {
      const { values, positionals } = parse(rest, {}, 1);
      const list = await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Transcripts(s, io.now).list());
      if (values.json) io.out(JSON.stringify({ ok: true, transcripts: list }));
      else for (const t of list) io.out(`${t.id}  ${t.code.padEnd(8)} ${t.complete ? 'complete  ' : 'in progress'} ${String(t.chars).padStart(8)} chars  ${t.syncPointCount} timestamps  ${t.recordingId ? `recording ${t.recordingId}` : ''}`);
      return EXIT.ok;
    }
    case 'export': {
      const { values, positionals } = parse(rest, { out: { type: 'string' }, format: { type: 'string' } }, 2);
      if (!values.out) throw new UsageError('--out FILE is required');
      const format = (str(values.format) || path.extname(str(values.out)).slice(1).toLowerCase()) as 'txt' | 'docx';
      if (format !== 'txt' && format !== 'docx') throw new UsageError('export as .txt or .docx (--format txt|docx)');
      await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Transcripts(s, io.now).export(positionals[1]!, str(values.out), format));
      io.out(values.json ? JSON.stringify({ ok: true, out: str(values.out) }) : `wrote ${str(values.out)}`);
      return EXIT.ok;
    }
    case 'delete': {
      const { values, positionals } = parse(rest, { yes: { type: 'boolean' } }, 2);
      if (!values.yes) throw new UsageError('deleting a transcript cannot be undone: add --yes');
      await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Transcripts(s, io.now).delete(positionals[1]!));
      io.out(values.json ? JSON.stringify({ ok: true }) : `deleted ${positionals[1]}`);
      return EXIT.ok;
    }
    case 'check': {
      const { values, positionals } = parse(rest, {}, 2);
      const [vault, id] = positionals as [string, string];
      const { report, text } = await withSession(vault, values, io, vaultDeps, (s) => {
        const tr = new Transcripts(s, io.now);
        return { report: tr.check(id), text: tr.get(id).text };
      });
      if (values.json) io.out(JSON.stringify({ ok: true, ...report }));
      else printFindings(io, report, text, locale);
      return EXIT.ok;
    }
    case 'deidentify': {
      const { values, positionals } = parse(rest, { keep: { type: 'string', multiple: true }, yes: { type: 'boolean' } }, 2);
      const [vault, id] = positionals as [string, string];
      const keep = ((values.keep as unknown as string[] | undefined) ?? []).map((k) => k.trim()).filter(Boolean);
      const lower = (t: string) => t.toLocaleLowerCase('nb');
      const result = await withSession(vault, values, io, vaultDeps, (s) => {
        const tr = new Transcripts(s, io.now);
        const report = tr.check(id);
        // Only words the check finds (or kept before) can be kept: said now, not after --yes.
        const keepable = new Set([...report.kept, ...report.findings.map((f) => f.text)].map(lower));
        const stray = keep.filter((k) => !keepable.has(lower(k)));
        if (stray.length) throw new UsageError(`--keep ${JSON.stringify(stray[0])}: not found in the transcript (see hvelv transcript check)`);
        const kept = [...new Set([...report.kept, ...keep])];
        const keptLower = new Set(kept.map(lower));
        const chosen = report.findings.filter((f) => !keptLower.has(lower(f.text)));
        const replace = chosen.map((f) => ({ start: f.start, end: f.end, expected: f.text, with: translate(locale, `deid.placeholder.${f.kind}`) }));
        const changes = replace.length > 0 || kept.length !== report.kept.length;
        if (values.yes && changes) tr.deidentify(id, replace, kept);
        return { replace, text: tr.get(id).text };
      });
      if (values.json) io.out(JSON.stringify({ ok: true, done: Boolean(values.yes), replaced: result.replace.map((r) => ({ text: r.expected, with: r.with })) }));
      else {
        for (const r of result.replace) io.out(`${values.yes ? 'replaced' : 'would replace'}  ${JSON.stringify(r.expected)}  →  ${r.with}`);
        if (result.replace.length === 0) io.out('nothing to replace');
        else if (!values.yes) io.out('nothing changed: add --yes to replace these');
      }
      return EXIT.ok;
    }
    default:
      throw new UsageError('expected transcript import|list|export|delete|check|deidentify');
  }
}

/** Each finding on its own line: line number, kind, and the words around it. */
function printFindings(io: CliIo, report: DeidReport, text: string, locale: Locale): void {
  if (!report.keyListUsed) io.out(translate(locale, 'deid.noKeyList'));
  if (report.findings.length === 0) io.out(translate(locale, 'deid.none'));
  for (const f of report.findings) {
    const line = text.slice(0, f.start).split('\n').length;
    const before = text.slice(Math.max(0, f.start - 30), f.start).replace(/\s+/g, ' ');
    const after = text.slice(f.end, f.end + 30).replace(/\s+/g, ' ');
    io.out(`line ${String(line).padStart(4)}  ${translate(locale, `deid.kind.${f.kind}`).padEnd(14)} …${before}[${f.text}]${after}…`);
  }
}

function cmdEnforce(args: string[], io: CliIo, vaultDeps: VaultDeps): number {
  const { values, positionals } = parse(args, { now: { type: 'string' }, 'owner-key': { type: 'string' } }, 1);
  const requested = str(values.now);
  if (requested && !isIsoDate(requested)) throw new UsageError('--now must be a date, YYYY-MM-DD');
  const r = enforceProjectEnd(positionals[0]!, {
    crypto: vaultDeps.crypto,
    now: io.now(),
    requestedNow: requested ? new Date(`${requested}T12:00:00`) : undefined,
    ownerKey: str(values['owner-key']) || undefined,
  });
  if (values.json) io.out(JSON.stringify({ ok: true, ...r }));
  else if (!r.due) io.out(`${r.title}: nothing is due; the project ends ${r.endDate} (${r.daysLeft} days).`);
  else if (r.destroyedNow.length > 0) {
    io.out(`${r.title}: the project ended ${r.endDate}. Destroyed now: ${r.destroyedNow.join(', ')}.`);
    if (r.certificate) io.out(`Deletion certificate: ${r.certificate.html}`);
  } else io.out(`${r.title}: the project ended ${r.endDate}; ${r.destroyedBefore.join(', ') || 'nothing'} already destroyed, nothing more is due.`);
  return EXIT.ok;
}

async function cmdDeadline(args: string[], io: CliIo, vaultDeps: VaultDeps): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'show') {
    const { values, positionals } = parse(rest, {}, 1);
    const info = inspectVault(positionals[0]!, vaultDeps.crypto);
    const daysLeft = daysUntil(info.endDate, localIsoDate(io.now()));
    if (values.json) io.out(JSON.stringify({ ok: true, endDate: info.endDate, endAction: info.endAction, daysLeft, history: info.endDateHistory }));
    else {
      io.out(`project end ${info.endDate} (${daysLeft} days), then: ${info.endAction}`);
      for (const h of info.endDateHistory) io.out(`  moved ${h.from} -> ${h.to} on ${h.changedAt.slice(0, 10)}: ${h.reason} (Sikt ${h.siktRef}, notified ${h.siktNotifiedOn})`);
    }
    return EXIT.ok;
  }
  if (sub === 'extend') {
    const { values, positionals } = parse(rest, { to: { type: 'string' }, reason: { type: 'string' }, 'sikt-ref': { type: 'string' }, 'sikt-date': { type: 'string' } }, 1);
    const to = str(values.to);
    if (!isIsoDate(to)) throw new UsageError('--to YYYY-MM-DD is required');
    if (!values.reason || !values['sikt-ref']) throw new UsageError('--reason and --sikt-ref are required: Sikt must be notified before the end date moves');
    const today = localIsoDate(io.now());
    const siktDate = str(values['sikt-date']) || today;
    if (!isIsoDate(siktDate)) throw new UsageError('--sikt-date must be YYYY-MM-DD');
    await withSession(positionals[0]!, values, io, vaultDeps, (s) => s.extendEndDate({ to, reason: str(values.reason), siktRef: str(values['sikt-ref']), siktNotifiedOn: siktDate }, today));
    io.out(values.json ? JSON.stringify({ ok: true, endDate: to }) : `the project now ends ${to}`);
    return EXIT.ok;
  }
  if (sub === 'action') {
    const { values, positionals } = parse(rest, {}, 2);
    const action = positionals[1];
    if (action !== 'anonymise' && action !== 'delete-all') throw new UsageError('expected anonymise or delete-all');
    await withSession(positionals[0]!, values, io, vaultDeps, (s) => s.setEndAction(action));
    io.out(values.json ? JSON.stringify({ ok: true, endAction: action }) : `at the end date: ${action}`);
    return EXIT.ok;
  }
  throw new UsageError('expected deadline show|extend|action');
}

function cmdSchedule(args: string[], io: CliIo, vaultDeps: VaultDeps): number {
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, { platform: { type: 'string' }, 'dry-run': { type: 'boolean' } }, 1);
  const vault = path.resolve(positionals[0]!);
  const info = inspectVault(vault, vaultDeps.crypto);
  const platform = (str(values.platform) || process.platform) as SchedulePlatform;
  if (!['linux', 'darwin', 'win32'].includes(platform)) throw new UsageError('--platform must be linux, darwin or win32');
  const spec = { vaultPath: vault, vaultId: info.vaultId, title: info.title, ownerKey: info.ownerKey, command: currentCommand() };
  const configHome = io.env.XDG_CONFIG_HOME || undefined;
  switch (sub) {
    case 'install': {
      if (values['dry-run'] || platform !== 'linux' || process.platform !== 'linux') {
        const files = scheduleFiles(platform, spec, platform === 'linux' ? configHome : undefined);
        if (values.json) io.out(JSON.stringify({ ok: true, installed: false, files }));
        else {
          for (const f of files) io.out(`# ${f.path}\n${f.content}`);
          if (platform === 'darwin') io.out(`# then: launchctl load -w "${files[0]!.path}"`);
          if (platform === 'win32') io.out(`# then: schtasks /Create /TN ${jobName(info.vaultId)} /XML "${files[0]!.path}"`);
        }
        return EXIT.ok;
      }
      const r = installLinux(spec, configHome);
      if (values.json) io.out(JSON.stringify({ ok: true, installed: true, ...r }));
      else {
        for (const f of r.files) io.out(`wrote ${f}`);
        io.out(r.note);
      }
      return EXIT.ok;
    }
    case 'remove': {
      const removed = removeLinux(info.vaultId, configHome);
      io.out(values.json ? JSON.stringify({ ok: true, removed }) : removed.length ? removed.map((f) => `removed ${f}`).join('\n') : 'no job was installed');
      return EXIT.ok;
    }
    case 'status': {
      const st = statusLinux(info.vaultId, configHome);
      io.out(values.json ? JSON.stringify({ ok: true, ...st }) : `installed: ${st.installed ? 'yes' : 'no'}; enabled: ${st.enabled}; active: ${st.active}`);
      return EXIT.ok;
    }
    default:
      throw new UsageError('expected schedule install|remove|status');
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
    if (err.code === 'VAULT_BUSY') io.err('  (if Hvelv has the vault open, it keeps the end date itself while it runs)');
    return EXIT.other;
  }
  // A bug: say so plainly, without dumping data.
  io.err(`hvelv: ${errorMessage(locale, 'INTERNAL')}\n  (${(err as Error)?.message ?? String(err)})`);
  return EXIT.other;
}

export type { Crypto };
