/** `hvelv backup …` and `hvelv restore …` (issue 28): electron/core/services/backup/. */
import * as path from 'node:path';
import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { many, parse, str } from '../args';
import { listingLocale, UsageError } from '../io';
import { translate, type Locale } from '../../../shared/i18n/catalogue';
import { isIsoDate } from '../../../shared/domain';
import { passphraseBytes } from '../../core/crypto/kdf';
import { addPlace, readRecord, recordDestroyed, removePlace } from '../../core/services/backup/places';
import { backupStatus, runBackup, verifyBackups, type PlaceStatus } from '../../core/services/backup/run';
import { restoreVault } from '../../core/services/backup/restore';
import { obtainPassphrase } from '../passphrase';
import { withSession } from '../session';
import { moveVault } from '../../core/services/backup/move';
import { syncedBy } from '../../core/services/notification';
import { terminalProgress } from '../progress';

/** One line per place for `backup list` and `status`: when it last got a copy, and what it still holds. */
export function placeLines(places: readonly PlaceStatus[], locale: Locale): string[] {
  const out: string[] = [];
  for (const p of places) {
    const when = p.lastCopyAt ? p.lastCopyAt.slice(0, 10) : translate(locale, 'backup.never');
    out.push(translate(locale, 'backup.line', { dir: p.dir, when, reach: translate(locale, p.destroyedOn ? 'backup.destroyed' : p.reachable ? 'backup.reachable' : 'backup.unreachable') }));
    if (p.destroyedOn) out.push(`    ${translate(locale, 'backup.destroyedOn', { date: p.destroyedOn })}`);
    if (p.pending.end) out.push(`    ${translate(locale, 'backup.notErased')}`);
    if (p.pending.withdrawals.length > 0) out.push(`    ${translate(locale, 'backup.withdrawalsPending', { codes: p.pending.withdrawals.join(', ') })}`);
  }
  return out;
}

export async function cmdBackup(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const [sub, ...rest] = args;
  const locale = ctx.locale;
  switch (sub) {
    case 'add': {
      const { values, positionals } = parse(rest, {}, 2);
      const place = await withSession(positionals[0]!, values, io, vaultDeps, (s) => addPlace(s, positionals[1]!, io.now()));
      io.out(values.json ? JSON.stringify({ ok: true, place }) : translate(locale, 'backup.added', { dir: place.dir }));
      return EXIT.ok;
    }
    case 'remove': {
      const { values, positionals } = parse(rest, {}, 2);
      await withSession(positionals[0]!, values, io, vaultDeps, (s) => {
        const st = backupStatus(s).places.find((p) => p.dir === path.resolve(positionals[1]!));
        removePlace(s, positionals[1]!, { pending: Boolean(st && (st.pending.end || st.pending.withdrawals.length > 0)) });
      });
      io.out(values.json ? JSON.stringify({ ok: true }) : translate(locale, 'backup.removed', { dir: path.resolve(positionals[1]!) }));
      return EXIT.ok;
    }
    case 'destroyed': {
      const { values, positionals } = parse(rest, { date: { type: 'string' } }, 2);
      const date = str(values.date);
      if (!isIsoDate(date)) throw new UsageError('--date YYYY-MM-DD (the day the disk was destroyed) is required');
      await withSession(positionals[0]!, values, io, vaultDeps, (s) => recordDestroyed(s, positionals[1]!, date, io.now()));
      io.out(values.json ? JSON.stringify({ ok: true }) : translate(locale, 'backup.destroyedOn', { date }));
      return EXIT.ok;
    }
    case 'list': {
      const { values, positionals } = parse(rest, { lang: { type: 'string' } }, 1);
      const status = await withSession(positionals[0]!, values, io, vaultDeps, (s) => ({ ...backupStatus(s), seq: readRecord(s).seq }));
      if (values.json) io.out(JSON.stringify({ ok: true, ...status }));
      else if (status.places.length === 0) io.out(translate(listingLocale(values.lang, locale), 'backup.none'));
      else for (const line of placeLines(status.places, listingLocale(values.lang, locale))) io.out(line);
      return EXIT.ok;
    }
    case 'run': {
      const { values, positionals } = parse(rest, { place: { type: 'string' } }, 1);
      const { results, places } = await withSession(positionals[0]!, values, io, vaultDeps, async (s) => {
        const results = await runBackup(s, vaultDeps.crypto, io.now, { only: str(values.place) || undefined });
        return { results, places: backupStatus(s).places };
      });
      if (values.json) io.out(JSON.stringify({ ok: results.every((r) => r.outcome === 'copied'), results, places }));
      else {
        if (results.length === 0) io.out(translate(locale, 'backup.none'));
        for (const r of results) {
          if (r.outcome === 'copied') io.out(translate(locale, 'backup.copied', { dir: r.dir, mb: (r.newBytes / 1e6).toFixed(1), pieces: r.newPieces, removed: r.removedPieces, total: (r.totalBytes / 1e6).toFixed(1) }));
          else if (r.outcome === 'unreachable') io.out(translate(locale, 'backup.skipped', { dir: r.dir }));
          else if (r.outcome === 'refused') io.err(translate(locale, r.reason === 'not-found' ? 'backup.refused.notFound' : 'backup.refused.newerThere', { dir: r.dir }));
          else io.err(translate(locale, 'backup.failed', { dir: r.dir, reason: r.error ?? '' }));
        }
        for (const line of placeLines(places.filter((p) => p.pending.end || p.pending.withdrawals.length > 0), locale)) io.out(line);
      }
      return results.some((r) => r.outcome === 'failed' || r.outcome === 'refused') ? EXIT.other : EXIT.ok;
    }
    case 'verify': {
      const { values, positionals } = parse(rest, { place: { type: 'string' } }, 1);
      const reports = await withSession(positionals[0]!, values, io, vaultDeps, (s) => verifyBackups(s, vaultDeps.crypto, { only: str(values.place) || undefined }));
      const ok = reports.every((r) => r.problems.length === 0);
      if (values.json) io.out(JSON.stringify({ ok, places: reports }));
      else
        for (const r of reports) {
          io.out(r.problems.length === 0 ? translate(locale, 'backup.verified', { dir: r.dir, seq: r.seq ?? 0 }) : translate(locale, 'backup.damaged', { dir: r.dir, n: r.problems.length }));
          for (const p of r.problems) io.out(`    ${p}`);
        }
      return ok ? EXIT.ok : EXIT.integrity;
    }
    default:
      throw new UsageError('expected backup add|remove|list|run|verify|destroyed');
  }
}

export async function cmdRestore(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const { values, positionals } = parse(args, { also: { type: 'string', multiple: true }, 'allow-older': { type: 'boolean' } }, 2);
  const passphrase = await obtainPassphrase(io, { passphraseFile: str(values['passphrase-file']) || undefined }, { confirm: false, required: true });
  const res = await restoreVault(positionals[0]!, positionals[1]!, passphraseBytes(passphrase!), vaultDeps, { also: many(values, 'also'), allowOlder: values['allow-older'] === true });
  if (values.json) io.out(JSON.stringify({ ok: true, ...res }));
  else {
    const locale = ctx.locale;
    io.out(translate(locale, 'backup.restored', { vault: res.vault, date: res.copyMadeAt.slice(0, 10) }));
    // The places the copy's own record names, each looked at on its own.
    for (const p of res.places) {
      if (p.outcome === 'read') io.out(translate(locale, 'backup.placeRead', { dir: p.dir, date: (p.madeAt ?? '').slice(0, 10) }));
      if (p.outcome === 'unreachable') io.out(translate(locale, 'backup.placeUnreached', { dir: p.dir }));
    }
    if (res.endFromSource) io.out(translate(locale, 'backup.endFromSource'));
    if (res.applied.length > 0) io.out(translate(locale, 'backup.applied', { codes: res.applied.map((w) => `${w.code} (${w.date})`).join(', ') }));
    // What no copy shown can know: withdrawals after the newest of them.
    io.out(translate(locale, 'backup.mayMiss', { date: res.newestKnownAt.slice(0, 10) }));
    for (const u of res.unreadable) io.err(translate(locale, 'backup.unreadable', { dir: u.dir, reason: u.reason }));
  }
  return EXIT.ok;
}

/**
 * `hvelv move <vault> <new-folder>` (issue 28): the vault out of a synced folder into a local
 * one, verified there before the old files are shredded; the old folder (or --keep-backup-in)
 * becomes a backup place with a first copy, unless --no-backup.
 */
export async function cmdMove(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const { values, positionals } = parse(args, { 'keep-backup-in': { type: 'string' }, 'no-backup': { type: 'boolean' } }, 2);
  if (values['no-backup'] && str(values['keep-backup-in'])) throw new UsageError('--keep-backup-in and --no-backup exclude each other');
  const locale = ctx.locale;
  const r = await withSession(positionals[0]!, values, io, vaultDeps, async (s) => {
    const service = syncedBy(s.path);
    const { appDataDir } = await import('./model');
    const { AppConfig } = await import('../../core/services/project/app-config');
    const res = await moveVault(s, positionals[1]!, vaultDeps.crypto, {
      now: io.now,
      backupIn: values['no-backup'] ? null : str(values['keep-backup-in']) || undefined,
      onProgress: terminalProgress(io),
      configHome: io.env.XDG_CONFIG_HOME || undefined,
      // The app's list of recent vaults (which its end-date watch reads) follows, where this
      // computer has one, before the old files are shredded (a kill then leaves it right).
      beforeRemovingOld: (from, to) => new AppConfig(path.join(appDataDir(io.env), 'hvelv-config.json')).vaultMoved(from, to),
    });
    try {
      return { service, res: { ...res, session: undefined } };
    } finally {
      res.session.lock();
    }
  });
  if (io.isTty) io.err('\n');
  const { res, service } = r;
  if (values.json) {
    io.out(JSON.stringify({ ok: true, from: res.from, to: res.to, files: res.files, bytes: res.bytes, backupPlace: res.backupPlace, backup: res.backup, backupError: res.backupError ?? null, leftInOldFolder: res.leftInOldFolder, notShredded: res.notShredded, dailyJob: res.dailyJob }));
    return EXIT.ok;
  }
  io.out(translate(locale, 'move.done', { to: res.to }));
  if (res.backupPlace && res.backup?.outcome === 'copied') io.out(translate(locale, 'move.placeAdded', { dir: res.backupPlace }));
  else if (res.backupPlace || res.backupError) io.err(translate(locale, 'move.placeFailed', { dir: res.backupPlace ?? (str(values['keep-backup-in']) || res.from) }));
  if (res.dailyJob === 'moved') io.out(translate(locale, 'move.dailyJob'));
  if (res.notShredded.length > 0) io.err(translate(locale, 'move.notShredded', { files: res.notShredded.join(', ') }));
  if (res.leftInOldFolder.length > 0) io.out(translate(locale, 'move.left', { files: res.leftInOldFolder.join(', ') }));
  // What no software can do: the cloud's versions and recycle bin.
  if (service) io.out(translate(locale, 'move.cloudKeeps', { service }));
  return res.notShredded.length > 0 || (res.backupPlace && res.backup?.outcome !== 'copied') ? EXIT.other : EXIT.ok;
}
