import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { parse, str } from '../args';
import { count, listingLocale, UsageError } from '../io';
import { createProject } from '../../core/services/project/create';
import { projectStatus } from '../../core/services/project/status';
import { inspectVault } from '../../core/vault/vault';
import { verifyReport, type VerifyReport } from '../../core/services/project/verify';
import { terminalProgress } from '../progress';
import { translate } from '../../../shared/i18n/catalogue';
import { daysUntil, localIsoDate } from '../../../shared/domain';
import { obtainPassphrase } from '../passphrase';
import { inspectFromArgs, unlockFromArgs } from '../session';

export async function cmdInit(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const deps = ctx.deps;
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
      io.out(`  project end ${status.endDate} (${count(status.daysLeft, 'day', 'days')})`);
      io.out(`  Argon2id: ${status.kdf.opslimit} passes, ${status.kdf.memlimit / 1048576} MiB`);
    }
  } finally {
    session.lock();
  }
  return EXIT.ok;
}

export async function cmdStatus(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const { values, positionals } = parse(args, { unlock: { type: 'boolean' }, lang: { type: 'string' } }, 1);
  const vault = positionals[0]!;
  const locale = listingLocale(values.lang, ctx.locale);
  const haveSecret = Boolean(values['passphrase-file']) || Boolean(io.env.HVELV_PASSPHRASE) || Boolean(values.unlock);
  if (!haveSecret) {
    const info = inspectVault(vault, vaultDeps.crypto);
    const daysLeft = daysUntil(info.endDate, localIsoDate(io.now()));
    if (values.json) io.out(JSON.stringify({ ok: true, unlocked: false, ...info, daysLeft }));
    else {
      io.out(`${info.title}`);
      io.out(translate(locale, 'cli.status.vault', { path: info.path, format: info.formatVersion }));
      io.out(translate(locale, 'cli.status.end', { date: info.endDate, days: daysLeft, action: translate(locale, endActionKey(info.endAction)) }));
      for (const [store, state] of Object.entries(info.stores)) io.out(`  ${store}: ${state}`);
      if (info.endDateHistory.length > 0) io.out(translate(locale, 'cli.status.moved', { times: info.endDateHistory.length }));
    }
    return EXIT.ok;
  }
  const session = await unlockFromArgs(vault, values, io, vaultDeps);
  try {
    const status = projectStatus(session, io.now());
    const { backupStatus } = await import('../../core/services/backup/run');
    const backups = backupStatus(session).places;
    if (values.json) io.out(JSON.stringify({ ok: true, unlocked: true, ...status, backups }));
    else {
      io.out(status.title);
      if (status.institution) io.out(`  ${status.institution}${status.faculty ? `, ${status.faculty}` : ''}`);
      io.out(translate(locale, 'cli.status.people', { student: status.student || '-', supervisor: status.supervisor || '-', sikt: status.siktRef || '-' }));
      io.out(translate(locale, 'cli.status.end', { date: status.endDate, days: status.daysLeft, action: translate(locale, endActionKey(status.endAction)) }));
      for (const [store, n] of Object.entries(status.stores)) io.out(translate(locale, 'cli.status.records', { store, records: n }));
      // Each backup place, and a copy the end date or a withdrawal has not reached ("copy not yet erased").
      const { placeLines } = await import('./backup');
      for (const line of placeLines(backups, locale)) io.out(`  ${line}`);
      const { syncedBy } = await import('../../core/services/notification/index');
      const service = syncedBy(vault);
      if (service) io.out(translate(locale, 'backup.vaultSynced', { service }));
    }
  } finally {
    session.lock();
  }
  return EXIT.ok;
}

export async function cmdVerify(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const { values, positionals } = parse(args, {}, 1);
  const session = await inspectFromArgs(positionals[0]!, values, io, vaultDeps);
  let report: VerifyReport;
  try {
    // Decrypting and hashing every recording is the long part: its progress on a terminal, past a second.
    report = verifyReport(session, io.now, terminalProgress(io));
  } finally {
    session.lock();
  }
  const { problems, warnings, leftovers } = report;
  if (values.json) io.out(JSON.stringify({ ok: problems.length === 0, problems, warnings: warnings.map((w) => w.message), leftovers }));
  else {
    if (problems.length === 0 && leftovers.length === 0) io.out('ok: header, key files, every record, every recording and the audit chain verify');
    else for (const p of problems) io.err(`problem: ${p}`);
    if (leftovers.length > 0) {
      // Not damage, but not "ok" either: what a crash left, and what the next unlock does with it.
      if (problems.length === 0) io.out(translate(ctx.locale, 'hardening.verifyLeftovers', { n: leftovers.length }));
      for (const l of leftovers) io.out(`  ${translate(ctx.locale, `hardening.leftover.${l.kind}`, { file: l.file, bytes: l.bytes })}`);
      io.out(translate(ctx.locale, 'hardening.leftoversNextUnlock'));
    }
    for (const w of warnings) io.err(`warning: ${translate(ctx.locale, w.code === 'clock-damaged' ? 'hardening.clockDamaged' : 'hardening.clockAhead')}\n  (${w.message})`);
  }
  return problems.length === 0 ? EXIT.ok : EXIT.integrity;
}

export async function cmdAudit(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
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
    else if (problems.length === 0) io.out(`ok: ${count(session.audit.list().length, 'entry', 'entries')}, chain and signatures verify`);
    else for (const p of problems) io.err(`problem: ${p}`);
    return problems.length === 0 ? EXIT.ok : EXIT.integrity;
  } finally {
    session.lock();
  }
}

/** What happens at the end, as the catalogue says it (the project's choice in words). */
function endActionKey(action: string): 'field.endAction.anonymise' | 'field.endAction.deleteAll' {
  return action === 'anonymise' ? 'field.endAction.anonymise' : 'field.endAction.deleteAll';
}
