/**
 * `hvelv export qdpx|qdc` and `hvelv import qdpx|qdc`: REFI-QDA exchange with NVivo,
 * ATLAS.ti, MAXQDA and QualCoder (services/exchange/).
 *
 * An export shows every possible identifying detail with its id; each must be
 * replaced in Hvelv or accepted by id (`--accept ID …`) before anything is written.
 * `--yes` only skips the final confirmation. An import assigns sources to participants
 * with `--map NAME=CODE`; a source without one is listed, not imported, and the rest
 * is imported (exit 0).
 */
import * as path from 'node:path';
import { smallGroupsLine } from './attribute';
import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { many, parse, str } from '../args';
import { UsageError, type CliIo } from '../io';
import { withSession } from '../session';
import { Exchange, type ExchangeFinding, type ExportPlan } from '../../core/services/exchange/export';
import { ExchangeImport, QDC_MAX_BYTES, QDPX_MAX_BYTES, readExchangeFile } from '../../core/services/exchange/import';
import { unpackCodebook, unpackQdpx } from '../../core/services/exchange/qdpx';
import { translate, type Locale } from '../../../shared/i18n/catalogue';

export async function cmdExport(args: string[], ctx: CommandContext): Promise<number> {
  const [format, ...rest] = args;
  if (format !== 'qdpx' && format !== 'qdc') throw new UsageError('expected export qdpx|qdc (see hvelv --help)');
  const { values, positionals } = parse(
    rest,
    { out: { type: 'string' }, recordings: { type: 'boolean' }, crlf: { type: 'boolean' }, accept: { type: 'string', multiple: true }, yes: { type: 'boolean' } },
    1,
  );
  const out = str(values.out);
  if (!out) throw new UsageError(`--out FILE.${format} is required`);
  if (path.extname(out).toLowerCase() !== `.${format}`) throw new UsageError(`--out must end in .${format}`);
  if (format === 'qdc' && (values.recordings || values.crlf)) throw new UsageError('--recordings and --crlf are for qdpx');
  const { io, locale } = ctx;
  const accepted = many(values, 'accept');
  const opts = { recordings: Boolean(values.recordings), crlf: Boolean(values.crlf) };
  const vaultDeps = await ctx.vaultDeps();
  const json = Boolean(values.json);

  return withSession(positionals[0]!, values, io, vaultDeps, async (s) => {
    const ex = new Exchange(s, io.now);
    const plan = ex.plan(format, opts);
    const open = plan.findings.filter((f) => !accepted.includes(f.id));
    if (open.length > 0 || accepted.some((a) => !plan.findings.some((f) => f.id === a))) {
      if (json && open.length > 0) {
        io.out(JSON.stringify({ ok: false, error: { code: 'DETAILS_UNCHECKED', message: `${open.length} finding(s) neither replaced nor accepted` }, findings: open }));
        return EXIT.other;
      }
      printFindings(io, open, locale);
      // The service refuses too (and says which id is unknown): the same rule whatever calls it.
      run(ex, format, out, opts, accepted);
    }
    if (!json) printPlan(io, plan, locale);
    if (!values.yes) {
      const answer = io.isTty && !json ? await io.promptHidden(translate(locale, 'exchange.confirm', { file: out })) : '';
      if (!/^(ja|yes|j|y)$/i.test(answer.trim())) {
        io.out(json ? JSON.stringify({ ok: true, written: false, plan: planJson(plan) }) : translate(locale, 'exchange.notWritten'));
        return EXIT.ok;
      }
    }
    const done = run(ex, format, out, opts, accepted);
    io.out(json ? JSON.stringify({ ok: true, written: true, out, plan: planJson(done) }) : translate(locale, 'exchange.written', { file: out }));
    return EXIT.ok;
  });
}

function run(ex: Exchange, format: 'qdpx' | 'qdc', out: string, opts: { recordings: boolean; crlf: boolean }, accepted: string[]): ExportPlan {
  return format === 'qdpx' ? ex.exportQdpx(out, { ...opts, accepted }) : ex.exportQdc(out, { accepted });
}

/** What the plan says, without the findings' words (those are shown only to the user, above). */
function planJson(p: ExportPlan) {
  return { format: p.format, participants: p.participants, counts: p.counts, recordingsWarning: p.recordingsWarning, ...(p.smallGroups ? { smallGroups: p.smallGroups } : {}) };
}

function printPlan(io: CliIo, plan: ExportPlan, locale: Locale): void {
  io.out(translate(locale, 'exchange.summary', plan.counts));
  if (plan.counts.privateMemosLeftOut) io.out(translate(locale, 'exchange.privateLeftOut', { count: plan.counts.privateMemosLeftOut }));
  if (plan.counts.orphansLeftOut) io.out(translate(locale, 'exchange.orphansLeftOut', { count: plan.counts.orphansLeftOut }));
  if (plan.recordingsWarning) io.err(translate(locale, 'exchange.recordingsWarning'));
  if (plan.smallGroups?.length) io.err(smallGroupsLine(locale, plan.smallGroups));
}

/** Every finding with its id, where it is and its words around it (also for `transcript export`). */
export function printFindings(io: CliIo, findings: ExchangeFinding[], locale: Locale): void {
  if (findings.length === 0) return;
  io.out(translate(locale, 'exchange.findingsHeader', { count: findings.length }));
  for (const f of findings) {
    const w = f.where;
    const where =
      w.kind === 'transcript'
        ? translate(locale, 'exchange.where.transcript', { participant: w.participant ?? '', line: f.line })
        : w.kind === 'memo'
          ? translate(locale, 'exchange.where.memo', { line: f.line })
          : translate(locale, `exchange.where.${w.kind}`, { name: f.label ?? w.id });
    io.out(`  ${translate(locale, 'exchange.finding', { id: f.id, where, kind: translate(locale, `deid.kind.${f.kind}`), text: f.text })}  …${f.before}[${f.text}]${f.after}…`);
  }
}

/** `NAME=CODE`: split at the last `=`, since a source name may hold one and a code never does. */
function parseMap(entries: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries) {
    const at = e.lastIndexOf('=');
    if (at <= 0 || at === e.length - 1) throw new UsageError(`--map ${JSON.stringify(e)}: expected SOURCE_NAME=PARTICIPANT_CODE`);
    const name = e.slice(0, at).trim();
    if (out.has(name)) throw new UsageError(`--map: "${name}" is given twice`);
    out.set(name, e.slice(at + 1).trim());
  }
  return out;
}

export async function cmdImport(args: string[], ctx: CommandContext): Promise<number> {
  const [format, ...rest] = args;
  if (format !== 'qdpx' && format !== 'qdc') throw new UsageError('expected import qdpx|qdc (see hvelv --help)');
  const { values, positionals } = parse(rest, format === 'qdpx' ? { map: { type: 'string', multiple: true } } : {}, 2);
  const [vault, file] = positionals as [string, string];
  const { io, locale } = ctx;
  const json = Boolean(values.json);
  const assign = parseMap(many(values, 'map'));
  // Read and checked before the passphrase is asked for: a wrong file costs no unlock.
  const bytes = readExchangeFile(file, format === 'qdpx' ? QDPX_MAX_BYTES : QDC_MAX_BYTES);
  if (format === 'qdpx') unpackQdpx(bytes);
  else unpackCodebook(bytes);
  const vaultDeps = await ctx.vaultDeps();
  if (format === 'qdc') {
    const r = await withSession(vault, values, io, vaultDeps, (s) => new ExchangeImport(s, io.now).importQdc(bytes));
    io.out(json ? JSON.stringify({ ok: true, ...r }) : translate(locale, 'exchange.importSummary', { ...r.codes, memos: 0, themes: r.themes }));
    return EXIT.ok;
  }
  const r = await withSession(vault, values, io, vaultDeps, (s) => new ExchangeImport(s, io.now).importQdpx(bytes, assign));
  if (json) {
    io.out(JSON.stringify({ ok: true, ...r }));
    return EXIT.ok;
  }
  for (const i of r.imported) io.out(translate(locale, 'exchange.imported', { name: i.name, participant: i.participant, segments: i.segments, findings: i.findings, id: i.transcriptId }));
  for (const name of r.unassigned) io.out(translate(locale, 'exchange.unassigned', { name }));
  for (const u of r.unreadable) io.out(translate(locale, 'exchange.unreadable', { name: u.name, problem: u.problem }));
  io.out(translate(locale, 'exchange.importSummary', { created: r.codes.created, reused: r.codes.reused, memos: r.memos, themes: r.themes }));
  if (r.uncodedSelections) io.out(translate(locale, 'exchange.uncoded', { count: r.uncodedSelections }));
  if (r.selectionsLeftOut) io.out(translate(locale, 'exchange.leftOut', { count: r.selectionsLeftOut }));
  if (r.attributes && r.attributes.values + r.attributes.leftOut > 0) io.out(translate(locale, 'attributes.imported', r.attributes));
  if (r.notesLeftOut) io.out(translate(locale, 'exchange.notesLeftOut', { count: r.notesLeftOut }));
  const skipped = Object.entries(r.skipped);
  if (skipped.length) io.out(translate(locale, 'exchange.skipped', { what: skipped.map(([k, n]) => `${k} × ${n}`).join(', ') }));
  return EXIT.ok;
}

