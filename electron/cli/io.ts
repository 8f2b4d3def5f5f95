/** The CLI's view of the outside world, so tests can run it in-process. */
import { visibleControls } from '../../shared/control-chars';
import type { Locale } from '../../shared/i18n/locale';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True once the reader of stdout or stderr has gone (`hvelv … | head`): what is left to say is dropped. */
  pipeClosed?(): boolean;
  env: Record<string, string | undefined>;
  /** stdin is a terminal: a passphrase or a confirmation can be asked for. */
  isTty: boolean;
  /** stderr is a terminal: progress may be drawn there (absent: as isTty). */
  errIsTty?: boolean;
  promptHidden(question: string): Promise<string>;
  now(): Date;
}

export class UsageError extends Error {}

/**
 * The word for a count in the CLI's English-only lines (listings and summaries not in
 * the catalogue): "1 segment", "2 segments", "0 segments". The catalogue's messages
 * write theirs as {n|one|other}.
 */
export function noun(n: number, one: string, other: string): string {
  return n === 1 ? one : other;
}

export function count(n: number, one: string, other: string): string {
  return `${n} ${noun(n, one, other)}`;
}

/** Read a line from the terminal without echoing it. */
export function promptHiddenTty(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let value = '';
    const wasRaw = stdin.isRaw;
    // Echo off before the prompt appears: anything typed after seeing it stays hidden.
    stdin.setRawMode(true);
    process.stderr.write(question);
    stdin.resume();
    stdin.setEncoding('utf8');
    const done = (err?: Error): void => {
      stdin.setRawMode(wasRaw);
      stdin.pause();
      stdin.removeListener('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/**
 * Every line the CLI prints passes here (run() wraps the io it is given): text from outside
 * (a supervisor's comment, a share's codes and memos, transcript text, file names) can
 * hold ESC, BEL, CR or bidirectional overrides that would steer the user's terminal; they
 * are printed as \uXXXX (which JSON output reads as the same character). A progress line's
 * own leading CR is kept.
 */
export function printable(text: string): string {
  return text.startsWith('\r') ? `\r${visibleControls(text.slice(1))}` : visibleControls(text);
}

/** `io` with everything it prints made printable(). */
export function printableIo(io: CliIo): CliIo {
  // The prompt too: a confirmation names the file the user gave, which may be anything.
  return { ...io, out: (t) => io.out(printable(t)), err: (t) => io.err(printable(t)), promptHidden: (q) => io.promptHidden(printable(q)) };
}

/** The exit code of a command whose reader went away, as git's and age's when SIGPIPE ends them: 128 + 13. */
export const EXIT_PIPE_CLOSED = 141;

export function nodeIo(): CliIo {
  // A closed pipe (`hvelv share create … | head`) is not the command's failure: the work
  // goes on to its end (a share half written helps no one) and what is left to print is
  // dropped, with no stack trace. main.ts then exits as git does (141).
  let closed = false;
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') closed = true;
    else throw err;
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
  const write = (stream: NodeJS.WriteStream, t: string): void => {
    if (closed || stream.destroyed) return;
    stream.write(t.endsWith('\n') ? t : `${t}\n`);
  };
  return {
    out: (t) => write(process.stdout, t),
    err: (t) => write(process.stderr, t),
    pipeClosed: () => closed,
    env: process.env,
    isTty: Boolean(process.stdin.isTTY),
    errIsTty: Boolean(process.stderr.isTTY),
    promptHidden: promptHiddenTty,
    now: () => new Date(),
  };
}

/** The language of a listing: `--lang nb|en`, else the system's (the command context's). */
export function listingLocale(lang: string | boolean | undefined, fallback: Locale): Locale {
  if (lang === undefined) return fallback;
  if (lang !== 'nb' && lang !== 'en') throw new UsageError('--lang nb|en');
  return lang;
}
