/** `hvelv report` and `hvelv journal export`: the analysis out of the vault, after the identifying-details check. */
import * as path from 'node:path';
import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { many, parse, str } from '../args';
import { count, UsageError } from '../io';
import { withSession } from '../session';
import { Report } from '../../core/services/analysis/report';
import { HvelvError } from '../../core/errors';
import type { AnalysisFinding } from '../../../shared/analysis';
import type { Locale } from '../../../shared/i18n/catalogue';
import { writeExport } from '../../core/services/analysis/export-file';
import { emit } from './analysis-output';
import { translate } from '../../../shared/i18n/catalogue';
import { parseWhere } from '../../core/services/attributes/attributes';
import { filterWarning } from '../../core/services/attributes/groups';

const OPTIONS = { out: { type: 'string' }, map: { type: 'string' }, lang: { type: 'string' }, accept: { type: 'string', multiple: true }, where: { type: 'string', multiple: true } } as const;

function lang(v: string | boolean | undefined, fallback: Locale): Locale {
  if (v === undefined) return fallback;
  if (v !== 'nb' && v !== 'en') throw new UsageError('--lang nb|en');
  return v;
}

function describe(f: AnalysisFinding): string {
  return f.kind === 'withdrawn-quote'
    ? `${f.where.kind} ${f.where.id} (${f.where.field}): quotes ${f.text}, who has withdrawn`
    : `${f.where.kind} ${f.where.id} (${f.where.field}): ${f.kind} ${JSON.stringify(f.text)}`;
}

export async function cmdReport(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  if (args[0] === 'check') {
    const { values, positionals } = parse(args.slice(1), {}, 1);
    const findings = await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Report(s, io.now).checkAll());
    emit(io, Boolean(values.json), { findings }, () => (findings.length ? findings.map(describe) : ['nothing found']));
    return EXIT.ok;
  }
  const { values, positionals } = parse(args, OPTIONS, 1);
  const locale = lang(values.lang, ctx.locale);
  const vault = positionals[0]!;
  if (values.map !== undefined) {
    const out = str(values.map);
    if (path.extname(out).toLowerCase() !== '.svg') throw new UsageError('--map FILE.svg');
    const where = many(values, 'where').map(parseWhere);
    await withSession(vault, values, io, vaultDeps, (s) => {
      const among = where.length ? filterWarning(s, io.now, where) : null;
      if (among?.small) io.err(translate(locale, 'attributes.smallFilter', { n: among.participants.length, where: where.map((w) => `${w.name}=${w.value}`).join(', ') }));
      writeExport(s, io.now, out, new TextEncoder().encode(new Report(s, io.now).mapSvg(locale, among?.participants)));
    });
    emit(io, Boolean(values.json), { out }, () => [`wrote ${out}`]);
    return EXIT.ok;
  }
  const out = str(values.out);
  if (path.extname(out).toLowerCase() !== '.docx') throw new UsageError('--out FILE.docx is required');
  const res = await withSession(vault, values, io, vaultDeps, async (s) => {
    const report = new Report(s, io.now);
    try {
      return await report.export(out, { locale, accepted: many(values, 'accept') });
    } catch (err) {
      if (err instanceof HvelvError && err.code === 'DETAILS_UNCHECKED' && !values.json) for (const f of report.check()) io.err(`  ${describe(f)}`);
      throw err;
    }
  });
  emit(io, Boolean(values.json), { ...res }, () => [`wrote ${out}: ${count(res.quotes, 'quote', 'quotes')} from ${count(res.participants.length, 'participant', 'participants')} (${res.participants.join(', ') || '–'})`]);
  return EXIT.ok;
}

export async function cmdJournal(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const [sub, ...rest] = args;
  if (sub !== 'export') throw new UsageError('expected journal export');
  const { values, positionals } = parse(rest, OPTIONS, 1);
  const out = str(values.out);
  if (path.extname(out).toLowerCase() !== '.docx') throw new UsageError('--out FILE.docx is required');
  const locale = lang(values.lang, ctx.locale);
  const res = await withSession(positionals[0]!, values, io, vaultDeps, async (s) => {
    const report = new Report(s, io.now);
    try {
      return await report.exportJournal(out, { locale, accepted: many(values, 'accept') });
    } catch (err) {
      if (err instanceof HvelvError && err.code === 'DETAILS_UNCHECKED' && !values.json) for (const f of report.checkJournal()) io.err(`  ${describe(f)}`);
      throw err;
    }
  });
  emit(io, Boolean(values.json), { ...res }, () => [`wrote ${out}: ${count(res.entries, 'entry', 'entries')}`]);
  return EXIT.ok;
}
