/**
 * `enforce` without a terminal or a window: the argument rules shared by `hvelv
 * enforce` and the packaged app's own headless entry (`Hvelv enforce <vault> …`, which
 * the daily job runs so that Electron's RunAsNode fuse can stay off). Pure: no
 * libsodium, no SQLite, so a run with nothing due starts fast.
 */
import { isIsoDate } from '../../../../shared/domain';

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * The time `--now` names: a date (YYYY-MM-DD, taken at noon local time, as before) or
 * an ISO 8601 date-time (`2031-06-29T12:00:00Z`, with an offset, or local without one).
 * null when it is neither, or names a day or hour that does not exist.
 */
export function parseNowOption(value: string): Date | null {
  if (isIsoDate(value)) return new Date(`${value}T12:00:00`);
  const m = DATE_TIME.exec(value);
  if (!m || !isIsoDate(m[1]!)) return null;
  if (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) return null;
  // +0200 and +02 as Date.parse wants them: +02:00.
  const zone = m[6] === undefined || m[6] === 'Z' ? (m[6] ?? '') : /^[+-]\d{2}$/.test(m[6]) ? `${m[6]}:00` : m[6].replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  if (zone && zone !== 'Z' && (Number(zone.slice(1, 3)) > 14 || Number(zone.slice(4, 6)) > 59)) return null;
  const ms = (m[5] ?? '').padEnd(3, '0').slice(0, 3);
  const t = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}.${ms || '000'}${zone}`);
  return Number.isNaN(t) ? null : new Date(t);
}

/**
 * Electron fuses flipped at packaging (electron-builder.yml's electronFuses says the
 * same; a test holds the two together). RunAsNode, NODE_OPTIONS and --inspect would let
 * anyone who can start the app run their own code inside it, with its keychain identity
 * and file access; only the signed app.asar may be loaded, and its integrity is checked.
 */
export const REQUIRED_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
} as const;

/** enforce's options that take a value, and those that do not. */
const VALUE_OPTIONS = new Set(['--now', '--owner-key']);
const FLAG_OPTIONS = new Set(['--json']);

/**
 * The two commands the headless entry runs, and the CLI command each becomes: the owner's
 * `enforce <vault>` and a supervisor folder's `share-enforce <dir>` (the CLI's
 * `share enforce <dir>`, one word here so that no other `share` subcommand can be reached).
 */
const HEADLESS_COMMANDS: Record<string, string[]> = { enforce: ['enforce'], 'share-enforce': ['share', 'enforce'] };

/**
 * The packaged app's headless entry: `Hvelv [chromium switches] enforce <vault> […]` or
 * `Hvelv [chromium switches] share-enforce <dir> […]`. Returns the arguments for the CLI
 * (`['enforce', vault, …]`, `['share', 'enforce', dir, …]`), or null when the app was
 * started to open its window. Chromium's own switches (which Chromium reads wherever they
 * stand) are left out; only these two are run this way, so the app binary is no general
 * way to run commands.
 */
export function headlessEnforceArgs(argv: readonly string[]): string[] | null {
  const at = argv.findIndex((a) => !a.startsWith('-'));
  if (at < 0 || !Object.hasOwn(HEADLESS_COMMANDS, argv[at]!)) return null;
  const out = [...HEADLESS_COMMANDS[argv[at]!]!];
  const rest = argv.slice(at + 1);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    const name = a.split('=')[0]!;
    if (VALUE_OPTIONS.has(name)) {
      out.push(a);
      if (!a.includes('=') && i + 1 < rest.length) out.push(rest[++i]!);
    } else if (FLAG_OPTIONS.has(a) || !a.startsWith('-')) out.push(a);
    // Anything else starting with - is Chromium's (--no-sandbox, --ozone-platform=…).
  }
  return out;
}

/**
 * How the daily job starts the packaged app: its own binary with `enforce`, handled
 * before any window exists (electron/main/index.ts), so RunAsNode can stay off. The
 * headless Ozone platform lets it start where no display is (a systemd timer has none).
 */
export function packagedEnforceCommand(execPath: string): { argv: string[]; env: Record<string, string>; app: true } {
  return { argv: [execPath, '--ozone-platform=headless'], env: {}, app: true };
}

/**
 * The file the daily job must start to reach the packaged app again. Inside an AppImage,
 * `process.execPath` is in a temporary mount (/tmp/.mount_XXXX/) that is gone once the
 * app exits, so a job pointing there would never run and the end date would pass unkept;
 * the AppImage runtime names the real file in APPIMAGE.
 */
export function appExecutable(env: Readonly<Record<string, string | undefined>>, execPath: string): string {
  const image = env.APPIMAGE;
  return image && image.startsWith('/') ? image : execPath;
}

/**
 * What a supervisor folder's daily job runs after the command: the packaged app's
 * `share-enforce <dir>`, or the CLI's `share enforce <dir>`; either way with the folder's
 * own signing key pinned, so a header re-signed with another key is refused, not trusted.
 */
export function supervisorEnforceArgs(command: { app?: boolean }, dir: string, signKey: string): string[] {
  return [...(command.app ? ['share-enforce'] : ['share', 'enforce']), dir, '--owner-key', signKey];
}
