import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { many, outFolder, parse, str } from '../args';
import { UsageError } from '../io';
import type { ParseArgsConfig } from 'node:util';
import { HvelvError } from '../../core/errors';
import { Participants, type WithdrawalCounts } from '../../core/services/participants/participants';
import type { WithdrawalReceipt } from '../../core/services/participants/documents';
import type { Identity } from '../../core/consent/model';
import { getForm, listForms, renderFormHtml } from '../../core/consent/forms';
import { writeFileAtomic } from '../../core/vault/atomic-file';
import type { ConsentMethod } from '../../../shared/domain';
import type { Locale } from '../../../shared/i18n/catalogue';
import { withSession } from '../session';
import { terminalProgress } from '../progress';

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

export async function cmdParticipant(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
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
        if (shown.consent) io.out(`  consent: ${shown.consent.date}, ${shown.consent.method}, form v${shown.consent.formVersion}${shown.consent.recordedAfterwards ? `, recorded afterwards on ${shown.consent.recordedAt.slice(0, 10)}` : ''}`);
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

export async function cmdConsent(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
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
      'unfinished-letter': { type: 'boolean' },
    },
    2,
  );
  if (!values.date) throw new UsageError('--date YYYY-MM-DD is required');
  const version = Number(values['form-version']);
  if (!Number.isInteger(version) || version < 1) throw new UsageError('--form-version must be a version number (see hvelv form list)');
  const locale = (str(values.locale) || 'nb') as Locale;
  if (locale !== 'nb' && locale !== 'en') throw new UsageError('--locale must be nb or en');
  const given = many(values, 'statement');
  const record = await withSession(positionals[0]!, values, io, vaultDeps, (s) => {
    const statements = given.length > 0 ? given : getForm(s.stores.keylist, version).texts[locale].statements.map((x) => x.id);
    return new Participants(s, io.now).recordConsent(positionals[1]!, {
      date: str(values.date),
      formVersion: version,
      locale,
      method: (str(values.method) || 'paper') as ConsentMethod,
      statements,
      evidence: values.evidence ? { path: str(values.evidence) } : undefined,
      unfinishedLetter: values['unfinished-letter'] === true,
    });
  });
  if (values.json) io.out(JSON.stringify({ ok: true, consent: { ...record } }));
  else io.out(`consent recorded for ${positionals[1]}: ${record.date}, form v${record.formVersion} (${record.locale}), ${record.statements.join(', ')}`);
  return EXIT.ok;
}

export async function cmdWithdraw(args: string[], ctx: CommandContext): Promise<number> {
  const { io, locale } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const { values, positionals } = parse(args, { date: { type: 'string' }, yes: { type: 'boolean' }, receipt: { type: 'string' }, locale: { type: 'string' } }, 2);
  const code = positionals[1]!;
  const lang = (str(values.locale) || locale) as Locale;
  const result = await withSession(positionals[0]!, values, io, vaultDeps, async (s): Promise<{ preview: WithdrawalCounts } | { receipt: WithdrawalReceipt }> => {
    const p = new Participants(s, io.now);
    if (!values.yes) return { preview: p.withdrawalPreview(code) };
    // The recordings' overwriting is the long part: its progress on a terminal, past a second.
    const receipt = await p.withdraw(code, str(values.date) || undefined, { onProgress: terminalProgress(io) });
    // The promise reaches the copies: every backup place that can be reached now is brought up to it at once.
    const { backupAfterWithdrawal } = await import('../../core/services/backup/run');
    const backupPlaces = await backupAfterWithdrawal(s, vaultDeps.crypto, io.now, code);
    if (values.receipt) writeFileAtomic(str(values.receipt), new TextEncoder().encode(p.receiptHtml(code, lang, { backupPlaces })));
    return { receipt: { ...receipt, ...(backupPlaces.length ? { backupPlaces } : {}) } };
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
    for (const b of result.receipt.backupPlaces ?? []) io.out(`  backup ${b.dir}: ${b.updated ? 'updated, their data deleted there' : 'not reachable; deleted there at the next backup run'}`);
    if (values.receipt) io.out(`receipt: ${str(values.receipt)}`);
  }
  return EXIT.ok;
}

export async function cmdAccess(args: string[], ctx: CommandContext): Promise<number> {
  const { io, locale } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const { values, positionals } = parse(args, { out: { type: 'string' }, locale: { type: 'string' } }, 2);
  if (!values.out) throw new UsageError('--out DIR is required');
  const lang = (str(values.locale) || locale) as Locale;
  // Made once the vault is open (a wrong passphrase leaves nothing), removed again if the export fails.
  const res = await withSession(positionals[0]!, values, io, vaultDeps, async (s) => {
    const undo = outFolder(str(values.out));
    try {
      return await new Participants(s, io.now).accessRequest(positionals[1]!, str(values.out), lang);
    } catch (err) {
      undo();
      throw err;
    }
  });
  if (values.json) io.out(JSON.stringify({ ok: true, ...res }));
  else {
    io.out(`exported to ${res.folder}:`);
    for (const f of res.files) io.out(`  ${f}`);
  }
  return EXIT.ok;
}

export async function cmdForm(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
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
