import * as fs from 'node:fs';
import type { CommandContext } from '../context';
import { EXIT } from '../context';
import { parse, str } from '../args';
import { count, UsageError } from '../io';
import * as path from 'node:path';
import { inspectVault } from '../../core/vault/vault';
import { supervisorEnforceArgs } from '../../core/services/project-end/headless-enforce';
import { readSupervisorHeader, SUPERVISOR_HEADER } from '../../core/services/supervisor/folder';
import { currentCommand, installLinux, jobName, removeLinux, scheduleFiles, statusLinux, type SchedulePlatform } from '../../core/services/project-end/schedule';
import { daysUntil, isIsoDate, localIsoDate } from '../../../shared/domain';
import { withSession } from '../session';

export async function cmdDeadline(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const [sub, ...rest] = args;
  if (sub === 'show') {
    const { values, positionals } = parse(rest, {}, 1);
    const info = inspectVault(positionals[0]!, vaultDeps.crypto);
    const daysLeft = daysUntil(info.endDate, localIsoDate(io.now()));
    if (values.json) io.out(JSON.stringify({ ok: true, endDate: info.endDate, endAction: info.endAction, daysLeft, history: info.endDateHistory }));
    else {
      io.out(`project end ${info.endDate} (${count(daysLeft, 'day', 'days')}), then: ${info.endAction}`);
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

export async function cmdSchedule(args: string[], ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const vaultDeps = await ctx.vaultDeps();
  const [sub, ...rest] = args;
  const { values, positionals } = parse(rest, { platform: { type: 'string' }, 'dry-run': { type: 'boolean' } }, 1);
  const vault = path.resolve(positionals[0]!);
  // A supervisor's folder (issue 10) gets the same daily job, running `share enforce` on it.
  const supervisorHeader = fs.existsSync(path.join(vault, SUPERVISOR_HEADER)) ? readSupervisorHeader(vault, vaultDeps.crypto) : null;
  const info = supervisorHeader
    ? { vaultId: supervisorHeader.supervisorId, title: 'supervisor folder', ownerKey: supervisorHeader.keys.sign }
    : inspectVault(vault, vaultDeps.crypto);
  const platform = (str(values.platform) || process.platform) as SchedulePlatform;
  if (!['linux', 'darwin', 'win32'].includes(platform)) throw new UsageError('--platform must be linux, darwin or win32');
  const command = currentCommand();
  const spec = { vaultPath: vault, vaultId: info.vaultId, title: info.title, ownerKey: info.ownerKey, command, ...(supervisorHeader ? { enforceArgs: supervisorEnforceArgs(command, vault, supervisorHeader.keys.sign) } : {}) };
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
      const rejected = st.unit === 'rejected';
      io.out(values.json ? JSON.stringify({ ok: !rejected, ...st }) : `installed: ${st.installed ? 'yes' : 'no'}; enabled: ${st.enabled}; active: ${st.active}; unit: ${st.unit}`);
      // A unit systemd rejects never runs: the end date would pass with nothing deleted.
      if (rejected && !values.json) io.err(`systemd rejects the unit, so the daily job will not run: ${st.problem}\n  (run: hvelv schedule install ${vault})`);
      return rejected ? EXIT.other : EXIT.ok;
    }
    default:
      throw new UsageError('expected schedule install|remove|status');
  }
}
