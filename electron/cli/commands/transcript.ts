import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { many, parse, str } from '../args';
import { HvelvError } from '../../core/errors';
import { listingLocale, UsageError } from '../io';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ASR_LANGUAGES, type AsrLanguage } from '../../../shared/asr';
import { Transcripts } from '../../core/services/transcripts/transcripts';
import { placeholderFor, replacedByDefault } from '../../core/services/deidentify/deidentify';
import type { DeidReport } from '../../../shared/contract';
import { translate, type Locale } from '../../../shared/i18n/catalogue';
import type { CliIo } from '../io';
import { withSession } from '../session';

export async function cmdTranscript(args: string[], ctx: CommandContext): Promise<number> {
  const { io, locale } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const [sub, ...rest] = args;
  switch (sub) {
    case 'import': {
      const { values, positionals } = parse(rest, { recording: { type: 'string' } }, 3);
      const [vault, code, file] = positionals as [string, string, string];
      const t = await withSession(vault, values, io, vaultDeps, (s) => new Transcripts(s, io.now).import(code, file, { recordingId: str(values.recording) || undefined }));
      io.out(values.json ? JSON.stringify({ ok: true, transcript: { ...t, text: undefined } }) : t.id);
      // Said, not hidden: the words are in, but these cues cannot be played from.
      if (t.untimedCues > 0 && !values.json) io.err(translate(locale, 'hardening.untimedCues', { n: t.untimedCues }));
      // Nor are a .docx's notes, comments, headers and footers: said, with how many.
      if (t.leftOut && Object.values(t.leftOut).some((n) => n > 0) && !values.json) io.err(translate(locale, 'hardening.docxLeftOut', { ...t.leftOut }));
      return EXIT.ok;
    }
    case 'list': {
      const { values, positionals } = parse(rest, { lang: { type: 'string' } }, 1);
      const locale = listingLocale(values.lang, ctx.locale);
      const list = await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Transcripts(s, io.now).list());
      if (values.json) io.out(JSON.stringify({ ok: true, transcripts: list }));
      else {
        const state = { done: translate(locale, 'cli.transcript.complete'), working: translate(locale, 'cli.transcript.inProgress') };
        const width = Math.max(state.done.length, state.working.length);
        for (const t of list) {
          const chars = translate(locale, 'cli.transcript.chars', { chars: t.chars });
          io.out(`${t.id}  ${t.code.padEnd(8)} ${(t.complete ? state.done : state.working).padEnd(width)} ${chars.padStart(14)}  ${translate(locale, 'cli.transcript.stamps', { stamps: t.syncPointCount })}  ${t.recordingId ? translate(locale, 'cli.transcript.recording', { id: t.recordingId }) : ''}`.trimEnd());
        }
      }
      return EXIT.ok;
    }

    case 'export': {
      const { values, positionals } = parse(rest, { out: { type: 'string' }, format: { type: 'string' }, accept: { type: 'string', multiple: true } }, 2);
      if (!values.out) throw new UsageError('--out FILE is required');
      const format = (str(values.format) || path.extname(str(values.out)).slice(1).toLowerCase()) as 'txt' | 'docx';
      if (format !== 'txt' && format !== 'docx') throw new UsageError('export as .txt or .docx (--format txt|docx)');
      const accepted = many(values, 'accept');
      // The identifying-details check, as before every export: each finding is replaced
      // (`transcript deidentify`) or accepted by its id; nothing is written until then.
      const open = await withSession(positionals[0]!, values, io, vaultDeps, (s) => {
        const tr = new Transcripts(s, io.now);
        const left = tr.exportFindings(positionals[1]!).filter((f) => !accepted.includes(f.id));
        if (left.length === 0) tr.export(positionals[1]!, str(values.out), format, accepted);
        return left;
      });
      if (open.length > 0) {
        const message = `${open.length} possible identifying detail(s) are neither replaced nor accepted: replace them (hvelv transcript deidentify) or accept them by id (--accept ID …); nothing was written`;
        if (values.json) {
          io.out(JSON.stringify({ ok: false, error: { code: 'DETAILS_UNCHECKED', message }, findings: open }));
          return EXIT.other;
        }
        const { printFindings } = await import('./exchange');
        printFindings(io, open, locale);
        throw new HvelvError('DETAILS_UNCHECKED', message);
      }
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
        // Narrowing facts (ages, dates, rare traits) are listed by `check` but replaced only in the app, one by one.
        const chosen = report.findings.filter((f) => !keptLower.has(lower(f.text)) && replacedByDefault(f.kind));
        const replace = chosen.map((f) => ({ start: f.start, end: f.end, expected: f.text, with: placeholderFor(f.kind, locale) }));
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
    case 'draft': {
      if (rest.includes('--all')) return draftAll(rest, ctx, vaultDeps);
      const { values, positionals } = parse(rest, { model: { type: 'string' }, language: { type: 'string' }, speakers: { type: 'string' } }, 2);
      const [vault, recordingId] = positionals as [string, string];
      if (!values.model) throw new UsageError('--model FOLDER is required (see hvelv model list)');
      const language = (str(values.language) || locale) as AsrLanguage;
      if (!(ASR_LANGUAGES as readonly string[]).includes(language)) throw new UsageError('--language must be nb or en');
      const { makeDraft } = await import('../../core/services/asr/draft');
      // The speaker models: the folder named, else the app's own (models/speakers/) where it exists.
      const { speakersDir } = await import('../../core/services/asr/models');
      const { appDataDir } = await import('./model');
      const ownSpeakers = speakersDir(appDataDir(io.env));
      const speakers = str(values.speakers) || (fs.existsSync(ownSpeakers) ? ownSpeakers : undefined);
      // Ctrl-C cancels: the recognition process is killed, nothing is stored.
      const ac = new AbortController();
      const onSigint = () => ac.abort();
      process.once('SIGINT', onSigint);
      try {
        const t = await withSession(vault, values, io, vaultDeps, (s) =>
          makeDraft(s, recordingId, {
            model: str(values.model),
            speakers,
            language,
            threads: Math.max(1, os.availableParallelism()),
            signal: ac.signal,
            now: io.now,
            onProgress: (p) => io.err(`${translate(locale, 'asr.progress', { percent: p.percent.toFixed(0) })}  ${clock(p.elapsedMs)}${p.remainingMs === null ? '' : `  ~${clock(p.remainingMs)}`}`),
          }),
        );
        io.out(values.json ? JSON.stringify({ ok: true, transcript: { ...t, text: undefined } }) : t.id);
      } finally {
        process.removeListener('SIGINT', onSigint);
      }
      return EXIT.ok;
    }
    case 'checked': {
      const { values, positionals } = parse(rest, {}, 2);
      const t = await withSession(positionals[0]!, values, io, vaultDeps, (s) => new Transcripts(s, io.now).markChecked(positionals[1]!));
      io.out(values.json ? JSON.stringify({ ok: true, transcript: { ...t, text: undefined } }) : `${t.id} is no longer marked as an automatic draft`);
      return EXIT.ok;
    }
    default:
      throw new UsageError('expected transcript import|list|export|delete|check|deidentify|draft|checked');
  }
}

/** Each finding on its own line: line number, kind, and the words around it. */

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

/** m:ss or h:mm:ss, for progress on a terminal. */
/**
 * `hvelv transcript draft <vault> --all`: every recording without a transcript, one at a
 * time, through the vault's queue (services/asr/queue.ts). Run again after Ctrl-C, a lock
 * or a crash, it goes on where it was: the drafts done stay done, the one interrupted
 * starts again. --model and --language are needed only to start a queue.
 */
async function draftAll(rest: string[], ctx: CommandContext, vaultDeps: Awaited<ReturnType<CommandContext['vaultDeps']>>): Promise<number> {
  const { io, locale } = ctx;
  const { values, positionals } = parse(rest, { all: { type: 'boolean' }, model: { type: 'string' }, language: { type: 'string' } }, 1);
  const language = (str(values.language) || locale) as AsrLanguage;
  if (!(ASR_LANGUAGES as readonly string[]).includes(language)) throw new UsageError('--language must be nb or en');
  const { DraftQueue } = await import('../../core/services/asr/queue');
  const ac = new AbortController();
  const onSigint = () => ac.abort();
  process.once('SIGINT', onSigint);
  let last = '';
  try {
    const end = await withSession(positionals[0]!, values, io, vaultDeps, async (s) => {
      const q = new DraftQueue(s, io.now);
      const before = q.state();
      if (values.model) q.enqueueAll({ model: path.resolve(str(values.model)), language });
      else if (!before || before.items.every((i) => i.state !== 'waiting')) throw new UsageError('--model FILE is required to start a queue (see hvelv model list)');
      else if (before.paused) q.resume();
      return q.run({
        threads: Math.max(1, os.availableParallelism()),
        signal: ac.signal,
        onProgress: (st) => {
          const r = st.items.find((i) => i.state === 'running');
          if (!r) return;
          const line = translate(locale, 'asrq.running', { code: r.code, percent: Math.floor(r.percent), left: r.remainingMs === null ? '?' : clock(r.remainingMs) });
          if (line !== last) io.err((last = line));
        },
      });
    });
    const items = end?.items ?? [];
    if (values.json) io.out(JSON.stringify({ ok: true, queue: end }));
    else {
      for (const i of items.filter((x) => x.state === 'failed')) io.out(translate(locale, 'asrq.failed', { code: i.code, error: i.error ?? '' }));
      io.out(translate(locale, 'asrq.summary', { done: items.filter((i) => i.state === 'done').length, total: items.length }));
    }
    return items.some((i) => i.state === 'failed') ? EXIT.other : EXIT.ok;
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

function clock(ms: number): string {
  const t = Math.round(ms / 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  return t >= 3600 ? `${Math.floor(t / 3600)}:${p(Math.floor(t / 60) % 60)}:${p(t % 60)}` : `${Math.floor(t / 60)}:${p(t % 60)}`;
}
