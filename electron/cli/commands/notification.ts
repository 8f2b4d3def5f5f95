/**
 * `hvelv notification <vault> [--lang nb|en] [--out FILE.docx|FILE.md]`: the data-handling
 * text for Sikt's notification form and the data management plan (issue 33), written
 * from the vault's settings and state. Without --out it prints the text (Markdown);
 * with --out it writes the file and, as copying on the page does, keeps the snapshot
 * that the next changes are measured against. Changes since then go to stderr.
 */
import * as path from 'node:path';
import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { parse, str } from '../args';
import { UsageError } from '../io';
import { withSession } from '../session';
import { formatLongDate, translate, type Locale } from '../../../shared/i18n/catalogue';
import { Notification } from '../../core/services/notification';
import { notificationDocx } from '../../core/services/notification/documents';
import { writeExport } from '../../core/services/analysis/export-file';
import { dailyJobRuns, statusLinux } from '../../core/services/project-end/schedule';

export async function cmdNotification(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const { values, positionals } = parse(args, { lang: { type: 'string' }, out: { type: 'string' } }, 1);
  const lang = values.lang;
  if (lang !== undefined && lang !== 'nb' && lang !== 'en') throw new UsageError('--lang nb|en');
  const locale: Locale = (lang as Locale | undefined) ?? ctx.locale;
  const out = str(values.out);
  const format = out ? path.extname(out).toLowerCase() : '';
  if (values.out !== undefined && format !== '.docx' && format !== '.md') throw new UsageError('--out FILE.docx or FILE.md');
  const vaultDeps = await ctx.vaultDeps();
  const res = await withSession(positionals[0]!, values, io, vaultDeps, async (s) => {
    // As the app's page: only Linux's job is installed by Hvelv; a unit systemd rejects never runs.
    const dailyJob = process.platform === 'linux' ? dailyJobRuns(statusLinux(s.vaultId, io.env.XDG_CONFIG_HOME || undefined)) : null;
    const n = new Notification(s, { now: io.now, dailyJob });
    const facts = n.facts();
    const view = n.view(locale, facts);
    if (out) {
      const bytes = format === '.docx' ? await notificationDocx(view.text) : new TextEncoder().encode(view.markdown);
      writeExport(s, io.now, out, bytes);
      n.markCopied(facts);
    }
    return view;
  });
  if (values.json) {
    io.out(JSON.stringify({ ok: true, locale, text: res.markdown, sections: res.text.sections, producedOn: res.producedOn, lastCopiedOn: res.lastCopiedOn, changes: res.changes, ...(out ? { out } : {}) }));
    return EXIT.ok;
  }
  if (res.changes.length && res.lastCopiedOn) {
    io.err(translate(locale, 'notif.cli.changes', { date: formatLongDate(res.lastCopiedOn, locale) }));
    for (const c of res.changes) io.err(`  ${c.notice ? '*' : '-'} ${c.text}`);
    if (res.changes.some((c) => c.notice)) io.err(translate(locale, 'notif.cli.notice'));
  }
  io.out(out ? translate(locale, 'notif.cli.written', { file: out }) : res.markdown);
  return EXIT.ok;
}
