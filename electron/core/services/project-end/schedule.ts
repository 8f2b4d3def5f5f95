/**
 * The operating-system job that runs `hvelv enforce` every day, so the end date is
 * kept even if nobody opens Hvelv again. Linux (systemd user timer) is installed and
 * tested; macOS (launchd) and Windows (Task Scheduler) files are generated for the
 * user to install, as docs/project-end.md describes.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HvelvError } from '../../errors';

export type SchedulePlatform = 'linux' | 'darwin' | 'win32';

export interface EnforceCommand {
  /** argv of a headless `hvelv`: node and the script, or Electron run as node and the bundled CLI. */
  argv: string[];
  env: Record<string, string>;
  /** The packaged app's own headless entry (which takes `enforce` and `share-enforce`), not the CLI. */
  app?: boolean;
}

export interface ScheduleSpec {
  vaultPath: string;
  vaultId: string;
  title: string;
  /** The owner's public key, pinned: a header re-signed by anyone else is refused. */
  ownerKey: string;
  command: EnforceCommand;
  /** What the job runs after the command (default: `enforce <vault> --owner-key KEY`); a supervisor folder's job runs `supervisorEnforceArgs` (headless-enforce.ts). */
  enforceArgs?: string[];
}

export interface ScheduleFile {
  path: string;
  content: string;
}

export function jobName(vaultId: string): string {
  return `hvelv-enforce-${vaultId.slice(0, 12)}`;
}

function enforceArgv(spec: ScheduleSpec): string[] {
  return [...spec.command.argv, ...(spec.enforceArgs ?? ['enforce', spec.vaultPath, '--owner-key', spec.ownerKey])];
}

/**
 * systemd quoting: each word in double quotes, with \ and " escaped, control characters
 * as C escapes (\xHH: a raw newline would end the line and split the unit), % as %% (a
 * specifier) and $ as $$ (a variable). A vault renamed to such a path keeps its job.
 */
export function systemdWord(w: string): string {
  const escaped = w
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/%/g, '%%')
    .replace(/\$/g, '$$$$');
  const c0 = (c: string): boolean => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f;
  return `"${[...escaped].map((c) => (c0(c) ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('')}"`;
}

const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ').slice(0, 200);

export function systemdUnits(spec: ScheduleSpec, configHome = path.join(os.homedir(), '.config')): ScheduleFile[] {
  const dir = path.join(configHome, 'systemd', 'user');
  const name = jobName(spec.vaultId);
  const env = Object.entries(spec.command.env).map(([k, v]) => `Environment=${systemdWord(`${k}=${v}`)}\n`).join('');
  const service = `[Unit]
Description=Hvelv: keep the end date of "${oneLine(spec.title).replace(/%/g, '%%')}" (vault ${spec.vaultId})

[Service]
Type=oneshot
${env}ExecStart=${enforceArgv(spec).map(systemdWord).join(' ')}
`;
  const timer = `[Unit]
Description=Hvelv: daily end-date check for vault ${spec.vaultId}

[Timer]
OnCalendar=daily
Persistent=true
RandomizedDelaySec=10min

[Install]
WantedBy=timers.target
`;
  return [
    { path: path.join(dir, `${name}.service`), content: service },
    { path: path.join(dir, `${name}.timer`), content: timer },
  ];
}

const xml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function launchdPlist(spec: ScheduleSpec, home = os.homedir()): ScheduleFile[] {
  const label = `no.hvelv.enforce.${spec.vaultId.slice(0, 12)}`;
  const env = Object.entries(spec.command.env)
    .map(([k, v]) => `      <key>${xml(k)}</key><string>${xml(v)}</string>`)
    .join('\n');
  const content = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
  <dict>
    <key>Label</key><string>${label}</string>
    <key>ProgramArguments</key>
    <array>
${enforceArgv(spec)
  .map((a) => `      <string>${xml(a)}</string>`)
  .join('\n')}
    </array>
    <key>EnvironmentVariables</key>
    <dict>
${env}
    </dict>
    <key>StartCalendarInterval</key><dict><key>Hour</key><integer>9</integer><key>Minute</key><integer>0</integer></dict>
    <key>RunAtLoad</key><true/>
  </dict>
</plist>
`;
  return [{ path: path.join(home, 'Library', 'LaunchAgents', `${label}.plist`), content }];
}

/** Windows quoting for one argument of a command line (CommandLineToArgvW rules). */
function winArg(a: string): string {
  if (a !== '' && !/[\s"]/.test(a)) return a;
  return `"${a.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

export function windowsTask(spec: ScheduleSpec, dir = os.homedir()): ScheduleFile[] {
  let [exe, ...args] = enforceArgv(spec);
  // Task Scheduler expands %NAME% in a task's command and arguments, and neither its XML
  // nor cmd has an escape that survives it: a vault in a folder named "%USERNAME%" would
  // be looked for somewhere else and its deletion would never run. Refused, with why.
  const expands = [exe!, ...args].find((a) => /%[^%\s]+%/.test(a));
  if (expands !== undefined) {
    throw new HvelvError('INVALID_INPUT', `Task Scheduler would expand the %…% in ${JSON.stringify(expands)} and run the job on another path; rename the folder (no text between two % signs) and install the job again`);
  }
  const env = Object.entries(spec.command.env);
  if (env.length > 0) {
    // Task Scheduler sets no environment per action: cmd sets it, then starts hvelv.
    const line = [exe!, ...args].map(winArg).join(' ');
    args = ['/d', '/c', `${env.map(([k, v]) => `set ${k}=${v}&&`).join(' ')} ${line}`];
    exe = 'cmd.exe';
  }
  const content = `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><Description>Hvelv: daily end-date check for vault ${spec.vaultId}</Description></RegistrationInfo>
  <Triggers>
    <CalendarTrigger><StartBoundary>2000-01-01T09:00:00</StartBoundary><ScheduleByDay><DaysInterval>1</DaysInterval></ScheduleByDay></CalendarTrigger>
    <LogonTrigger/>
  </Triggers>
  <Settings><StartWhenAvailable>true</StartWhenAvailable><DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries></Settings>
  <Actions Context="Author">
    <Exec>
      <Command>${xml(exe!)}</Command>
      <Arguments>${xml(args.map(winArg).join(' '))}</Arguments>
    </Exec>
  </Actions>
</Task>
`;
  return [{ path: path.join(dir, `${jobName(spec.vaultId)}.xml`), content }];
}

export function scheduleFiles(platform: SchedulePlatform, spec: ScheduleSpec, base?: string): ScheduleFile[] {
  if (platform === 'linux') return systemdUnits(spec, base);
  if (platform === 'darwin') return launchdPlist(spec, base);
  return windowsTask(spec, base);
}

function systemctl(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('systemctl', ['--user', ...args], { encoding: 'utf8', timeout: 20_000 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() || (r.error?.message ?? '') };
}

export interface InstallResult {
  files: string[];
  activated: boolean;
  note: string;
}

/** Write the systemd user units and, where a user manager is running, enable the timer. */
export function installLinux(spec: ScheduleSpec, configHome?: string): InstallResult {
  const files = systemdUnits(spec, configHome);
  for (const f of files) {
    fs.mkdirSync(path.dirname(f.path), { recursive: true });
    fs.writeFileSync(f.path, f.content, { mode: 0o644 });
  }
  const name = jobName(spec.vaultId);
  const reload = systemctl(['daemon-reload']);
  if (!reload.ok) {
    return { files: files.map((f) => f.path), activated: false, note: `systemd user manager not reachable (${reload.out}); run: systemctl --user daemon-reload && systemctl --user enable --now ${name}.timer` };
  }
  const enable = systemctl(['enable', '--now', `${name}.timer`]);
  return { files: files.map((f) => f.path), activated: enable.ok, note: enable.ok ? `${name}.timer enabled` : enable.out };
}

export function removeLinux(vaultId: string, configHome?: string): string[] {
  const name = jobName(vaultId);
  systemctl(['disable', '--now', `${name}.timer`]);
  const dir = path.join(configHome ?? path.join(os.homedir(), '.config'), 'systemd', 'user');
  const removed: string[] = [];
  for (const f of [`${name}.service`, `${name}.timer`]) {
    const p = path.join(dir, f);
    if (fs.existsSync(p)) {
      fs.rmSync(p);
      removed.push(p);
    }
  }
  systemctl(['daemon-reload']);
  return removed;
}

/** Whether the daily job will really run: installed, enabled, its timer active, and a unit systemd accepts. */
export function dailyJobRuns(st: ScheduleStatus): boolean {
  return st.installed && st.enabled === 'enabled' && st.active === 'active' && st.unit !== 'rejected';
}

export interface ScheduleStatus {
  installed: boolean;
  enabled: string;
  active: string;
  /** What systemd makes of the unit files: a unit it rejects never runs, so this is said. */
  unit: 'valid' | 'rejected' | 'unknown';
  problem?: string;
}

/** systemd-analyze's verdict on the installed units (offline: needs no running user manager). */
function analyzeUnits(files: string[]): Pick<ScheduleStatus, 'unit' | 'problem'> {
  const r = spawnSync('systemd-analyze', ['verify', ...files], { encoding: 'utf8', timeout: 20_000 });
  if (r.error) return { unit: 'unknown', problem: `systemd-analyze is not available (${r.error.message})` };
  const out = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim();
  // Any complaint about our own lines counts, also the ones systemd only "ignores".
  const ours = out.split('\n').filter((l) => files.some((f) => l.includes(path.basename(f))));
  if (r.status !== 0 || ours.length > 0) return { unit: 'rejected', problem: (ours.length ? ours : out.split('\n')).slice(0, 3).join('; ') || `exit ${r.status}` };
  return { unit: 'valid' };
}

export function statusLinux(vaultId: string, configHome?: string): ScheduleStatus {
  const name = jobName(vaultId);
  const dir = path.join(configHome ?? path.join(os.homedir(), '.config'), 'systemd', 'user');
  const units = [path.join(dir, `${name}.service`), path.join(dir, `${name}.timer`)];
  const installed = units.every((u) => fs.existsSync(u));
  const en = systemctl(['is-enabled', `${name}.timer`]);
  const ac = systemctl(['is-active', `${name}.timer`]);
  // systemctl's own words when it answers (enabled, disabled, active, inactive); no bus, no guess.
  const word = (r: { ok: boolean; out: string }): string => (/^[a-z-]+$/.test(r.out) ? r.out : 'unknown');
  return { installed, enabled: word(en), active: word(ac), ...(installed ? analyzeUnits(units) : { unit: 'unknown' as const }) };
}

/** How the running `hvelv` was started, to run the same way from the job. */
export function currentCommand(): EnforceCommand {
  const script = process.argv[1];
  if (!script) throw new HvelvError('INTERNAL', 'cannot tell how hvelv was started');
  const env: Record<string, string> = {};
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  return { argv: [process.execPath, path.resolve(script)], env };
}
