/**
 * `hvelv`: the same core as the app, without Electron, for scripts and for the
 * deletion that must run when nobody opens the app.
 *
 * Each command group is a module of its own under commands/, listed once in COMMANDS
 * with its usage lines (which make `--help`) and loaded only when it runs: `--help`
 * and usage errors load neither libsodium nor SQLite.
 */
import { HvelvError } from '../core/errors';
import type { Locale } from '../../shared/i18n/catalogue';
import { printableIo, UsageError, type CliIo } from './io';
import { EXIT, type CliDeps, type Command, type CommandContext } from './context';
import type { VaultDeps } from '../core/vault/vault';

export { EXIT, type CliDeps };

interface Entry {
  name: string;
  usage: string;
  load: () => Promise<Command>;
}

/** Every command, in the order --help lists them; a blank usage line starts a new paragraph. */
const COMMANDS: Entry[] = [
  {
    name: 'init',
    usage: `hvelv init <vault> --title T --end-date YYYY-MM-DD [--institution I] [--faculty F]
           [--student S] [--supervisor V] [--sikt-ref R] [--end-action anonymise|delete-all]
           [--code-prefix JS]   (participant codes become JS01, JS02, …; default P)`,
    load: async () => (await import('./commands/project')).cmdInit,
  },
  { name: 'status', usage: 'hvelv status <vault> [--unlock] [--lang nb|en] [--json]', load: async () => (await import('./commands/project')).cmdStatus },
  { name: 'verify', usage: 'hvelv verify <vault> [--json]', load: async () => (await import('./commands/project')).cmdVerify },
  {
    name: 'audit',
    usage: `hvelv audit list <vault> [--json]
hvelv audit verify <vault> [--json]
`,
    load: async () => (await import('./commands/project')).cmdAudit,
  },
  {
    name: 'participant',
    usage: `hvelv participant add <vault> --name N [--email E] [--phone P] [--workplace W] [--notes T] [--json]
hvelv participant list <vault> [--reveal] [--json]
hvelv participant show <vault> <code> [--json]          (reveals the identity; audited)
hvelv participant edit <vault> <code> [--name N] [--email E] [--phone P] [--workplace W] [--notes T]`,
    load: async () => (await import('./commands/participant')).cmdParticipant,
  },
  {
    name: 'consent',
    usage: `hvelv consent record <vault> <code> --date D --form-version V [--locale nb|en]
           [--method paper|digital|oral-recorded] [--evidence FILE] [--statement S]...
           [--unfinished-letter]
           (without --statement: every statement on the form; a letter with [fields]
           left unfilled is refused unless --unfinished-letter says so, which is recorded)`,
    load: async () => (await import('./commands/participant')).cmdConsent,
  },
  {
    name: 'withdraw',
    usage: `hvelv withdraw <vault> <code> [--date D] --yes [--receipt FILE] [--locale nb|en]
           (without --yes: shows what would be destroyed, changes nothing)`,
    load: async () => (await import('./commands/participant')).cmdWithdraw,
  },
  {
    name: 'access-request',
    usage: `hvelv access-request <vault> <code> --out DIR [--locale nb|en]
           (DIR is created if it does not exist and its parent folder does)`,
    load: async () => (await import('./commands/participant')).cmdAccess,
  },
  {
    name: 'form',
    usage: `hvelv form list <vault> [--json]
hvelv form export <vault> --form-version V [--locale nb|en] --out FILE
`,
    load: async () => (await import('./commands/participant')).cmdForm,
  },
  {
    name: 'backup',
    usage: `hvelv backup add <vault> <folder>              (an external disk, a synced folder, a network share)
hvelv backup remove <vault> <folder>
hvelv backup list <vault> [--json]
hvelv backup run <vault> [--place FOLDER] [--json]  (encrypted, incremental; withdrawals and the end date reach each place)
hvelv backup verify <vault> [--place FOLDER] [--json] (reads every piece back)
hvelv backup destroyed <vault> <folder> --date D    (a place's disk was destroyed)`,
    load: async () => (await import('./commands/backup')).cmdBackup,
  },
  {
    name: 'restore',
    usage: `hvelv restore <folder> <new-vault> [--also <folder>]... [--allow-older]
           (--also: further backup places or the vault, whose withdrawals apply too)`,
    load: async () => (await import('./commands/backup')).cmdRestore,
  },
  {
    name: 'move',
    usage: `hvelv move <vault> <new-folder> [--keep-backup-in <folder> | --no-backup]
           (out of a synced folder: copied, verified, the old files shredded; the old folder,
           or --keep-backup-in, becomes a backup place with a first copy)
`,
    load: async () => (await import('./commands/backup')).cmdMove,
  },
  {
    name: 'audio',
    usage: `hvelv audio import <vault> <code> <file> [--delete-original] [--json]
hvelv audio list <vault> [--json]
hvelv audio export <vault> <id> --out FILE            (bit-identical to the original)
hvelv audio delete <vault> <id> --yes`,
    load: async () => (await import('./commands/audio')).cmdAudio,
  },
  {
    name: 'transcript',
    usage: `hvelv transcript import <vault> <code> <file> [--recording ID] [--json]   (.txt, .docx, .srt, .vtt)
hvelv transcript list <vault> [--lang nb|en] [--json]
hvelv transcript export <vault> <id> --out FILE.txt|FILE.docx [--accept ID ...] [--json]
                                                     each identifying detail found is replaced
                                                     first or accepted by its id (listed when not)
hvelv transcript delete <vault> <id> --yes
hvelv transcript check <vault> <id> [--json]         identifying details (names, phone numbers, ...)
hvelv transcript deidentify <vault> <id> [--keep TERM ...] [--yes]
                                                     replace them with placeholders ([navn], ...);
                                                     without --yes, shows what would be replaced
hvelv transcript draft <vault> <recording-id> --model FOLDER [--speakers FOLDER] [--language nb|en] [--json]
                                                     an automatic draft made on this machine;
                                                     progress on stderr, the new transcript's id
                                                     on stdout; Ctrl-C cancels
hvelv transcript draft <vault> --all [--model FILE] [--language nb|en] [--json]
                                                     drafts of every recording without a transcript,
                                                     one at a time; run again after Ctrl-C or a lock,
                                                     it goes on (the one interrupted starts again)
hvelv transcript checked <vault> <id>                the draft has been checked: no longer flagged
`,
    load: async () => (await import('./commands/transcript')).cmdTranscript,
  },
  {
    name: 'code',
    usage: `hvelv code add <vault> NAME [--parent NAME] [--definition TEXT] [--color #RRGGBB] [--json]
hvelv code list <vault> [--lang nb|en] [--json]
hvelv code rename <vault> NAME NEW-NAME           (also --definition TEXT, --color #RRGGBB)
hvelv code move <vault> NAME (--parent NAME | --top)
hvelv code merge <vault> NAME --into NAME           (segments join; overlaps become one)
hvelv code delete <vault> NAME [--yes]              (without --yes: shows what it removes)
hvelv code apply <vault> <transcript-id> --code NAME (--quote "exact text" [--occurrence N] | --start N --end N)
                                                     (positions: code points of the stored text, end exclusive)
hvelv code unapply <vault> <segment-id> --code NAME
hvelv code quote <vault> <segment-id> [--off]      (mark as a quote for the report)
hvelv code orphans <vault> [--keep ID --quote TEXT | --keep ID --start N --end N | --drop ID]
                                                     (segments whose text was deleted by an edit)
hvelv code segments <vault> NAME [--participant CODE] [--where NAME=VALUE ...] [--json]
           NAME may be a path Parent/Child where a name is under two parents (/Name for the one
           at the top), or the code's id.`,
    load: async () => (await import('./commands/code')).cmdCode,
  },
  {
    name: 'attribute',
    usage: `hvelv attribute define <vault> NAME [--kind text|number|date|list] [--values a,b,c]
           [--label-nb L] [--label-en L] [--identifying]   (identifying: deleted at the end date)
hvelv attribute set <vault> <code> NAME=VALUE [--exact]   (an exact age, year, number of years or
           place is stored as its band or county unless --exact; NAME= removes the value)
hvelv attribute list <vault> [--json]
hvelv attribute compare <vault> NAME [--json]     codes × the attribute's values (passages/participants)
hvelv attribute update <vault> NAME [--values a,b,c] [--label-nb L] [--label-en L] [--identifying|--not-identifying]
hvelv attribute delete <vault> NAME --yes
           A combination of values held by five or fewer participants is warned of (stderr).`,
    load: async () => (await import('./commands/attribute')).cmdAttribute,
  },
  {
    name: 'theme',
    usage: `hvelv theme add <vault> NAME [--parent THEME] [--definition TEXT] [--json]
hvelv theme list <vault> [--json]
hvelv theme assign <vault> THEME --code NAME [--remove]   (a code may be in several themes)
hvelv theme status <vault> THEME candidate|reviewed|defined
hvelv theme rename <vault> THEME NEW-NAME [--definition TEXT]
hvelv theme delete <vault> THEME --yes`,
    load: async () => (await import('./commands/theme')).cmdTheme,
  },
  {
    name: 'memo',
    usage: `hvelv memo add <vault> --on project|journal|transcript:<id>|code:<name>|theme:<name>|segment:<id> --text TEXT [--private] [--json]
hvelv memo list <vault> [--on …] [--json]
hvelv memo delete <vault> <memo-id> --yes`,
    load: async () => (await import('./commands/memo')).cmdMemo,
  },
  {
    name: 'phase',
    usage: `hvelv phase show|set <vault> [PHASE]   (familiarising, initial-codes, searching-themes,
                                        reviewing-themes, defining-themes, writing-up)`,
    load: async () => (await import('./commands/memo')).cmdPhase,
  },
  {
    name: 'search',
    usage: `hvelv search <vault> QUERY [--participant CODE] [--where NAME=VALUE ...] [--limit N] [--json]
           case and å/aa/a, ø/oe/o, æ/ae/a, é/e folded ("aase" finds "Åse"); "a phrase" in quotes`,
    load: async () => (await import('./commands/search')).cmdSearch,
  },
  {
    name: 'report',
    usage: `hvelv report <vault> --out FILE.docx [--lang nb|en] [--accept TERM ...]
hvelv report <vault> --map FILE.svg [--lang nb|en] [--where NAME=VALUE ...]   (the thematic map)
hvelv report check <vault> [--json]                    (identifying details in codes, themes, quotes, memos)
           Possible identifying details must be replaced (in the transcript, code or memo)
           or confirmed with --accept TERM before anything is written.`,
    load: async () => (await import('./commands/report')).cmdReport,
  },
  {
    name: 'journal',
    usage: 'hvelv journal export <vault> --out FILE.docx [--lang nb|en] [--accept TERM ...]',
    load: async () => (await import('./commands/report')).cmdJournal,
  },
  {
    name: 'export',
    usage: `hvelv export qdpx <vault> --out FILE.qdpx [--recordings] [--crlf] [--accept FINDING_ID ...] [--yes]
hvelv export qdc <vault> --out FILE.qdc [--accept FINDING_ID ...] [--yes]
           REFI-QDA project or codebook for NVivo, ATLAS.ti, MAXQDA, QualCoder. Every
           possible identifying detail is listed with an id: replace it in Hvelv or
           accept it with --accept; --yes only skips the final question. Private memos
           never go out; --recordings adds the audio (a voice identifies a person);
           --crlf writes Windows line endings (MAXQDA).`,
    load: async () => (await import('./commands/exchange')).cmdExport,
  },
  {
    name: 'import',
    usage: `hvelv import qdpx <vault> FILE.qdpx [--map SOURCE_NAME=PARTICIPANT_CODE ...] [--json]
hvelv import qdc <vault> FILE.qdc
           Sources without --map are listed and not imported; the rest (codes
           included) is. Each participant must have consent covering transcripts.
`,
    load: async () => (await import('./commands/exchange')).cmdImport,
  },
  {
    name: 'model',
    usage: `hvelv model list [--json]                       installed speech models (size, expected speed,
                                                     verified) and the ones Hvelv knows, with SHA-256
hvelv model install <https-url|FILE> [--sha256 HEX] [--json]
           Downloads (https only; http only on 127.0.0.1, ::1 or localhost) or reads a
           sherpa-onnx .tar.bz2, checks its SHA-256 (the known list's, or --sha256) before
           anything is kept, and unpacks it into the models folder. An archive with no hash
           to check is installed marked "not verified". Nothing is left on failure or Ctrl-C.
hvelv model remove <name> [--json]               deletes an installed model's folder
hvelv model check FILE [--json]                  format, size and SHA-256 against the known list`,
    load: async () => (await import('./commands/model')).cmdModel,
  },
  {
    name: 'enforce',
    usage: `hvelv enforce <vault> [--now YYYY-MM-DD|DATE-TIME [--yes]] [--owner-key KEY] [--json]
           Deletes what is due at the project end date. Needs no passphrase. --now (a date
           or an ISO 8601 date-time such as 2031-06-29T12:00:00Z) may move time forward,
           never back, and only previews what would be deleted then; with --yes it deletes.`,
    load: async () => (await import('./commands/enforce')).cmdEnforce,
  },
  {
    name: 'deadline',
    usage: `hvelv deadline show <vault> [--json]
hvelv deadline extend <vault> --to YYYY-MM-DD --reason R --sikt-ref X [--sikt-date YYYY-MM-DD]
hvelv deadline action <vault> anonymise|delete-all   (what the end date deletes)`,
    load: async () => (await import('./commands/deadline')).cmdDeadline,
  },
  {
    name: 'schedule',
    usage: `hvelv schedule install|remove|status <vault> [--platform linux|darwin|win32] [--dry-run] [--json]
           A daily operating-system job that runs "hvelv enforce" (systemd user timer on
           Linux; launchd and Task Scheduler files are written for macOS and Windows).`,
    load: async () => (await import('./commands/deadline')).cmdSchedule,
  },
  {
    name: 'notification',
    usage: `hvelv notification <vault> [--lang nb|en] [--out FILE.docx|FILE.md] [--json]
           the data-handling text for Sikt's notification form and the data management plan,
           written from the vault's settings (no names, no codes); --out also remembers it
           as copied, and what changed since is listed on stderr`,
    load: async () => (await import('./commands/notification')).cmdNotification,
  },
  {
    name: 'supervisor',
    usage: `hvelv supervisor init <dir>                 (the supervisor's own folder and keys; prints the supervisor key)
hvelv supervisor key <dir> [--json]          (the key alone on one line; --json: key and fingerprint)
hvelv supervisor add <vault> --key KEY --until YYYY-MM-DD [--label L] [--recordings]
hvelv supervisor list <vault> [--json]
hvelv supervisor remove <vault> <ID|FINGERPRINT>   (no further share; a copy received stays until its end)`,
    load: async () => (await import('./commands/supervisor')).cmdSupervisor,
  },
  {
    name: 'share',
    usage: `hvelv share create <vault> --out FILE.hvelvshare [--supervisor ID] [--accept FINDING_ID]... [--yes]
           (refused while a finding is neither replaced nor accepted; --yes skips only the confirmation)
hvelv share open <dir> FILE                  (the supervisor's side: imports it and prints what it holds)
hvelv share show <dir> transcripts|codes|themes|memos [--vault ID] [--json]
hvelv share enforce <dir> [--now D [--yes]] [--owner-key KEY]  (no passphrase: deletes copies whose access
           has ended; --now previews a day, --yes destroys what would be due then; --owner-key pins the folder's key)
hvelv share certificate <dir> --out FILE.html|FILE.json [--vault ID] [--locale nb|en]
hvelv share verify-certificate <vault> FILE  (the student's side: checks the supervisor's signature)`,
    load: async () => (await import('./commands/supervisor')).cmdShare,
  },
  {
    name: 'feedback',
    usage: `hvelv feedback add <dir> --on code:NAME|theme:NAME|memo:ID|segment:ID --text T [--vault ID]
hvelv feedback export <dir> --out FILE.hvelvfeedback [--vault ID]
hvelv feedback import <vault> FILE           (signed by a supervisor of this vault; details flagged)
hvelv feedback list <vault> [--json]         (the student's side: comments, with ids and flagged details)
hvelv feedback redact <vault> ID --text T --with [PLACEHOLDER] [--occurrence N]
hvelv feedback delete <vault> ID --yes`,
    load: async () => (await import('./commands/supervisor')).cmdFeedback,
  },
];

export const HELP = `hvelv: keeps the data of an interview study safe and lawful

Usage:
${COMMANDS.map((c) => c.usage.replace(/^(?=.)/gm, '  ')).join('\n')}

Passphrase: asked on the terminal without echo, or read from --passphrase-file FILE,
or from the HVELV_PASSPHRASE environment variable. Never give it as an argument.
"status" without a passphrase shows what deletion at project end needs (end date,
which stores exist); with one (--unlock, a file or the variable) it shows everything.

Exit codes:
  0  ok
  1  other error
  2  usage error
  3  wrong passphrase
  4  integrity failure (the vault, or a share file, is damaged or was changed outside Hvelv)
  141  the reader of the output went away (hvelv … | head) after the work was done
`;

/** Norwegian for nb, nn and no system locales (as catalogue.ts's localeFromSystem), without loading every string. */
const localeOf = (tag: string | undefined): Locale => (/^(nb|nn|no)([-_.]|$)/i.test(tag ?? '') ? 'nb' : 'en');

export async function run(argv: string[], given: CliIo, deps: CliDeps = {}): Promise<number> {
  // One place where everything printed passes: control characters from outside made visible.
  const io = printableIo(given);
  const locale = localeOf(io.env.LC_ALL || io.env.LC_MESSAGES || io.env.LANG);
  const json = argv.includes('--json');
  try {
    const [command, ...rest] = argv;
    if (!command || command === '--help' || command === '-h' || command === 'help') {
      io.out(HELP);
      return command ? EXIT.ok : EXIT.usage;
    }
    const entry = COMMANDS.find((c) => c.name === command);
    if (!entry) throw new UsageError(`unknown command "${command}" (see hvelv --help)`);
    let made: VaultDeps | undefined;
    const ctx: CommandContext = {
      io,
      locale,
      deps,
      vaultDeps: async () => {
        if (!made) {
          const [{ createCrypto }, { PRODUCTION_KDF_POLICY }] = await Promise.all([import('../core/crypto/sodium'), import('../core/crypto/kdf')]);
          made = { crypto: await createCrypto(), kdfPolicy: deps.kdfPolicy ?? PRODUCTION_KDF_POLICY, now: io.now };
        }
        return made;
      },
    };
    return await (await entry.load())(rest, ctx);
  } catch (err) {
    return await reportError(err, io, locale, json);
  }
}

/** The catalogue is loaded only here and by the commands: --help needs none of it. */
async function reportError(err: unknown, io: CliIo, locale: Locale, json: boolean): Promise<number> {
  const { errorMessage } = await import('../../shared/i18n/catalogue');
  if (err instanceof UsageError) {
    if (json) io.out(JSON.stringify({ ok: false, error: { code: 'USAGE', message: err.message } }));
    else io.err(`hvelv: ${err.message}`);
    return EXIT.usage;
  }
  if (err instanceof HvelvError) {
    if (json) io.out(JSON.stringify({ ok: false, error: { code: err.code, message: err.message } }));
    else io.err(`hvelv: ${errorMessage(locale, err.code)}\n  (${err.message})`);
    if (err.code === 'WRONG_PASSPHRASE') return EXIT.wrongPassphrase;
    if (err.code === 'INTEGRITY' || err.code === 'SHARE_DAMAGED') return EXIT.integrity;
    if (err.code === 'INVALID_INPUT' || err.code === 'CONSENT_DATE_IMPLAUSIBLE') return EXIT.usage;
    if (err.code === 'VAULT_BUSY') io.err('  (if Hvelv has the vault open, it keeps the end date itself while it runs)');
    return EXIT.other;
  }
  // A bug: say so plainly, without dumping data.
  io.err(`hvelv: ${errorMessage(locale, 'INTERNAL')}\n  (${(err as Error)?.message ?? String(err)})`);
  return EXIT.other;
}
